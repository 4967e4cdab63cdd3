/* SPDX-License-Identifier: MIT */
/*
 * ipi_fast: the cross-vCPU SGI paths (vectors.S: the sender's sgi_other, which posts and
 * kicks before any register save; the receiver's irq_kick, which puts the posted SGI into
 * a list register) and the C paths they fall back to, checked by what arrives on vCPU 1:
 *  - each INTID 0..15 sent to vCPU 1 in WFI arrives there once, nowhere else;
 *  - while vCPU 1 is in an SGI handler, vCPU 0 reads that SGI as active in vCPU 1's
 *    redistributor (a fold request: the kick must not be absorbed by the fast path), and
 *    as inactive once the handler has returned;
 *  - 15 SGIs sent while vCPU 1 is in that handler (more than the list registers, several
 *    posted at once) each arrive once after it;
 *  - an SGI disabled on vCPU 1 waits, and arrives once when vCPU 0 enables it;
 *  - TargetList 0xfffe (vCPU 1 and vCPUs that do not exist) arrives once on vCPU 1 only;
 *    TargetList 0x3 (the sender and vCPU 1) arrives once on each;
 *  - 2000 pings with rotating INTIDs, each answered by a pong (vCPU 0 alternately in WFI
 *    and polling): every one arrives once.
 */
#include "kit.h"

#define TIMEOUT_MS  2000
#define ROUNDS	    2000U
#define SGI_PONG    1
#define SGI_HOLD    15
#define SGI_OFF	    7
#define SGI_WIDE    9
#define SGI_BOTH    10
#define GICR_SGI_B  (GUEST_GICR_BASE + GUEST_GICR_STRIDE + 0x10000) /* vCPU 1's SGI_base */
#define GICR_ISEN0  0x100
#define GICR_ICEN0  0x180
#define GICR_ISACT0 0x300

static volatile u32 hits[2][16];
static volatile u32 cpu1_up, cpu1_stop, hold_armed, in_handler, release, pong_on;

static u64 deadline(void)
{
	return timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
}

/* As timer_wait_ge, sleeping in WFI between interrupts. */
static bool wait_ge_wfi(volatile u32 *p, u32 want)
{
	u64 end = deadline();
	while (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want && timer_now() < end) {
		kit_irq_off();
		if (__atomic_load_n(p, __ATOMIC_ACQUIRE) < want)
			__asm__ volatile("wfi");
		kit_irq_on();
	}
	return __atomic_load_n(p, __ATOMIC_ACQUIRE) >= want;
}

static void sgi_handler(u32 intid)
{
	u32 me = kit_cpu_id() ? 1 : 0;

	__atomic_fetch_add(&hits[me][intid], 1, __ATOMIC_RELEASE);
	if (me == 1 && intid == SGI_HOLD && hold_armed) {
		hold_armed = 0;
		__atomic_store_n(&in_handler, 1, __ATOMIC_RELEASE);
		u64 end = deadline();
		while (!__atomic_load_n(&release, __ATOMIC_ACQUIRE) && timer_now() < end)
			__asm__ volatile("yield");
		release = 0;
		__atomic_store_n(&in_handler, 0, __ATOMIC_RELEASE);
	}
	if (me == 1 && pong_on && intid != SGI_PONG)
		gic_send_sgi(SGI_PONG, 0);
}

static void cpu1_main(u64 ctx)
{
	(void)ctx;
	for (u32 i = 0; i < 16; i++)
		gic_enable(i);
	__atomic_store_n(&cpu1_up, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&cpu1_stop, __ATOMIC_ACQUIRE)) {
		kit_irq_on();
		__asm__ volatile("wfi");
		kit_irq_off();
	}
}

static void sgi1r(u64 v)
{
	dsb_sy();
	sysreg_write(S3_0_C12_C11_5, v);
	isb();
}

static void clear_hits(void)
{
	for (u32 c = 0; c < 2; c++)
		for (u32 i = 0; i < 16; i++)
			hits[c][i] = 0;
	dsb_sy();
}

/* hits[1][i] == want[i] and hits[0][i] == want0[i] for every INTID, after a pause that lets
 * any duplicate arrive. */
static bool hits_are(const u32 *want1, const u32 *want0, u32 *bad)
{
	timer_delay(timer_freq() / 100);
	for (u32 i = 0; i < 16; i++) {
		if (hits[1][i] != want1[i] || hits[0][i] != want0[i]) {
			*bad = i;
			return false;
		}
	}
	return true;
}

static void check_each_intid(void)
{
	u32 w1[16], w0[16] = {0}, bad = 0;
	bool ok = true;

	for (u32 i = 0; i < 16; i++) {
		w1[i] = 1;
		gic_send_sgi(i, 1);
		ok = ok && timer_wait_ge(&hits[1][i], 1, TIMEOUT_MS);
	}
	ok = ok && hits_are(w1, w0, &bad);
	test_check(ok, "each INTID 0..15 sent to vCPU 1 in WFI arrives there once",
		   "intid=%u cpu1=%u cpu0=%u", bad, hits[1][bad], hits[0][bad]);
}

static bool active_on_cpu1(void)
{
	return (mmio_read32(GICR_SGI_B + GICR_ISACT0) >> SGI_HOLD) & 1;
}

/* Polls vCPU 1's GICR_ISACTIVER0 until SGI_HOLD reads as want. */
static bool wait_active(bool want)
{
	u64 end = deadline();
	while (active_on_cpu1() != want) {
		if (timer_now() > end)
			return false;
	}
	return true;
}

