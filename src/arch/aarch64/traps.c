/* SPDX-License-Identifier: MIT */
/*
 * Trap handlers called from vectors.S with the guest's registers saved in
 * the vCPU. Everything the guest controls (ESR syndrome, registers, fault
 * addresses) is decoded and range-checked here, in one place per path.
 */
#include "checkpoint.h"
#include "vm_devices.h"
#include "sched_loop.h"
#include "health.h"
#include "arch_cpu.h"
#include "asm_offsets.h"
#include "abi.h"
#include "fw_abi.h"
#include "console.h"
#include "direct.h"
#include "gdb.h"
#include "gicv3.h"
#include "layout.h"
#include "sysreg.h"
#include "trace.h"
#include "vgic.h"
#include "vm.h"
#include "vm_dirty.h"

void trap_sync(struct vcpu *vc);
u64 trap_hvc_fast(struct vcpu *vc, u32 fn);
u64 trap_dabt(struct vcpu *vc);
u64 trap_irq(struct vcpu *vc);
u64 trap_irq_acked(struct vcpu *vc, u32 intid);
u64 trap_irq_slow(struct vcpu *vc, u32 intid);
void trap_serror(struct vcpu *vc);
void trap_hyp_fault(u64 kind, u64 esr, u64 elr, u64 far);

/* Leaves the trap path: handles cross-CPU requests and refills list registers.
 * Returns false if the vCPU must not go back to the guest (stopped, off, paused). */
static bool trap_exit(struct vcpu *vc)
{
	struct cpu *c = cpu_this();

	if (__atomic_load_n(&c->requests, __ATOMIC_ACQUIRE)) {
		sched_handle_requests(c);
	}
	if (!vm_vcpu_runnable(vc)) {
		return false;
	}
	if (cpu_sched(c) && sched_exit_resched(c)) {
		return false; /* a shared CPU's policy picks again (sched_run) */
	}
	vgic_flush(&vc->vm->irqchip.vgic, vc->id);
	return true;
}

/* A data abort's syndrome (Arm ARM D17.2.40, ISS for EC 0x24), decoded once. */
struct dabt {
	u64 ipa;
	u32 size; /* bytes: 1, 2, 4 or 8 */
	u32 rt;	  /* SRT; 31 is XZR */
	bool write;
	bool sse; /* a load that sign-extends */
	bool sf;  /* a load into a 64-bit register */
};

/* False without a valid syndrome (ISV = 0: load/store pair, writeback, ...) or for a
 * fault on a stage-1 table walk: such an access cannot be emulated. */
static inline bool dabt_decode(u64 esr, struct dabt *a)
{
	if ((esr & (ISS_DABT_ISV | ISS_DABT_S1PTW)) != ISS_DABT_ISV) {
		return false;
	}
	a->ipa = ((sysreg_read(hpfar_el2) >> 4) << 12) | (sysreg_read(far_el2) & 0xfff);
	a->size = 1U << ISS_DABT_SAS(esr);
	a->rt = ISS_DABT_SRT(esr);
	a->write = (esr & ISS_DABT_WNR) != 0;
	a->sse = (esr & ISS_DABT_SSE) != 0;
	a->sf = (esr & ISS_DABT_SF) != 0;
	return true;
}

/* The syndrome of trap_dabt's word path: valid, not a stage-1 walk, 4 bytes, no sign
 * extension (D17.2.40: SAS 2). */
#define DABT_WORD_MASK (ISS_DABT_ISV | ISS_DABT_S1PTW | ISS_DABT_SSE | (3ULL << 22))
#define DABT_WORD      (ISS_DABT_ISV | (2ULL << 22))

/* The value a store writes: register Rt cut to the access size. */
static inline u64 dabt_store_value(const struct vcpu *vc, const struct dabt *a)
{
	u32 cut = 64 - 8 * a->size;

	return (vcpu_get_x(vc, a->rt) << cut) >> cut;
}

/* Writes a load's result to Rt: sign-extended (SSE), then cut to W if SF = 0. */
static inline void dabt_load_result(struct vcpu *vc, const struct dabt *a, u64 val)
{
	if (__builtin_expect(a->sse, 0) && a->size < 8) {
		u64 sign = 1ULL << (a->size * 8 - 1);

		val = (val ^ sign) - sign;
	}
	if (!a->sf) {
		val &= 0xffffffffULL;
	}
	vcpu_set_x(vc, a->rt, val);
}

