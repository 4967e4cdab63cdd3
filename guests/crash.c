/* SPDX-License-Identifier: MIT */
/*
 * crash: dies on purpose. By default it executes UDF #0 with no hook set, so
 * the kit's own handler prints "KIT: unhandled exception ..." and reports a
 * PANIC exit. With "raw" in bootargs it first points VBAR_EL1 at address 0
 * (nothing there under Tessera), so the fault cannot be handled at all and the
 * vCPU loops taking aborts: the hypervisor must contain it. "hang" instead
 * spins forever with interrupts masked (for watchdog tests).
 */
#include "kit.h"

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	test_begin("crash");
	if (kit_strstr(args, "hang")) {
		test_fact("about to hang");
		kit_irq_off();
		for (;;)
			__asm__ volatile("" ::: "memory");
	}
	if (kit_strstr(args, "raw")) {
		test_fact("about to fault raw");
		sysreg_write(vbar_el1, 0);
		isb();
	} else {
		test_fact("about to fault");
	}
	__asm__ volatile("udf #0");
	test_check(false, "still alive after udf", "udf returned");
	test_done();
}
