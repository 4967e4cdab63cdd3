/* SPDX-License-Identifier: MIT */
/*
 * VM generation ids (generation.h): a new value for each VM at boot and for a clone's copy,
 * written into the guest's DTB where the generator put it (vm_dtb.c: the root node's first
 * property) and answered by TESSERA_HC_GENERATION_ID. The value is a hash of the counter,
 * the VM and a sequence number: unique, not secret (the board has no entropy source the
 * hypervisor uses); a guest mixes it into its own seed.
 */
#include "generation.h"
#include "arch.h"
#include "config.h"
#include "fdt.h"
#include "lib.h"
#include "sha256.h"
#include "vm.h"

#define FDT_TOKEN_BEGIN_NODE 1U
#define FDT_TOKEN_PROP	     3U
#define FDT_HDR_STRUCT	     8U	 /* off_dt_struct */
#define FDT_HDR_STRINGS	     12U /* off_dt_strings */
/* The root node's first property value: BEGIN_NODE, "" padded, PROP, len, nameoff. */
#define GEN_VALUE_AT 20U

static u64 gen_seq;

u64 vm_generation_new(const struct vm *vm)
{
	u8 in[32], out[SHA256_DIGEST_SIZE];
	u64 v = 0;

	memset(in, 0, sizeof(in));
	for (u32 i = 0; i < 8; i++) {
		in[i] = (u8)(arch_counter() >> (8 * i));
		in[8 + i] = (u8)(++gen_seq >> (8 * i));
		in[16 + i] = (u8)(vm->generation >> (8 * i));
	}
	in[24] = (u8)vm->id;
	sha256(in, sizeof(in), out);
	for (u32 i = 0; i < 8; i++) {
		v |= (u64)out[i] << (8 * i);
	}
	return v ? v : 1;
}

bool vm_generation_patch(u8 *blob, u64 avail, u64 gen)
{
	u32 st, str, nameoff, nlen = (u32)sizeof(VM_GENERATION_PROP);

	if (avail < 40 || be32_load(blob) != FDT_MAGIC) {
		return false;
	}
	st = be32_load(blob + FDT_HDR_STRUCT);
	str = be32_load(blob + FDT_HDR_STRINGS);
	if (st % 4 || st > avail || avail - st < GEN_VALUE_AT + 8 ||
	    be32_load(blob + st) != FDT_TOKEN_BEGIN_NODE || be32_load(blob + st + 4) != 0 ||
	    be32_load(blob + st + 8) != FDT_TOKEN_PROP || be32_load(blob + st + 12) != 8) {
		return false;
	}
	nameoff = be32_load(blob + st + 16);
	/* The name is checked where it is readable (the kept copy's strings may lie past the
	 * first page this is given). */
	if ((u64)str + nameoff + nlen <= avail &&
	    memcmp(blob + str + nameoff, VM_GENERATION_PROP, nlen) != 0) {
		return false;
	}
	be32_store(blob + st + GEN_VALUE_AT, (u32)(gen >> 32));
	be32_store(blob + st + GEN_VALUE_AT + 4, (u32)gen);
	return true;
}

bool vm_generation_renew(struct vm *vm)
{
	const struct vm_layout *l = &vm->layout;
	paddr_t pa;
	bool in_ram = false;

	vm->generation = vm_generation_new(vm);
	if (vm->dtb_pages[0]) {
		vm_generation_patch(vm->dtb_pages[0], SZ_4K, vm->generation);
	}
	if (config_vm_ipa_to_phys(vm->cfg, l->dtb_ipa, l->dtb_max, &pa)) {
		in_ram = vm_generation_patch((u8 *)(uintptr_t)pa, l->dtb_max, vm->generation);
		arch_dcache_clean(pa, MIN(l->dtb_max, (u64)SZ_4K));
	}
	return in_ram;
}
