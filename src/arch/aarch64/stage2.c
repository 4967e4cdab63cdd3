/* SPDX-License-Identifier: MIT */
/* Stage-2 table builder; see stage2.h. */
#include "stage2.h"
#include "arch.h"
#include "mem.h"

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

int stage2_init(struct stage2 *s2)
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

int stage2_map(struct stage2 *s2, ipa_t ipa, paddr_t pa, u64 size, u32 attr)
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

int arch_vm_init(struct arch_vm *a, u32 vmid)
{
	if (vmid == 0 || vmid > 0xff || stage2_init(&a->s2) != 0) {
		return -1;
	}
	a->vttbr = ((u64)vmid << 48) | (u64)(uintptr_t)a->s2.root;
	return 0;
}

int arch_vm_map(struct arch_vm *a, ipa_t ipa, paddr_t pa, u64 size, u32 attr)
{
	return stage2_map(&a->s2, ipa, pa, size, attr);
}