/* The fast path's end of an emulated access (ELR lives in ELR_EL2 only: vectors.S saves it
 * for the full path): retired, counted, and this vCPU's LRs refilled if the access changed
 * its interrupts. */
static inline u64 dabt_retire(struct vcpu *vc)
{
	/* Counted by the device that took it (vdev_mmio, vdev_mmio_word: vcpu.exits). */
	sysreg_write(elr_el2, sysreg_read(elr_el2) + 4);
	vgic_flush(&vc->vm->irqchip.vgic, vc->id);
	return 0;
}

/* Decodes and emulates one data abort: 0 if it was emulated and retired (ELR advanced), 1
 * if not, with nothing changed. full: from trap_sync, with the whole register file saved,
 * so the access may name x19-x29 and go to a virtio link too; else the fast path (below),
 * which also counts the trap, advances ELR_EL2 (not saved in the vCPU on that path) and
 * refills this vCPU's LRs if needed. */
static __attribute__((noinline)) u64 dabt_emulate(struct vcpu *vc, u64 esr, bool full)
{
	struct dabt a;
	u64 val = 0;

	if (!dabt_decode(esr, &a) || (!full && a.rt >= 19 && a.rt <= 29)) {
		return 1;
	}
	if (a.write) {
		val = dabt_store_value(vc, &a);
	}
	if (vdev_mmio(vc, a.ipa, a.size, a.write, &val, full) <= 0) {
		return 1;
	}
	if (!a.write) {
		dabt_load_result(vc, &a, val);
	}
	if (full) {
		vc->regs.elr += 4;
		return 0;
	}
	return dabt_retire(vc);
}

/* trap_sync's data aborts: what the fast path left. An access that cannot be emulated (no
 * valid syndrome: load/store pair, writeback, ...) or has nothing behind it gets an
 * external abort, as hardware gives for an address with nothing behind it. */
/* The IPA of a stage-2 permission fault: the architecture leaves HPFAR_EL2 UNKNOWN for one
 * that is not on a stage-1 walk (it is valid for translation and access flag faults), so
 * the guest's own stage 1 translates FAR_EL2 (AT S1E1R, PAR_EL1 kept for the guest). */
static u64 perm_fault_ipa(u64 esr)
{
	u64 far = sysreg_read(far_el2);

	if (!(esr & ISS_DABT_S1PTW)) {
		u64 par_guest = sysreg_read(par_el1), par;

		__asm__ volatile("at s1e1r, %0\n isb" : : "r"(far) : "memory");
		par = sysreg_read(par_el1);
		sysreg_write(par_el1, par_guest);
		if (!(par & 1)) {
			return (par & 0x0000fffffffff000ULL) | (far & 0xfff);
		}
	}
	return ((sysreg_read(hpfar_el2) >> 4) << 12) | (far & 0xfff);
}

static void data_abort(struct vcpu *vc, u64 esr)
{
	bool write = (esr & ISS_DABT_WNR) != 0;
	u64 far;

	/* A write to RAM write-protected for dirty logging: marked, writable again, retried. */
	if (write && (ISS_FSC(esr) & 0x3c) == FSC_PERM && vm_dirty_active(vc->vm) &&
	    vm_dirty_fault(vc->vm, perm_fault_ipa(esr))) {
		vc->exits[VEXIT_DABT_OTHER]++;
		return;
	}
	if (arch_ckpt_fault(vc, esr)) {
		return; /* a checkpoint's write protection (ckpt_s2.c): the guest retries */
	}
	if (!dabt_emulate(vc, esr, true)) {
		return;
	}
	far = sysreg_read(far_el2);
	vc->exits[VEXIT_DABT_OTHER]++;
	vc->vm->stats.aborts++;
	if ((esr & (ISS_DABT_ISV | ISS_DABT_S1PTW)) == ISS_DABT_ISV) {
		u64 ipa = ((sysreg_read(hpfar_el2) >> 4) << 12) | (far & 0xfff);

		vc->abort_count++;
		if (vc->vm->stats.aborts <= 8) {
			console_log(LOG_WARN,
				    "VM %s: %s at 0x%llx (PC 0x%llx): external abort injected\n",
				    vc->vm->cfg->name, write ? "write" : "read",
				    (unsigned long long)ipa, (unsigned long long)vc->regs.elr);
		}
	}
	inject_dabt(vc, far, write);
	health_abort(vc->vm);
}

