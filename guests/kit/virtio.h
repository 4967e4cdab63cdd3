/* SPDX-License-Identifier: MIT */
/*
 * A small virtio 1.x console driver for kit guests: virtio-mmio transport
 * Version 2 (Virtio 1.2 section 4.2.2), VIRTIO_F_VERSION_1 only, port 0 with
 * receiveq (queue 0) and transmitq (queue 1) (5.3.2), split virtqueues in the
 * guest's own memory (the MMU is off: guest-physical == the address we use).
 * The low-level pieces are public so the hostile test guest can misuse them.
 */
#ifndef TESSERA_KIT_VIRTIO_H
#define TESSERA_KIT_VIRTIO_H

#include "kit.h"
#include "virtio_spec.h"

#define KVIO_QSIZE 16
#define KVIO_BUF   256

struct kvio_queue {
	struct virtq_desc desc[KVIO_QSIZE];
	struct {
		u16 flags, idx, ring[KVIO_QSIZE], used_event;
	} avail __attribute__((aligned(4)));
	struct {
		u16 flags, idx;
		struct {
			u32 id, len;
		} ring[KVIO_QSIZE];
		u16 avail_event;
	} used __attribute__((aligned(4)));
	u16 last_used;
	u16 in_flight;
	u8 buf[KVIO_QSIZE][KVIO_BUF] __attribute__((aligned(64)));
} __attribute__((aligned(4096)));

struct kvio {
	u64 base;
	u32 intid;
	struct kvio_queue q[2];
	/* Receive side: the buffer being read and how far. */
	bool rx_have;
	u16 rx_id;
	u32 rx_len, rx_off;
	volatile u32 irqs; /* interrupts taken */
	volatile u32 config_irqs;
};

u32 kvio_rd(const struct kvio *d, u32 off);
void kvio_wr(const struct kvio *d, u32 off, u32 val);
/* Programs queue q's layout (QueueNum, addresses) and sets QueueReady. */
void kvio_setup_queue(const struct kvio *d, u32 q, u32 num, u64 desc, u64 avail, u64 used);

/* Checks the IDs, resets and initialises the device (3.1.1), posts every receive buffer.
 * intid != 0: routes the SPI here and counts (and acknowledges) interrupts. 0, or -1
 * with *why set. */
int kvio_init(struct kvio *d, u64 base, u32 intid, const char **why);
/* As kvio_init for another device type with the same two queues (1 = network: receiveq1,
 * transmitq1; the buffers then carry a 12-byte virtio_net_hdr, 5.1.6). */
int kvio_init_id(struct kvio *d, u64 base, u32 intid, u32 device_id, const char **why);
/* Status register has DEVICE_NEEDS_RESET. */
bool kvio_broken(const struct kvio *d);
/* Queues up to KVIO_BUF bytes; false if every transmit buffer is in flight. */
bool kvio_try_send(struct kvio *d, const void *p, u32 n);
/* Next received byte, or -1 if none (the buffer is given back when used up). */
int kvio_getc(struct kvio *d);
/* Sleeps until an interrupt unless used buffers are already waiting (needs intid). */
void kvio_wait(struct kvio *d);

/*
 * Line exchange used by the tests: sends `lines` lines "<me> <n> <hash(n)>\n" and expects
 * as many "<peer> <n> <hash(n)>\n" in order, both at the same time. Returns the number of
 * errors (bad, missing, duplicated or reordered lines); gives up after timeout_ms.
 */
u32 kvio_exchange(struct kvio *d, char me, char peer, u32 lines, u32 timeout_ms);

#endif
