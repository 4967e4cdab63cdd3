/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 side of a debugger attached to a VM (gdb.h, docs/DEBUGGING.md): debug
 * exceptions routed to EL2 (MDCR_EL2.TDE, Arm ARM D2.3), the debugger's breakpoints,
 * watchpoints and software step in a saved vCPU's debug registers (D2.8-D2.10, D13.3), the
 * guest's own debug registers emulated while the debugger owns the real ones, gdb's register
 * numbers, and address translation for memory accesses: stage 2 of the VM only, and a
 * software walk of the vCPU's stage-1 tables (D8.2). Every value comes from the management
 * channel or the guest: range-checked here.
 */
#include "arch_cpu.h"
#include "gdb.h"
#include "lib.h"
#include "stage2.h"
#include "sysreg.h"

#define MDCR_TDE     BIT(8)
#define MDSCR_SS     BIT(0)
#define MDSCR_MDE    BIT(15)
#define SPSR_SS	     BIT(21)
#define SPSR_IF	     (BIT(7) | BIT(6))
#define SPSR_M	     0x1fULL
#define SPSR_NZCV    0xf0000000ULL
#define SPSR_DAIF    0x3c0ULL
#define OSLSR_OSLK   BIT(1)
#define BCR_EL1_EL0  ((3ULL << 1) | (0xfULL << 5) | 1) /* PMC EL1+EL0, BAS all, E */
#define EC_BKPT_LOW  0x30
#define EC_SSTEP_LOW 0x32
#define EC_WATCH_LOW 0x34

u32 arch_gdb_tde_cpus;

void arch_gdb_route(const struct vcpu *vc)
{
	u64 m = sysreg_read(mdcr_el2);
	u64 want = vc->vm->gdb.attached ? (m | MDCR_TDE) : (m & ~MDCR_TDE);

	if (want != m) {
		/* Only this CPU adds or takes away its own share of the count. */
		if (want & MDCR_TDE) {
			__atomic_fetch_add(&arch_gdb_tde_cpus, 1, __ATOMIC_RELAXED);
		} else {
			__atomic_fetch_sub(&arch_gdb_tde_cpus, 1, __ATOMIC_RELAXED);
		}
		sysreg_write(mdcr_el2, want);
		isb();
	}
}

u32 arch_gdb_hw_count(bool watch)
{
	u64 dfr0 = sysreg_read(id_aa64dfr0_el1);
	u32 n = (u32)((dfr0 >> (watch ? 20 : 12)) & 0xf) + 1;

	return MIN(n, (u32)VM_GDB_HW);
}

void arch_gdb_debug_regs(struct vcpu *vc, bool step)
{
	const struct vm_gdb *g = &vc->vm->gdb;
	struct arch_debug *d = &vc->arch.dbg;
	u32 nb = arch_gdb_hw_count(false), nw = arch_gdb_hw_count(true);

	if (!vc->gdb_guest) {
		return; /* not attached (the attach gives every vCPU its page) */
	}
	if (!vc->gdb_owned) {
		*vc->gdb_guest = *d;
		vc->gdb_owned = true;
	}
	d->live = 1; /* the debugger's values must be loaded on every entry (lazy switch) */
	memset(d->bvr, 0, sizeof(d->bvr));
	memset(d->bcr, 0, sizeof(d->bcr));
	memset(d->wvr, 0, sizeof(d->wvr));
	memset(d->wcr, 0, sizeof(d->wcr));
	for (u32 i = 0; i < nb; i++) {
		if (g->bp[i]) {
			d->bvr[i] = g->bp[i] & ~3ULL;
			d->bcr[i] = BCR_EL1_EL0;
		}
	}
	for (u32 i = 0; i < nw; i++) {
		const struct vm_gdb_wp *w = &g->wp[i];

		if (w->len >= 1 && w->len <= 8 && (w->addr & 7) + w->len <= 8 && w->kind >= 1 &&
		    w->kind <= 3) {
			u64 bas = ((1ULL << w->len) - 1) << (w->addr & 7);
			/* LSC: 1 load, 2 store, 3 both; gdb's kinds: 1 write, 2 read, 3 access. */
			u64 lsc = w->kind == 1 ? 2 : (w->kind == 2 ? 1 : 3);

			d->wvr[i] = w->addr & ~7ULL;
			d->wcr[i] = (bas << 5) | (lsc << 3) | (3ULL << 1) | 1;
		}
	}
	/* MDE: breakpoints and watchpoints; no OS lock (it would block them and the step). */
	d->mdscr = MDSCR_MDE | (step ? MDSCR_SS : 0);
	d->oslsr &= ~OSLSR_OSLK;
	d->mdccint = vc->gdb_guest->mdccint;
	vc->regs.spsr &= ~SPSR_SS;
	if (step) {
		/* One instruction, not an interrupt handler's first (D2.10.4): I and F masked. */
		vc->gdb_daif = vc->regs.spsr & SPSR_IF;
		vc->regs.spsr |= SPSR_SS | SPSR_IF;
	}
}

