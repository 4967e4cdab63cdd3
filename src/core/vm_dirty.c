/* SPDX-License-Identifier: MIT */
/*
 * Dirty logging of a VM's RAM (vm_dirty.h): a bitmap in pool pages, one bit per 4 KiB
 * RAM page, and the stage-2 write permission of each page. The lock makes a page's bit and
 * its permission change together: the fault (the vCPU's CPU) sets the bit, then the write
 * permission; a collect (the management CPU) clears the bit, then the permission, then
 * flushes every CPU's TLB before it returns the page. A write either lands before that
 * flush (the page is copied after it) or faults and marks the page for the next round.
 */
#include "vm_dirty.h"
#include "arch.h"
#include "lib.h"
#include "mem.h"
#include "snapshot.h"
#include "spinlock.h"
#include "vm.h"

#define BITS_PER_PAGE	(SZ_4K * 8)
#define DIRTY_MAP_PAGES 16 /* bitmap pages: up to 2 GiB of RAM per VM */

static struct vm_dirty {
	spinlock_t lock;
	bool on;
	u64 pages, count;
	u64 resets; /* the VM's resets at the start: a reload writes RAM unlogged */
	u64 *map[DIRTY_MAP_PAGES];
} dirty[CONFIG_MAX_VMS];

u64 vm_ram_pages(const struct vm *vm)
{
	u64 n = 0;

	for (u32 i = 0; i < vm->cfg->mem_count && i < CONFIG_MAX_MEM; i++) {
		n += vm->cfg->mem[i].size / SZ_4K;
	}
	return n;
}

bool vm_ram_page(const struct vm *vm, u64 idx, u64 *ipa, paddr_t *pa)
{
	for (u32 i = 0; i < vm->cfg->mem_count && i < CONFIG_MAX_MEM; i++) {
		u64 n = vm->cfg->mem[i].size / SZ_4K;

		if (idx < n) {
			*ipa = vm->cfg->mem[i].ipa + idx * SZ_4K;
			*pa = vm->cfg->mem[i].phys + idx * SZ_4K;
			return true;
		}
		idx -= n;
	}
	return false;
}

static bool ipa_page(const struct vm *vm, u64 ipa, u64 *idx)
{
	u64 base = 0;

	for (u32 i = 0; i < vm->cfg->mem_count && i < CONFIG_MAX_MEM; i++) {
		const struct mem_cfg *m = &vm->cfg->mem[i];

		if (ipa >= m->ipa && ipa - m->ipa < m->size) {
			*idx = base + (ipa - m->ipa) / SZ_4K;
			return true;
		}
		base += m->size / SZ_4K;
	}
	return false;
}

static bool bit_test_clear(struct vm_dirty *d, u64 idx)
{
	u64 *w = &d->map[idx / BITS_PER_PAGE][idx % BITS_PER_PAGE / 64];
	u64 m = 1ULL << (idx % 64);
	bool was = (*w & m) != 0;

	*w &= ~m;
	return was;
}

static void map_free(struct vm_dirty *d)
{
	for (u32 i = 0; i < DIRTY_MAP_PAGES; i++) {
		if (d->map[i]) {
			page_free(d->map[i]);
			d->map[i] = NULL;
		}
	}
}

/* Every RAM page writable (wp false) or write-protected; -1 if a page could not be. */
static int protect_all(struct vm *vm, bool wp)
{
	int rc = 0;

	for (u64 p = 0; p < dirty[vm->id].pages; p++) {
		u64 ipa;
		paddr_t pa;

		if (!vm_ram_page(vm, p, &ipa, &pa) || arch_vm_page_wp(&vm->arch, ipa, wp) != 0) {
			rc = -1;
		}
	}
	arch_vm_tlb_flush(&vm->arch);
	return rc;
}

static int dirty_setup(struct vm *vm, char *err)
{
	struct vm_dirty *d = &dirty[vm->id];

	d->pages = vm_ram_pages(vm);
	d->count = 0;
	d->resets = vm->stats.resets;
	if (d->pages > (u64)DIRTY_MAP_PAGES * BITS_PER_PAGE) {
		fmt_snprintf(err, VM_DIRTY_ERR_MAX, "VM %s has more RAM than dirty logging covers",
			     vm->cfg->name);
		return -1;
	}
	for (u64 i = 0; i * BITS_PER_PAGE < d->pages; i++) {
		d->map[i] = page_alloc();
		if (!d->map[i]) {
			map_free(d);
			fmt_snprintf(err, VM_DIRTY_ERR_MAX,
				     "no free page in the hypervisor's pool");
			return -1;
		}
	}
	return 0;
}