/*
 * Emulated-MMIO fast path, called from vectors.S for EC 0x24 with only x0-x18 and x30
 * saved: an access with a valid syndrome to the vGIC or vPL011 window whose register
 * is one of those (or XZR) is decoded, emulated and retired in one straight line, and the
 * guest resumed with the partial restore (ELR_EL2 written here). Anything else returns 1
 * before any state changes, and trap_sync takes it the general way, with the whole
 * register file (x19-x29, virtio links, aborts, ISV = 0). As on the HVC fast path,
 * cross-CPU requests are not looked at here: their kick is still pending at EL2 and is
 * taken as soon as the guest resumes. Only this vCPU's list registers may need a refill
 * (the access changed its interrupts): vgic_flush in dabt_emulate.
 */
u64 trap_dabt(struct vcpu *vc)
{
	/* Not traced: vectors.S tested vcpu.trace before the call (trace.h). */
	u64 esr = sysreg_read(esr_el2);
	u32 rt = ISS_DABT_SRT(esr);

	/* The common accesses first, straight-line: an aligned 32-bit load (not sign-extending:
	 * zero-extended into Wt or Xt) or store to a hot vGIC register or the vPL011. */
	if ((esr & DABT_WORD_MASK) == DABT_WORD && (rt < 19 || rt > 29)) {
		u64 ipa = ((sysreg_read(hpfar_el2) >> 4) << 12) | (sysreg_read(far_el2) & 0xfff);
		bool write = (esr & ISS_DABT_WNR) != 0;
		u32 val = write ? (u32)vcpu_get_x(vc, rt) : 0;

		int done = vdev_mmio_word(vc, ipa, write, &val);

		if (done) {
			if (!write) {
				vcpu_set_x(vc, rt, val);
			}
			if (done == VDEV_WORD_QUIET) {
				sysreg_write(elr_el2, sysreg_read(elr_el2) + 4);
				return 0; /* no interrupt changed: no refill */
			}
			return dabt_retire(vc);
		}
	}
	return dabt_emulate(vc, esr, false);
}

static inline __attribute__((always_inline)) void sync_dispatch(struct vcpu *vc)
{
	u64 esr = sysreg_read(esr_el2);

	vc->trap_count++;
	/* No vgic_sync here: LR state is folded lazily (vgic MMIO, vgic_flush; vgic_lr.c). */
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		hypercall_dispatch(vc, false);
		break;
	case EC_SMC64:
		vc->exits[VEXIT_SMC]++;
		hypercall_dispatch(vc, true);
		break;
	case EC_DABT_LOW:
		data_abort(vc, esr);
		break;
	case EC_IABT_LOW:
		vc->exits[VEXIT_IABT]++;
		vc->vm->stats.aborts++;
		inject_iabt(vc, sysreg_read(far_el2));
		health_abort(vc->vm);
		break;
	case EC_SYSREG:
		vc->exits[VEXIT_SYSREG]++;
		sysreg_trap(vc, esr);
		break;
	case EC_WFX:
		vc->exits[VEXIT_WFX]++;
		/* Trapped only on a shared CPU (HCR_EL2.TWI/TWE): ISS bit 0 set is WFE. */
		vc->regs.elr += 4;
		sched_vcpu_wfx(vc, (esr & 1) != 0);
		break;
	default:
		if (arch_gdb_is_debug_ec(ESR_EC(esr))) {
			arch_gdb_trap(vc, esr); /* MDCR_EL2.TDE: a debugger is attached */
			break;
		}
		/* SVE, SME, pointer authentication, AArch32, ...: UNDEFINED for the guest. */
		vc->exits[VEXIT_OTHER]++;
		inject_undef(vc);
		break;
	}
	if (__builtin_expect(vc->gdb_step, 0)) {
		/* The stepped instruction trapped and was emulated: that is the step. */
		gdb_vcpu_stopped(vc, GDB_STOP_STEP, 0);
	}
	if (!trap_exit(vc)) {
		sched_run(); /* the full register file was saved: this CPU goes idle */
	}
}

/* What the trace records of a synchronous exit: its class and the one value that says
 * most (the function ID of a call, the IPA of a data abort, the ISS of a register). */
