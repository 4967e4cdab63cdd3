/* SPDX-License-Identifier: MIT */
/*
 * PSCI 1.1 for guests (Arm DEN0022D), over HVC and trapped SMC. vCPU i of a
 * VM has MPIDR Aff0 = i; a target outside the VM is INVALID_PARAMETERS, so a
 * guest can only ever power its own vCPUs. SYSTEM_OFF and SYSTEM_RESET act on
 * the calling VM only.
 */
#include "sched_loop.h"
#include "guest_calls.h"
#include "abi.h"
#include "fw_abi.h"
#include "arch_cpu.h"
#include "smccc_fast.h"
#include "vm.h"

/* Affinity of a guest MPIDR argument: Aff0 is the vCPU index, everything else 0. */
static struct vcpu *psci_target(struct vcpu *vc, u64 mpidr)
{
	u64 aff = mpidr & 0xff00ffffffULL;

	if (aff >= vc->vm->vcpu_count) {
		return NULL;
	}
	return &vc->vm->vcpus[aff];
}

static bool entry_valid(const struct vcpu *vc, u64 entry)
{
	paddr_t pa;

	return IS_ALIGNED(entry, 4) && config_vm_ipa_to_phys(vc->vm->cfg, entry, 4, &pa);
}

static s64 psci_cpu_on(struct vcpu *vc, u64 mpidr, u64 entry, u64 ctx)
{
	struct vcpu *t = psci_target(vc, mpidr);
	u32 expected = VCPU_OFF;

	if (!t) {
		return PSCI_RET_INVALID_PARAMS;
	}
	if (!entry_valid(vc, entry)) {
		return PSCI_RET_INVALID_ADDRESS;
	}
	/* Claim first, then write the entry point, then publish: a CPU_ON that loses the claim
	 * (the target is pending or on) must not touch the winner's entry point, and the
	 * target's CPU reads it only after it sees ON_PENDING (release/acquire). A VM stop or
	 * reset in between turns the claim into STOPPED: then nothing is published. */
	if (!__atomic_compare_exchange_n(&t->state, &expected, VCPU_ON_CLAIMED, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		return expected == VCPU_ON_PENDING || expected == VCPU_ON_CLAIMED
			   ? PSCI_RET_ON_PENDING
			   : PSCI_RET_ALREADY_ON;
	}
	t->on_entry = entry;
	t->on_ctx = ctx;
	expected = VCPU_ON_CLAIMED;
	if (!__atomic_compare_exchange_n(&t->state, &expected, VCPU_ON_PENDING, false,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
		return PSCI_RET_DENIED; /* its VM is being stopped or reset */
	}
	cpu_request(t->pcpu, CPU_REQ_WAKE);
	return PSCI_RET_SUCCESS;
}

static s64 psci_affinity_info(struct vcpu *vc, u64 mpidr, u64 level)
{
	struct vcpu *t = psci_target(vc, mpidr);

	if (!t || level != 0) {
		return PSCI_RET_INVALID_PARAMS;
	}
	switch (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE)) {
	case VCPU_RUNNING:
		return 0;
	case VCPU_ON_PENDING:
	case VCPU_ON_CLAIMED:
		return 2;
	default:
		return 1;
	}
}

s64 psci_features(u64 fid)
{
	u32 f = (u32)fid;
	u32 n = (f & ~0x40000000U) - 0x84000000U; /* PSCI function number, SMC32 and SMC64 */
	u64 mask = ((u64)PSCI_FEATURES_SMC64 << 32) | PSCI_FEATURES_SMC32;

	if (n < 32) {
		/* 0: SUCCESS, and for CPU_SUSPEND its feature flags (smccc_fast.h). */
		return ((mask >> (n + ((f >> 30) & 1) * 32)) & 1) ? PSCI_RET_SUCCESS
								  : PSCI_RET_NOT_SUPPORTED;
	}
	return f == SMCCC_VERSION ? PSCI_RET_SUCCESS : PSCI_RET_NOT_SUPPORTED;
}

bool psci_guest_call(struct vcpu *vc, u32 fid)
{
	u64 *x = vc->regs.x;
	s64 r;

	/* PSCI_VERSION, PSCI_FEATURES and MIGRATE_INFO_TYPE: smccc_query (smccc.c). */
	switch (fid) {
	case PSCI_CPU_SUSPEND_64:
		r = PSCI_RET_SUCCESS; /* a standby that returns at once is a valid wake-up */
		break;
	case PSCI_CPU_OFF:
		__atomic_store_n(&vc->state, VCPU_OFF, __ATOMIC_RELEASE);
		r = PSCI_RET_SUCCESS; /* not seen: the vCPU does not return */
		break;
	case PSCI_CPU_ON_64:
		r = psci_cpu_on(vc, x[1], x[2], x[3]);
		break;
	case PSCI_CPU_ON_32:
		r = psci_cpu_on(vc, (u32)x[1], (u32)x[2], (u32)x[3]);
		break;
	case PSCI_AFFINITY_INFO_64:
	case PSCI_AFFINITY_INFO_32:
		r = psci_affinity_info(vc, x[1], x[2]);
		break;
	case PSCI_SYSTEM_OFF:
		guest_system_off(vc); /* a failure exit status: the health policy's */
		r = PSCI_RET_SUCCESS;
		break;
	case PSCI_SYSTEM_RESET:
		vm_reset(vc->vm);
		r = PSCI_RET_SUCCESS;
		break;
	default:
		return false;
	}
	x[0] = (u64)r;
	return true;
}
