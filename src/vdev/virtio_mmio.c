/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio transport, device side (Virtio 1.2 section 4.2.2, modern only),
 * and the split-virtqueue walker (2.7). See virtio_mmio.h for the model.
 * Every value read from the driver or from guest memory is checked before
 * use; any breach of the driver requirements marks the device
 * DEVICE_NEEDS_RESET (2.1.2) instead of guessing what the driver meant.
 */
#include "virtio_mmio.h"
#include "lib.h"

static void vmmio_update_irq(struct vmmio_dev *d)
{
	if (d->ops->irq) {
		d->ops->irq(d->ctx, d->isr != 0);
	}
}

static void vmmio_queue_reset(struct vmmio_queue *q)
{
	u32 gen = q->gen + 1;

	memset(q, 0, sizeof(*q));
	q->gen = gen; /* devices holding per-queue progress see it is a new queue */
}

void vmmio_init(struct vmmio_dev *d, u32 device_id, u64 features, u32 nqueues,
		const struct vmmio_ops *ops, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->device_id = device_id;
	/* Never indirect descriptors or event index: the walker does not implement them. */
	d->features = (features | BIT(VIRTIO_F_VERSION_1)) &
		      ~(BIT(VIRTIO_F_INDIRECT_DESC) | BIT(VIRTIO_F_EVENT_IDX));
	d->nqueues = MIN(nqueues, (u32)VMMIO_MAX_QUEUES);
	d->ops = ops;
	d->ctx = ctx;
}

void vmmio_reset(struct vmmio_dev *d)
{
	d->status = 0;
	d->isr = 0;
	d->dev_feat_sel = 0;
	d->drv_feat_sel = 0;
	d->queue_sel = 0;
	d->drv_features = 0;
	for (u32 i = 0; i < VMMIO_MAX_QUEUES; i++) {
		vmmio_queue_reset(&d->q[i]);
	}
	if (d->ops->reset) {
		d->ops->reset(d);
	}
	vmmio_update_irq(d);
}

