/* SPDX-License-Identifier: MIT */
/*
 * VM construction, loading, reset and stop. Construction validates every VM
 * (config, images, layouts) before it writes any guest memory, so a bad
 * config boots nothing. A VM's pristine images stay in the system image, so a
 * reset can scrub and reload one VM while the others keep running.
 */
#include "vm_devices.h"
#include "sched_loop.h"
#include "health.h"
#include "chan.h"
#include "bootprof.h"
#include "console.h"
#include "lib.h"
#include "measure.h"
#include "mem.h"
#include "pack.h"
#include "pl011.h"
#include "snapshot.h"
#include "trace.h"
#include "generation.h"
#include "update.h"
#include "vm.h"
#include "vm_dtb.h"
#include "vm_int.h"

struct vm vms[CONFIG_MAX_VMS];
u32 vm_count;
bool vm_stay_on;
static spinlock_t stop_lock;
static bool powering_off;

struct vm *vm_by_id(u32 id)
{
	return id < vm_count ? &vms[id] : NULL;
}

/* Loads the VM's image segments and initrd; with scrub, its RAM was zeroed before. */
int vm_load_images(struct vm *vm, bool scrub)
{
	const struct vm_cfg *cfg = vm->cfg;
	const struct vm_layout *l = &vm->layout;
	paddr_t pa;

	for (u32 i = 0; i < l->kernel.seg_count; i++) {
		const struct image_segment *s = &l->kernel.seg[i];

		if (!config_vm_ipa_to_phys(cfg, s->ipa, s->mem_size, &pa)) {
			return -1;
		}
		memcpy(vm_phys_ptr(pa), vm->image + s->file_off, s->file_size);
		if (!scrub) {
			arch_memzero(pa + s->file_size, s->mem_size - s->file_size);
		}
		arch_dcache_clean(pa, s->mem_size);
	}
	if (vm->initrd_size) {
		if (!config_vm_ipa_to_phys(cfg, l->initrd_ipa, vm->initrd_size, &pa)) {
			return -1;
		}
		memcpy(vm_phys_ptr(pa), vm->initrd, vm->initrd_size);
		arch_dcache_clean(pa, vm->initrd_size);
	}
	return 0;
}

/* Puts the VM's DTB (saved at boot by vm_dtb_save) back into its RAM. */
static int vm_load_dtb(struct vm *vm)
{
	const struct vm_layout *l = &vm->layout;
	paddr_t pa;

	if (!config_vm_ipa_to_phys(vm->cfg, l->dtb_ipa, l->dtb_max, &pa)) {
		return -1;
	}
	u8 *dst = vm_phys_ptr(pa);
	for (u32 off = 0, i = 0; off < vm->dtb_size; off += (u32)SZ_4K, i++) {
		u32 n = vm->dtb_size - off < (u32)SZ_4K ? vm->dtb_size - off : (u32)SZ_4K;

		memcpy(dst + off, vm->dtb_pages[i], n);
	}
	arch_dcache_clean(pa, vm->dtb_size);
	return 0;
}

/* Scrubs (on reset) and loads the VM's RAM: image segments, initrd, generated DTB. */
static int vm_load(struct vm *vm, bool scrub)
{
	const struct vm_cfg *cfg = vm->cfg;

	if (scrub) {
		for (u32 i = 0; i < cfg->mem_count; i++) {
			arch_memzero(cfg->mem[i].phys, cfg->mem[i].size);
		}
		if (cfg->has_flash) {
			arch_memzero(cfg->flash.phys, cfg->flash.size);
		}
	}
	return vm_load_images(vm, scrub) != 0 ? -1 : vm_load_dtb(vm);
}

void vm_boot_vcpus(struct vm *vm)
{
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		struct vcpu *vc = &vm->vcpus[v];

		snapshot_vcpu_forget(vc); /* a restored state its vCPU never took */
		vc->on_entry = vm->layout.entry;
		vc->on_ctx = vm->layout.dtb_ipa;
		__atomic_store_n(&vc->state, v == 0 ? VCPU_ON_PENDING : VCPU_OFF, __ATOMIC_RELEASE);
	}
	health_vm_started(vm);
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	trace_event(TRACE_VM_STATE, VM_RUNNING, (u8)vm->id, 0, VM_RESETTING);
}

