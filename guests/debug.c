/* SPDX-License-Identifier: MIT */
/*
 * debug: self-hosted debug (ARM ARM D2) as ID_AA64DFR0_EL1 advertises it: a hardware
 * breakpoint (DBGBVR0/DBGBCR0) on an EL1 function, a watchpoint (DBGWVR0/DBGWCR0) on a
 * variable, both taken at EL1 (MDSCR_EL1.KDE, PSTATE.D = 0), and software step
 * (MDSCR_EL1.SS) of four EL0 instructions, one step exception each.
 */
#include "kit.h"

#define EC_BKPT_CUR    0x31
#define EC_STEP_LOW    0x32
#define EC_WATCH_CUR   0x35
#define EC_SVC64       0x15
#define MDSCR_SS       BIT(0)
#define MDSCR_KDE      BIT(13)
#define MDSCR_MDE      BIT(15)
#define SPSR_SS	       BIT(21)
#define SPSR_EL1H_DAIF 0x3c5 /* EL1h, DAIF masked: no step at EL1 while MDSCR_EL1.SS is set */
#define BCR_EXEC       (1U | (3U << 1) | (0xfU << 5))		   /* E, PMC = EL1+EL0, BAS = all */
#define WCR_RW	       (1U | (3U << 1) | (3U << 3) | (0xffU << 5)) /* E, PAC, LSC = ld+st, BAS */

static volatile u32 bp_hits, wp_hits, steps, svcs;
static volatile u64 bp_elr, wp_far;
static volatile u64 watched = 5;
u64 el0_resume;

static __attribute__((noinline)) u32 target_fn(u32 x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

static bool hook(struct kit_frame *f, u64 esr, u64 far)
{
	switch (ESR_EC(esr)) {
	case EC_BKPT_CUR:
		bp_hits++;
		bp_elr = f->elr;
		sysreg_write(dbgbcr0_el1, 0); /* or it hits again on return */
		isb();
		return true;
	case EC_WATCH_CUR:
		wp_hits++;
		wp_far = far;
		sysreg_write(dbgwcr0_el1, 0);
		isb();
		return true;
	case EC_STEP_LOW:
		steps++;
		f->spsr |= SPSR_SS; /* step the next one too */
		return true;
	case EC_SVC64:
		svcs++;
		f->elr = el0_resume; /* back to EL1 after the EL0 snippet */
		f->spsr = SPSR_EL1H_DAIF;
		return true;
	default:
		return false;
	}
}

/* Runs four adds and an SVC at EL0 with SPSR.SS set; returns x0 as EL0 left it. */
static u64 el0_stepped(void)
{
	register u64 x0 __asm__("x0") = 0;
	__asm__ volatile("adr x10, 2f\n"
			 "adrp x9, el0_resume\n"
			 "str x10, [x9, :lo12:el0_resume]\n"
			 "adr x9, 1f\n"
			 "msr elr_el1, x9\n"
			 "mov x9, #(1 << 21)\n" /* EL0t, DAIF clear, SS */
			 "msr spsr_el1, x9\n"
			 "eret\n"
			 "1: add x0, x0, #1\n"
			 "add x0, x0, #1\n"
			 "add x0, x0, #1\n"
			 "add x0, x0, #1\n"
			 "svc #0\n"
			 "2:\n"
			 : "+r"(x0)
			 :
			 : "x9", "x10", "memory");
	return x0;
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin("debug");
	u64 dfr0 = sysreg_read(id_aa64dfr0_el1);
	u32 brps = (u32)((dfr0 >> 12) & 0xf) + 1, wrps = (u32)((dfr0 >> 20) & 0xf) + 1;
	test_fact("id_aa64dfr0=0x%lx brps=%u wrps=%u", dfr0, brps, wrps);
	kit_set_sync_hook(hook);

	sysreg_write(oslar_el1, 0); /* OS lock off (set at reset) */
	sysreg_write(mdscr_el1, MDSCR_KDE | MDSCR_MDE);
	isb();
	__asm__ volatile("msr daifclr, #8" ::: "memory"); /* PSTATE.D = 0 */
	u64 mdscr = sysreg_read(mdscr_el1);
	test_check((mdscr & (MDSCR_KDE | MDSCR_MDE)) == (MDSCR_KDE | MDSCR_MDE),
		   "MDSCR_EL1 holds KDE and MDE", "mdscr=0x%lx", mdscr);

	sysreg_write(dbgbvr0_el1, (u64)(uintptr_t)target_fn);
	sysreg_write(dbgbcr0_el1, BCR_EXEC);
	isb();
	u64 bvr = sysreg_read(dbgbvr0_el1);
	u32 r = target_fn(2);
	test_check(bp_hits == 1 && bp_elr == (u64)(uintptr_t)target_fn && r == 7,
		   "hardware breakpoint taken once at its address", "hits=%u elr=0x%lx bvr=0x%lx",
		   bp_hits, bp_elr, bvr);

	sysreg_write(dbgwvr0_el1, (u64)(uintptr_t)&watched);
	sysreg_write(dbgwcr0_el1, WCR_RW);
	isb();
	watched = watched + 1;
	test_check(wp_hits == 1 && wp_far >= (u64)(uintptr_t)&watched &&
		       wp_far < (u64)(uintptr_t)&watched + 8 && watched == 6,
		   "watchpoint taken once on the variable", "hits=%u far=0x%lx value=%lu", wp_hits,
		   wp_far, watched);

	/* PSTATE.D set first: with KDE and D clear, SS would step this EL1 code too. */
	__asm__ volatile("msr daifset, #8" ::: "memory");
	sysreg_write(mdscr_el1, MDSCR_KDE | MDSCR_MDE | MDSCR_SS);
	isb();
	u64 x0 = el0_stepped();
	sysreg_write(mdscr_el1, 0);
	isb();
	test_check(steps == 4 && svcs == 1 && x0 == 4,
		   "software step: one exception per instruction", "steps=%u svcs=%u x0=%lu", steps,
		   svcs, x0);
	kit_set_sync_hook(NULL);
	test_done();
}