bool vmmio_live(const struct vmmio_dev *d)
{
	return (d->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

void vmmio_fail(struct vmmio_dev *d, const char *why)
{
	d->errors++;
	d->last_error = why;
	if (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		return;
	}
	/* 2.1.2: set DEVICE_NEEDS_RESET and, if DRIVER_OK was set, send a configuration change
	 * notification. We always send it: a driver still setting up polls Status anyway. */
	d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	d->isr |= VMMIO_INT_CONFIG;
	vmmio_update_irq(d);
}

static struct vmmio_queue *vmmio_cur_queue(struct vmmio_dev *d)
{
	return d->queue_sel < d->nqueues ? &d->q[d->queue_sel] : NULL;
}

/* The checks of QueueReady = 1 (4.2.3.2): the layout must be sane and wholly inside guest
 * RAM. Maps the areas and returns NULL, or returns what is wrong (nothing mapped). */
static const char *vmmio_queue_map(struct vmmio_dev *d, struct vmmio_queue *q)
{
	u64 n = q->num;

	if (n == 0 || n > VMMIO_QUEUE_MAX || (n & (n - 1)) != 0) {
		return "queue size not a power of two in 1..QueueNumMax";
	}
	/* 2.7: descriptor table 16-byte, available ring 2-byte, used ring 4-byte aligned. */
	if (!IS_ALIGNED(q->desc_gpa, 16) || !IS_ALIGNED(q->driver_gpa, 2) ||
	    !IS_ALIGNED(q->device_gpa, 4)) {
		return "misaligned virtqueue area";
	}
	q->desc = d->ops->xlate(d->ctx, q->desc_gpa, 16 * n);
	q->avail = d->ops->xlate(d->ctx, q->driver_gpa, 6 + 2 * n);
	q->used = d->ops->xlate(d->ctx, q->device_gpa, 6 + 8 * n);
	if (!q->desc || !q->avail || !q->used) {
		q->desc = NULL;
		q->avail = q->used = NULL;
		return "virtqueue area outside guest RAM";
	}
	return NULL;
}

/* QueueReady = 1 (4.2.3.2). */
static void vmmio_queue_enable(struct vmmio_dev *d, struct vmmio_queue *q)
{
	const char *why = vmmio_queue_map(d, q);

	if (why) {
		vmmio_fail(d, why);
		return;
	}
	q->last_avail = 0;
	q->used_idx = 0;
	q->ready = true;
}

static u32 vmmio_reg_read(struct vmmio_dev *d, u64 off)
{
	struct vmmio_queue *q = vmmio_cur_queue(d);

	switch (off) {
	case VMMIO_MAGIC:
		return VMMIO_MAGIC_VALUE;
	case VMMIO_VERSION:
		return 2;
	case VMMIO_DEVICE_ID:
		return d->device_id;
	case VMMIO_VENDOR_ID:
		return VMMIO_VENDOR;
	case VMMIO_DEVICE_FEATURES:
		return d->dev_feat_sel < 2 ? (u32)(d->features >> (32 * d->dev_feat_sel)) : 0;
	case VMMIO_QUEUE_NUM_MAX:
		return q ? VMMIO_QUEUE_MAX : 0; /* 0: no such queue (4.2.3.2) */
	case VMMIO_QUEUE_READY:
		return q && q->ready;
	case VMMIO_INTERRUPT_STATUS:
		return d->isr;
	case VMMIO_STATUS:
		return d->status;
	case VMMIO_CONFIG_GEN:
		return d->config_gen;
	default:
		return 0; /* write-only or reserved */
	}
}

/* Status writes (2.1, 3.1.1): only a reset or adding bits in the order the spec gives. */
static void vmmio_status_write(struct vmmio_dev *d, u32 v)
{
	if (v == 0) {
		vmmio_reset(d);
		return;
	}
	if (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		return; /* only a reset helps now */
	}
	if ((v & d->status) != d->status) {
		vmmio_fail(d, "driver cleared status bits without a reset");
		return;
	}
	v &= ~VIRTIO_STATUS_DEVICE_NEEDS_RESET; /* set by the device only */
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
		/* 3.1.1 step 5/6: refuse (leave FEATURES_OK clear) a subset we cannot do. */
		bool ok = (d->drv_features & ~d->features) == 0 &&
			  (d->drv_features & BIT(VIRTIO_F_VERSION_1)) != 0;
		if (!ok) {
			v &= ~VIRTIO_STATUS_FEATURES_OK;
		}
	}
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(v & VIRTIO_STATUS_FEATURES_OK)) {
		vmmio_fail(d, "DRIVER_OK without FEATURES_OK");
		return;
	}
	d->status = v;
}

static void vmmio_set_half(u64 *p, bool high, u32 v)
{
	*p = high ? ((*p & 0xffffffffULL) | ((u64)v << 32)) : ((*p & ~0xffffffffULL) | v);
}

static void vmmio_queue_write(struct vmmio_dev *d, u64 off, u32 v)
{
	struct vmmio_queue *q = vmmio_cur_queue(d);

	if (!q) {
		return; /* nonexistent queue: ignored */
	}
	if (off == VMMIO_QUEUE_READY) {
		if (v == 0) {
			vmmio_queue_reset(q); /* 4.2.2: 0 stops the queue; we forget it */
		} else if (!q->ready) {
			vmmio_queue_enable(d, q);
		}
		return;
	}
	if (q->ready) {
		/* 4.2.2.2: the driver MUST NOT change a live queue's layout. */
		vmmio_fail(d, "queue layout written while the queue is ready");
		return;
	}
	switch (off) {
	case VMMIO_QUEUE_NUM:
		q->num = v;
		break;
	case VMMIO_QUEUE_DESC_LOW:
	case VMMIO_QUEUE_DESC_HIGH:
		vmmio_set_half(&q->desc_gpa, off == VMMIO_QUEUE_DESC_HIGH, v);
		break;
	case VMMIO_QUEUE_DRIVER_LOW:
	case VMMIO_QUEUE_DRIVER_HIGH:
		vmmio_set_half(&q->driver_gpa, off == VMMIO_QUEUE_DRIVER_HIGH, v);
		break;
	default:
		vmmio_set_half(&q->device_gpa, off == VMMIO_QUEUE_DEVICE_HIGH, v);
		break;
	}
}

