/* SPDX-License-Identifier: MIT */
/*
 * SMCCC 1.1 dispatch for guest HVC and trapped SMC (Arm DEN0028): the
 * architecture calls, PSCI, and Tessera's own calls (abi.h, documented in
 * docs/HYPERCALLS.md; carried out by core: guest_calls.h). One table-like switch; unknown
 * IDs return NOT_SUPPORTED (-1) as SMCCC requires.
 */
#include "abi.h"
#include "fw_abi.h"
#include "arch_cpu.h"
#include "guest_calls.h"
#include "smccc_fast.h"
#include "vm.h"

_Static_assert(TESSERA_ABI_VERSION_FAST == TESSERA_ABI_VERSION, "vectors.S answers the null call");
_Static_assert(PSCI_VERSION == 0x84000000U + PSCI_FN_VERSION &&
		   PSCI_MIGRATE_INFO_TYPE == 0x84000000U + PSCI_FN_MIGRATE_INFO_TYPE &&
		   PSCI_FEATURES == 0x84000000U + PSCI_FN_FEATURES,
	       "vectors.S decodes these PSCI function numbers");
_Static_assert(TESSERA_HC_BASE == 0xC6000000U && SMCCC_VERSION == 0x80000000U &&
		   SMCCC_ARCH_FEATURES == 0x80000001U,
	       "vectors.S decodes these function IDs");

/*
 * The side-effect-free standard queries and the null call. vectors.S answers them over HVC
 * and SMC before saving any register (smccc_entry), from the constants in smccc_fast.h;
 * this is the same answer for the full dispatch (a guest never gets here with one of them
 * today, the fuzzer does). They read nothing but their arguments and write only x0
 * (SMCCC 1.1: x1-x3 unchanged). False: not one of them.
 */
static bool smccc_query(u64 *x)
{
	u32 arg = (u32)x[1];

	switch ((u32)x[0]) {
	case SMCCC_VERSION:
		x[0] = SMCCC_VERSION_1_1;
		return true;
	case SMCCC_ARCH_FEATURES: /* SMCCC 1.1 7.3.2: both mandatory calls are implemented */
		x[0] = (u64)(s64)(arg == SMCCC_VERSION || arg == SMCCC_ARCH_FEATURES ? 0 : -1);
		return true;
	case PSCI_VERSION:
		x[0] = PSCI_VERSION_1_1;
		return true;
	case PSCI_FEATURES:
		x[0] = (u64)psci_features(x[1]);
		return true;
	case PSCI_MIGRATE_INFO_TYPE:
		x[0] = PSCI_MIGRATE_NONE;
		return true;
	case TESSERA_HC_VERSION:
		x[0] = TESSERA_ABI_VERSION;
		return true;
	default:
		return false;
	}
}

bool hypercall_fast(struct vcpu *vc, u32 fn)
{
	return guest_call_fast(vc, fn, vc->regs.x); /* the doorbell and the heartbeat */
}

/* An HVC's class: the owning entity of its function ID (SMCCC 2.5 table 6-4, bits 29:24). */
static enum vcpu_exit hvc_class(u32 fid)
{
	switch ((fid >> 24) & 0x3f) {
	case 0:
		return VEXIT_HVC_ARCH;
	case 4:
		return VEXIT_HVC_PSCI;
	case 6:
		return VEXIT_TESSERA_CALL;
	default:
		return VEXIT_HVC_OTHER;
	}
}

void hypercall_dispatch(struct vcpu *vc, bool is_smc)
{
	u32 fid = (u32)vc->regs.x[0];

	vc->vm->stats.hypercalls++;
	if (is_smc) {
		vc->regs.elr += 4; /* a trapped SMC returns to the next instruction */
	} else {
		vc->exits[hvc_class(fid)]++;
	}
	if (smccc_query(vc->regs.x)) {
		return;
	}
	if ((fid & 0xbfff0000U) == 0x84000000U) {
		if (!psci_guest_call(vc, fid)) {
			vc->regs.x[0] = (u64)(s64)PSCI_RET_NOT_SUPPORTED;
		}
	} else if ((fid & 0xffff0000U) == TESSERA_HC_BASE) {
		vc->regs.x[0] = (u64)guest_call_tessera(vc, fid, vc->regs.x);
	} else {
		vc->regs.x[0] = (u64)(s64)TESSERA_NOT_SUPPORTED;
	}
}
