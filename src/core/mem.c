/* SPDX-License-Identifier: MIT */
/*
 * Page pool: pages never handed out yet (from pool_next on), then a free list threaded
 * through the returned pages themselves. Nothing is written at boot: the pool lives in its
 * own section that the early boot does not zero (tessera.ld .pool), and page_alloc zeroes
 * every page it hands out, so no page's earlier contents ever reach its user.
 */
#include "mem.h"
#include "lib.h"
#include "spinlock.h"

static u8 pool[MEM_POOL_PAGES][SZ_4K] __attribute__((aligned(4096), section(".bss.mem_pool")));
static u32 pool_next; /* pool[pool_next..] were never handed out */
static void *free_list;
static u32 free_count;
static spinlock_t mem_lock;
/* The hypervisor's boot-only code and constants (tessera.ld .init.*), once released. */
static u8 *init_start, *init_end;

#ifndef TESSERA_HOST
#include "vm.h" /* arch_memzero */
extern u8 __init_start[], __init_end[];
#endif

/* A page this pool may hold: its own .bss pages, or the released boot-only pages. */
static bool page_ours(const u8 *p)
{
	const u8 *base = &pool[0][0];

	/* The whole pool as one byte range (pool[0] + sizeof(pool) indexes past pool[0]). */
	if (p >= base && p < base + sizeof(pool)) {
		/* pool_next only grows, and a page handed out lies below it. */
		return IS_ALIGNED((u64)(p - base), SZ_4K) &&
		       (u64)(p - base) / SZ_4K < __atomic_load_n(&pool_next, __ATOMIC_RELAXED);
	}
	return p >= init_start && p < init_end && IS_ALIGNED((u64)(p - init_start), SZ_4K);
}

BOOT_ONLY void mem_init(void)
{
	spin_init(&mem_lock);
	free_list = NULL;
	free_count = 0;
	pool_next = 0;
}

void *page_alloc(void)
{
	void *page;

	spin_lock(&mem_lock);
	page = free_list;
	if (page) {
		free_list = *(void **)page;
		free_count--;
	} else if (pool_next < MEM_POOL_PAGES) {
		page = pool[pool_next++];
	}
	spin_unlock(&mem_lock);
	if (page) {
		memset(page, 0, SZ_4K);
	}
	return page;
}

void page_free(void *page)
{
	u8 *p = page;

	/* Only pool pages may be freed: anything else is a hypervisor bug, ignored safely. */
	if (!page_ours(p)) {
		return;
	}
	spin_lock(&mem_lock);
	*(void **)page = free_list;
	free_list = page;
	free_count++;
	spin_unlock(&mem_lock);
}

u32 mem_free_pages(void)
{
	return free_count + (MEM_POOL_PAGES - pool_next);
}

void mem_release_init(void)
{
#ifndef TESSERA_HOST
	/* Once: the section bounds are page-aligned by tessera.ld. */
	if (init_start) {
		return;
	}
	u64 pages = ((uintptr_t)__init_end - (uintptr_t)__init_start) / SZ_4K;

	init_start = __init_start;
	init_end = __init_start + pages * SZ_4K;
	for (u64 i = 0; i < pages; i++) {
		/* Zeroes decode as UDF: a stray call into released code faults at once. */
		arch_memzero((paddr_t)(uintptr_t)(init_start + i * SZ_4K), SZ_4K);
		page_free(init_start + i * SZ_4K);
	}
#endif
}
