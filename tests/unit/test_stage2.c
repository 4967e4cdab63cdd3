/* SPDX-License-Identifier: MIT */
/* Stage-2 table building: block selection, attributes, overlap and bounds checks, freeing. */
#include "check.h"
#include "mem.h"
#include "stage2.h"

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
	CHECK(stage2_lookup(&s2, 0x40000000, &pa, &d));
	CHECK_EQ(pa, 0x50000000);
	CHECK(stage2_lookup(&s2, 0x43ffffff, &pa, &d));
	CHECK_EQ(pa, 0x53ffffff);
	CHECK_EQ(d & 3, 1); /* block descriptor */
	CHECK_EQ(d & S2_MEMATTR_NORMAL, S2_MEMATTR_NORMAL);
	CHECK(d & S2_AF);
	CHECK_EQ(d & (S2_AP_R | S2_AP_W), S2_AP_R | S2_AP_W);
	CHECK(!stage2_lookup(&s2, 0x44000000, &pa, &d));
	CHECK(!stage2_lookup(&s2, 0x3fffffff, &pa, &d));
	/* A 1 GiB-aligned GiB becomes one level-1 block. */
	CHECK_EQ(stage2_map(&s2, 0x80000000, 0x80000000, 1ULL << 30, STAGE2_NORMAL), 0);
	CHECK_EQ(s2.table_pages, 2);
	stage2_destroy(&s2);
	CHECK_EQ(mem_free_pages(), before);
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
	CHECK(stage2_lookup(&s2, 0x0a002ffc, &pa, &d));
	CHECK_EQ(pa, 0x0a002ffc);
	CHECK_EQ(d & 3, 3); /* page descriptor */
	CHECK_EQ(d & (0xfULL << 2), S2_MEMATTR_DEVICE);
	CHECK(d & S2_XN);
	CHECK(!stage2_lookup(&s2, 0x0a003000, &pa, &d));
	/* Mixed: 2 MiB + 4 KiB tail. */
	CHECK_EQ(stage2_map(&s2, 0x40000000, 0x60000000, SZ_2M + SZ_4K, STAGE2_NORMAL | STAGE2_RO),
		 0);
	CHECK(stage2_lookup(&s2, 0x40200000, &pa, &d));
	CHECK_EQ(pa, 0x60200000);
	CHECK_EQ(d & (S2_AP_R | S2_AP_W), S2_AP_R);
	stage2_destroy(&s2);
	CHECK_EQ(mem_free_pages(), MEM_POOL_PAGES);
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
	stage2_destroy(&s2);
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
	stage2_destroy(&s2);
	CHECK_EQ(mem_free_pages(), MEM_POOL_PAGES);
}

int main(void)
{
	RUN(test_block_sizes);
	RUN(test_pages_and_devices);
	RUN(test_rejects);
	RUN(test_pool_exhaustion);
	CHECK_MAIN_END();
}
