/* SPDX-License-Identifier: MIT */
/*
 * Emulated Arm PL011 UART (PrimeCell UART r1p5, DDI0183), one per VM, at
 * GUEST_UART_BASE. TX bytes go to the console multiplexer; RX bytes come from
 * it. The device does not know the GIC: vpl011_access() returns the level of its
 * interrupt line, console input is followed by vpl011_irq_level(), and the caller
 * drives the VM's UART interrupt with it.
 */
#ifndef TESSERA_VPL011_H
#define TESSERA_VPL011_H

#include "console.h" /* console_vm_putc(): a fake in unit tests */
#include "spinlock.h"
#include "types.h"

#define VPL011_FIFO 32
/* Console input waiting behind a full RX FIFO: a 4 KiB paste reaches the guest as fast as
 * it reads; what does not fit here either is dropped and counted (rx_dropped). */
#define VPL011_BACKLOG 4096

struct vpl011 {
	spinlock_t lock; /* first: vpl011_init resets everything after it */
	u32 vm_id;
	u32 cr, lcr_h, ibrd, fbrd, ifls, imsc, ris, dmacr, ilpr;
	u32 rsr; /* UARTRSR error flags (only OE is ever set: RX FIFO overrun) */
	u8 rx[VPL011_FIFO];
	u32 rx_head, rx_count;
	u32 bl_head, bl_count; /* backlog ring */
	u64 tx_bytes, rx_bytes;
	u64 rx_dropped; /* console input bytes the VM could not take (FIFO and backlog full) */
	u8 backlog[VPL011_BACKLOG];
};

/* Initialises the lock, then as vpl011_init: once, before anything can reach u. */
void vpl011_create(struct vpl011 *u, u32 vm_id);
/* Reset state (VM reset): everything but the lock, which is taken, never re-initialised. */
void vpl011_init(struct vpl011 *u, u32 vm_id);
/* vpl011_access() for an access that cannot have changed the interrupt line. */
#define VPL011_IRQ_SAME (-1)
/* One guest access at off in the 4 KiB register frame (any size and alignment: 64-bit,
 * misaligned and unknown accesses are RAZ/WI; nothing ever aborts). Returns the level of
 * the interrupt line after it (0 or 1, read under the same lock), or VPL011_IRQ_SAME for a
 * read that takes nothing (any but UARTDR's): the caller drives the line only then. */
int vpl011_access(struct vpl011 *u, u64 off, u32 size, bool write, u64 *val);
/* A 32-bit access at off (any offset: the trap fast path's), as vpl011_access(u, off, 4,
 * write, val) would make it, UARTDR stores and UARTFR loads in a straight line. Returns the
 * line's level after it, or VPL011_IRQ_SAME when it cannot have moved: a read that takes
 * nothing, and also a UARTDR store that left it as it was. The unit test and the fuzzer
 * send word accesses here first, as the trap path does. */
extern int vpl011_word(struct vpl011 *u, u32 off, bool write, u32 *val);
/* Console input: into the RX FIFO, or behind it into the backlog (moved into the FIFO as the
 * guest reads UARTDR); false if both are full (byte dropped, counted, overrun flagged). */
bool vpl011_rx(struct vpl011 *u, u8 c);
bool vpl011_irq_level(struct vpl011 *u);

/* Snapshots (docs/SNAPSHOT.md "UART"): the registers, the receive FIFO and counters in
 * VPL011_SNAP_SIZE bytes at out, the backlog's bytes in order at backlog (VPL011_BACKLOG
 * bytes of room; returns how many). get: the same from a hostile stream, checked (register
 * values a guest could write, counts in range); 0, or -1 with *why and u unchanged. */
#define VPL011_SNAP_SIZE 104U
u32 vpl011_snap_put(struct vpl011 *u, u8 *out, u8 *backlog);
int vpl011_snap_get(struct vpl011 *u, const u8 *in, const u8 *backlog, u32 bl_count,
		    const char **why);

#endif
