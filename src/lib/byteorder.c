/* SPDX-License-Identifier: MIT */
/*
 * Little-endian loads and stores into byte buffers (lib.h): the snapshot, migration and
 * management frame formats, image headers. Byte at a time: the buffers are not aligned and
 * the hypervisor is built -mstrict-align. Out of line, as one copy serves every format
 * writer; no trap path calls them.
 */
#include "lib.h"

u16 le16_load(const void *p)
{
	const u8 *b = (const u8 *)p;

	return (u16)(b[0] | b[1] << 8);
}

u32 le32_load(const void *p)
{
	const u8 *b = (const u8 *)p;

	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

u64 le64_load(const void *p)
{
	return (u64)le32_load((const u8 *)p + 4) << 32 | le32_load(p);
}

void le16_store(void *p, u16 v)
{
	u8 *b = (u8 *)p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
}

void le32_store(void *p, u32 v)
{
	u8 *b = (u8 *)p;

	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
	b[2] = (u8)(v >> 16);
	b[3] = (u8)(v >> 24);
}

void le64_store(void *p, u64 v)
{
	le32_store(p, (u32)v);
	le32_store((u8 *)p + 4, (u32)(v >> 32));
}
