/* SPDX-License-Identifier: MIT */
/*
 * update: the guest of the signed-update test (tests/system/update.sh), built in variants
 * of this one source (guests/guests.mk): VERSION is the version it prints, UPDATE_MODE what
 * it does after printing it:
 *   0 confirm the update (TESSERA_HC_UPDATE_CONFIRM), print the result, keep running;
 *   1 crash beyond recovery (vector base at 0: the hypervisor sees a recursive fault);
 *   2 keep running without ever confirming;
 *   3 report a failure exit status and power off;
 *   4 hang: no more heartbeats, interrupts masked (its watchdog must fire).
 * Running means a heartbeat (and a "tick" line) every 200 ms, for a configured watchdog.
 */
#include "kit.h"
#include "abi.h"

#ifndef VERSION
#define VERSION 5 /* the system image's in the test */
#endif
#ifndef UPDATE_MODE
#define UPDATE_MODE 0
#endif

static void run(void)
{
	u64 t = timer_freq() / 5;

	for (u32 tick = 1;; tick++) {
		hyp_heartbeat();
		if (tick % 5 == 0) {
			test_fact("version=%u tick=%u", VERSION, tick / 5);
		}
		timer_delay(t);
	}
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin("update");
	test_fact("version=%u mode=%u", VERSION, UPDATE_MODE);
	if (UPDATE_MODE == 1) {
		test_fact("version=%u about to crash", VERSION);
		sysreg_write(vbar_el1, 0);
		isb();
		__asm__ volatile("udf #0");
	} else if (UPDATE_MODE == 3) {
		test_fact("version=%u reporting a failure", VERSION);
		kit_exit(TESSERA_EXIT_TEST_FAILED, VERSION);
	} else if (UPDATE_MODE == 4) {
		test_fact("version=%u about to hang", VERSION);
		kit_irq_off();
		for (;;) {
			__asm__ volatile("" ::: "memory");
		}
	} else if (UPDATE_MODE == 0) {
		s64 r = hyp_update_confirm();

		test_fact("version=%u confirm=%lld", VERSION, (long long)r);
	}
	run();
	return 0;
}
