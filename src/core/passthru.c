/* SPDX-License-Identifier: MIT */
/* The owner table for pass-through SPIs: which VM a physical SPI belongs to. */
#include "vm.h"
#include "vm_devices.h"

/* A physical pass-through SPI fired on this CPU: hand it to its VM's interrupt controller.
 * Its vCPU may be parked and the VM being reset by another CPU: the lifecycle protocol. For
 * a VM that is not live, false: the caller deactivates it, so it does not stay active for
 * ever. Only configured interrupt IDs match (config_vm.c bounds them). */
bool vdev_hw_irq(u32 intid)
{
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
				irqchip_hw(&vms[i], intid);
				vm_access_end(&vms[i]);
				return true;
			}
		}
	}
	return false;
}
