/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (crc32.h), four bytes per step ("slicing by 4": four 256-entry tables, the second to
 * fourth giving the first's value shifted through one to three more zero bytes). The tables
 * (4 KiB) are computed on first use, so they cost no image bytes; only CPU 0 (the management
 * channel) calls in, and a host test fills them the same way.
 */
#include "crc32.h"

#define CRC32_POLY 0xEDB88320U

typedef u32 __attribute__((may_alias)) word32_t;

static u32 crc_tab[4][256];
static bool crc_ready;

static void crc32_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;

		for (u32 k = 0; k < 8; k++) {
			c = (c & 1) ? (c >> 1) ^ CRC32_POLY : c >> 1;
		}
		crc_tab[0][i] = c;
	}
	for (u32 i = 0; i < 256; i++) {
		for (u32 t = 1; t < 4; t++) {
			u32 prev = crc_tab[t - 1][i];

			crc_tab[t][i] = (prev >> 8) ^ crc_tab[0][prev & 0xff];
		}
	}
	crc_ready = true;
}

u32 crc32_update(u32 crc, const u8 *p, size_t n)
{
	u32 c = ~crc;

	if (!crc_ready) {
		crc32_init();
	}
	while (n > 0 && ((uintptr_t)p & 3)) {
		c = (c >> 8) ^ crc_tab[0][(c ^ *p++) & 0xff];
		n--;
	}
	for (; n >= 4; n -= 4, p += 4) {
		/* An aligned little-endian word (the hypervisor and the host tests are both). */
		c ^= *(const word32_t *)p;
		c = crc_tab[3][c & 0xff] ^ crc_tab[2][(c >> 8) & 0xff] ^
		    crc_tab[1][(c >> 16) & 0xff] ^ crc_tab[0][c >> 24];
	}
	while (n-- > 0) {
		c = (c >> 8) ^ crc_tab[0][(c ^ *p++) & 0xff];
	}
	return ~c;
}
