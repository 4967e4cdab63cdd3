/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's side of a debugger attached to a VM (gdb.h, docs/DEBUGGING.md): debug
 * events from the VM's vCPUs, and the whole vCPU state saved for the debugger on static CPUs
 * (a shared CPU saves it anyway when the vCPU leaves). The commands are core/mgmt_gdb.c.
 */
#include "gdb.h"
#include "console.h"
#include "sched_loop.h"

void gdb_vcpu_stopped(struct vcpu *vc, u32 reason, u64 addr)
{
	struct vm *vm = vc->vm;
	u32 none = GDB_STOP_NONE;

	if (vc->gdb_step) {
		arch_gdb_step_done(vc);
		__atomic_store_n(&vc->gdb_step, false, __ATOMIC_SEQ_CST);
	}
	if (__atomic_compare_exchange_n(&vm->gdb.stop_reason, &none, reason, false,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		vm->gdb.stop_vcpu = vc->id;
		vm->gdb.stop_addr = addr;
	}
	/* Lost to another pause or a stop: fine, the VM does not run on either way. No wait
	 * here (a trap): the debugger polls gdb_vm_halted. */
	if (!vm_claim(vm, VM_RUNNING, VM_PAUSED)) {
		return;
	}
	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		if (vm->vcpus[v].pcpu != vc->pcpu) {
			cpu_request(vm->vcpus[v].pcpu, CPU_REQ_WAKE);
		}
	}
}

void gdb_vcpu_leave(struct vcpu *vc)
{
	if (vc->gdb_saved || !vc->vm->gdb.attached ||
	    __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING) {
		return;
	}
	irqchip_vcpu_here(vc->vm, vc->id, false);
	arch_vcpu_save(vc);
	vc->gdb_saved = true;
}

void gdb_vcpu_return(struct vcpu *vc, bool run)
{
	if (!vc->gdb_saved) {
		return;
	}
	vc->gdb_saved = false;
	irqchip_vcpu_here(vc->vm, vc->id, true);
	if (run) {
		arch_vcpu_restore(vc); /* routes debug exceptions as its VM's debugger wants */
	}
}

bool gdb_vm_halted(const struct vm *vm)
{
	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_PAUSED) {
		return false;
	}
	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		const struct vcpu *vc = &vm->vcpus[v];
		bool shared = vc->pcpu < CONFIG_MAX_PCPUS && cpus[vc->pcpu].sched;

		if (vc->gdb_step || !__atomic_load_n(&vc->parked, __ATOMIC_ACQUIRE)) {
			return false;
		}
		if (!shared && vc->state == VCPU_RUNNING && !vc->gdb_saved) {
			return false;
		}
	}
	return true;
}