/* How long a stop or pause waits for a vCPU on another CPU to leave the guest. A kick is
 * only a "look again" hint, so it is repeated every millisecond. A CPU that still has not
 * answered after VM_PARK_TIMEOUT_MS is reported and given up on, so this CPU never hangs:
 * only a guest in direct-interrupts mode that blocked the hypervisor's own interrupts on its
 * CPU can cause that (docs/CONFIG.md). */
#define VM_PARK_WARN_MS	   1000
#define VM_PARK_TIMEOUT_MS 10000

/* Kicks vm's vCPUs on other CPUs until each has left the guest. False on timeout. */
static bool vm_wait_parked(struct vm *vm)
{
	u32 self = arch_cpu_current();
	u64 ms = arch_counter_freq() / 1000;
	u64 start = arch_counter(), next = 0;
	bool warned = false;

	for (u32 v = 0; v < vm->vcpu_count; v++) {
		const struct vcpu *vc = &vm->vcpus[v];

		if (vc->pcpu == self) {
			continue;
		}
		while (!__atomic_load_n(&vc->parked, __ATOMIC_ACQUIRE)) {
			u64 now = arch_counter();

			if (now >= next) {
				cpu_request(vc->pcpu, CPU_REQ_WAKE);
				next = now + ms;
			}
			if (!warned && now - start >= VM_PARK_WARN_MS * ms) {
				console_log(
				    LOG_WARN,
				    "VM %u '%s': vCPU %u on CPU %u slow to leave the guest\n",
				    vm->id, vm->cfg->name, v, vc->pcpu);
				warned = true;
			}
			if (now - start >= VM_PARK_TIMEOUT_MS * ms) {
				console_log(LOG_WARN,
					    "VM %u '%s': vCPU %u on CPU %u does not respond: "
					    "giving up\n",
					    vm->id, vm->cfg->name, v, vc->pcpu);
				return false;
			}
			/* Without it, QEMU's single-threaded TCG (-icount) never ran the other
			 * CPU during this wait (tests/system/linux_icount_poweroff.sh). */
			arch_cpu_relax();
		}
	}
	return true;
}

bool vm_vcpu_runnable(const struct vcpu *vc)
{
	return __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE) == VCPU_RUNNING &&
	       (__atomic_load_n(&vc->vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING || vc->gdb_step);
}

/* Stops every vCPU of vm and waits until each CPU has left the guest and every access from
 * outside has ended. A vCPU of vm on this CPU (a self-reset: we are in its trap) is parked
 * here, before its vGIC is reset: its list registers must not carry the old run's
 * interrupts into the new one. */
static bool vm_quiesce(struct vm *vm)
{
	u32 self = arch_cpu_current();

	for (u32 v = 0; v < vm->vcpu_count; v++) {
		__atomic_store_n(&vm->vcpus[v].state, VCPU_STOPPED, __ATOMIC_SEQ_CST);
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		struct vcpu *vc = &vm->vcpus[v];

		if (vc->pcpu == self && !__atomic_load_n(&vc->parked, __ATOMIC_ACQUIRE)) {
			arch_vcpu_park(vc);
		}
	}
	if (!vm_wait_parked(vm)) {
		return false;
	}
	vm_wait_users(vm);
	return true;
}

static bool restart_pending(void)
{
	for (u32 i = 0; i < vm_count; i++) {
		if (vms[i].restart_at) {
			return true;
		}
	}
	return false;
}

static bool all_stopped(void)
{
	for (u32 i = 0; i < vm_count; i++) {
		if (vms[i].state != VM_STOPPED) {
			return false;
		}
	}
	return true;
}

void vm_stop(struct vm *vm, enum vm_stop_cause cause)
{
	vm_stop_for_restart(vm, cause, 0);
}

static void vm_stop_claimed(struct vm *vm, enum vm_stop_cause cause, u64 restart_at);

void vm_stop_for_restart(struct vm *vm, enum vm_stop_cause cause, u64 restart_at)
{
	if (vm_claim(vm, VM_RUNNING, VM_RESETTING)) {
		vm_stop_claimed(vm, cause, restart_at);
	}
}

int vm_stop_paused(struct vm *vm, enum vm_stop_cause cause)
{
	if (!vm_claim(vm, VM_PAUSED, VM_RESETTING)) {
		return -1;
	}
	vm_stop_claimed(vm, cause, 0);
	return 0;
}

