/* SPDX-License-Identifier: MIT */
/*
 * Emulated MMIO dispatch: the guest-physical windows of every VM's virtual
 * devices. Range compares with constants, not a table or function pointers, on this
 * trap path: the device models are inlined into it. Also the
 * glue between the console multiplexer and the VMs' virtual UARTs, and the
 * owner table for pass-through SPIs.
 */
#include "vm_devices.h"
#include "console.h"
#include "layout.h"
#include "pl011.h"
#include "vlink.h"
#include "vm.h"

/* off: the access's offset from a window's base (wrapped round if below it). */
static inline bool in_window(u64 off, u32 size, u64 len)
{
	return off < len && size <= len - off;
}

void vdev_uart_update_irq(struct vm *vm)
{
	vgic_set_level(&vm->vgic, 0, GUEST_UART_INTID, vpl011_irq_level(&vm->uart));
}

int vdev_mmio(struct vcpu *vc, ipa_t ipa, u32 size, bool write, u64 *val, bool links)
{
	struct vm *vm = vc->vm;

	if (in_window(ipa - GUEST_GICD_BASE, size, GUEST_GICD_SIZE)) {
		return vgic_dist_access(&vm->vgic, vc->id, ipa - GUEST_GICD_BASE, size, write, val);
	}
	if (in_window(ipa - GUEST_UART_BASE, size, GUEST_UART_SIZE)) {
		int level = vpl011_access(&vm->uart, ipa - GUEST_UART_BASE, size, write, val);

		if (level != VPL011_IRQ_SAME) {
			vgic_set_level(&vm->vgic, 0, GUEST_UART_INTID, level != 0);
		}
		return 1;
	}
	if (in_window(ipa - GUEST_GICR_BASE, size, GUEST_GICR_STRIDE * vm->vcpu_count)) {
		return vgic_redist_access(&vm->vgic, vc->id, ipa - GUEST_GICR_BASE, size, write,
					  val);
	}
	if (!links) {
		return -1;
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

/* From either end's CPU (the pump runs on whichever VM notified): the lifecycle protocol. */
static void vdev_vlink_irq(u32 vm_id, u32 intid, bool level)
{
	if (vm_id < vm_count && vm_access_begin(&vms[vm_id])) {
		vgic_set_level(&vms[vm_id].vgic, 0, intid, level);
		vm_access_end(&vms[vm_id]);
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

/* A physical pass-through SPI fired on this CPU: hand it to its VM's vGIC. Its vCPU may be
 * parked and the VM being reset by another CPU: the lifecycle protocol. For a VM that is
 * not live, false: the caller deactivates it, so it does not stay active for ever. */
bool vdev_hw_spi(u32 intid)
{
	if (intid < 32 || intid >= 32 + VGIC_MAX_SPIS) {
		return false;
	}
	for (u32 i = 0; i < vm_count; i++) {
		const struct vm_cfg *cfg = vms[i].cfg;

		for (u32 d = 0; d < cfg->dev_count; d++) {
			for (u32 k = 0; k < cfg->devs[d].irq_count; k++) {
				if (cfg->devs[d].irqs[k] != intid) {
					continue;
				}
				if (!vm_access_begin(&vms[i])) {
					return false;
				}
				vgic_hw_irq(&vms[i].vgic,
					    __atomic_load_n(&vms[i].vgic.spi[intid - 32].target,
							    __ATOMIC_RELAXED),
					    intid);
				vm_access_end(&vms[i]);
				return true;
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

const char *console_vm_state(u32 vm_id)
{
	return vm_state_name(vm_id < vm_count ? __atomic_load_n(&vms[vm_id].state, __ATOMIC_RELAXED)
					      : VM_RUNNING);
}

/* Console input runs on the CPU that takes the UART interrupt, whatever VM has the focus:
 * the lifecycle protocol. A VM that is stopped (or being reset) takes nothing. */
enum console_rx console_vm_rx(u32 vm_id, u8 c)
{
	struct vm *vm = vm_by_id(vm_id);
	bool ok;

	if (!vm || !vm_access_begin(vm)) {
		return CONSOLE_RX_STOPPED;
	}
	ok = vpl011_rx(&vm->uart, c);
	vdev_uart_update_irq(vm);
	vm_access_end(vm);
	return ok ? CONSOLE_RX_OK : CONSOLE_RX_DROPPED;
}

/* Bytes per interrupt: a paste cannot keep this CPU from its own vCPU for long; what is
 * left keeps the UART's receive interrupt asserted and is taken right after. */
#define CONSOLE_RX_BATCH 256

void console_poll_input(void)
{
	/* Never throttled: every byte is read at once and goes to the focused VM (which keeps
	 * up to VPL011_BACKLOG bytes it has not read yet) or is dropped and counted there,
	 * so input can never stop, whatever a VM does, and the hotkeys always work. The
	 * receive-timeout and error interrupts are cleared first: one that comes with a byte
	 * arriving while we drain is raised again. The receive interrupt itself follows
	 * the FIFO level (PL011 TRM 3.4.3): clearing it while bytes remain would lose it. */
	pl011_irq_ack();
	for (u32 n = 0; n < CONSOLE_RX_BATCH; n++) {
		int c = pl011_getc();

		if (c < 0) {
			break;
		}
		console_input((u8)c);
	}
}
