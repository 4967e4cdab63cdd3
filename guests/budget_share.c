/* SPDX-License-Identifier: MIT */
/*
 * budget_share: the CPU share a vCPU gets on a shared "priority" CPU (issue 13), measured by
 * the guest itself with the virtual counter, which keeps counting while the vCPU is switched
 * out. The guest spins reading the counter; a step shorter than gap_us is time it ran, a
 * longer one is time another vCPU had the CPU (or this one was throttled). After warm_ms it
 * measures for ms milliseconds and checks that it ran want_mpct +- tol_mpct (milli-percent)
 * of the time. Bootargs: want_mpct=<n> tol_mpct=<n> [ms=<n>] [warm_ms=<n>] [gap_us=<n>]
 * [min_gaps=<n>].
 */
#include "kit.h"

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u64 want = kit_arg_u64(args, "want_mpct=", 30000);
	u64 tol = kit_arg_u64(args, "tol_mpct=", 500);
	u64 ms = kit_arg_u64(args, "ms=", 2000);
	u64 warm_ms = kit_arg_u64(args, "warm_ms=", 100);
	u64 gap_us = kit_arg_u64(args, "gap_us=", 1000);
	u64 min_gaps = kit_arg_u64(args, "min_gaps=", 10);
	u64 f = timer_freq();
	u64 gap, start, last, end, ran = 0, gaps = 0, elapsed, share;

	test_begin("budget_share");
	/* Bootargs are guest input to itself only, but keep the arithmetic in range. */
	ms = ms < 1 ? 1 : (ms > 60000 ? 60000 : ms);
	warm_ms = warm_ms > 10000 ? 10000 : warm_ms;
	gap = (gap_us > 1000000 ? 1000000 : gap_us) * f / 1000000;
	start = timer_now();
	while (timer_now() - start < warm_ms * f / 1000) {
	}
	start = timer_now();
	last = start;
	end = start + ms * f / 1000;
	while (last < end) {
		u64 now = timer_now();

		if (now - last < gap) {
			ran += now - last;
		} else {
			gaps++;
		}
		last = now;
	}
	elapsed = last - start;
	share = elapsed ? ran * 100000 / elapsed : 0; /* milli-percent */
	test_fact("share=%lu.%03lu%% want=%lu.%03lu%% tol=%lu.%03lu%% ran_us=%lu elapsed_us=%lu "
		  "gaps=%lu",
		  share / 1000, share % 1000, want / 1000, want % 1000, tol / 1000, tol % 1000,
		  ran * 1000000 / f, elapsed * 1000000 / f, gaps);
	test_check(gaps >= min_gaps, "shared its CPU", "%lu gaps, want at least %lu", gaps,
		   min_gaps);
	test_check(share + tol >= want && share <= want + tol, "got its CPU share",
		   "%lu.%03lu%%, want %lu.%03lu%% +- %lu.%03lu%%", share / 1000, share % 1000,
		   want / 1000, want % 1000, tol / 1000, tol % 1000);
	test_done();
}
