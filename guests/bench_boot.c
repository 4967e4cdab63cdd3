/* SPDX-License-Identifier: MIT */
/*
 * bench_boot: reports kit_entry_counter, the CNTVCT value read by this
 * guest's very first instruction (guests/kit/start.S). Under QEMU -icount
 * shift=4 with CNTVOFF 0 that is the number of instructions the machine
 * executed from reset until this VM began (all CPUs). Also reports the
 * counter when main() starts (after the kit's UART and GIC set-up).
 */
#include "kit.h"

int main(u64 dtb)
{
	(void)dtb;
	u64 at_main = bench_now();
	test_begin("bench_boot");
	kit_printf("BENCH boot_entry: min=%lu med=%lu max=%lu samples=1\n", kit_entry_counter,
		   kit_entry_counter, kit_entry_counter);
	kit_printf("BENCH boot_main: min=%lu med=%lu max=%lu samples=1\n", at_main, at_main,
		   at_main);
	/* The counter runs from reset: the first instruction saw a non-zero value, and main
	 * starts after it. */
	test_check(kit_entry_counter > 0 && at_main > kit_entry_counter, "counter ordered",
		   "entry=%lu main=%lu", kit_entry_counter, at_main);
	test_done();
}
