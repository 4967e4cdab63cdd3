/* SPDX-License-Identifier: MIT */
/*
 * Trap handlers called from vectors.S with the guest's registers saved in
 * the vCPU. Everything the guest controls (ESR syndrome, registers, fault
 * addresses) is decoded and range-checked here, in one place per path.
 */
#include "vdev.h"
#include "sched_loop.h"
#include "health.h"
#include "arch_cpu.h"
#include "abi.h"
#include "console.h"
#include "direct.h"
#include "gicv3.h"
#include "layout.h"
#include "sysreg.h"
#include "vgic.h"
#include "vm.h"

void trap_sync(struct vcpu *vc);
u64 trap_hvc_fast(struct vcpu *vc);
u64 trap_irq(struct vcpu *vc);
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
	vgic_flush(&vc->vm->vgic, vc->id);
	return true;
}

static void data_abort(struct vcpu *vc, u64 esr)
{
	u64 iss = esr & 0x1ffffff;
	u64 far = sysreg_read(far_el2);
	u64 ipa = ((sysreg_read(hpfar_el2) >> 4) << 12) | (far & 0xfff);
	bool write = (iss & ISS_DABT_WNR) != 0;
	u32 rt = ISS_DABT_SRT(iss);
	u32 size = 1U << ISS_DABT_SAS(iss);
	u64 val;

	/* Without a valid syndrome (e.g. load/store pair, writeback) we cannot emulate:
	 * behave as hardware would for an address with nothing behind it. */
	if (!(iss & ISS_DABT_ISV) || (iss & ISS_DABT_S1PTW)) {
		vc->vm->stats.aborts++;
		inject_dabt(vc, far, write);
		health_abort(vc->vm);
		return;
	}
	val = write ? vcpu_get_x(vc, rt) : 0;
	if (write && size < 8) {
		val &= (1ULL << (size * 8)) - 1;
	}
	if (!vdev_mmio(vc, ipa, size, write, &val)) {
		vc->vm->stats.aborts++;
		vc->abort_count++;
		if (vc->vm->stats.aborts <= 8) {
			console_printf("VM %s: %s at 0x%llx (PC 0x%llx): external abort injected\n",
				       vc->vm->cfg->name, write ? "write" : "read",
				       (unsigned long long)ipa, (unsigned long long)vc->regs.elr);
		}
		inject_dabt(vc, far, write);
		health_abort(vc->vm);
		return;
	}
	vc->vm->stats.mmio++;
	if (!write) {
		if ((iss & ISS_DABT_SSE) && size < 8) {
			u64 sign = 1ULL << (size * 8 - 1);
			val = (val ^ sign) - sign;
		}
		if (!(iss & ISS_DABT_SF)) {
			val &= 0xffffffffULL;
		}
		vcpu_set_x(vc, rt, val);
	}
	vc->regs.elr += 4;
}

void trap_sync(struct vcpu *vc)
{
	u64 esr = sysreg_read(esr_el2);

	vc->trap_count++;
	/* No vgic_sync here: LR state is folded lazily (vgic MMIO, vgic_flush; vgic_lr.c). */
	switch (ESR_EC(esr)) {
	case EC_HVC64:
		hypercall_dispatch(vc, false);
		break;
	case EC_SMC64:
		hypercall_dispatch(vc, true);
		break;
	case EC_DABT_LOW:
		data_abort(vc, esr);
		break;
	case EC_IABT_LOW:
		vc->vm->stats.aborts++;
		inject_iabt(vc, sysreg_read(far_el2));
		health_abort(vc->vm);
		break;
	case EC_SYSREG:
		sysreg_trap(vc, esr);
		break;
	case EC_WFX:
		vc->regs.elr += 4;
		break;
	default:
		/* SVE, SME, pointer authentication, AArch32, ...: UNDEFINED for the guest. */
		inject_undef(vc);
		break;
	}
	if (!trap_exit(vc)) {
		sched_run(); /* the full register file was saved: this CPU goes idle */
	}
}

