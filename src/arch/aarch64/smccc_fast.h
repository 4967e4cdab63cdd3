/* SPDX-License-Identifier: MIT */
/*
 * The side-effect-free standard calls answered in vectors.S before any register is saved
 * (SMCCC DEN0028, PSCI DEN0022), and their answers: one set of constants for the assembly
 * fast path and for the C dispatch (smccc.c, psci.c), which must agree. Plain numbers:
 * this header is included by assembly. smccc.c checks them against abi.h.
 */
#ifndef TESSERA_SMCCC_FAST_H
#define TESSERA_SMCCC_FAST_H

/* SMCCC_VERSION and PSCI_VERSION results: (major << 16) | minor. */
#define SMCCC_VERSION_1_1 0x10001
#define PSCI_VERSION_1_1  0x10001

/* PSCI function numbers (the low byte of 0x8400_00nn / 0xC400_00nn) the fast path answers. */
#define PSCI_FN_VERSION		  0x00
#define PSCI_FN_MIGRATE_INFO_TYPE 0x06
#define PSCI_FN_FEATURES	  0x0a

/* MIGRATE_INFO_TYPE: 2, no trusted OS, so migration is not required (PSCI 5.1.9). */
#define PSCI_MIGRATE_NONE 2

/*
 * PSCI_FEATURES: the PSCI functions Tessera implements. Bit n: 0x8400_00nn (SMC32 calling
 * convention), bit 32 + n: 0xC400_00nn (SMC64). Every one answers 0: SUCCESS, and for
 * CPU_SUSPEND the feature flags 0 (original power_state format, no OS-initiated mode,
 * PSCI 5.1.14), which happen to be the same value; a function whose flags are not 0 needs
 * a table here instead. SMC32: VERSION 0, CPU_OFF 2, CPU_ON 3, AFFINITY_INFO 4,
 * MIGRATE_INFO_TYPE 6, SYSTEM_OFF 8, SYSTEM_RESET 9, PSCI_FEATURES 10 (0x75d); SMC64:
 * CPU_SUSPEND 1, CPU_ON 3, AFFINITY_INFO 4 (0x1a).
 */
#define PSCI_FEATURES_SMC32 0x75d
#define PSCI_FEATURES_SMC64 0x1a

/* Tessera's ABI version (abi.h TESSERA_ABI_VERSION), answered to TESSERA_HC_VERSION. */
#define TESSERA_ABI_VERSION_FAST 0x10004

#endif
