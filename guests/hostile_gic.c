/* SPDX-License-Identifier: MIT */
/*
 * hostile_gic: abuse of the emulated GICv3 (IHI0069). Its own virtual GIC may
 * do whatever the guest asks of it; what must hold is that nothing reaches
 * another VM or the physical GIC, the hypervisor survives every access, and
 * the guest's own GIC still works afterwards (a timer interrupt arrives):
 *  - every SPI nobody gave it: routed (also to affinities that do not exist),
 *    prioritised, enabled, made pending and active;
 *  - SGIs (ICC_SGI1R/ASGI1R/SGI0R) to target lists beyond its vCPUs, with
 *    Aff1/Aff2/Aff3, RS or IRM set: none may come back to it or leave the VM;
 *  - active-state and priority games: ISACTIVER on SGIs, EOI/DIR of INTIDs it
 *    never acknowledged, PMR 0, every active-priority bit set;
 *  - every distributor and redistributor offset written with random values
 *    (deterministic PRNG) at widths 1, 2, 4 and 8, and read back;
 *  - with a flat stage-1 map (Normal memory), unaligned accesses and accesses
 *    straddling the end of a frame, so the hypervisor sees odd addresses.
 */
#include "kit.h"

#define GICD_IIDR	 0x0008
#define GICD_ISENABLER	 0x0100
#define GICD_ISACTIVER	 0x0300
#define GICD_ICACTIVER	 0x0380
#define GICD_IPRIORITYR	 0x0400
#define GICD_ICFGR	 0x0c00
#define GICD_IROUTER	 0x6000
#define GICR_SGI	 0x10000
#define GICR_ISACTIVER0	 (GICR_SGI + 0x0300)
#define GICR_ICACTIVER0	 (GICR_SGI + 0x0380)
#define FRAME		 0x10000U
#define SEED		 0x7e55e7a0005eedULL
#define UNALIGNED_PROBES 4096U
#define EOI_GAMES	 512U

static volatile u32 hits[KIT_MAX_INTID];
static u64 rd; /* this vCPU's redistributor (vCPU 0: the first frame) */

static void count_irq(u32 intid)
{
	if (intid < KIT_MAX_INTID)
		hits[intid]++;
}

/* The timer is level-triggered: stop it in the handler or it fires forever. */
static void timer_irq(u32 intid)
{
	timer_disable();
	count_irq(intid);
}

static void clear_hits(void)
{
	for (u32 i = 0; i < KIT_MAX_INTID; i++)
		hits[i] = 0;
}

static u32 sum_hits(u32 from, u32 to)
{
	u32 n = 0;
	for (u32 i = from; i < to && i < KIT_MAX_INTID; i++)
		n += hits[i];
	return n;
}

/* Lets pending interrupts in for ms milliseconds of virtual time. */
static void irq_window(u32 ms)
{
	kit_irq_on();
	timer_delay(timer_freq() * ms / 1000);
	kit_irq_off();
}

static bool timer_irq_arrives(void)
{
	hits[INTID_VTIMER] = 0;
	gic_set_handler(INTID_VTIMER, timer_irq);
	gic_enable(INTID_VTIMER);
	timer_set_tval((s32)(timer_freq() / 1000));
	timer_enable(true);
	u64 end = timer_now() + timer_freq() / 20;
	kit_irq_on();
	while (!hits[INTID_VTIMER] && timer_now() < end)
		;
	kit_irq_off();
	timer_disable();
	return hits[INTID_VTIMER] > 0;
}

static void sgi_write(u32 enc_op2, u64 v)
{
	dsb_sy();
	if (enc_op2 == 5)
		sysreg_write(S3_0_C12_C11_5, v); /* ICC_SGI1R_EL1 */
	else if (enc_op2 == 6)
		sysreg_write(S3_0_C12_C11_6, v); /* ICC_ASGI1R_EL1 */
	else
		sysreg_write(S3_0_C12_C11_7, v); /* ICC_SGI0R_EL1 */
	isb();
}