static void trace_sync_exit(const struct vcpu *vc, u64 esr)
{
	u8 vm = (u8)vc->vm->id, id = (u8)vc->id;

	switch (ESR_EC(esr)) {
	case EC_HVC64:
	case EC_SMC64:
		trace_put(TRACE_EXIT, ESR_EC(esr) == EC_HVC64 ? TRACE_EXIT_HCALL : TRACE_EXIT_MCALL,
			  vm, id, (u32)vc->regs.x[0]);
		break;
	case EC_DABT_LOW:
		trace_put(
		    TRACE_EXIT, TRACE_EXIT_DABT, vm, id,
		    (u32)(((sysreg_read(hpfar_el2) >> 4) << 12) | (sysreg_read(far_el2) & 0xfff)));
		break;
	case EC_IABT_LOW:
		trace_put(TRACE_EXIT, TRACE_EXIT_IABT, vm, id, (u32)sysreg_read(far_el2));
		break;
	case EC_SYSREG:
		trace_put(TRACE_EXIT, TRACE_EXIT_REG, vm, id, (u32)(esr & 0x1ffffff));
		break;
	case EC_WFX:
		trace_put(TRACE_EXIT, TRACE_EXIT_WFX, vm, id, (u32)(esr & 1));
		break;
	default:
		trace_put(TRACE_EXIT, TRACE_EXIT_OTHER, vm, id, (u32)ESR_EC(esr));
		break;
	}
}

static __attribute__((noinline, cold)) void trap_sync_traced(struct vcpu *vc)
{
	trace_sync_exit(vc, sysreg_read(esr_el2));
	sync_dispatch(vc); /* may not return: the vCPU stopped or was descheduled */
	trace_put(TRACE_ENTRY, 0, (u8)vc->vm->id, (u8)vc->id, 0);
}

/* While tracing, every synchronous exit comes here: the fast paths send it on (vcpu.trace)
 * so that one place records exit and entry. Off, the cost is the one test. */
void trap_sync(struct vcpu *vc)
{
	if (trace_on(vc)) {
		trap_sync_traced(vc);
		return;
	}
	sync_dispatch(vc);
}

/*
 * Tessera's own calls over HVC other than the null call (vectors.S answers that and the
 * standard queries itself), called with only x0-x18/x30 saved; fn is the function ID less
 * TESSERA_HC_BASE, not 0. Returns 1 to fall back to trap_sync. Interrupts that arrived
 * meanwhile (a remote injection, a kick) are still pending at EL2 and are taken as soon
 * as the guest resumes.
 */
u64 trap_hvc_fast(struct vcpu *vc, u32 fn)
{
	if (trace_on(vc)) {
		return 1; /* tracing: trap_sync records it */
	}
	return hypercall_fast(vc, fn) ? 0 : 1;
}

/* Interrupts handled per exit. A bound, not a drain: whatever is still pending is taken
 * again right after the next ERET, but trap_exit() runs in between, so a level interrupt
 * that keeps re-asserting (a storm) can never keep this CPU from seeing a stop or pause
 * request for its vCPU. */
#define IRQ_BATCH 16

/* vc's own vGIC from this CPU. In a trap (idle false) the vCPU is not parked, so no stop or
 * reset of its VM can be under way. Idle (parked), another CPU may be resetting the VM:
 * the lifecycle protocol's access section (vm.h). False: not touched, VM not live. */
static inline bool irq_own_begin(struct vcpu *vc, bool idle)
{
	return !idle || vm_access_begin(vc->vm);
}

static inline void irq_own_end(struct vcpu *vc, bool idle)
{
	if (idle) {
		vm_access_end(vc->vm);
	}
}

/* Handles the pending physical interrupts on this CPU (at most IRQ_BATCH), starting with
 * intid, already acknowledged (1023: none). vc: the vCPU of this CPU if it is on, else
 * NULL; idle: called from the idle loop, not a trap. Never inside an access section around
 * lifecycle work (health, management). */
