/* SPDX-License-Identifier: MIT */
/*
 * Physical PL011 UART of the hypervisor (PrimeCell UART PL011 TRM r1p5,
 * DDI0183G, register descriptions in chapter 3). The UART is reached through
 * the EL2 identity map (Device-nGnRE), or with the MMU off (Device-nGnRnE):
 * volatile 32-bit accesses in program order are all it needs.
 */
#include "pl011.h"

#define UARTDR	  0x000
#define UARTRSR	  0x004 /* write: UARTECR */
#define UARTFR	  0x018
#define UARTLCR_H 0x02c
#define UARTCR	  0x030
#define UARTIMSC  0x038
#define UARTICR	  0x044

#define FR_BUSY	   BIT(3)
#define FR_RXFE	   BIT(4)
#define FR_TXFF	   BIT(5)
#define LCRH_FEN   BIT(4)
#define LCRH_WLEN8 (3U << 5)
#define CR_UARTEN  BIT(0)
#define CR_TXE	   BIT(8)
#define CR_RXE	   BIT(9)
#define INT_RX	   BIT(4)
#define INT_RT	   BIT(6)
#define INT_ERR	   (0xfU << 7) /* FE, PE, BE, OE (TRM 3.3.13) */
#define DR_ERR	   (0xfU << 8) /* FE, PE, BE, OE flags that come with a byte */

static volatile u32 *pl011_base;

static inline u32 pl011_read(u32 off)
{
	return pl011_base[off / 4];
}

static inline void pl011_write_reg(u32 off, u32 val)
{
	pl011_base[off / 4] = val;
}

void pl011_init(paddr_t base)
{
	if (base == 0) {
		return;
	}
	if (pl011_base) {
		pl011_flush(); /* let the previous messages out before reprogramming */
	}
	pl011_base = (volatile u32 *)(uintptr_t)base;
	/* TRM 3.3.8: disable, wait for the current character, reprogram, enable. The
	 * baud divisors are kept; rewriting LCR_H latches them again unchanged. */
	while (pl011_read(UARTFR) & FR_BUSY) {
	}
	pl011_write_reg(UARTCR, 0);
	pl011_write_reg(UARTIMSC, 0);
	pl011_write_reg(UARTICR, 0x7ff);
	pl011_write_reg(UARTRSR, 0);
	pl011_write_reg(UARTLCR_H, LCRH_FEN | LCRH_WLEN8);
	pl011_write_reg(UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
}

void pl011_putc(char c)
{
	if (!pl011_base) {
		return;
	}
	while (pl011_read(UARTFR) & FR_TXFF) {
	}
	pl011_write_reg(UARTDR, (u8)c);
}

void pl011_write(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pl011_putc(buf[i]);
	}
}

void pl011_flush(void)
{
	if (!pl011_base) {
		return;
	}
	while (pl011_read(UARTFR) & FR_BUSY) {
	}
}

int pl011_getc(void)
{
	u32 dr;

	if (!pl011_base || (pl011_read(UARTFR) & FR_RXFE)) {
		return -1;
	}
	dr = pl011_read(UARTDR);
	if (dr & DR_ERR) {
		pl011_write_reg(UARTRSR, 0); /* clear the sticky error flags (TRM 3.3.2) */
	}
	return (int)(dr & 0xff);
}

void pl011_rx_irq_enable(bool enable)
{
	if (!pl011_base) {
		return;
	}
	pl011_write_reg(UARTIMSC, enable ? (INT_RX | INT_RT) : 0);
}

void pl011_irq_ack(void)
{
	if (!pl011_base) {
		return;
	}
	/* Not RX: it follows the FIFO level and clears itself once the FIFO is read below
	 * its trigger level (TRM 3.4.3). Clearing it by hand while bytes remain (QEMU raises
	 * it only when a byte arrives at an empty FIFO) would leave a full FIFO that never
	 * interrupts again, and QEMU would stop reading its input for good. */
	pl011_write_reg(UARTICR, INT_RT | INT_ERR);
}
