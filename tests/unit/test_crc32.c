/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's CRC-32 (src/lib/crc32.c), the checksum of the management channel's binary
 * frames, against Debian's zlib, which the host tools use for the other end: the check value
 * of the standard, every length 0..600 at every alignment 0..7, continuation in pieces, and
 * random data.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "check.h"
#include "crc32.h"

static void test_check_value(void)
{
	CHECK_EQ(crc32_update(0, (const u8 *)"123456789", 9), 0xCBF43926U);
	CHECK_EQ(crc32_update(0, (const u8 *)"", 0), 0);
}

static void test_against_zlib(void)
{
	static u8 buf[4096 + 8];
	u32 seed = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245U + 12345U;
		buf[i] = (u8)(seed >> 16);
	}
	for (size_t align = 0; align < 8; align++) {
		for (size_t n = 0; n <= 600; n++) {
			CHECK_EQ(crc32_update(0, buf + align, n),
				 (u32)crc32(0L, buf + align, (uInt)n));
		}
	}
	CHECK_EQ(crc32_update(0, buf, 4096), (u32)crc32(0L, buf, 4096));
	/* In pieces, split anywhere: the same value. */
	for (size_t cut = 0; cut <= 64; cut++) {
		CHECK_EQ(crc32_update(crc32_update(0, buf, cut), buf + cut, 4096 - cut),
			 (u32)crc32(0L, buf, 4096));
	}
}

int main(void)
{
	RUN(test_check_value);
	RUN(test_against_zlib);
	CHECK_MAIN_END();
}
