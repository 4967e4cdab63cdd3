/* SPDX-License-Identifier: MIT */
/* SPSC message ring on a channel's shared memory (design and layout: ring.h). */
#include "ring.h"

#define OFF_MAGIC     0x000U
#define OFF_SLOT_SIZE 0x004U
#define OFF_SLOTS     0x008U
#define OFF_HEAD      0x040U
#define OFF_PWAIT     0x080U
#define OFF_TAIL      0x0c0U
#define OFF_CWAIT     0x100U

static volatile u32 chan_irqs[KIT_MAX_INTID];

static void chan_irq(u32 intid)
{
	if (intid < KIT_MAX_INTID)
		chan_irqs[intid]++;
}

void chan_irq_setup(const struct kit_chan *ch)
{
	if (ch->intid < 32 || ch->intid >= KIT_MAX_INTID)
		return;
	gic_set_handler(ch->intid, chan_irq);
	gic_route_spi(ch->intid, kit_cpu_id());
	gic_enable(ch->intid);
}

u32 chan_irq_count(const struct kit_chan *ch)
{
	return ch->intid < KIT_MAX_INTID ? chan_irqs[ch->intid] : 0;
}

static volatile u32 *ring_word(const struct ring *r, u32 off)
{
	return (volatile u32 *)(uintptr_t)(r->ch.base + off);
}

static u32 load_acquire(const struct ring *r, u32 off)
{
	return __atomic_load_n(ring_word(r, off), __ATOMIC_ACQUIRE);
}

static void store_release(const struct ring *r, u32 off, u32 v)
{
	__atomic_store_n(ring_word(r, off), v, __ATOMIC_RELEASE);
}

/* Store->load ordering between "publish my index / flag" and "look at the peer's". */
static void full_fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * After publishing an index: ring the peer if it announced a wait we have not
 * rung for yet. The flag holds the waiter's episode number (0: not waiting), so
 * one wait costs one doorbell however many messages go by before it wakes.
 */
static void ring_wake_peer(struct ring *r, u32 flag_off)
{
	u32 ep = *ring_word(r, flag_off);

	if (ep != 0 && ep != r->rung) {
		r->rung = ep;
		r->notifies++;
		hyp_notify(r->ch.id);
	}
}

static bool ring_geometry(struct ring *r, const struct kit_chan *ch, u32 slot_size, u32 slots)
{
	if (slot_size < 4 || slot_size % 4 || slots < 2 || (slots & (slots - 1)) ||
	    ch->size < RING_HDR_SIZE || (u64)slots * slot_size > ch->size - RING_HDR_SIZE)
		return false;
	memset(r, 0, sizeof(*r));
	r->ch = *ch;
	r->slot_base = ch->base + RING_HDR_SIZE;
	r->slots = slots;
	r->slot_size = slot_size;
	return true;
}

int ring_producer_init(struct ring *r, const struct kit_chan *ch, u32 slot_size, u32 max_slots)
{
	u32 slots = 2;

	if (ch->size <= RING_HDR_SIZE || slot_size == 0)
		return -1;
	while (slots * 2 <= max_slots && (u64)slots * 2 * slot_size <= ch->size - RING_HDR_SIZE)
		slots *= 2;
	if (!ring_geometry(r, ch, slot_size, slots))
		return -1;
	r->producer = true;
	/* Magic off first, so a consumer never pairs the old magic with new indices. */
	store_release(r, OFF_MAGIC, 0);
	*ring_word(r, OFF_SLOT_SIZE) = slot_size;
	*ring_word(r, OFF_SLOTS) = slots;
	*ring_word(r, OFF_HEAD) = 0;
	*ring_word(r, OFF_PWAIT) = 0;
	*ring_word(r, OFF_TAIL) = 0;
	*ring_word(r, OFF_CWAIT) = 0;
	store_release(r, OFF_MAGIC, RING_MAGIC);
	return 0;
}

