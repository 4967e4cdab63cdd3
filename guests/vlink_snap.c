/* SPDX-License-Identifier: MIT */
/*
 * vlink_snap: the guest of tests/system/vlink_snap.sh (virtio link state in snapshots and
 * clones, docs/SNAPSHOT.md "The virtio sections").
 *
 * role=ping: a virtio console at 0x0a000000 (SPI 48) and a virtio-net card at 0x0a001000
 * (SPI 49). Step n (one every 100 ms of virtual time, steps=N of them) sends "P<n>" on both,
 * as a console line and as the payload of an Ethernet frame, and is done when "E<n>" came
 * back on both; what has not come back is sent again every 300 ms (by the documented rule a
 * restore loses what the peer sent between the capture and the restore, and a net link
 * drops frames for an end that is frozen). Prints "step=<n> con=<sends> net=<sends>", its
 * MAC at start, and when its generation id changes (it is a clone) the MAC its net config
 * space shows now, ConfigGeneration and the configuration-change interrupts taken.
 *
 * role=echo ends=<k>: k pairs of devices, console at 0x0a000000 + 0x2000 i (SPI 48 + 2 i)
 * and net at 0x0a001000 + 0x2000 i (SPI 49 + 2 i); answers each "P<n>" line or frame with
 * "E<n>" on the same device (frames back to their sender's MAC). Never ends.
 */
#include "virtio.h"

#define MAX_ENDS   2
#define TICK_HZ	   100
#define STEP_TICKS 10
#define RESEND_MS  300
#define ETH_HDR	   14
#define NET_FRAME  60
#define ETHERTYPE  0x88b5 /* IEEE local experimental */
#define dmb_sy()   __asm__ volatile("dmb sy" ::: "memory")

static struct kvio con[MAX_ENDS], net[MAX_ENDS];
static char line[MAX_ENDS][32];
static u32 line_len[MAX_ENDS];
static volatile u32 ticks;
static u64 period, deadline;

static void tick_irq(u32 intid)
{
	(void)intid;
	ticks++;
	deadline += period;
	timer_set_cval(deadline);
}

static bool rx_waiting(const struct kvio *d)
{
	return d->base && d->q[0].last_used != *(volatile const u16 *)&d->q[0].used.idx;
}

/* Sleeps until an interrupt (the 10 ms tick at the latest) unless something came. */
static void idle(u32 ends)
{
	kit_irq_off();
	for (u32 i = 0; i < ends; i++) {
		if (rx_waiting(&con[i]) || rx_waiting(&net[i])) {
			kit_irq_on();
			return;
		}
	}
	__asm__ volatile("wfi");
	kit_irq_on();
}

/* The next received frame (after the 12-byte virtio-net header) into out; its length, or -1. */
static int net_recv(struct kvio *d, u8 *out, u32 max)
{
	struct kvio_queue *q = &d->q[0];
	u32 i, id, len;

	if (!rx_waiting(d))
		return -1;
	dmb_sy();
	i = q->last_used % KVIO_QSIZE;
	id = q->used.ring[i].id;
	len = q->used.ring[i].len;
	q->last_used++;
	if (id >= KVIO_QSIZE)
		return -1;
	len = MIN(len, (u32)KVIO_BUF);
	len = len > VNET_HDR_LEN ? len - VNET_HDR_LEN : 0;
	len = MIN(len, max);
	memcpy(out, q->buf[id] + VNET_HDR_LEN, len);
	q->avail.ring[q->avail.idx % KVIO_QSIZE] = (u16)id;
	dmb_sy();
	q->avail.idx++;
	dsb_sy();
	kvio_wr(d, VMMIO_QUEUE_NOTIFY, 0);
	return (int)len;
}

static void mac_of(const struct kvio *d, u8 *mac)
{
	for (u32 i = 0; i < 6; i++)
		mac[i] = *(volatile const u8 *)(uintptr_t)(d->base + VMMIO_CONFIG + i);
}

/* A frame from our MAC to dst carrying text. */
static void net_send(struct kvio *d, const u8 *dst, const char *text)
{
	u8 pkt[VNET_HDR_LEN + NET_FRAME];
	u8 *f = pkt + VNET_HDR_LEN;

	memset(pkt, 0, sizeof(pkt));
	memcpy(f, dst, 6);
	mac_of(d, f + 6);
	f[12] = ETHERTYPE >> 8;
	f[13] = ETHERTYPE & 0xff;
	memcpy(f + ETH_HDR, text, strlen(text));
	(void)kvio_try_send(d, pkt, sizeof(pkt)); /* a full queue: the next resend */
}

/* A console line from device i (without '\n') into out; false if none is complete yet. */
static bool con_line(u32 i, char *out, u32 size)
{
	int c;

	while ((c = kvio_getc(&con[i])) >= 0) {
		if (c == '\n') {
			u32 n = MIN(line_len[i], size - 1);

			memcpy(out, line[i], n);
			out[n] = '\0';
			line_len[i] = 0;
			return true;
		}
		if (line_len[i] < sizeof(line[i]) - 1)
			line[i][line_len[i]++] = (char)c;
	}
	return false;
}

/* "<tag><n>" with a decimal n: n, or -1. */
static long tagged(const char *s, char tag)
{
	long n = 0;

	if (s[0] != tag || s[1] < '0' || s[1] > '9')
		return -1;
	for (s++; *s >= '0' && *s <= '9'; s++)
		n = n * 10 + (*s - '0');
	return *s ? -1 : n;
}

