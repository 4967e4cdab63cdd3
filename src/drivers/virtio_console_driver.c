/* SPDX-License-Identifier: MIT */
/*
 * Virtio console driver for the hypervisor's management channel (Virtio 1.2,
 * OASIS, sections cited below). The hypervisor is the *driver* here: QEMU's
 * virtconsole is the device, its chardev a host socket.
 *
 * - Transport: virtio-mmio Version 2 ("modern", section 4.2.2); QEMU needs
 *   -global virtio-mmio.force-legacy=false, otherwise it offers Version 1
 *   (legacy) and the device is skipped.
 * - Features: only VIRTIO_F_VERSION_1 (section 6.1). Without
 *   VIRTIO_CONSOLE_F_MULTIPORT the device has a single port on
 *   receiveq = queue 0 and transmitq = queue 1 (section 5.3.2).
 * - Queues: split virtqueues (section 2.7) of VQ_SIZE entries in .bss, which
 *   the EL2 identity map makes guest-physical = hypervisor-virtual; QEMU's
 *   DMA is coherent ("dma-coherent" in its DTB), so no cache maintenance.
 * - Buffers of a page each way (bulk frames, mgmt.h): QEMU fills every posted
 *   receive buffer from one socket read and raises one interrupt for them; output
 *   is gathered into the current transmit buffer and handed over when it is full
 *   or at vcon_flush() (after each batch of requests), so a response of many
 *   lines costs one notification per 4 KiB, not one per line.
 * - Everything the device writes (used ring ids and lengths) is
 *   range-checked before use: a buggy device cannot make us overrun a buffer.
 * - Only CPU 0 calls in (the interrupt is routed there), so no lock.
 */
#include "virtio_console_driver.h"
#include "arch.h"
#include "gicv3.h"
#include "lib.h"
#include "sysreg.h"
#include "tessera_features.h"
#include "virtio_spec.h"
#include "vm.h"

/* Feature bit 32 (VIRTIO_F_VERSION_1) is bit 0 of feature word 1. */
#define F_VERSION_1_HI BIT(VIRTIO_F_VERSION_1 - 32)

#define VQ_SIZE 16U /* in_flight is a 16-bit mask */
/* 4 KiB buffers carry the snapshot and migration frames (MGMT_FRAME_MAX) in few notifications;
 * a build without snapshots (PROFILE=minimal) moves request and response lines only, for which
 * 512 bytes each are plenty: 16 KiB of RAM instead of 128. */
#if TESSERA_FEAT_SNAPSHOT
#define RX_BUF 4096U
#define TX_BUF 4096U
#else
#define RX_BUF 512U
#define TX_BUF 512U
#endif

/* Split virtqueue layout (section 2.7): alignment 16 / 2 / 4. */
struct vq {
	struct virtq_desc desc[VQ_SIZE] __attribute__((aligned(16)));
	/* flags and used_event stay 0 (interrupt after every buffer); they are part of the
	 * layout the device reads, so they must exist. */
	struct {
		u16 flags; // cppcheck-suppress unusedStructMember ; read by the device
		u16 idx;
		u16 ring[VQ_SIZE];
		u16 used_event; // cppcheck-suppress unusedStructMember ; read by the device
	} avail __attribute__((aligned(4)));
	struct {
		u16 flags; // cppcheck-suppress unusedStructMember ; written by the device
		u16 idx;
		struct {
			u32 id;
			u32 len;
		} ring[VQ_SIZE];
		u16 avail_event; // cppcheck-suppress unusedStructMember ; written by the device
	} used __attribute__((aligned(4)));
	u16 last_used; /* next used entry to look at */
	u16 in_flight; /* bit n: descriptor n is owned by the device */
};

static struct vq rxq __attribute__((aligned(4096)));
static struct vq txq __attribute__((aligned(4096)));
/* NOINIT (not zeroed at boot): the device writes a receive buffer before we read the length
 * it reports; a transmit buffer is filled before it is handed over. */
static u8 rx_bufs[VQ_SIZE][RX_BUF] __attribute__((aligned(64))) NOINIT;
static u8 tx_bufs[VQ_SIZE][TX_BUF] __attribute__((aligned(64))) NOINIT;
static paddr_t vio_base;
static bool tx_stalled;	     /* the last send timed out: do not wait again until a buffer returns */
static u16 tx_cur = VQ_SIZE; /* the buffer being filled (not yet the device's), or VQ_SIZE */
static u32 tx_fill;	     /* its bytes */
static u64 tx_dropped;

static u32 vio_rd(u32 off)
{
	return *(volatile u32 *)(uintptr_t)(vio_base + off);
}

static void vio_wr(u32 off, u32 val)
{
	*(volatile u32 *)(uintptr_t)(vio_base + off) = val;
}

