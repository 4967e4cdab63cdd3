/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 facts the Arm layer (src/arch/aarch64) and the Arm GICv3 model core embeds
 * (src/vdev/vgic*, core's MMIO dispatch and the config's emulated windows) share: where a
 * guest finds its GIC, the Arm interrupt IDs, and the layout of the virtual interface
 * registers the vGIC programs through arch.h (ICH_LR<n>_EL2, ICH_HCR_EL2). In the arch's
 * public include directory (beside arch_types.h) because both sides need it; another
 * architecture has its own interrupt controller and none of these.
 */
#ifndef TESSERA_ARCH_GIC_H
#define TESSERA_ARCH_GIC_H

#include "types.h"

/* The guest's GICv3, guest-physical, mirroring QEMU virt. */
#define GUEST_GICD_BASE	  0x08000000ULL
#define GUEST_GICD_SIZE	  0x10000ULL
#define GUEST_GICR_BASE	  0x080a0000ULL
#define GUEST_GICR_STRIDE 0x20000ULL /* RD_base + SGI_base frames per vCPU */

/* Interrupt IDs (GICv3). */
#define INTID_VTIMER	27U
#define INTID_MAINT	25U
#define INTID_HYP_TIMER 26U /* CNTHP: the hypervisor's own timer (health) */
#define INTID_HYP_IPI	0U  /* physical SGI used between hypervisor CPUs */

/* ICH_LR<n>_EL2 fields (GICv3 arch spec 12.4.6). */
#define ICH_LR_VINTID_MASK  0xffffffffULL
#define ICH_LR_PINTID_SHIFT 32
#define ICH_LR_PINTID_MASK  (0x3ffULL << 32)
#define ICH_LR_EOI	    BIT(41)
#define ICH_LR_PRIO_SHIFT   48
#define ICH_LR_GROUP1	    BIT(60)
#define ICH_LR_HW	    BIT(61)
#define ICH_LR_STATE_SHIFT  62
#define ICH_LR_STATE_MASK   (3ULL << 62)
#define ICH_LR_PENDING	    (1ULL << 62)
#define ICH_LR_ACTIVE	    (2ULL << 62)

/* ICH_HCR_EL2 bits. */
#define ICH_HCR_EN	       BIT(0)
#define ICH_HCR_UIE	       BIT(1)
#define ICH_HCR_LRENPIE	       BIT(2)
#define ICH_HCR_NPIE	       BIT(3)
#define ICH_HCR_EOICOUNT_SHIFT 27

#endif