void arch_gdb_step_done(struct vcpu *vc)
{
	vc->regs.spsr = (vc->regs.spsr & ~(SPSR_SS | SPSR_IF)) | (vc->gdb_daif & SPSR_IF);
	vc->arch.dbg.mdscr &= ~MDSCR_SS; /* the saved copy; the CPU's own is saved after */
}

void arch_gdb_debug_release(struct vcpu *vc)
{
	if (vc->gdb_owned && vc->gdb_guest) {
		vc->arch.dbg = *vc->gdb_guest;
		vc->gdb_owned = false;
	}
	vc->regs.spsr &= ~SPSR_SS;
}

/* A debug exception of a guest with a debugger (traps.c): the VM stops. Without one (it
 * detached meanwhile) this CPU stops routing them and the guest retries the instruction,
 * which now takes its exception at EL1 as on hardware. */
void arch_gdb_trap(struct vcpu *vc, u64 esr)
{
	u32 ec = ESR_EC(esr);

	if (!vc->vm->gdb.attached) {
		arch_gdb_route(vc);
		return;
	}
	if (ec == EC_BRK64) {
		gdb_vcpu_stopped(vc, GDB_STOP_BRK, 0);
	} else if (ec == EC_SSTEP_LOW) {
		gdb_vcpu_stopped(vc, GDB_STOP_STEP, 0);
	} else if (ec == EC_BKPT_LOW) {
		gdb_vcpu_stopped(vc, GDB_STOP_HWBP, vc->regs.elr);
	} else {
		gdb_vcpu_stopped(vc, GDB_STOP_WATCH, sysreg_read(far_el2));
	}
}

bool arch_gdb_is_debug_ec(u32 ec)
{
	return ec == EC_BRK64 || ec == EC_SSTEP_LOW || ec == EC_BKPT_LOW || ec == EC_WATCH_LOW;
}

/* ---- the guest's own debug registers while the debugger owns the real ones ---- */

/* key: emul.c's SR() encoding (op0, op2, op1, CRn, CRm). True if handled. */
bool arch_gdb_guest_sysreg(struct vcpu *vc, u32 key, u32 rt, bool read)
{
	struct arch_debug *d = vc->gdb_guest;
	u32 op0 = (key >> 20) & 3, op2 = (key >> 17) & 7, op1 = (key >> 14) & 7;
	u32 crn = (key >> 10) & 0xf, crm = (key >> 1) & 0xf;
	u64 *reg = NULL;

	if (!vc->gdb_owned || !d || op0 != 2 || op1 != 0) {
		return false;
	}
	if (crn == 0 && op2 >= 4) {
		/* DBGBVR<n>, DBGBCR<n>, DBGWVR<n>, DBGWCR<n>: n = CRm < 16 = ARCH_MAX_BRPS */
		reg = op2 == 4	 ? &d->bvr[crm]
		      : op2 == 5 ? &d->bcr[crm]
		      : op2 == 6 ? &d->wvr[crm]
				 : &d->wcr[crm];
	} else if (crn == 0 && crm == 2 && op2 == 2) {
		reg = &d->mdscr;
	} else if (crn == 0 && crm == 2 && op2 == 0) {
		reg = &d->mdccint;
	} else if (crn == 1 && crm == 1 && op2 == 4 && read) {
		reg = &d->oslsr;
	} else if (crn == 1 && crm == 0 && op2 == 4 && !read) {
		d->oslsr = (d->oslsr & ~OSLSR_OSLK) | ((vcpu_get_x(vc, rt) & 1) << 1);
		return true;
	} else {
		return false;
	}
	if (read) {
		vcpu_set_x(vc, rt, *reg);
	} else {
		*reg = vcpu_get_x(vc, rt);
	}
	return true;
}

