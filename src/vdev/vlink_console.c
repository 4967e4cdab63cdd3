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
 * The link table, its lock, setup, lookup and reset are the base's (vlink.c):
 * everything here runs under the link's lock.
 */
#include "lib.h"
#include "vlink_int.h"

/* A guest with several vCPUs could post buffers as fast as one pump consumes them: bound
 * the work done for one notify (what is left moves on the next one). */
#define CONLINK_PUMP_BUDGET (16U * VMMIO_QUEUE_MAX)

/* Ring -> receive buffers of dst. True if anything moved. */
static bool conlink_deliver(struct vlink *l, struct vcon_ring *r, struct vlink_end *dst)
{
	struct vmmio_chain *c = &l->u.con.scratch;
	bool moved = false, irq = false;

	while (r->count > 0 && l->u.con.budget > 0 &&
	       vmmio_vq_peek(&dst->dev, VIRTIO_CONSOLE_RXQ, c) == 1) {
		l->u.con.budget--;
		u32 n = MIN(r->count, c->wr_len);
		u32 first = MIN(n, VLINK_BUF - r->head);

		vmmio_chain_write(c, 0, r->buf + r->head, first);
		vmmio_chain_write(c, first, r->buf, n - first);
		r->head = (r->head + n) % VLINK_BUF;
		r->count -= n;
		irq |= vmmio_vq_complete(&dst->dev, VIRTIO_CONSOLE_RXQ, c, n);
		moved = true;
	}
	if (irq) {
		vmmio_vq_interrupt(&dst->dev);
	}
	return moved;
}

/* Transmit buffers of src -> ring, as far as it has room. True if anything moved. */
static bool conlink_take(struct vlink *l, struct vcon_ring *r, struct vlink_end *src)
{
	struct vmmio_chain *c = &l->u.con.scratch;
	bool moved = false, irq = false;

	if (src->u.con.tx_gen != src->dev.q[VIRTIO_CONSOLE_TXQ].gen) {
		/* The driver reset the queue (QueueReady = 0): a half-taken buffer went with it. */
		src->u.con.tx_gen = src->dev.q[VIRTIO_CONSOLE_TXQ].gen;
		src->u.con.tx_off = 0;
	}
	while (r->count < VLINK_BUF && l->u.con.budget > 0 &&
	       vmmio_vq_peek(&src->dev, VIRTIO_CONSOLE_TXQ, c) == 1) {
		u32 tail = (r->head + r->count) % VLINK_BUF;
		u32 n = MIN(VLINK_BUF - r->count, c->rd_len - MIN(src->u.con.tx_off, c->rd_len));
		u32 first = MIN(n, VLINK_BUF - tail);

		l->u.con.budget--;
		vmmio_chain_read(c, src->u.con.tx_off, r->buf + tail, first);
		vmmio_chain_read(c, src->u.con.tx_off + first, r->buf, n - first);
		r->count += n;
		src->u.con.tx_off += n;
		if (src->u.con.tx_off >= c->rd_len) {
			/* 5.3.6.1: transmit buffers are returned with no bytes written. */
			irq |= vmmio_vq_complete(&src->dev, VIRTIO_CONSOLE_TXQ, c, 0);
			src->u.con.tx_off = 0;
		}
		moved = true;
	}
	if (irq) {
		vmmio_vq_interrupt(&src->dev);
	}
	return moved;
}

/* Moves bytes both ways until nothing more can move, or the budget is spent. */
static void conlink_pump(struct vlink *l)
{
	bool moved;

	l->u.con.budget = CONLINK_PUMP_BUDGET;
	do {
		moved = false;
		for (u32 s = 0; s < 2; s++) {
			moved |= conlink_deliver(l, &l->u.con.ring[s], &l->end[s ^ 1]);
			moved |= conlink_take(l, &l->u.con.ring[s], &l->end[s]);
		}
	} while (moved && l->u.con.budget > 0);
}

static void conlink_notify(struct vmmio_dev *d, u32 q)
{
	struct vlink_end *e = d->ctx;

	(void)q;
	conlink_pump(e->link);
}

static void conlink_reset(struct vmmio_dev *d)
{
	struct vlink_end *e = d->ctx;

	e->u.con.tx_off = 0; /* a half-taken transmit buffer is gone with its queue */
}

static const struct vmmio_ops vlink_console_ops = {
    .xlate = vlink_xlate,
    .irq = vlink_irq,
    .notify = conlink_notify,
    .reset = conlink_reset,
    .config_byte = NULL, /* no F_SIZE, no F_MULTIPORT: the config space is unused */
    .wrote = vlink_wrote,
};

/* ---- snapshots: the bytes an end sent that the link holds are its transmit FIFO ---- */

static void conlink_kick(struct vlink_end *e)
{
	conlink_pump(e->link);
}

static u32 conlink_snap_put(struct vlink_end *e, u8 *pend, u32 *tx_off)
{
	const struct vcon_ring *r = &e->link->u.con.ring[e->side];
	u32 first = MIN(r->count, VLINK_BUF - r->head);

	memcpy(pend, r->buf + r->head, first);
	memcpy(pend + first, r->buf, r->count - first);
	/* Progress on a queue reset since belongs to no chain (conlink_take drops it too). */
	*tx_off = e->dev.q[VIRTIO_CONSOLE_TXQ].ready &&
			  e->u.con.tx_gen == e->dev.q[VIRTIO_CONSOLE_TXQ].gen
		      ? e->u.con.tx_off
		      : 0;
	return r->count;
}

static void conlink_snap_tx(struct vlink_end *e, u32 tx_off)
{
	e->u.con.tx_off = tx_off;
	e->u.con.tx_gen = e->dev.q[VIRTIO_CONSOLE_TXQ].gen;
}

static void conlink_snap_pending(struct vlink_end *e, const u8 *p, u32 len)
{
	struct vcon_ring *r = &e->link->u.con.ring[e->side];

	if (len) {
		memcpy(r->buf, p, len);
	}
	r->head = 0;
	r->count = len;
}

const struct vlink_kind vlink_console_kind = {
    .features = 0,
    .ops = &vlink_console_ops,
    .kick = conlink_kick,
    .snap_put = conlink_snap_put,
    .snap_tx = conlink_snap_tx,
    .snap_pending = conlink_snap_pending,
};
