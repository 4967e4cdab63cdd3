/* SPDX-License-Identifier: MIT */
/*
 * bench_boot: reports kit_entry_counter, the CNTVCT value read by this
 * guest's very first instruction (guests/kit/start.S). Under QEMU -icount
 * shift=4 with CNTVOFF 0 that is the number of instructions the machine
 * executed from reset until this VM began (all CPUs). Also reports the
 * counter when main() starts (after the kit's UART and GIC set-up).
 *
 * Before it prints anything the guest sleeps in WFI until the counter reaches
 * QUIET_UNTIL. QEMU's -icount runs the CPUs one after another, so with several
 * VMs (boot4.dts) a VM that printed at once would add its console traffic to
 * the figure of every VM started after it; asleep, it adds only its kit start-up.
 * Sleeping executes no instructions (-icount sleep=off moves the clock to the
 * deadline once every CPU idles), so the figures are the boot path alone.
 */
#include "kit.h"

/* Well past the last VM's entry in boot4.dts (about 1 M); 64 ms of emulated time. */
#define QUIET_UNTIL 4000000ULL

static void sleep_until(u64 deadline)
{
	/* The timer's interrupt, pending but masked here, ends each WFI. */
	gic_enable(INTID_VTIMER);
	timer_set_cval(deadline);
	timer_enable(true);
	while (timer_now() < deadline) {
		__asm__ volatile("wfi" ::: "memory");
	}
	timer_disable();
	gic_disable(INTID_VTIMER);
}

int main(u64 dtb)
{
	(void)dtb;
	u64 at_main = bench_now();

	sleep_until(QUIET_UNTIL);
	test_begin("bench_boot");
	kit_printf("BENCH boot_entry: min=%lu med=%lu max=%lu samples=1\n", kit_entry_counter,
		   kit_entry_counter, kit_entry_counter);
	kit_printf("BENCH boot_main: min=%lu med=%lu max=%lu samples=1\n", at_main, at_main,
		   at_main);
	/* The counter runs from reset: the first instruction saw a non-zero value, main
	 * starts after it, and the printing after the quiet period. */
	test_check(kit_entry_counter > 0 && at_main > kit_entry_counter &&
		       timer_now() >= QUIET_UNTIL,
		   "counter ordered", "entry=%lu main=%lu", kit_entry_counter, at_main);
	test_done();
}
