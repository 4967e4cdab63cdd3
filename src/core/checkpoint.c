/* SPDX-License-Identifier: MIT */
/*
 * Checkpoints and rollback without the host (checkpoint.h, docs/SNAPSHOT.md "Checkpoints").
 * The VM's checkpoint-memory holds, in this order: a header page, the device-state stream
 * (the snapshot stream without memory sections, snapshot_begin_state), the dirty bitmap
 * (a bit per 4 KiB page of the VM's memory regions in snapshot order) and the copy of that
 * memory. After each checkpoint the memory is write-protected in stage 2 (ckpt_s2.c): a
 * checkpoint copies the pages written since the last one, a rollback copies them back.
 * The copy is in sync with the VM's memory except for the dirty pages as long as the
 * hypervisor itself has not rewritten that memory (a restart, a restore): the VM's
 * started_at then differs from the one recorded, and the next copy is a full one.
 *
 * Checkpoints and rollbacks run on CPU 0 (the management CPU): ctl commands directly, the
 * hypercall and the health policy through a request (CPU_REQ_CKPT), since the capture has
 * each vCPU's own CPU save it while CPU 0 waits.
 */
#include "checkpoint.h"
#include "abi.h"
#include "console.h"
#include "health.h"
#include "lib.h"
#include "mgmt_int.h"
#include "sched_loop.h"
#include "snapshot_int.h"

#define WANT_CKPT     1U
#define WANT_ROLLBACK 2U
#define WAIT_MS	      100U
#define CKPT_MAGIC    0x54504b43U /* "CKPT" */

static struct ckpt_vm {
	bool valid;	  /* a checkpoint is in the memory */
	bool synced;	  /* the VM's memory = the copy except the dirty pages */
	u64 synced_start; /* the VM's started_at when synced was set */
	u64 state_len;	  /* bytes of the device-state stream */
	u64 seq;
	u32 want; /* WANT_*: requests for CPU 0 */
} ckv[CONFIG_MAX_VMS];

static u8 *at(const struct vm *vm, u64 off)
{
	return (u8 *)(uintptr_t)(vm->cfg->ckpt.phys + off);
}

static u64 mem_pages(const struct snap_regions *rg)
{
	u64 n = 0;

	for (u32 i = 0; i < rg->n; i++) {
		n += rg->r[i].size / SNAP_PAGE;
	}
	return n;
}

static u8 *bitmap(const struct vm *vm)
{
	return at(vm, CKPT_HDR_SIZE + CKPT_STATE_MAX);
}

static u64 copy_off(const struct snap_regions *rg)
{
	u64 bytes = mem_pages(rg) * SNAP_PAGE;

	return checkpoint_meta_size(bytes);
}

/* Page p (snapshot order) of the VM's memory: its physical address and its IPA; false past
 * the end. */
static bool page_at(const struct snap_regions *rg, u64 p, paddr_t *pa, u64 *ipa)
{
	for (u32 i = 0; i < rg->n; i++) {
		u64 n = rg->r[i].size / SNAP_PAGE;

		if (p < n) {
			*pa = rg->r[i].phys + p * SNAP_PAGE;
			*ipa = rg->r[i].ipa + p * SNAP_PAGE;
			return true;
		}
		p -= n;
	}
	return false;
}

bool checkpoint_write_fault(struct vcpu *vc, u64 ipa)
{
	struct vm *vm = vc->vm;
	struct snap_regions rg;
	u64 base = 0;

	if (!vm->cfg->has_ckpt || !__atomic_load_n(&ckv[vm->id].valid, __ATOMIC_ACQUIRE)) {
		return false;
	}
	snap_regions(vm, &rg);
	for (u32 i = 0; i < rg.n; i++) {
		if (ipa >= rg.r[i].ipa && ipa - rg.r[i].ipa < rg.r[i].size) {
			u64 p = base + (ipa - rg.r[i].ipa) / SNAP_PAGE;

			__atomic_fetch_or(&bitmap(vm)[p / 8], (u8)(1U << (p % 8)),
					  __ATOMIC_RELAXED);
			return arch_ckpt_unprotect(&vm->arch, ipa & ~(u64)(SNAP_PAGE - 1));
		}
		base += rg.r[i].size / SNAP_PAGE;
	}
	return false;
}

