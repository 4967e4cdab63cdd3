/* SPDX-License-Identifier: MIT */
/* Stage-2 table builder; see stage2.h. */
#include "stage2.h"
#include "arch.h"
#include "mem.h"
#include "lib.h"
#ifndef TESSERA_HOST
#include "sysreg.h"
#endif

#define LEVEL_SHIFT(l) (12 + 9 * (3 - (l)))
#define LEVEL_SIZE(l)  (1ULL << LEVEL_SHIFT(l))
#define INDEX(ipa, l)  (((ipa) >> LEVEL_SHIFT(l)) & 511)

static u64 *table_of(u64 desc)
{
	return (u64 *)(uintptr_t)(desc & S2_ADDR_MASK);
}

static u64 leaf_bits(u32 attr, int level)
{
	u64 d = S2_VALID | S2_AF | S2_AP_R;

	if (!(attr & STAGE2_RO)) {
		d |= S2_AP_W;
	}
	if ((attr & 1) == STAGE2_DEVICE) {
		d |= S2_MEMATTR_DEVICE | S2_XN;
	} else {
		d |= S2_MEMATTR_NORMAL | S2_SH_INNER;
	}
	if (level == 3) {
		d |= S2_TABLE;
	}
	return d;
}

BOOT_ONLY int stage2_init(struct stage2 *s2)
{
	s2->root = page_alloc();
	s2->table_pages = s2->root ? 1 : 0;
	return s2->root ? 0 : -1;
}

static u64 *next_table(struct stage2 *s2, u64 *entry)
{
	u64 *t;

	if (*entry & S2_VALID) {
		/* An existing block here means the range is already mapped. */
		return (*entry & S2_TABLE) ? table_of(*entry) : NULL;
	}
	t = page_alloc();
	if (!t) {
		return NULL;
	}
	s2->table_pages++;
	*entry = (u64)(uintptr_t)t | S2_VALID | S2_TABLE;
	return t;
}

static int map_one(struct stage2 *s2, ipa_t ipa, paddr_t pa, u64 left, u32 attr, u64 *step)
{
	u64 *t = s2->root;

	for (int level = 1; level <= 3; level++) {
		u64 sz = LEVEL_SIZE(level);
		u64 *e = &t[INDEX(ipa, level)];
		bool block_ok =
		    level == 3 || (level >= 1 && IS_ALIGNED(ipa | pa, sz) && left >= sz);

		if (block_ok) {
			if (*e & S2_VALID) {
				return -1;
			}
			*e = (pa & S2_ADDR_MASK) | leaf_bits(attr, level);
			*step = sz;
			return 0;
		}
		t = next_table(s2, e);
		if (!t) {
			return -1;
		}
	}
	return -1;
}

BOOT_ONLY int stage2_map(struct stage2 *s2, ipa_t ipa, paddr_t pa, u64 size, u32 attr)
{
	if (!s2->root || size == 0 || !IS_ALIGNED(ipa | pa | size, SZ_4K) ||
	    ipa >= (1ULL << STAGE2_IPA_BITS) || size > (1ULL << STAGE2_IPA_BITS) - ipa ||
	    pa > S2_ADDR_MASK) {
		return -1;
	}
	while (size) {
		u64 step = 0;

		if (map_one(s2, ipa, pa, size, attr, &step) != 0) {
			return -1;
		}
		ipa += step;
		pa += step;
		size -= step;
	}
	/* Make the tables visible to the table walker before the VM runs (D8.2.x). */
#ifndef TESSERA_HOST
	__asm__ volatile("dsb ishst" ::: "memory");
#endif
	return 0;
}

/* ---- arch.h: a VM's address space ---- */

_Static_assert(ARCH_MAP_NORMAL == STAGE2_NORMAL && ARCH_MAP_DEVICE == STAGE2_DEVICE &&
		   ARCH_MAP_RO == STAGE2_RO,
	       "arch.h mapping attributes are stage2.h's");

BOOT_ONLY int arch_vm_init(struct arch_vm *a, u32 vmid)
{
	if (vmid == 0 || vmid > 0xff || stage2_init(&a->s2) != 0) {
		return -1;
	}
	a->vttbr = ((u64)vmid << 48) | (u64)(uintptr_t)a->s2.root;
	return 0;
}

BOOT_ONLY int arch_vm_map(struct arch_vm *a, ipa_t ipa, paddr_t pa, u64 size, u32 attr)
{
	return stage2_map(&a->s2, ipa, pa, size, attr);
}

/* ---- dirty logging (core/vm_dirty.c) ---- */

/* The level-3 entry that maps ipa, splitting the 1 GiB or 2 MiB block on the way into
 * tables of the same mapping. No break-before-make: the VM's vCPUs are all parked when a
 * block is split (vm_dirty_start pauses it). NULL if ipa is not mapped or out of pages. */
static u64 *pte_split(struct stage2 *s2, ipa_t ipa)
{
	u64 *t = s2->root;

	for (int level = 1; level < 3; level++) {
		u64 *e = &t[INDEX(ipa, level)];

		if (!(*e & S2_VALID)) {
			return NULL;
		}
		if (!(*e & S2_TABLE)) {
			u64 *nt = page_alloc();
			u64 base = *e & S2_ADDR_MASK & ~(LEVEL_SIZE(level) - 1);
			u64 attrs = (*e & ~S2_ADDR_MASK) | (level + 1 == 3 ? S2_TABLE : 0);

			if (!nt) {
				return NULL;
			}
			s2->table_pages++;
			for (u64 i = 0; i < 512; i++) {
				nt[i] = (base + i * LEVEL_SIZE(level + 1)) | attrs;
			}
#ifndef TESSERA_HOST
			__asm__ volatile("dsb ishst" ::: "memory");
#endif
			*e = (u64)(uintptr_t)nt | S2_VALID | S2_TABLE;
		}
		t = table_of(*e);
	}
	return (t[INDEX(ipa, 3)] & S2_VALID) ? &t[INDEX(ipa, 3)] : NULL;
}

int arch_vm_page_wp(struct arch_vm *a, ipa_t ipa, bool wp)
{
	u64 *e = pte_split(&a->s2, ipa);

	if (!e) {
		return -1;
	}
	if (wp) {
		__atomic_and_fetch(e, ~S2_AP_W, __ATOMIC_RELAXED);
	} else {
		__atomic_or_fetch(e, S2_AP_W, __ATOMIC_RELAXED);
	}
	return 0;
}

bool arch_vm_page_writable(const struct arch_vm *a, ipa_t ipa)
{
	const u64 *t = a->s2.root;

	for (int level = 1; level <= 3; level++) {
		u64 e = t[INDEX(ipa, level)];

		if (!(e & S2_VALID)) {
			return false;
		}
		if (level == 3 || !(e & S2_TABLE)) {
			return (e & S2_AP_W) != 0; /* a page, or the block around it */
		}
		t = table_of(e);
	}
	return false;
}

void arch_vm_tlb_flush(struct arch_vm *a)
{
#ifndef TESSERA_HOST
	/* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2: this CPU may be running another
	 * VM's vCPU (CPU 0), so the VM's VTTBR is selected for the invalidation only. */
	u64 old = sysreg_read(vttbr_el2);

	sysreg_write(vttbr_el2, a->vttbr);
	__asm__ volatile("isb\n dsb ishst\n tlbi vmalls12e1is\n dsb ish\n isb" ::: "memory");
	sysreg_write(vttbr_el2, old);
	__asm__ volatile("isb" ::: "memory");
#else
	(void)a;
#endif
}
