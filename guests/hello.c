/* SPDX-License-Identifier: MIT */
/*
 * hello: the smallest complete guest. Says who it is, checks and reports the
 * DTB it was given (magic, /memory, cpus), then stops. With "stay" in
 * /chosen/bootargs it instead prints "TEST hello: tick=<n>" every ~100 ms of
 * virtual timer for "ticks=<n>" ticks (default 20) before stopping: the
 * neighbour VM of the isolation and crash tests. With "dbgown" as well it writes its own
 * values into its debug registers (DBGBVR0/DBGBCR0, DBGWVR0/DBGWCR0, all disabled, and
 * MDSCR_EL1 0) and checks them on every tick, printing "TEST hello: dbgown ok=<n> bad=<m>"
 * every 10 ticks: the neighbour of a VM under a debugger on the same CPU
 * (tests/system/gdb_share.sh) must never see the debugger's. With "fpown" it fills its 32
 * FP/SIMD registers with its own pattern and checks all 512 bytes on every tick, printing
 * "TEST hello: fpown ok=<n> bad=<m>" every 10 ticks: the VM on the management CPU while the
 * hypervisor hashes there with the CPU's SHA-256 instructions (tests/system/snapshot.sh),
 * which use vector registers, must never see theirs.
 */
#include "kit.h"

/* Compile-time bootargs, appended to the DTB's (e.g. -DHELLO_ARGS='"stay ticks=5"'). */
#ifndef HELLO_ARGS
#define HELLO_ARGS ""
#endif

#define TICK_HZ	      10
#define DEFAULT_TICKS 20

static volatile u32 ticks;
static u64 tick_period, next_deadline, last_tick, max_gap;
static bool dbgown, fpown;
static u32 dbg_ok, dbg_bad, fp_ok, fp_bad;
/* fpown: the registers' pattern (register i, byte j: i * 16 + j + 0x40, truncated), and
 * where they are stored to be checked. The guest's C never uses FP/SIMD (-mgeneral-regs-only). */
static u8 fp_want[32 * 16] __attribute__((aligned(16)));
static u8 fp_seen[32 * 16] __attribute__((aligned(16)));

/* Distinct from anything a debugger would set: the breakpoint and watchpoint disabled (E,
 * bit 0, clear) but every other field of theirs recognisable. */
#define OWN_BVR	 0x0000123456789000ULL
#define OWN_BCR	 0x1e6ULL /* PMC EL1+EL0, BAS all, E 0 */
#define OWN_WVR	 0x00000fedcba98000ULL
#define OWN_WCR	 0x1ffeULL		      /* BAS all, LSC both, PAC EL1+EL0, E 0 */
#define MDSCR_ON (BIT(0) | BIT(13) | BIT(15)) /* SS, KDE, MDE: a debugger sets MDE and SS */

static void dbg_own_set(void)
{
	sysreg_write(dbgbvr0_el1, OWN_BVR);
	sysreg_write(dbgbcr0_el1, OWN_BCR);
	sysreg_write(dbgwvr0_el1, OWN_WVR);
	sysreg_write(dbgwcr0_el1, OWN_WCR);
	sysreg_write(mdscr_el1, 0);
	__asm__ volatile("isb");
}

static void dbg_own_check(void)
{
	u64 bvr = sysreg_read(dbgbvr0_el1), bcr = sysreg_read(dbgbcr0_el1);
	u64 wvr = sysreg_read(dbgwvr0_el1), wcr = sysreg_read(dbgwcr0_el1);
	u64 mdscr = sysreg_read(mdscr_el1);

	if (bvr == OWN_BVR && (bcr & 0x1ff) == OWN_BCR && wvr == OWN_WVR &&
	    (wcr & 0x1fff) == OWN_WCR && !(mdscr & MDSCR_ON)) {
		dbg_ok++;
	} else if (dbg_bad++ == 0) {
		test_fact("dbgown changed: bvr=0x%lx bcr=0x%lx wvr=0x%lx wcr=0x%lx mdscr=0x%lx",
			  bvr, bcr, wvr, wcr, mdscr);
	}
}

static void fp_own_set(void)
{
	for (u32 i = 0; i < sizeof(fp_want); i++)
		fp_want[i] = (u8)(i + 0x40);
	__asm__ volatile("msr cpacr_el1, %0\n isb" : : "r"(3ULL << 20)); /* FPEN: no traps */
	__asm__ volatile("mov x9, %0\n"
			 "ld1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x9], #64\n"
			 "ld1 {v4.16b, v5.16b, v6.16b, v7.16b}, [x9], #64\n"
			 "ld1 {v8.16b, v9.16b, v10.16b, v11.16b}, [x9], #64\n"
			 "ld1 {v12.16b, v13.16b, v14.16b, v15.16b}, [x9], #64\n"
			 "ld1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x9], #64\n"
			 "ld1 {v20.16b, v21.16b, v22.16b, v23.16b}, [x9], #64\n"
			 "ld1 {v24.16b, v25.16b, v26.16b, v27.16b}, [x9], #64\n"
			 "ld1 {v28.16b, v29.16b, v30.16b, v31.16b}, [x9], #64\n"
			 :
			 : "r"(fp_want)
			 : "x9", "memory");
}