void checkpoint_note_write(struct vm *vm, u64 ipa, u64 len)
{
	struct snap_regions rg;
	u64 base = 0;

	if (!vm->cfg->has_ckpt || !__atomic_load_n(&ckv[vm->id].valid, __ATOMIC_ACQUIRE) ||
	    len == 0) {
		return;
	}
	snap_regions(vm, &rg);
	for (u32 i = 0; i < rg.n; i++) {
		if (ipa >= rg.r[i].ipa && ipa - rg.r[i].ipa < rg.r[i].size) {
			u64 first = (ipa - rg.r[i].ipa) / SNAP_PAGE;
			u64 last = (MIN(ipa - rg.r[i].ipa + len, rg.r[i].size) - 1) / SNAP_PAGE;

			for (u64 p = base + first; p <= base + last; p++) {
				__atomic_fetch_or(&bitmap(vm)[p / 8], (u8)(1U << (p % 8)),
						  __ATOMIC_RELAXED);
			}
			return;
		}
		base += rg.r[i].size / SNAP_PAGE;
	}
}

static void copy_page(paddr_t dst, paddr_t src)
{
	memcpy((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, SNAP_PAGE);
	arch_dcache_clean(dst, SNAP_PAGE); /* a guest with its MMU off reads memory, not cache */
}

/*
 * Moves memory between the VM and its copy (to_copy: a checkpoint; else a rollback): every
 * page if full, else the dirty ones; each page moved is protected again and its bit cleared.
 * The VM is paused or stopped. -1: no pool page for a stage-2 table.
 */
static int move_memory(struct vm *vm, bool to_copy, bool full, struct ckpt_result *r)
{
	struct snap_regions rg;
	u8 *bits = bitmap(vm);
	paddr_t base, pa = 0;
	u64 ipa = 0, pages;

	snap_regions(vm, &rg);
	pages = mem_pages(&rg);
	base = vm->cfg->ckpt.phys + copy_off(&rg);
	r->total_pages = pages;
	r->full = full;
	for (u64 p = 0; p < pages; p++) {
		if (!full && !(bits[p / 8] & (1U << (p % 8)))) {
			continue;
		}
		if (!page_at(&rg, p, &pa, &ipa)) {
			break;
		}
		copy_page(to_copy ? base + p * SNAP_PAGE : pa, to_copy ? pa : base + p * SNAP_PAGE);
		r->pages++;
		if (!full && arch_ckpt_protect(&vm->arch, ipa, SNAP_PAGE) != 0) {
			return -1;
		}
	}
	memset(bits, 0, (pages + 7) / 8);
	for (u32 i = 0; full && i < rg.n; i++) {
		if (arch_ckpt_protect(&vm->arch, rg.r[i].ipa, rg.r[i].size) != 0) {
			return -1;
		}
	}
	arch_ckpt_flush();
	return 0;
}

static bool in_sync(const struct vm *vm)
{
	const struct ckpt_vm *k = &ckv[vm->id];

	return k->valid && k->synced && vm->started_at == k->synced_start;
}

static int state_capture(struct vm *vm, u64 total, char *err)
{
	u64 pos = 0;
	u32 got;

	do {
		if (snapshot_read(vm, pos, at(vm, CKPT_HDR_SIZE + pos), (u32)(total - pos), &got,
				  err) != 0) {
			return -1;
		}
		pos += got;
	} while (got && pos < total);
	return 0;
}

static void header_write(const struct vm *vm, const struct ckpt_vm *k)
{
	u8 *h = at(vm, 0);

	memset(h, 0, 32);
	le32_store(h, CKPT_MAGIC);
	le32_store(h + 4, vm->id);
	le64_store(h + 8, k->seq);
	le64_store(h + 16, k->state_len);
}

int checkpoint_take(struct vm *vm, struct ckpt_result *r, char *err)
{
	struct ckpt_vm *k = &ckv[vm->id];
	u64 t0 = arch_counter(), total = 0, us;
	char ignore[SNAP_ERR_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	if (!vm->cfg->has_ckpt) {
		fmt_snprintf(err, CKPT_ERR_MAX, "VM %s has no checkpoint-memory (config)",
			     vm->cfg->name);
		return -1;
	}
	if (snapshot_begin_state(vm, &total, err) != 0) {
		return -1;
	}
	if (total > CKPT_STATE_MAX) {
		fmt_snprintf(err, CKPT_ERR_MAX, "device state of %llu bytes is over %llu",
			     (unsigned long long)total, (unsigned long long)CKPT_STATE_MAX);
		rc = -1;
	} else {
		bool full = !in_sync(vm);

		__atomic_store_n(&k->valid, false, __ATOMIC_RELEASE); /* until it is whole */
		rc = state_capture(vm, total, err);
		if (rc == 0 && move_memory(vm, true, full, r) != 0) {
			fmt_snprintf(err, CKPT_ERR_MAX, "no free page in the hypervisor's pool");
			rc = -1;
		}
	}
	if (rc == 0) {
		k->state_len = total;
		k->seq++;
		k->synced = true;
		k->synced_start = vm->started_at;
		header_write(vm, k);
		__atomic_store_n(&k->valid, true, __ATOMIC_RELEASE);
	}
	snapshot_end(vm, &us, ignore);
	r->seq = k->seq;
	r->us = snap_ticks_us(arch_counter() - t0);
	return rc;
}

/* Stops a running or paused VM for a rollback; true once it is stopped. */
static bool stop_for_rollback(struct vm *vm)
{
	u64 ms = arch_counter_freq() / 1000, t0 = arch_counter();
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st == VM_PAUSED) {
		vm_resume(vm);
	}
	if (st == VM_RUNNING || st == VM_PAUSED) {
		vm_stop(vm, STOP_MANAGEMENT);
	}
	while (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_RESETTING &&
	       !__atomic_load_n(&vm->stuck, __ATOMIC_ACQUIRE) &&
	       arch_counter() - t0 < WAIT_MS * ms) {
		arch_cpu_relax(); /* a stop from the VM's own CPU finishes when it leaves its trap
				   */
	}
	return __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_STOPPED;
}

int checkpoint_rollback(struct vm *vm, struct ckpt_result *r, char *err)
{
	struct ckpt_vm *k = &ckv[vm->id];
	u64 t0 = arch_counter(), pos;
	bool full;

	memset(r, 0, sizeof(*r));
	if (!__atomic_load_n(&k->valid, __ATOMIC_ACQUIRE)) {
		fmt_snprintf(err, CKPT_ERR_MAX, "VM %s has no checkpoint (take one first)",
			     vm->cfg->name);
		return -1;
	}
	if (snapshot_refusal(vm, err, CKPT_ERR_MAX)) {
		return -1;
	}
	if (!stop_for_rollback(vm)) {
		fmt_snprintf(err, CKPT_ERR_MAX, "VM %s is %s (it did not stop)", vm->cfg->name,
			     vm_state_name(__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE)));
		return -1;
	}
	full = !in_sync(vm);
	if (restore_begin_state(vm, err) != 0) {
		return -1;
	}
	k->synced = false; /* until the whole state is back */
	if (move_memory(vm, false, full, r) != 0) {
		char ignore[SNAP_ERR_MAX];

		fmt_snprintf(err, CKPT_ERR_MAX, "no free page in the hypervisor's pool");
		restore_end(vm, ignore); /* incomplete: scrubbed, stopped */
		return -1;
	}
	if (restore_feed(vm, at(vm, CKPT_HDR_SIZE), (u32)k->state_len, &pos, err) != 0 ||
	    restore_end(vm, err) != 0) {
		return -1;
	}
	k->synced = true;
	k->synced_start = vm->started_at;
	r->seq = k->seq;
	r->us = snap_ticks_us(arch_counter() - t0);
	return 0;
}

