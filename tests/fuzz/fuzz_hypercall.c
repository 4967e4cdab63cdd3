/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for guest HVC/SMC dispatch (src/core/hypercall.c) and
 * guest PSCI (src/core/psci.c), linked with stubs of the VM layer they call
 * (vm_stop, vm_reset, cpu_request, health_failure, health_heartbeat,
 * console_printf, arch_counter), defined
 * here. Two VMs of up to 4 vCPUs each; the input sets the vCPUs' power
 * states, then issues calls from VM 0: the caller, HVC or SMC, a function ID
 * (mostly from the interesting ranges: SMCCC arch, PSCI 32/64, Tessera's own
 * 0xC600_xxxx, else any 32-bit value) and x1..x6 (small MPIDRs, addresses in
 * or near the VM's RAM, or raw 64-bit values).
 *
 * After every call: it returned, x0 holds an SMCCC/PSCI result, x4..x30 and
 * SPSR are preserved (SMCCC 1.1), the PC moved only past a trapped SMC, VM 1
 * is byte-for-byte unchanged, every stub was called for VM 0 only (and
 * cpu_request only for VM 0's CPUs), and a vCPU turned on by CPU_ON got an
 * entry point inside VM 0's RAM.
 */
#include <stdarg.h>
#include <string.h>

#include "abi.h"
#include "fw_abi.h"
#include "arch_cpu.h" /* hypercall_dispatch: the SMCCC layer under test */
#include "console.h"
#include "fuzz_input.h"
#include "lib.h"
#include "mgmt.h"
#include "chan.h"
#include "checkpoint.h"
#include "health.h"
#include "update.h"
#include "sched_loop.h"
#include "vm.h"

#define NVM	 2U
#define RAM_IPA	 0x40000000ULL
#define RAM_SIZE 0x02000000ULL

static struct vm fvms[NVM];
static struct vm_cfg fcfg[NVM];
static struct vm snap1;
static u32 bad_stub_calls;

/* ---- stubs of what hypercall.c and psci.c call ---- */

u64 arch_counter(void)
{
	return 12345;
}

static bool ours(const struct vm *vm)
{
	return vm == &fvms[0];
}

void vm_stop(struct vm *vm, enum vm_stop_cause cause)
{
	bad_stub_calls += !ours(vm) || cause != STOP_SYSTEM_OFF;
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		vm->vcpus[v].state = VCPU_STOPPED;
	}
	vm->state = VM_STOPPED;
}

void vm_reset(struct vm *vm)
{
	bad_stub_calls += !ours(vm);
	vm->stats.resets++;
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		vm->vcpus[v].state = v == 0 ? VCPU_ON_PENDING : VCPU_OFF;
	}
}

void health_failure(struct vm *vm, enum vm_stop_cause cause)
{
	bad_stub_calls += !ours(vm) || cause >= STOP_CAUSE_COUNT;
	vm_stop(vm, STOP_SYSTEM_OFF);
}

/* Channel doorbells: the caller must be VM 0; the result is one of the ABI's codes. */
s64 chan_notify(struct vm *vm, u64 id)
{
	bad_stub_calls += !ours(vm);
	return id < 4 ? TESSERA_OK : TESSERA_INVALID;
}

/* Management by hypercall (core/mgmt.c, tested by tests/system/manage.test): the caller
 * must be VM 0 and the result one of the ABI's codes. */
s64 mgmt_guest_call(struct vm *caller, u64 op, u64 target)
{
	bad_stub_calls += !ours(caller);
	return op <= TESSERA_MANAGE_RESUME && target < 2 ? TESSERA_OK : TESSERA_INVALID;
}

/* An update's confirm (core/update.c, tested by tests/system/update.sh): takes no
 * arguments; the caller must be one of ours. */
s64 update_guest_confirm(struct vm *vm)
{
	bad_stub_calls += !ours(vm);
	return TESSERA_WRONG_STATE;
}

/* A checkpoint request (core/checkpoint.c, tested by tests/system/checkpoint.sh): the
 * caller must be one of ours; no right in the fuzzed config. */
