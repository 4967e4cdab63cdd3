/* SPDX-License-Identifier: MIT */
/*
 * What a guest asks of core and what it does that core decides about, reported by the
 * architecture's trap handlers (core/guest_calls.c): Tessera's own hypercalls (abi.h,
 * docs/HYPERCALLS.md) and the guest events a health policy acts on. The architecture
 * decodes its calling convention and exceptions; what follows from them is core's, so arch
 * never names health, channels or management itself.
 *
 * x is the call's register block as the architecture keeps it: x[0] the function ID on
 * entry and the result on return, x[1..6] its arguments (AArch64: the vCPU's x0-x6). Calls
 * may write results into x[1..3].
 */
#ifndef TESSERA_GUEST_CALLS_H
#define TESSERA_GUEST_CALLS_H

#include "abi.h"
#include "chan.h"
#include "health.h"
#include "vm.h"

/* A Tessera call (fid in TESSERA_HC_BASE's range): its result (TESSERA_OK, an error, or a
 * value), x[0] not yet written. TESSERA_NOT_SUPPORTED for an unknown fid. */
s64 guest_call_tessera(struct vcpu *vc, u32 fid, u64 *x);

/* The hot calls (the doorbell and the heartbeat), with no vGIC state of vc touched, for the
 * architecture's fast path: fn is the function ID less TESSERA_HC_BASE. Writes the result
 * to x[0] and counts the trap; false = not one of them. Inline: this is a measured path. */
static inline bool guest_call_fast(struct vcpu *vc, u32 fn, u64 *x)
{
	switch (fn) {
	case TESSERA_HC_CHANNEL_NOTIFY - TESSERA_HC_BASE: /* no vGIC state of vc: other VMs' */
		vc->exits[VEXIT_TESSERA_CALL]++;	  /* a trap: vcpu_traps() */
		x[0] = (u64)chan_notify(vc->vm, x[1]);
		return true;
	case TESSERA_HC_HEARTBEAT - TESSERA_HC_BASE:
		vc->exits[VEXIT_TESSERA_CALL]++;
		health_heartbeat(vc->vm);
		x[0] = TESSERA_OK;
		return true;
	default:
		return false;
	}
}

/* The guest faulted on the very exception vector it would be sent to: it has lost control
 * and would loop for ever. Stops the VM under its health policy (STOP_CRASH). */
void guest_crashed(struct vcpu *vc);
/* The guest powered its VM off (PSCI SYSTEM_OFF on Arm): a normal stop, or a failure
 * under its health policy if it reported a failure exit status first. */
void guest_system_off(struct vcpu *vc);

#endif