static inline void irq_dispatch(struct vcpu *vc, bool idle, u32 intid)
{
	/* The next one is acknowledged only if it will be handled: one acknowledged past the
	 * batch would stay active for good (found by tests/system/snapshot.sh: a flood of
	 * management requests keeps its level interrupt asserted for more than a batch). */
	for (u32 n = 0; intid < 1020; intid = ++n < IRQ_BATCH ? gic_ack() : 1023U) {
		cpu_this()->irq_count++;
		if ((intid == INTID_VTIMER || intid == INTID_PTIMER) && vc &&
		    vc->state == VCPU_RUNNING && irq_own_begin(vc, idle)) {
			/* HW-linked: the guest's EOI deactivates the physical interrupt. */
			gic_eoi(intid);
			vgic_hw_irq(&vc->vm->irqchip.vgic, vc->id, intid);
			irq_own_end(vc, idle);
			/* The common case, alone: skip the ack that would read 1023. Anything
			 * else pending is taken right after the ERET. */
			return;
		}
		if (intid >= 32 && vdev_hw_irq(intid)) {
			gic_eoi(intid); /* pass-through: deactivated by the owning guest */
			continue;
		}
		gic_eoi(intid);
		gic_deactivate(intid);
		if (intid == INTID_HYP_IPI) {
			/* A kick (a posted SGI, a request): looked at on the way out. Alone,
			 * like the timer: anything else pending is taken after the ERET. */
			return;
		}
		if (intid == INTID_HYP_TIMER) {
			sched_hyp_timer(cpu_this());
		} else if (intid == INTID_MAINT && vc && irq_own_begin(vc, idle)) {
			vgic_maintenance(&vc->vm->irqchip.vgic, vc->id);
			irq_own_end(vc, idle);
		} else if (intid >= 32) {
			sched_device_irq(intid); /* the hypervisor's own devices: core decides */
		}
	}
}

void arch_irq_poll(void)
{
	struct vcpu *vc = cpu_this()->vcpu;

	/* A direct-interrupts CPU: Group 1 is the (paused) guest's, never acknowledged here. */
	if (direct_poll()) {
		return;
	}
	irq_dispatch(vc && vc->state == VCPU_RUNNING ? vc : NULL, true, gic_ack());
}

/* The general interrupt exit, intid already acknowledged (1023: none); vectors.S calls it
 * for anything but the timer. ELR/SPSR are saved here, not in vectors.S: the fast paths
 * never need them. Returns 1 if the vCPU must not
 * resume (vectors.S then saves the rest and idles). */
static inline __attribute__((always_inline)) u64 irq_general(struct vcpu *vc, u32 intid)
{
	vc->irq_count++;
	vc->irq_slow++;
	vc->regs.elr = sysreg_read(elr_el2);
	vc->regs.spsr = sysreg_read(spsr_el2);
	irq_dispatch(vc, false, intid);
	return trap_exit(vc) ? 0 : 1;
}

static __attribute__((noinline, cold)) u64 trap_irq_traced(struct vcpu *vc, u32 intid)
{
	u64 r;

	trace_put(TRACE_EXIT, TRACE_EXIT_IRQ, (u8)vc->vm->id, (u8)vc->id, intid);
	r = irq_general(vc, intid);
	if (!r) {
		trace_put(TRACE_ENTRY, 0, (u8)vc->vm->id, (u8)vc->id, 0);
	}
	return r;
}

__attribute__((noinline)) u64 trap_irq_slow(struct vcpu *vc, u32 intid)
{
	if (trace_on(vc)) {
		return trap_irq_traced(vc, intid);
	}
	return irq_general(vc, intid);
}

/*
 * The interrupt path after vectors.S's own (guest_irq: the running vCPU's timer PPI into
 * its list register before any register save), with x0-x18/x30 saved and intid already
 * acknowledged. The timer in the cases that one leaves to C (requests pending, ...) still
 * goes straight into a list register here when it can; anything unusual (timer disabled
 * or active in the model, no free LR, a refill pending, the vCPU not running) takes the
 * general path. No exit work is skipped: another CPU that wants this one to look again
 * (a request, a stop, a dirty vGIC) kicks it, and that SGI is taken right after the ERET.
 */
u64 trap_irq_acked(struct vcpu *vc, u32 intid)
{
	if (trace_on(vc)) {
		return trap_irq_traced(vc, intid);
	}
	if ((intid == INTID_VTIMER || intid == INTID_PTIMER) && vc->state == VCPU_RUNNING &&
	    vgic_lr_fast(&vc->vm->irqchip.vgic, vc->id, intid, VGIC_IRQ_HW, 0)) {
		gic_eoi(intid); /* priority drop; the guest's EOI deactivates it (HW LR) */
		vc->irq_count++;
		vc->irq_slow++;
		cpu_this()->irq_count++;
		return 0;
	}
	return irq_general(vc, intid); /* tested above: not trap_irq_slow, which tests again */
}

