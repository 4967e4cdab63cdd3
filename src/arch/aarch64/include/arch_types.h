/* SPDX-License-Identifier: MIT */
/*
 * The architecture-owned parts of core's objects, for AArch64. Core embeds them (struct vm
 * has a struct arch_vm and a struct arch_irqchip) but never looks inside: only code under
 * src/arch/aarch64/ does.
 * This directory (src/arch/<arch>/include) is the only part of an architecture that core,
 * vdev and lib may include; the rest of src/arch/<arch>/ is not on their include path, so
 * a core file that reaches into the architecture does not compile (Makefile).
 */
#ifndef TESSERA_ARCH_TYPES_H
#define TESSERA_ARCH_TYPES_H

#include "types.h"
/* The vGIC's state (struct arch_irqchip below). Not by name: the rest of the arch, vgic/
 * included, is off core's include path. */
#include "../vgic/vgic_types.h"

/* A vCPU's general registers, saved on every trap by vectors.S (layout known to assembly:
 * offsets below). Only arch code (traps, SMCCC/PSCI, exception injection) reads them. */
struct vcpu_regs {
	u64 x[31];
	u64 elr; /* guest PC */
	u64 spsr;
};
#define VCPU_REGS_ELR_OFF  (31 * 8)
#define VCPU_REGS_SPSR_OFF (32 * 8)

/* A vCPU's EL1 system registers and EL2 controls that differ per vCPU (arch_vcpu_save). */
struct arch_el1 {
	u64 sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	u64 tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr_el1, spsr_el1;
	u64 esr, far, afsr0, afsr1, par, cpacr, csselr, cntkctl;
	u64 hcr, vttbr, vmpidr; /* EL2: traps and a pending virtual SError (VSE), stage 2 */
};

/* FP/SIMD: q0-q31, FPCR, FPSR (the layout arch_fp_save/arch_fp_load in vectors.S use). */
struct arch_fp {
	u64 q[64]; /* q0-q31, two halves each */
	u64 fpcr, fpsr;
};

/* Both EL1 timers, the virtual offset, and the physical active state of their
 * hardware-linked PPIs (a guest's active timer interrupt blocks its PPI on the CPU). */
struct arch_timers {
	u64 cntv_ctl, cntv_cval, cntp_ctl, cntp_cval, cntvoff;
	u32 ppi_active; /* GICR_ISACTIVER0 bits of the timer PPIs */
};

/* The GIC virtual CPU interface (GICv3 12.4): list registers, active priorities, VMCR, HCR. */
#define ARCH_MAX_LRS  16
#define ARCH_MAX_APRS 4
struct arch_gicv {
	u64 lr[ARCH_MAX_LRS];
	u32 ap0r[ARCH_MAX_APRS], ap1r[ARCH_MAX_APRS];
	u32 vmcr, hcr;
};

/* Self-hosted debug state a guest can set (breakpoints, watchpoints, MDSCR, OS lock). */
#define ARCH_MAX_BRPS 16
struct arch_debug {
	u64 bvr[ARCH_MAX_BRPS], bcr[ARCH_MAX_BRPS], wvr[ARCH_MAX_BRPS], wcr[ARCH_MAX_BRPS];
	u64 mdscr, mdccint, oslsr;
	/* Shared CPUs: the guest has touched its debug registers since its start, so they are
	 * switched (and held here while it is away); until then they are at their reset
	 * values, their accesses trapped (MDCR_EL2.TDA/TDOSA), and a switch skips them. */
	u64 live;
};

/*
 * Everything of a vCPU a guest can observe, as one object: the general registers (saved on
 * every trap by vectors.S, so they come first: struct vcpu's regs alias them) and, for a
 * vCPU that is not on its CPU, the rest (arch_vcpu_save / arch_vcpu_restore). A vCPU that
 * never shares its CPU keeps all but regs in the hardware. The snapshot and migration work
 * reuses exactly this struct.
 */
