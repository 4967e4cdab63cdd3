/* SPDX-License-Identifier: MIT */
/*
 * virtio-mmio transport (src/vdev/virtio_mmio.c), virtio-console links
 * (src/vdev/vlink_console.c) and virtio-net links (src/vdev/vlink_net.c)
 * against fake guest memory: register semantics,
 * feature negotiation, a working byte stream with back-pressure, and every
 * hostile driver behaviour we promise to reject (docs/VIRTIO.md).
 */
#include <string.h>

#include "check.h"
#include "lib.h"
#include "virtio_mmio.h"
#include "vlink.h"
#include "../../src/vdev/vlink_int.h"

/* The device of end `end` of the n-th link of a kind, as the links find it themselves
 * (vlink_nth, vlink_int.h): the product has no accessor for tests. */
static struct vmmio_dev *link_dev(u32 type, u32 n, u32 end)
{
	struct vlink *l = vlink_nth(type, n);

	return l && end < 2 ? &l->end[end].dev : NULL;
}

static struct vmmio_dev *vlink_dev(u32 n, u32 end)
{
	return link_dev(CONFIG_VIRTIO_CONSOLE, n, end);
}

static struct vmmio_dev *vnet_dev(u32 n, u32 end)
{
	return link_dev(CONFIG_VIRTIO_NET, n, end);
}

#define GRAM_BASE 0x40000000ULL
#define GRAM_SIZE 0x10000ULL

/* Two fake VMs' RAM. Queue areas: desc at +0x1000, avail at +0x2000, used at +0x3000
 * (queue 0) and +0x4000.. (queue 1); buffers from +0x8000. */
static u8 gram[2][GRAM_SIZE] __attribute__((aligned(4096)));
static bool irq_level[2];
static u32 irq_count[2];
static u32 notified;

static void *fake_xlate(u32 vm, u64 gpa, u64 size)
{
	if (vm > 1 || gpa < GRAM_BASE || gpa - GRAM_BASE >= GRAM_SIZE ||
	    size > GRAM_SIZE - (gpa - GRAM_BASE)) {
		return NULL;
	}
	return &gram[vm][gpa - GRAM_BASE];
}

static void fake_irq(u32 vm, u32 intid, bool level)
{
	(void)intid;
	if (level && !irq_level[vm]) {
		irq_count[vm]++;
	}
	irq_level[vm] = level;
}

/* ---- a plain transport for the hostile cases (VM 0's memory) ---- */

static void *t_xlate(void *ctx, u64 gpa, u64 size)
{
	(void)ctx;
	return fake_xlate(0, gpa, size);
}

static void t_irq(void *ctx, bool level)
{
	(void)ctx;
	fake_irq(0, 48, level);
}

static void t_notify(struct vmmio_dev *d, u32 q)
{
	(void)d;
	notified |= 1U << q;
}

static const struct vmmio_ops t_ops = {.xlate = t_xlate, .irq = t_irq, .notify = t_notify};

static u32 rd(struct vmmio_dev *d, u64 off)
{
	u64 v = 0xdeadbeef;
	vmmio_access(d, off, 4, false, &v);
	return (u32)v;
}

static void wr(struct vmmio_dev *d, u64 off, u32 v)
{
	u64 x = v;
	vmmio_access(d, off, 4, true, &x);
}

static u64 qarea(u32 q, u32 which)
{
	return GRAM_BASE + 0x1000 + 0x3000 * q + 0x1000 * which;
}

static void setup_queue(struct vmmio_dev *d, u32 q, u32 num, u64 desc, u64 avail, u64 used)
{
	wr(d, VMMIO_QUEUE_SEL, q);
	wr(d, VMMIO_QUEUE_NUM, num);
	wr(d, VMMIO_QUEUE_DESC_LOW, (u32)desc);
	wr(d, VMMIO_QUEUE_DESC_HIGH, (u32)(desc >> 32));
	wr(d, VMMIO_QUEUE_DRIVER_LOW, (u32)avail);
	wr(d, VMMIO_QUEUE_DRIVER_HIGH, (u32)(avail >> 32));
	wr(d, VMMIO_QUEUE_DEVICE_LOW, (u32)used);
	wr(d, VMMIO_QUEUE_DEVICE_HIGH, (u32)(used >> 32));
	wr(d, VMMIO_QUEUE_READY, 1);
}

/* Driver initialisation (3.1.1) with VERSION_1 and two 8-entry queues. */
static void driver_init(struct vmmio_dev *d)
{
	wr(d, VMMIO_STATUS, 0);
	wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VMMIO_DRIVER_FEAT_SEL, 1);
	wr(d, VMMIO_DRIVER_FEATURES, 1); /* VERSION_1 */
	wr(d, VMMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
	for (u32 q = 0; q < 2; q++) {
		setup_queue(d, q, 8, qarea(q, 0), qarea(q, 1), qarea(q, 2));
	}
	wr(d, VMMIO_STATUS,
	   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
	       VIRTIO_STATUS_DRIVER_OK);
}

static struct virtq_desc *gdesc(u32 vm, u32 q, u32 i)
{
	return (struct virtq_desc *)fake_xlate(vm, qarea(q, 0) + 16 * i, 16);
}

static u16 *gavail(u32 vm, u32 q)
{
	return (u16 *)fake_xlate(vm, qarea(q, 1), 4 + 2 * 8);
}

static u16 *gused(u32 vm, u32 q)
{
	return (u16 *)fake_xlate(vm, qarea(q, 2), 4 + 8 * 8);
}

/* Puts descriptor head on the available ring. */
static void post(u32 vm, u32 q, u16 head)
{
	u16 *a = gavail(vm, q);
	a[2 + (a[1] % 8)] = head;
	a[1]++;
}

static void set_desc(u32 vm, u32 q, u32 i, u64 addr, u32 len, u16 flags, u16 next)
{
	struct virtq_desc *dd = gdesc(vm, q, i);
	dd->addr = addr;
	dd->len = len;
	dd->flags = flags;
	dd->next = next;
}

static struct vmmio_dev tdev;
static struct vmmio_chain chain;

static void fresh(void)
{
	memset(gram, 0, sizeof(gram));
	memset(irq_level, 0, sizeof(irq_level));
	memset(irq_count, 0, sizeof(irq_count));
	notified = 0;
	vmmio_init(&tdev, 3, 0, 2, &t_ops, NULL);
	driver_init(&tdev);
}

static bool needs_reset(const struct vmmio_dev *d)
{
	return (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) != 0;
}

/* NEEDS_RESET with the configuration-change interrupt raised. */
static void check_broken(const struct vmmio_dev *d)
{
	CHECK(needs_reset(d));
	CHECK(d->isr & VMMIO_INT_CONFIG);
	CHECK(irq_level[0]);
}

