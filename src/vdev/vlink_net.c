/* SPDX-License-Identifier: MIT */
/*
 * virtio-net links (Virtio 1.2 section 5.1): each end is an emulated
 * virtio-mmio network device in one VM, queue 0 = receiveq1, queue 1 =
 * transmitq1 (5.1.2; no VIRTIO_NET_F_MQ, no control queue). The link is a
 * wire between two NICs, so a switch of two ports: a frame one VM transmits
 * is copied, by the CPU of the VM that notified, into one receive buffer of
 * the other VM.
 *
 * Features: VIRTIO_F_VERSION_1, VIRTIO_NET_F_MAC and VIRTIO_NET_F_STATUS
 * (link always up). No checksum or segmentation offloads and no
 * VIRTIO_NET_F_MRG_RXBUF, so every packet is one chain: a 12-byte
 * struct virtio_net_hdr followed by one Ethernet frame (5.1.6), and each
 * receive buffer must hold a whole frame (5.1.6.3.1: without MRG_RXBUF and
 * GUEST_TSO the driver posts buffers of at least 1526 bytes; Linux posts
 * 12 + 1518). Unlike the console link nothing waits in the hypervisor: a
 * frame the peer cannot take right now (no receive buffer, buffer too small)
 * is dropped and counted, as a real NIC drops on a full ring. Transmit
 * buffers are always returned at once, with no bytes written.
 *
 * The link table, its lock, setup, lookup and reset are the base's (vlink.c):
 * everything here runs under the link's lock.
 */
#include "lib.h"
#include "vlink_int.h"

/* A guest with several vCPUs could post transmit buffers as fast as one notify consumes
 * them: bound the work done for one notify. Every buffer a driver adds is followed by a
 * notify (we never set VIRTQ_USED_F_NO_NOTIFY), so what is left is handled by the next. */
#define VNET_TX_BUDGET (16U * VMMIO_QUEUE_MAX)

/*
 * The transmit chain in l->u.net.tx (readable part: header + frame) to the peer dst. Returns
 * true if dst wants an interrupt for a used receive buffer. The header the driver sent
 * is ignored: with no offloads negotiated it carries nothing (5.1.6.2) and the receiver
 * gets a fresh one.
 */
static bool vnet_forward(struct vlink *l, struct vlink_end *src, struct vlink_end *dst)
{
	const struct vmmio_chain *tx = &l->u.net.tx;
	struct vmmio_chain *rx = &l->u.net.rx;
	u32 len = tx->rd_len;

	if (len < VNET_HDR_LEN + VNET_MIN_FRAME || len > VNET_HDR_LEN + VNET_MAX_FRAME) {
		src->u.net.drop_bad++;
		return false;
	}
	/* A broken peer (-1) is the peer's problem: its device is now NEEDS_RESET. */
	if (vmmio_vq_peek(&dst->dev, VIRTIO_NET_RXQ, rx) != 1) {
		src->u.net.drop_nobuf++;
		return false;
	}
	if (rx->wr_len < len) {
		/* Left in the peer's ring: a smaller frame may still fit it. */
		src->u.net.drop_nofit++;
		return false;
	}
	vmmio_chain_read(tx, 0, l->u.net.pkt, len);
	/* 5.1.6.4.1: no offloads, so flags, gso_type and the rest are 0 (GSO_NONE); without
	 * VIRTIO_NET_F_MRG_RXBUF num_buffers is 1. */
	memset(l->u.net.pkt, 0, VNET_HDR_LEN);
	l->u.net.pkt[VNET_HDR_NUM_BUFFERS] = 1;
	vmmio_chain_write(rx, 0, l->u.net.pkt, len);
	src->u.net.tx_frames++;
	src->u.net.tx_bytes += len - VNET_HDR_LEN;
	return vmmio_vq_complete(&dst->dev, VIRTIO_NET_RXQ, rx, len);
}

/* Every frame end src has made available, within the budget. */
static void vnet_transmit(struct vlink *l, struct vlink_end *src)
{
	struct vlink_end *dst = &l->end[src == &l->end[0] ? 1 : 0];
	bool src_irq = false, dst_irq = false;

	for (u32 budget = VNET_TX_BUDGET; budget > 0; budget--) {
		if (vmmio_vq_peek(&src->dev, VIRTIO_NET_TXQ, &l->u.net.tx) != 1) {
			break; /* empty, or the driver broke a rule (device now NEEDS_RESET) */
		}
		dst_irq |= vnet_forward(l, src, dst);
		/* 5.1.6.2.1: transmit buffers are returned with no bytes written. */
		src_irq |= vmmio_vq_complete(&src->dev, VIRTIO_NET_TXQ, &l->u.net.tx, 0);
	}
	if (dst_irq) {
		vmmio_vq_interrupt(&dst->dev);
	}
	if (src_irq) {
		vmmio_vq_interrupt(&src->dev);
	}
}

static void vnet_notify(struct vmmio_dev *d, u32 q)
{
	struct vlink_end *e = d->ctx;

	/* A receiveq notify only adds buffers: nothing waits for them (frames are dropped
	 * when the receiver has none), so there is nothing to do. */
	if (q == VIRTIO_NET_TXQ) {
		vnet_transmit(e->link, e);
	}
}

/* Config space (5.1.4): mac[6], then le16 status; the rest (max_virtqueue_pairs, mtu, ...)
 * belongs to features we do not offer and reads 0. The MAC is locally administered (bit 1
 * of the first octet), unicast, and unique per link end: 52:54:00:7e:<index in /virtio>:<end>. */
static u8 vnet_config_byte(struct vmmio_dev *d, u32 off)
{
	static const u8 oui[4] = {0x52, 0x54, 0x00, 0x7e};
	const struct vlink_end *e = d->ctx;

	if (off < 4) {
		return oui[off];
	}
	if (off < 6) {
		return (u8)(off == 4 ? e->link->index : e->side);
	}
	return off == 6 ? (u8)VIRTIO_NET_S_LINK_UP : 0;
}

static const struct vmmio_ops vnet_ops = {
    .xlate = vlink_xlate,
    .irq = vlink_irq,
    .notify = vnet_notify,
    .reset = NULL, /* nothing is held in the hypervisor */
    .config_byte = vnet_config_byte,
    .wrote = vlink_wrote,
};

/* Thawed: frames the end queued while frozen (or its restored ring holds) go out now. */
static void vnet_kick(struct vlink_end *e)
{
	vnet_transmit(e->link, e);
}

/* Nothing waits in the hypervisor: no snapshot hooks (frames for a frozen end are dropped
 * as with no receive buffer, docs/SNAPSHOT.md). */
const struct vlink_kind vlink_net_kind = {
    .features = BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS),
    .ops = &vnet_ops,
    .kick = vnet_kick,
    .snap_put = NULL,
    .snap_tx = NULL,
    .snap_pending = NULL,
};

bool vnet_get_stats(u32 n, u32 end, struct vnet_stats *out)
{
	struct vlink *l = vlink_nth(CONFIG_VIRTIO_NET, n);

	if (!l || end >= 2) {
		return false;
	}
	spin_lock(&l->lock);
	*out = l->end[end].u.net;
	spin_unlock(&l->lock);
	return true;
}
