/* SPDX-License-Identifier: MIT */
/*
 * Channels from a guest (docs/CONFIG.md "Channels", docs/HYPERCALLS.md): find a
 * channel in the VM's DTB, and a lock-free single-producer/single-consumer ring
 * of fixed-size message slots on its shared memory, with back-pressure (a full
 * ring makes the producer wait; unread data is never overwritten) and the
 * channel doorbell (TESSERA_HC_CHANNEL_NOTIFY) to wake a waiting peer.
 *
 * One ring is one direction on one channel whose ends are both "rw": the
 * producer writes the slots and the head index, the consumer writes the tail
 * index, so a "ro" end cannot consume. Two-way traffic uses two channels (or
 * two rings at different offsets of one). A "ro" end suits one-way bulk data
 * whose writer needs no acknowledgement in the same memory.
 *
 * Shared layout (little-endian, offsets from the channel base, every index in
 * its own 64-byte line so the two writers never share one):
 *   0x000 magic, slot_size, slots     written by the producer at ring_producer_init
 *   0x040 head                        producer: next slot it will fill (free-running)
 *   0x080 producer_waiting            producer: its wait episode (non-zero) while it
 *                                     waits for space, else 0
 *   0x0c0 tail                        consumer: next slot it will read (free-running)
 *   0x100 consumer_waiting            consumer: likewise while it waits for data
 *   0x200 slots[slots][slot_size]
 *
 * Ordering: a slot is filled before head is published with a store-release and
 * read after head is loaded with a load-acquire (and likewise tail for slot
 * reuse). "Set my waiting flag, then re-check the index" against "publish the
 * index, then look at the flag" is store->load on both sides, so a full fence
 * sits between them; the waiter sleeps with WFI with IRQs masked, which still
 * wakes on the pending doorbell SPI. The peer rings once per wait episode (it
 * remembers the last episode number it rang for), not once per message. The kit runs with the MMU
 * off, so the channel is Device memory for the guest: every access is an aligned 32-bit access and
 * LDAR/STLR/DMB work as on Normal memory. On real hardware with a guest MMU on, both ends must map
 * the channel with the same (cacheable) attributes, or one end must clean/invalidate the cache
 * around each access.
 *
 * The peer is hostile input: head and tail are range-checked on every load
 * (more than 'slots' apart = a broken peer: the call fails, never overruns).
 */
#ifndef TESSERA_GUEST_RING_H
#define TESSERA_GUEST_RING_H

#include "kit.h"

struct kit_chan {
	u64 base, size; /* guest-physical window */
	u32 id;		/* for TESSERA_HC_CHANNEL_NOTIFY */
	u32 intid;	/* SPI raised here when another end notifies */
	bool ro;
};

/* dt.c: the channel node whose tessera,name is name. */
bool dt_channel(const void *dtb, const char *name, struct kit_chan *out);

/* Enables the channel's SPI on this CPU (routed here, edge); counts doorbells. */
void chan_irq_setup(const struct kit_chan *ch);
/* Doorbells received on this channel's SPI so far. */
u32 chan_irq_count(const struct kit_chan *ch);

#define RING_MAGIC    0x474e4952U /* "RING" */
#define RING_HDR_SIZE 0x200U

struct ring {
	struct kit_chan ch;
	u64 slot_base;
	u32 slots;	/* power of two */
	u32 slot_size;	/* bytes, multiple of 4 */
	u32 head, tail; /* this end's view: own index exact, peer's last seen */
	bool producer;
	bool broken; /* the peer's index was out of range */
	u32 episode; /* my wait episodes (value of my waiting flag while waiting) */
	u32 rung;    /* the peer's last episode I rang the doorbell for */
	/* Statistics. */
	u32 full_events;  /* produce calls that found the ring full */
	u32 empty_events; /* consume calls that found it empty */
	u32 notifies;	  /* doorbells sent */
	u32 waits;	  /* WFI sleeps */
};

/* Producer side: lays out the ring (as many slots as fit, a power of two, at most
 * max_slots) and publishes the magic last. 0, or -1 if nothing fits. */
int ring_producer_init(struct ring *r, const struct kit_chan *ch, u32 slot_size, u32 max_slots);
/* Consumer side: waits up to timeout ticks for the producer's magic and checks its
 * geometry against the window. 0, or -1. */
int ring_consumer_attach(struct ring *r, const struct kit_chan *ch, u32 slot_size, u64 timeout);

/* Non-blocking: copies one message of slot_size bytes (words = slot_size / 4). */
bool ring_try_send(struct ring *r, const u32 *msg);
bool ring_try_recv(struct ring *r, u32 *msg);
/* Blocking: waits (doorbell + WFI) until there is space / a message; false only if the
 * ring is broken. */
bool ring_send(struct ring *r, const u32 *msg);
bool ring_recv(struct ring *r, u32 *msg);

#endif
