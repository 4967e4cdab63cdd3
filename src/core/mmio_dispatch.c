/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO dispatch: the guest-physical windows of every VM's virtual
 * devices. Range compares with constants, not a table or function pointers, on this
 * trap path: the device models are inlined into it (the interrupt controller's through
 * irqchip.h, link-time optimised: Makefile HOT_C).
 */
#include "irqchip.h"
#include "layout.h"
#include "vlink.h"
#include "vm.h"
#include "vm_devices.h"

/* off: the access's offset from a window's base (wrapped round if below it). */
static inline bool in_window(u64 off, u32 size, u64 len)
{
	return off < len && size <= len - off;
}

void vdev_uart_update_irq(struct vm *vm)
{
	irqchip_set_level(vm, 0, GUEST_UART_INTID, vpl011_irq_level(&vm->uart));
}

/* An access to the VM's vPL011 (off in its window) and the UART's interrupt line after it. */
static inline void uart_access(struct vm *vm, u64 off, u32 size, bool write, u64 *val)
{
	int level = vpl011_access(&vm->uart, off, size, write, val);

	if (level != VPL011_IRQ_SAME) {
		irqchip_set_level(vm, 0, GUEST_UART_INTID, level != 0);
	}
}

int vdev_mmio(struct vcpu *vc, ipa_t ipa, u32 size, bool write, u64 *val, bool links)
{
	struct vm *vm = vc->vm;

	/* Each exit is counted once, by the device that took it (vcpu.exits): an access a
	 * device refused is retried by the full path and then counted as DABT_OTHER. */
	if (in_window(ipa - GUEST_IRQCHIP_BASE, size, GUEST_IRQCHIP_SIZE)) {
		bool ok = irqchip_access(vm, vc->id, ipa - GUEST_IRQCHIP_BASE, size, write, val);

		vc->exits[VEXIT_MMIO_IRQCHIP] += ok;
		return ok;
	}
	if (in_window(ipa - GUEST_UART_BASE, size, GUEST_UART_SIZE)) {
		uart_access(vm, ipa - GUEST_UART_BASE, size, write, val);
		vc->exits[VEXIT_MMIO_UART]++;
		return 1;
	}
	if (in_window(ipa - GUEST_IRQCHIP_CPU_BASE, size,
		      GUEST_IRQCHIP_CPU_STRIDE * vm->vcpu_count)) {
		bool ok =
		    irqchip_cpu_access(vm, vc->id, ipa - GUEST_IRQCHIP_CPU_BASE, size, write, val);

		vc->exits[VEXIT_MMIO_IRQCHIP_CPU] += ok;
		return ok;
	}
	if (!links) {
		return -1;
	}
	/* Virtio links (docs/VIRTIO.md): windows outside the emulated device window. */
	if (!vlink_mmio(vm->id, ipa, size, write, val)) {
		return 0;
	}
	vc->exits[VEXIT_MMIO_VIRTIO]++;
	return 1;
}

_Static_assert(GUEST_IRQCHIP_SIZE % 4 == 0 && GUEST_UART_SIZE % 4 == 0 &&
		   GUEST_IRQCHIP_CPU_STRIDE % 4 == 0,
	       "an aligned word is all in or all out of each window");

int vdev_mmio_word(struct vcpu *vc, ipa_t ipa, bool write, u32 *val)
{
	struct vm *vm = vc->vm;

	if (ipa & 3) {
		return 0;
	}
	/* Counted as vdev_mmio counts; a word a device leaves (0) goes there and counts there. */
	if (ipa - GUEST_IRQCHIP_BASE < GUEST_IRQCHIP_SIZE) {
		bool ok = irqchip_word(vm, ipa - GUEST_IRQCHIP_BASE, write, val);

		vc->exits[VEXIT_MMIO_IRQCHIP] += (u64)ok;
		return ok;
	}
	if (ipa - GUEST_UART_BASE < GUEST_UART_SIZE) {
		int level = vpl011_word(&vm->uart, (u32)(ipa - GUEST_UART_BASE), write, val);

		vc->exits[VEXIT_MMIO_UART]++;
		if (level == VPL011_IRQ_SAME) {
			return VDEV_WORD_QUIET;
		}
		irqchip_set_level(vm, 0, GUEST_UART_INTID, level != 0);
		return 1;
	}
	if (ipa - GUEST_IRQCHIP_CPU_BASE < GUEST_IRQCHIP_CPU_STRIDE * vm->vcpu_count) {
		bool ok = irqchip_cpu_word(vm, ipa - GUEST_IRQCHIP_CPU_BASE, write, val);

		vc->exits[VEXIT_MMIO_IRQCHIP_CPU] += (u64)ok;
		return ok;
	}
	return 0;
}
