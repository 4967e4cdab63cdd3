/* SPDX-License-Identifier: MIT */
/*
 * measure: reads this VM's measured-boot log by hypercall (TESSERA_HC_MEASUREMENT,
 * docs/HYPERCALLS.md) and prints it for the harness (tests/system/vboot.sh) to compare
 * with hashes computed on the host:
 *     TEST measure: entry=<i> kind=<k> sha256=<64 hex>
 *     TEST measure: digest entries=<n> sha256=<64 hex>
 *     TEST measure: dtb off=<o> hex=<up to 64 bytes>  (its DTB, for the host to hash)
 * Then checks the call refuses bad arguments. With "stay" in bootargs it then ticks like
 * hello (a VM the harness can restart) until "ticks=<n>".
 */
#include "abi.h"
#include "kit.h"

static void hex(const u8 *d, u32 n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (u32 i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static u32 be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) | ((u32)p[2] << 8) | p[3];
}

static void print_dtb(const u8 *dtb)
{
	u32 size = be32(dtb + 4);
	char line[2 * 64 + 1];

	test_fact("dtb_size=%u", size);
	for (u32 off = 0; off < size; off += 64) {
		u32 n = size - off < 64 ? size - off : 64;

		hex(dtb + off, n, line);
		test_fact("dtb off=%u hex=%s", off, line);
	}
}

static void stay(u64 nticks)
{
	u64 period = timer_freq() / 10;

	for (u64 i = 1; i <= nticks; i++) {
		timer_delay(period);
		test_fact("tick=%lu", i);
		(void)hyp_heartbeat();
	}
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *args = dt_valid(fdt) ? dt_bootargs(fdt) : "";
	u8 sha[32], again[32];
	char text[65];
	s64 kind, n = 0;

	test_begin("measure");
	for (u64 i = 0; (kind = hyp_measurement(i, sha)) > 0; i++, n++) {
		hex(sha, 32, text);
		test_fact("entry=%lu kind=%ld sha256=%s", i, kind, text);
	}
	test_check(kind == TESSERA_INVALID, "the entry after the last is INVALID", "x0=%ld", kind);
	test_check(n >= 3, "global entries and this VM's", "n=%ld", n);
	kind = hyp_measurement(TESSERA_MEASURE_DIGEST, sha);
	hex(sha, 32, text);
	test_fact("digest entries=%ld sha256=%s", kind, text);
	test_check(kind >= n, "the whole log holds at least this VM's view", "%ld < %ld", kind, n);
	kind = hyp_measurement(0, again);
	test_check(kind == TESSERA_MEASURE_HYPERVISOR, "entry 0 is the hypervisor", "x0=%ld", kind);
	kind = (s64)kit_hvc(TESSERA_HC_MEASUREMENT, 0, 2, 0).x0;
	test_check(kind == TESSERA_INVALID, "half 2 is INVALID", "x0=%ld", kind);
	kind = (s64)kit_hvc(TESSERA_HC_MEASUREMENT, ~0ULL, 0, 0).x0;
	test_check(kind == TESSERA_INVALID, "index ~0 is INVALID", "x0=%ld", kind);
	kind = (s64)kit_hvc(TESSERA_HC_MEASUREMENT, 1ULL << 32, 0, 0).x0;
	test_check(kind == TESSERA_INVALID, "index 2^32 is INVALID", "x0=%ld", kind);
	if (dt_valid(fdt))
		print_dtb(fdt);
	if (args && kit_strstr(args, "stay"))
		stay(kit_arg_u64(args, "ticks=", 20));
	test_done();
}