static void foreign_spis(void)
{
	u32 lines = gic_nr_lines();

	if (lines > KIT_MAX_INTID)
		lines = KIT_MAX_INTID;
	u32 raised = 0;

	clear_hits();
	for (u32 i = 32; i < lines; i++) {
		if (i == GUEST_UART_INTID)
			continue;
		gic_set_handler(i, count_irq);
		/* Routes that name no CPU of this VM first, then itself. */
		mmio_write64(GUEST_GICD_BASE + GICD_IROUTER + 8ULL * i, 0xff00ffffffULL);
		mmio_write64(GUEST_GICD_BASE + GICD_IROUTER + 8ULL * i, BIT(31));
		mmio_write32(GUEST_GICD_BASE + GICD_ICFGR + (i / 16) * 4, ~0U);
		gic_route_spi(i, kit_cpu_id());
		gic_enable(i);
		gic_set_pending(i);
		raised++;
	}
	irq_window(20);
	u32 got = sum_hits(32, lines);
	test_fact("foreign_spis lines=%u raised=%u delivered=%u", lines, raised, got);
	test_check(got <= raised, "unassigned SPIs: each delivered at most once, only virtually",
		   "raised=%u delivered=%u", raised, got);

	/* Active state set on all of them, then cleared: nothing must fire meanwhile. */
	clear_hits();
	for (u32 i = 32; i < lines; i += 32) {
		mmio_write32(GUEST_GICD_BASE + GICD_ISACTIVER + i / 8, ~0U);
		mmio_write32(GUEST_GICD_BASE + GICD_ISENABLER + i / 8, ~0U);
	}
	for (u32 i = 34; i < lines; i++)
		gic_set_pending(i);
	irq_window(5);
	u32 while_active = sum_hits(32, lines);
	for (u32 i = 32; i < lines; i += 32)
		mmio_write32(GUEST_GICD_BASE + GICD_ICACTIVER + i / 8, ~0U);
	irq_window(10);
	for (u32 i = 32; i < lines; i++) {
		gic_disable(i);
		gic_clear_pending(i);
	}
	test_check(while_active == 0, "active SPIs are not delivered again", "delivered=%u",
		   while_active);
}

static void sgi_case(const char *what, u32 op2, u64 v, u32 expect)
{
	clear_hits();
	sgi_write(op2, v);
	irq_window(2);
	u32 got = sum_hits(0, 16);
	test_check(got == expect, what, "sgi1r=0x%lx arrived=%u expected=%u", v, got, expect);
}

static void sgi_spoof(void)
{
	for (u32 i = 0; i < 16; i++) {
		gic_set_handler(i, count_irq);
		gic_enable(i);
	}
	const u64 sgi3 = 3ULL << 24;
	sgi_case("SGI to itself arrives (control)", 5, sgi3 | 1, 1);
	sgi_case("SGI to target list 0xfffe (not ours) goes nowhere", 5, sgi3 | 0xfffe, 0);
	sgi_case("SGI with Aff1=1 goes nowhere", 5, sgi3 | (1ULL << 16) | 0xffff, 0);
	sgi_case("SGI with Aff1=0xff goes nowhere", 5, sgi3 | (0xffULL << 16) | 0xffff, 0);
	sgi_case("SGI with Aff2 set goes nowhere", 5, sgi3 | (1ULL << 32) | 0xffff, 0);
	sgi_case("SGI with Aff3 set goes nowhere", 5, sgi3 | (1ULL << 48) | 0xffff, 0);
	sgi_case("SGI with RS=1 goes nowhere", 5, sgi3 | (1ULL << 44) | 0xffff, 0);
	sgi_case("SGI with IRM=1 (all but self, alone in the VM) goes nowhere", 5,
		 sgi3 | BIT(40) | 0xffff, 0);
	sgi_case("Group 0 SGI (ICC_SGI0R) ignored", 7, sgi3 | 1, 0);
	sgi_case("alternate SGI (ICC_ASGI1R) ignored", 6, sgi3 | 1, 0);
	/* Random encodings: only those naming exactly this vCPU may come back. */
	u32 bad = 0, expected = 0, got = 0;
	for (u32 k = 0; k < 256; k++) {
		u64 v = kit_rand() & ~(0xfULL << 24); /* SGI 0 */
		bool self = !(v & BIT(40)) && !((v >> 16) & 0xff) && !((v >> 32) & 0xff) &&
			    !((v >> 44) & 0xf) && !((v >> 48) & 0xff) && (v & 1);
		clear_hits();
		sgi_write(5, v);
		irq_window(1);
		got += hits[0];
		expected += self;
		if (hits[0] != (u32)self)
			bad++;
	}
	test_check(bad == 0, "256 random ICC_SGI1R_EL1 values: only self-targeted ones arrive",
		   "bad=%u expected=%u got=%u", bad, expected, got);
}

