/* SPDX-License-Identifier: MIT */
/*
 * virtio-console links (Virtio 1.2 section 5.3, no VIRTIO_CONSOLE_F_MULTIPORT):
 * each end is an emulated virtio-mmio console in one VM with port 0 only,
 * queue 0 = receiveq, queue 1 = transmitq (5.3.2). Bytes one VM transmits are
 * copied, by the CPU of the VM that notified, into the other VM's receive
 * buffers. When the receiver has no buffers they wait in a VLINK_BUF ring per
 * direction; when that is full the sender's transmit buffers are left in its
 * queue (back-pressure) until the receiver posts buffers, whose notify moves
 * everything along. Nothing is ever dropped or overwritten.
 *
 * Locking: one lock per link covers both devices and both rings; the vGIC
 * lock is taken inside it (for the interrupt lines), never the other way.
 */
#include "lib.h"
#include "spinlock.h"
#include "virtio_mmio.h"

#define VLINK_RXQ 0
#define VLINK_TXQ 1

struct vlink;

struct vlink_end {
	struct vmmio_dev dev;
	struct vlink *link;
	u32 side; /* 0 or 1 */
	u32 vm;
	u64 ipa;
	u32 intid;
	u32 tx_off; /* bytes of the transmit chain at the head already taken */
	u32 tx_gen; /* the transmit queue's generation tx_off belongs to */
};

/* Bytes sent by end `side`, waiting for the other end. */
struct vlink_ring {
	u8 buf[VLINK_BUF];
	u32 head; /* next byte to deliver */
	u32 count;
};

struct vlink {
	spinlock_t lock;
	struct vlink_end end[2];
	struct vlink_ring ring[2];
	struct vmmio_chain scratch; /* under lock: too big for the hypervisor stack */
	u32 budget;		    /* buffers one pump may still handle */
};

/* A guest with several vCPUs could post buffers as fast as one pump consumes them: bound
 * the work done for one notify (what is left moves on the next one). */
#define VLINK_PUMP_BUDGET (16U * VMMIO_QUEUE_MAX)

static struct vlink links[CONFIG_MAX_VIRTIO];
static u32 link_count;
static const struct vlink_env *vlink_env;

static void *vlink_xlate(void *ctx, u64 gpa, u64 size)
{
	const struct vlink_end *e = ctx;

	return vlink_env->xlate(e->vm, gpa, size);
}

static void vlink_irq(void *ctx, bool level)
{
	const struct vlink_end *e = ctx;

	vlink_env->irq(e->vm, e->intid, level);
}

/* Ring -> receive buffers of dst. True if anything moved. */
static bool vlink_deliver(struct vlink *l, struct vlink_ring *r, struct vlink_end *dst)
{
	struct vmmio_chain *c = &l->scratch;
	bool moved = false, irq = false;

	while (r->count > 0 && l->budget > 0 && vmmio_vq_peek(&dst->dev, VLINK_RXQ, c) == 1) {
		l->budget--;
		u32 n = MIN(r->count, c->wr_len);
		u32 first = MIN(n, VLINK_BUF - r->head);

		vmmio_chain_write(c, 0, r->buf + r->head, first);
		vmmio_chain_write(c, first, r->buf, n - first);
		r->head = (r->head + n) % VLINK_BUF;
		r->count -= n;
		irq |= vmmio_vq_complete(&dst->dev, VLINK_RXQ, c, n);
		moved = true;
	}
	if (irq) {
		vmmio_vq_interrupt(&dst->dev);
	}
	return moved;
}

