/* SPDX-License-Identifier: MIT */
/*
 * share_iso: isolation between vCPUs that time-share one physical CPU (issue 13 item 4).
 * Two copies run on the same CPU with different seeds ("seed=<n>" in bootargs). Each round
 * a copy fills everything it can observe with a pattern of its own: q0-q31 and FPCR, EL0/EL1
 * thread and context registers, both EL1 timers (armed far in the future, masked), its
 * virtual CPU interface (priority mask and binary point: ICH_VMCR) and a list register (a
 * self-SGI kept pending under the priority mask, seen through ICC_HPPIR1_EL1), then spins
 * for a few scheduler quanta, during which the other copy runs and does the same with its
 * own pattern, and checks that every value is still its own. A counter gap during the spin
 * shows that the CPU really went to the other copy meanwhile.
 * Debug registers ("dbg_from=<round>"): the hypervisor switches them only for a vCPU that
 * has touched them (lazy, MDCR_EL2.TDA). From round dbg_from on, a copy also fills two
 * breakpoints, a watchpoint and the OS lock with its pattern and checks them; on its first
 * debug round it first checks that it finds them at their reset values (all zero, OS lock
 * set), not the other copy's, which has been using them since its round 0.
 */
#include "kit.h"

#define DEFAULT_ROUNDS 100
#define SPIN_US	       3000 /* three 1 ms quanta */
#define GAP_US	       200  /* a counter jump this long: another vCPU ran */
#define CTL_ENABLE     BIT(0)
#define CTL_IMASK      BIT(1)
#define ICC_PMR_EL1    S3_0_C4_C6_0
#define ICC_BPR1_EL1   S3_0_C12_C12_3
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define FPCR_MASK      (0x3ULL << 22 | 0x7ULL << 24) /* RMode, FZ, DN, AHP */

static u64 fp_in[64] __attribute__((aligned(16)));
static u64 fp_out[64] __attribute__((aligned(16)));
static volatile u32 sgi_taken, sgi_last;

struct counts {
	u32 fp, sys, timer, gic, lr, switched, dbg, dbg_reset;
};

static void fp_load(const u64 *q)
{
	__asm__ volatile(".arch_extension fp\n.arch_extension simd\n"
			 "ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n"
			 "ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
			 "ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n"
			 "ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
			 "ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
			 "ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
			 "ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n"
			 "ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
			 :
			 : "r"(q)
			 : "memory");
}

static void fp_store(u64 *q)
{
	__asm__ volatile(".arch_extension fp\n.arch_extension simd\n"
			 "stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n"
			 "stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
			 "stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n"
			 "stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
			 "stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
			 "stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
			 "stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n"
			 "stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
			 :
			 : "r"(q)
			 : "memory");
}

static void sgi_irq(u32 intid)
{
	sgi_last = intid;
	sgi_taken++;
}

/* Spins SPIN_US of counter time with no FP/SIMD use; true if a gap showed another vCPU ran. */
static bool spin(u64 freq)
{
	u64 start = timer_now(), last = start, gap = freq / 1000000 * GAP_US;
	bool switched = false;

	while (last - start < freq / 1000000 * SPIN_US) {
		u64 now = timer_now();

		switched |= now - last > gap;
		last = now;
	}
	return switched;
}

struct pattern {
	u64 tpidr0, tpidrro, tpidr1, ctxid, fpcr, vcval, pcval;
	u32 pmr, bpr, sgi;
	u64 bvr0, bvr1, bcr0, wvr0, wcr0; /* disabled (E = 0): values only */
};