/* ---- requests for CPU 0: the hypercall, the health policy ---- */

static void request(struct vm *vm, u32 what)
{
	__atomic_fetch_or(&ckv[vm->id].want, what, __ATOMIC_RELEASE);
	cpu_request(0, CPU_REQ_CKPT);
}

long checkpoint_guest_call(struct vcpu *vc)
{
	if (!vc->vm->cfg->ckpt_hypercall) {
		return TESSERA_DENIED;
	}
	request(vc->vm, WANT_CKPT);
	return TESSERA_OK;
}

bool checkpoint_policy_rollback(struct vm *vm, u32 cause)
{
	if (!__atomic_load_n(&ckv[vm->id].valid, __ATOMIC_ACQUIRE)) {
		console_log(
		    LOG_WARN,
		    "policy rollback: VM '%s' failed (%s) and has no checkpoint: restarting "
		    "it instead\n",
		    vm->cfg->name, health_cause_name(cause));
		return false;
	}
	console_log(LOG_WARN, "policy rollback: VM '%s' failed (%s): back to checkpoint %llu\n",
		    vm->cfg->name, health_cause_name(cause), (unsigned long long)ckv[vm->id].seq);
	return true;
}

void checkpoint_policy_request(struct vm *vm)
{
	request(vm, WANT_ROLLBACK);
}

