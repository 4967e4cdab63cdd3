/* SPDX-License-Identifier: MIT */
/* Kit virtio-console driver (design: virtio.h). */
#include "virtio.h"

#define dmb_sy() __asm__ volatile("dmb sy" ::: "memory")

static struct kvio *irq_dev[KIT_MAX_INTID];

u32 kvio_rd(const struct kvio *d, u32 off)
{
	return mmio_read32(d->base + off);
}

void kvio_wr(const struct kvio *d, u32 off, u32 val)
{
	mmio_write32(d->base + off, val);
}

static void kvio_irq(u32 intid)
{
	struct kvio *d = intid < KIT_MAX_INTID ? irq_dev[intid] : NULL;
	u32 isr;

	if (!d)
		return;
	/* 4.2.3.4: read InterruptStatus, acknowledge what we saw (the line then drops). */
	isr = kvio_rd(d, VMMIO_INTERRUPT_STATUS);
	kvio_wr(d, VMMIO_INTERRUPT_ACK, isr);
	d->irqs++;
	if (isr & VMMIO_INT_CONFIG)
		d->config_irqs++;
}

void kvio_setup_queue(const struct kvio *d, u32 q, u32 num, u64 desc, u64 avail, u64 used)
{
	kvio_wr(d, VMMIO_QUEUE_SEL, q);
	kvio_wr(d, VMMIO_QUEUE_NUM, num);
	kvio_wr(d, VMMIO_QUEUE_DESC_LOW, (u32)desc);
	kvio_wr(d, VMMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
	kvio_wr(d, VMMIO_QUEUE_DRIVER_LOW, (u32)avail);
	kvio_wr(d, VMMIO_QUEUE_DRIVER_HIGH, (u32)(avail >> 32));
	kvio_wr(d, VMMIO_QUEUE_DEVICE_LOW, (u32)used);
	kvio_wr(d, VMMIO_QUEUE_DEVICE_HIGH, (u32)(used >> 32));
	kvio_wr(d, VMMIO_QUEUE_READY, 1);
}

bool kvio_broken(const struct kvio *d)
{
	return (kvio_rd(d, VMMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
}

static void rx_post(struct kvio *d, u16 i)
{
	struct kvio_queue *q = &d->q[0];

	q->avail.ring[q->avail.idx % KVIO_QSIZE] = i;
	dmb_sy(); /* 2.7.13: ring entry before index */
	q->avail.idx++;
}

int kvio_init(struct kvio *d, u64 base, u32 intid, const char **why)
{
	return kvio_init_id(d, base, intid, 3, why);
}

int kvio_init_id(struct kvio *d, u64 base, u32 intid, u32 device_id, const char **why)
{
	u32 st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	memset(d->q, 0, sizeof(d->q));
	d->base = base;
	d->intid = intid;
	d->rx_have = false;
	if (kvio_rd(d, VMMIO_MAGIC) != VMMIO_MAGIC_VALUE || kvio_rd(d, VMMIO_VERSION) != 2) {
		*why = "not a virtio-mmio Version 2 device";
		return -1;
	}
	if (kvio_rd(d, VMMIO_DEVICE_ID) != device_id) {
		*why = device_id == 3 ? "not a console" : "not the expected device type";
		return -1;
	}
	kvio_wr(d, VMMIO_STATUS, 0);
	kvio_wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	kvio_wr(d, VMMIO_STATUS, st);
	kvio_wr(d, VMMIO_DEVICE_FEAT_SEL, 1);
	if (!(kvio_rd(d, VMMIO_DEVICE_FEATURES) & 1)) {
		*why = "no VIRTIO_F_VERSION_1";
		return -1;
	}
	kvio_wr(d, VMMIO_DRIVER_FEAT_SEL, 0);
	kvio_wr(d, VMMIO_DRIVER_FEATURES, 0);
	kvio_wr(d, VMMIO_DRIVER_FEAT_SEL, 1);
	kvio_wr(d, VMMIO_DRIVER_FEATURES, 1);
	st |= VIRTIO_STATUS_FEATURES_OK;
	kvio_wr(d, VMMIO_STATUS, st);
	if (!(kvio_rd(d, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		*why = "FEATURES_OK refused";
		return -1;
	}
	for (u32 i = 0; i < 2; i++) {
		struct kvio_queue *q = &d->q[i];
		kvio_wr(d, VMMIO_QUEUE_SEL, i);
		if (kvio_rd(d, VMMIO_QUEUE_NUM_MAX) < KVIO_QSIZE) {
			*why = "queue too small";
			return -1;
		}
		for (u32 k = 0; k < KVIO_QSIZE; k++) {
			q->desc[k].addr = (u64)(uintptr_t)q->buf[k];
			q->desc[k].len = KVIO_BUF;
			q->desc[k].flags = i == 0 ? VIRTQ_DESC_F_WRITE : 0;
		}
		kvio_setup_queue(d, i, KVIO_QSIZE, (u64)(uintptr_t)q->desc,
				 (u64)(uintptr_t)&q->avail, (u64)(uintptr_t)&q->used);
	}
	for (u16 k = 0; k < KVIO_QSIZE; k++)
		rx_post(d, k);
	if (intid >= 32 && intid < KIT_MAX_INTID) {
		irq_dev[intid] = d;
		gic_set_handler(intid, kvio_irq);
		gic_route_spi(intid, kit_cpu_id());
		gic_enable(intid);
	}
	dsb_sy();
	kvio_wr(d, VMMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
	kvio_wr(d, VMMIO_QUEUE_NOTIFY, 0);
	if (kvio_broken(d)) {
		*why = "device needs reset after initialisation";
		return -1;
	}
	/* Take used-buffer interrupts from now on, not only while waiting: every one the
	 * device raises is then counted, however the two ends happen to be paced. */
	if (d->intid)
		kit_irq_on();
	return 0;
}

/* Transmit buffers the device has given back. */
static void tx_reclaim(struct kvio *d)
{
	struct kvio_queue *q = &d->q[1];

	while (q->last_used != *(volatile u16 *)&q->used.idx) {
		q->last_used++;
		q->in_flight--;
	}
}

bool kvio_try_send(struct kvio *d, const void *p, u32 n)
{
	struct kvio_queue *q = &d->q[1];
	u16 slot;

	tx_reclaim(d);
	if (q->in_flight == KVIO_QSIZE)
		return false;
	/* Buffers come back in order (our device completes transmit chains in order), so
	 * the next free descriptor is the one after the newest in flight. */
	slot = q->avail.idx % KVIO_QSIZE;
	n = MIN(n, (u32)KVIO_BUF);
	memcpy(q->buf[slot], p, n);
	q->desc[slot].addr = (u64)(uintptr_t)q->buf[slot];
	q->desc[slot].len = n;
	q->desc[slot].flags = 0;
	q->avail.ring[slot] = slot;
	dmb_sy();
	q->avail.idx++;
	q->in_flight++;
	dsb_sy(); /* 2.7.13: index visible before the notify */
	kvio_wr(d, VMMIO_QUEUE_NOTIFY, 1);
	return true;
}

int kvio_getc(struct kvio *d)
{
	struct kvio_queue *q = &d->q[0];
	int c;

	if (!d->rx_have) {
		u16 i;

		if (q->last_used == *(volatile u16 *)&q->used.idx)
			return -1;
		dmb_sy();
		i = q->last_used % KVIO_QSIZE;
		d->rx_id = (u16)q->used.ring[i].id;
		d->rx_len = q->used.ring[i].len;
		q->last_used++;
		if (d->rx_id >= KVIO_QSIZE)
			return -1; /* never from a sane device */
		d->rx_len = MIN(d->rx_len, (u32)KVIO_BUF);
		d->rx_off = 0;
		d->rx_have = true;
	}
	if (d->rx_off < d->rx_len) {
		c = q->buf[d->rx_id][d->rx_off++];
	} else {
		c = -1;
	}
	if (d->rx_off >= d->rx_len) {
		d->rx_have = false;
		rx_post(d, d->rx_id);
		dsb_sy();
		kvio_wr(d, VMMIO_QUEUE_NOTIFY, 0);
	}
	return c;
}

void kvio_wait(struct kvio *d)
{
	/* Check for used buffers with IRQs masked, then WFI: an interrupt after the check
	 * stays pending and still wakes the WFI (ARM ARM D1.16.2), so none is lost. */
	tx_reclaim(d);
	kit_irq_off();
	if (d->q[0].last_used == *(volatile u16 *)&d->q[0].used.idx &&
	    d->q[1].last_used == *(volatile u16 *)&d->q[1].used.idx)
		__asm__ volatile("wfi");
	kit_irq_on();
}

static u32 kvio_hash(u32 n)
{
	return n * 2654435761U;
}

u32 kvio_exchange(struct kvio *d, char me, char peer, u32 lines, u32 timeout_ms)
{
	char line[64], want[64], out[64];
	u32 sent = 0, got = 0, errors = 0, len = 0, out_len = 0;
	u64 deadline = timer_now() + timer_freq() / 1000 * timeout_ms;

	while ((sent < lines || got < lines) && timer_now() < deadline) {
		bool progress = false;
		int c;

		if (sent < lines) {
			if (!out_len)
				out_len = (u32)fmt_snprintf(out, sizeof(out), "%c %u %x\n", me,
							    sent, kvio_hash(sent));
			if (kvio_try_send(d, out, out_len)) {
				sent++;
				out_len = 0;
				progress = true;
			}
		}
		while ((c = kvio_getc(d)) >= 0) {
			progress = true;
			if (c != '\n') {
				if (len < sizeof(line) - 1)
					line[len++] = (char)c;
				continue;
			}
			line[len] = '\0';
			len = 0;
			fmt_snprintf(want, sizeof(want), "%c %u %x", peer, got, kvio_hash(got));
			if (strcmp(line, want) != 0) {
				if (errors < 5)
					kit_printf("vcon: got \"%s\", want \"%s\"\n", line, want);
				errors++;
			}
			got++;
		}
		if (!progress) {
			if (kvio_broken(d))
				break;
			if (d->intid)
				kvio_wait(d);
		}
	}
	if (sent < lines || got < lines) {
		kit_printf("vcon: sent %u/%u received %u/%u lines\n", sent, lines, got, lines);
		errors += (lines - sent) + (lines - got);
	}
	return errors;
}
