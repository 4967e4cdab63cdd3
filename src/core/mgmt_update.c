/* SPDX-License-Identifier: MIT */
/*
 * The update commands of the management protocol (docs/MANAGEMENT.md "Signed updates"):
 *   update-begin NAME SIZE   start receiving a bundle of SIZE bytes for VM NAME
 *   update-data NAME HEX     its next bytes, hex-encoded (a multiple of 4 bytes per line)
 *   update-commit NAME       verify it; if good, restart NAME on it in a trial
 *   update-confirm NAME      end NAME's trial: keep the new image
 *   update-status NAME       which slot NAME runs, its version, its trial
 * `tessera ctl update NAME BUNDLE` sends the first three (tools/cmd_update.c). Every command
 * that writes flash holds the management operation claim.
 */
#include "mgmt_int.h"
#include "update_int.h"

#if TESSERA_VBOOT
#include "console.h"
#include "lib.h"
#include "vboot.h"

#define UPDATE_DATA_MAX 56U /* bytes per update-data line: its 112 hex digits fit a line */

static bool update_usable(struct mgmt_out *o, const struct vm *vm)
{
	const char *why = update_unavailable(vm);

	if (why) {
		mgmt_err(o, "unsupported", "VM %s: %s", vm->cfg->name, why);
		return false;
	}
	return true;
}

static bool update_claim(struct mgmt_out *o)
{
	if (!mgmt_op_claim()) {
		mgmt_err(o, "busy", "another management operation is in progress: retry");
		return false;
	}
	return true;
}

void mgmt_update_begin(struct mgmt_out *o, struct vm *vm, const char *arg)
{
	char msg[VBOOT_MSG_MAX];
	u64 size;
	u32 slot;

	if (!mgmt_parse_u64(arg, &size)) {
		mgmt_err(o, "bad-args", "usage: update-begin NAME SIZE (bytes, decimal)");
		return;
	}
	if (!update_usable(o, vm) || !update_claim(o)) {
		return;
	}
	if (update_begin(vm, size, &slot, msg, sizeof(msg)) != 0) {
		mgmt_err(o, "refused", "update of %s: %s", vm->cfg->name, msg);
	} else {
		console_printf("VM '%s': receiving an update (%llu bytes) into slot %u\n",
			       vm->cfg->name, (unsigned long long)size, slot);
		mgmt_line(o, "ok update-begin %s slot=%u size=%llu chunk=%u", vm->cfg->name, slot,
			  (unsigned long long)size, UPDATE_DATA_MAX);
	}
	mgmt_op_release();
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Even-length hex of at most max bytes into out; the byte count, or -1. */
static int hex_decode(const char *s, u8 *out, u32 max)
{
	u32 n = 0;

	for (; s[0]; s += 2) {
		int hi = hex_nibble(s[0]), lo = s[1] ? hex_nibble(s[1]) : -1;

		if (hi < 0 || lo < 0 || n == max) {
			return -1;
		}
		out[n++] = (u8)(hi << 4 | lo);
	}
	return (int)n;
}

void mgmt_update_data(struct mgmt_out *o, struct vm *vm, const char *hex)
{
	u8 buf[UPDATE_DATA_MAX];
	char msg[VBOOT_MSG_MAX];
	int n = hex_decode(hex, buf, sizeof(buf));
	u64 received;

	if (n <= 0) {
		mgmt_err(o, "bad-args", "update-data NAME HEX: 1..%u bytes as hex digits",
			 UPDATE_DATA_MAX);
		return;
	}
	if (!update_usable(o, vm) || !update_claim(o)) {
		return;
	}
	if (update_data(vm, buf, (u32)n, &received, msg, sizeof(msg)) != 0) {
		mgmt_err(o, "refused", "update of %s: %s", vm->cfg->name, msg);
	} else {
		mgmt_line(o, "ok %llu", (unsigned long long)received);
	}
	mgmt_op_release();
}

/* Claimed by the dispatcher (a VM command). */
void mgmt_update_commit(struct mgmt_out *o, struct vm *vm)
{
	char msg[VBOOT_MSG_MAX];
	u64 version;
	u32 slot;

	if (!update_usable(o, vm)) {
		return;
	}
	if (update_commit(vm, &version, &slot, msg, sizeof(msg)) != 0) {
		console_log(LOG_WARN, "VM '%s': update refused: %s; nothing changed\n",
			    vm->cfg->name, msg);
		mgmt_err(o, "refused", "update of %s: %s; nothing changed", vm->cfg->name, msg);
		return;
	}
	mgmt_line(o, "ok updating %s version=%llu slot=%u trial_ms=%u", vm->cfg->name,
		  (unsigned long long)version, slot, vm->cfg->update_trial_ms);
}

void mgmt_update_confirm(struct mgmt_out *o, struct vm *vm)
{
	char msg[VBOOT_MSG_MAX];
	u64 version;

	if (!update_usable(o, vm)) {
		return;
	}
	if (update_confirm(vm, &version, msg, sizeof(msg)) != 0) {
		mgmt_err(o, "wrong-state", "%s", msg);
		return;
	}
	mgmt_line(o, "ok confirmed %s version=%llu", vm->cfg->name, (unsigned long long)version);
}

void mgmt_update_status(struct mgmt_out *o, struct vm *vm)
{
	struct update_status st;

	if (!update_usable(o, vm)) {
		return;
	}
	update_status_get(vm, &st);
	mgmt_line(o, "ok update %s slot=%u version=%llu state=%s previous=%u trial_left_ms=%llu",
		  vm->cfg->name, st.active, (unsigned long long)st.version,
		  st.trial ? "trial" : "confirmed", st.trial ? st.previous : st.active,
		  (unsigned long long)st.trial_left_ms);
}
#endif