static void vmmio_notify(struct vmmio_dev *d, u32 qi)
{
	if (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) {
		return;
	}
	/* 4.2.3.3 / 3.1.1: no notifications before DRIVER_OK; none for queues not ready. */
	if (!(d->status & VIRTIO_STATUS_DRIVER_OK)) {
		vmmio_fail(d, "queue notify before DRIVER_OK");
		return;
	}
	if (qi >= d->nqueues || !d->q[qi].ready) {
		vmmio_fail(d, "notify of a queue that is not ready");
		return;
	}
	if (d->ops->notify) {
		d->ops->notify(d, qi);
	}
}

static void vmmio_reg_write(struct vmmio_dev *d, u64 off, u32 v)
{
	switch (off) {
	case VMMIO_DEVICE_FEAT_SEL:
		d->dev_feat_sel = v;
		break;
	case VMMIO_DRIVER_FEAT_SEL:
		d->drv_feat_sel = v;
		break;
	case VMMIO_DRIVER_FEATURES:
		/* 2.2.2: features are fixed once FEATURES_OK is set. */
		if (d->status & VIRTIO_STATUS_FEATURES_OK) {
			vmmio_fail(d, "driver features written after FEATURES_OK");
		} else if (d->drv_feat_sel < 2) {
			vmmio_set_half(&d->drv_features, d->drv_feat_sel == 1, v);
		}
		break;
	case VMMIO_QUEUE_SEL:
		d->queue_sel = v;
		break;
	case VMMIO_QUEUE_NUM:
	case VMMIO_QUEUE_READY:
	case VMMIO_QUEUE_DESC_LOW:
	case VMMIO_QUEUE_DESC_HIGH:
	case VMMIO_QUEUE_DRIVER_LOW:
	case VMMIO_QUEUE_DRIVER_HIGH:
	case VMMIO_QUEUE_DEVICE_LOW:
	case VMMIO_QUEUE_DEVICE_HIGH:
		vmmio_queue_write(d, off, v);
		break;
	case VMMIO_QUEUE_NOTIFY:
		vmmio_notify(d, v);
		break;
	case VMMIO_INTERRUPT_ACK:
		d->isr &= ~v;
		vmmio_update_irq(d);
		break;
	case VMMIO_STATUS:
		vmmio_status_write(d, v);
		break;
	default:
		break; /* read-only or reserved: ignored */
	}
}

void vmmio_access(struct vmmio_dev *d, u64 off, u32 size, bool write, u64 *val)
{
	if (off >= VMMIO_CONFIG) {
		/* Config space: any width, read-only for the devices we have. */
		if (!write) {
			u64 v = 0;
			for (u32 i = 0; i < size && i < 8; i++) {
				u32 o = (u32)(off - VMMIO_CONFIG) + i;
				u8 b = d->ops->config_byte ? d->ops->config_byte(d, o) : 0;
				v |= (u64)b << (8 * i);
			}
			*val = v;
		}
		return;
	}
	if (size != 4 || !IS_ALIGNED(off, 4)) {
		if (!write) {
			*val = 0; /* 4.2.2.2: registers are 32-bit; anything else is ignored */
		}
		return;
	}
	if (write) {
		vmmio_reg_write(d, off, (u32)*val);
	} else {
		*val = vmmio_reg_read(d, off);
	}
}

/* ---- split virtqueue (2.7) ---- */

static u16 vq_load16(const u8 *p)
{
	return __atomic_load_n((const u16 *)(const void *)p, __ATOMIC_RELAXED);
}

