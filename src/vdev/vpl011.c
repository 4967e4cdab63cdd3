/* SPDX-License-Identifier: MIT */
/*
 * Emulated PL011 UART, one per VM (PrimeCell UART (PL011) TRM r1p5, DDI0183G).
 *
 * Model, and where it deliberately differs from the hardware:
 * - Transmit is instantaneous: every byte written to UARTDR goes straight to
 *   the console multiplexer, so the TX FIFO is always empty (UARTFR.TXFE = 1,
 *   TXFF = 0, BUSY = 0). Bytes are sent whatever UARTCR.UARTEN/TXE say (as
 *   QEMU does): bare-metal guests often never program the UART.
 * - Receive uses a 32-byte FIFO (VPL011_FIFO) even when LCR_H.FEN = 0: input
 *   arrives in bursts from the physical UART and a guest in character mode
 *   would otherwise lose most of a paste. A byte that finds the FIFO full is
 *   dropped and flagged as an overrun (UARTRSR.OE, UARTRIS.OERIS), TRM 3.3.2.
 * - Interrupts (TRM 3.4): TXRIS is latched set after each TX write (the FIFO
 *   has drained below any trigger level again) and when the guest enables
 *   TXIM, and cleared by UARTICR. RXRIS and RTRIS follow the RX FIFO level
 *   (set while it holds data): Linux' amba-pl011 clears neither through ICR
 *   but drains the FIFO, and expects the receive timeout to fire for a
 *   partially filled FIFO. Writes to ICR for them have no lasting effect.
 * - Loopback (UARTCR.LBE) sends TX bytes to the RX FIFO, as TRM 3.3.8.
 * - Modem inputs read as asserted (CTS, DSR, DCD), RI not, so software
 *   waiting for carrier sees a connected line.
 * - PeriphID = 0x00341011 (ARM, PL011, revision 3 = r1p5, which Linux maps to
 *   a 32-byte FIFO), PCellID = 0xb105f00d (TRM 3.3.14-3.3.21).
 * - Accesses of 8, 16 or 32 bits work on every register; sub-word writes
 *   merge into the register. 64-bit, misaligned and unknown accesses are
 *   RAZ/WI. Nothing here ever aborts the guest.
 *
 * Locking: u->lock protects all state. console_vm_putc() is called after the
 * lock is dropped, so the console may call vpl011_rx() for any VM without a
 * lock-order problem.
 */
#include "vpl011.h"
#include "lib.h"

/* Register offsets (TRM table 3-1). */
#define UARTDR	     0x000
#define UARTRSR	     0x004 /* write: UARTECR */
#define UARTFR	     0x018
#define UARTILPR     0x020
#define UARTIBRD     0x024
#define UARTFBRD     0x028
#define UARTLCR_H    0x02c
#define UARTCR	     0x030
#define UARTIFLS     0x034
#define UARTIMSC     0x038
#define UARTRIS	     0x03c
#define UARTMIS	     0x040
#define UARTICR	     0x044
#define UARTDMACR    0x048
#define UARTPERID    0xfe0   /* UARTPeriphID0..3 at 0xfe0..0xfec */
#define UARTPCID     0xff0   /* UARTPCellID0..3 at 0xff0..0xffc */
#define VPL011_FRAME 0x1000U /* one 4 KiB register frame */

/* UARTFR bits (TRM 3.3.3). */
#define FR_CTS	BIT(0)
#define FR_DSR	BIT(1)
#define FR_DCD	BIT(2)
#define FR_BUSY BIT(3)
#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define FR_RXFF BIT(6)
#define FR_TXFE BIT(7)

/* UARTCR bits (TRM 3.3.8); bits [6:3] are reserved. */
#define CR_LBE	    BIT(7)
#define CR_WRITABLE 0xff87U
#define CR_RESET    0x0300U /* TXE | RXE */
#define IFLS_RESET  0x12U   /* both FIFOs at 1/2 */
#define RSR_OE	    BIT(3)

/* Interrupt bits, identical in IMSC/RIS/MIS/ICR (TRM 3.3.10-3.3.13). */
#define INT_RX	BIT(4)
#define INT_TX	BIT(5)
#define INT_RT	BIT(6)
#define INT_OE	BIT(10)
#define INT_ALL 0x7ffU

static const u8 vpl011_periph_id[4] = {0x11, 0x10, 0x34, 0x00};
static const u8 vpl011_pcell_id[4] = {0x0d, 0xf0, 0x05, 0xb1};

_Static_assert(__builtin_offsetof(struct vpl011, lock) == 0, "vpl011_init skips the lock");

BOOT_ONLY void vpl011_create(struct vpl011 *u, u32 vm_id)
{
	spin_init(&u->lock);
	vpl011_init(u, vm_id);
}