static void vm_stop_claimed(struct vm *vm, enum vm_stop_cause cause, u64 restart_at)
{
	vm->stop_cause = cause;
	/* Pending before the VM counts as stopped: a sole VM's restart is not a power-off. */
	__atomic_store_n(&vm->restart_at, restart_at, __ATOMIC_SEQ_CST);
	if (!vm_quiesce(vm)) {
		/* Stays claimed (resetting): nothing may reload memory a vCPU still runs on. */
		vm->stuck = true;
		console_log(LOG_ERROR, "VM %u '%s' stuck: not stopped\n", vm->id, vm->cfg->name);
		return;
	}
	console_vm_flush(vm->id);
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
	trace_event(TRACE_VM_STATE, VM_STOPPED, (u8)vm->id, 0, VM_RESETTING);
	console_printf("VM %u '%s' stopped (%s, guest exit status %u/%u)\n", vm->id, vm->cfg->name,
		       health_cause_name(cause), vm->exit_reason, vm->exit_code);
	spin_lock(&stop_lock);
	if (all_stopped() && !powering_off && !restart_pending() && vm_stay_on) {
		console_printf("all VMs stopped (management channel present: staying on)\n");
	} else if (all_stopped() && !powering_off && !restart_pending()) {
		powering_off = true;
		console_printf("all VMs stopped: powering off\n");
		pl011_flush();
		arch_system_off();
	}
	spin_unlock(&stop_lock);
}

/* Scrubs and reloads a quiesced VM and turns its vCPU 0 on. */
static int vm_reload_boot(struct vm *vm)
{
	console_vm_flush(vm->id);
	vm_devices_reset(vm); /* quiesced: no vCPU runs, no access from outside is in flight */
	vdev_virtio_reset(vm);
	if (update_reload(vm) != 0 || vm_load(vm, true) != 0) {
		__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
		trace_event(TRACE_VM_STATE, VM_STOPPED, (u8)vm->id, 0, VM_RESETTING);
		console_log(LOG_ERROR, "VM %u '%s': reload failed, stopped\n", vm->id,
			    vm->cfg->name);
		return -1;
	}
	vm->stats.resets++;
	vm_boot_vcpus(vm);
	if (vm->vcpus[0].pcpu != arch_cpu_current()) {
		cpu_request(vm->vcpus[0].pcpu, CPU_REQ_WAKE);
	}
	return 0;
}

void vm_reset(struct vm *vm)
{
	if (!vm_claim(vm, VM_RUNNING, VM_RESETTING)) {
		return;
	}
	if (!vm_quiesce(vm)) {
		vm->stuck = true;
		console_log(LOG_ERROR, "VM %u '%s' stuck: not reset\n", vm->id, vm->cfg->name);
		return;
	}
	console_printf("VM %u '%s' resetting (free hypervisor pages: %u)\n", vm->id, vm->cfg->name,
		       mem_free_pages());
	vm_reload_boot(vm);
}

int vm_pause(struct vm *vm)
{
	if (!vm_claim(vm, VM_RUNNING, VM_PAUSED)) {
		return -1;
	}
	if (!vm_wait_parked(vm)) {
		__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
		trace_event(TRACE_VM_STATE, VM_RUNNING, (u8)vm->id, 0, VM_PAUSED);
		return -1;
	}
	console_printf("VM %u '%s' paused\n", vm->id, vm->cfg->name);
	return 0;
}

int vm_resume(struct vm *vm)
{
	if (!vm_claim(vm, VM_PAUSED, VM_RUNNING)) {
		return -1;
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		if (vm->vcpus[v].pcpu != arch_cpu_current()) {
			cpu_request(vm->vcpus[v].pcpu, CPU_REQ_WAKE);
		}
	}
	console_printf("VM %u '%s' resumed\n", vm->id, vm->cfg->name);
	return 0;
}

int vm_restart(struct vm *vm)
{
	if (!vm_claim(vm, VM_STOPPED, VM_RESETTING)) {
		return -1;
	}
	console_printf("VM %u '%s' restarting (free hypervisor pages: %u)\n", vm->id, vm->cfg->name,
		       mem_free_pages());
	return vm_reload_boot(vm);
}