/* An interrupt not acknowledged yet (direct.c's FIQ fallback). */
u64 trap_irq(struct vcpu *vc)
{
	return trap_irq_acked(vc, gic_ack());
}

void trap_serror(struct vcpu *vc)
{
	/* An asynchronous abort caused by this guest: report it back to the guest. */
	vc->exits[VEXIT_SERROR]++;
	trace_event(TRACE_EXIT, TRACE_EXIT_SERROR, (u8)vc->vm->id, (u8)vc->id, 0);
	vc->vm->stats.aborts++;
	sysreg_write(hcr_el2, sysreg_read(hcr_el2) | HCR_VSE);
	if (!trap_exit(vc)) {
		sched_run();
	}
}

void trap_hyp_fault(u64 kind, u64 esr, u64 elr, u64 far)
{
	console_log(LOG_ERROR,
		    "PANIC: hypervisor exception kind %llu ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		    (unsigned long long)kind, (unsigned long long)esr, (unsigned long long)elr,
		    (unsigned long long)far);
	arch_system_off();
}

/* vectors.S reads these structures by the numbers in asm_offsets.h. */
_Static_assert(offsetof(struct cpu, vcpu) == CPU_VCPU &&
		   offsetof(struct cpu, requests) == CPU_REQUESTS &&
		   offsetof(struct cpu, irq_count) == CPU_IRQ_COUNT &&
		   offsetof(struct cpu, id) == CPU_ID && sizeof(((struct cpu *)0)->id) == 4 &&
		   offsetof(struct cpu, sched) == CPU_SCHED && CONFIG_MAX_PCPUS == MAX_PCPUS_VAL,
	       "asm_offsets.h: struct cpu");
_Static_assert(offsetof(struct vcpu, vm) == VCPU_VM && offsetof(struct vcpu, id) == VCPU_ID &&
		   offsetof(struct vcpu, state) == VCPU_STATE &&
		   offsetof(struct vcpu, irq_count) == VCPU_IRQ_COUNT &&
		   offsetof(struct vcpu, trace) == VCPU_TRACE &&
		   offsetof(struct vcpu, exits) == VCPU_EXITS && VCPU_TRACE == VCPU_STATE + 4 &&
		   offsetof(struct vcpu, irq_slow) == VCPU_IRQ_SLOW &&
		   sizeof(((struct vcpu *)0)->trace) == 4 &&
		   VEXIT_Q_TESSERA == VEXIT_Q_TESSERA_VAL && VEXIT_Q_PSCI == VEXIT_Q_PSCI_VAL &&
		   VEXIT_Q_ARCH == VEXIT_Q_ARCH_VAL && VEXIT_Q_SMC == VEXIT_Q_SMC_VAL &&
		   VEXIT_SYSREG == VEXIT_SYSREG_VAL && sizeof(((struct vcpu *)0)->state) == 4 &&
		   sizeof(((struct vcpu *)0)->id) == 4 && VCPU_RUNNING == VCPU_RUNNING_VAL,
	       "asm_offsets.h: struct vcpu");
_Static_assert(offsetof(struct vm, irqchip.vgic) == VM_VGIC && offsetof(struct vgic, lock) == 0 &&
		   offsetof(spinlock_t, next) == 0 &&
		   offsetof(spinlock_t, owner) == VGIC_LOCK_OWNER &&
		   offsetof(struct vgic, ctlr) == VGIC_CTLR &&
		   offsetof(struct vgic, vcpu_count) == VGIC_VCPU_COUNT &&
		   offsetof(struct vgic, cpus) == VGIC_CPUS &&
		   offsetof(struct vgic, raised_words) == VGIC_RAISED_WORDS,
	       "asm_offsets.h: struct vm, struct vgic");
