/* SPDX-License-Identifier: MIT */
/*
 * Benchmark helpers for guests/bench_*.c. Under QEMU -icount shift=4 (CNTFRQ
 * 62.5 MHz, 16 ns per instruction) one CNTVCT tick is one executed
 * instruction on any CPU at any EL, so differences of bench_now() are exact
 * path lengths. Output protocol (parsed by bench/run.sh):
 *   BENCH <name>: min=<n> med=<n> max=<n> samples=<n>
 */
#include "kit.h"

void bench_sort(u64 *s, u32 n)
{
	/* Insertion sort: a few hundred samples, no allocation, deterministic. */
	for (u32 i = 1; i < n; i++) {
		u64 v = s[i];
		u32 j = i;
		while (j > 0 && s[j - 1] > v) {
			s[j] = s[j - 1];
			j--;
		}
		s[j] = v;
	}
}

void bench_report(const char *name, u64 *s, u32 n)
{
	if (n == 0) {
		kit_printf("BENCH %s: samples=0\n", name);
		return;
	}
	bench_sort(s, n);
	kit_printf("BENCH %s: min=%lu med=%lu p99=%lu max=%lu samples=%u\n", name, s[0], s[n / 2],
		   s[(u64)n * 99 / 100], s[n - 1], n);
}

u64 bench_overhead(void)
{
	/* The cost of the timestamp pair itself (isb + mrs), subtracted from each sample. */
	u64 best = ~0ULL;
	for (u32 i = 0; i < 32; i++) {
		u64 t0 = bench_now();
		u64 t1 = bench_now();
		best = MIN(best, t1 - t0);
	}
	return best;
}
