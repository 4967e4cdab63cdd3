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
 * Locking: one lock per link covers both devices; the vGIC lock is taken
 * inside it (for the interrupt lines), never the other way round.
 */
#include "lib.h"
#include "spinlock.h"
#include "virtio_mmio.h"

#define VNET_RXQ 0
#define VNET_TXQ 1

struct vnet;

struct vnet_end {
	struct vmmio_dev dev;
	struct vnet *link;
	u32 vm;
	u64 ipa;
	u32 intid;
	u8 mac[6];
	struct vnet_stats stats;
};

struct vnet {
	spinlock_t lock;
	struct vnet_end end[2];
	/* Under lock: too big for the hypervisor stack. */
	struct vmmio_chain tx, rx;
	u8 pkt[VNET_HDR_LEN + VNET_MAX_FRAME];
};

/* A guest with several vCPUs could post transmit buffers as fast as one notify consumes
 * them: bound the work done for one notify. Every buffer a driver adds is followed by a
 * notify (we never set VIRTQ_USED_F_NO_NOTIFY), so what is left is handled by the next. */
#define VNET_TX_BUDGET (16U * VMMIO_QUEUE_MAX)

static struct vnet nets[CONFIG_MAX_VIRTIO];
static u32 net_count;
static const struct vlink_env *vnet_env;

static void *vnet_xlate(void *ctx, u64 gpa, u64 size)
{
	const struct vnet_end *e = ctx;

	return vnet_env->xlate(e->vm, gpa, size);
}

static void vnet_irq(void *ctx, bool level)
{
	const struct vnet_end *e = ctx;

	vnet_env->irq(e->vm, e->intid, level);
}

/*
 * The transmit chain in l->tx (readable part: header + frame) to the peer dst. Returns
 * true if dst wants an interrupt for a used receive buffer. The header the driver sent
 * is ignored: with no offloads negotiated it carries nothing (5.1.6.2) and the receiver
 * gets a fresh one.
 */
static bool vnet_forward(struct vnet *l, struct vnet_end *src, struct vnet_end *dst)
{
	const struct vmmio_chain *tx = &l->tx;
	struct vmmio_chain *rx = &l->rx;
	u32 len = tx->rd_len;

	if (len < VNET_HDR_LEN + VNET_MIN_FRAME || len > VNET_HDR_LEN + VNET_MAX_FRAME) {
		src->stats.drop_bad++;
		return false;
	}
	/* A broken peer (-1) is the peer's problem: its device is now NEEDS_RESET. */
	if (vmmio_vq_peek(&dst->dev, VNET_RXQ, rx) != 1) {
		src->stats.drop_nobuf++;
		return false;
	}
	if (rx->wr_len < len) {
		/* Left in the peer's ring: a smaller frame may still fit it. */
		src->stats.drop_nofit++;
		return false;
	}
	vmmio_chain_read(tx, 0, l->pkt, len);
	/* 5.1.6.4.1: no offloads, so flags, gso_type and the rest are 0 (GSO_NONE); without
	 * VIRTIO_NET_F_MRG_RXBUF num_buffers is 1. */
	memset(l->pkt, 0, VNET_HDR_LEN);
	l->pkt[VNET_HDR_NUM_BUFFERS] = 1;
	vmmio_chain_write(rx, 0, l->pkt, len);
	src->stats.tx_frames++;
	return vmmio_vq_complete(&dst->dev, VNET_RXQ, rx, len);
}