/* ---- gdb's registers ---- */

static u64 *sysreg_slot(struct arch_el1 *e, u32 i)
{
	u64 *const regs[] = {&e->sctlr,	    &e->ttbr0,	    &e->ttbr1,	&e->tcr,
			     &e->mair,	    &e->vbar,	    &e->esr,	&e->far,
			     &e->elr_el1,   &e->spsr_el1,   &e->sp_el0, &e->sp_el1,
			     &e->tpidr_el1, &e->contextidr, &e->par,	&e->cpacr};

	_Static_assert(ARRAY_SIZE(regs) == GDB_REG_COUNT - 68, "gdb.h register numbers");
	return i < ARRAY_SIZE(regs) ? regs[i] : NULL;
}

/* The stack pointer of the guest's current mode: SP_EL1 in EL1h, else SP_EL0. */
static u64 *sp_slot(struct vcpu *vc)
{
	return (vc->regs.spsr & 0xf) == 5 ? &vc->arch.el1.sp_el1 : &vc->arch.el1.sp_el0;
}

static u64 *reg_slot(struct vcpu *vc, u32 n, u64 **hi)
{
	*hi = NULL;
	if (n < 31) {
		return &vc->regs.x[n];
	}
	switch (n) {
	case 31:
		return sp_slot(vc);
	case 32:
		return &vc->regs.elr;
	case 33:
		return &vc->regs.spsr;
	case 66:
		return &vc->arch.fp.fpsr;
	case 67:
		return &vc->arch.fp.fpcr;
	default:
		break;
	}
	if (n >= 34 && n < 66) {
		*hi = &vc->arch.fp.q[2 * (n - 34) + 1];
		return &vc->arch.fp.q[2 * (n - 34)];
	}
	return n >= 68 ? sysreg_slot(&vc->arch.el1, n - 68) : NULL;
}

bool arch_gdb_reg_get(const struct vcpu *vc, u32 n, u64 *lo, u64 *hi)
{
	u64 *h;
	u64 *l = reg_slot((struct vcpu *)vc, n, &h);

	if (!l) {
		return false;
	}
	*lo = *l;
	*hi = h ? *h : 0;
	return true;
}

bool arch_gdb_reg_set(struct vcpu *vc, u32 n, u64 lo, u64 hi)
{
	u64 *h;
	u64 *l = reg_slot(vc, n, &h);

	if (!l) {
		return false;
	}
	if (n == 33) {
		/* PSTATE: only what the guest itself could set; an ERET to EL2 or to AArch32
		 * must never come from a debugger. Flags, DAIF and the mode EL0t/EL1t/EL1h. */
		u64 m = lo & SPSR_M;

		if ((lo >> 32) || (m != 0 && m != 4 && m != 5)) {
			return false;
		}
		lo = (*l & ~(SPSR_NZCV | SPSR_DAIF | SPSR_M)) |
		     (lo & (SPSR_NZCV | SPSR_DAIF | SPSR_M));
	} else if ((n == 66 || n == 67) && (lo >> 32)) {
		return false;
	}
	*l = lo;
	if (h) {
		*h = hi;
	}
	return true;
}

/* ---- address translation ---- */