long checkpoint_guest_call(struct vcpu *vc)
{
	bad_stub_calls += !ours(vc->vm);
	return TESSERA_DENIED;
}

/* measure.c's measure_vm asks which image a VM booted (never called here: no boot). */
const u8 *update_boot_digest(const struct vm *vm)
{
	(void)vm;
	return NULL;
}

void health_heartbeat(struct vm *vm)
{
	bad_stub_calls += !ours(vm);
	vm->last_heartbeat = arch_counter();
}

void cpu_request(u32 pcpu, u32 req)
{
	bool found = false;

	for (u32 v = 0; v < fvms[0].vcpu_count; v++) {
		found |= fvms[0].vcpus[v].pcpu == pcpu;
	}
	bad_stub_calls += !found || req != CPU_REQ_WAKE;
}

void console_log(u32 level, const char *fmt, ...)
{
	char buf[CONSOLE_MSG_MAX];
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
}

/* ---- set-up ---- */

static void vm_setup(u32 i, u32 nv, struct fin *in)
{
	struct vm *vm = &fvms[i];
	struct vm_cfg *cfg = &fcfg[i];

	memset(cfg, 0, sizeof(*cfg));
	fmt_snprintf(cfg->name, sizeof(cfg->name), "vm%u", i);
	cfg->vcpu_count = nv;
	cfg->mem_count = 1;
	cfg->mem[0].ipa = RAM_IPA;
	cfg->mem[0].phys = 0x48000000ULL + i * RAM_SIZE;
	cfg->mem[0].size = RAM_SIZE;
	memset(vm, 0, sizeof(*vm));
	vm->id = i;
	vm->cfg = cfg;
	vm->vcpu_count = nv;
	for (u32 v = 0; v < nv; v++) {
		cfg->cpus[v] = i * 4 + v;
		vm->vcpus[v].vm = vm;
		vm->vcpus[v].id = v;
		vm->vcpus[v].pcpu = i * 4 + v;
		vm->vcpus[v].state = v == 0 ? VCPU_RUNNING : fin_u8(in) % 4;
		for (u32 r = 0; r < 31; r++) {
			vm->vcpus[v].regs.x[r] = 0x1111111111111111ULL * (r + 1);
		}
		vm->vcpus[v].regs.elr = RAM_IPA + 0x1000;
		vm->vcpus[v].regs.spsr = 0x3c5;
	}
}

static const u32 fids[] = {
    SMCCC_VERSION,
    SMCCC_ARCH_FEATURES,
    PSCI_VERSION,
    PSCI_CPU_SUSPEND_64,
    PSCI_CPU_OFF,
    PSCI_CPU_ON_64,
    PSCI_CPU_ON_32,
    PSCI_AFFINITY_INFO_64,
    PSCI_AFFINITY_INFO_32,
    PSCI_MIGRATE_INFO_TYPE,
    PSCI_SYSTEM_OFF,
    PSCI_SYSTEM_RESET,
    PSCI_FEATURES,
    TESSERA_HC_VERSION,
    TESSERA_HC_FEATURES,
    TESSERA_HC_VM_ID,
    TESSERA_HC_CHANNEL_NOTIFY,
    TESSERA_HC_HEARTBEAT,
    TESSERA_HC_EXIT_STATUS,
    TESSERA_HC_TRACE,
    TESSERA_HC_MANAGE,
    TESSERA_HC_MEASUREMENT,
    TESSERA_HC_UPDATE_CONFIRM,
    TESSERA_HC_GENERATION_ID,
    TESSERA_HC_CHECKPOINT,
};