/*
 * HVC fast path, called with only x0-x18/x30 saved: Tessera calls that change
 * no vGIC state of this vCPU, no ELR/SPSR and no vCPU state. Returns 1 to fall
 * back to trap_sync. Interrupts that arrived meanwhile (a remote injection, a
 * kick) are still pending at EL2 and are taken as soon as the guest resumes.
 */
u64 trap_hvc_fast(struct vcpu *vc)
{
	return hypercall_fast(vc) ? 0 : 1;
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
	for (u32 n = 0; n < IRQ_BATCH; n++, intid = gic_ack()) {
		if (intid >= 1020) {
			break;
		}
		cpu_this()->irq_count++;
		if ((intid == INTID_VTIMER || intid == INTID_PTIMER) && vc &&
		    vc->state == VCPU_RUNNING && irq_own_begin(vc, idle)) {
			/* HW-linked: the guest's EOI deactivates the physical interrupt. */
			gic_eoi(intid);
			vgic_hw_irq(&vc->vm->vgic, vc->id, intid);
			irq_own_end(vc, idle);
			/* The common case, alone: skip the ack that would read 1023. Anything
			 * else pending is taken right after the ERET. */
			return;
		}
		if (intid >= 32 && vdev_hw_spi(intid)) {
			gic_eoi(intid); /* pass-through: deactivated by the owning guest */
			continue;
		}
		gic_eoi(intid);
		gic_deactivate(intid);
		if (intid == INTID_HYP_TIMER) {
			sched_hyp_timer(cpu_this());
		} else if (intid == INTID_MAINT && vc && irq_own_begin(vc, idle)) {
			vgic_maintenance(&vc->vm->vgic, vc->id);
			irq_own_end(vc, idle);
		} else if (intid >= 32) {
			sched_device_irq(intid); /* the hypervisor's own devices: core decides */
		}
		/* INTID_HYP_IPI: requests are looked at on the way out. */
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

/* The general interrupt exit, intid already acknowledged (1023: none). ELR/SPSR are saved
 * here, not in vectors.S: the fast path never needs them. Returns 1 if the vCPU must not
 * resume (vectors.S then saves the rest and idles). */
static __attribute__((noinline)) u64 trap_irq_slow(struct vcpu *vc, u32 intid)
{
	vc->irq_count++;
	vc->regs.elr = sysreg_read(elr_el2);
	vc->regs.spsr = sysreg_read(spsr_el2);
	irq_dispatch(vc, false, intid);
	return trap_exit(vc) ? 0 : 1;
}

/*
 * The interrupt fast path, called with only x0-x18/x30 saved: this vCPU's own timer
 * interrupt goes straight from the physical IAR into a list register and back to the
 * guest. No exit work is skipped: another CPU that wants this one to look again (a
 * request, a stop, a dirty vGIC) kicks it, and that SGI is taken right after the ERET;
 * anything unusual (timer disabled or active in the model, no free LR, a refill
 * pending, the vCPU not running) takes the general path.
 */
u64 trap_irq(struct vcpu *vc)
{
	u32 intid = gic_ack();

	if ((intid == INTID_VTIMER || intid == INTID_PTIMER) && vc->state == VCPU_RUNNING &&
	    vgic_lr_fast(&vc->vm->vgic, vc->id, intid, VGIC_IRQ_HW, 0)) {
		gic_eoi(intid); /* priority drop; the guest's EOI deactivates it (HW LR) */
		vc->irq_count++;
		cpu_this()->irq_count++;
		return 0;
	}
	return trap_irq_slow(vc, intid);
}

void trap_serror(struct vcpu *vc)
{
	/* An asynchronous abort caused by this guest: report it back to the guest. */
	vc->vm->stats.aborts++;
	sysreg_write(hcr_el2, sysreg_read(hcr_el2) | HCR_VSE);
	if (!trap_exit(vc)) {
		sched_run();
	}
}

void trap_hyp_fault(u64 kind, u64 esr, u64 elr, u64 far)
{
	console_printf("PANIC: hypervisor exception kind %llu ESR 0x%llx ELR 0x%llx FAR 0x%llx\n",
		       (unsigned long long)kind, (unsigned long long)esr, (unsigned long long)elr,
		       (unsigned long long)far);
	arch_system_off();
}
