/* SPDX-License-Identifier: MIT */
/*
 * nuttx_gic: the GICv3 usage of Apache NuttX's SMP arm64 port (qemu-armv8a board,
 * issue 18 item 3), rebuilt register by register from what NuttX's
 * arch/arm64/src/common/arm64_gicv3.c does (written from a reading of it, no code
 * taken), so that the hypervisor sees the same accesses in the same order:
 *
 * - the boot CPU brings up the distributor: GICD_CTLR = 0, then per SPI block
 *   ICENABLER, ICPENDR, IGROUPR = ~0 and IGRPMODR = ~0, word priorities 0xa0, level
 *   configuration, and GICD_CTLR = EnableGrp1NS (bit 1) | ARE_NS (bit 5, the
 *   two-security-state layout);
 * - every CPU, the boot one first, the others from PSCI CPU_ON (by HVC): its
 *   redistributor frame found by index (GICR base + cpu * 128 KiB, no GICR_TYPER
 *   scan), GICR_PIDR2 and GICR_TYPER read, GICR_WAKER woken only if ChildrenAsleep
 *   is set (GICR_PWRR written first), then ICENABLER0 = ~0 (no ICPENDR0: an SGI
 *   sent before this CPU came up stays pending), GICR_CTLR.RWP polled, IGROUPR0 =
 *   ~0, IGRPMODR0 = ~0, word priorities 0xa0, ICFGR1 = 0, ICC_SRE_EL1 read,
 *   ICC_PMR_EL1 = 0xff, ICC_IGRPEN1_EL1 = 1 (ICC_CTLR_EL1 and ICC_BPR1_EL1 left as
 *   reset), and last its two SGIs enabled (ISENABLER0);
 * - SGIs are sent as NuttX's arm64_gic_raise_sgi builds them: per target CPU the
 *   MPIDR is this CPU's MPIDR with Aff0 replaced by the index and bits 24-31 cleared,
 *   targets grouped by cluster (MPIDR & ~0xff), one ICC_SGI1R_EL1 write per cluster
 *   with Aff1-3 from the cluster, IRM = 0 and the Aff0 bits as TargetList.
 *
 * Secondaries then idle the way NuttX's idle loop does (dsb; wfi with IRQs unmasked),
 * their virtual timer enabled but parked at CVAL = ~0, so SGIs are their only
 * wake-up. Phases, each checked:
 *   early  - the boot CPU sends SGI_SCHED to each CPU before and right after its
 *            CPU_ON, before that CPU has touched its redistributor (reported only:
 *            whether it survives CPU_ON is the implementation's choice);
 *   sched  - work posted to one secondary at a time (the scheduler's SGI), the boot
 *            CPU waiting in WFI (its 1 ms tick running) for the secondary to finish;
 *   call   - an smp_call: SGI_CALL to every secondary at once while the boot CPU
 *            spins with IRQs masked until all have run it;
 *   reply  - the secondary's handler sends SGI_SCHED back to the idle boot CPU.
 * bootargs: rounds=<n> (default 2000).
 */
#include "kit.h"

#define SGI_SCHED      1 /* NuttX GIC_SMP_SCHED */
#define SGI_CALL       3 /* NuttX GIC_SMP_CALL */
#define DEFAULT_ROUNDS 2000
#define TICK_US	       1000
#define WAIT_MS	       2000 /* one SGI not taken within this is lost */
#define CPU_OFF_MS     2000
#define AFF_OFF	       1
#define PARKED	       (~0ULL)

