/* SPDX-License-Identifier: MIT */
/*
 * chan_test: channels end to end (tests/system/chan.test, config
 * tests/system/configs/chan.dts). One guest, three roles from bootargs:
 *  role=send   producer of the "ring" channel (both ends rw) and writer of the
 *              "bulk" channel (rw here, ro at the receiver): sends count=<n>
 *              messages (sequence number, payload derived from it, checksum)
 *              and reports how often the ring was full (back-pressure);
 *  role=recv   consumer: checks every message (none lost, duplicated or
 *              corrupted), reads the bulk pattern through its read-only window
 *              and checks that a write there takes an external abort;
 *  role=probe  a VM that is no end of either channel: its DTB has no channel,
 *              CHANNEL_NOTIFY is DENIED, an unknown id INVALID, and the channel's
 *              physical address and the ends' windows abort.
 */
#include "kit.h"
#include "ring.h"

#define MSG_WORDS    8		 /* 32-byte slots: seq, 6 payload words, checksum */
#define BULK_MAGIC   0x4b4c5542U /* "BULK" */
#define DEFAULT_MSGS 100000U
/* Must match tests/system/configs/chan.dts. */
#define RING_PHYS   0x5f000000ULL
#define RING_WINDOW 0x60000000ULL
#define BAD_ID	    99U

static u32 payload(u32 seq, u32 i)
{
	return (seq * 0x9e3779b9U) ^ (i * 0x85ebca6bU) ^ (seq >> 3);
}

static u32 checksum(const u32 *w, u32 n)
{
	u32 h = 2166136261U; /* FNV-1a over words */
	for (u32 i = 0; i < n; i++)
		h = (h ^ w[i]) * 16777619U;
	return h;
}

static void msg_make(u32 *m, u32 seq)
{
	m[0] = seq;
	for (u32 i = 1; i < MSG_WORDS - 1; i++)
		m[i] = payload(seq, i);
	m[MSG_WORDS - 1] = checksum(m, MSG_WORDS - 1);
}

static bool msg_ok(const u32 *m)
{
	if (checksum(m, MSG_WORDS - 1) != m[MSG_WORDS - 1])
		return false;
	for (u32 i = 1; i < MSG_WORDS - 1; i++)
		if (m[i] != payload(m[0], i))
			return false;
	return true;
}

static bool find(const void *dtb, const char *name, struct kit_chan *ch, bool ro)
{
	bool ok = dt_channel(dtb, name, ch);
	test_fact("chan %s found=%d id=%u base=0x%lx size=0x%lx intid=%u access=%s", name, ok,
		  ch->id, ch->base, ch->size, ch->intid, ch->ro ? "ro" : "rw");
	return test_check(ok && ch->ro == ro && ch->size >= 0x1000, "channel in the DTB",
			  "%s found=%d ro=%d", name, ok, ch->ro);
}

static void bulk_write(const struct kit_chan *b)
{
	volatile u32 *w = (volatile u32 *)(uintptr_t)b->base;
	u32 n = (u32)(b->size / 4);
	for (u32 i = 1; i < n; i++)
		w[i] = payload(i, 7);
	__atomic_store_n(&w[0], BULK_MAGIC, __ATOMIC_RELEASE);
}

static void bulk_check(const struct kit_chan *b)
{
	const volatile u32 *w = (const volatile u32 *)(uintptr_t)b->base;
	u32 n = (u32)(b->size / 4), bad = 0;
	u64 end = timer_now() + timer_freq() * 5;
	while (__atomic_load_n(&w[0], __ATOMIC_ACQUIRE) != BULK_MAGIC && timer_now() < end)
		timer_delay(timer_freq() / 10000 + 1);
	for (u32 i = 1; i < n; i++)
		bad += w[i] != payload(i, 7);
	test_check(w[0] == BULK_MAGIC && bad == 0, "ro window reads the writer's data",
		   "magic=0x%x bad=%u", w[0], bad);
	u64 esr = 0;
	bool wrote = kit_probe_write(b->base + 4, 0xdeadbeef, &esr);
	test_fact("ro_write=%s esr=0x%lx", wrote ? "ok" : "abort", esr);
	test_check(!wrote && ESR_EC(esr) == EC_DABT_CUR && ESR_DFSC(esr) == DFSC_SEA,
		   "write to ro window -> external abort", "esr=0x%lx", esr);
	test_check(w[1] == payload(1, 7), "ro window unchanged", "w1=0x%x", w[1]);
}

