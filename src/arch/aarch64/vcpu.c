/* SPDX-License-Identifier: MIT */
/*
 * Per-vCPU architectural state on its own CPU. Because a vCPU never leaves
 * its CPU, starting or restarting it means putting that CPU's EL1 registers,
 * FP/SIMD registers, virtual timer and GIC virtual interface back to reset
 * values, so nothing of a previous run (or of the hypervisor) is visible.
 */
#include "arch_cpu.h"
#include "direct.h"
#include "gdb.h"
#include "lib.h"
#include "sysreg.h"
#include "vgic.h"

#define SCTLR_EL1_RESET 0x30d00800ULL /* RES1 bits; MMU, caches, alignment checks off */

static u64 hcr_for_guest(void)
{
	return HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | HCR_BSU_IS | HCR_TSC |
	       HCR_TIDCP | HCR_TACR | HCR_TSW | HCR_TID3 | HCR_RW;
}

#define DBG_PAIR(n)                                       \
	case n:                                           \
		sysreg_write(dbgbcr##n##_el1, 0);         \
		sysreg_write(dbgbvr##n##_el1, 0);         \
		if ((n) < wrps) {                         \
			sysreg_write(dbgwcr##n##_el1, 0); \
			sysreg_write(dbgwvr##n##_el1, 0); \
		}                                         \
		__attribute__((fallthrough))

/* Self-hosted debug state as after a cold reset (Arm ARM D2, D13.3): no breakpoint or
 * watchpoint enabled, no step, OS lock set. Only the implemented registers are written
 * (ID_AA64DFR0_EL1.BRPs/WRPs; breakpoints are never fewer than watchpoints). */
void arch_debug_reset(void)
{
	u64 dfr0 = sysreg_read(id_aa64dfr0_el1);
	u32 brps = (u32)((dfr0 >> 12) & 0xf) + 1;
	u32 wrps = (u32)((dfr0 >> 20) & 0xf) + 1;

	sysreg_write(mdscr_el1, 0);
	switch (brps - 1) {
		DBG_PAIR(15);
		DBG_PAIR(14);
		DBG_PAIR(13);
		DBG_PAIR(12);
		DBG_PAIR(11);
		DBG_PAIR(10);
		DBG_PAIR(9);
		DBG_PAIR(8);
		DBG_PAIR(7);
		DBG_PAIR(6);
		DBG_PAIR(5);
		DBG_PAIR(4);
		DBG_PAIR(3);
		DBG_PAIR(2);
		DBG_PAIR(1);
		DBG_PAIR(0);
	default:
		break;
	}
	sysreg_write(mdccint_el1, 0);
	sysreg_write(osdlr_el1, 0);
	sysreg_write(oslar_el1, 1); /* OS lock set, as at cold reset */
}

void arch_vcpu_el1_reset(struct vcpu *vc)
{
	sysreg_write(hcr_el2, hcr_for_guest());
	sysreg_write(vttbr_el2, vc->vm->arch.vttbr);
	sysreg_write(vmpidr_el2, BIT(31) | vc->id);
	/* VTCR_EL2: T0SZ = 25 (39-bit IPA), SL0 = 1 (start at level 1), inner/outer WBWA,
	 * inner shareable, 4 KiB granule, PS from the CPU, RES1 bit 31. */
	sysreg_write(vtcr_el2, 25 | (1ULL << 6) | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) |
				   ((sysreg_read(id_aa64mmfr0_el1) & 7) << 16) | BIT(31));
	isb();
	__asm__ volatile("tlbi vmalls12e1\n dsb nsh\n ic iallu\n dsb nsh\n isb" ::: "memory");

	sysreg_write(sctlr_el1, SCTLR_EL1_RESET);
	sysreg_write(cpacr_el1, 0);
	sysreg_write(ttbr0_el1, 0);
	sysreg_write(ttbr1_el1, 0);
	sysreg_write(tcr_el1, 0);
	sysreg_write(mair_el1, 0);
	sysreg_write(amair_el1, 0);
	sysreg_write(vbar_el1, 0);
	sysreg_write(contextidr_el1, 0);
	sysreg_write(tpidr_el0, 0);
	sysreg_write(tpidrro_el0, 0);
	sysreg_write(tpidr_el1, 0);
	sysreg_write(sp_el0, 0);
	sysreg_write(sp_el1, 0);
	sysreg_write(elr_el1, 0);
	sysreg_write(spsr_el1, 0);
	sysreg_write(esr_el1, 0);
	sysreg_write(far_el1, 0);
	sysreg_write(afsr0_el1, 0);
	sysreg_write(afsr1_el1, 0);
	sysreg_write(par_el1, 0);
	sysreg_write(cntkctl_el1, 0);
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntv_cval_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
	sysreg_write(cntp_cval_el0, 0);
	sysreg_write(cntvoff_el2, 0); /* a restored snapshot's offset ends with its run */
	sysreg_write(csselr_el1, 0);
	sysreg_write(S3_4_C12_C11_7, 0); /* ICH_VMCR_EL2 */
	/* Active-priority bits of a previous run would mask interrupts after a restart. */
	sysreg_write(S3_4_C12_C8_0, 0);	 /* ICH_AP0R0_EL2 */
	sysreg_write(S3_4_C12_C9_0, 0);	 /* ICH_AP1R0_EL2 */
	sysreg_write(S3_4_C12_C11_0, 1); /* ICH_HCR_EL2: En */
	/* ICC_SRE_EL1 as seen by the guest is fixed to SRE = 1 by the virtual interface. */
	arch_fp_reset();
	arch_debug_reset();
	isb();
	/* A static CPU never traps debug accesses, so the hardware holds this vCPU's own values
	 * and a save (pause, snapshot) must take them; a shared CPU makes them lazy
	 * (arch_vcpu_share). */
	vc->arch.dbg.live = 1;
	/* What the guest cannot change, recorded once (arch_vcpu_save does not save it): a
	 * restore after a pause or a snapshot's capture puts these back. */
	vc->arch.el1.vttbr = vc->vm->arch.vttbr;
	vc->arch.el1.vmpidr = BIT(31) | vc->id;
	vc->arch.timers.cntvoff = 0;

	memset(&vc->regs, 0, sizeof(vc->regs));
	vc->regs.spsr = PSR_MODE_EL1H | PSR_DAIF;
}

void arch_vcpu_start(struct vcpu *vc)
{
	arch_vcpu_el1_reset(vc);
	vgic_vcpu_quiesce(&vc->vm->irqchip.vgic, vc->id);
	if (vc->vm->cfg->direct_interrupts) {
		direct_enter(vc); /* after the EL1 reset, which sets HCR_EL2.IMO */
	}
	vc->regs.elr = vc->on_entry;
	vc->regs.x[0] = vc->on_ctx;
	arch_gdb_route(vc); /* a debugger may hold the VM across its restart */
}

void arch_vcpu_park(struct vcpu *vc)
{
	/* A parked vCPU's timers must not keep interrupting this CPU. */
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
	isb();
	vgic_vcpu_quiesce(&vc->vm->irqchip.vgic, vc->id);
	direct_exit(vc); /* no-op unless the guest owned the physical Group-1 interface */
}

void arch_idle_wait(void)
{
	u64 saved = direct_idle_mask();

	dsb(sy);
	wfi();
	direct_idle_unmask(saved);
}

u64 arch_counter(void)
{
	isb();
	/* The physical count: a guest's CNTVOFF_EL2 (a restored snapshot's) stays its own. */
	return sysreg_read(cntpct_el0);
}

static u64 dcache_line(void)
{
	return 4ULL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
}

void arch_dcache_clean(paddr_t pa, u64 size)
{
	u64 line = dcache_line();

	for (u64 a = ALIGN_DOWN(pa, line); a < pa + size; a += line) {
		__asm__ volatile("dc cvac, %0" : : "r"(a) : "memory");
	}
	dsb(sy);
	__asm__ volatile("ic iallu" ::: "memory");
	dsb(sy);
	isb();
}

void arch_memzero(paddr_t pa, u64 size)
{
	u64 dczid = sysreg_read(dczid_el0);
	u64 block = 4ULL << (dczid & 0xf);
	u64 a = pa;

	if (dczid & BIT(4)) {
		memset((void *)(uintptr_t)pa, 0, size); /* DC ZVA prohibited */
		return;
	}
	while (a < pa + size && !IS_ALIGNED(a, block)) {
		*(volatile u8 *)(uintptr_t)a++ = 0;
	}
	for (; a + block <= pa + size; a += block) {
		__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
	}
	while (a < pa + size) {
		*(volatile u8 *)(uintptr_t)a++ = 0;
	}
	dsb(sy);
}

u64 arch_counter_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

void arch_hyp_timer_set(u64 deadline)
{
	sysreg_write(cnthp_cval_el2, deadline);
	sysreg_write(cnthp_ctl_el2, 1); /* ENABLE, not masked */
	isb();
}

void arch_hyp_timer_cancel(void)
{
	sysreg_write(cnthp_ctl_el2, 0);
	isb();
}