static void fp_own_check(void)
{
	__asm__ volatile("mov x9, %0\n"
			 "st1 {v0.16b, v1.16b, v2.16b, v3.16b}, [x9], #64\n"
			 "st1 {v4.16b, v5.16b, v6.16b, v7.16b}, [x9], #64\n"
			 "st1 {v8.16b, v9.16b, v10.16b, v11.16b}, [x9], #64\n"
			 "st1 {v12.16b, v13.16b, v14.16b, v15.16b}, [x9], #64\n"
			 "st1 {v16.16b, v17.16b, v18.16b, v19.16b}, [x9], #64\n"
			 "st1 {v20.16b, v21.16b, v22.16b, v23.16b}, [x9], #64\n"
			 "st1 {v24.16b, v25.16b, v26.16b, v27.16b}, [x9], #64\n"
			 "st1 {v28.16b, v29.16b, v30.16b, v31.16b}, [x9], #64\n"
			 :
			 : "r"(fp_seen)
			 : "x9", "memory");
	for (u32 i = 0; i < sizeof(fp_seen); i++) {
		if (fp_seen[i] != fp_want[i]) {
			if (fp_bad++ == 0)
				test_fact("fpown changed: v%u byte %u is 0x%02x, not 0x%02x",
					  i / 16, i % 16, fp_seen[i], fp_want[i]);
			return;
		}
	}
	fp_ok++;
}

static void tick_irq(u32 intid)
{
	u64 now = timer_now();

	(void)intid;
	if (last_tick && now - last_tick > max_gap)
		max_gap = now - last_tick;
	last_tick = now;
	ticks++;
	next_deadline += tick_period;
	timer_set_cval(next_deadline);
}

static void hello_stay(u64 nticks)
{
	tick_period = timer_freq() / TICK_HZ;
	gic_set_handler(INTID_VTIMER, tick_irq);
	gic_enable(INTID_VTIMER);
	next_deadline = timer_now() + tick_period;
	timer_set_cval(next_deadline);
	timer_enable(true);

	u32 seen = 0;
	if (dbgown)
		dbg_own_set();
	if (fpown)
		fp_own_set();
	while (seen < nticks) {
		/* WFI with IRQs masked still wakes on a pending interrupt (ARM ARM D1.16.2), so
		 * a tick between the check and the WFI is not lost. */
		kit_irq_off();
		if (ticks == seen)
			__asm__ volatile("wfi");
		kit_irq_on();
		while (seen < ticks && seen < nticks) {
			seen++;
			test_fact("tick=%u", seen);
			if (dbgown) {
				dbg_own_check();
				if (seen % 10 == 0)
					test_fact("dbgown ok=%u bad=%u", dbg_ok, dbg_bad);
			}
			if (fpown) {
				fp_own_check();
				if (seen % 10 == 0)
					test_fact("fpown ok=%u bad=%u", fp_ok, fp_bad);
			}
			(void)hyp_heartbeat();
		}
	}
	timer_disable();
	gic_disable(INTID_VTIMER);
	test_check(ticks >= nticks, "ticks delivered", "ticks=%u", ticks);
	/* A neighbour's crash, restart or storm must not stall this VM: allow host jitter
	 * (QEMU without icount runs on wall time) but not a stall of a second or more. */
	test_fact("max_tick_gap_ms=%u", (u32)(max_gap * 1000 / timer_freq()));
	test_check(max_gap < 10 * tick_period, "no heartbeat gap", "max gap %u ms",
		   (u32)(max_gap * 1000 / timer_freq()));
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	u64 vcpu = 0, vcpus = 0;
	s64 id = hyp_vm_id(&vcpu, &vcpus);

	test_begin("hello");
	if (id >= 0)
		kit_printf("HELLO from %ld\n", id);
	else
		kit_printf("HELLO from bare\n");
	test_fact("dtb=0x%lx vm=%ld vcpu=%lu vcpus=%lu", dtb, id, vcpu, vcpus);

	test_check(dt_valid(fdt), "dtb magic", "magic=0x%x", be32_load(fdt));
	u64 base = 0, size = 0;
	bool mem = dt_memory(fdt, &base, &size);
	test_fact("mem_base=0x%lx mem_size=0x%lx", base, size);
	test_check(mem && size > 0, "dtb /memory", "no usable /memory reg");
	u64 img = (u64)(uintptr_t)_start, img_end = (u64)(uintptr_t)__image_end;
	test_check(mem && range_within(img, img_end - img, base, size), "image inside /memory",
		   "image 0x%lx-0x%lx", img, img_end);
	u64 mpidr[KIT_MAX_CPUS];
	u32 ncpu = dt_cpus(fdt, mpidr, KIT_MAX_CPUS);
	test_fact("cpus=%u", ncpu);
	test_check(ncpu >= 1, "dtb /cpus", "cpus=%u", ncpu);
	if (id >= 0)
		test_check(vcpus == ncpu, "vcpu count matches dtb", "hc=%lu dtb=%u", vcpus, ncpu);

	char args[128];
	fmt_snprintf(args, sizeof(args), "%s %s", dt_bootargs(fdt), HELLO_ARGS);
	test_fact("bootargs=\"%s\"", dt_bootargs(fdt));
	dbgown = kit_strstr(args, "dbgown") != 0;
	fpown = kit_strstr(args, "fpown") != 0;
	if (kit_strstr(args, "stay"))
		hello_stay(kit_arg_u64(args, "ticks=", DEFAULT_TICKS));
	test_done();
}