static void init_dev(struct kvio *d, u64 base, u32 intid, u32 id)
{
	const char *why = "";

	if (!test_check(kvio_init_id(d, base, intid, id, &why) == 0, "virtio device up",
			"%s at 0x%lx: %s", id == 1 ? "net" : "console", base, why))
		test_done();
}

static void print_mac(const char *what)
{
	u8 m[6];

	mac_of(&net[0], m);
	test_fact("%smac=%02x:%02x:%02x:%02x:%02x:%02x cfg_gen=%u cfg_irqs=%u irqs=%u isr=%u", what,
		  m[0], m[1], m[2], m[3], m[4], m[5], kvio_rd(&net[0], VMMIO_CONFIG_GEN),
		  net[0].config_irqs, net[0].irqs, kvio_rd(&net[0], VMMIO_INTERRUPT_STATUS));
}

static void echo(u32 ends)
{
	u32 answers = 0;

	for (;;) {
		bool progress = false;

		for (u32 i = 0; i < ends; i++) {
			char s[32], out[32];
			u8 f[NET_FRAME];
			int len;
			long n;

			while (con_line(i, s, sizeof(s))) {
				progress = true;
				if ((n = tagged(s, 'P')) >= 0) {
					fmt_snprintf(out, sizeof(out), "E%ld\n", n);
					(void)kvio_try_send(&con[i], out, (u32)strlen(out));
					answers++;
				}
			}
			while ((len = net_recv(&net[i], f, sizeof(f) - 1)) >= 0) {
				progress = true;
				f[len] = 0;
				if (len > ETH_HDR && (n = tagged((char *)f + ETH_HDR, 'P')) >= 0) {
					fmt_snprintf(out, sizeof(out), "E%ld", n);
					net_send(&net[i], f + 6, out);
					answers++;
				}
			}
		}
		if (answers && answers % 100 == 0) {
			test_fact("echoed %u", answers);
			answers++;
		}
		if (!progress)
			idle(ends);
	}
}

static void ping(u32 steps, const void *fdt)
{
	u64 gen = 0, now_gen = 0, ms = timer_freq() / 1000;
	const u8 bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	(void)fdt;
	hyp_generation_id(&gen);
	print_mac("");
	for (u32 step = 1; step <= steps; step++) {
		u32 sent_con = 0, sent_net = 0;
		bool con_ok = false, net_ok = false;
		u64 last = 0, give_up;
		char msg[16];

		while (ticks < step * STEP_TICKS)
			idle(1);
		hyp_generation_id(&now_gen);
		if (now_gen != gen) {
			u64 until = timer_now() + 500 * ms;

			gen = now_gen;
			/* The configuration-change interrupt is asynchronous: it may still be on
			 * its way when the new generation id is read. Give it up to 500 ms (the
			 * test fails if it never comes: cfg_irqs=0). */
			while (net[0].config_irqs == 0 && timer_now() < until)
				idle(1);
			print_mac("generation changed ");
		}
		fmt_snprintf(msg, sizeof(msg), "P%u", step);
		give_up = timer_now() + 20000 * ms;
		while (!(con_ok && net_ok) && timer_now() < give_up) {
			char s[32];
			u8 f[NET_FRAME];
			int len;

			if (timer_now() - last >= RESEND_MS * ms) {
				last = timer_now();
				if (!con_ok) {
					char l[20];

					fmt_snprintf(l, sizeof(l), "%s\n", msg);
					sent_con += kvio_try_send(&con[0], l, (u32)strlen(l));
				}
				if (!net_ok) {
					net_send(&net[0], bcast, msg);
					sent_net++;
				}
			}
			while (con_line(0, s, sizeof(s)))
				con_ok |= tagged(s, 'E') == (long)step;
			while ((len = net_recv(&net[0], f, sizeof(f) - 1)) >= 0) {
				f[len] = 0;
				net_ok |=
				    len > ETH_HDR && tagged((char *)f + ETH_HDR, 'E') == (long)step;
			}
			if (!(con_ok && net_ok))
				idle(1);
		}
		test_fact("step=%u con=%s%u net=%s%u", step, con_ok ? "" : "lost/", sent_con,
			  net_ok ? "" : "lost/", sent_net);
	}
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	const char *args = dt_bootargs(fdt);
	bool is_echo = kit_strstr(args, "role=echo") != NULL;
	u32 ends = is_echo ? (u32)MIN(kit_arg_u64(args, "ends=", 1), (u64)MAX_ENDS) : 1;

	test_begin("vlink_snap");
	period = timer_freq() / TICK_HZ;
	gic_set_handler(INTID_VTIMER, tick_irq);
	gic_enable(INTID_VTIMER);
	deadline = timer_now() + period;
	timer_set_cval(deadline);
	timer_enable(true);
	for (u32 i = 0; i < ends; i++) {
		init_dev(&con[i], 0x0a000000 + 0x2000ULL * i, 48 + 2 * i, 3);
		init_dev(&net[i], 0x0a001000 + 0x2000ULL * i, 49 + 2 * i, 1);
	}
	kit_irq_on();
	if (is_echo)
		echo(ends);
	ping((u32)kit_arg_u64(args, "steps=", 100), fdt);
	test_done();
}
