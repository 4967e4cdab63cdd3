/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's page pool: 4 KiB pages for page tables and other
 * hypervisor-owned structures, carved from its own .bss. Pages come back
 * zeroed. The free count is exported so tests can prove restarts leak nothing.
 */
#ifndef TESSERA_MEM_H
#define TESSERA_MEM_H

#include "types.h"

#define MEM_POOL_PAGES 512 /* 2 MiB */

void mem_init(void);
void *page_alloc(void);
void page_free(void *page);
u32 mem_free_pages(void);
/* After boot, on CPU 0: hands the boot-only code and constants (.init.*) to the pool. Nothing
 * there runs again. No-op on the host. */
void mem_release_init(void);

#endif