static void active_games(void)
{
	/* Every SGI active: a new SGI stays pending until it is deactivated. */
	clear_hits();
	mmio_write32(rd + GICR_ISACTIVER0, 0xffff);
	sgi_write(5, (1ULL << 24) | 1);
	irq_window(2);
	u32 while_active = hits[1];
	/* EOI and deactivate INTIDs that were never acknowledged (ICC_EOIR1/DIR). */
	for (u32 k = 0; k < EOI_GAMES; k++) {
		u64 intid = k < 32 ? k : (kit_rand() & 0xffffff);
		sysreg_write(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1 */
		sysreg_write(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
	}
	isb();
	mmio_write32(rd + GICR_ICACTIVER0, 0xffff);
	irq_window(2);
	test_check(while_active == 0 && hits[1] == 1,
		   "SGI held while active, delivered once after ICACTIVER",
		   "while_active=%u after=%u", while_active, hits[1]);

	/* PMR 0 masks everything; every active-priority bit set masks everything too. */
	clear_hits();
	sysreg_write(S3_0_C4_C6_0, 0); /* ICC_PMR_EL1 */
	isb();
	sgi_write(5, (2ULL << 24) | 1);
	irq_window(2);
	u32 masked = hits[2];
	sysreg_write(S3_0_C4_C6_0, 0xff);
	isb();
	irq_window(2);
	test_check(masked == 0 && hits[2] == 1, "PMR 0 holds an SGI, PMR 0xff lets it in",
		   "masked=%u after=%u", masked, hits[2]);

	clear_hits();
	sysreg_write(S3_0_C12_C9_0, 0xffffffffULL); /* ICC_AP1R0_EL1 */
	sysreg_write(S3_0_C12_C12_3, 7);	    /* ICC_BPR1_EL1 */
	isb();
	sgi_write(5, (4ULL << 24) | 1);
	irq_window(2);
	u32 ap_masked = hits[4];
	sysreg_write(S3_0_C12_C9_0, 0);
	sysreg_write(S3_0_C12_C12_3, 0);
	isb();
	irq_window(2);
	test_fact("ap1r_masked=%u after=%u", ap_masked, hits[4]);
	test_check(hits[4] + ap_masked == 1, "active-priority games: the SGI arrives exactly once",
		   "masked=%u after=%u", ap_masked, hits[4]);

	/* IAR with nothing pending: spurious. */
	u64 iar = sysreg_read(S3_0_C12_C12_0);
	test_check((iar & 0xffffff) == 1023, "ICC_IAR1_EL1 with nothing pending reads 1023",
		   "iar=0x%lx", iar);
}

/* Every offset of a 64 KiB frame: random writes at widths 8/4/2/1 and reads back.
 * Returns how many accesses the hypervisor answered with an abort. */
static u32 blast_frame(u64 base)
{
	u32 aborts = 0;
	for (u32 off = 0; off < FRAME; off += 4) {
		u64 a = base + off, v, esr;
		u32 byte = (u32)(kit_rand() & 3);
		if (!(off & 7)) {
			v = kit_rand();
			aborts += !kit_access(a, KIT_W64, &v, &esr);
			aborts += !kit_access(a, KIT_R64, &v, &esr);
		}
		v = kit_rand();
		aborts += !kit_access(a, KIT_W32, &v, &esr);
		aborts += !kit_access(a, KIT_R32, &v, &esr);
		v = kit_rand();
		aborts += !kit_access(a + (byte & 2), KIT_W16, &v, &esr);
		aborts += !kit_access(a + (byte & 2), KIT_R16, &v, &esr);
		v = kit_rand();
		aborts += !kit_access(a + byte, KIT_W8, &v, &esr);
		aborts += !kit_access(a + byte, KIT_R8, &v, &esr);
	}
	return aborts;
}

static void blast(void)
{
	u32 d = blast_frame(GUEST_GICD_BASE);
	u32 r = blast_frame(rd);
	u32 s = blast_frame(rd + GICR_SGI);
	test_fact("blast aborts gicd=%u gicr_rd=%u gicr_sgi=%u", d, r, s);
	u32 iidr = mmio_read32(GUEST_GICD_BASE + GICD_IIDR);
	test_check(iidr != 0, "every GICD/GICR offset written with random values at every width",
		   "GICD_IIDR=0x%x afterwards", iidr);
}

/* Unaligned and frame-straddling accesses through Normal memory (MMU on): the
 * hypervisor gets ESR syndromes with odd addresses and sizes. */
static void unaligned(void)
{
	static const u64 edges[] = {
	    GUEST_GICD_BASE + FRAME - 1,
	    GUEST_GICD_BASE + FRAME - 2,
	    GUEST_GICD_BASE + FRAME - 4,
	    GUEST_GICD_BASE + FRAME - 6,
	    GUEST_GICR_BASE + FRAME - 3,
	    GUEST_GICR_BASE + 2 * FRAME - 3,
	    GUEST_GICR_BASE + 2 * FRAME - 7,
	    GUEST_GICD_BASE + GICD_IROUTER + 8 * 40 + 4,
	    GUEST_GICD_BASE + GICD_IPRIORITYR + 33,
	    GUEST_UART_BASE + GUEST_UART_SIZE - 2,
	};
	u32 aborts = 0, tried = 0;

	kit_mmu_flat(true);
	for (u32 k = 0; k < UNALIGNED_PROBES; k++) {
		u64 frame = (k % 3 == 0) ? GUEST_GICD_BASE : (k % 3 == 1) ? rd : rd + GICR_SGI;
		u64 a = frame + (kit_rand() % FRAME), v = kit_rand(), esr;
		enum kit_acc op = (enum kit_acc)(kit_rand() % KIT_ACC_COUNT);
		aborts += !kit_access(a, op, &v, &esr);
		tried++;
	}
	for (u32 e = 0; e < ARRAY_SIZE(edges); e++) {
		for (u32 op = 0; op < KIT_ACC_COUNT; op++) {
			u64 v = kit_rand(), esr;
			aborts += !kit_access(edges[e], (enum kit_acc)op, &v, &esr);
			tried++;
		}
	}
	kit_mmu_flat(false);
	test_fact("unaligned accesses=%u aborts=%u", tried, aborts);
	test_check(tried > 0, "unaligned and frame-straddling GIC accesses survived", "none");
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin("hostile_gic");
	kit_rand_seed(SEED);
	u64 mpidr[KIT_MAX_CPUS];
	u32 ncpu = dt_cpus((const void *)(uintptr_t)dtb, mpidr, KIT_MAX_CPUS);
	rd = GUEST_GICR_BASE;
	test_fact("cpus=%u lines=%u", ncpu, gic_nr_lines());
	test_check(timer_irq_arrives(), "baseline: timer interrupt arrives", "no timer irq");

	foreign_spis();
	sgi_spoof();
	active_games();
	blast();
	unaligned();

	/* Put the GIC back the way a guest would at boot, then check it still works. */
	for (u32 i = 32; i < gic_nr_lines(); i += 32)
		mmio_write32(GUEST_GICD_BASE + GICD_ICACTIVER + i / 8, ~0U);
	mmio_write32(rd + GICR_ICACTIVER0, ~0U);
	gic_init_dist();
	gic_init_cpu();
	gic_enable(5);
	test_check(timer_irq_arrives(), "own GIC still works after the abuse: timer interrupt",
		   "no timer irq");
	sgi_case("own GIC still works after the abuse: SGI to itself", 5, (5ULL << 24) | 1, 1);
	test_done();
}
