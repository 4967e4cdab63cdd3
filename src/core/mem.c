/* SPDX-License-Identifier: MIT */
/* Page pool: a free list threaded through the free pages themselves. */
#include "mem.h"
#include "lib.h"
#include "spinlock.h"

static u8 pool[MEM_POOL_PAGES][SZ_4K] __attribute__((aligned(4096)));
static void *free_list;
static u32 free_count;
static spinlock_t mem_lock;

void mem_init(void)
{
	spin_init(&mem_lock);
	free_list = NULL;
	free_count = 0;
	for (u32 i = MEM_POOL_PAGES; i > 0; i--) {
		page_free(pool[i - 1]);
	}
}

void *page_alloc(void)
{
	void *page;

	spin_lock(&mem_lock);
	page = free_list;
	if (page) {
		free_list = *(void **)page;
		free_count--;
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
	if (p < pool[0] || p >= pool[0] + sizeof(pool) || !IS_ALIGNED((u64)(p - pool[0]), SZ_4K)) {
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
	return free_count;
}