void vpl011_init(struct vpl011 *u, u32 vm_id)
{
	/* Not the lock: another CPU may be about to take it (console input). The backlog
	 * bytes need no clearing: only bl_count of them are ever read. */
	spin_lock(&u->lock);
	memset((u8 *)u + sizeof(u->lock), 0,
	       __builtin_offsetof(struct vpl011, backlog) - sizeof(u->lock));
	u->vm_id = vm_id;
	u->cr = CR_RESET;
	u->ifls = IFLS_RESET;
	spin_unlock(&u->lock);
}

/* Raw interrupt status: latched bits plus the RX-FIFO-level ones. Lock held. */
static u32 vpl011_ris(const struct vpl011 *u)
{
	u32 ris = u->ris;

	if (u->rx_count != 0) {
		ris |= INT_RX | INT_RT;
	}
	return ris;
}

/* Lock held. */
static bool vpl011_rx_push(struct vpl011 *u, u8 c)
{
	if (u->rx_count >= VPL011_FIFO) {
		/* Overrun: the byte is lost, the flag and interrupt say so (TRM 3.3.2). */
		u->rsr |= RSR_OE;
		u->ris |= INT_OE;
		u->rx_dropped++;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % VPL011_FIFO] = c;
	u->rx_count++;
	u->rx_bytes++;
	return true;
}

/* Lock held. The guest took a byte: the oldest backlog byte moves into the FIFO. */
static void vpl011_refill(struct vpl011 *u)
{
	if (u->bl_count > 0 && u->rx_count < VPL011_FIFO) {
		u->rx[(u->rx_head + u->rx_count) % VPL011_FIFO] = u->backlog[u->bl_head];
		u->rx_count++;
		u->bl_head = (u->bl_head + 1) % VPL011_BACKLOG;
		u->bl_count--;
	}
}

/* Value of a plain read/write register (reads and sub-word merges); 0 for the others. */
static u32 vpl011_plain_reg(const struct vpl011 *u, u32 reg)
{
	switch (reg) {
	case UARTILPR:
		return u->ilpr;
	case UARTIBRD:
		return u->ibrd;
	case UARTFBRD:
		return u->fbrd;
	case UARTLCR_H:
		return u->lcr_h;
	case UARTCR:
		return u->cr;
	case UARTIFLS:
		return u->ifls;
	case UARTIMSC:
		return u->imsc;
	case UARTDMACR:
		return u->dmacr;
	default:
		return 0;
	}
}

/* Lock held. pop: the access may consume a received byte (UARTDR, low byte lane). */
static u32 vpl011_read_reg(struct vpl011 *u, u32 reg, bool pop)
{
	switch (reg) {
	case UARTDR: {
		u32 c;

		if (!pop || u->rx_count == 0) {
			return 0;
		}
		c = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % VPL011_FIFO;
		u->rx_count--;
		vpl011_refill(u);
		return c;
	}
	case UARTRSR:
		return u->rsr;
	case UARTFR: {
		u32 fr = FR_CTS | FR_DSR | FR_DCD | FR_TXFE;

		if (u->rx_count == 0) {
			fr |= FR_RXFE;
		}
		if (u->rx_count >= VPL011_FIFO) {
			fr |= FR_RXFF;
		}
		return fr;
	}
	case UARTRIS:
		return vpl011_ris(u);
	case UARTMIS:
		return vpl011_ris(u) & u->imsc;
	default:
		break;
	}
	if (reg >= UARTPERID && reg < UARTPERID + 16) {
		return vpl011_periph_id[(reg - UARTPERID) / 4];
	}
	if (reg >= UARTPCID && reg < UARTPCID + 16) {
		return vpl011_pcell_id[(reg - UARTPCID) / 4];
	}
	/* The plain registers; UARTICR is write-only, reserved and test registers RAZ. */
	return vpl011_plain_reg(u, reg);
}

/* Lock held. Returns the byte to transmit, or -1. */
static int vpl011_write_reg(struct vpl011 *u, u32 reg, u32 val)
{
	switch (reg) {
	case UARTDR:
		/* TX drains at once, so the FIFO is back at/below its trigger level. */
		u->ris |= INT_TX;
		u->tx_bytes++;
		if (u->cr & CR_LBE) {
			vpl011_rx_push(u, (u8)val);
			return -1;
		}
		return (int)(val & 0xff);
	case UARTRSR: /* UARTECR: any write clears the error flags (TRM 3.3.2) */
		u->rsr = 0;
		break;
	case UARTILPR:
		u->ilpr = val & 0xff;
		break;
	case UARTIBRD:
		u->ibrd = val & 0xffff;
		break;
	case UARTFBRD:
		u->fbrd = val & 0x3f;
		break;
	case UARTLCR_H:
		u->lcr_h = val & 0xff;
		break;
	case UARTCR:
		u->cr = val & CR_WRITABLE;
		break;
	case UARTIFLS:
		u->ifls = val & 0x3f;
		break;
	case UARTIMSC:
		/* Enabling TXIM with an empty TX FIFO must interrupt, or a driver that
		 * waits for the first TX interrupt before writing would stall. */
		if ((val & INT_TX) && !(u->imsc & INT_TX)) {
			u->ris |= INT_TX;
		}
		u->imsc = val & INT_ALL;
		break;
	case UARTICR:
		u->ris &= ~(val & INT_ALL);
		break;
	case UARTDMACR:
		u->dmacr = val & 0x7;
		break;
	default:
		break; /* FR, RIS, MIS, IDs, reserved: WI */
	}
	return -1;
}

