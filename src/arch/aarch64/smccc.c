/* SPDX-License-Identifier: MIT */
/*
 * SMCCC 1.1 dispatch for guest HVC and trapped SMC (Arm DEN0028): the
 * architecture calls, PSCI, and Tessera's own calls (abi.h, documented in
 * docs/HYPERCALLS.md). One table-like switch; unknown IDs return
 * NOT_SUPPORTED (-1) as SMCCC requires.
 */
#include "health.h"
#include "chan.h"
#include "abi.h"
#include "arch_cpu.h"
#include "console.h"
#include "measure.h"
#include "mgmt.h"
#include "share_stats.h"
#include "vm.h"

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

/* TESSERA_HC_VERSION, the null call, answered here only: first thing on the HVC fast path,
 * as a leaf (it is the floor of every trap's cost, bench "null hypercall"), and through
 * smccc_query on the full dispatch (SMC). */
static inline bool hypercall_version(u64 *x)
{
	if ((u32)x[0] != TESSERA_HC_VERSION) {
		return false;
	}
	x[0] = TESSERA_ABI_VERSION;
	return true;
}

/*
 * The side-effect-free standard queries, answered in one place for both conduits: they
 * read nothing but their arguments and write only x0 (SMCCC 1.1: x1-x3 unchanged), so the
 * HVC fast path (only x0-x18 saved, no vGIC work) can take them. False: not one of them.
 */
/* Out of line: the doorbell and null-call paths that inline hypercall_fast stay as short. */
static __attribute__((noinline)) bool smccc_query(u64 *x)
{
	switch ((u32)x[0]) {
	case SMCCC_VERSION:
		x[0] = 0x10001; /* SMCCC 1.1 */
		return true;
	case SMCCC_ARCH_FEATURES:
		x[0] = (u64)(s64)((u32)x[1] == SMCCC_VERSION ? 0 : -1);
		return true;
	case PSCI_VERSION:
		x[0] = PSCI_VERSION_1_1;
		return true;
	case PSCI_FEATURES:
		x[0] = (u64)psci_features(x[1]);
		return true;
	case PSCI_MIGRATE_INFO_TYPE:
		x[0] = 2; /* no trusted OS: migration not required */
		return true;
	case TESSERA_HC_VERSION:
		return hypercall_version(x);
	default:
		return false;
	}
}

bool hypercall_fast(struct vcpu *vc)
{
	u64 *x = vc->regs.x;

	if (hypercall_version(x)) {
		return true; /* not counted as a trap: it stays a leaf */
	}
	vc->trap_count++;
	/* The doorbell and the heartbeat first: they are the hot ones (bench rows). */
	switch ((u32)x[0]) {
	case TESSERA_HC_HEARTBEAT:
		health_heartbeat(vc->vm);
		x[0] = TESSERA_OK;
		return true;
	case TESSERA_HC_CHANNEL_NOTIFY: /* raises SPIs of other VMs only: no vGIC state of vc */
		x[0] = (u64)chan_notify(vc->vm, x[1]);
		return true;
	default:
		return smccc_query(x);
	}
}

void hypercall_dispatch(struct vcpu *vc, bool is_smc)
{
	u32 fid = (u32)vc->regs.x[0];

	vc->vm->stats.hypercalls++;
	if (is_smc) {
		vc->regs.elr += 4; /* a trapped SMC returns to the next instruction */
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