static void pattern_make(struct pattern *p, u64 seed, u32 round)
{
	kit_rand_seed(seed * 1000003ULL + round + 1);
	for (u32 i = 0; i < 64; i++) {
		fp_in[i] = kit_rand();
	}
	p->tpidr0 = kit_rand();
	p->tpidrro = kit_rand();
	p->tpidr1 = kit_rand();
	p->ctxid = kit_rand() & 0xffffffffULL;
	p->fpcr = kit_rand() & FPCR_MASK;
	p->vcval = timer_now() + (1ULL << 40) + (kit_rand() & 0xffffffULL);
	p->pcval = timer_now() + (1ULL << 41) + (kit_rand() & 0xffffffULL);
	p->pmr = 0x40 + (u32)(seed % 8) * 8; /* masks the kit's priority 0xa0 */
	p->bpr = 3 + (u32)(seed % 5);
	p->sgi = 1 + (u32)(seed % 14);
	p->bvr0 = kit_rand() & 0x0000fffffffffffcULL;
	p->bvr1 = kit_rand() & 0x0000fffffffffffcULL;
	p->bcr0 = (kit_rand() & 1 ? 0x1e0 : 0) | (kit_rand() & 6); /* BAS all or none, PMC */
	p->wvr0 = kit_rand() & 0x0000fffffffffff8ULL;
	p->wcr0 = kit_rand() & 0x1ffe; /* BAS, LSC, PAC; E = 0 */
}

static void dbg_apply(const struct pattern *p)
{
	sysreg_write(dbgbvr0_el1, p->bvr0);
	sysreg_write(dbgbvr1_el1, p->bvr1);
	sysreg_write(dbgbcr0_el1, p->bcr0);
	sysreg_write(dbgwvr0_el1, p->wvr0);
	sysreg_write(dbgwcr0_el1, p->wcr0);
	sysreg_write(oslar_el1, 0); /* OS lock clear: reset sets it */
	isb();
}

static bool dbg_is(const struct pattern *p)
{
	return sysreg_read(dbgbvr0_el1) == p->bvr0 && sysreg_read(dbgbvr1_el1) == p->bvr1 &&
	       sysreg_read(dbgbcr0_el1) == p->bcr0 && sysreg_read(dbgwvr0_el1) == p->wvr0 &&
	       sysreg_read(dbgwcr0_el1) == p->wcr0 && (sysreg_read(oslsr_el1) & 2) == 0;
}

/* Reset values (Arm ARM D13.3, as the hypervisor resets them): zero, OS lock set. */
static bool dbg_at_reset(void)
{
	return sysreg_read(dbgbvr0_el1) == 0 && sysreg_read(dbgbvr1_el1) == 0 &&
	       sysreg_read(dbgbcr0_el1) == 0 && sysreg_read(dbgwvr0_el1) == 0 &&
	       sysreg_read(dbgwcr0_el1) == 0 && sysreg_read(mdscr_el1) == 0 &&
	       (sysreg_read(oslsr_el1) & 2) != 0;
}

static void pattern_apply(const struct pattern *p)
{
	sysreg_write(tpidr_el0, p->tpidr0);
	sysreg_write(tpidrro_el0, p->tpidrro);
	sysreg_write(tpidr_el1, p->tpidr1);
	sysreg_write(contextidr_el1, p->ctxid);
	sysreg_write(fpcr, p->fpcr);
	sysreg_write(cntv_cval_el0, p->vcval);
	sysreg_write(cntv_ctl_el0, CTL_ENABLE | CTL_IMASK);
	sysreg_write(cntp_cval_el0, p->pcval);
	sysreg_write(cntp_ctl_el0, CTL_ENABLE | CTL_IMASK);
	sysreg_write(ICC_BPR1_EL1, p->bpr);
	sysreg_write(ICC_PMR_EL1, p->pmr);
	isb();
	gic_send_sgi(p->sgi, kit_cpu_id()); /* pending in an LR, masked by PMR */
	fp_load(fp_in);
}