/* Every frame end src has made available, within the budget. */
static void vnet_transmit(struct vnet *l, struct vnet_end *src)
{
	struct vnet_end *dst = &l->end[src == &l->end[0] ? 1 : 0];
	bool src_irq = false, dst_irq = false;

	for (u32 budget = VNET_TX_BUDGET; budget > 0; budget--) {
		if (vmmio_vq_peek(&src->dev, VNET_TXQ, &l->tx) != 1) {
			break; /* empty, or the driver broke a rule (device now NEEDS_RESET) */
		}
		dst_irq |= vnet_forward(l, src, dst);
		/* 5.1.6.2.1: transmit buffers are returned with no bytes written. */
		src_irq |= vmmio_vq_complete(&src->dev, VNET_TXQ, &l->tx, 0);
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
	struct vnet_end *e = d->ctx;

	/* A receiveq notify only adds buffers: nothing waits for them (frames are dropped
	 * when the receiver has none), so there is nothing to do. */
	if (q == VNET_TXQ) {
		vnet_transmit(e->link, e);
	}
}

/* Config space (5.1.4): mac[6], then le16 status; the rest (max_virtqueue_pairs, mtu, ...)
 * belongs to features we do not offer and reads 0. */
static u8 vnet_config_byte(struct vmmio_dev *d, u32 off)
{
	const struct vnet_end *e = d->ctx;

	if (off < 6) {
		return e->mac[off];
	}
	return off == 6 ? (u8)VIRTIO_NET_S_LINK_UP : 0;
}

static const struct vmmio_ops vnet_ops = {
    .xlate = vnet_xlate,
    .irq = vnet_irq,
    .notify = vnet_notify,
    .reset = NULL, /* nothing is held in the hypervisor */
    .config_byte = vnet_config_byte,
};

void vnet_setup(const struct config *cfg, const struct vlink_env *env)
{
	vnet_env = env;
	net_count = 0;
	for (u32 i = 0; i < cfg->virtio_count && i < CONFIG_MAX_VIRTIO; i++) {
		const struct virtio_cfg *vc = &cfg->virtio[i];
		struct vnet *l;

		if (vc->type != CONFIG_VIRTIO_NET) {
			continue;
		}
		l = &nets[net_count++];
		memset(l, 0, sizeof(*l));
		spin_init(&l->lock);
		for (u32 s = 0; s < 2; s++) {
			struct vnet_end *e = &l->end[s];
			/* Locally administered (bit 1 of the first octet), unicast, and unique
			 * per link end: 52:54:00:7e:<link index in /virtio>:<end>. */
			const u8 mac[6] = {0x52, 0x54, 0x00, 0x7e, (u8)i, (u8)s};

			e->link = l;
			e->vm = vc->ends[s].vm;
			e->ipa = vc->ends[s].ipa;
			e->intid = vc->ends[s].intid;
			memcpy(e->mac, mac, sizeof(mac));
			vmmio_init(&e->dev, CONFIG_VIRTIO_NET,
				   BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS), 2, &vnet_ops,
				   e);
		}
	}
}

bool vnet_mmio(u32 vm, u64 ipa, u32 size, bool write, u64 *val)
{
	for (u32 i = 0; i < net_count; i++) {
		struct vnet *l = &nets[i];

		for (u32 s = 0; s < 2; s++) {
			struct vnet_end *e = &l->end[s];

			if (e->vm != vm || ipa < e->ipa || ipa - e->ipa >= VMMIO_WINDOW_SIZE ||
			    size > VMMIO_WINDOW_SIZE - (ipa - e->ipa)) {
				continue;
			}
			spin_lock(&l->lock);
			vmmio_access(&e->dev, ipa - e->ipa, size, write, val);
			spin_unlock(&l->lock);
			return true;
		}
	}
	return false;
}

void vnet_vm_reset(u32 vm)
{
	for (u32 i = 0; i < net_count; i++) {
		struct vnet *l = &nets[i];

		spin_lock(&l->lock);
		for (u32 s = 0; s < 2; s++) {
			if (l->end[s].vm == vm) {
				vmmio_reset(&l->end[s].dev);
			}
		}
		spin_unlock(&l->lock);
	}
}

struct vmmio_dev *vnet_dev(u32 n, u32 end)
{
	return n < net_count && end < 2 ? &nets[n].end[end].dev : NULL;
}

bool vnet_get_stats(u32 n, u32 end, struct vnet_stats *out)
{
	if (n >= net_count || end >= 2) {
		return false;
	}
	spin_lock(&nets[n].lock);
	*out = nets[n].end[end].stats;
	spin_unlock(&nets[n].lock);
	return true;
}
