/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 as in IEEE 802.3, zlib and PNG (reflected polynomial 0xEDB88320, initial value and
 * final XOR 0xFFFFFFFF): the checksum of the management channel's binary frames
 * (docs/MANAGEMENT.md "Frames"). The host tools use zlib's crc32(), which gives the same
 * values (tests/unit/test_crc32.c compares them).
 */
#ifndef TESSERA_CRC32_H
#define TESSERA_CRC32_H

#include "types.h"

/* Continues crc (0 to start) over n bytes: crc32_update(crc32_update(0, a), b) is the CRC of
 * a followed by b. */
u32 crc32_update(u32 crc, const u8 *p, size_t n);

#endif
