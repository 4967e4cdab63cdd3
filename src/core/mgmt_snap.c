/* SPDX-License-Identifier: MIT */
/*
 * The management channel's snapshot commands (docs/MANAGEMENT.md, docs/SNAPSHOT.md):
 *   snapshot-begin NAME        pause NAME, save its state; "ok size=N"
 *   snapshot-read NAME POS     the stream from byte POS (where the last read ended), base64
 *   snapshot-fetch NAME POS    the same as one binary frame 's' (u64 POS, then the bytes)
 *   snapshot-end NAME          resume it, its virtual time shifted by the pause
 *   restore-begin NAME         claim and scrub the stopped VM NAME
 *   restore-data NAME BASE64   the stream's next bytes
 *   frame 'r' (NAME, bytes)    the same, binary (mgmt.h "Frames")
 *   restore-end NAME           verified and complete: NAME runs from it
 *   checkpoint NAME            a checkpoint of NAME in its checkpoint-memory (checkpoint.c)
 *   rollback NAME              NAME runs from its last checkpoint
 *   clone NAME TARGET          NAME's state into the stopped TARGET, which runs with a new
 *                              generation id (core/clone.c)
 * Binary data is base64 (RFC 4648): a request line holds at most 128 bytes, a response line
 * 256. The stream is produced and parsed in core/snapshot*.c.
 */
#include "base64.h"
#include "checkpoint.h"
#include "clone.h"
#include "lib.h"
#include "mgmt_int.h"
#include "snapshot.h"

#define SNAP_READ_MAX  2048 /* stream bytes per snapshot-read */
#define SNAP_READ_LINE 120  /* per "snap" line: 160 base64 characters */
#define SNAP_DATA_MAX  96   /* decoded bytes one restore-data line can carry */

