/* SPDX-License-Identifier: MIT */
/*
 * bench_chan: channel benchmarks between two VMs (bench/configs/chan.dts: VM
 * "a" on CPU 0 and VM "b" on CPU 1, one channel "link", both ends rw), run
 * under Tessera with -icount shift=4 (one CNTVCT tick = one instruction on any
 * CPU, and the counter is the same on all CPUs, so an interval measured by one
 * VM counts every instruction both CPUs executed meanwhile; bench/run.sh).
 *
 * The channel carries two guest-kit rings (guests/kit/ring.h): a -> b in its
 * first half, b -> a in its second. /chosen/bootargs picks the role:
 *   role=client (VM a) measures, after WARMUP discarded samples, SAMPLES of
 *     chan_notify     one HVC TESSERA_HC_CHANNEL_NOTIFY as seen by the caller
 *                     (timestamp pair around the HVC, its own cost subtracted),
 *                     the peer asleep in WFI each time (it acknowledges every
 *                     doorbell over the ring before the next sample);
 *     chan_roundtrip  a 32-byte PING written into the a -> b ring + doorbell,
 *                     b takes the doorbell interrupt and answers from its
 *                     handler with a PONG on b -> a + doorbell, a sleeps in WFI
 *                     until its doorbell interrupt, takes it and reads the PONG:
 *                     from before the send to after the reply is read.
 *   role=server (VM b) sleeps in WFI; its doorbell handler drains a -> b and
 *     answers PING with PONG (+ doorbell), a doorbell with no message with ACK
 *     (no doorbell: a polls for it), STOP by stopping.
 * Both check every reply and count doorbells, so a lost or merged doorbell or a
 * corrupted message fails the run instead of producing a figure.
 */
#include "kit.h"
#include "ring.h"

#define WARMUP	   16
#define SAMPLES	   256
#define MSG_WORDS  8 /* 32-byte slots: cmd, seq, 6 payload words */
#define TIMEOUT_MS 2000
#define CMD_PING   0x474e4950U /* "PING" */
#define CMD_PONG   0x474e4f50U /* "PONG" */
#define CMD_ACK	   0x004b4341U /* "ACK" */
#define CMD_STOP   0x504f5453U /* "STOP" */

static u64 samples[SAMPLES];
static u64 ovh;
static struct kit_chan link;
static struct ring tx, rx;
static volatile u32 doorbells, stop, bad;

static u32 payload(u32 seq, u32 i)
{
	return (seq * 0x9e3779b9U) ^ (i * 0x85ebca6bU);
}

static void record(u32 i, u64 v)
{
	if (i >= WARMUP)
		samples[i - WARMUP] = v;
}

static u64 deadline(void)
{
	return timer_now() + timer_freq() / 1000 * TIMEOUT_MS;
}

/* Rings: the first half of the channel is a -> b, the second b -> a. */
static bool rings_setup(bool client)
{
	struct kit_chan lo = link, hi = link;
	lo.size = link.size / 2;
	hi.base = link.base + link.size / 2;
	hi.size = link.size / 2;
	if (ring_producer_init(&tx, client ? &lo : &hi, MSG_WORDS * 4, 16) != 0)
		return false;
	return ring_consumer_attach(&rx, client ? &hi : &lo, MSG_WORDS * 4,
				    timer_freq() / 1000 * TIMEOUT_MS) == 0;
}

static void on_doorbell(u32 intid)
{
	(void)intid;
	doorbells++;
}

static void doorbell_setup(kit_irq_fn fn)
{
	gic_set_handler(link.intid, fn);
	gic_route_spi(link.intid, kit_cpu_id());
	gic_enable(link.intid);
}

/* ---- server (VM b) ------------------------------------------------------------- */

static void server_doorbell(u32 intid)
{
	u32 m[MSG_WORDS];
	bool any = false;

	(void)intid;
	doorbells++;
	while (ring_try_recv(&rx, m)) {
		any = true;
		if (m[0] == CMD_STOP) {
			stop = 1;
		} else if (m[0] == CMD_PING) {
			m[0] = CMD_PONG;
			for (u32 i = 2; i < MSG_WORDS; i++)
				m[i] = ~m[i]; /* proves the payload was read */
			if (ring_try_send(&tx, m))
				hyp_notify(link.id);
			else
				bad++;
		} else {
			bad++;
		}
	}
	if (!any) { /* a bare doorbell (chan_notify): acknowledge, no doorbell back */
		m[0] = CMD_ACK;
		m[1] = doorbells;
		if (!ring_try_send(&tx, m))
			bad++;
	}
}

static void role_server(void)
{
	if (!test_check(rings_setup(false), "rings", "no producer on a -> b"))
		return;
	doorbell_setup(server_doorbell);
	while (!stop && !rx.broken) {
		kit_irq_on();
		__asm__ volatile("wfi");
		kit_irq_off();
	}
	test_fact("doorbells=%u bad=%u broken=%d", doorbells, bad, rx.broken || tx.broken);
	test_check(stop && bad == 0 && !rx.broken && !tx.broken, "server answered everything",
		   "stop=%u bad=%u", stop, bad);
	/* Every sample of both figures rang once, plus STOP. */
	test_check(doorbells == 2 * (WARMUP + SAMPLES) + 1, "one doorbell per notify", "got %u",
		   doorbells);
}