static void pattern_check(const struct pattern *p, struct counts *c)
{
	u32 bad = 0;

	fp_store(fp_out);
	for (u32 i = 0; i < 64; i++) {
		bad += fp_out[i] != fp_in[i];
	}
	bad += (sysreg_read(fpcr) & FPCR_MASK) != p->fpcr;
	c->fp += bad != 0;
	c->sys += sysreg_read(tpidr_el0) != p->tpidr0 || sysreg_read(tpidrro_el0) != p->tpidrro ||
		  sysreg_read(tpidr_el1) != p->tpidr1 || sysreg_read(contextidr_el1) != p->ctxid;
	c->timer += sysreg_read(cntv_cval_el0) != p->vcval ||
		    sysreg_read(cntp_cval_el0) != p->pcval ||
		    (sysreg_read(cntv_ctl_el0) & 3) != (CTL_ENABLE | CTL_IMASK) ||
		    (sysreg_read(cntp_ctl_el0) & 3) != (CTL_ENABLE | CTL_IMASK);
	c->gic += (sysreg_read(ICC_PMR_EL1) & 0xff) != p->pmr ||
		  (sysreg_read(ICC_BPR1_EL1) & 7) != p->bpr;
	c->lr += (sysreg_read(ICC_HPPIR1_EL1) & 0xffffff) != p->sgi;
}

/* Unmasks: the pending self-SGI is taken now, and must be this copy's. */
static void pattern_release(const struct pattern *p, struct counts *c)
{
	u32 before = sgi_taken;

	sysreg_write(ICC_PMR_EL1, 0xff);
	isb();
	kit_irq_on();
	for (u32 i = 0; i < 1000 && sgi_taken == before; i++) {
		__asm__ volatile("isb");
	}
	kit_irq_off();
	c->lr += sgi_taken != before + 1 || sgi_last != p->sgi;
	sysreg_write(cntv_ctl_el0, 0);
	sysreg_write(cntp_ctl_el0, 0);
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u64 seed = kit_arg_u64(args, "seed=", 1);
	u32 rounds = (u32)kit_arg_u64(args, "rounds=", DEFAULT_ROUNDS);
	u64 dbg_from = kit_arg_u64(args, "dbg_from=", ~0ULL);
	u64 freq = timer_freq();
	struct counts c = {0};
	struct pattern p;

	test_begin("share_iso");
	sysreg_write(cpacr_el1, 3ULL << 20); /* FPEN: FP/SIMD at EL1 and EL0 */
	isb();
	for (u32 i = 1; i < 16; i++) {
		gic_set_handler(i, sgi_irq);
		gic_enable(i);
	}
	for (u32 r = 0; r < rounds; r++) {
		pattern_make(&p, seed, r);
		if (r == dbg_from) {
			c.dbg_reset += !dbg_at_reset();
		}
		if (r >= dbg_from) {
			dbg_apply(&p);
		}
		pattern_apply(&p);
		c.switched += spin(freq);
		pattern_check(&p, &c);
		if (r >= dbg_from) {
			c.dbg += !dbg_is(&p);
		}
		pattern_release(&p, &c);
	}
	test_fact("seed=%lu rounds=%u switched=%u fp_bad=%u sys_bad=%u timer_bad=%u gic_bad=%u "
		  "lr_bad=%u dbg_bad=%u dbg_reset_bad=%u",
		  seed, rounds, c.switched, c.fp, c.sys, c.timer, c.gic, c.lr, c.dbg, c.dbg_reset);
	test_check(c.switched >= rounds / 2, "shared its CPU", "switched in %u of %u rounds",
		   c.switched, rounds);
	test_check(c.fp == 0, "FP/SIMD registers and FPCR its own", "%u rounds wrong", c.fp);
	test_check(c.sys == 0, "EL0/EL1 system registers its own", "%u rounds wrong", c.sys);
	test_check(c.timer == 0, "both timers its own", "%u rounds wrong", c.timer);
	test_check(c.gic == 0, "priority mask and binary point its own", "%u rounds wrong", c.gic);
	test_check(c.lr == 0, "its pending interrupt and no other", "%u rounds wrong", c.lr);
	if (dbg_from < rounds) {
		test_check(c.dbg == 0, "breakpoints, watchpoint and OS lock its own",
			   "%u rounds wrong", c.dbg);
		test_check(c.dbg_reset == 0, "debug registers at reset until it used them",
			   "found another's");
	}
	test_done();
}
