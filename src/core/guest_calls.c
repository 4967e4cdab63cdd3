/* SPDX-License-Identifier: MIT */
/*
 * Tessera's own hypercalls (abi.h, docs/HYPERCALLS.md) and the guest events a health policy
 * decides about, as the architecture's trap handlers report them (guest_calls.h): the
 * policy is core's, the calling convention and the exception the architecture's.
 */
#include "guest_calls.h"
#include "checkpoint.h"
#include "console.h"
#include "measure.h"
#include "mgmt.h"
#include "share_stats.h"
#include "update.h"

s64 guest_call_tessera(struct vcpu *vc, u32 fid, u64 *x)
{
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

void guest_crashed(struct vcpu *vc)
{
	health_failure(vc->vm, STOP_CRASH);
}

void guest_system_off(struct vcpu *vc)
{
	if (vc->vm->exit_reason != TESSERA_EXIT_NORMAL) {
		health_failure(vc->vm, STOP_GUEST_FAILURE);
	} else {
		vm_stop(vc->vm, STOP_SYSTEM_OFF);
	}
}