/* Transmit buffers of src -> ring, as far as it has room. True if anything moved. */
static bool vlink_take(struct vlink *l, struct vlink_ring *r, struct vlink_end *src)
{
	struct vmmio_chain *c = &l->scratch;
	bool moved = false, irq = false;

	if (src->tx_gen != src->dev.q[VLINK_TXQ].gen) {
		/* The driver reset the queue (QueueReady = 0): a half-taken buffer went with it. */
		src->tx_gen = src->dev.q[VLINK_TXQ].gen;
		src->tx_off = 0;
	}
	while (r->count < VLINK_BUF && l->budget > 0 &&
	       vmmio_vq_peek(&src->dev, VLINK_TXQ, c) == 1) {
		u32 tail = (r->head + r->count) % VLINK_BUF;
		u32 n = MIN(VLINK_BUF - r->count, c->rd_len - MIN(src->tx_off, c->rd_len));
		u32 first = MIN(n, VLINK_BUF - tail);

		l->budget--;
		vmmio_chain_read(c, src->tx_off, r->buf + tail, first);
		vmmio_chain_read(c, src->tx_off + first, r->buf, n - first);
		r->count += n;
		src->tx_off += n;
		if (src->tx_off >= c->rd_len) {
			/* 5.3.6.1: transmit buffers are returned with no bytes written. */
			irq |= vmmio_vq_complete(&src->dev, VLINK_TXQ, c, 0);
			src->tx_off = 0;
		}
		moved = true;
	}
	if (irq) {
		vmmio_vq_interrupt(&src->dev);
	}
	return moved;
}

/* Moves bytes both ways until nothing more can move, or the budget is spent. */
static void vlink_pump(struct vlink *l)
{
	bool moved;

	l->budget = VLINK_PUMP_BUDGET;
	do {
		moved = false;
		for (u32 s = 0; s < 2; s++) {
			moved |= vlink_deliver(l, &l->ring[s], &l->end[s ^ 1]);
			moved |= vlink_take(l, &l->ring[s], &l->end[s]);
		}
	} while (moved && l->budget > 0);
}

static void vlink_notify(struct vmmio_dev *d, u32 q)
{
	struct vlink_end *e = d->ctx;

	(void)q;
	vlink_pump(e->link);
}

static void vlink_dev_reset(struct vmmio_dev *d)
{
	struct vlink_end *e = d->ctx;

	e->tx_off = 0; /* a half-taken transmit buffer is gone with its queue */
}

static const struct vmmio_ops vlink_ops = {
    .xlate = vlink_xlate,
    .irq = vlink_irq,
    .notify = vlink_notify,
    .reset = vlink_dev_reset,
    .config_byte = NULL, /* no F_SIZE, no F_MULTIPORT: the config space is unused */
};

void vlink_setup(const struct config *cfg, const struct vlink_env *env)
{
	vlink_env = env;
	link_count = 0;
	for (u32 i = 0; i < cfg->virtio_count && i < CONFIG_MAX_VIRTIO; i++) {
		const struct virtio_cfg *vc = &cfg->virtio[i];
		struct vlink *l;

		if (vc->type != CONFIG_VIRTIO_CONSOLE) {
			continue; /* net links: virtio_net.c */
		}
		l = &links[link_count++];
		memset(l, 0, sizeof(*l));
		spin_init(&l->lock);
		for (u32 s = 0; s < 2; s++) {
			struct vlink_end *e = &l->end[s];

			e->link = l;
			e->side = s;
			e->vm = vc->ends[s].vm;
			e->ipa = vc->ends[s].ipa;
			e->intid = vc->ends[s].intid;
			vmmio_init(&e->dev, vc->type, 0, 2, &vlink_ops, e);
		}
	}
	vnet_setup(cfg, env);
}

bool vlink_mmio(u32 vm, u64 ipa, u32 size, bool write, u64 *val)
{
	for (u32 i = 0; i < link_count; i++) {
		struct vlink *l = &links[i];

		for (u32 s = 0; s < 2; s++) {
			struct vlink_end *e = &l->end[s];

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
	return vnet_mmio(vm, ipa, size, write, val);
}

void vlink_vm_reset(u32 vm)
{
	for (u32 i = 0; i < link_count; i++) {
		struct vlink *l = &links[i];

		spin_lock(&l->lock);
		for (u32 s = 0; s < 2; s++) {
			if (l->end[s].vm == vm) {
				vmmio_reset(&l->end[s].dev);
			}
		}
		spin_unlock(&l->lock);
	}
	vnet_vm_reset(vm);
}

struct vmmio_dev *vlink_dev(u32 link, u32 end)
{
	return link < link_count && end < 2 ? &links[link].end[end].dev : NULL;
}
