/* SPDX-License-Identifier: MIT */
/*
 * Offsets of the C structures the assembly fast paths (vectors.S) read, as plain numbers
 * for the assembler. traps.c checks every one with _Static_assert against offsetof, so a
 * change to struct cpu, vcpu, vm or vgic that moves one fails the build here, naming it:
 * update the number (aarch64-linux-gnu-gcc -S on an offsetof list prints them).
 */
#ifndef TESSERA_ASM_OFFSETS_H
#define TESSERA_ASM_OFFSETS_H

#define CPU_VCPU	  0 /* struct cpu */
#define CPU_REQUESTS	  32
#define CPU_IRQ_COUNT	  40
#define CPU_ID		  16
#define CPU_SCHED	  48
#define VCPU_VM		  1760 /* struct vcpu */
#define VCPU_ID		  1768
#define VCPU_STATE	  1776
#define VCPU_IRQ_COUNT	  1808
#define VCPU_TRACE	  1780 /* u32, right after state */
#define VCPU_EXITS	  1872 /* u64 exits[VEXIT_COUNT] */
#define VCPU_IRQ_SLOW	  2024
#define VEXIT_SYSREG_VAL  5
#define VM_VGIC		  472 /* struct vm */
#define VGIC_LOCK_OWNER	  4   /* struct vgic: the lock (spinlock_t) first */
#define VGIC_CTLR	  8
#define VGIC_VCPU_COUNT	  12
#define VGIC_CPUS	  16
#define VGIC_RAISED_WORDS 4212
#define VC_VCPU_ID	  256 /* struct vgic_cpu; priv[] first, 8 bytes each */
#define VC_PCPU		  260
#define VC_DIRTY	  272
#define VC_LR_INTID	  276
#define VC_LR_USED	  340
#define VC_LR_VAL	  344
#define VC_OVERFLOW	  472 /* u8, then uie (u8) */
#define VC_WANT_PRIV	  476
#define VC_WANT_SPI_WORDS 512
#define VC_POSTED_SGIS	  528
#define VC_POSTED_SRC	  532 /* u16 posted_src[16] */
#define VIRQ_FLAGS	  0   /* struct vgic_irq */
#define VIRQ_PRIO	  1
#define VIRQ_LR		  3
#define VIRQ_SGI_SRC	  4
#define VIRQ_LR_VCPU	  6
#define VIRQ_OPS	  7
#define VIRQ_SIZE	  8

/* Values. */
#define VEXIT_Q_TESSERA_VAL   15 /* enum vcpu_exit: the queries vectors.S answers */
#define VEXIT_Q_PSCI_VAL      16
#define VEXIT_Q_ARCH_VAL      17
#define VEXIT_Q_SMC_VAL	      18
#define VCPU_RUNNING_VAL      2
#define VGIC_IRQ_ENABLED_BIT  0
#define VGIC_IRQ_ACTIVE_BIT   3
#define VGIC_IRQ_IN_LR_BIT    6
#define VGIC_IRQ_NEWEDGE_BIT  7
#define GICD_CTLR_EN_GRP1_BIT 1
#define MAX_PCPUS_VAL	      8 /* CONFIG_MAX_PCPUS: gic_kick_sgi[] */

#endif