int vmmio_vq_peek(struct vmmio_dev *d, u32 qi, struct vmmio_chain *c)
{
	struct vmmio_queue *q;
	u16 avail_idx, idx;
	u32 count = 0;

	if (qi >= d->nqueues || !vmmio_live(d) || !d->q[qi].ready || d->frozen) {
		return 0;
	}
	q = &d->q[qi];
	avail_idx = vq_load16(q->avail + 2);
	if (avail_idx == q->last_avail) {
		return 0;
	}
	/* 2.7.13: the driver can be at most one ring ahead of us. */
	if ((u16)(avail_idx - q->last_avail) > q->num) {
		vmmio_fail(d, "available index jumped beyond the queue size");
		return -1;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* ring entry after index (2.7.13) */
	c->head = vq_load16(q->avail + 4 + 2 * (q->last_avail & (q->num - 1)));
	c->nseg = 0;
	c->rd_len = 0;
	c->wr_len = 0;
	c->dev_wrote = d->ops->wrote;
	c->ctx = d->ctx;
	idx = c->head;
	for (;;) {
		volatile struct virtq_desc *vd;
		struct virtq_desc desc;

		if (idx >= q->num) {
			vmmio_fail(d, "descriptor index beyond the queue size");
			return -1;
		}
		/* 2.7.5.3.1: a chain longer than the queue must loop. */
		if (++count > q->num) {
			vmmio_fail(d, "descriptor chain loops or exceeds the queue size");
			return -1;
		}
		vd = &q->desc[idx];
		desc.addr = vd->addr;
		desc.len = vd->len;
		desc.flags = vd->flags;
		desc.next = vd->next;
		if (desc.flags & VIRTQ_DESC_F_INDIRECT) {
			vmmio_fail(d, "indirect descriptor (not negotiated)");
			return -1;
		}
		if (desc.len > 0) {
			bool wr = (desc.flags & VIRTQ_DESC_F_WRITE) != 0;
			u32 *tot = wr ? &c->wr_len : &c->rd_len;

			/* 2.7.4.2: device-writable buffers come after device-readable ones. */
			if (!wr && c->wr_len) {
				vmmio_fail(d, "readable descriptor after a writable one");
				return -1;
			}
			if (desc.addr + desc.len < desc.addr || *tot + desc.len < *tot) {
				vmmio_fail(d, "descriptor length overflows");
				return -1;
			}
			struct vmmio_seg *s = &c->seg[c->nseg++];
			s->ptr = d->ops->xlate(d->ctx, desc.addr, desc.len);
			if (!s->ptr) {
				vmmio_fail(d, "buffer outside guest RAM");
				return -1;
			}
			s->len = desc.len;
			s->write = wr;
			*tot += desc.len;
		}
		if (!(desc.flags & VIRTQ_DESC_F_NEXT)) {
			break;
		}
		idx = desc.next;
	}
	return 1;
}

u32 vmmio_chain_read(const struct vmmio_chain *c, u32 off, void *dst, u32 n)
{
	u32 done = 0;

	for (u32 i = 0; i < c->nseg && done < n; i++) {
		const struct vmmio_seg *s = &c->seg[i];
		u32 k;

		if (s->write) {
			break;
		}
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		k = MIN(s->len - off, n - done);
		memcpy((u8 *)dst + done, s->ptr + off, k);
		done += k;
		off = 0;
	}
	return done;
}

u32 vmmio_chain_write(const struct vmmio_chain *c, u32 off, const void *src, u32 n)
{
	u32 done = 0;

	for (u32 i = 0; i < c->nseg && done < n; i++) {
		const struct vmmio_seg *s = &c->seg[i];
		u32 k;

		if (!s->write) {
			continue;
		}
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		k = MIN(s->len - off, n - done);
		memcpy(s->ptr + off, (const u8 *)src + done, k);
		if (c->dev_wrote) {
			c->dev_wrote(c->ctx, s->ptr + off, k);
		}
		done += k;
		off = 0;
	}
	return done;
}

bool vmmio_vq_complete(struct vmmio_dev *d, u32 qi, const struct vmmio_chain *c, u32 written)
{
	struct vmmio_queue *q;
	u8 *e;

	if (qi >= d->nqueues || !d->q[qi].ready) {
		return false;
	}
	q = &d->q[qi];
	e = q->used + 4 + 8 * (q->used_idx & (q->num - 1));
	__atomic_store_n((u32 *)(void *)e, (u32)c->head, __ATOMIC_RELAXED);
	__atomic_store_n((u32 *)(void *)(e + 4), written, __ATOMIC_RELAXED);
	q->last_avail++;
	q->used_idx++;
	/* 2.7.8: buffer contents and ring entry visible before the new index. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n((u16 *)(void *)(q->used + 2), q->used_idx, __ATOMIC_RELAXED);
	if (d->ops->wrote) {
		d->ops->wrote(d->ctx, q->used + 2, 2);
		d->ops->wrote(d->ctx, e, 8);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(vq_load16(q->avail) & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

void vmmio_vq_interrupt(struct vmmio_dev *d)
{
	d->isr |= VMMIO_INT_VRING;
	vmmio_update_irq(d);
}

/* ---- snapshots ---- */

void vmmio_snap_put(const struct vmmio_dev *d, u8 *out)
{
	memset(out, 0, VMMIO_SNAP_SIZE);
	le32_store(out, d->status);
	le32_store(out + 4, d->isr);
	le32_store(out + 8, d->dev_feat_sel);
	le32_store(out + 12, d->drv_feat_sel);
	le32_store(out + 16, d->queue_sel);
	le32_store(out + 20, d->config_gen);
	le64_store(out + 24, d->drv_features);
	for (u32 i = 0; i < VMMIO_MAX_QUEUES; i++) {
		const struct vmmio_queue *q = &d->q[i];
		u8 *o = out + 32 + i * VMMIO_SNAP_QUEUE;

		le32_store(o, q->num);
		le32_store(o + 4, q->ready);
		le64_store(o + 8, q->desc_gpa);
		le64_store(o + 16, q->driver_gpa);
		le64_store(o + 24, q->device_gpa);
		o[32] = (u8)q->last_avail;
		o[33] = (u8)(q->last_avail >> 8);
		o[34] = (u8)q->used_idx;
		o[35] = (u8)(q->used_idx >> 8);
	}
}

/* What vmmio_status_write lets a driver reach (NEEDS_RESET is the device's: allowed too). */
static const char *vmmio_snap_status(const struct vmmio_dev *d, u32 status, u64 drv_features)
{
	if ((status & VIRTIO_STATUS_DRIVER_OK) && !(status & VIRTIO_STATUS_FEATURES_OK)) {
		return "Status has DRIVER_OK without FEATURES_OK";
	}
	if ((status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((drv_features & ~d->features) != 0 || (drv_features & BIT(VIRTIO_F_VERSION_1)) == 0)) {
		return "FEATURES_OK with features the device does not offer";
	}
	return NULL;
}

int vmmio_snap_get(struct vmmio_dev *d, const u8 *in, const char **why)
{
	struct vmmio_queue q[VMMIO_MAX_QUEUES];
	u32 status = le32_load(in), isr = le32_load(in + 4);
	u64 drv_features = le64_load(in + 24);

	*why = vmmio_snap_status(d, status, drv_features);
	if (!*why && (isr & ~(u32)(VMMIO_INT_VRING | VMMIO_INT_CONFIG)) != 0) {
		*why = "InterruptStatus has unknown bits";
	}
	for (u32 i = 0; !*why && i < VMMIO_MAX_QUEUES; i++) {
		const u8 *o = in + 32 + i * VMMIO_SNAP_QUEUE;
		u32 ready = le32_load(o + 4);

		memset(&q[i], 0, sizeof(q[i]));
		q[i].gen = d->q[i].gen + 1; /* a new queue for the device kind's progress */
		q[i].num = le32_load(o);
		q[i].desc_gpa = le64_load(o + 8);
		q[i].driver_gpa = le64_load(o + 16);
		q[i].device_gpa = le64_load(o + 24);
		q[i].last_avail = (u16)(o[32] | o[33] << 8);
		q[i].used_idx = (u16)(o[34] | o[35] << 8);
		if (ready > 1 || le32_load(o + 36) != 0) {
			*why = "queue: QueueReady or a reserved word out of range";
		} else if (i >= d->nqueues && (q[i].num || ready || q[i].desc_gpa ||
					       q[i].driver_gpa || q[i].device_gpa)) {
			*why = "state for a queue the device does not have";
		} else if (q[i].last_avail != q[i].used_idx) {
			/* Every chain the device takes is completed at once. */
			*why = "queue: next available and used index differ";
		} else if (!ready && q[i].last_avail != 0) {
			*why = "queue: indices of a queue that is not ready";
		} else if (ready) {
			*why = vmmio_queue_map(d, &q[i]);
			q[i].ready = true;
		}
	}
	if (*why) {
		return -1;
	}
	d->status = status;
	d->isr = isr;
	d->dev_feat_sel = le32_load(in + 8);
	d->drv_feat_sel = le32_load(in + 12);
	d->queue_sel = le32_load(in + 16);
	d->config_gen = le32_load(in + 20);
	d->drv_features = drv_features;
	memcpy(d->q, q, sizeof(q));
	return 0;
}
