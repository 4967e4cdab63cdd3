/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO dispatch: the guest-physical windows of every VM's virtual
 * devices. A switch, not function pointers, on this trap path. Also the
 * glue between the console multiplexer and the VMs' virtual UARTs, and the
 * owner table for pass-through SPIs.
 */
#include "console.h"
#include "layout.h"
#include "pl011.h"
#include "virtio_mmio.h"
#include "vm.h"

/* Physical RX interrupt masked because the focused VM's receive FIFO was full. */
static bool rx_throttled;

/* True if the VM with console focus can take another byte (or would drop it anyway). */
static bool console_rx_room(void)
{
	struct vm *vm = vm_by_id(console_focus());

	return !vm || vm->state != VM_RUNNING ||
	       __atomic_load_n(&vm->uart.rx_count, __ATOMIC_RELAXED) < VPL011_FIFO;
}

static bool in_window(ipa_t ipa, u32 size, ipa_t base, u64 len)
{
	return ipa >= base && ipa - base < len && size <= len - (ipa - base);
}

void vdev_uart_update_irq(struct vm *vm)
{
	vgic_set_level(&vm->vgic, 0, GUEST_UART_INTID, vpl011_irq_level(&vm->uart));
}

bool vdev_mmio(struct vcpu *vc, ipa_t ipa, u32 size, bool write, u64 *val)
{
	struct vm *vm = vc->vm;

	if (in_window(ipa, size, GUEST_GICD_BASE, GUEST_GICD_SIZE)) {
		return vgic_dist_access(&vm->vgic, vc->id, ipa - GUEST_GICD_BASE, size, write, val);
	}
	if (in_window(ipa, size, GUEST_GICR_BASE, GUEST_GICR_STRIDE * vm->vcpu_count)) {
		return vgic_redist_access(&vm->vgic, vc->id, ipa - GUEST_GICR_BASE, size, write,
					  val);
	}
	if (in_window(ipa, size, GUEST_UART_BASE, GUEST_UART_SIZE)) {
		bool ok = vpl011_access(&vm->uart, ipa - GUEST_UART_BASE, size, write, val);
		vdev_uart_update_irq(vm);
		if (!write && ipa == GUEST_UART_BASE &&
		    __atomic_load_n(&rx_throttled, __ATOMIC_ACQUIRE) && console_rx_room()) {
			/* The guest drained its FIFO: take input again (CPU 0 gets the interrupt).
			 */
			__atomic_store_n(&rx_throttled, false, __ATOMIC_RELEASE);
			pl011_rx_irq_enable(true);
		}
		return ok;
	}
	/* Virtio links (docs/VIRTIO.md): windows outside the emulated device window. */
	return vlink_mmio(vm->id, ipa, size, write, val);
}

/* ---- virtio links: the VM side the device model needs ---- */

static void *vdev_vlink_xlate(u32 vm_id, u64 gpa, u64 size)
{
	paddr_t pa;

	/* Only the VM's own RAM: the hypervisor is identity-mapped, so phys == pointer. */
	if (vm_id >= vm_count || size == 0 ||
	    !config_vm_ipa_to_phys(vms[vm_id].cfg, gpa, size, &pa)) {
		return NULL;
	}
	return (void *)(uintptr_t)pa;
}

static void vdev_vlink_irq(u32 vm_id, u32 intid, bool level)
{
	if (vm_id < vm_count) {
		vgic_set_level(&vms[vm_id].vgic, 0, intid, level);
	}
}

static const struct vlink_env vdev_vlink_env = {
    .xlate = vdev_vlink_xlate,
    .irq = vdev_vlink_irq,
};

/* From vm.c when a VM's devices are (re)set. The first call, at boot on CPU 0 before any
 * other CPU runs, builds the links from the configuration. */
void vdev_virtio_reset(struct vm *vm)
{
	static bool set_up;

	if (!set_up) {
		vlink_setup(&system_config, &vdev_vlink_env);
		set_up = true;
	}
	vlink_vm_reset(vm->id);
}

/* A physical pass-through SPI fired on this CPU: hand it to its VM's vGIC. */
bool vdev_hw_spi(u32 intid)
{
	if (intid < 32 || intid >= 32 + VGIC_MAX_SPIS) {
		return false;
	}
	for (u32 i = 0; i < vm_count; i++) {
		const struct vm_cfg *cfg = vms[i].cfg;

		for (u32 d = 0; d < cfg->dev_count; d++) {
			for (u32 k = 0; k < cfg->devs[d].irq_count; k++) {
				if (cfg->devs[d].irqs[k] == intid) {
					vgic_hw_irq(&vms[i].vgic,
						    vms[i].vgic.spi[intid - 32].target, intid);
					return true;
				}
			}
		}
	}
	return false;
}

/* ---- console glue (core/console.c calls these) ---- */

const char *console_vm_name(u32 vm_id)
{
	return vm_id < vm_count ? vms[vm_id].cfg->name : "?";
}

u32 console_vm_count(void)
{
	return vm_count;
}

void console_vm_rx(u32 vm_id, u8 c)
{
	struct vm *vm = vm_by_id(vm_id);

	if (vm && vm->state == VM_RUNNING) {
		vpl011_rx(&vm->uart, c);
		vdev_uart_update_irq(vm);
	}
}

void console_poll_input(void)
{
	pl011_irq_ack();
	/* Bounded: a flood of input cannot keep this CPU away from its vCPU. Flow control:
	 * while the focused VM's FIFO is full, leave bytes in the UART (QEMU then stops
	 * reading its input) instead of dropping them as an overrun would. */
	for (u32 n = 0; n < 64; n++) {
		if (!console_rx_room()) {
			__atomic_store_n(&rx_throttled, true, __ATOMIC_RELEASE);
			pl011_rx_irq_enable(false);
			return;
		}
		int c = pl011_getc();

		if (c < 0) {
			break;
		}
		console_input((u8)c);
	}
}
