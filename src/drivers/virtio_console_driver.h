/* SPDX-License-Identifier: MIT */
/*
 * A minimal virtio 1.x console driver for the hypervisor's own use (the
 * management channel): virtio-mmio transport Version 2 (Virtio 1.2 section
 * 4.2.2), no feature but VIRTIO_F_VERSION_1 (so no MULTIPORT: one port,
 * receiveq = queue 0, transmitq = queue 1, section 5.3.2), split virtqueues
 * in the hypervisor's own memory. One device at a time; CPU 0 only.
 */
#ifndef TESSERA_VIRTIO_CONSOLE_DRIVER_H
#define TESSERA_VIRTIO_CONSOLE_DRIVER_H

#include "config.h"
#include "types.h"

struct vcon_dev {
	paddr_t base;
	u64 size;
	u32 intid; /* GIC INTID of its interrupt (0 if the DTB gives none) */
	bool edge; /* edge-triggered per the DTB (QEMU virt: rising edge) */
};

/*
 * The index-th "virtio,mmio" node of the platform DTB (document order, as
 * platform_from_dtb recorded them) whose device reports DeviceID 3 (console) on
 * a Version 2 transport. Reads the device's ID registers, so the window must be
 * mapped. 0, or -1 if none.
 */
int vcon_find(const struct platform *plat, u32 index, struct vcon_dev *out);

/* Resets and initialises the device, posts the receive buffers and routes its
 * interrupt to CPU 0. 0, or -1 with *why set (the device is then left reset). */
int vcon_start(const struct vcon_dev *dev, const char **why);

/* Acknowledges the interrupt and hands every received chunk to rx, then gives
 * the buffers back to the device. */
void vcon_poll(void (*rx)(void *ctx, const u8 *data, size_t n), void *ctx);

/* Queues s for sending: gathered into a 4 KiB buffer, handed to the device when full
 * or by vcon_flush(). Waits a bounded time (50 ms) for a free buffer; bytes that cannot
 * be sent (the host side does not read) are dropped and counted. */
void vcon_write(const char *s, size_t n);
/* Hands over what vcon_write gathered (the end of a batch of responses). */
void vcon_flush(void);
u64 vcon_dropped(void);

#endif
