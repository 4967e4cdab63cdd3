/* SPDX-License-Identifier: MIT */
/*
 * gdb_target: the bare-metal guest a debugger works on (tests/system/gdb.sh,
 * docs/DEBUGGING.md). A loop calls gdb_report(), which prints the variable gdb_value and
 * the round, about five times a second. The test breaks on gdb_report, steps, reads
 * gdb_value, changes it and continues: the guest then prints the new value, and once it
 * sees GDB_MAGIC it says so and stops. gdb_counter is written every round (a watchpoint's
 * target). Stops by itself after GDB_ROUNDS rounds without a debugger.
 */
#include "kit.h"

#define GDB_MAGIC  4242
#define GDB_ROUNDS 1000

volatile u32 gdb_value = 7;
volatile u64 gdb_counter;

void gdb_report(u32 round); /* not static: gdb breaks on it by name */

__attribute__((noinline)) void gdb_report(u32 round)
{
	test_fact("round=%u value=%u", round, gdb_value);
	gdb_counter = gdb_counter + 1; /* after the call: no tail call, so gdb's next steps over */
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin("gdb_target");
	for (u32 round = 1; round <= GDB_ROUNDS; round++) {
		gdb_report(round);
		if (gdb_value == GDB_MAGIC) {
			test_fact("changed by the debugger: value=%u", gdb_value);
			break;
		}
		timer_delay(timer_freq() / 5);
	}
	test_check(gdb_value == GDB_MAGIC, "value changed by gdb", "value=%u", gdb_value);
	test_done();
}