/* Lock held: the interrupt line (TRM 3.4: UARTMIS != 0). */
static int vpl011_level(const struct vpl011 *u)
{
	return (vpl011_ris(u) & u->imsc) != 0;
}

int vpl011_access(struct vpl011 *u, u64 off, u32 size, bool write, u64 *val)
{
	u32 reg, shift, mask;
	int tx = -1, level;

	/* 8/16/32-bit, naturally aligned, inside the 4 KiB frame; anything else RAZ/WI. */
	if ((size != 1 && size != 2 && size != 4) || off >= VPL011_FRAME ||
	    (off & (size - 1)) != 0) {
		if (!write) {
			*val = 0;
		}
		return VPL011_IRQ_SAME;
	}
	reg = (u32)off & ~3U;
	shift = ((u32)off & 3U) * 8;
	mask = size == 4 ? 0xffffffffU : (1U << (size * 8)) - 1;

	spin_lock(&u->lock);
	if (!write) {
		*val = (vpl011_read_reg(u, reg, shift == 0) >> shift) & mask;
		/* Only a UARTDR read (its data byte lane) takes anything: a byte. */
		level = reg == UARTDR && shift == 0 ? vpl011_level(u) : VPL011_IRQ_SAME;
	} else {
		/* Narrow write: the other bytes of a plain register keep their value. */
		u32 v = size == 4 ? (u32)*val
				  : (((u32)*val & mask) << shift) |
					(vpl011_plain_reg(u, reg) & ~(mask << shift));

		/* Only a write to the data byte lane of UARTDR sends a character. */
		if (reg != UARTDR || shift == 0) {
			tx = vpl011_write_reg(u, reg, v);
		}
		level = vpl011_level(u);
	}
	spin_unlock(&u->lock);

	if (tx >= 0) {
		console_vm_putc(u->vm_id, (char)tx);
	}
	return level;
}

/* The trap fast path's two hot accesses, in a straight line with the effect vpl011_access
 * gives them: a UARTDR store (the byte out; not in loopback, which vpl011_access keeps) and
 * a UARTFR load. The line is reported as VPL011_IRQ_SAME when the store did not move it
 * (the usual case: TXIM masked, or TXRIS already latched), so the caller skips the vGIC. */
__attribute__((always_inline)) inline int vpl011_word(struct vpl011 *u, u32 off, bool write,
						      u32 *val)
{
	int level;

	if (write && off == UARTDR) {
		spin_lock(&u->lock);
		if (!(u->cr & CR_LBE)) {
			/* TXRIS set: the line moves only if it was clear and TXIM unmasked (up). */
			level = (u->ris & INT_TX) || !(u->imsc & INT_TX) ? VPL011_IRQ_SAME : 1;
			u->ris |= INT_TX;
			u->tx_bytes++;
			spin_unlock(&u->lock);
			console_vm_putc(u->vm_id, (char)*val);
			return level;
		}
		spin_unlock(&u->lock);
	} else if (!write && off == UARTFR) {
		spin_lock(&u->lock);
		*val = vpl011_read_reg(u, UARTFR, false);
		spin_unlock(&u->lock);
		return VPL011_IRQ_SAME;
	}
	u64 v = *val;

	level = vpl011_access(u, off, 4, write, &v);
	*val = (u32)v;
	return level;
}

bool vpl011_rx(struct vpl011 *u, u8 c)
{
	bool ok = true;

	spin_lock(&u->lock);
	if ((u->bl_count > 0 || u->rx_count >= VPL011_FIFO) && u->bl_count < VPL011_BACKLOG) {
		/* Behind the FIFO, in order: nothing overtakes what is already waiting. */
		u->backlog[(u->bl_head + u->bl_count) % VPL011_BACKLOG] = c;
		u->bl_count++;
		u->rx_bytes++;
	} else {
		/* Into the FIFO; or, with FIFO and backlog full: dropped, counted, overrun. */
		ok = vpl011_rx_push(u, c);
	}
	spin_unlock(&u->lock);
	return ok;
}

bool vpl011_irq_level(struct vpl011 *u)
{
	bool level;

	spin_lock(&u->lock);
	level = vpl011_level(u) != 0;
	spin_unlock(&u->lock);
	return level;
}
