/* SPDX-License-Identifier: MIT */
/*
 * A VM's signed-update properties (docs/CONFIG.md "Signed updates"). update-slot-size gives
 * the VM two slots (A/B) of that many bytes in the hypervisor's own flash bank, laid out
 * below its last two erase blocks (the anti-rollback counter, the update state log) in VM
 * order (core/update.c); update-trial-ms is how long a new image may run unconfirmed.
 */
#include "config_int.h"
#include "lib.h"
#include "update_format.h"

#define UPDATE_TRIAL_MIN_MS	100U
#define UPDATE_TRIAL_MAX_MS	3600000U
#define UPDATE_TRIAL_DEFAULT_MS 10000U

static int update_u32(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		      u32 *out)
{
	if (len != 4) {
		return config_fail(c, node, name, "expected one 32-bit cell, got %u bytes", len);
	}
	*out = be32_load(val);
	return 0;
}

int config_update_slot(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		       void *out)
{
	struct vm_cfg *vm = out;

	if (update_u32(c, node, name, val, len, &vm->update_slot_size) != 0) {
		return -1;
	}
	if (vm->update_slot_size == 0 || vm->update_slot_size % UPDATE_BLOCK_SIZE != 0) {
		return config_fail(c, node, name,
				   "0x%x is not a non-zero multiple of the flash erase block "
				   "(0x%x)",
				   vm->update_slot_size, (unsigned)UPDATE_BLOCK_SIZE);
	}
	return 0;
}

int config_update_trial(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			void *out)
{
	struct vm_cfg *vm = out;

	if (update_u32(c, node, name, val, len, &vm->update_trial_ms) != 0) {
		return -1;
	}
	if (vm->update_trial_ms < UPDATE_TRIAL_MIN_MS ||
	    vm->update_trial_ms > UPDATE_TRIAL_MAX_MS) {
		return config_fail(c, node, name, "%u ms is outside %u..%u", vm->update_trial_ms,
				   UPDATE_TRIAL_MIN_MS, UPDATE_TRIAL_MAX_MS);
	}
	return 0;
}

/* vm is the VM being parsed: c->cfg->vms[0 .. vm_count) are the ones before it. */
int config_update_check(struct cfg_ctx *c, int node, struct vm_cfg *vm)
{
	u64 room = c->plat->flash_size > UPDATE_RESERVED_SIZE
		       ? c->plat->flash_size - UPDATE_RESERVED_SIZE
		       : 0;
	u64 used = 2ULL * vm->update_slot_size;

	if (vm->update_trial_ms && !vm->update_slot_size) {
		return config_fail(c, node, "update-trial-ms", "given without update-slot-size");
	}
	if (!vm->update_slot_size) {
		return 0;
	}
	if (!vm->update_trial_ms) {
		vm->update_trial_ms = UPDATE_TRIAL_DEFAULT_MS;
	}
	for (u32 i = 0; i < c->cfg->vm_count && i < CONFIG_MAX_VMS; i++) {
		used += 2ULL * c->cfg->vms[i].update_slot_size;
	}
	if (used > room) {
		return config_fail(
		    c, node, "update-slot-size",
		    "two slots of 0x%x bytes, with the other VMs' slots, need 0x%llx "
		    "bytes: the flash bank has 0x%llx for updates",
		    vm->update_slot_size, (unsigned long long)used, (unsigned long long)room);
	}
	return 0;
}
