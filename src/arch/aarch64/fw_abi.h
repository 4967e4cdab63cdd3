/* SPDX-License-Identifier: MIT */
/*
 * The Arm firmware interfaces a guest calls by HVC (or a trapped SMC): PSCI 1.1 (DEN0022) and
 * the SMCCC architecture calls (DEN0028). Arm's, so private to the arch (psci.c, smccc.c,
 * setup.c's firmware CPU_ON) and to the guest kit; core never sees them: it keeps Tessera's
 * own hypercalls (abi.h) and hears of what PSCI asks through guest_calls.h and vm.h
 * (guest_system_off, vm_reset, the vCPU claims). A RISC-V port has SBI's HSM and SRST
 * extensions here instead.
 */
#ifndef TESSERA_ARM_FW_ABI_H
#define TESSERA_ARM_FW_ABI_H

/* PSCI 1.1 (DEN0022) function IDs guests use. */
#define PSCI_VERSION	       0x84000000U
#define PSCI_CPU_SUSPEND_64    0xC4000001U
#define PSCI_CPU_OFF	       0x84000002U
#define PSCI_CPU_ON_64	       0xC4000003U
#define PSCI_CPU_ON_32	       0x84000003U
#define PSCI_AFFINITY_INFO_64  0xC4000004U
#define PSCI_AFFINITY_INFO_32  0x84000004U
#define PSCI_MIGRATE_INFO_TYPE 0x84000006U
#define PSCI_SYSTEM_OFF	       0x84000008U
#define PSCI_SYSTEM_RESET      0x84000009U
#define PSCI_FEATURES	       0x8400000AU

#define PSCI_RET_SUCCESS	  0
#define PSCI_RET_NOT_SUPPORTED	  (-1)
#define PSCI_RET_INVALID_PARAMS	  (-2)
#define PSCI_RET_DENIED		  (-3)
#define PSCI_RET_ALREADY_ON	  (-4)
#define PSCI_RET_ON_PENDING	  (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_RET_INVALID_ADDRESS  (-9)

/* SMCCC architecture calls. */
#define SMCCC_VERSION	    0x80000000U
#define SMCCC_ARCH_FEATURES 0x80000001U

#endif