/* Registers, as offsets from the distributor or a redistributor frame. */
#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_PIDR2	0xffe8
#define GICX_IGROUPR	0x0080
#define GICX_ISENABLER	0x0100
#define GICX_ICENABLER	0x0180
#define GICX_ICPENDR	0x0280
#define GICX_IPRIORITYR 0x0400
#define GICX_ICFGR	0x0c00
#define GICX_IGRPMODR	0x0d00
#define GICR_CTLR	0x0000
#define GICR_TYPER	0x0008
#define GICR_WAKER	0x0014
#define GICR_PWRR	0x0024
#define GICR_PIDR2	0xffe8
#define GICR_SGI	0x10000
#define GICD_CTLR_RWP	BIT(31)
#define GICR_CTLR_RWP	BIT(3)
#define GICD_EN_GRP1NS	BIT(1)
#define GICD_ARE_NS	BIT(5)
#define WAKER_PS	BIT(1)
#define WAKER_CA	BIT(2)
#define PRIO_X4		0xa0a0a0a0U
#define PMR_IDLE	0xff
#define MPIDR_ID_MASK	0xff00ffffffULL
#define SGIR_AFF_MASK	0xfULL
#define ICC_SRE_SRE	BIT(0)
#define ICC_SRE_DFB_DIB (BIT(1) | BIT(2))
#define CNTV_CTL_ENABLE BIT(0)

