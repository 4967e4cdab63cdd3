/* SPDX-License-Identifier: MIT */
/*
 * SMCCC 1.1 dispatch for guest HVC and trapped SMC (Arm DEN0028): the
 * architecture calls, PSCI, and Tessera's own calls (abi.h, documented in
 * docs/HYPERCALLS.md). One table-like switch; unknown IDs return
 * NOT_SUPPORTED (-1) as SMCCC requires.
 */
#include "health.h"
#include "chan.h"
#include "checkpoint.h"
#include "abi.h"
#include "arch_cpu.h"
#include "console.h"
#include "measure.h"
#include "mgmt.h"
#include "share_stats.h"
#include "smccc_fast.h"
#include "update.h"
#include "vm.h"

_Static_assert(TESSERA_ABI_VERSION_FAST == TESSERA_ABI_VERSION, "vectors.S answers the null call");
_Static_assert(PSCI_VERSION == 0x84000000U + PSCI_FN_VERSION &&
		   PSCI_MIGRATE_INFO_TYPE == 0x84000000U + PSCI_FN_MIGRATE_INFO_TYPE &&
		   PSCI_FEATURES == 0x84000000U + PSCI_FN_FEATURES,
	       "vectors.S decodes these PSCI function numbers");
_Static_assert(TESSERA_HC_BASE == 0xC6000000U && SMCCC_VERSION == 0x80000000U &&
		   SMCCC_ARCH_FEATURES == 0x80000001U,
	       "vectors.S decodes these function IDs");

static s64 tessera_call(struct vcpu *vc, u32 fid)
{
	u64 *x = vc->regs.x;

	switch (fid) {
	case TESSERA_HC_FEATURES:
		return (x[1] >= TESSERA_HC_BASE && x[1] < TESSERA_HC_BASE + TESSERA_HC_COUNT)
			   ? TESSERA_OK
			   : TESSERA_NOT_SUPPORTED;
	case TESSERA_HC_CHANNEL_NOTIFY: /* SMC conduit; HVC takes hypercall_fast() */
		return chan_notify(vc->vm, x[1]);
	case TESSERA_HC_VM_ID:
		x[1] = vc->id;
		x[2] = vc->vm->vcpu_count;
		return vc->vm->id;
	case TESSERA_HC_HEARTBEAT:
		health_heartbeat(vc->vm);
		return TESSERA_OK;
	case TESSERA_HC_EXIT_STATUS:
		vc->vm->exit_reason = (u32)x[1];
		vc->vm->exit_code = (u32)x[2];
		return TESSERA_OK;
	case TESSERA_HC_MANAGE:
		return mgmt_guest_call(vc->vm, x[1], x[2]);
	case TESSERA_HC_MEASUREMENT:
		return measure_guest_call(vc->vm->id, x);
	case TESSERA_HC_UPDATE_CONFIRM:
		return update_guest_confirm(vc->vm);
	case TESSERA_HC_CHECKPOINT:
		return checkpoint_guest_call(vc);
	case TESSERA_HC_GENERATION_ID:
		x[1] = vc->vm->generation;
		return TESSERA_OK;
	case TESSERA_HC_TRACE:
#ifdef TESSERA_SHARE_STATS
		if (x[1] == SHARE_MARK_CLOSE) {
			share_window(false); /* before printing: the console lock is shared */
		}
#endif
		console_printf("trace: VM %s vCPU %u marker 0x%llx at %llu\n", vc->vm->cfg->name,
			       vc->id, (unsigned long long)x[1],
			       (unsigned long long)arch_counter());
#ifdef TESSERA_SHARE_STATS
		if (x[1] == SHARE_MARK_OPEN) {
			share_window(true);
		}
#endif
		return TESSERA_OK;
	default:
		return TESSERA_NOT_SUPPORTED;
	}
}

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
	u64 *x = vc->regs.x;

	/* The doorbell and the heartbeat: the hot ones (bench rows). */
	switch (fn) {
	case TESSERA_HC_CHANNEL_NOTIFY - TESSERA_HC_BASE: /* no vGIC state of vc: other VMs' */
		vc->exits[VEXIT_HVC_TESSERA]++;		  /* a trap: vcpu_traps() */
		x[0] = (u64)chan_notify(vc->vm, x[1]);
		return true;
	case TESSERA_HC_HEARTBEAT - TESSERA_HC_BASE:
		vc->exits[VEXIT_HVC_TESSERA]++;
		health_heartbeat(vc->vm);
		x[0] = TESSERA_OK;
		return true;
	default:
		return false;
	}
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
		return VEXIT_HVC_TESSERA;
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
		vc->regs.x[0] = (u64)tessera_call(vc, fid);
	} else {
		vc->regs.x[0] = (u64)(s64)TESSERA_NOT_SUPPORTED;
	}
}