_Static_assert(offsetof(struct vgic_cpu, priv) == 0 &&
		   offsetof(struct vgic_cpu, vcpu_id) == VC_VCPU_ID &&
		   offsetof(struct vgic_cpu, pcpu) == VC_PCPU &&
		   offsetof(struct vgic_cpu, dirty) == VC_DIRTY &&
		   offsetof(struct vgic_cpu, lr_intid) == VC_LR_INTID &&
		   offsetof(struct vgic_cpu, lr_used) == VC_LR_USED &&
		   offsetof(struct vgic_cpu, lr_val) == VC_LR_VAL &&
		   offsetof(struct vgic_cpu, overflow) == VC_OVERFLOW &&
		   offsetof(struct vgic_cpu, uie) == VC_OVERFLOW + 1 &&
		   sizeof(((struct vgic_cpu *)0)->overflow) == 1 &&
		   sizeof(((struct vgic_cpu *)0)->uie) == 1 &&
		   offsetof(struct vgic_cpu, want_priv) == VC_WANT_PRIV &&
		   offsetof(struct vgic_cpu, want_spi_words) == VC_WANT_SPI_WORDS &&
		   offsetof(struct vgic_cpu, posted_sgis) == VC_POSTED_SGIS &&
		   offsetof(struct vgic_cpu, posted_src) == VC_POSTED_SRC &&
		   sizeof(((struct vgic_cpu *)0)->posted_src[0]) == 2,
	       "asm_offsets.h: struct vgic_cpu");
_Static_assert(offsetof(struct vgic_irq, flags) == VIRQ_FLAGS &&
		   offsetof(struct vgic_irq, prio) == VIRQ_PRIO &&
		   offsetof(struct vgic_irq, lr) == VIRQ_LR &&
		   offsetof(struct vgic_irq, sgi_src) == VIRQ_SGI_SRC &&
		   offsetof(struct vgic_irq, lr_vcpu) == VIRQ_LR_VCPU &&
		   offsetof(struct vgic_irq, ops) == VIRQ_OPS &&
		   sizeof(struct vgic_irq) == VIRQ_SIZE,
	       "asm_offsets.h: struct vgic_irq");
_Static_assert(VGIC_IRQ_ENABLED == 1U << VGIC_IRQ_ENABLED_BIT, "vectors.S: VGIC_IRQ_ENABLED");
_Static_assert(VGIC_IRQ_ACTIVE == 1U << VGIC_IRQ_ACTIVE_BIT, "vectors.S: VGIC_IRQ_ACTIVE");
_Static_assert(VGIC_IRQ_IN_LR == 1U << VGIC_IRQ_IN_LR_BIT, "vectors.S: VGIC_IRQ_IN_LR");
_Static_assert((VGIC_IRQ_HW | VGIC_IRQ_IN_LR) == 0x60 && VGIC_IRQ_PENDING == 0x02,
	       "vectors.S: the flags a timer PPI in an LR gets");
_Static_assert(VGIC_IRQ_NEWEDGE == 0x80 && VGIC_IRQ_NEWEDGE == 1U << VGIC_IRQ_NEWEDGE_BIT,
	       "vectors.S: VGIC_IRQ_NEWEDGE");
_Static_assert((VGIC_IRQ_ENABLED | VGIC_IRQ_ACTIVE | VGIC_IRQ_EDGE | VGIC_IRQ_HW) == 0x39 &&
		   (VGIC_IRQ_ENABLED | VGIC_IRQ_EDGE) == 0x11,
	       "vectors.S: the flags a self-SGI on the fast path has");
_Static_assert((ICH_LR_PENDING | ICH_LR_GROUP1) == 0x5000000000000000ULL,
	       "vectors.S: a self-SGI's LR (pending, Group 1)");
_Static_assert(HCR_IMO == 0x10, "vectors.S: HCR_EL2.IMO (bit 4)");
_Static_assert(VGIC_MAX_LRS == 16, "vectors.S: 16 list registers at most");
_Static_assert((ICH_LR_PENDING | ICH_LR_HW | ICH_LR_GROUP1) == 0x7000000000000000ULL,
	       "vectors.S: LR state and flags");
_Static_assert(ICH_LR_PRIO_SHIFT == 48, "vectors.S: LR priority field");
_Static_assert(ICH_LR_PINTID_SHIFT == 32, "vectors.S: LR pINTID field");
_Static_assert(INTID_VTIMER == 27, "vectors.S: the virtual timer PPI");
_Static_assert(INTID_PTIMER == 30, "vectors.S: the EL1 physical timer PPI");