bool arch_gdb_ipa_to_pa(const struct vm *vm, u64 ipa, u64 *pa, bool *writable)
{
	const u64 *t = vm->arch.s2.root;

	if (!t || ipa >= (1ULL << STAGE2_IPA_BITS)) {
		return false;
	}
	for (u32 level = 1; level <= 3; level++) {
		u32 shift = 12 + 9 * (3 - level);
		u64 d = t[(ipa >> shift) & 511];

		if (!(d & S2_VALID)) {
			return false;
		}
		if (level < 3 && (d & S2_TABLE)) {
			t = (const u64 *)(uintptr_t)(d & S2_ADDR_MASK);
			continue;
		}
		if (level == 3 && !(d & S2_TABLE)) {
			return false;
		}
		/* RAM only: a pass-through device's registers are not the debugger's to poke. */
		if ((d & (0xfULL << 2)) != S2_MEMATTR_NORMAL) {
			return false;
		}
		*pa = (d & S2_ADDR_MASK & ~((1ULL << shift) - 1)) | (ipa & ((1ULL << shift) - 1));
		*writable = (d & S2_AP_W) != 0;
		return true;
	}
	return false;
}

/* A stage-1 descriptor at guest-physical address ipa, read through the VM's stage 2. */
static bool s1_desc(const struct vm *vm, u64 ipa, u64 *d)
{
	u64 pa;
	bool w;

	if ((ipa & 7) || !arch_gdb_ipa_to_pa(vm, ipa, &pa, &w)) {
		return false;
	}
	*d = *(const volatile u64 *)(uintptr_t)pa;
	return true;
}

/* TCR_EL1's granule for TTBR0 (TG0) or TTBR1 (TG1) as log2 bytes, 0 if reserved. */
static u32 granule_bits(u64 tcr, bool upper)
{
	u32 tg = upper ? (u32)(tcr >> 30) & 3 : (u32)(tcr >> 14) & 3;

	if (upper) {
		return tg == 1 ? 14 : (tg == 2 ? 12 : (tg == 3 ? 16 : 0));
	}
	return tg == 0 ? 12 : (tg == 1 ? 16 : 14);
}

bool arch_gdb_va_to_ipa(const struct vcpu *vc, u64 va, u64 *ipa)
{
	const struct arch_el1 *e = &vc->arch.el1;
	bool upper = (va >> 55) & 1;
	u32 tsz = upper ? (u32)(e->tcr >> 16) & 0x3f : (u32)e->tcr & 0x3f;
	u32 g = granule_bits(e->tcr, upper), stride, va_bits, level;
	/* BADDR: the table is aligned to its own size, 64 bytes at least; bit 0 is CnP. */
	u64 table = (upper ? e->ttbr1 : e->ttbr0) & 0x0000ffffffffffc0ULL;

	if (!(e->sctlr & 1)) {
		*ipa = va; /* stage 1 off: flat */
		return true;
	}
	if (!g || tsz < 16 || tsz > 39 || ((e->tcr >> (upper ? 23 : 7)) & 1)) {
		return false; /* reserved granule, a size we do not walk, or walks disabled */
	}
	va_bits = 64 - tsz;
	if (upper ? (va >> va_bits) != (~0ULL >> va_bits) : (va >> va_bits) != 0) {
		return false;
	}
	stride = g - 3;
	level = 4 - (va_bits - g + stride - 1) / stride;
	for (; level <= 3; level++) {
		u32 shift = g + stride * (3 - level);
		u32 bits = MIN(stride, va_bits - shift);
		u64 d, out_mask = 0x0000ffffffffffffULL;

		if (!s1_desc(vc->vm, table + ((va >> shift) & ((1ULL << bits) - 1)) * 8, &d) ||
		    !(d & 1)) {
			return false;
		}
		if (level < 3 && (d & 2)) {
			table = d & out_mask & ~((1ULL << g) - 1);
			continue;
		}
		if (level == 3 && !(d & 2)) {
			return false;
		}
		*ipa = (d & out_mask & ~((1ULL << shift) - 1)) | (va & ((1ULL << shift) - 1));
		return true;
	}
	return false;
}

void arch_gdb_sync_icache(u64 pa, u64 n)
{
	u64 dline = 4ULL << ((sysreg_read(ctr_el0) >> 16) & 0xf);

	for (u64 a = pa & ~(dline - 1); a < pa + n; a += dline) {
		__asm__ volatile("dc cvac, %0" ::"r"(a)
				 : "memory"); /* to PoC: a guest may run with caches off */
	}
	__asm__ volatile("dsb ish" ::: "memory");
	__asm__ volatile("ic ialluis\n dsb ish\n isb" ::: "memory");
}
