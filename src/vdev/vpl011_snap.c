/* SPDX-License-Identifier: MIT */
/*
 * The emulated PL011's part of a snapshot (docs/SNAPSHOT.md "UART"): registers, receive FIFO,
 * backlog and counters. Values from a stream are checked against what a guest's writes can
 * make (the register widths of vpl011.c, PrimeCell UART r1p5 DDI0183 3.3).
 */
#include "lib.h"
#include "vpl011.h"

#define CR_WRITABLE 0xff87U
#define INT_ALL	    0x7ffU
#define RSR_OE	    BIT(3)

u32 vpl011_snap_put(struct vpl011 *u, u8 *out, u8 *backlog)
{
	const u32 regs[10] = {u->cr,   u->lcr_h, u->ibrd,  u->fbrd, u->ifls,
			      u->imsc, u->ris,	 u->dmacr, u->ilpr, u->rsr};
	u32 bl;

	spin_lock(&u->lock);
	memset(out, 0, VPL011_SNAP_SIZE);
	for (u32 i = 0; i < 10; i++) {
		le32_store(out + 4 * i, regs[i]);
	}
	le32_store(out + 40, u->rx_count);
	le32_store(out + 44, u->bl_count);
	le64_store(out + 48, u->tx_bytes);
	le64_store(out + 56, u->rx_bytes);
	le64_store(out + 64, u->rx_dropped);
	for (u32 i = 0; i < u->rx_count && i < VPL011_FIFO; i++) {
		out[72 + i] = u->rx[(u->rx_head + i) % VPL011_FIFO];
	}
	for (u32 i = 0; i < u->bl_count && i < VPL011_BACKLOG; i++) {
		backlog[i] = u->backlog[(u->bl_head + i) % VPL011_BACKLOG];
	}
	bl = u->bl_count;
	spin_unlock(&u->lock);
	return bl;
}

int vpl011_snap_get(struct vpl011 *u, const u8 *in, const u8 *backlog, u32 bl_count,
		    const char **why)
{
	static const u32 width[10] = {CR_WRITABLE, 0xff,    0xffff, 0x3f, 0x3f,
				      INT_ALL,	   INT_ALL, 0x7,    0xff, RSR_OE};
	u32 rx_count = le32_load(in + 40);

	for (u32 i = 0; i < 10; i++) {
		if (le32_load(in + 4 * i) & ~width[i]) {
			*why = "a register value no guest write can make";
			return -1;
		}
	}
	if (rx_count > VPL011_FIFO || le32_load(in + 44) != bl_count || bl_count > VPL011_BACKLOG ||
	    (bl_count && rx_count < VPL011_FIFO)) {
		*why = "receive FIFO or backlog count out of range";
		return -1;
	}
	spin_lock(&u->lock);
	u->cr = le32_load(in);
	u->lcr_h = le32_load(in + 4);
	u->ibrd = le32_load(in + 8);
	u->fbrd = le32_load(in + 12);
	u->ifls = le32_load(in + 16);
	u->imsc = le32_load(in + 20);
	u->ris = le32_load(in + 24);
	u->dmacr = le32_load(in + 28);
	u->ilpr = le32_load(in + 32);
	u->rsr = le32_load(in + 36);
	u->rx_head = 0;
	u->rx_count = rx_count;
	u->bl_head = 0;
	u->bl_count = bl_count;
	u->tx_bytes = le64_load(in + 48);
	u->rx_bytes = le64_load(in + 56);
	u->rx_dropped = le64_load(in + 64);
	memcpy(u->rx, in + 72, VPL011_FIFO);
	memcpy(u->backlog, backlog, bl_count);
	spin_unlock(&u->lock);
	return 0;
}