static void role_send(const void *dtb, u32 count)
{
	struct kit_chan rc = {0}, bc = {0};
	struct ring r;
	u32 m[MSG_WORDS];

	if (!find(dtb, "ring", &rc, false) || !find(dtb, "bulk", &bc, false))
		return;
	bulk_write(&bc);
	s64 ret = hyp_notify(BAD_ID);
	test_check(ret == TESSERA_INVALID, "notify unknown id -> INVALID", "ret=%ld", ret);
	chan_irq_setup(&rc);
	test_check(ring_producer_init(&r, &rc, MSG_WORDS * 4, 64) == 0, "ring init", "size=0x%lx",
		   rc.size);
	test_fact("ring slots=%u slot_size=%u", r.slots, r.slot_size);
	u64 t0 = timer_now();
	u32 sent = 0;
	for (u32 seq = 0; seq < count; seq++) {
		msg_make(m, seq);
		if (!ring_send(&r, m))
			break;
		sent++;
	}
	u64 t1 = timer_now();
	test_fact("sent=%u full=%u waits=%u notifies=%u doorbells=%u ticks=%lu", sent,
		  r.full_events, r.waits, r.notifies, chan_irq_count(&rc), t1 - t0);
	test_check(sent == count, "all messages sent", "sent=%u broken=%d", sent, r.broken);
	test_check(r.full_events > 0, "back-pressure seen (ring full)", "full=%u", r.full_events);
}

static void role_recv(const void *dtb, u32 count)
{
	struct kit_chan rc = {0}, bc = {0};
	struct ring r;
	u32 m[MSG_WORDS];

	if (!find(dtb, "ring", &rc, false) || !find(dtb, "bulk", &bc, true))
		return;
	bulk_check(&bc);
	chan_irq_setup(&rc);
	if (!test_check(ring_consumer_attach(&r, &rc, MSG_WORDS * 4, timer_freq() * 10) == 0,
			"ring attach", "no producer"))
		return;
	/* Let the producer fill the ring first: back-pressure must happen. */
	timer_delay(timer_freq() / 200);
	u32 expected = 0, got = 0, lost = 0, dup = 0, corrupt = 0;
	while (expected < count) {
		if (!ring_recv(&r, m))
			break;
		got++;
		if (!msg_ok(m)) {
			corrupt++;
			continue;
		}
		if (m[0] < expected) {
			dup++;
		} else {
			lost += m[0] - expected;
			expected = m[0] + 1;
		}
	}
	test_fact("received=%u lost=%u dup=%u corrupt=%u empty=%u waits=%u notifies=%u "
		  "doorbells=%u",
		  got, lost, dup, corrupt, r.empty_events, r.waits, r.notifies,
		  chan_irq_count(&rc));
	test_check(got == count && lost == 0 && dup == 0 && corrupt == 0 && !r.broken,
		   "every message once, in order, intact", "got=%u lost=%u dup=%u corrupt=%u", got,
		   lost, dup, corrupt);
}

static void probe_abort(const char *what, u64 addr)
{
	u64 esr = 0;
	u32 v = 0;
	bool ok = kit_probe_read(addr, &v, &esr);
	test_fact("%s=0x%lx read=%s esr=0x%lx", what, addr, ok ? "ok" : "abort", esr);
	test_check(!ok && ESR_EC(esr) == EC_DABT_CUR && ESR_DFSC(esr) == DFSC_SEA, what,
		   "read 0x%x esr=0x%lx", v, esr);
}

static void role_probe(const void *dtb)
{
	struct kit_chan ch = {0};
	test_check(!dt_channel(dtb, "ring", &ch), "no channel in a non-end's DTB", "found");
	s64 f = (s64)kit_hvc(TESSERA_HC_FEATURES, TESSERA_HC_CHANNEL_NOTIFY, 0, 0).x0;
	test_check(f == TESSERA_OK, "FEATURES reports CHANNEL_NOTIFY", "ret=%ld", f);
	s64 r = hyp_notify(0);
	test_fact("notify_foreign=%ld", r);
	test_check(r == TESSERA_DENIED, "notify of a channel not ours -> DENIED", "ret=%ld", r);
	r = hyp_notify(BAD_ID);
	test_check(r == TESSERA_INVALID, "notify unknown id -> INVALID", "ret=%ld", r);
	probe_abort("channel phys aborts", RING_PHYS);
	probe_abort("channel window aborts", RING_WINDOW);
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u32 count = (u32)kit_arg_u64(args, "count=", DEFAULT_MSGS);

	test_begin("chan");
	if (kit_strstr(args, "role=send"))
		role_send((const void *)(uintptr_t)dtb, count);
	else if (kit_strstr(args, "role=recv"))
		role_recv((const void *)(uintptr_t)dtb, count);
	else
		role_probe((const void *)(uintptr_t)dtb);
	test_done();
}