static bool op_claim(void)
{
	u64 ms = arch_counter_freq() / 1000, t0 = arch_counter();

	while (!mgmt_op_claim()) {
		if (arch_counter() - t0 > WAIT_MS * ms) {
			return false;
		}
		arch_cpu_relax();
	}
	return true;
}

static void work_one(struct vm *vm, u32 want)
{
	char err[CKPT_ERR_MAX];
	struct ckpt_result r;

	if (want & WANT_ROLLBACK) {
		if (checkpoint_rollback(vm, &r, err) != 0) {
			console_log(LOG_WARN,
				    "policy rollback of VM '%s' failed (%s): its restart follows\n",
				    vm->cfg->name, err);
		} else {
			console_log(
			    LOG_WARN,
			    "policy rollback: VM '%s' runs from checkpoint %llu (%llu of %llu "
			    "pages copied back, %llu us)\n",
			    vm->cfg->name, (unsigned long long)r.seq, (unsigned long long)r.pages,
			    (unsigned long long)r.total_pages, (unsigned long long)r.us);
		}
	}
	if ((want & WANT_CKPT) && !(want & WANT_ROLLBACK)) {
		if (checkpoint_take(vm, &r, err) != 0) {
			console_log(LOG_WARN, "checkpoint of VM '%s' (hypercall) failed: %s\n",
				    vm->cfg->name, err);
		} else {
			console_printf("VM '%s': checkpoint %llu (hypercall): %llu of %llu pages, "
				       "%llu us\n",
				       vm->cfg->name, (unsigned long long)r.seq,
				       (unsigned long long)r.pages,
				       (unsigned long long)r.total_pages, (unsigned long long)r.us);
		}
	}
}

void checkpoint_work(void)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		u32 want = __atomic_exchange_n(&ckv[i].want, 0, __ATOMIC_ACQ_REL);

		if (!want) {
			continue;
		}
		if (!op_claim()) {
			console_log(LOG_WARN, "checkpoint request of VM '%s' dropped: busy\n",
				    vms[i].cfg->name);
			continue;
		}
		work_one(&vms[i], want);
		mgmt_op_release();
	}
}
