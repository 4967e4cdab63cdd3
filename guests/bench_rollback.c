/* SPDX-License-Identifier: MIT */
/*
 * bench_rollback: rollback against a cold restart (issue 14 item 3, bench/configs/rollback.dts
 * and restart.dts, bench/run.sh). A 64 MiB VM that warms up (writes a "warm=KIB" working set
 * at RAM + 16 MiB), asks for a checkpoint by hypercall, then writes "dirty=KIB" at RAM + 48 MiB
 * and fails (failure exit status) at a physical-counter value it printed first, so the
 * instant of the failure is known to the tick. Its health policy then either rolls it back to
 * the checkpoint or restarts it (scrub, reload, boot). Every time is CNTPCT_EL0, the board's
 * counter, which neither a pause nor a restore shifts (under -icount: executed instructions).
 *
 * Lines (for bench/run.sh):
 *   "TEST bench_rollback: boot pct=P"        first instruction of a boot (start.S)
 *   "TEST bench_rollback: warm pct=P"        warmed up: the state a checkpoint captures
 *   "TEST bench_rollback: checkpoint pause=T" the checkpoint was taken (its pause, ticks)
 *   "TEST bench_rollback: fail pct=P"        it fails at P (a few ticks after)
 *   "TEST bench_rollback: back pct=P"        running again from the checkpoint (rollback)
 *
 * How it knows: CNTPCT - CNTVCT is the hypervisor's CNTVOFF. It grows only while the VM is
 * not running (a pause shifts the virtual counter by its length, a rollback sets it to go on
 * from its value at the checkpoint). After the checkpoint request the guest spins reading
 * both: a jump under WORK_TICKS is the checkpoint's own pause; a jump of at least WORK_TICKS
 * (the guest runs that long between the checkpoint and its failure) means it was rolled back
 * into this loop. Without the checkpoint right (the restart config) the hypercall is denied
 * and it goes straight on.
 */
#include "kit.h"

#define MIB	   (1024ULL * 1024)
#define WARM_OFF   (16 * MIB)
#define DIRTY_OFF  (48 * MIB)
#define JUMP_MIN   1000ULL	/* ticks: CNTVOFF moved (a read pair's own skew is negative) */
#define WORK_TICKS (1ULL << 27) /* ~2.1 s at 62.5 MHz: checkpoint to failure, at least */
#define WAIT_TICKS (1ULL << 30) /* no checkpoint after this long: fail the run */
#define FAIL_LEAD  (1ULL << 20) /* the failure instant: this far after its line is printed */

static inline u64 pct(void)
{
	u64 v;

	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v)::"memory");
	return v;
}

static inline u64 vct(void)
{
	u64 v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}

static void fill(u64 pa, u64 bytes, u64 seed)
{
	volatile u64 *p = (volatile u64 *)(uintptr_t)pa;

	for (u64 i = 0; i < bytes / 8; i++) {
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		p[i] = seed;
	}
}

/* Spins until CNTVOFF moves; returns the jump (ticks) and the counter read with it. */
static u64 wait_jump(u64 *at)
{
	u64 p = pct(), v = vct(), d0 = p - v, start = p;

	for (;;) {
		p = pct();
		v = vct();
		s64 j = (s64)(p - v - d0); /* modulo 2^64: CNTVOFF may be "negative" */

		if (j > (s64)JUMP_MIN) {
			*at = p;
			return (u64)j;
		}
		if (p - start > WAIT_TICKS) {
			*at = p;
			return 0;
		}
	}
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	u64 warm = kit_arg_u64(dt_bootargs(fdt), "warm=", 32768) * 1024;
	u64 dirty = kit_arg_u64(dt_bootargs(fdt), "dirty=", 1024) * 1024;
	u64 base = 0, size = 0, at = 0, jump, target;

	test_begin("bench_rollback");
	test_fact("boot pct=%lu", kit_entry_pcounter);
	if (!test_check(dt_memory(fdt, &base, &size) && size >= DIRTY_OFF + dirty &&
			    warm <= DIRTY_OFF - WARM_OFF,
			"memory for the working set", "base=0x%lx size=0x%lx", base, size))
		test_done();
	fill(base + WARM_OFF, warm, 0x9e3779b97f4a7c15ULL);
	test_fact("warm pct=%lu", pct());
	if (hyp_checkpoint() == 0) {
		jump = wait_jump(&at);
		if (jump >= WORK_TICKS) {
			test_fact("back pct=%lu", at);
			test_done();
		}
		if (!test_check(jump != 0, "checkpoint taken", "none after %llu ticks", WAIT_TICKS))
			test_done();
		test_fact("checkpoint pause=%lu", jump);
	}
	fill(base + DIRTY_OFF, dirty, at | 1);
	target = pct() + FAIL_LEAD;
	if (at && target < at + WORK_TICKS)
		target = at + WORK_TICKS;
	test_fact("fail pct=%lu", target);
	while (pct() < target)
		;
	kit_exit(TESSERA_EXIT_TEST_FAILED, 1);
}