static void check_hold_and_burst(void)
{
	u32 w1[16], w0[16] = {0}, bad = 0;
	bool held, seen, ok = true;

	clear_hits();
	hold_armed = 1;
	dsb_sy();
	gic_send_sgi(SGI_HOLD, 1);
	held = timer_wait_ge(&in_handler, 1, TIMEOUT_MS);
	seen = held && wait_active(true);
	test_check(seen, "an SGI in vCPU 1's handler reads as active from vCPU 0 (fold request)",
		   "held=%u isactiver0=0x%x", held, mmio_read32(GICR_SGI_B + GICR_ISACT0));
	for (u32 i = 0; i < 15; i++) {
		w1[i] = 1;
		gic_send_sgi(i, 1);
	}
	w1[SGI_HOLD] = 1;
	__atomic_store_n(&release, 1, __ATOMIC_RELEASE);
	for (u32 i = 0; i < 15; i++)
		ok = ok && timer_wait_ge(&hits[1][i], 1, TIMEOUT_MS);
	ok = ok && hits_are(w1, w0, &bad);
	test_check(ok, "15 SGIs sent while vCPU 1 is in a handler arrive once each after it",
		   "intid=%u cpu1=%u cpu0=%u", bad, hits[1][bad], hits[0][bad]);
	test_check(wait_active(false), "the SGI reads as inactive once the handler returned",
		   "isactiver0=0x%x", mmio_read32(GICR_SGI_B + GICR_ISACT0));
}

static void check_disabled(void)
{
	u32 before;

	clear_hits();
	mmio_write32(GICR_SGI_B + GICR_ICEN0, 1U << SGI_OFF);
	gic_send_sgi(SGI_OFF, 1);
	timer_delay(timer_freq() / 100);
	before = hits[1][SGI_OFF];
	mmio_write32(GICR_SGI_B + GICR_ISEN0, 1U << SGI_OFF);
	bool arrived = timer_wait_ge(&hits[1][SGI_OFF], 1, TIMEOUT_MS);
	timer_delay(timer_freq() / 100);
	test_check(before == 0 && arrived && hits[1][SGI_OFF] == 1,
		   "an SGI disabled on vCPU 1 waits, and arrives once when enabled",
		   "while disabled=%u after=%u", before, hits[1][SGI_OFF]);
}

static void check_target_lists(void)
{
	u32 w1[16] = {0}, w0[16] = {0}, bad = 0;
	bool ok;

	clear_hits();
	w1[SGI_WIDE] = 1;
	sgi1r(((u64)SGI_WIDE << 24) | 0xfffe);
	ok = timer_wait_ge(&hits[1][SGI_WIDE], 1, TIMEOUT_MS) && hits_are(w1, w0, &bad);
	test_check(ok,
		   "TargetList 0xfffe (vCPU 1 and vCPUs that do not exist) arrives once on vCPU 1",
		   "intid=%u cpu1=%u cpu0=%u", bad, hits[1][bad], hits[0][bad]);
	w1[SGI_BOTH] = 1;
	w0[SGI_BOTH] = 1;
	sgi1r(((u64)SGI_BOTH << 24) | 0x3);
	ok = timer_wait_ge(&hits[1][SGI_BOTH], 1, TIMEOUT_MS) &&
	     timer_wait_ge(&hits[0][SGI_BOTH], 1, TIMEOUT_MS) && hits_are(w1, w0, &bad);
	test_check(ok, "TargetList 0x3 (the sender and vCPU 1) arrives once on each",
		   "intid=%u cpu1=%u cpu0=%u", bad, hits[1][bad], hits[0][bad]);
}

static void check_ping_pong(void)
{
	u32 sent[16] = {0}, r, bad = 0;
	bool ok = true;

	clear_hits();
	pong_on = 1;
	dsb_sy();
	for (r = 0; r < ROUNDS && ok; r++) {
		u32 intid = 2 + r % 13; /* 2..14 */
		sent[intid]++;
		gic_send_sgi(intid, 1);
		ok = (r & 1) ? wait_ge_wfi(&hits[0][SGI_PONG], r + 1)
			     : timer_wait_ge(&hits[0][SGI_PONG], r + 1, TIMEOUT_MS);
	}
	pong_on = 0;
	u32 w0[16] = {0};
	w0[SGI_PONG] = ROUNDS;
	ok = ok && hits_are(sent, w0, &bad);
	test_check(ok, "2000 pings with rotating INTIDs, each answered, arrive once each",
		   "round=%u intid=%u cpu1=%u cpu0=%u", r, bad, hits[1][bad], hits[0][bad]);
}

int main(u64 dtb)
{
	u64 mpidr[KIT_MAX_CPUS];
	u32 ncpu;

	test_begin("ipi_fast");
	ncpu = dt_cpus((const void *)(uintptr_t)dtb, mpidr, KIT_MAX_CPUS);
	if (!test_check(ncpu >= 2 && (mpidr[1] & 0xff) == 1, "two vCPUs, the second Aff0 1",
			"ncpu=%u", ncpu))
		test_done();
	for (u32 i = 0; i < 16; i++) {
		gic_set_handler(i, sgi_handler);
		gic_enable(i);
	}
	kit_irq_on();
	s64 r = kit_cpu_start(mpidr[1], cpu1_main, 0);
	if (!test_check(r == 0 && timer_wait_ge(&cpu1_up, 1, TIMEOUT_MS), "cpu 1 on", "cpu_on=%ld",
			r))
		test_done();
	timer_delay(timer_freq() / 100); /* vCPU 1 in WFI */
	check_each_intid();
	check_hold_and_burst();
	check_disabled();
	check_target_lists();
	check_ping_pong();
	__atomic_store_n(&cpu1_stop, 1, __ATOMIC_RELEASE);
	gic_send_sgi(0, 1); /* wake it to see the stop flag */
	u64 end = deadline();
	while (psci_affinity_info(mpidr[1]) != 1 && timer_now() < end)
		timer_delay(1000);
	test_done();
}
