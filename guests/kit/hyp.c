/* SPDX-License-Identifier: MIT */
/* Tessera hypercalls (abi.h, docs/HYPERCALLS.md). Bare QEMU answers NOT_SUPPORTED (-1). */
#include "kit.h"

s64 hyp_vm_id(u64 *vcpu, u64 *vcpus)
{
	struct hvc_res r = kit_hvc(TESSERA_HC_VM_ID, 0, 0, 0);
	if ((s64)r.x0 >= 0) {
		if (vcpu)
			*vcpu = r.x1;
		if (vcpus)
			*vcpus = r.x2;
	}
	return (s64)r.x0;
}

s64 hyp_exit_status(u32 reason, u32 code)
{
	return (s64)kit_hvc(TESSERA_HC_EXIT_STATUS, reason, code, 0).x0;
}

s64 hyp_heartbeat(void)
{
	return (s64)kit_hvc(TESSERA_HC_HEARTBEAT, 0, 0, 0).x0;
}

s64 hyp_update_confirm(void)
{
	return (s64)kit_hvc(TESSERA_HC_UPDATE_CONFIRM, 0, 0, 0).x0;
}

s64 hyp_generation_id(u64 *gen)
{
	struct hvc_res r = kit_hvc(TESSERA_HC_GENERATION_ID, 0, 0, 0);

	*gen = r.x1;
	return (s64)r.x0;
}

s64 hyp_checkpoint(void)
{
	return (s64)kit_hvc(TESSERA_HC_CHECKPOINT, 0, 0, 0).x0;
}

s64 hyp_trace(u64 marker)
{
	return (s64)kit_hvc(TESSERA_HC_TRACE, marker, 0, 0).x0;
}

s64 hyp_notify(u64 channel)
{
	return (s64)kit_hvc(TESSERA_HC_CHANNEL_NOTIFY, channel, 0, 0).x0;
}

s64 hyp_measurement(u64 index, u8 sha256[32])
{
	s64 kind = 0;

	for (u64 half = 0; half < 2; half++) {
		struct hvc_res r = kit_hvc(TESSERA_HC_MEASUREMENT, index, half, 0);

		kind = (s64)r.x0;
		if (kind < 0)
			return kind;
		for (u32 i = 0; i < 8; i++) {
			sha256[16 * half + i] = (u8)(r.x1 >> (8 * i));
			sha256[16 * half + 8 + i] = (u8)(r.x2 >> (8 * i));
		}
	}
	return kind;
}