static void test_registers(void)
{
	fresh();
	CHECK_EQ(rd(&tdev, VMMIO_MAGIC), 0x74726976);
	CHECK_EQ(rd(&tdev, VMMIO_VERSION), 2);
	CHECK_EQ(rd(&tdev, VMMIO_DEVICE_ID), 3);
	wr(&tdev, VMMIO_DEVICE_FEAT_SEL, 0);
	CHECK_EQ(rd(&tdev, VMMIO_DEVICE_FEATURES) & (1U << VIRTIO_F_INDIRECT_DESC), 0);
	wr(&tdev, VMMIO_DEVICE_FEAT_SEL, 1);
	CHECK_EQ(rd(&tdev, VMMIO_DEVICE_FEATURES), 1); /* VERSION_1 = bit 32 */
	wr(&tdev, VMMIO_QUEUE_SEL, 0);
	CHECK_EQ(rd(&tdev, VMMIO_QUEUE_NUM_MAX), VMMIO_QUEUE_MAX);
	CHECK_EQ(rd(&tdev, VMMIO_QUEUE_READY), 1);
	wr(&tdev, VMMIO_QUEUE_SEL, 2);
	CHECK_EQ(rd(&tdev, VMMIO_QUEUE_NUM_MAX), 0); /* no such queue */
	CHECK(vmmio_live(&tdev));
	/* 16-bit register access: ignored, reads zero. */
	u64 v = 0x1234;
	vmmio_access(&tdev, VMMIO_MAGIC, 2, false, &v);
	CHECK_EQ(v, 0);
	v = 0;
	vmmio_access(&tdev, VMMIO_STATUS, 2, true, &v);
	CHECK(vmmio_live(&tdev));
}

