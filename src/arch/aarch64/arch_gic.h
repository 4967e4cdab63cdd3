/* SPDX-License-Identifier: MIT */
/*
 * The GICv3 facts the physical GIC's driver (gicv3.c, gicv3.h), the rest of the Arm layer
 * and the vGIC (vgic/, the GICv3 model behind irqchip.h) share: where a guest finds its
 * GIC, the Arm interrupt IDs, the layout of the virtual interface registers and the calls
 * the vGIC programs them and the physical distributor with (gicv3.c; on the host
 * tests/unit/fake_arch.c). Private to the arch: core sees the controller only through
 * irqchip.h, and the guest kit includes this for the windows and IDs.
 */
#ifndef TESSERA_ARCH_GIC_H
#define TESSERA_ARCH_GIC_H

#include "arch_platform.h"
#include "types.h"

/* The guest's GICv3, guest-physical, mirroring QEMU virt: the board's interrupt-controller
 * windows (arch_platform.h). */
#define GUEST_GICD_BASE	  GUEST_IRQCHIP_BASE
#define GUEST_GICD_SIZE	  GUEST_IRQCHIP_SIZE
#define GUEST_GICR_BASE	  GUEST_IRQCHIP_CPU_BASE
#define GUEST_GICR_STRIDE GUEST_IRQCHIP_CPU_STRIDE /* RD_base + SGI_base frames per vCPU */

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

/*
 * GICv3 virtual CPU interface of the current physical CPU (ICH_*_EL2, GICv3
 * arch spec 12.4). Only the CPU that runs a vCPU touches its list registers.
 */
u32 arch_gic_lr_count(void);
u64 arch_gic_lr_read(u32 idx);
void arch_gic_lr_write(u32 idx, u64 val);
u32 arch_gic_elrsr(void); /* bit n set: LR n holds no interrupt */
u32 arch_gic_eisr(void);  /* bit n set: LR n had an EOI maintenance event */
u32 arch_gic_misr(void);
u64 arch_gic_hcr_read(void);
void arch_gic_hcr_write(u64 val);

/* Physical distributor controls for interrupts passed through to a VM. */
void arch_gic_irq_enable(u32 intid, bool enable);
void arch_gic_irq_route(u32 intid, u32 pcpu);
void arch_gic_irq_priority(u32 intid, u8 prio);
void arch_gic_irq_deactivate(u32 intid);
/* A guest wrote off (SGI_base frame offset) of the redistributor of its vCPU on physical
 * CPU pcpu: mirrored to that CPU's physical redistributor when its VM has
 * direct-interrupts (src/arch/aarch64/direct.c), else ignored. */
void arch_gic_direct_redist_write(u32 pcpu, u32 off, u32 size, u64 val);
/* Private interrupt intid (16..31) in the physical redistributor of CPU pcpu (any CPU may
 * call): enable or disable it; whether it is pending (a level PPI: its line is high). */
void arch_gic_ppi_enable(u32 pcpu, u32 intid, bool enable);
/* The same for several at once (bits by INTID 16..31): enables on, disables off. */
void arch_gic_ppi_enables(u32 pcpu, u32 on, u32 off);
bool arch_gic_ppi_pending(u32 pcpu, u32 intid);

#endif
