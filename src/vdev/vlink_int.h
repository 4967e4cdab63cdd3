/* SPDX-License-Identifier: MIT */
/*
 * Internal to the virtio links (src/vdev/vlink*.c): the link every kind shares
 * and the per-kind state it carries. vlink.c owns the table, the lock and the
 * devices' life; vlink_console.c and vlink_net.c only move data, always under
 * the link's lock.
 */
#ifndef TESSERA_VLINK_INT_H
#define TESSERA_VLINK_INT_H

#include "spinlock.h"
#include "virtio_mmio.h"
#include "vlink.h"

struct vlink;

struct vlink_end {
	struct vmmio_dev dev;
	struct vlink *link;
	u32 side; /* 0 or 1 */
	u32 vm;
	u64 ipa;
	u32 intid;
	union {
		struct {
			u32 tx_off; /* bytes of the transmit chain at the head already taken */
			u32 tx_gen; /* the transmit queue's generation tx_off belongs to */
		} con;
		struct vnet_stats net; /* what became of the frames this end sent */
	} u;
};

/* Console: bytes sent by one end, waiting for the other. */
struct vcon_ring {
	u8 buf[VLINK_BUF];
	u32 head; /* next byte to deliver */
	u32 count;
};

/*
 * Locking: one lock per link covers both devices and the kind's state; the vGIC lock is
 * taken inside it (for the interrupt lines), never the other way round.
 */
struct vlink {
	spinlock_t lock;
	u32 index; /* of its entry in the config's /virtio */
	struct vlink_end end[2];
	/* Under lock: too big for the hypervisor stack. */
	union {
		struct {
			struct vcon_ring ring[2]; /* ring[s]: sent by end s */
			struct vmmio_chain scratch;
			u32 budget; /* buffers one pump may still handle */
		} con;
		struct {
			struct vmmio_chain tx, rx;
			u8 pkt[VNET_HDR_LEN + VNET_MAX_FRAME];
		} net;
	} u;
};

/* A device kind: what vmmio_init needs besides the DeviceID (the config type), and what
 * it holds between the ends for snapshots (NULL: nothing). */
struct vlink_kind {
	u64 features;
	const struct vmmio_ops *ops;
	/* The end was thawed: move what waits for it or from it (under the link's lock). */
	void (*kick)(struct vlink_end *e);
	/* The bytes e sent that the link holds for its peer into pend; their count. *tx_off:
	 * bytes of its head transmit chain already taken. */
	u32 (*snap_put)(struct vlink_end *e, u8 *pend, u32 *tx_off);
	/* Restore: the head transmit chain's progress (checked by the caller), and the bytes to
	 * hold for the peer (replacing what is held from e). */
	void (*snap_tx)(struct vlink_end *e, u32 tx_off);
	void (*snap_pending)(struct vlink_end *e, const u8 *p, u32 len);
};

extern const struct vlink_kind vlink_console_kind; /* vlink_console.c */
extern const struct vlink_kind vlink_net_kind;	   /* vlink_net.c */

/* The transport callbacks every kind's vmmio_ops uses (ctx: the vlink_end). */
void *vlink_xlate(void *ctx, u64 gpa, u64 size);
void vlink_irq(void *ctx, bool level);
void vlink_wrote(void *ctx, const void *p, u32 n);

/* The n-th link of config type `type`, in config order; NULL if none. */
struct vlink *vlink_nth(u32 type, u32 n);

#endif