struct arch_vcpu {
	struct vcpu_regs regs;
	struct arch_el1 el1;
	struct arch_timers timers;
	struct arch_gicv gic;
	struct arch_debug dbg;
	struct arch_fp fp;
};
/* Its size as a snapshot stores it (docs/SNAPSHOT.md; checked in vcpu_state.c). */
#define ARCH_VCPU_STATE_SIZE 1760U

/* One VM's stage-2 translation tables (stage2.c). */
struct stage2 {
	u64 *root; /* level-1 table, 512 entries */
	u32 table_pages;
};

/* Per VM: its stage 2 and the VTTBR_EL2 value that selects it (VMID + root). */
struct arch_vm {
	struct stage2 s2;
	u64 vttbr;
};

/* Per VM: its emulated interrupt controller (irqchip.h), the vGIC: the distributor model
 * and one CPU (redistributor, list register bookkeeping) per vCPU. Its own member of
 * struct vm (vm->irqchip, where the vGIC always was: vectors.S reaches it at VM_VGIC). */
struct arch_irqchip {
	struct vgic vgic;
	struct vgic_cpu cpus[CONFIG_MAX_VCPUS];
};
/* Its snapshot parts (irqchip.h), with the names a stream's messages give their sections
 * (docs/SNAPSHOT.md; the section types on the wire are core's). */
#define IRQCHIP_SNAP_CPU_SIZE VGIC_SNAP_CPU_SIZE
#define IRQCHIP_SNAP_SIZE     VGIC_SNAP_DIST_SIZE
#define IRQCHIP_SNAP_CPU_NAME "vgic-cpu"
#define IRQCHIP_SNAP_NAME     "vgic-dist"

/*
 * A vCPU's exits by class (struct vcpu.exits[], `stats`), counted by the vCPU's own CPU only:
 * no lock, no atomic. Core counts the classes every architecture has by these names:
 * VEXIT_TESSERA_CALL (Tessera's own hypercalls, guest_calls.h), VEXIT_MMIO_IRQCHIP and
 * VEXIT_MMIO_IRQCHIP_CPU (the interrupt controller's shared and per-vCPU windows: GICD and
 * GICR), VEXIT_MMIO_UART and VEXIT_MMIO_VIRTIO (core/mmio_dispatch.c); VEXIT_TRAPS says
 * which classes are traps, VEXIT_COUNT how many there are. The rest are Arm's: HVCs by the
 * function ID's owner (SMCCC: 0 Arm architecture, 4 standard secure service = PSCI,
 * 6 standard hypervisor service = Tessera), DABT_OTHER an abort no device took (an external
 * abort was injected). Interrupt exits are irq_count. vectors.S counts its own fast paths:
 * offsets in asm_offsets.h (VCPU_EXITS). The names `stats` prints: exit_stats.c.
 */
enum vcpu_exit {
	VEXIT_TESSERA_CALL = 0,
	VEXIT_HVC_PSCI,
	VEXIT_HVC_ARCH,
	VEXIT_HVC_OTHER,
	VEXIT_SMC,
	VEXIT_SYSREG,
	VEXIT_WFX,
	VEXIT_MMIO_IRQCHIP,
	VEXIT_MMIO_IRQCHIP_CPU,
	VEXIT_MMIO_UART,
	VEXIT_MMIO_VIRTIO,
	VEXIT_DABT_OTHER,
	VEXIT_IABT,
	VEXIT_SERROR,
	VEXIT_OTHER,
	/* The queries vectors.S answers by itself (not traps): shown with their class. */
	VEXIT_Q_TESSERA,
	VEXIT_Q_PSCI,
	VEXIT_Q_ARCH,
	VEXIT_Q_SMC,
	VEXIT_COUNT
};
/* The classes that are traps to the hypervisor (vcpu_traps): all up to VEXIT_OTHER but
 * SError. */
#define VEXIT_TRAPS (((1U << (VEXIT_OTHER + 1)) - 1) & ~(1U << VEXIT_SERROR))

#endif