void mgmt_snapshot_begin(struct mgmt_out *o, struct vm *vm)
{
	char err[SNAP_ERR_MAX];
	u64 total;

	if (snapshot_begin(vm, &total, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok size=%llu vm=%s", (unsigned long long)total, vm->cfg->name);
}

void mgmt_snapshot_read(struct mgmt_out *o, struct vm *vm, const char *pos_arg)
{
	char err[SNAP_ERR_MAX];
	u64 pos, at;
	u32 total = 0;

	if (!mgmt_parse_u64(pos_arg, &pos)) {
		mgmt_err(o, "bad-args", "POS: a decimal position");
		return;
	}
	at = pos;
	while (total < SNAP_READ_MAX) {
		u8 buf[SNAP_READ_LINE];
		char b64[4 * SNAP_READ_LINE / 3 + 4];
		u32 got;

		if (snapshot_read(vm, at, buf, MIN((u32)SNAP_READ_LINE, SNAP_READ_MAX - total),
				  &got, err) != 0) {
			mgmt_err(o, "wrong-state", "%s", err);
			return;
		}
		if (got == 0) {
			break;
		}
		b64_encode(buf, got, b64);
		mgmt_line(o, "snap at=%llu b64=%s", (unsigned long long)at, b64);
		at += got;
		total += got;
	}
	mgmt_line(o, "ok next=%llu", (unsigned long long)at);
}

/* "snapshot-fetch NAME POS": frame 's', payload u64 POS then up to MGMT_FRAME_MAX - 8 stream
 * bytes (none at the end), then "ok next=POS2". */
void mgmt_snapshot_fetch(struct mgmt_out *o, struct vm *vm, const char *pos_arg)
{
	char err[SNAP_ERR_MAX];
	u8 *pl = mgmt_frame_payload();
	u64 pos;
	u32 got;

	if (!mgmt_parse_u64(pos_arg, &pos)) {
		mgmt_err(o, "bad-args", "POS: a decimal position");
		return;
	}
	if (snapshot_read(vm, pos, pl + 8, MGMT_FRAME_MAX - 8, &got, err) != 0) {
		mgmt_err(o, "wrong-state", "%s", err);
		return;
	}
	for (u32 i = 0; i < 8; i++) {
		pl[i] = (u8)(pos >> (8 * i));
	}
	mgmt_frame_send(o, 's', 8 + got);
	pos += got;
	mgmt_line(o, "ok next=%llu", (unsigned long long)pos);
}

void mgmt_snapshot_end(struct mgmt_out *o, struct vm *vm)
{
	char err[SNAP_ERR_MAX];
	u64 us;

	if (snapshot_end(vm, &us, err) != 0) {
		mgmt_err(o, "wrong-state", "%s", err);
		return;
	}
	mgmt_line(o, "ok resumed %s paused_us=%llu", vm->cfg->name, (unsigned long long)us);
}

void mgmt_restore_begin(struct mgmt_out *o, struct vm *vm)
{
	char err[SNAP_ERR_MAX];

	if (restore_begin(vm, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok restoring %s", vm->cfg->name);
}

void mgmt_restore_data(struct mgmt_out *o, struct vm *vm, const char *b64)
{
	char err[SNAP_ERR_MAX];
	u8 buf[SNAP_DATA_MAX];
	long n = b64_decode(b64, buf, sizeof(buf));
	u64 pos;

	if (n <= 0) {
		mgmt_err(o, "bad-args", "DATA: base64, 1 to %u bytes", SNAP_DATA_MAX);
		return;
	}
	if (restore_feed(vm, buf, (u32)n, &pos, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok at=%llu", (unsigned long long)pos);
}

/* Frame 'r': the stream's next bytes, binary. */
void mgmt_restore_frame(struct mgmt_out *o, struct vm *vm, const u8 *d, u32 n)
{
	char err[SNAP_ERR_MAX];
	u64 pos;

	if (n == 0) {
		mgmt_err(o, "bad-args", "frame 'r': no data after the name");
		return;
	}
	if (restore_feed(vm, d, n, &pos, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok at=%llu", (unsigned long long)pos);
}

void mgmt_restore_end(struct mgmt_out *o, struct vm *vm)
{
	char err[SNAP_ERR_MAX];

	if (restore_end(vm, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok restored %s", vm->cfg->name);
}

void mgmt_clone(struct mgmt_out *o, struct vm *vm, const char *target)
{
	char err[SNAP_ERR_MAX];
	struct clone_result r = {0};
	struct vm *dst = mgmt_vm_named(target);

	if (!dst) {
		mgmt_err(o, "unknown-vm", "no VM named \"%s\" (list shows them)", target);
		return;
	}
	if (!mgmt_op_claim()) {
		mgmt_err(o, "busy", "another management operation is in progress: retry");
		return;
	}
	if (vm_clone(vm, dst, &r, err) != 0) {
		mgmt_op_release();
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_op_release();
	mgmt_line(o, "ok cloned %s into %s bytes=%llu paused_us=%llu generation=0x%016llx dtb=%s",
		  vm->cfg->name, dst->cfg->name, (unsigned long long)r.bytes,
		  (unsigned long long)r.paused_us, (unsigned long long)r.generation,
		  r.dtb_patched ? "patched" : "not-found");
}

void mgmt_checkpoint(struct mgmt_out *o, struct vm *vm)
{
	char err[CKPT_ERR_MAX];
	struct ckpt_result r;

	if (checkpoint_take(vm, &r, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok checkpoint %s seq=%llu pages=%llu of=%llu full=%u us=%llu", vm->cfg->name,
		  (unsigned long long)r.seq, (unsigned long long)r.pages,
		  (unsigned long long)r.total_pages, r.full ? 1U : 0U, (unsigned long long)r.us);
}

void mgmt_rollback(struct mgmt_out *o, struct vm *vm)
{
	char err[CKPT_ERR_MAX];
	struct ckpt_result r;

	if (checkpoint_rollback(vm, &r, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok rolled back %s to checkpoint %llu pages=%llu of=%llu full=%u us=%llu",
		  vm->cfg->name, (unsigned long long)r.seq, (unsigned long long)r.pages,
		  (unsigned long long)r.total_pages, r.full ? 1U : 0U, (unsigned long long)r.us);
}
