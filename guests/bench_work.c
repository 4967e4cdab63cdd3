/* SPDX-License-Identifier: MIT */
/*
 * bench_work: a guest CPU + memory workload whose instruction count is
 * compared between a VM and bare QEMU (-icount shift=4: CNTVCT ticks are
 * instructions executed on the whole machine, so any hypervisor work during
 * the run is included). Deterministic: fixed sizes, seeds and strides.
 *   work_compute  xorshift64* mixing loop, COMPUTE_ITERS iterations
 *   work_chase    pointer chase over a 64 MiB array of u64 indices
 *                 (one full cycle, stride permutation), placed at RAM + 16 MiB
 *   work_total    compute + chase, ROUNDS rounds (min/med/max over rounds)
 *   span          counter at entry and after the last round (absolute, printed as a fact)
 * A checksum line lets bench/run.sh check both runs did the same work.
 */
#include "kit.h"

#define ROUNDS	      3
#define COMPUTE_ITERS 2000000U
#define CHASE_BYTES   (64ULL << 20)
#define CHASE_OFFSET  (16ULL << 20)
#define CHASE_N	      (CHASE_BYTES / 8)
/* Odd, so coprime with the power-of-two CHASE_N: i -> i + STRIDE visits every slot. */
#define CHASE_STRIDE 5204263ULL

static u64 compute(u64 seed)
{
	u64 x = seed, acc = 0;
	for (u32 i = 0; i < COMPUTE_ITERS; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		acc += x * 0x2545F4914F6CDD1DULL;
	}
	return acc;
}

static u64 chase(const volatile u64 *a)
{
	u64 i = 0, sum = 0;
	for (u64 k = 0; k < CHASE_N; k++) {
		i = a[i];
		sum += i;
	}
	return sum;
}

int main(u64 dtb)
{
	u64 t_entry = bench_now(); /* the span: entry to the end of the last round */
	test_begin("bench_work");
	u64 base = 0, size = 0;
	bool mem = dt_memory((const void *)(uintptr_t)dtb, &base, &size);
	/* Leave the top 1 MiB alone: the DTB lives there under Tessera. */
	bool fits = mem && size >= CHASE_OFFSET + CHASE_BYTES + (1ULL << 20);
	if (!test_check(fits, "RAM holds the 64 MiB array", "base=0x%lx size=0x%lx", base, size))
		test_done();
	volatile u64 *a = (volatile u64 *)(uintptr_t)(base + CHASE_OFFSET);

	u64 t0 = bench_now();
	for (u64 k = 0; k < CHASE_N; k++)
		a[k] = (k + CHASE_STRIDE) & (CHASE_N - 1);
	u64 t_init = bench_now() - t0;

	u64 s_comp[ROUNDS], s_chase[ROUNDS], s_total[ROUNDS], check = 0;
	for (u32 r = 0; r < ROUNDS; r++) {
		u64 t1 = bench_now();
		check += compute(0x9E3779B97F4A7C15ULL + r);
		u64 t2 = bench_now();
		check += chase(a);
		u64 t3 = bench_now();
		s_comp[r] = t2 - t1;
		s_chase[r] = t3 - t2;
		s_total[r] = t3 - t1;
	}
	u64 t_end = bench_now();
	kit_printf("BENCH work_init: min=%lu med=%lu max=%lu samples=1\n", t_init, t_init, t_init);
	bench_report("work_compute", s_comp, ROUNDS);
	bench_report("work_chase", s_chase, ROUNDS);
	bench_report("work_total", s_total, ROUNDS);
	test_fact("checksum=0x%lx", check);
	/* Absolute counter values: VMs sharing one CPU are compared by their joint span
	 * (bench/run.sh "two compute VMs sharing one CPU"). */
	test_fact("span entry=%lu end=%lu", t_entry, t_end);
	/* Every round measured something (the counter moved across each phase). */
	u32 empty = 0;
	for (u32 r = 0; r < ROUNDS; r++)
		empty += s_comp[r] == 0 || s_chase[r] == 0;
	test_check(empty == 0, "every round measured", "empty=%u", empty);
	test_done();
}