static u64 dma_addr(const void *p)
{
	return (u64)(uintptr_t)p; /* EL2 identity map */
}

BOOT_ONLY int vcon_find(const struct platform *plat, u32 index, struct vcon_dev *out)
{
	u32 seen = 0;

	for (u32 i = 0; i < plat->virtio_count; i++) {
		memset(out, 0, sizeof(*out));
		out->base = plat->virtio[i].base;
		out->size = plat->virtio[i].size;
		/* Only windows in the first GiB: that is what the EL2 map covers as Device. */
		if (out->size < 0x100 || out->base >= SZ_1G - out->size ||
		    !IS_ALIGNED(out->base, 4)) {
			continue;
		}
		vio_base = out->base;
		if (vio_rd(VMMIO_MAGIC) != VMMIO_MAGIC_VALUE || vio_rd(VMMIO_VERSION) != 2 ||
		    vio_rd(VMMIO_DEVICE_ID) != VIRTIO_ID_CONSOLE || seen++ != index) {
			continue;
		}
		out->intid = plat->virtio[i].intid;
		out->edge = plat->virtio[i].edge;
		return 0;
	}
	return -1;
}

/* Gives descriptor d (already filled) to the device (section 2.7.13). */
static void vq_push(struct vq *q, u16 d)
{
	q->avail.ring[q->avail.idx % VQ_SIZE] = d;
	q->in_flight |= (u16)(1U << d);
	dsb(ishst); /* the ring entry and the buffer before the index */
	__atomic_store_n(&q->avail.idx, (u16)(q->avail.idx + 1), __ATOMIC_RELAXED);
	dsb(ish); /* the index before the notify write (section 2.7.13.4) */
}

static BOOT_ONLY int vq_setup(u32 sel, struct vq *q)
{
	memset(q, 0, sizeof(*q));
	vio_wr(VMMIO_QUEUE_SEL, sel);
	if (vio_rd(VMMIO_QUEUE_READY) != 0 || vio_rd(VMMIO_QUEUE_NUM_MAX) < VQ_SIZE) {
		return -1;
	}
	vio_wr(VMMIO_QUEUE_NUM, VQ_SIZE);
	vio_wr(VMMIO_QUEUE_DESC_LOW, (u32)dma_addr(q->desc));
	vio_wr(VMMIO_QUEUE_DESC_HIGH, (u32)(dma_addr(q->desc) >> 32));
	vio_wr(VMMIO_QUEUE_DRIVER_LOW, (u32)dma_addr(&q->avail));
	vio_wr(VMMIO_QUEUE_DRIVER_HIGH, (u32)(dma_addr(&q->avail) >> 32));
	vio_wr(VMMIO_QUEUE_DEVICE_LOW, (u32)dma_addr(&q->used));
	vio_wr(VMMIO_QUEUE_DEVICE_HIGH, (u32)(dma_addr(&q->used) >> 32));
	vio_wr(VMMIO_QUEUE_READY, 1);
	return 0;
}

static void rx_post(u16 d)
{
	rxq.desc[d].addr = dma_addr(rx_bufs[d]);
	rxq.desc[d].len = RX_BUF;
	rxq.desc[d].flags = VIRTQ_DESC_F_WRITE;
	rxq.desc[d].next = 0;
	vq_push(&rxq, d);
}

