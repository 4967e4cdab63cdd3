/* SPDX-License-Identifier: MIT */
/*
 * The architecture-owned parts of core's objects, for AArch64. Core embeds them (struct vm
 * has a struct arch_vm) but never looks inside: only code under src/arch/aarch64/ does.
 * This directory (src/arch/<arch>/include) is the only part of an architecture that core,
 * vdev and lib may include; the rest of src/arch/<arch>/ is not on their include path, so
 * a core file that reaches into the architecture does not compile (Makefile).
 */
#ifndef TESSERA_ARCH_TYPES_H
#define TESSERA_ARCH_TYPES_H

#include "types.h"

/* A vCPU's general registers, saved on every trap by vectors.S (layout known to assembly:
 * offsets below). Only arch code (traps, SMCCC/PSCI, exception injection) reads them. */
struct vcpu_regs {
	u64 x[31];
	u64 elr; /* guest PC */
	u64 spsr;
};
#define VCPU_REGS_ELR_OFF  (31 * 8)
#define VCPU_REGS_SPSR_OFF (32 * 8)

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

#endif
