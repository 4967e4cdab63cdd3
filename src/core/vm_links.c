/* SPDX-License-Identifier: MIT */
/*
 * Virtio links (docs/VIRTIO.md): the VM side the device model needs (guest-physical
 * translation into a VM's own RAM, a link's interrupt into a VM's vGIC) and the links'
 * reset with their VM.
 */
#include "checkpoint.h"
#include "vlink.h"
#include "vm.h"
#include "vm_devices.h"

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
		irqchip_set_level(&vms[vm_id], 0, intid, level);
		vm_access_end(&vms[vm_id]);
	}
}

/* The link wrote into the VM's RAM behind its stage 2 (on the CPU that pumps it): pages a
 * checkpoint's stage-2 tracking does not see. */
static void vdev_vlink_wrote(u32 vm_id, const void *p, u32 n)
{
	const struct vm_cfg *cfg;
	paddr_t pa = (paddr_t)(uintptr_t)p;

	if (vm_id >= vm_count || !vms[vm_id].cfg->has_ckpt) {
		return;
	}
	cfg = vms[vm_id].cfg;
	for (u32 i = 0; i < cfg->mem_count && i < CONFIG_MAX_MEM; i++) {
		if (pa >= cfg->mem[i].phys && pa - cfg->mem[i].phys < cfg->mem[i].size) {
			checkpoint_note_write(&vms[vm_id],
					      cfg->mem[i].ipa + (pa - cfg->mem[i].phys), n);
			return;
		}
	}
}

static const struct vlink_env vdev_vlink_env = {
    .xlate = vdev_vlink_xlate,
    .irq = vdev_vlink_irq,
    .wrote = vdev_vlink_wrote,
};

static bool set_up;

void vdev_virtio_forget(void)
{
	set_up = false;
}

/* From vm.c when a VM's devices are (re)set. The first call, at boot on CPU 0 before any
 * other CPU runs, builds the links from the configuration. */
void vdev_virtio_reset(struct vm *vm)
{
	if (!set_up) {
		vlink_setup(&system_config, &vdev_vlink_env);
		set_up = true;
	}
	vlink_vm_reset(vm->id);
}
