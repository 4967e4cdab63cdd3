/* SPDX-License-Identifier: MIT */
/*
 * The lifecycle protocol's side of stops and resets (vm.h, docs/ARCHITECTURE.md
 * "Concurrency"): claim the VM out of the states in which other CPUs may touch it, wait for
 * the touches in flight, then reset its devices without ever re-initialising a lock. Kept
 * apart from vm.c (memory, images, stage 2) so the host unit tests run exactly this code
 * against concurrent accesses under ThreadSanitizer.
 */
#include "lib.h"
#include "trace.h"
#include "vm.h"

const char *vm_state_name(u32 st)
{
	static const char *const names[] = {"running", "stopped", "resetting", "paused"};

	return st < ARRAY_SIZE(names) ? names[st] : "unknown";
}

bool vm_claim(struct vm *vm, u32 from, u32 to)
{
	/* Sequentially consistent: the store half of the Dekker pair with vm_access_begin's
	 * increment-then-load; either the accessor sees the new state, or we see its count. */
	if (!__atomic_compare_exchange_n(&vm->state, &from, to, false, __ATOMIC_SEQ_CST,
					 __ATOMIC_SEQ_CST)) {
		return false;
	}
	trace_event(TRACE_VM_STATE, (u8)to, (u8)vm->id, 0, from);
	return true;
}

void vm_wait_users(struct vm *vm)
{
	/* Every access section is short and never waits for another CPU: this ends. */
	while (__atomic_load_n(&vm->users, __ATOMIC_SEQ_CST) != 0) {
		arch_cpu_relax();
	}
}

BOOT_ONLY void vm_devices_create(struct vm *vm)
{
	irqchip_create(vm);
	vpl011_create(&vm->uart, vm->id);
}

void vm_devices_reset(struct vm *vm)
{
	u32 pcpus[CONFIG_MAX_VCPUS];

	for (u32 v = 0; v < vm->vcpu_count; v++) {
		pcpus[v] = vm->cfg->cpus[v];
	}
	irqchip_reset(vm, pcpus);
	for (u32 d = 0; d < vm->cfg->dev_count; d++) {
		for (u32 i = 0; i < vm->cfg->devs[d].irq_count; i++) {
			irqchip_assign_hw(vm, vm->cfg->devs[d].irqs[i]);
		}
	}
	vpl011_init(&vm->uart, vm->id);
}
