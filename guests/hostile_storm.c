/* SPDX-License-Identifier: MIT */
/*
 * hostile_storm: trap and interrupt storms at full speed, each for a bounded
 * time (storm_ms=<n> of virtual time, default 200), while the neighbour's
 * heartbeat must not stall: hypercalls (fast path, slow path, SMC, unknown
 * IDs), distributor MMIO traps, SGIs to itself (taken one by one, then piled
 * up with interrupts masked), and external aborts. Afterwards its own timer
 * interrupt must still arrive.
 */
#include "kit.h"

#define GICD_TYPER     0x0004
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define STORM_SPI      100U
#define ABORT_ADDR     0x0a000000ULL /* a virtio-mmio slot nobody was given */

static volatile u32 sgi_hits, timer_hits;
static u64 storm_ticks;

static void sgi_irq(u32 intid)
{
	(void)intid;
	sgi_hits++;
}

static void timer_irq(u32 intid)
{
	(void)intid;
	timer_disable(); /* level-triggered: stop it or it fires forever */
	timer_hits++;
}

static void report(const char *what, u64 n, u64 t0)
{
	u64 ms = (timer_now() - t0) * 1000 / timer_freq();
	char w[96];
	test_fact("storm=%s ops=%lu ms=%lu", what, n, ms);
	fmt_snprintf(w, sizeof(w), "%s storm ran and the guest came back", what);
	test_check(n > 0, w, "ops=%lu", n);
}

static void hvc_storm(void)
{
	u64 t0 = timer_now(), end = t0 + storm_ticks, n = 0;
	bool bad = false;
	while (timer_now() < end) {
		bad |= kit_hvc(TESSERA_HC_VERSION, 0, 0, 0).x0 != TESSERA_ABI_VERSION;
		(void)hyp_heartbeat();
		(void)kit_hvc(TESSERA_HC_FEATURES, TESSERA_HC_VM_ID, 0, 0);
		bad |= (s64)kit_hvc(TESSERA_HC_BASE + 0xff, n, n, n).x0 != TESSERA_NOT_SUPPORTED;
		u64 r[8] = {PSCI_FEATURES, PSCI_CPU_ON_64, 0, 0, 0, 0, 0, 0};
		kit_smccc(true, r);
		n += 5;
	}
	report("hypercall", n, t0);
	test_check(!bad, "hypercall storm: every answer right", "a wrong answer");
}

static void mmio_storm(void)
{
	u64 t0 = timer_now(), end = t0 + storm_ticks, n = 0;
	u32 typer = mmio_read32(GUEST_GICD_BASE + GICD_TYPER);
	bool bad = false;
	while (timer_now() < end) {
		bad |= mmio_read32(GUEST_GICD_BASE + GICD_TYPER) != typer;
		mmio_write32(GUEST_GICD_BASE + GICD_ISENABLER + (STORM_SPI / 32) * 4,
			     1U << (STORM_SPI % 32));
		mmio_write32(GUEST_GICD_BASE + GICD_ICENABLER + (STORM_SPI / 32) * 4,
			     1U << (STORM_SPI % 32));
		n += 3;
	}
	report("GICD MMIO", n, t0);
	test_check(!bad, "GICD MMIO storm: GICD_TYPER stable", "changed");
}

static void sgi_storm(void)
{
	gic_set_handler(0, sgi_irq);
	gic_enable(0);
	u64 t0 = timer_now(), end = t0 + storm_ticks, n = 0;
	kit_irq_on();
	while (timer_now() < end) {
		gic_send_sgi(0, kit_cpu_id());
		n++;
	}
	kit_irq_off();
	u32 taken = sgi_hits;
	report("SGI (taken)", n, t0);
	test_check(taken > 0 && taken <= n, "SGI storm: SGIs delivered, never more than sent",
		   "sent=%lu taken=%u", n, taken);

	t0 = timer_now();
	end = t0 + storm_ticks / 4;
	n = 0;
	while (timer_now() < end) {
		gic_send_sgi(0, kit_cpu_id());
		n++;
	}
	sgi_hits = 0;
	kit_irq_on();
	timer_delay(timer_freq() / 1000);
	kit_irq_off();
	report("SGI (masked)", n, t0);
	test_check(sgi_hits == 1, "masked SGI storm: one pending SGI, taken once", "taken=%u",
		   sgi_hits);
	gic_disable(0);
}

static void abort_storm(void)
{
	u64 t0 = timer_now(), end = t0 + storm_ticks, n = 0, aborted = 0;
	while (timer_now() < end) {
		u64 v = 0, esr = 0;
		aborted += !kit_access(ABORT_ADDR, (n & 1) ? KIT_W32 : KIT_R32, &v, &esr);
		n++;
	}
	report("abort", n, t0);
	test_check(aborted == n, "abort storm: every access aborted", "aborted=%lu of %lu", aborted,
		   n);
}

int main(u64 dtb)
{
	test_begin("hostile_storm");
	storm_ticks = timer_freq() *
		      kit_arg_u64(dt_bootargs((const void *)(uintptr_t)dtb), "storm_ms=", 200) /
		      1000;
	hvc_storm();
	mmio_storm();
	sgi_storm();
	abort_storm();

	gic_set_handler(INTID_VTIMER, timer_irq);
	gic_enable(INTID_VTIMER);
	timer_set_tval((s32)(timer_freq() / 1000));
	timer_enable(true);
	u64 end = timer_now() + timer_freq() / 20;
	kit_irq_on();
	while (!timer_hits && timer_now() < end)
		;
	kit_irq_off();
	test_check(timer_hits == 1, "timer interrupt still arrives after the storms", "hits=%u",
		   timer_hits);
	test_done();
}
