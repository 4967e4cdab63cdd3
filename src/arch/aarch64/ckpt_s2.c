/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 write protection for the checkpoints' dirty tracking (core/checkpoint.c): the
 * VM's memory mapped page by page (blocks split on the first checkpoint, while the VM is
 * paused), read-only after a checkpoint; a guest write to such a page is a stage-2
 * permission fault that records the page and makes it writable again. Its own minimal
 * tracking, kept apart from the migration's dirty logging until the two are unified.
 */
#include "arch.h"
#include "checkpoint.h"
#include "mem.h"
#include "stage2.h"
#include "sysreg.h"
#include "vm.h"

#define LEVEL_SHIFT(l) (12 + 9 * (3 - (l)))
#define INDEX(ipa, l)  (((ipa) >> LEVEL_SHIFT(l)) & 511)
#define DESC_ATTRS     (~S2_ADDR_MASK & ~(u64)3) /* a descriptor's attribute bits */
#define DFSC_PERM_MASK 0x3cU			 /* ISS DFSC: permission fault, levels 0-3 */
#define DFSC_PERM      0x0cU

/* A block at level l (1 or 2) becomes a table of 512 entries with the same output and
 * attributes (the VM is paused: no break-before-make needed; the caller flushes the TLB). */
static u64 *split(struct stage2 *s2, u64 *e, int l)
{
	u64 *t = page_alloc();
	u64 child = 1ULL << LEVEL_SHIFT(l + 1), pa = *e & S2_ADDR_MASK & ~((child << 9) - 1);

	if (!t) {
		return NULL;
	}
	for (u64 i = 0; i < 512; i++) {
		t[i] =
		    (pa + i * child) | (*e & DESC_ATTRS) | S2_VALID | (l + 1 == 3 ? S2_TABLE : 0);
	}
	s2->table_pages++;
#ifndef TESSERA_HOST
	__asm__ volatile("dsb ishst" ::: "memory");
#endif
	*e = (u64)(uintptr_t)t | S2_VALID | S2_TABLE;
	return t;
}

/* The level-3 descriptor of ipa, splitting blocks on the way if may_split; NULL if unmapped
 * (or a block and !may_split, or no page for a table). */
static u64 *leaf(struct stage2 *s2, u64 ipa, bool may_split)
{
	u64 *t = s2->root;

	for (int l = 1; l < 3; l++) {
		u64 *e = &t[INDEX(ipa, l)];

		if (!(*e & S2_VALID)) {
			return NULL;
		}
		if (*e & S2_TABLE) {
			t = (u64 *)(uintptr_t)(*e & S2_ADDR_MASK);
		} else if (!may_split || !(t = split(s2, e, l))) {
			return NULL;
		}
	}
	return &t[INDEX(ipa, 3)];
}

int arch_ckpt_protect(struct arch_vm *a, u64 ipa, u64 size)
{
	for (u64 off = 0; off < size; off += SZ_4K) {
		u64 *e = leaf(&a->s2, ipa + off, true);

		if (!e) {
			return -1;
		}
		__atomic_fetch_and(e, ~S2_AP_W, __ATOMIC_RELAXED);
	}
	return 0;
}

void arch_ckpt_flush(void)
{
#ifndef TESSERA_HOST
	/* From the management CPU, for another VMID: every EL1&0 entry, all CPUs. */
	__asm__ volatile("dsb ishst\n tlbi alle1is\n dsb ish\n isb" ::: "memory");
#endif
}

bool arch_ckpt_unprotect(struct arch_vm *a, u64 ipa)
{
	u64 *e = leaf(&a->s2, ipa, false);

	if (!e || !(*e & S2_VALID)) {
		return false;
	}
	__atomic_fetch_or(e, S2_AP_W, __ATOMIC_RELAXED);
#ifndef TESSERA_HOST
	/* This CPU runs the VM (its VMID is current): drop its read-only entry here; another
	 * CPU with a stale one faults once more and comes here too. */
	__asm__ volatile("dsb ishst\n tlbi vmalls12e1\n dsb nsh\n isb" ::: "memory");
#endif
	return true;
}

#ifndef TESSERA_HOST
bool arch_ckpt_fault(struct vcpu *vc, u64 esr)
{
	u64 ipa;

	/* A write, or a stage-1 walk that updates a descriptor (hardware AF/DBM). */
	if ((esr & DFSC_PERM_MASK) != DFSC_PERM || !(esr & (ISS_DABT_WNR | ISS_DABT_S1PTW))) {
		return false;
	}
	ipa = (sysreg_read(hpfar_el2) >> 4) << 12;
	return checkpoint_write_fault(vc, ipa);
}
#endif