int ring_consumer_attach(struct ring *r, const struct kit_chan *ch, u32 slot_size, u64 timeout)
{
	const volatile u32 *magic = (const volatile u32 *)(uintptr_t)(ch->base + OFF_MAGIC);
	u64 end = timer_now() + timeout;

	while (__atomic_load_n(magic, __ATOMIC_ACQUIRE) != RING_MAGIC) {
		if (timer_now() > end)
			return -1;
		timer_delay(timer_freq() / 10000 + 1);
	}
	const volatile u32 *hdr = (const volatile u32 *)(uintptr_t)ch->base;
	u32 size = hdr[OFF_SLOT_SIZE / 4], slots = hdr[OFF_SLOTS / 4];
	/* The producer's geometry is hostile input: it must be ours and fit the window. */
	if (size != slot_size || !ring_geometry(r, ch, slot_size, slots))
		return -1;
	r->tail = *ring_word(r, OFF_TAIL);
	return 0;
}

static void copy_out(const struct ring *r, u32 idx, const u32 *msg)
{
	volatile u32 *slot =
	    (volatile u32 *)(uintptr_t)(r->slot_base + (u64)(idx & (r->slots - 1)) * r->slot_size);
	for (u32 i = 0; i < r->slot_size / 4; i++)
		slot[i] = msg[i];
}

static void copy_in(const struct ring *r, u32 idx, u32 *msg)
{
	const volatile u32 *slot =
	    (const volatile u32 *)(uintptr_t)(r->slot_base +
					      (u64)(idx & (r->slots - 1)) * r->slot_size);
	for (u32 i = 0; i < r->slot_size / 4; i++)
		msg[i] = slot[i];
}

bool ring_try_send(struct ring *r, const u32 *msg)
{
	u32 tail = load_acquire(r, OFF_TAIL);
	u32 used = r->head - tail;

	if (used > r->slots) { /* tail ahead of head or far behind: not a correct peer */
		r->broken = true;
		return false;
	}
	r->tail = tail;
	if (used == r->slots)
		return false; /* full: never overwrite what the consumer has not read */
	copy_out(r, r->head, msg);
	r->head++;
	store_release(r, OFF_HEAD, r->head);
	full_fence();
	ring_wake_peer(r, OFF_CWAIT);
	return true;
}

bool ring_try_recv(struct ring *r, u32 *msg)
{
	u32 head = load_acquire(r, OFF_HEAD);
	u32 avail = head - r->tail;

	if (avail > r->slots) {
		r->broken = true;
		return false;
	}
	r->head = head;
	if (avail == 0)
		return false;
	copy_in(r, r->tail, msg);
	r->tail++;
	store_release(r, OFF_TAIL, r->tail); /* the slot was read before it is given back */
	full_fence();
	ring_wake_peer(r, OFF_PWAIT);
	return true;
}

/*
 * Announce "waiting" in my flag, fence, try once more, and only then sleep: the
 * peer publishes its index before it reads the flag, so either the retry sees
 * the index or the peer sees the flag and rings. IRQs stay masked across the
 * check and WFI (a pending SPI still ends WFI), so the doorbell cannot be taken
 * and consumed between the check and the sleep.
 */
static bool ring_block(struct ring *r, const u32 *in, u32 *out)
{
	const u32 flag_off = in ? OFF_PWAIT : OFF_CWAIT;

	for (;;) {
		bool ok;

		kit_irq_off();
		if (++r->episode == 0)
			r->episode = 1;
		*ring_word(r, flag_off) = r->episode;
		full_fence();
		ok = in ? ring_try_send(r, in) : ring_try_recv(r, out);
		if (!ok && !r->broken) {
			r->waits++;
			__asm__ volatile("wfi" ::: "memory");
		}
		*ring_word(r, flag_off) = 0;
		kit_irq_on(); /* take (and EOI) the doorbell if it came */
		if (ok)
			return true;
		if (r->broken)
			return false;
	}
}

bool ring_send(struct ring *r, const u32 *msg)
{
	if (ring_try_send(r, msg))
		return true;
	if (r->broken)
		return false;
	r->full_events++;
	return ring_block(r, msg, NULL);
}

bool ring_recv(struct ring *r, u32 *msg)
{
	if (ring_try_recv(r, msg))
		return true;
	if (r->broken)
		return false;
	r->empty_events++;
	return ring_block(r, NULL, msg);
}
