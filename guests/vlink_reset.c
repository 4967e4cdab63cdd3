/* SPDX-License-Identifier: MIT */
/*
 * vlink_reset: the colluding pair of issue 18, on a virtio link ("type=console" or
 * "type=net", docs/VIRTIO.md) between two VMs on two CPUs, with the run count kept in a
 * channel ("count": channel memory survives a VM's reset, its RAM does not).
 *
 * role=resetter  brings its end of the link up with every receive buffer posted, waits a
 *                random 0..3 ms of virtual time (taking the link's interrupts), then resets
 *                itself with PSCI SYSTEM_RESET, again and again; every 100th run prints
 *                "TEST vlink_reset: run=<n>". At run "resets=<n>" (default 1000) it marks
 *                the channel done and powers off (SYSTEM_OFF).
 * role=receiver as resetter, but never resets itself: it takes bytes for ever and prints
 *                "TEST vlink_reset: up run=<n>" at each boot (something else restarts it:
 *                tests/system/mgmt_restart_peer.sh).
 * role=sender    transmits as fast as it can, one byte (console) or one minimal frame (net)
 *                per descriptor, and notifies in a loop even when nothing new is queued,
 *                until the channel says done; then prints its count and DONE.
 * A hypervisor that lets the sender's CPU touch the resetter's vGIC or devices while they
 *                are being reset hangs both CPUs (the bug); the system tests
 *                (vlink_reset_console.test, vlink_reset_net.test) expect both DONE lines,
 *                a neighbour that ticked throughout, and a clean power-off.
 */
#include "ring.h"
#include "virtio.h"

#define COUNT_MAGIC 0x52534554U /* "RSET" */
#define LINK_BASE   0x0a000000ULL
#define LINK_INTID  48
#define NET_HDR	    12
#define NET_FRAME   60

struct shared {
	volatile u32 magic;
	volatile u32 runs;
	volatile u32 done;
};

static struct kvio dev;

static void link_up(bool net)
{
	const char *why = "";

	if (kvio_init_id(&dev, LINK_BASE, LINK_INTID, net ? 1 : 3, &why) != 0) {
		test_check(false, "link up", "%s", why);
		test_done();
	}
}

/* This boot's run number, from the channel memory (set up by the first boot). */
static u32 next_run(struct shared *s)
{
	if (s->magic != COUNT_MAGIC) {
		s->runs = 0;
		s->done = 0;
		dsb_sy();
		s->magic = COUNT_MAGIC;
	}
	return ++s->runs;
}

static __attribute__((noreturn)) void resetter(struct shared *s, bool net, u32 resets)
{
	u32 run;
	u64 until;

	run = next_run(s);
	dsb_sy();
	if (run % 100 == 0 || run == 1) {
		test_fact("run=%u", run);
	}
	if (run >= resets) {
		s->done = 1;
		dsb_sy();
		test_check(run == resets, "resets survived", "runs=%u", run);
		test_done();
	}
	link_up(net);
	kit_rand_seed(timer_now() ^ ((u64)run << 32));
	until = timer_now() + kit_rand() % (3 * timer_freq() / 1000 + 1);
	while (timer_now() < until) {
		/* Take receive buffers back and post them again: the pump keeps finding them. */
		while (kvio_getc(&dev) >= 0) {
		}
	}
	psci_system_reset();
}

static __attribute__((noreturn)) void receiver(struct shared *s, bool net)
{
	u32 run;

	run = next_run(s);
	link_up(net);
	test_fact("up run=%u", run);
	for (;;) {
		while (kvio_getc(&dev) >= 0) {
		}
		kvio_wait(&dev);
	}
}

static __attribute__((noreturn)) void sender(struct shared *s, bool net)
{
	static u8 frame[NET_HDR + NET_FRAME];
	u64 sent = 0, notifies = 0;

	link_up(net);
	memset(frame, 0, sizeof(frame));
	for (u32 i = 0; i < 6; i++) {
		frame[NET_HDR + i] = 0xff; /* broadcast destination */
	}
	frame[NET_HDR + 12] = 0x88; /* a local experimental EtherType */
	frame[NET_HDR + 13] = 0xb5;
	while (!s->done) {
		bool ok =
		    net ? kvio_try_send(&dev, frame, sizeof(frame)) : kvio_try_send(&dev, "x", 1);

		sent += ok;
		while (kvio_getc(&dev) >= 0) {
		}
		kvio_wr(&dev, VMMIO_QUEUE_NOTIFY, 1); /* notify in a loop, new buffers or not */
		notifies++;
	}
	test_fact("sent=%llu notifies=%llu", (unsigned long long)sent,
		  (unsigned long long)notifies);
	test_check(sent > 0, "sender transmitted", "sent=%llu", (unsigned long long)sent);
	test_done();
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)dtb);
	struct kit_chan ch = {0};
	bool net = kit_strstr(args, "type=net") != NULL;

	test_begin("vlink_reset");
	if (!dt_channel((const void *)dtb, "count", &ch) || ch.size < sizeof(struct shared)) {
		test_check(false, "count channel", "not in the DTB");
		test_done();
	}
	if (kit_strstr(args, "role=resetter")) {
		resetter((struct shared *)(uintptr_t)ch.base, net,
			 (u32)kit_arg_u64(args, "resets", 1000));
	}
	if (kit_strstr(args, "role=receiver")) {
		receiver((struct shared *)(uintptr_t)ch.base, net);
	}
	sender((struct shared *)(uintptr_t)ch.base, net);
}
