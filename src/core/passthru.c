/* SPDX-License-Identifier: MIT */
/* The owner table for pass-through SPIs: which VM a physical SPI belongs to. */
#include "vm.h"
#include "vm_devices.h"

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