static u64 arg(struct fin *in)
{
	u8 k = fin_u8(in);

	switch (k % 6) {
	case 0:
		return k / 6; /* small: MPIDRs, levels */
	case 1:
		return RAM_IPA +
		       ((u64)fin_u32(in) % (RAM_SIZE + 0x2000)); /* in and just past RAM */
	case 2:
		return RAM_IPA - 4 + (k & 7);
	case 3:
		return fids[fin_u8(in) % ARRAY_SIZE(fids)]; /* PSCI_FEATURES / HC_FEATURES args */
	case 4:
		return (u64)fin_u8(in) << 32 | fin_u8(in); /* MPIDR with Aff2/Aff3 bits */
	default:
		return fin_u64(in);
	}
}

static u32 pick_fid(struct fin *in)
{
	u8 k = fin_u8(in);

	switch (k % 4) {
	case 0:
	case 1:
		return fids[fin_u8(in) % ARRAY_SIZE(fids)];
	case 2: /* anywhere in the SMCCC fast-call ranges we decode */
		return (k & 4 ? 0xC4000000U : 0x84000000U) | (k & 8 ? 0x42000000U : 0) |
		       fin_u16(in);
	default:
		return fin_u32(in);
	}
}

/* One call from a running vCPU of VM 0; false once none is left running. */
static bool call(struct fin *in)
{
	struct vm *vm = &fvms[0];
	struct vcpu *vc = NULL;
	u32 pick = fin_u8(in);

	for (u32 i = 0; i < vm->vcpu_count && !vc; i++) {
		struct vcpu *c = &vm->vcpus[(pick + i) % vm->vcpu_count];
		vc = c->state == VCPU_RUNNING ? c : NULL;
	}
	if (!vc) {
		return false;
	}
	bool smc = fin_u8(in) & 1;
	struct vcpu_regs before;
	u32 states[CONFIG_MAX_VCPUS];

	vc->regs.x[0] = (fin_u8(in) == 0xff ? (u64)fin_u32(in) << 32 : 0) | pick_fid(in);
	for (u32 r = 1; r <= 6; r++) {
		vc->regs.x[r] = arg(in);
	}
	before = vc->regs;
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		states[v] = vm->vcpus[v].state;
	}

	hypercall_dispatch(vc, smc);

	s64 r = (s64)vc->regs.x[0];
	FUZZ_ASSERT(r >= -9 && r <= (s64)TESSERA_ABI_VERSION); /* the largest result: 0x1_0002 */
	for (u32 i = 4; i < 31; i++) {
		FUZZ_ASSERT(vc->regs.x[i] == before.x[i]);
	}
	FUZZ_ASSERT(vc->regs.spsr == before.spsr);
	FUZZ_ASSERT(vc->regs.elr == before.elr + (smc ? 4 : 0));
	FUZZ_ASSERT(memcmp(&fvms[1], &snap1, sizeof(snap1)) == 0);
	FUZZ_ASSERT(bad_stub_calls == 0);
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		const struct vcpu *t = &vm->vcpus[v];

		if (states[v] == VCPU_OFF && t->state == VCPU_ON_PENDING && vm->stats.resets == 0) {
			paddr_t pa;
			FUZZ_ASSERT(IS_ALIGNED(t->on_entry, 4));
			FUZZ_ASSERT(config_vm_ipa_to_phys(vm->cfg, t->on_entry, 4, &pa));
			FUZZ_ASSERT(pa >= 0x48000000ULL && pa < 0x48000000ULL + RAM_SIZE);
		}
	}
	vm->stats.resets = 0;
	vc->regs.elr = before.elr; /* keep the PC check simple for the next call */
	if (fin_u8(in) & 1) {
		/* The targets' CPUs picked up their CPU_ON requests. */
		for (u32 v = 0; v < vm->vcpu_count; v++) {
			if (vm->vcpus[v].state == VCPU_ON_PENDING) {
				vm->vcpus[v].state = VCPU_RUNNING;
			}
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fin in;

	fin_init(&in, data, size);
	bad_stub_calls = 0;
	vm_setup(0, 1 + fin_u8(&in) % 4, &in);
	vm_setup(1, 4, &in);
	snap1 = fvms[1];
	for (u32 n = 0; fin_more(&in) && n < 1024; n++) {
		if (!call(&in)) {
			break;
		}
	}
	return 0;
}
