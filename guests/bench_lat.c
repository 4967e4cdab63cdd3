/* SPDX-License-Identifier: MIT */
/*
 * bench_lat: path-length microbenchmarks, run under Tessera and on bare QEMU
 * with -icount shift=4 (one CNTVCT tick = one instruction; bench/run.sh).
 * Each figure: WARMUP discarded samples, then SAMPLES measured ones, reported
 * as "BENCH <name>: min= med= max= samples=" with the timestamp pair's own
 * cost subtracted where the figure is "instructions between two reads".
 *   hvc         HVC #0 TESSERA_HC_VERSION round trip (Tessera only: no EL2 on bare)
 *   psci_version, smccc_version, smccc_arch_features, psci_features, migrate_info_type:
 *               the same for the side-effect-free standard queries
 *   svc         SVC round trip through an EL1 vector that only ERETs (reference)
 *   vtimer      virtual timer deadline (CVAL) to the guest handler's first read
 *   gicd_write  one GICD_ISENABLER1 store (INTID 33)
 *   gicd_read   one GICD_TYPER load
 *   gicd_prio   one GICD_IPRIORITYR8 store (INTIDs 32-35)
 *   gicr_write  one GICR_ISENABLER0 store (SGI 5, this CPU's redistributor)
 *   uart_fr     one PL011 UARTFR load
 *   sgi_self    ICC_SGI1R_EL1 write to self until the handler's first read
 *   ipi_cross   SGI from CPU 0 to CPU 1 (in WFI) until CPU 1's handler (>= 2 CPUs)
 *   uart_write  one PL011 UARTDR store
 * Deterministic: fixed sample counts, deadlines from a fixed sequence.
 */
#include "kit.h"

#define WARMUP	     16
#define SAMPLES	     256
#define SGI_SELF     1
#define SGI_PING     2
#define SGI_PONG     3
#define GICD_TYPER   0x0004
#define GICD_ISEN1   0x0104
#define GICD_ICEN1   0x0184
#define GICD_IPRIO8  0x0420
#define GICR_ISEN0   0x10100 /* SGI_base frame of vCPU 0's redistributor */
#define GICR_ICEN0   0x10180
#define SGI_BENCH    5
#define UARTFR	     0x018
#define UART_INTID_B (1U << (GUEST_UART_INTID - 32))
#define TIMEOUT_MS   2000

static u64 samples[SAMPLES];
static u64 ovh;
static u32 figures, empty_figures;

/* bench_report, counting figures that got no sample (a path that never completed). */
static void lat_report(const char *name, u64 *s, u32 n)
{
	figures++;
	empty_figures += n == 0;
	bench_report(name, s, n);
}
static volatile u64 irq_time;
static volatile u32 irq_seen;
static volatile u32 cpu1_up, cpu1_stop;

/* A vector table whose every entry returns at once: the SVC reference path. */
__asm__(".pushsection .text.bench_vec, \"ax\"\n"
	".balign 2048\n"
	".global bench_vec\n"
	"bench_vec:\n"
	".rept 16\n"
	"eret\n"
	".balign 128\n"
	".endr\n"
	".popsection\n");
extern char bench_vec[];

static void record(u32 i, u64 v)
{
	if (i >= WARMUP)
		samples[i - WARMUP] = v;
}

static void on_irq(u32 intid)
{
	irq_time = bench_now();
	if (intid == INTID_VTIMER)
		timer_disable(); /* level-triggered: drop the line before EOI */
	irq_seen = 1;
}

static bool wait_seen(void)
{
	u64 end = timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
	while (!irq_seen) {
		if (timer_now() > end)
			return false;
	}
	return true;
}

/* One HVC round trip of function fid (x1 = arg), WARMUP + SAMPLES times. */
static void bench_call(const char *name, u32 fid, u64 arg)
{
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		register u64 x0 __asm__("x0") = fid;
		register u64 x1 __asm__("x1") = arg;
		u64 t0, t1;
		__asm__ volatile("isb\n\tmrs %2, cntvct_el0\n\thvc #0\n\tisb\n\tmrs %3, cntvct_el0"
				 : "+r"(x0), "+r"(x1), "=&r"(t0), "=r"(t1)
				 :
				 : "x2", "x3", "memory");
		record(i, t1 - t0 - ovh);
	}
	lat_report(name, samples, SAMPLES);
}