static void test_features_ok_refused(void)
{
	fresh();
	wr(&tdev, VMMIO_STATUS, 0);
	wr(&tdev, VMMIO_STATUS, 3);
	wr(&tdev, VMMIO_DRIVER_FEAT_SEL, 1);
	wr(&tdev, VMMIO_DRIVER_FEATURES, 0); /* legacy-only driver: no VERSION_1 */
	wr(&tdev, VMMIO_STATUS, 3 | VIRTIO_STATUS_FEATURES_OK);
	CHECK_EQ(rd(&tdev, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, 0);
	wr(&tdev, VMMIO_STATUS, 0);
	wr(&tdev, VMMIO_STATUS, 3);
	wr(&tdev, VMMIO_DRIVER_FEAT_SEL, 1);
	wr(&tdev, VMMIO_DRIVER_FEATURES, 1);
	wr(&tdev, VMMIO_DRIVER_FEAT_SEL, 0);
	wr(&tdev, VMMIO_DRIVER_FEATURES, 1U << VIRTIO_F_INDIRECT_DESC); /* not offered */
	wr(&tdev, VMMIO_STATUS, 3 | VIRTIO_STATUS_FEATURES_OK);
	CHECK_EQ(rd(&tdev, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, 0);
	/* DRIVER_OK without FEATURES_OK. */
	wr(&tdev, VMMIO_STATUS, 3 | VIRTIO_STATUS_DRIVER_OK);
	check_broken(&tdev);
}

static void test_notify_before_driver_ok(void)
{
	fresh();
	wr(&tdev, VMMIO_STATUS, 0);
	CHECK(!irq_level[0]);
	wr(&tdev, VMMIO_STATUS, 3);
	wr(&tdev, VMMIO_QUEUE_NOTIFY, 0);
	check_broken(&tdev);
	CHECK_EQ(notified, 0);
	/* Recovery: a reset clears it; a full init works. */
	driver_init(&tdev);
	CHECK(vmmio_live(&tdev));
	CHECK(!irq_level[0]);
	wr(&tdev, VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(notified, 2);
	/* Notify of a queue that does not exist. */
	wr(&tdev, VMMIO_QUEUE_NOTIFY, 7);
	check_broken(&tdev);
}

static void test_bad_queue_size(void)
{
	static const u32 bad[] = {0, 3, 12, VMMIO_QUEUE_MAX * 2, 0xffffffffU};

	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		fresh();
		wr(&tdev, VMMIO_STATUS, 0);
		wr(&tdev, VMMIO_STATUS, 3);
		setup_queue(&tdev, 0, bad[i], qarea(0, 0), qarea(0, 1), qarea(0, 2));
		check_broken(&tdev);
		CHECK_EQ(rd(&tdev, VMMIO_QUEUE_READY), 0);
	}
}

static void test_queue_outside_ram(void)
{
	const u64 outside[] = {0x0, GRAM_BASE + GRAM_SIZE - 16, 0xffffffffffffff00ULL};

	for (u32 i = 0; i < ARRAY_SIZE(outside); i++) {
		for (u32 which = 0; which < 3; which++) {
			u64 a[3] = {qarea(0, 0), qarea(0, 1), qarea(0, 2)};

			fresh();
			wr(&tdev, VMMIO_STATUS, 0);
			wr(&tdev, VMMIO_STATUS, 3);
			a[which] = outside[i];
			setup_queue(&tdev, 0, 8, a[0], a[1], a[2]);
			check_broken(&tdev);
			CHECK_EQ(rd(&tdev, VMMIO_QUEUE_READY), 0);
		}
	}
	/* Misaligned descriptor table. */
	fresh();
	wr(&tdev, VMMIO_STATUS, 0);
	setup_queue(&tdev, 0, 8, qarea(0, 0) + 8, qarea(0, 1), qarea(0, 2));
	check_broken(&tdev);
	/* Layout changed while the queue is live. */
	fresh();
	wr(&tdev, VMMIO_QUEUE_SEL, 0);
	wr(&tdev, VMMIO_QUEUE_DESC_LOW, 0);
	check_broken(&tdev);
}

static void test_good_chain(void)
{
	fresh();
	memcpy(&gram[0][0x8000], "hello", 5);
	set_desc(0, 1, 0, GRAM_BASE + 0x8000, 3, VIRTQ_DESC_F_NEXT, 5);
	set_desc(0, 1, 5, GRAM_BASE + 0x8003, 2, VIRTQ_DESC_F_NEXT, 2);
	set_desc(0, 1, 2, GRAM_BASE + 0x9000, 16, VIRTQ_DESC_F_WRITE, 0);
	post(0, 1, 0);
	CHECK_EQ(vmmio_vq_peek(&tdev, 1, &chain), 1);
	CHECK_EQ(chain.nseg, 3);
	CHECK_EQ(chain.rd_len, 5);
	CHECK_EQ(chain.wr_len, 16);
	char buf[8] = {0};
	CHECK_EQ(vmmio_chain_read(&chain, 1, buf, 8), 4);
	CHECK(memcmp(buf, "ello", 4) == 0);
	CHECK_EQ(vmmio_chain_write(&chain, 0, "abc", 3), 3);
	CHECK(memcmp(&gram[0][0x9000], "abc", 3) == 0);
	CHECK(vmmio_vq_complete(&tdev, 1, &chain, 3));
	vmmio_vq_interrupt(&tdev);
	u16 *u = gused(0, 1);
	CHECK_EQ(u[1], 1);
	CHECK_EQ(((u32 *)(void *)u)[1], 0); /* id */
	CHECK_EQ(((u32 *)(void *)u)[2], 3); /* len */
	CHECK(irq_level[0]);
	CHECK_EQ(rd(&tdev, VMMIO_INTERRUPT_STATUS), VMMIO_INT_VRING);
	wr(&tdev, VMMIO_INTERRUPT_ACK, VMMIO_INT_VRING);
	CHECK(!irq_level[0]);
	CHECK_EQ(vmmio_vq_peek(&tdev, 1, &chain), 0); /* ring empty again */
	CHECK(!needs_reset(&tdev));
}

/* Each hostile chain: peek fails, the device needs a reset, nothing is consumed. */
static void hostile_chain(void (*build)(void))
{
	fresh();
	build();
	CHECK_EQ(vmmio_vq_peek(&tdev, 1, &chain), -1);
	check_broken(&tdev);
	CHECK_EQ(gused(0, 1)[1], 0);
	/* Broken stays broken: no more processing until a reset. */
	CHECK_EQ(vmmio_vq_peek(&tdev, 1, &chain), 0);
	wr(&tdev, VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(notified, 0);
}

static void build_loop(void)
{
	set_desc(0, 1, 0, GRAM_BASE + 0x8000, 4, VIRTQ_DESC_F_NEXT, 1);
	set_desc(0, 1, 1, GRAM_BASE + 0x8000, 4, VIRTQ_DESC_F_NEXT, 0);
	post(0, 1, 0);
}
static void build_self_loop(void)
{
	set_desc(0, 1, 3, GRAM_BASE + 0x8000, 0, VIRTQ_DESC_F_NEXT, 3);
	post(0, 1, 3);
}
static void build_next_oob(void)
{
	set_desc(0, 1, 0, GRAM_BASE + 0x8000, 4, VIRTQ_DESC_F_NEXT, 8);
	post(0, 1, 0);
}
static void build_head_oob(void)
{
	post(0, 1, 200);
}
static void build_buf_outside(void)
{
	set_desc(0, 1, 0, 0x1000, 4, 0, 0); /* below guest RAM: e.g. another VM's memory */
	post(0, 1, 0);
}
static void build_buf_straddles(void)
{
	set_desc(0, 1, 0, GRAM_BASE + GRAM_SIZE - 2, 4, 0, 0);
	post(0, 1, 0);
}
static void build_len_wraps(void)
{
	set_desc(0, 1, 0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	post(0, 1, 0);
}
static void build_total_overflows(void)
{
	/* Each buffer would be checked alone, but the sum passes 4 GiB: refused before. */
	for (u32 i = 0; i < 7; i++) {
		set_desc(0, 1, i, GRAM_BASE, 0x80000000U, VIRTQ_DESC_F_NEXT, (u16)(i + 1));
	}
	set_desc(0, 1, 7, GRAM_BASE, 0x80000000U, 0, 0);
	post(0, 1, 0);
}
static void build_indirect(void)
{
	set_desc(0, 1, 0, GRAM_BASE + 0x8000, 32, VIRTQ_DESC_F_INDIRECT, 0);
	post(0, 1, 0);
}
static void build_rd_after_wr(void)
{
	set_desc(0, 1, 0, GRAM_BASE + 0x8000, 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	set_desc(0, 1, 1, GRAM_BASE + 0x8000, 4, 0, 0);
	post(0, 1, 0);
}
static void build_avail_jump(void)
{
	set_desc(0, 1, 0, GRAM_BASE + 0x8000, 4, 0, 0);
	post(0, 1, 0);
	gavail(0, 1)[1] = 9; /* 9 > queue size 8 */
}

static void test_hostile_chains(void)
{
	hostile_chain(build_loop);
	hostile_chain(build_self_loop);
	hostile_chain(build_next_oob);
	hostile_chain(build_head_oob);
	hostile_chain(build_buf_outside);
	hostile_chain(build_buf_straddles);
	hostile_chain(build_len_wraps);
	hostile_chain(build_total_overflows);
	hostile_chain(build_indirect);
	hostile_chain(build_rd_after_wr);
	hostile_chain(build_avail_jump);
}

static void test_status_rules(void)
{
	fresh();
	/* Clearing bits without a reset. */
	wr(&tdev, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	check_broken(&tdev);
	/* Writes other than 0 do nothing while broken; 0 resets. */
	wr(&tdev, VMMIO_STATUS, 0xf);
	CHECK(needs_reset(&tdev));
	wr(&tdev, VMMIO_STATUS, 0);
	CHECK_EQ(rd(&tdev, VMMIO_STATUS), 0);
	CHECK_EQ(rd(&tdev, VMMIO_INTERRUPT_STATUS), 0);
	/* Driver features after FEATURES_OK. */
	fresh();
	wr(&tdev, VMMIO_DRIVER_FEATURES, 0);
	check_broken(&tdev);
	/* The guest cannot set NEEDS_RESET itself, nor does it count as an error. */
	fresh();
	wr(&tdev, VMMIO_STATUS, 0xf | VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(vmmio_live(&tdev));
}

/* ---- links ---- */

/* Bytes of each fake VM's RAM the link said it wrote (vlink_env.wrote). */
static u8 wmark[2][GRAM_SIZE];

static void fake_wrote(u32 vm, const void *p, u32 n)
{
	u64 off = (u64)((const u8 *)p - gram[vm]);

	if (vm > 1 || off >= GRAM_SIZE || n > GRAM_SIZE - off) {
		CHECK(0); /* only ever a pointer xlate gave */
		return;
	}
	memset(&wmark[vm][off], 1, n);
}

static const struct vlink_env env = {.xlate = fake_xlate, .irq = fake_irq, .wrote = fake_wrote};
static struct config lcfg;

static void link_fresh(void)
{
	memset(gram, 0, sizeof(gram));
	memset(irq_level, 0, sizeof(irq_level));
	memset(irq_count, 0, sizeof(irq_count));
	memset(&lcfg, 0, sizeof(lcfg));
	lcfg.virtio_count = 1;
	lcfg.virtio[0].type = CONFIG_VIRTIO_CONSOLE;
	for (u32 s = 0; s < 2; s++) {
		lcfg.virtio[0].ends[s].vm = s;
		lcfg.virtio[0].ends[s].ipa = 0x0a000000;
		lcfg.virtio[0].ends[s].intid = 48;
	}
	vlink_setup(&lcfg, &env);
}

static u32 lrd(u32 vm, u64 off)
{
	u64 v = 0;
	CHECK(vlink_mmio(vm, 0x0a000000 + off, 4, false, &v));
	return (u32)v;
}

static void lwr(u32 vm, u64 off, u32 v)
{
	u64 x = v;
	CHECK(vlink_mmio(vm, 0x0a000000 + off, 4, true, &x));
}

/* The transport tests' driver, through the link's MMIO entry point. */
static void link_driver_init(u32 vm)
{
	struct vmmio_dev *d = vlink_dev(0, vm);

	driver_init(d);
	CHECK(vmmio_live(d));
}

/* Posts n receive buffers of size sz at +0x8000 + i*sz (descriptors 0..n-1). */
static void post_rx(u32 vm, u32 n, u32 sz)
{
	for (u32 i = 0; i < n; i++) {
		set_desc(vm, 0, i, GRAM_BASE + 0x8000 + i * sz, sz, VIRTQ_DESC_F_WRITE, 0);
		post(vm, 0, (u16)i);
	}
	lwr(vm, VMMIO_QUEUE_NOTIFY, 0);
}

/* Sends len bytes from +0xc000 + slot*0x800 with descriptor `slot` of the transmitq. */
static void send(u32 vm, u32 slot, const void *p, u32 len)
{
	memcpy(&gram[vm][0xc000 + slot * 0x800], p, len);
	set_desc(vm, 1, slot, GRAM_BASE + 0xc000 + slot * 0x800, len, 0, 0);
	post(vm, 1, (u16)slot);
	lwr(vm, VMMIO_QUEUE_NOTIFY, 1);
}

static u32 used_len(u32 vm, u32 q, u32 i)
{
	return ((u32 *)(void *)gused(vm, q))[1 + 2 * i + 1];
}

static void test_link_basic(void)
{
	link_fresh();
	CHECK_EQ(lrd(0, VMMIO_DEVICE_ID), 3);
	CHECK(!vlink_mmio(0, 0x0a000200, 4, false, &(u64){0})); /* past the registers */
	CHECK(!vlink_mmio(2, 0x0a000000, 4, false, &(u64){0})); /* VM without a device */
	link_driver_init(0);
	link_driver_init(1);
	post_rx(1, 4, 64);
	send(0, 0, "PING 1", 6);
	CHECK_EQ(gused(0, 1)[1], 1); /* transmit buffer returned */
	CHECK_EQ(gused(1, 0)[1], 1); /* one receive buffer used */
	CHECK_EQ(used_len(1, 0, 0), 6);
	CHECK(memcmp(&gram[1][0x8000], "PING 1", 6) == 0);
	CHECK(irq_level[0] && irq_level[1]);
	CHECK_EQ(lrd(1, VMMIO_INTERRUPT_STATUS), VMMIO_INT_VRING);
	lwr(1, VMMIO_INTERRUPT_ACK, 1);
	CHECK(!irq_level[1]);
	/* The other way round, peer has no buffers yet: held, then delivered. */
	send(1, 0, "PONG 1", 6);
	CHECK_EQ(gused(1, 1)[1], 1); /* taken into the hypervisor's ring */
	CHECK_EQ(gused(0, 0)[1], 0);
	post_rx(0, 2, 64);
	CHECK_EQ(gused(0, 0)[1], 1);
	CHECK(memcmp(&gram[0][0x8000], "PONG 1", 6) == 0);
}

static void test_link_backpressure(void)
{
	static u8 pattern[2000];
	u32 got = 0;

	link_fresh();
	link_driver_init(0);
	link_driver_init(1);
	for (u32 i = 0; i < sizeof(pattern); i++) {
		pattern[i] = (u8)(i * 7 + 1);
	}
	/* 3 x 2000 bytes = 6000 > VLINK_BUF: the third buffer waits in the sender's queue. */
	send(0, 0, pattern, 2000);
	send(0, 1, pattern, 2000);
	send(0, 2, pattern, 2000);
	CHECK_EQ(gused(0, 1)[1], 2);
	/* The receiver posts 8 x 1024 bytes: everything moves, in order. */
	post_rx(1, 8, 1024);
	CHECK_EQ(gused(0, 1)[1], 3);
	for (u32 i = 0; i < gused(1, 0)[1]; i++) {
		got += used_len(1, 0, i);
	}
	CHECK_EQ(got, 6000);
	for (u32 i = 0; i < 6000; i++) {
		if (gram[1][0x8000 + i] != pattern[i % 2000]) {
			CHECK_EQ(i, ~0U);
			break;
		}
	}
}

/* The driver stops its transmitq (QueueReady = 0) while the link holds part of the head
 * buffer, then sets the queue up again: its next buffer is sent whole, from byte 0. */
static void test_link_txq_restart(void)
{
	static u8 pattern[2000];
	u32 got = 0;

	link_fresh();
	link_driver_init(0);
	link_driver_init(1);
	memset(pattern, 0x5a, sizeof(pattern));
	send(0, 0, pattern, 2000);
	send(0, 1, pattern, 2000);
	send(0, 2, pattern, 2000); /* 96 bytes of it fit in the link's ring */
	CHECK_EQ(gused(0, 1)[1], 2);
	lwr(0, VMMIO_QUEUE_SEL, 1);
	lwr(0, VMMIO_QUEUE_READY, 0);
	memset(gavail(0, 1), 0, 4 + 2 * 8);
	memset(gused(0, 1), 0, 4 + 8 * 8);
	setup_queue(vlink_dev(0, 0), 1, 8, qarea(1, 0), qarea(1, 1), qarea(1, 2));
	send(0, 0, "HELLO", 5);
	post_rx(1, 8, 1024);
	CHECK_EQ(gused(0, 1)[1], 1); /* HELLO returned once sent */
	for (u32 i = 0; i < gused(1, 0)[1]; i++) {
		got += used_len(1, 0, i);
	}
	CHECK_EQ(got, 4096 + 5);
	CHECK(memcmp(&gram[1][0x8000 + 4096], "HELLO", 5) == 0);
}

static void test_link_hostile_end(void)
{
	link_fresh();
	link_driver_init(0);
	link_driver_init(1);
	post_rx(0, 4, 64);
	/* VM 1 posts a looping chain: its device breaks, VM 0's stays live. */
	set_desc(1, 1, 0, GRAM_BASE + 0xc000, 4, VIRTQ_DESC_F_NEXT, 0);
	post(1, 1, 0);
	lwr(1, VMMIO_QUEUE_NOTIFY, 1);
	CHECK(lrd(1, VMMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
	CHECK(vmmio_live(vlink_dev(0, 0)));
	CHECK_EQ(gused(0, 0)[1], 0);
	/* VM 0 sends meanwhile: held for VM 1. */
	send(0, 0, "still here", 10);
	CHECK_EQ(gused(0, 1)[1], 1);
	/* VM 1 resets and starts over; the held bytes arrive. */
	memset(gram[1], 0, sizeof(gram[1]));
	link_driver_init(1);
	post_rx(1, 2, 64);
	CHECK(memcmp(&gram[1][0x8000], "still here", 10) == 0);
	send(1, 0, "ok", 2);
	CHECK(memcmp(&gram[0][0x8000], "ok", 2) == 0);
	/* A VM reset from outside also resets its device. */
	vlink_vm_reset(1);
	CHECK_EQ(lrd(1, VMMIO_STATUS), 0);
	CHECK(vmmio_live(vlink_dev(0, 0)));
}

/* ---- net links (src/vdev/vlink_net.c) ---- */

/* A console link (index 0 of /virtio, windows at 0x0a001000) and a net link (index 1,
 * windows at 0x0a000000, where lrd/lwr go): both through the vlink_* entry points. */
static void net_fresh(void)
{
	link_fresh();
	lcfg.virtio_count = 2;
	lcfg.virtio[1] = lcfg.virtio[0];
	lcfg.virtio[1].type = CONFIG_VIRTIO_NET;
	for (u32 s = 0; s < 2; s++) {
		lcfg.virtio[0].ends[s].ipa = 0x0a001000;
		lcfg.virtio[0].ends[s].intid = 49;
	}
	vlink_setup(&lcfg, &env);
}

/* Linux's negotiation: VERSION_1 + MAC + STATUS. */
static void net_driver_init(u32 vm)
{
	struct vmmio_dev *d = vnet_dev(0, vm);

	wr(d, VMMIO_STATUS, 0);
	wr(d, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VMMIO_DRIVER_FEAT_SEL, 0);
	wr(d, VMMIO_DRIVER_FEATURES, (1U << VIRTIO_NET_F_MAC) | (1U << VIRTIO_NET_F_STATUS));
	wr(d, VMMIO_DRIVER_FEAT_SEL, 1);
	wr(d, VMMIO_DRIVER_FEATURES, 1);
	wr(d, VMMIO_STATUS, 3 | VIRTIO_STATUS_FEATURES_OK);
	CHECK(rd(d, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
	for (u32 q = 0; q < 2; q++) {
		setup_queue(d, q, 8, qarea(q, 0), qarea(q, 1), qarea(q, 2));
	}
	wr(d, VMMIO_STATUS, 3 | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	CHECK(vmmio_live(d));
}

static struct vnet_stats nstats(u32 end)
{
	struct vnet_stats st;

	memset(&st, 0xff, sizeof(st));
	CHECK(vnet_get_stats(0, end, &st));
	return st;
}

/* A frame of len bytes (pattern seeded by seed) after a header full of junk (the device
 * must not pass the sender's header on). */
static u8 *net_frame(u32 len, u8 seed)
{
	static u8 pkt[VNET_HDR_LEN + 2048];

	memset(pkt, 0xee, VNET_HDR_LEN);
	for (u32 i = 0; i < len; i++) {
		pkt[VNET_HDR_LEN + i] = (u8)(seed + i * 13);
	}
	return pkt;
}

static void test_net_config(void)
{
	net_fresh();
	CHECK_EQ(lrd(0, VMMIO_DEVICE_ID), 1);
	CHECK_EQ(rd(vlink_dev(0, 0), VMMIO_DEVICE_ID), 3); /* the console link is still there */
	CHECK(vnet_dev(1, 0) == NULL && vnet_dev(0, 2) == NULL);
	lwr(1, VMMIO_DEVICE_FEAT_SEL, 0);
	CHECK_EQ(lrd(1, VMMIO_DEVICE_FEATURES),
		 (1U << VIRTIO_NET_F_MAC) | (1U << VIRTIO_NET_F_STATUS)); /* no offloads */
	lwr(1, VMMIO_DEVICE_FEAT_SEL, 1);
	CHECK_EQ(lrd(1, VMMIO_DEVICE_FEATURES), 1);
	/* 5.1.4: mac then le16 status; MAC 52:54:00:7e:<index in /virtio>:<end>. */
	for (u32 vm = 0; vm < 2; vm++) {
		const u8 mac[8] = {0x52, 0x54, 0x00, 0x7e, 1, (u8)vm, VIRTIO_NET_S_LINK_UP, 0};
		u64 v = 0;

		CHECK(vlink_mmio(vm, 0x0a000000 + VMMIO_CONFIG, 8, false, &v));
		for (u32 i = 0; i < 8; i++) {
			CHECK_EQ((v >> (8 * i)) & 0xff, mac[i]);
		}
		v = 0;
		CHECK(vlink_mmio(vm, 0x0a000000 + VMMIO_CONFIG + 6, 2, false, &v));
		CHECK_EQ(v, VIRTIO_NET_S_LINK_UP);
		v = 0xffffffff; /* read-only: ignored */
		CHECK(vlink_mmio(vm, 0x0a000000 + VMMIO_CONFIG, 4, true, &v));
		v = 0;
		CHECK(vlink_mmio(vm, 0x0a000000 + VMMIO_CONFIG + 8, 4, false, &v));
		CHECK_EQ(v, 0); /* max_virtqueue_pairs, mtu: features not offered */
	}
	u64 v = 0;
	CHECK(vlink_mmio(0, 0x0a000000 + VMMIO_CONFIG + 4, 1, false, &v));
	CHECK_EQ(v, 1);
	net_driver_init(0);
	net_driver_init(1);
}

static void test_net_frame(void)
{
	net_fresh();
	net_driver_init(0);
	net_driver_init(1);
	post_rx(1, 4, 1536);
	send(0, 0, net_frame(60, 1), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(0, 1)[1], 1);
	CHECK_EQ(used_len(0, 1, 0), 0); /* 5.1.6.2.1: nothing written to a transmit buffer */
	CHECK_EQ(gused(1, 0)[1], 1);
	CHECK_EQ(used_len(1, 0, 0), VNET_HDR_LEN + 60);
	/* The header is rewritten: all zero but num_buffers = 1 (5.1.6.4.1). */
	static const u8 hdr[VNET_HDR_LEN] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};
	CHECK(memcmp(&gram[1][0x8000], hdr, VNET_HDR_LEN) == 0);
	CHECK(memcmp(&gram[1][0x8000 + VNET_HDR_LEN], net_frame(60, 1) + VNET_HDR_LEN, 60) == 0);
	CHECK(irq_level[0] && irq_level[1]);
	CHECK_EQ(nstats(0).tx_frames, 1);
	CHECK_EQ(nstats(0).tx_bytes, 60); /* the Ethernet frame, not the virtio-net header */
	/* Full size, both chains in pieces: header and frame in two transmit descriptors, the
	 * receive buffer in two (header, then the rest). */
	u8 *p = net_frame(VNET_MAX_FRAME, 7);
	memcpy(&gram[1][0xc000], p, VNET_HDR_LEN);
	memcpy(&gram[1][0xd000], p + VNET_HDR_LEN, VNET_MAX_FRAME);
	set_desc(1, 1, 0, GRAM_BASE + 0xc000, VNET_HDR_LEN, VIRTQ_DESC_F_NEXT, 3);
	set_desc(1, 1, 3, GRAM_BASE + 0xd000, VNET_MAX_FRAME, 0, 0);
	set_desc(0, 0, 5, GRAM_BASE + 0x9000, VNET_HDR_LEN, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT,
		 6);
	set_desc(0, 0, 6, GRAM_BASE + 0xa000, 2000, VIRTQ_DESC_F_WRITE, 0);
	post(0, 0, 5);
	lwr(0, VMMIO_QUEUE_NOTIFY, 0);
	post(1, 1, 0);
	lwr(1, VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(gused(0, 0)[1], 1);
	CHECK_EQ(used_len(0, 0, 0), VNET_HDR_LEN + VNET_MAX_FRAME);
	CHECK(memcmp(&gram[0][0x9000], hdr, VNET_HDR_LEN) == 0);
	CHECK(memcmp(&gram[0][0xa000], p + VNET_HDR_LEN, VNET_MAX_FRAME) == 0);
	CHECK_EQ(nstats(1).tx_frames, 1);
	CHECK_EQ(nstats(1).tx_bytes, VNET_MAX_FRAME);
	CHECK_EQ(nstats(0).tx_bytes, 60); /* the other direction's count is its own */
	CHECK_EQ(nstats(1).drop_bad + nstats(1).drop_nobuf + nstats(1).drop_nofit, 0);
	CHECK(vmmio_live(vnet_dev(0, 0)) && vmmio_live(vnet_dev(0, 1)));
}

static void test_net_drops(void)
{
	net_fresh();
	net_driver_init(0);
	/* Peer not started: dropped, the transmit buffer still comes back. */
	send(0, 0, net_frame(60, 1), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(0, 1)[1], 1);
	CHECK_EQ(nstats(0).drop_nobuf, 1);
	net_driver_init(1);
	/* Started, but no receive buffer yet. */
	send(0, 1, net_frame(60, 1), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(0, 1)[1], 2);
	CHECK_EQ(nstats(0).drop_nobuf, 2);
	/* Malformed: shorter than header + Ethernet header, longer than header + 1518. */
	post_rx(1, 2, 2048);
	send(0, 2, net_frame(13, 1), VNET_HDR_LEN + 13);
	send(0, 3, net_frame(VNET_MAX_FRAME + 1, 1), VNET_HDR_LEN + VNET_MAX_FRAME + 1);
	send(0, 4, net_frame(0, 1), 5); /* not even a header */
	CHECK_EQ(gused(0, 1)[1], 5);
	CHECK_EQ(nstats(0).drop_bad, 3);
	CHECK_EQ(gused(1, 0)[1], 0); /* nothing reached the peer */
	CHECK_EQ(nstats(0).tx_frames, 0);
	CHECK_EQ(nstats(0).tx_bytes, 0); /* dropped frames are not counted as sent */
	/* Smallest and largest frames pass. */
	send(0, 5, net_frame(VNET_MIN_FRAME, 2), VNET_HDR_LEN + VNET_MIN_FRAME);
	send(0, 6, net_frame(VNET_MAX_FRAME, 3), VNET_HDR_LEN + VNET_MAX_FRAME);
	CHECK_EQ(gused(1, 0)[1], 2);
	CHECK_EQ(used_len(1, 0, 1), VNET_HDR_LEN + VNET_MAX_FRAME);
	CHECK_EQ(nstats(0).tx_frames, 2);
	CHECK_EQ(nstats(0).tx_bytes, VNET_MIN_FRAME + VNET_MAX_FRAME);
	/* Too big for the peer's next buffer: dropped, the buffer stays for a smaller frame. */
	set_desc(1, 0, 7, GRAM_BASE + 0xb000, VNET_HDR_LEN + 100, VIRTQ_DESC_F_WRITE, 0);
	post(1, 0, 7);
	send(0, 7, net_frame(101, 4), VNET_HDR_LEN + 101);
	CHECK_EQ(nstats(0).drop_nofit, 1);
	CHECK_EQ(gused(1, 0)[1], 2);
	send(0, 0, net_frame(100, 5), VNET_HDR_LEN + 100);
	CHECK_EQ(gused(1, 0)[1], 3);
	CHECK(memcmp(&gram[1][0xb000 + VNET_HDR_LEN], net_frame(100, 5) + VNET_HDR_LEN, 100) == 0);
	CHECK_EQ(gused(0, 1)[1], 9); /* every transmit buffer returned */
	CHECK(vmmio_live(vnet_dev(0, 0)) && vmmio_live(vnet_dev(0, 1)));
	/* The other direction has its own counters. */
	CHECK_EQ(nstats(1).tx_frames + nstats(1).drop_nobuf, 0);
}

static void test_net_hostile(void)
{
	net_fresh();
	net_driver_init(0);
	net_driver_init(1);
	post_rx(1, 2, 1536);
	/* A looping transmit chain: the sender breaks, nothing reaches or breaks the peer. */
	set_desc(0, 1, 0, GRAM_BASE + 0xc000, 64, VIRTQ_DESC_F_NEXT, 1);
	set_desc(0, 1, 1, GRAM_BASE + 0xc000, 64, VIRTQ_DESC_F_NEXT, 0);
	post(0, 1, 0);
	lwr(0, VMMIO_QUEUE_NOTIFY, 1);
	check_broken(vnet_dev(0, 0));
	CHECK_EQ(gused(0, 1)[1], 0);
	CHECK_EQ(gused(1, 0)[1], 0);
	CHECK(vmmio_live(vnet_dev(0, 1)));
	/* Broken stays broken: a further notify does nothing. */
	lwr(0, VMMIO_QUEUE_NOTIFY, 1);
	CHECK_EQ(gused(1, 0)[1], 0);
	/* A transmit buffer outside the sender's RAM: same. */
	net_driver_init(0);
	set_desc(0, 1, 0, 0x1000, 64, 0, 0);
	post(0, 1, 0);
	lwr(0, VMMIO_QUEUE_NOTIFY, 1);
	check_broken(vnet_dev(0, 0));
	CHECK_EQ(gused(1, 0)[1], 0);
	/* The receiver posts a buffer straddling the end of its RAM: the receiver breaks when a
	 * frame comes, the frame is dropped, the sender carries on. */
	net_fresh();
	net_driver_init(0);
	net_driver_init(1);
	set_desc(1, 0, 0, GRAM_BASE + GRAM_SIZE - 100, 1536, VIRTQ_DESC_F_WRITE, 0);
	post(1, 0, 0);
	send(0, 0, net_frame(60, 1), VNET_HDR_LEN + 60);
	CHECK(needs_reset(vnet_dev(0, 1)));
	CHECK(vnet_dev(0, 1)->isr & VMMIO_INT_CONFIG);
	CHECK(vmmio_live(vnet_dev(0, 0)));
	CHECK_EQ(gused(0, 1)[1], 1);
	CHECK_EQ(nstats(0).drop_nobuf, 1);
	/* The receiver resets and works again; a VM reset from outside resets only its end. */
	memset(gram[1], 0, sizeof(gram[1]));
	net_driver_init(1);
	post_rx(1, 2, 1536);
	send(0, 1, net_frame(60, 2), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(1, 0)[1], 1);
	CHECK_EQ(nstats(0).tx_frames, 1);
	vlink_vm_reset(1);
	CHECK_EQ(lrd(1, VMMIO_STATUS), 0);
	CHECK(vmmio_live(vnet_dev(0, 0)));
	CHECK_EQ(rd(vlink_dev(0, 1), VMMIO_STATUS), 0);
}

/* Every byte a link writes into a VM's RAM is reported (vlink_env.wrote: a checkpoint's dirty
 * tracking cannot see the hypervisor's writes), and nothing else is: received bytes, used
 * ring entries and indices, both kinds. */
static void test_link_wrote(void)
{
	static u8 written[2][GRAM_SIZE];
	u32 diff = 0;

	net_fresh(); /* console link 0 at 0x0a001000, net link 1 at 0x0a000000 */
	memset(wmark, 0, sizeof(wmark));
	net_driver_init(0);
	net_driver_init(1);
	post_rx(1, 2, 1536);
	memcpy(written, gram, sizeof(written));
	send(0, 0, net_frame(60, 9), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(1, 0)[1], 1);
	for (u32 vm = 0; vm < 2; vm++) {
		for (u32 i = 0; i < GRAM_SIZE; i++) {
			/* Every byte that changed and was not the sender's own driver's doing. */
			bool dev_changed =
			    written[vm][i] != gram[vm][i] &&
			    !(vm == 0 && i >= 0xc000) && /* send()'s buffer */
			    !(vm == 0 && i >= qarea(1, 0) - GRAM_BASE &&
			      i < qarea(1, 2) - GRAM_BASE); /* its descriptors, ring */

			if (dev_changed && !wmark[vm][i]) {
				diff++;
			}
		}
	}
	CHECK_EQ(diff, 0);
	/* The receiver's buffer (header and frame), its used entry and index; the sender's used
	 * entry and index: marked. Nothing in the descriptor tables or available rings. */
	for (u32 i = 0; i < VNET_HDR_LEN + 60; i++) {
		CHECK(wmark[1][0x8000 + i]);
	}
	CHECK(wmark[1][qarea(0, 2) - GRAM_BASE + 2] && wmark[1][qarea(0, 2) - GRAM_BASE + 4]);
	CHECK(wmark[0][qarea(1, 2) - GRAM_BASE + 2] && wmark[0][qarea(1, 2) - GRAM_BASE + 4]);
	for (u32 vm = 0; vm < 2; vm++) {
		for (u32 q = 0; q < 2; q++) {
			CHECK(!wmark[vm][qarea(q, 0) - GRAM_BASE] &&
			      !wmark[vm][qarea(q, 1) - GRAM_BASE + 2]);
		}
	}
	CHECK(!wmark[1][0x8000 + VNET_HDR_LEN + 60]);
}

/* ---- snapshots of a link end (docs/SNAPSHOT.md "The virtio sections") ---- */

/* A capture of VM 0's console end, then a restore of it (its device reset first, as the
 * restore's scrub does): the device comes back exactly, the bytes it had sent that the
 * link held are sent again by the restored end, and its ends stay untouched while frozen. */
static void test_snap_console(void)
{
	static u8 sec[VLINK_SNAP_SIZE], pend[VLINK_BUF];
	struct vmmio_dev *d0;
	struct vmmio_dev before;
	u32 pending = 99;
	const char *why = NULL;

	link_fresh();
	link_driver_init(0);
	link_driver_init(1);
	d0 = vlink_dev(0, 0);
	CHECK_EQ(vlink_vm_ends(0), 1);
	CHECK_EQ(vlink_vm_ends(2), 0);
	send(0, 0, "ABC", 3); /* VM 1 has no receive buffer: held by the link */
	post_rx(0, 2, 64);
	vlink_vm_freeze(0);
	/* Frozen: VM 1's bytes wait for VM 0, whose buffers are not touched. */
	send(1, 0, "XYZ", 3);
	CHECK_EQ(gused(1, 1)[1], 1);
	CHECK_EQ(gused(0, 0)[1], 0);
	CHECK_EQ(vlink_snap_put(0, 0, sec, pend), 3);
	CHECK(memcmp(pend, "ABC", 3) == 0);
	CHECK_EQ(sec[4], 3);   /* console */
	CHECK_EQ(sec[16], 48); /* SPI */
	CHECK_EQ(sec[32], 3);  /* pending count */
	before = *d0;
	vlink_vm_thaw(0); /* the capture ends: XYZ is delivered now */
	CHECK_EQ(gused(0, 0)[1], 1);
	CHECK(memcmp(&gram[0][0x8000], "XYZ", 3) == 0);
	CHECK(irq_level[0]);
	/* VM 1 takes ABC from the original run (the link holds nothing more from VM 0). */
	post_rx(1, 4, 64);
	CHECK_EQ(gused(1, 0)[1], 1);

	/* Restore: the end is reset (the VM was stopped), the section installed frozen. */
	vlink_vm_reset(0);
	CHECK(!vmmio_live(d0));
	memset(gused(0, 0), 0, 4 + 8 * 8);
	CHECK_EQ(vlink_snap_get(0, 0, sec, &pending, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ(pending, 3);
	CHECK(d0->frozen);
	CHECK_EQ(d0->status, before.status);
	CHECK_EQ(d0->drv_features, before.drv_features);
	for (u32 q = 0; q < 2; q++) {
		CHECK(d0->q[q].ready);
		CHECK_EQ(d0->q[q].num, 8);
		CHECK(d0->q[q].desc == gdesc(0, q, 0)); /* mapped again in VM 0's RAM */
		CHECK_EQ(d0->q[q].last_avail, before.q[q].last_avail);
		CHECK_EQ(d0->q[q].used_idx, before.q[q].used_idx);
	}
	/* What VM 1 sends while the end is frozen waits; the thaw delivers it. */
	send(1, 1, "MORE", 4);
	CHECK_EQ(gused(0, 0)[1], 0);
	vlink_snap_pending(0, 0, pend, 3);
	vlink_vm_thaw(0);
	CHECK(!d0->frozen);
	CHECK_EQ(gused(0, 0)[1], 1);
	CHECK(memcmp(&gram[0][0x8000], "MORE", 4) == 0);
	/* Both ways after the restore: VM 1 gets ABC again (the restored end's transmit FIFO:
	 * its run from the capture on), then what VM 0 sends next. */
	send(0, 1, "DEF", 3);
	{
		u32 got = 0;
		char buf[16];

		for (u32 i = 0; i < gused(1, 0)[1] && got + 64 <= sizeof(buf) + 64; i++) {
			u32 n = used_len(1, 0, i);

			CHECK(got + n <= sizeof(buf));
			if (got + n <= sizeof(buf)) {
				memcpy(buf + got, &gram[1][0x8000 + 64 * i], n);
			}
			got += n;
		}
		CHECK_EQ(got, 9);
		CHECK(memcmp(buf, "ABCABCDEF", 9) == 0);
	}
}

/* Every value of a section a driver could not have made is refused, and the end stays
 * reset (nothing of it installed). */
static void test_snap_hostile(void)
{
	static u8 good[VLINK_SNAP_SIZE], sec[VLINK_SNAP_SIZE], pend[VLINK_BUF];
	struct vmmio_dev *d0;
	u32 pending;
	const char *why;
	/* offsets: link part, then the transport's at 48; queue q at 48 + 32 + 40 q. */
	static const struct {
		u32 off, val;
	} bad[] = {
	    {0, 2},			   /* layout version */
	    {4, 1},			   /* device type: net */
	    {8, 0x0a001000},		   /* window */
	    {16, 49},			   /* SPI */
	    {36, 1},			   /* reserved */
	    {32, VLINK_BUF + 1},	   /* pending past the link's ring */
	    {40, 0x7e},			   /* config bytes on a console */
	    {48, VIRTIO_STATUS_DRIVER_OK}, /* DRIVER_OK without FEATURES_OK */
	    {48 + 4, 4},		   /* InterruptStatus bit 2 */
	    {48 + 28, 2},		   /* FEATURES_OK with a feature not offered */
	    {48 + 24, 0},		   /* FEATURES_OK without VERSION_1 (low word ok) */
	    {80, 3},			   /* queue 0 size not a power of two */
	    {80, 128},			   /* queue 0 larger than QueueNumMax */
	    {80 + 4, 2},		   /* QueueReady 2 */
	    {80 + 8, 0},		   /* queue 0 descriptors at 0: outside RAM */
	    {80 + 8, (u32)GRAM_BASE + GRAM_SIZE - 64}, /* straddling the end of RAM */
	    {80 + 16, (u32)GRAM_BASE + 0x2001},	       /* misaligned available ring */
	    {80 + 24, 0x10000000},		       /* used ring in another VM's RAM */
	    {80 + 12, 1},			       /* descriptors above 4 GiB */
	    {80 + 32, 1},			       /* next available != used index */
	    {80 + 36, 1},			       /* reserved word */
	};

	link_fresh();
	link_driver_init(0);
	link_driver_init(1);
	d0 = vlink_dev(0, 0);
	vlink_vm_freeze(0);
	vlink_snap_put(0, 0, good, pend);
	vlink_vm_thaw(0);
	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(sec, good, sizeof(sec));
		if (bad[i].off == 48 + 24) {
			le32_store(sec + 48 + 28, 0); /* the high word: no VERSION_1 */
		} else {
			le32_store(sec + bad[i].off, bad[i].val);
		}
		vlink_vm_reset(0);
		why = NULL;
		if (vlink_snap_get(0, 0, sec, &pending, &why) != -1 || why == NULL) {
			printf("  case %u (offset %u) accepted\n", i, bad[i].off);
			CHECK(0);
		}
		CHECK_EQ(d0->status, 0);
		CHECK(!d0->q[0].ready && !d0->q[1].ready && d0->q[0].desc == NULL);
	}
	/* Transmit progress on a transmit queue that is not ready. */
	memcpy(sec, good, sizeof(sec));
	le32_store(sec + 28, 5);
	le32_store(sec + 48 + 32 + 40 + 4, 0);
	le32_store(sec + 48 + 32 + 40 + 32, 0);
	vlink_vm_reset(0);
	CHECK_EQ(vlink_snap_get(0, 0, sec, &pending, &why), -1);
	/* A queue that is not ready with indices. */
	memcpy(sec, good, sizeof(sec));
	le32_store(sec + 48 + 32 + 4, 0);
	le32_store(sec + 48 + 32 + 32, 0x00010001);
	vlink_vm_reset(0);
	CHECK_EQ(vlink_snap_get(0, 0, sec, &pending, &why), -1);
	/* The VM has no second end; VM 2 none at all. */
	CHECK_EQ(vlink_snap_get(0, 1, good, &pending, &why), -1);
	CHECK_EQ(vlink_snap_get(2, 0, good, &pending, &why), -1);
	/* The good one still goes in. */
	vlink_vm_reset(0);
	CHECK_EQ(vlink_snap_get(0, 0, good, &pending, &why), 0);
	vlink_vm_thaw(0);
	CHECK(vmmio_live(d0));
}

/* A net end restored where its MAC differs from the captured one (a clone into another
 * slot): the driver is told the config changed (ConfigGeneration, interrupt bit 1). The same
 * MAC (a restore in place) changes nothing. */
static void test_snap_net_mac(void)
{
	static u8 sec[VLINK_SNAP_SIZE], pend[VLINK_BUF];
	struct vmmio_dev *d = vnet_dev(0, 0);
	u32 pending, gen;
	const char *why;

	net_fresh();
	d = vnet_dev(0, 0);
	net_driver_init(0);
	net_driver_init(1);
	CHECK_EQ(vlink_vm_ends(0), 2); /* the console end, then the net end */
	vlink_vm_freeze(0);
	CHECK_EQ(vlink_snap_put(0, 1, sec, pend), 0); /* net: nothing held */
	CHECK_EQ(sec[4], 1);
	CHECK(sec[40] == 0x52 && sec[44] == 1 && sec[45] == 0 && sec[46] == VIRTIO_NET_S_LINK_UP);
	/* Frozen, a frame for it is dropped as with no receive buffer. */
	post_rx(0, 2, 1536);
	send(1, 0, net_frame(60, 3), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(0, 0)[1], 0);
	CHECK_EQ(nstats(1).drop_nobuf, 1);
	vlink_vm_thaw(0);
	gen = d->config_gen;
	vlink_vm_reset(0);
	irq_level[0] = false;
	CHECK_EQ(vlink_snap_get(0, 1, sec, &pending, &why), 0);
	CHECK_EQ(d->config_gen, gen);
	CHECK_EQ(d->isr & VMMIO_INT_CONFIG, 0);
	vlink_vm_thaw(0);
	sec[45] = 1; /* captured as the other end's MAC */
	vlink_vm_reset(0);
	CHECK_EQ(vlink_snap_get(0, 1, sec, &pending, &why), 0);
	CHECK_EQ(d->config_gen, gen + 1);
	CHECK(d->isr & VMMIO_INT_CONFIG);
	vlink_vm_thaw(0);
	CHECK(irq_level[0]);
	CHECK_EQ(lrd(0, VMMIO_CONFIG_GEN), gen + 1);
	/* Still a working NIC: a frame each way. */
	post_rx(1, 2, 1536);
	send(0, 1, net_frame(60, 4), VNET_HDR_LEN + 60);
	CHECK_EQ(gused(1, 0)[1], 1);
	send(1, 1, net_frame(64, 5), VNET_HDR_LEN + 64);
	CHECK_EQ(gused(0, 0)[1], 1);
}

int main(void)
{
	RUN(test_registers);
	RUN(test_features_ok_refused);
	RUN(test_notify_before_driver_ok);
	RUN(test_bad_queue_size);
	RUN(test_queue_outside_ram);
	RUN(test_good_chain);
	RUN(test_hostile_chains);
	RUN(test_status_rules);
	RUN(test_link_basic);
	RUN(test_link_backpressure);
	RUN(test_link_hostile_end);
	RUN(test_link_txq_restart);
	RUN(test_net_config);
	RUN(test_net_frame);
	RUN(test_net_drops);
	RUN(test_net_hostile);
	RUN(test_link_wrote);
	RUN(test_snap_console);
	RUN(test_snap_hostile);
	RUN(test_snap_net_mac);
	CHECK_MAIN_END();
}
