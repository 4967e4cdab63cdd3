/* SPDX-License-Identifier: MIT */
/* Stage-2 table building: block selection, attributes, overlap and bounds checks, table
 * pages from the pool. */
#include "check.h"
#include "mem.h"
#include "stage2.h"

/* The test's own table walk (Arm ARM D8: 4 KiB granule, levels 1-3), independent of the
 * builder: true and the output address and leaf descriptor if ipa is mapped. */
static bool walk(const struct stage2 *s2, ipa_t ipa, paddr_t *pa, u64 *desc)
{
	const u64 *t = s2->root;

	if (!t || ipa >= (1ULL << STAGE2_IPA_BITS)) {
		return false;
	}
	for (int level = 1; level <= 3; level++) {
		u32 shift = 12 + 9 * (3 - (u32)level);
		u64 e = t[(ipa >> shift) & 511];

		if (!(e & S2_VALID)) {
			return false;
		}
		if (level == 3 || !(e & S2_TABLE)) {
			if (level == 3 && !(e & S2_TABLE)) {
				return false; /* reserved at level 3 */
			}
			*pa = (e & S2_ADDR_MASK & ~((1ULL << shift) - 1)) +
			      (ipa & ((1ULL << shift) - 1));
			*desc = e;
			return true;
		}
		t = (const u64 *)(uintptr_t)(e & S2_ADDR_MASK);
	}
	return false;
}

static void test_block_sizes(void)
{
	struct stage2 s2;
	paddr_t pa;
	u64 d;
	u32 before;

	mem_init();
	before = mem_free_pages();
	CHECK_EQ(stage2_init(&s2), 0);
	/* 2 MiB-aligned 64 MiB region at IPA 0x4000_0000 -> PA 0x5000_0000: 32 level-2 blocks. */
	CHECK_EQ(stage2_map(&s2, 0x40000000, 0x50000000, 64 << 20, STAGE2_NORMAL), 0);
	CHECK_EQ(s2.table_pages, 2); /* root + one level-2 table, no level-3 */
	CHECK(walk(&s2, 0x40000000, &pa, &d));
	CHECK_EQ(pa, 0x50000000);
	CHECK(walk(&s2, 0x43ffffff, &pa, &d));
	CHECK_EQ(pa, 0x53ffffff);
	CHECK_EQ(d & 3, 1); /* block descriptor */
	CHECK_EQ(d & S2_MEMATTR_NORMAL, S2_MEMATTR_NORMAL);
	CHECK(d & S2_AF);
	CHECK_EQ(d & (S2_AP_R | S2_AP_W), S2_AP_R | S2_AP_W);
	CHECK(!walk(&s2, 0x44000000, &pa, &d));
	CHECK(!walk(&s2, 0x3fffffff, &pa, &d));
	/* A 1 GiB-aligned GiB becomes one level-1 block. */
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x80000000, 1ULL << 30, STAGE2_NORMAL), 0);
	CHECK_EQ(s2.table_pages, 2);
	/* Every table page came from the pool, and only those. */
	CHECK_EQ(mem_free_pages(), before - s2.table_pages);
}

static void test_pages_and_devices(void)
{
	struct stage2 s2;
	paddr_t pa;
	u64 d;

	mem_init();
	CHECK_EQ(stage2_init(&s2), 0);
	/* Misaligned to 2 MiB: 4 KiB pages. */
	CHECK_EQ(stage2_map(&s2, 0x0a000000, 0x0a000000, 0x3000, STAGE2_DEVICE), 0);
	CHECK_EQ(s2.table_pages, 3);
	CHECK(walk(&s2, 0x0a002ffc, &pa, &d));
	CHECK_EQ(pa, 0x0a002ffc);
	CHECK_EQ(d & 3, 3); /* page descriptor */
	CHECK_EQ(d & (0xfULL << 2), S2_MEMATTR_DEVICE);
	CHECK(d & S2_XN);
	CHECK(!walk(&s2, 0x0a003000, &pa, &d));
	/* Mixed: 2 MiB + 4 KiB tail. */
	CHECK_EQ(stage2_map(&s2, 0x40000000, 0x60000000, SZ_2M + SZ_4K, STAGE2_NORMAL | STAGE2_RO),
		 0);
	CHECK(walk(&s2, 0x40200000, &pa, &d));
	CHECK_EQ(pa, 0x60200000);
	CHECK_EQ(d & (S2_AP_R | S2_AP_W), S2_AP_R);
	CHECK_EQ(mem_free_pages(), MEM_POOL_PAGES - s2.table_pages);
}

static void test_rejects(void)
{
	struct stage2 s2;

	mem_init();
	CHECK_EQ(stage2_init(&s2), 0);
	CHECK_EQ(stage2_map(&s2, 0x1000, 0x1000, 0, STAGE2_NORMAL), -1);      /* empty */
	CHECK_EQ(stage2_map(&s2, 0x1001, 0x1000, 0x1000, STAGE2_NORMAL), -1); /* unaligned */
	CHECK_EQ(stage2_map(&s2, 1ULL << 39, 0, 0x1000, STAGE2_NORMAL), -1);  /* outside IPA */
	CHECK_EQ(stage2_map(&s2, (1ULL << 39) - 0x1000, 0, 0x2000, STAGE2_NORMAL), -1);
	CHECK_EQ(stage2_map(&s2, 0x40000000, 0x40000000, SZ_2M, STAGE2_NORMAL), 0);
	/* Overlaps: the same block, and a page inside an existing block. */
	CHECK_EQ(stage2_map(&s2, 0x40000000, 0x50000000, SZ_2M, STAGE2_NORMAL), -1);
	CHECK_EQ(stage2_map(&s2, 0x40001000, 0x50000000, SZ_4K, STAGE2_NORMAL), -1);
}

static void test_pool_exhaustion(void)
{
	struct stage2 s2;
	int r = 0;

	mem_init();
	CHECK_EQ(stage2_init(&s2), 0);
	/* Each 2 MiB-spaced single page needs its own level-3 table: the pool runs out. */
	for (u64 i = 0; i < MEM_POOL_PAGES + 8 && r == 0; i++) {
		r = stage2_map(&s2, 0x40000000 + i * SZ_2M, 0x40000000, SZ_4K, STAGE2_NORMAL);
	}
	CHECK_EQ(r, -1);
	CHECK_EQ(mem_free_pages(), 0);
	CHECK_EQ(s2.table_pages, MEM_POOL_PAGES);
}

int main(void)
{
	RUN(test_block_sizes);
	RUN(test_pages_and_devices);
	RUN(test_rejects);
	RUN(test_pool_exhaustion);
	CHECK_MAIN_END();
}
