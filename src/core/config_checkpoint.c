/* SPDX-License-Identifier: MIT */
/*
 * A VM's checkpoint properties (docs/CONFIG.md "Checkpoints"): checkpoint-memory is physical
 * RAM reserved for its last checkpoint, which must hold the VM's memory and the metadata
 * (checkpoint.h); checkpoint-hypercall lets the VM take checkpoints itself; policy
 * "rollback" needs checkpoint-memory.
 */
#include "checkpoint.h"
#include "config_int.h"
#include "lib.h"

int config_ckpt_memory(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		       void *out)
{
	struct vm_cfg *vm = out;

	if (len != 16) {
		return config_fail(c, node, name,
				   "expected <addr-hi addr-lo size-hi size-lo>, got %u bytes", len);
	}
	if (!TESSERA_FEAT_SNAPSHOT) {
		return config_feature_missing(c, node, name, "snapshot");
	}
	vm->has_ckpt = true;
	vm->ckpt.phys = be64_load(val);
	vm->ckpt.size = be64_load(val + 8);
	vm->ckpt.ipa = 0;
	return 0;
}

int config_ckpt_hypercall(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out)
{
	struct vm_cfg *vm = out;

	(void)val;
	if (len != 0) {
		return config_fail(c, node, name, "boolean property takes no value");
	}
	if (!TESSERA_FEAT_SNAPSHOT) {
		return config_feature_missing(c, node, name, "snapshot");
	}
	vm->ckpt_hypercall = true;
	return 0;
}

int config_ckpt_check(struct cfg_ctx *c, int node, const struct vm_cfg *vm)
{
	u64 mem = vm->has_flash ? vm->flash.size : 0, need;

	if (!vm->has_ckpt) {
		if (vm->ckpt_hypercall) {
			return config_fail(c, node, "checkpoint-hypercall",
					   "given without checkpoint-memory");
		}
		if (vm->policy == POLICY_ROLLBACK) {
			return config_fail(c, node, "policy",
					   "\"rollback\" needs checkpoint-memory");
		}
		return 0;
	}
	if (config_check_region(c, node, "checkpoint-memory", &vm->ckpt) != 0) {
		return -1;
	}
	for (u32 i = 0; i < vm->mem_count && i < CONFIG_MAX_MEM; i++) {
		mem += vm->mem[i].size;
	}
	need = mem + checkpoint_meta_size(mem);
	if (vm->ckpt.size < need) {
		return config_fail(c, node, "checkpoint-memory",
				   "0x%llx bytes cannot hold the VM's memory (0x%llx) and the "
				   "checkpoint's metadata (0x%llx): needs 0x%llx",
				   (unsigned long long)vm->ckpt.size, (unsigned long long)mem,
				   (unsigned long long)(need - mem), (unsigned long long)need);
	}
	return 0;
}
