/* SPDX-License-Identifier: MIT */
/*
 * Dirty logging of a VM's RAM for live migration (core/vm_dirty.c, docs/SNAPSHOT.md
 * "Live migration"). While it is on, every 4 KiB page of the VM's RAM is write-protected
 * in stage 2; the first write to a page faults, marks the page dirty in a bitmap and makes
 * it writable again, so the guest pays one trap per page per round. Collecting clears the
 * bits it returns and write-protects those pages again. RAM pages are numbered across the
 * VM's memory regions in configuration order (region 0 first), 4 KiB each.
 */
#ifndef TESSERA_VM_DIRTY_H
#define TESSERA_VM_DIRTY_H

#include "tessera_features.h"
#include "types.h"

struct vm;

#define VM_DIRTY_ERR_MAX 120

/* The VM's RAM pages (all regions), and page idx's guest-physical and physical address;
 * false if idx is past the end. */
u64 vm_ram_pages(const struct vm *vm);
bool vm_ram_page(const struct vm *vm, u64 idx, u64 *ipa, paddr_t *pa);

/* Starts dirty logging of a running VM: paused for the write-protection of its RAM (blocks
 * split into pages), then resumed. Every page starts clean. 0, or -1 with err. */
int vm_dirty_start(struct vm *vm, char *err);
/* Stops it (every page writable again, the bitmap freed); nothing if it was off. */
void vm_dirty_stop(struct vm *vm);
#if TESSERA_FEAT_SNAPSHOT
bool vm_dirty_active(const struct vm *vm);
#else /* no live migration in this build (tessera_features.h) */
static inline bool vm_dirty_active(const struct vm *vm)
{
	(void)vm;
	return false;
}
#endif
/* Active, and the VM was not reset or restarted since the start (a reload writes its RAM
 * from the hypervisor, which no fault logs): the log still describes its memory. */
bool vm_dirty_intact(const struct vm *vm);
/* The vCPU's own CPU, for a stage-2 permission fault on a write to ipa: true if dirty
 * logging took it (the page is writable again: retry the access). */
bool vm_dirty_fault(struct vm *vm, u64 ipa);
/* Up to max dirty pages from page from on, in increasing order, into out; each returned
 * page is clean and write-protected again before this returns. *next: the page after the
 * last one examined (vm_ram_pages when the scan reached the end). Returns the count. */
u32 vm_dirty_collect(struct vm *vm, u64 from, u64 *out, u32 max, u64 *next);
/* Pages marked since the start (a page counts once until it is collected). */
u64 vm_dirty_count(const struct vm *vm);
/* Host test fixtures only (tests/unit/fixture.c): the machine (page pool) is booted again
 * from scratch: forget every VM's dirty logging. */
void vm_dirty_forget_all(void);

#endif