/* ---- client (VM a) ------------------------------------------------------------- */

static bool wait_ack(u32 i)
{
	u32 m[MSG_WORDS];
	u64 end = deadline();
	while (!ring_try_recv(&rx, m)) {
		if (rx.broken || timer_now() > end)
			return false;
		__asm__ volatile("yield"); /* TCG round-robin: let CPU 1 run now */
	}
	return m[0] == CMD_ACK && m[1] == i + 1;
}

static void bench_notify(void)
{
	const u64 id = link.id;
	u32 n = 0;
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		register u64 x0 __asm__("x0") = TESSERA_HC_CHANNEL_NOTIFY;
		register u64 x1 __asm__("x1") = id;
		u64 t0, t1;
		__asm__ volatile("isb\n\tmrs %2, cntvct_el0\n\thvc #0\n\tisb\n\tmrs %3, cntvct_el0"
				 : "+r"(x0), "+r"(x1), "=&r"(t0), "=r"(t1)
				 :
				 : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
				   "x12", "x13", "x14", "x15", "x16", "x17", "memory");
		/* Checks print only on failure: a line per sample would be measured too. */
		if ((s64)x0 != TESSERA_OK) {
			test_check(false, "notify", "sample %u ret=%ld", i, (s64)x0);
			break;
		}
		if (!wait_ack(i)) {
			test_check(false, "server acknowledged the doorbell", "sample %u", i);
			break;
		}
		record(i, t1 - t0 - ovh);
		n = i + 1;
	}
	bench_report("chan_notify", samples, n > WARMUP ? n - WARMUP : 0);
}

static void bench_roundtrip(void)
{
	u32 m[MSG_WORDS], r[MSG_WORDS], n = 0;

	doorbells = 0;
	for (u32 i = 0; i < WARMUP + SAMPLES; i++) {
		bool got = false;
		u32 seen = doorbells;
		u64 end = deadline();

		m[0] = CMD_PING;
		m[1] = i;
		for (u32 k = 2; k < MSG_WORDS; k++)
			m[k] = payload(i, k);
		u64 t0 = bench_now();
		if (ring_try_send(&tx, m))
			hyp_notify(link.id);
		/* Sleep until the reply's doorbell (IRQs masked across the check and WFI, so
		 * the interrupt cannot slip in between), take it, then read the reply. */
		kit_irq_off();
		while (doorbells == seen && timer_now() < end) {
			__asm__ volatile("wfi");
			kit_irq_on();
			kit_irq_off();
		}
		kit_irq_on();
		got = ring_try_recv(&rx, r);
		u64 t1 = bench_now();
		bool ok = got && r[0] == CMD_PONG && r[1] == i;
		for (u32 k = 2; ok && k < MSG_WORDS; k++)
			ok = r[k] == ~payload(i, k);
		if (!ok) {
			test_check(false, "PONG for every PING", "sample %u got=%d cmd=0x%x seq=%u",
				   i, got, got ? r[0] : 0, got ? r[1] : 0);
			break;
		}
		record(i, t1 - t0 - ovh);
		n = i + 1;
		timer_delay(2000); /* the server back in WFI */
	}
	test_fact("roundtrip doorbells=%u", doorbells);
	test_check(doorbells == n, "one reply doorbell per round trip", "%u for %u", doorbells, n);
	bench_report("chan_roundtrip", samples, n > WARMUP ? n - WARMUP : 0);
}

static void role_client(void)
{
	if (!test_check(rings_setup(true), "rings", "no producer on b -> a"))
		return;
	doorbell_setup(on_doorbell);
	kit_irq_on();
	timer_delay(20000); /* the server asleep before the first sample */
	bench_notify();
	bench_roundtrip();
	u32 m[MSG_WORDS] = {CMD_STOP};
	test_check(ring_try_send(&tx, m) && hyp_notify(link.id) == TESSERA_OK, "stop sent", "-");
	kit_irq_off();
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	bool client = kit_strstr(args, "role=client") != NULL;

	test_begin("bench_chan");
	ovh = bench_overhead();
	if (test_check(hyp_vm_id(NULL, NULL) >= 0, "under Tessera", "no hypervisor") &&
	    test_check(dt_channel((const void *)(uintptr_t)dtb, "link", &link) && !link.ro &&
			   link.size >= 0x2000,
		       "channel link in the DTB", "size=0x%lx ro=%d", link.size, link.ro)) {
		test_fact("role=%s id=%u base=0x%lx size=0x%lx intid=%u ovh=%lu",
			  client ? "client" : "server", link.id, link.base, link.size, link.intid,
			  ovh);
		if (client)
			role_client();
		else
			role_server();
	}
	test_done();
}