static void bench_hvc(void)
{
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		register u64 x0 __asm__("x0") = TESSERA_HC_VERSION;
		u64 t0, t1;
		__asm__ volatile("isb\n\tmrs %1, cntvct_el0\n\thvc #0\n\tisb\n\tmrs %2, cntvct_el0"
				 : "+r"(x0), "=&r"(t0), "=r"(t1)
				 :
				 : "x1", "x2", "x3", "memory");
		record(i, t1 - t0 - ovh);
	}
	lat_report("hvc", samples, SAMPLES);
}

static void bench_svc(void)
{
	u64 old = sysreg_read(vbar_el1);
	kit_irq_off();
	sysreg_write(vbar_el1, (u64)(uintptr_t)bench_vec);
	isb();
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		u64 t0, t1;
		__asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tsvc #0\n\tisb\n\tmrs %1, cntvct_el0"
				 : "=&r"(t0), "=r"(t1)
				 :
				 : "memory");
		record(i, t1 - t0 - ovh);
	}
	sysreg_write(vbar_el1, old);
	isb();
	lat_report("svc", samples, SAMPLES);
}

static void bench_vtimer(void)
{
	gic_set_handler(INTID_VTIMER, on_irq);
	gic_enable(INTID_VTIMER);
	kit_irq_on();
	u32 n = 0;
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		irq_seen = 0;
		/* Deadlines at varying distances so the interrupt lands at varying points. */
		u64 cval = bench_now() + 3000 + (i * 97) % 1000;
		timer_set_cval(cval);
		timer_enable(true);
		if (!wait_seen())
			break;
		record(i, irq_time - cval);
		n = i + 1;
	}
	kit_irq_off();
	timer_disable();
	gic_disable(INTID_VTIMER);
	lat_report("vtimer", samples, n > WARMUP ? n - WARMUP : 0);
}

static void bench_gicd(void)
{
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		u64 t0 = bench_now();
		mmio_write32(GUEST_GICD_BASE + GICD_ISEN1, UART_INTID_B);
		u64 t1 = bench_now();
		mmio_write32(GUEST_GICD_BASE + GICD_ICEN1, UART_INTID_B);
		record(i, t1 - t0 - ovh);
	}
	lat_report("gicd_write", samples, SAMPLES);
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		u64 t0 = bench_now();
		u32 v = mmio_read32(GUEST_GICD_BASE + GICD_TYPER);
		u64 t1 = bench_now();
		(void)v;
		record(i, t1 - t0 - ovh);
	}
	lat_report("gicd_read", samples, SAMPLES);
}

/* One 32-bit store to addr (undo: a store to undo_addr outside the timed window), or one
 * 32-bit load from addr when undo_addr is 0. */
static void bench_mmio(const char *name, u64 addr, u32 val, u64 undo_addr, u32 undo_val)
{
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		u64 t0 = bench_now();
		if (undo_addr)
			mmio_write32(addr, val);
		else
			val = mmio_read32(addr);
		u64 t1 = bench_now();
		if (undo_addr)
			mmio_write32(undo_addr, undo_val);
		record(i, t1 - t0 - ovh);
	}
	lat_report(name, samples, SAMPLES);
}

/* The emulated-MMIO rows beyond gicd_write/gicd_read (issue 12 item 3). Only vCPU 0's
 * redistributor: this runs on CPU 0, whose frame is the first. */
static void bench_mmio_more(void)
{
	u64 prio = GUEST_GICD_BASE + GICD_IPRIO8;

	bench_mmio("gicd_prio", prio, 0xa0a0a0a0U, prio, mmio_read32(prio));
	bench_mmio("gicr_write", GUEST_GICR_BASE + GICR_ISEN0, 1U << SGI_BENCH,
		   GUEST_GICR_BASE + GICR_ICEN0, 1U << SGI_BENCH);
	bench_mmio("uart_fr", GUEST_UART_BASE + UARTFR, 0, 0, 0);
}

static void bench_sgi_self(void)
{
	gic_set_handler(SGI_SELF, on_irq);
	gic_enable(SGI_SELF);
	kit_irq_on();
	u32 me = kit_cpu_id(), n = 0;
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		irq_seen = 0;
		u64 t0 = bench_now();
		gic_send_sgi(SGI_SELF, me);
		if (!wait_seen())
			break;
		record(i, irq_time - t0);
		n = i + 1;
	}
	kit_irq_off();
	gic_disable(SGI_SELF);
	lat_report("sgi_self", samples, n > WARMUP ? n - WARMUP : 0);
}

