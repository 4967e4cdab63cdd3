/* SPDX-License-Identifier: MIT */
/* PL011 UART (PrimeCell r1p5, DDI0183 ch. 3) at GUEST_UART_BASE: polled TX; RX polled or by IRQ. */
#include "kit.h"

#define UART_DR	  0x00
#define UART_FR	  0x18
#define UART_CR	  0x30
#define UART_IMSC 0x38
#define UART_ICR  0x44

#define FR_RXFE BIT(4)
#define FR_TXFF BIT(5)
#define CR_EN	(BIT(0) | BIT(8) | BIT(9)) /* UARTEN, TXE, RXE */
#define INT_RX	(BIT(4) | BIT(6))	   /* RXIM, RTIM */

static void (*rx_fn)(char c);

void uart_init(void)
{
	/* Baud and line settings are left as the platform set them (they do not matter on
	 * QEMU or the vPL011); only make sure TX and RX are enabled. */
	u32 cr = mmio_read32(GUEST_UART_BASE + UART_CR);
	if ((cr & CR_EN) != CR_EN)
		mmio_write32(GUEST_UART_BASE + UART_CR, cr | CR_EN);
}

void uart_putc(char c)
{
	while (mmio_read32(GUEST_UART_BASE + UART_FR) & FR_TXFF)
		;
	mmio_write32(GUEST_UART_BASE + UART_DR, (u8)c);
}

void uart_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		uart_putc(s[i]);
}

int uart_getc(void)
{
	if (mmio_read32(GUEST_UART_BASE + UART_FR) & FR_RXFE)
		return -1;
	return (int)(mmio_read32(GUEST_UART_BASE + UART_DR) & 0xff);
}

static void uart_irq(u32 intid)
{
	(void)intid;
	int c;
	while ((c = uart_getc()) >= 0) {
		if (rx_fn)
			rx_fn((char)c);
	}
	/* Draining the FIFO clears RXRIS; RTIS needs an explicit clear (DDI0183 3.3.13). */
	mmio_write32(GUEST_UART_BASE + UART_ICR, INT_RX);
}

void uart_rx_irq_enable(void (*fn)(char c))
{
	rx_fn = fn;
	gic_set_handler(GUEST_UART_INTID, uart_irq);
	gic_route_spi(GUEST_UART_INTID, kit_cpu_id());
	gic_enable(GUEST_UART_INTID);
	mmio_write32(GUEST_UART_BASE + UART_IMSC,
		     mmio_read32(GUEST_UART_BASE + UART_IMSC) | INT_RX);
}
