/* SPDX-License-Identifier: MIT */
/*
 * Driver for the physical PL011 UART the hypervisor owns (PrimeCell UART
 * PL011 TRM, DDI0183). Polled transmit; receive by interrupt or polling.
 * Not thread-safe by itself: the console serialises all callers.
 */
#ifndef TESSERA_PL011_H
#define TESSERA_PL011_H

#include "types.h"

/* Takes over the UART at base (identity-mapped, Device memory). Keeps the
 * baud rate the firmware or QEMU set; enables UART, TX and RX with FIFOs,
 * 8N1, all interrupts masked. May be called again (new base). */
void pl011_init(paddr_t base);
/* Output is dropped until pl011_init() has been called. */
void pl011_putc(char c);
void pl011_write(const char *buf, size_t n);
/* Waits until the last byte has left the shift register (before power-off). */
void pl011_flush(void);
/* A received byte (0..255), or -1 if the RX FIFO is empty. */
int pl011_getc(void);
/* Unmasks (or masks) the receive and receive-timeout interrupts. */
void pl011_rx_irq_enable(bool enable);
/* Clears the latched interrupts (receive timeout, errors); not the receive interrupt,
 * which follows the RX FIFO level. */
void pl011_irq_ack(void);

#endif