/* Device initialization, section 3.1.1. */
BOOT_ONLY int vcon_start(const struct vcon_dev *dev, const char **why)
{
	u32 st;

	vio_base = dev->base;
	vio_wr(VMMIO_STATUS, 0); /* reset (section 4.2.3.1: reads back 0 when done) */
	for (u32 i = 0; i < 1000000 && vio_rd(VMMIO_STATUS) != 0; i++) {
	}
	vio_wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vio_wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vio_wr(VMMIO_DEVICE_FEAT_SEL, 1);
	if (!(vio_rd(VMMIO_DEVICE_FEATURES) & F_VERSION_1_HI)) {
		*why = "device does not offer VIRTIO_F_VERSION_1";
		goto fail;
	}
	vio_wr(VMMIO_DRIVER_FEAT_SEL, 0);
	vio_wr(VMMIO_DRIVER_FEATURES, 0);
	vio_wr(VMMIO_DRIVER_FEAT_SEL, 1);
	vio_wr(VMMIO_DRIVER_FEATURES, F_VERSION_1_HI);
	vio_wr(VMMIO_STATUS,
	       VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	st = vio_rd(VMMIO_STATUS);
	if (!(st & VIRTIO_STATUS_FEATURES_OK)) {
		*why = "device refused the features";
		goto fail;
	}
	if (vq_setup(VIRTIO_CONSOLE_RXQ, &rxq) != 0 || vq_setup(VIRTIO_CONSOLE_TXQ, &txq) != 0) {
		*why = "virtqueue 0 or 1 missing or smaller than 8 entries";
		goto fail;
	}
	for (u16 d = 0; d < VQ_SIZE; d++) {
		rx_post(d);
	}
	vio_wr(VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				 VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	/* No notification before DRIVER_OK (section 3.1.1); now tell it about the buffers. */
	vio_wr(VMMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_RXQ);
	if (dev->intid >= 32) {
		gic_irq_config_edge(dev->intid, dev->edge);
		arch_gic_irq_route(dev->intid, 0);
		arch_gic_irq_enable(dev->intid, true);
	}
	return 0;
fail:
	vio_wr(VMMIO_STATUS, VIRTIO_STATUS_FAILED);
	vio_wr(VMMIO_STATUS, 0);
	return -1;
}

/* Next used entry of q, or false. *d and *len are range-checked. */
static bool vq_pop(struct vq *q, u16 *d, u32 *len, u32 max_len)
{
	u16 used_idx = __atomic_load_n(&q->used.idx, __ATOMIC_ACQUIRE);

	while (q->last_used != used_idx) {
		u32 id =
		    __atomic_load_n(&q->used.ring[q->last_used % VQ_SIZE].id, __ATOMIC_RELAXED);
		*len = __atomic_load_n(&q->used.ring[q->last_used % VQ_SIZE].len, __ATOMIC_RELAXED);
		q->last_used++;
		/* A device returning an id it does not own is ignored (hostile or broken). */
		if (id < VQ_SIZE && (q->in_flight & (1U << id))) {
			q->in_flight &= (u16) ~(1U << id);
			*d = (u16)id;
			*len = MIN(*len, max_len);
			return true;
		}
	}
	return false;
}

void vcon_poll(void (*rx)(void *ctx, const u8 *data, size_t n), void *ctx)
{
	u16 d;
	u32 len;
	bool posted = false;

	if (!vio_base) {
		return;
	}
	/* Acknowledge first: a buffer used after this raises a new edge. */
	vio_wr(VMMIO_INTERRUPT_ACK, vio_rd(VMMIO_INTERRUPT_STATUS));
	if (vio_rd(VMMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		return;
	}
	while (vq_pop(&rxq, &d, &len, RX_BUF)) {
		rx(ctx, rx_bufs[d], len);
		rx_post(d);
		posted = true;
	}
	if (posted) {
		vio_wr(VMMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_RXQ);
	}
}

static void tx_reclaim(void)
{
	u16 d;
	u32 len;

	while (vq_pop(&txq, &d, &len, TX_BUF)) {
		tx_stalled = false;
	}
}

/* A descriptor the device does not own, or VQ_SIZE. */
static u16 tx_free_desc(void)
{
	for (u16 d = 0; d < VQ_SIZE; d++) {
		if (!(txq.in_flight & (1U << d))) {
			return d;
		}
	}
	return VQ_SIZE;
}

/* Hands the buffer being filled to the device. */
static void tx_push_cur(void)
{
	u16 d = tx_cur;

	txq.desc[d].addr = dma_addr(tx_bufs[d]);
	txq.desc[d].len = tx_fill;
	txq.desc[d].flags = 0;
	txq.desc[d].next = 0;
	vq_push(&txq, d);
	vio_wr(VMMIO_QUEUE_NOTIFY, VIRTIO_CONSOLE_TXQ);
	tx_cur = VQ_SIZE;
	tx_fill = 0;
}

void vcon_flush(void)
{
	if (vio_base && tx_cur != VQ_SIZE && tx_fill > 0) {
		tx_push_cur();
	}
}

void vcon_write(const char *s, size_t n)
{
	u64 wait = arch_counter_freq() / 20; /* 50 ms for a free buffer at most */

	if (!vio_base) {
		return;
	}
	while (n > 0) {
		size_t chunk;

		if (tx_cur == VQ_SIZE) {
			u64 deadline = arch_counter() + wait;

			tx_reclaim();
			/* QEMU normally completes a buffer during its notify write; one still
			 * held means the host is not reading: wait for it, once. */
			while ((tx_cur = tx_free_desc()) == VQ_SIZE && !tx_stalled) {
				tx_reclaim();
				if (arch_counter() >= deadline) {
					tx_stalled = true;
				}
			}
			if (tx_cur == VQ_SIZE) {
				tx_dropped += n; /* every buffer still with the device */
				return;
			}
			tx_fill = 0;
		}
		chunk = MIN(n, (size_t)(TX_BUF - tx_fill));
		memcpy(tx_bufs[tx_cur] + tx_fill, s, chunk);
		tx_fill += (u32)chunk;
		if (tx_fill == TX_BUF) {
			tx_push_cur();
		}
		s += chunk;
		n -= chunk;
	}
}

u64 vcon_dropped(void)
{
	return tx_dropped;
}