static inline void mmio_write8(u64 addr, u8 v)
{
	__asm__ volatile("strb %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

static inline u64 mmio_read64(u64 addr)
{
	u64 v;
	__asm__ volatile("ldr %x0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* NuttX's putreg32/getreg32 put a dmb before stores and after loads. */
static inline void put32(u64 addr, u32 v)
{
	__asm__ volatile("dmb sy" ::: "memory");
	mmio_write32(addr, v);
}

static inline u32 get32(u64 addr)
{
	u32 v = mmio_read32(addr);
	__asm__ volatile("dmb sy" ::: "memory");
	return v;
}

const bool kit_gic_by_guest = true;

static u32 ncpu, rounds;
static u64 freq;
static volatile u32 up[KIT_MAX_CPUS], stop;
static volatile u32 sched_seen[KIT_MAX_CPUS], call_seen[KIT_MAX_CPUS];
static volatile u32 work[KIT_MAX_CPUS], done[KIT_MAX_CPUS];
static volatile u32 call_gen, call_done[KIT_MAX_CPUS];
static volatile u32 reply_want, replies, ticks;
static volatile u32 timer_irqs[KIT_MAX_CPUS];

/* MPIDR of CPU index cpu: this CPU's MPIDR with Aff0 = cpu, bits 24..31 cleared. */
static u64 mpid_of(u32 cpu)
{
	u64 m = sysreg_read(mpidr_el1);
	return ((m & ~0xffULL) | cpu) & MPIDR_ID_MASK;
}

static u32 cpu_index(void)
{
	return (u32)(sysreg_read(mpidr_el1) & 0xff);
}

static u64 rdist(u32 cpu)
{
	return GUEST_GICR_BASE + cpu * GUEST_GICR_STRIDE;
}

static void sgi1r_write(u32 sgi, u64 cluster, u32 tlist)
{
	u64 v = (((cluster >> 32) & SGIR_AFF_MASK) << 48) |
		(((cluster >> 16) & SGIR_AFF_MASK) << 32) | ((u64)(sgi & 0xf) << 24) |
		(((cluster >> 8) & SGIR_AFF_MASK) << 16) | (tlist & 0xffff);
	dsb_sy();
	sysreg_write(S3_0_C12_C11_5, v); /* ICC_SGI1R_EL1 */
	isb();
}

/* One ICC_SGI1R_EL1 write per cluster of the CPUs in cpuset. */
static void raise_sgi(u32 sgi, u32 cpuset)
{
	u64 cluster = ~0ULL;
	u32 tlist = 0;

	for (u32 cpu = 0; cpu < 16; cpu++) {
		if (!(cpuset & (1U << cpu)))
			continue;
		u64 m = mpid_of(cpu);
		u64 c = m & ~0xffULL;
		if (cluster != ~0ULL && cluster != c) {
			sgi1r_write(sgi, cluster, tlist);
			tlist = 0;
		}
		tlist |= 1U << (m & 0xff);
		cluster = c;
	}
	if (cluster != ~0ULL)
		sgi1r_write(sgi, cluster, tlist);
}

static void dist_init(void)
{
	u32 lines = ((get32(GUEST_GICD_BASE + GICD_TYPER) & 0x1f) + 1) * 32;

	put32(GUEST_GICD_BASE + GICD_CTLR, 0);
	while (get32(GUEST_GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
	for (u32 i = 32; i < lines; i += 32) {
		put32(GUEST_GICD_BASE + GICX_ICENABLER + i / 8, ~0U);
		put32(GUEST_GICD_BASE + GICX_ICPENDR + i / 8, ~0U);
		put32(GUEST_GICD_BASE + GICX_IGROUPR + i / 8, ~0U);
		put32(GUEST_GICD_BASE + GICX_IGRPMODR + i / 8, ~0U);
	}
	while (get32(GUEST_GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
	for (u32 i = 32; i < lines; i += 4)
		put32(GUEST_GICD_BASE + GICX_IPRIORITYR + i, PRIO_X4);
	for (u32 i = 32; i < lines; i += 16)
		put32(GUEST_GICD_BASE + GICX_ICFGR + i / 4, 0);
	put32(GUEST_GICD_BASE + GICD_CTLR, GICD_ARE_NS | GICD_EN_GRP1NS);
}

static void cpu_gic_init(u32 cpu)
{
	u64 rd = rdist(cpu), sgi = rd + GICR_SGI;

	(void)get32(rd + GICR_PIDR2);
	(void)mmio_read64(rd + GICR_TYPER);
	if (get32(rd + GICR_WAKER) & WAKER_CA) {
		put32(rd + GICR_PWRR, 2);
		put32(rd + GICR_WAKER, get32(rd + GICR_WAKER) & ~WAKER_PS);
		while (get32(rd + GICR_WAKER) & WAKER_CA)
			;
	}
	put32(sgi + GICX_ICENABLER, ~0U);
	while (get32(rd + GICR_CTLR) & GICR_CTLR_RWP)
		;
	put32(sgi + GICX_IGROUPR, ~0U);
	put32(sgi + GICX_IGRPMODR, ~0U);
	for (u32 i = 0; i < 32; i += 4)
		put32(sgi + GICX_IPRIORITYR + i, PRIO_X4);
	put32(sgi + GICX_ICFGR + 4, 0);
	u64 sre = sysreg_read(S3_0_C12_C12_5); /* ICC_SRE_EL1 */
	if (!(sre & ICC_SRE_SRE)) {
		sysreg_write(S3_0_C12_C12_5, sre | ICC_SRE_SRE | ICC_SRE_DFB_DIB);
		isb();
	}
	sysreg_write(S3_0_C4_C6_0, PMR_IDLE); /* ICC_PMR_EL1 */
	sysreg_write(S3_0_C12_C12_7, 1);      /* ICC_IGRPEN1_EL1 */
	isb();
	/* up_enable_irq() of the two SGIs: ISENABLER0 of this CPU's frame. */
	put32(sgi + GICX_ISENABLER, BIT(SGI_SCHED));
	put32(sgi + GICX_ISENABLER, BIT(SGI_CALL));
}

static void sched_irq(u32 intid)
{
	(void)intid;
	u32 me = cpu_index();
	sched_seen[me]++;
	if (!up[me])
		return; /* taken before this CPU finished its start-up */
	if (me == 0) {
		replies++;
		return;
	}
	u32 w = __atomic_load_n(&work[me], __ATOMIC_ACQUIRE);
	if (w != done[me]) {
		__atomic_store_n(&done[me], w, __ATOMIC_RELEASE);
		if (__atomic_load_n(&reply_want, __ATOMIC_ACQUIRE))
			raise_sgi(SGI_SCHED, 1U);
	}
}

static void call_irq(u32 intid)
{
	(void)intid;
	u32 me = cpu_index();
	call_seen[me]++;
	__atomic_store_n(&call_done[me], __atomic_load_n(&call_gen, __ATOMIC_ACQUIRE),
			 __ATOMIC_RELEASE);
}

/* The boot CPU's tick (the NuttX system timer); a secondary's timer is parked. */
static void timer_irq(u32 intid)
{
	(void)intid;
	u32 me = cpu_index();
	if (me == 0) {
		ticks++;
		timer_set_cval(timer_now() + freq / 1000000 * TICK_US);
	} else {
		timer_irqs[me]++;
		timer_set_cval(PARKED);
	}
}

static void secondary(u64 ctx)
{
	u32 me = (u32)ctx;

	cpu_gic_init(me);
	/* The timer as a tickless secondary may leave it: its PPI enabled here, the timer
	 * enabled while CVAL still holds its reset value (it fires at once), then parked. */
	put32(rdist(me) + GICR_SGI + GICX_ISENABLER, BIT(INTID_VTIMER));
	sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
	timer_set_cval(PARKED);
	__atomic_store_n(&up[me], 1, __ATOMIC_RELEASE);
	kit_irq_on();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		dsb_sy();
		__asm__ volatile("wfi" ::: "memory");
	}
	kit_irq_off();
	timer_disable();
}

/* Waits (WFI, the tick as a backstop) until *p == want; false after WAIT_MS. */
static bool wait_eq(volatile u32 *p, u32 want)
{
	u64 end = timer_now() + freq / 1000 * WAIT_MS;
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) != want) {
		if (timer_now() > end)
			return false;
		dsb_sy();
		__asm__ volatile("wfi" ::: "memory");
	}
	return true;
}

static bool wait_ge(volatile u32 *p, u32 want)
{
	u64 end = timer_now() + freq / 1000 * WAIT_MS;
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want) {
		if (timer_now() > end)
			return false;
		dsb_sy();
		__asm__ volatile("wfi" ::: "memory");
	}
	return true;
}

static bool start_all(void)
{
	bool ok = true;
	for (u32 i = 1; i < ncpu; i++) {
		raise_sgi(SGI_SCHED, 1U << i); /* before CPU_ON */
		s64 r = kit_cpu_start(mpid_of(i), secondary, i);
		raise_sgi(SGI_SCHED, 1U << i); /* before CPU i has touched its redistributor */
		char what[40];
		fmt_snprintf(what, sizeof(what), "cpu %u on", i);
		ok &= test_check(r == PSCI_RET_SUCCESS && wait_eq(&up[i], 1), what,
				 "cpu_on=%ld up=%u", r, up[i]);
	}
	/* Not checked: bare QEMU resets a CPU's redistributor on CPU_ON and drops an SGI
	 * sent before it (the GIC leaves that to the implementation); Tessera keeps it. */
	u64 end = timer_now() + freq / 10;
	while (timer_now() < end)
		__asm__ volatile("yield");
	for (u32 i = 1; i < ncpu; i++)
		test_fact("cpu=%u sgis_sent_before_its_gic_init_taken=%u", i, sched_seen[i]);
	return ok;
}

static bool run_sched(u32 n, bool reply)
{
	u32 lost = 0;
	__atomic_store_n(&reply_want, reply ? 1 : 0, __ATOMIC_RELEASE);
	for (u32 r = 0; r < n && lost < 3; r++) {
		u32 t = 1 + r % (ncpu - 1);
		u32 w = work[t] + 1;
		u32 rep = replies;
		__atomic_store_n(&work[t], w, __ATOMIC_RELEASE);
		raise_sgi(SGI_SCHED, 1U << t);
		if (!wait_eq(&done[t], w)) {
			kit_printf("nuttx_gic: %s round %u: cpu %u did not run its work\n",
				   reply ? "reply" : "sched", r, t);
			lost++;
			continue;
		}
		if (reply && !wait_ge(&replies, rep + 1)) {
			kit_printf("nuttx_gic: reply round %u: cpu 0 did not take cpu %u's SGI\n",
				   r, t);
			lost++;
		}
	}
	__atomic_store_n(&reply_want, 0, __ATOMIC_RELEASE);
	return lost == 0;
}

static bool run_calls(u32 n)
{
	u32 all = ((1U << ncpu) - 1) & ~1U;
	for (u32 r = 0; r < n; r++) {
		u32 g = call_gen + 1;
		__atomic_store_n(&call_gen, g, __ATOMIC_RELEASE);
		kit_irq_off();
		raise_sgi(SGI_CALL, all);
		u64 end = timer_now() + freq / 1000 * WAIT_MS;
		for (u32 i = 1; i < ncpu; i++) {
			while (__atomic_load_n(&call_done[i], __ATOMIC_ACQUIRE) != g &&
			       timer_now() < end)
				__asm__ volatile("yield");
			if (call_done[i] != g) {
				kit_irq_on();
				kit_printf("nuttx_gic: call round %u: cpu %u did not run it\n", r,
					   i);
				return false;
			}
		}
		kit_irq_on();
	}
	return true;
}

static void stop_all(void)
{
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (u32 i = 1; i < ncpu; i++) {
		u64 end = timer_now() + freq / 1000 * CPU_OFF_MS;
		s64 aff;
		while ((aff = psci_affinity_info(mpid_of(i))) != AFF_OFF && timer_now() < end) {
			raise_sgi(SGI_CALL, 1U << i);
			timer_delay(freq / 1000);
		}
		char what[32];
		fmt_snprintf(what, sizeof(what), "cpu %u off", i);
		test_check(aff == AFF_OFF, what, "affinity=%ld", aff);
	}
}

int main(u64 dtb)
{
	u64 mp[KIT_MAX_CPUS];

	test_begin("nuttx_gic");
	ncpu = dt_cpus((const void *)(uintptr_t)dtb, mp, KIT_MAX_CPUS);
	rounds =
	    (u32)kit_arg_u64(dt_bootargs((const void *)(uintptr_t)dtb), "rounds=", DEFAULT_ROUNDS);
	freq = timer_freq();
	test_fact("cpus=%u rounds=%u", ncpu, rounds);
	if (!test_check(ncpu >= 2 && cpu_index() == 0, "at least 2 cpus, booted on cpu 0",
			"cpus=%u", ncpu))
		test_done();
	gic_set_handler(SGI_SCHED, sched_irq);
	gic_set_handler(SGI_CALL, call_irq);
	gic_set_handler(INTID_VTIMER, timer_irq);
	dist_init();
	cpu_gic_init(0);
	/* The tick: the virtual timer PPI enabled on this CPU only. */
	put32(rdist(0) + GICR_SGI + GICX_ISENABLER, BIT(INTID_VTIMER));
	timer_set_cval(timer_now() + freq / 1000000 * TICK_US);
	sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
	__atomic_store_n(&up[0], 1, __ATOMIC_RELEASE);
	kit_irq_on();

	if (start_all()) {
		test_check(run_sched(rounds, false), "every scheduler SGI woke its idle cpu",
			   "see the lines above");
		test_check(run_calls(rounds / 4), "every smp_call SGI reached every cpu",
			   "see the lines above");
		test_check(run_sched(rounds / 4, true),
			   "every SGI back to the idle boot cpu was taken", "see the lines above");
	}
	for (u32 i = 0; i < ncpu; i++)
		test_fact("cpu=%u sched=%u call=%u timer=%u", i, sched_seen[i], call_seen[i],
			  timer_irqs[i]);
	test_fact("ticks=%u replies=%u", ticks, replies);
	kit_irq_off();
	timer_disable();
	stop_all();
	test_done();
}