int vm_dirty_start(struct vm *vm, char *err)
{
	struct vm_dirty *d = &dirty[vm->id];
	int rc;

	if (snapshot_refusal(vm, err, VM_DIRTY_ERR_MAX) ||
	    snapshot_unmovable(vm, err, VM_DIRTY_ERR_MAX)) {
		return -1;
	}
	if (vm->cfg->has_flash) {
		fmt_snprintf(err, VM_DIRTY_ERR_MAX,
			     "VM %s has a boot flash: migration carries RAM only", vm->cfg->name);
		return -1;
	}
	if (d->on) {
		fmt_snprintf(err, VM_DIRTY_ERR_MAX, "dirty logging of %s is already on",
			     vm->cfg->name);
		return -1;
	}
	if (dirty_setup(vm, err) != 0) {
		return -1;
	}
	if (vm_pause(vm) != 0) {
		map_free(d);
		fmt_snprintf(err, VM_DIRTY_ERR_MAX, "VM %s is %s (dirty logging needs it running)",
			     vm->cfg->name, vm_state_name(vm->state));
		return -1;
	}
	rc = protect_all(vm, true);
	if (rc == 0) {
		__atomic_store_n(&d->on, true, __ATOMIC_RELEASE);
	} else {
		protect_all(vm, false);
		map_free(d);
		fmt_snprintf(err, VM_DIRTY_ERR_MAX,
			     "no free page in the hypervisor's pool for %s's page tables",
			     vm->cfg->name);
	}
	vm_resume(vm);
	return rc;
}

void vm_dirty_stop(struct vm *vm)
{
	struct vm_dirty *d = &dirty[vm->id];

	spin_lock(&d->lock);
	if (!d->on) {
		spin_unlock(&d->lock);
		return;
	}
	__atomic_store_n(&d->on, false, __ATOMIC_RELEASE);
	protect_all(vm, false);
	map_free(d);
	spin_unlock(&d->lock);
}

bool vm_dirty_active(const struct vm *vm)
{
	return __atomic_load_n(&dirty[vm->id].on, __ATOMIC_ACQUIRE);
}

bool vm_dirty_intact(const struct vm *vm)
{
	return vm_dirty_active(vm) && vm->stats.resets == dirty[vm->id].resets;
}

bool vm_dirty_fault(struct vm *vm, u64 ipa)
{
	struct vm_dirty *d = &dirty[vm->id];
	u64 idx;
	bool took = false;

	if (!vm_dirty_active(vm) || !ipa_page(vm, ipa, &idx)) {
		return false;
	}
	spin_lock(&d->lock);
	if (d->on && idx < d->pages) {
		u64 *w = &d->map[idx / BITS_PER_PAGE][idx % BITS_PER_PAGE / 64];
		u64 m = 1ULL << (idx % 64);

		if (!(*w & m)) {
			*w |= m;
			d->count++;
		}
		took = arch_vm_page_wp(&vm->arch, ipa & ~(u64)(SZ_4K - 1), false) == 0;
	}
	spin_unlock(&d->lock);
	if (took) {
		arch_vm_tlb_flush(&vm->arch);
	}
	return took;
}

u32 vm_dirty_collect(struct vm *vm, u64 from, u64 *out, u32 max, u64 *next)
{
	struct vm_dirty *d = &dirty[vm->id];
	u32 n = 0;
	u64 p = from;

	spin_lock(&d->lock);
	for (; d->on && p < d->pages && n < max; p++) {
		u64 ipa;
		paddr_t pa;

		if (bit_test_clear(d, p) && vm_ram_page(vm, p, &ipa, &pa)) {
			arch_vm_page_wp(&vm->arch, ipa, true);
			out[n++] = p;
		}
	}
	spin_unlock(&d->lock);
	if (n) {
		arch_vm_tlb_flush(&vm->arch);
	}
	*next = d->on ? p : vm_ram_pages(vm);
	return n;
}

void vm_dirty_forget_all(void)
{
	memset(dirty, 0, sizeof(dirty));
}

u64 vm_dirty_count(const struct vm *vm)
{
	return dirty[vm->id].count;
}
