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