static void bench_uart(void)
{
	kit_printf("uart bytes follow\n");
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		char c = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
		u64 t0 = bench_now();
		mmio_write32(GUEST_UART_BASE, (u8)c);
		u64 t1 = bench_now();
		record(i, t1 - t0 - ovh);
	}
	kit_printf("\n");
	lat_report("uart_write", samples, SAMPLES);
}

/* CPU 1: answers every PING (timestamped first) with a PONG that wakes CPU 0. */
static void cpu1_ping(u32 intid)
{
	(void)intid;
	irq_time = bench_now();
	irq_seen = 1;
	gic_send_sgi(SGI_PONG, 0);
}

static void pong(u32 intid)
{
	(void)intid;
}

static void cpu1_main(u64 ctx)
{
	(void)ctx;
	gic_enable(SGI_PING);
	__atomic_store_n(&cpu1_up, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&cpu1_stop, __ATOMIC_ACQUIRE)) {
		kit_irq_on();
		__asm__ volatile("wfi");
		kit_irq_off();
	}
}

static void bench_ipi_cross(const void *dtb)
{
	u64 mpidr[KIT_MAX_CPUS];
	u32 ncpu = dt_cpus(dtb, mpidr, KIT_MAX_CPUS);
	if (ncpu < 2 || (mpidr[1] & 0xff) != 1) {
		kit_printf("BENCH ipi_cross: samples=0 (needs a second CPU with Aff0 1)\n");
		return;
	}
	gic_set_handler(SGI_PING, cpu1_ping);
	gic_set_handler(SGI_PONG, pong);
	gic_enable(SGI_PONG);
	s64 r = kit_cpu_start(mpidr[1], cpu1_main, 0);
	u64 end = timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
	/* yield: under TCG round-robin it lets the other CPU run now. */
	while (r == 0 && !__atomic_load_n(&cpu1_up, __ATOMIC_ACQUIRE) && timer_now() < end)
		__asm__ volatile("yield");
	if (r != 0 || !cpu1_up) {
		test_check(false, "cpu 1 on", "cpu_on=%ld up=%u waited=%lu", r, cpu1_up,
			   timer_now() - end);
		return;
	}
	/* Let CPU 1 reach WFI before the first sample. */
	timer_delay(20000);
	u32 n = 0;
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		irq_seen = 0;
		u64 t0 = bench_now();
		gic_send_sgi(SGI_PING, 1);
		end = timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
		/* Sleep until the PONG; the wake-up check keeps a lost PONG from hanging us. */
		while (!irq_seen && timer_now() < end) {
			kit_irq_off();
			if (!irq_seen)
				__asm__ volatile("wfi");
			kit_irq_on();
		}
		if (!irq_seen)
			break;
		record(i, irq_time - t0);
		n = i + 1;
		timer_delay(2000); /* CPU 1 back in WFI */
	}
	kit_irq_off();
	__atomic_store_n(&cpu1_stop, 1, __ATOMIC_RELEASE);
	gic_send_sgi(SGI_PING, 1); /* wake it to see the stop flag */
	lat_report("ipi_cross", samples, n > WARMUP ? n - WARMUP : 0);
	/* Power off only once CPU 1 is off (AFFINITY_INFO 1 = OFF). */
	end = timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
	while (psci_affinity_info(mpidr[1]) != 1 && timer_now() < end)
		timer_delay(1000);
}

int main(u64 dtb)
{
	test_begin("bench_lat");
	u64 vcpu = 0, vcpus = 0;
	bool under_hyp = hyp_vm_id(&vcpu, &vcpus) >= 0;
	ovh = bench_overhead();
	test_fact("env=%s cntfrq=%lu ovh=%lu", under_hyp ? "tessera" : "bare", timer_freq(), ovh);
	if (under_hyp) {
		bench_hvc();
		/* The side-effect-free standard queries (SMCCC 1.1, PSCI 1.1). */
		bench_call("psci_version", PSCI_VERSION, 0);
		bench_call("smccc_version", SMCCC_VERSION, 0);
		bench_call("smccc_arch_features", SMCCC_ARCH_FEATURES, SMCCC_VERSION);
		bench_call("psci_features", PSCI_FEATURES, PSCI_CPU_ON_64);
		bench_call("migrate_info_type", PSCI_MIGRATE_INFO_TYPE, 0);
	}
	bench_svc();
	bench_vtimer();
	bench_gicd();
	bench_mmio_more();
	bench_sgi_self();
	bench_uart();
	bench_ipi_cross((const void *)(uintptr_t)dtb);
	test_check(figures > 0 && empty_figures == 0, "every figure has samples",
		   "figures=%u empty=%u", figures, empty_figures);
	test_done();
}
