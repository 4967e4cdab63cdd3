/* SPDX-License-Identifier: MIT */
/*
 * vcon_hostile: a driver that breaks every rule of the virtio spec we promise
 * to survive (docs/VIRTIO.md, "Hostile drivers"), one case at a time on its
 * end of a virtio-console link. After each case the device must report
 * DEVICE_NEEDS_RESET (with a configuration-change interrupt) or refuse the
 * step, and must reset cleanly. At the end it behaves and exchanges
 * "lines=<n>" lines with the peer (vcon_echo side=1), which must never have
 * seen a byte of the hostile traffic.
 */
#include "virtio.h"

#define ST_AD (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)
#define ST_OK (ST_AD | VIRTIO_STATUS_FEATURES_OK)

static struct kvio dev;
static volatile u32 config_irqs;
static u64 ram_end;

static void hostile_irq(u32 intid)
{
	u32 isr = kvio_rd(&dev, VMMIO_INTERRUPT_STATUS);

	(void)intid;
	kvio_wr(&dev, VMMIO_INTERRUPT_ACK, isr);
	if (isr & VMMIO_INT_CONFIG)
		config_irqs++;
}

static void negotiate(void)
{
	kvio_wr(&dev, VMMIO_STATUS, 0);
	kvio_wr(&dev, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	kvio_wr(&dev, VMMIO_STATUS, ST_AD);
	kvio_wr(&dev, VMMIO_DRIVER_FEAT_SEL, 1);
	kvio_wr(&dev, VMMIO_DRIVER_FEATURES, 1);
	kvio_wr(&dev, VMMIO_STATUS, ST_OK);
}

static u64 qaddr(u32 q, u32 part)
{
	struct kvio_queue *kq = &dev.q[q];
	return part == 0   ? (u64)(uintptr_t)kq->desc
	       : part == 1 ? (u64)(uintptr_t)&kq->avail
			   : (u64)(uintptr_t)&kq->used;
}

/* A live device with empty queues: no receive buffers, so the peer's bytes wait. */
static void live_no_rx(void)
{
	memset(dev.q, 0, sizeof(dev.q));
	negotiate();
	for (u32 q = 0; q < 2; q++)
		kvio_setup_queue(&dev, q, KVIO_QSIZE, qaddr(q, 0), qaddr(q, 1), qaddr(q, 2));
	kvio_wr(&dev, VMMIO_STATUS, ST_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void set_tx(u32 i, u64 addr, u32 len, u16 flags, u16 next)
{
	struct virtq_desc *d = &dev.q[1].desc[i];
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

static void post_tx(u16 head)
{
	struct kvio_queue *q = &dev.q[1];
	q->avail.ring[q->avail.idx % KVIO_QSIZE] = head;
	dsb_sy();
	q->avail.idx++;
	dsb_sy();
	kvio_wr(&dev, VMMIO_QUEUE_NOTIFY, 1);
}

/* The device must now need a reset and have said so with an interrupt; then it resets. */
static void expect_broken(const char *what)
{
	u32 before = config_irqs;
	bool broken = kvio_broken(&dev);

	for (u32 i = 0; i < 1000 && config_irqs == before; i++)
		__asm__ volatile("isb");
	/* The interrupt may also have come before we looked: count both. */
	test_check(broken, what, "status=0x%x", kvio_rd(&dev, VMMIO_STATUS));
	kvio_wr(&dev, VMMIO_STATUS, 0);
	test_check(kvio_rd(&dev, VMMIO_STATUS) == 0, "reset clears it", "status=0x%x",
		   kvio_rd(&dev, VMMIO_STATUS));
}

static void case_queue(const char *what, u32 num, u64 desc, u64 avail, u64 used)
{
	memset(dev.q, 0, sizeof(dev.q));
	negotiate();
	kvio_setup_queue(&dev, 1, num, desc, avail, used);
	kvio_wr(&dev, VMMIO_QUEUE_SEL, 1);
	test_check(kvio_rd(&dev, VMMIO_QUEUE_READY) == 0, "bad queue not ready", "%s", what);
	expect_broken(what);
}

static void case_chain(const char *what, void (*build)(void))
{
	live_no_rx();
	build();
	expect_broken(what);
}

static u64 buf0(void)
{
	return (u64)(uintptr_t)dev.q[1].buf[0];
}
static void chain_outside(void)
{
	set_tx(0, buf0(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_tx(1, ram_end, 16, 0, 0); /* past our RAM: the hypervisor's or another VM's */
	post_tx(0);
}
static void chain_straddle(void)
{
	set_tx(0, ram_end - 8, 16, 0, 0);
	post_tx(0);
}
static void chain_loop(void)
{
	set_tx(0, buf0(), 8, VIRTQ_DESC_F_NEXT, 1);
	set_tx(1, buf0(), 8, VIRTQ_DESC_F_NEXT, 0);
	post_tx(0);
}
static void chain_next_oob(void)
{
	set_tx(0, buf0(), 8, VIRTQ_DESC_F_NEXT, 200);
	post_tx(0);
}
static void chain_head_oob(void)
{
	post_tx(KVIO_QSIZE + 3);
}
static void chain_len_wraps(void)
{
	set_tx(0, 0xfffffffffffff000ULL, 0x2000, 0, 0);
	post_tx(0);
}
static void chain_indirect(void)
{
	set_tx(0, buf0(), 16, VIRTQ_DESC_F_INDIRECT, 0);
	post_tx(0);
}
static void chain_avail_jump(void)
{
	set_tx(0, buf0(), 8, 0, 0);
	dev.q[1].avail.idx = 100;
	dsb_sy();
	kvio_wr(&dev, VMMIO_QUEUE_NOTIFY, 1);
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u32 lines = (u32)kit_arg_u64(args, "lines=", 20);
	u32 irq = (u32)kit_arg_u64(args, "irq=", 48);
	u64 ram_base, ram_size;
	const char *why = "";

	test_begin("vcon_hostile");
	dev.base = kit_arg_u64(args, "vio=", 0x0a000000);
	if (!test_check(dt_memory((const void *)(uintptr_t)dtb, &ram_base, &ram_size), "memory",
			"no /memory"))
		test_done();
	ram_end = ram_base + ram_size;
	gic_set_handler(irq, hostile_irq);
	gic_route_spi(irq, kit_cpu_id());
	gic_enable(irq);
	kit_irq_on();

	/* Status machine. */
	kvio_wr(&dev, VMMIO_STATUS, 0);
	kvio_wr(&dev, VMMIO_STATUS, ST_AD);
	kvio_wr(&dev, VMMIO_QUEUE_NOTIFY, 1);
	expect_broken("notify before DRIVER_OK");
	kvio_wr(&dev, VMMIO_STATUS, ST_AD);
	kvio_wr(&dev, VMMIO_STATUS, ST_AD | VIRTIO_STATUS_DRIVER_OK);
	expect_broken("DRIVER_OK without FEATURES_OK");
	kvio_wr(&dev, VMMIO_STATUS, ST_AD);
	kvio_wr(&dev, VMMIO_DRIVER_FEAT_SEL, 1);
	kvio_wr(&dev, VMMIO_DRIVER_FEATURES, 0); /* no VERSION_1 */
	kvio_wr(&dev, VMMIO_STATUS, ST_OK);
	test_check(!(kvio_rd(&dev, VMMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK),
		   "FEATURES_OK refused without VERSION_1", "status=0x%x",
		   kvio_rd(&dev, VMMIO_STATUS));
	live_no_rx();
	kvio_wr(&dev, VMMIO_STATUS, ST_AD);
	expect_broken("status bits cleared without reset");

	/* Queue layouts. */
	case_queue("queue size 3", 3, qaddr(1, 0), qaddr(1, 1), qaddr(1, 2));
	case_queue("queue size 128 > max", 128, qaddr(1, 0), qaddr(1, 1), qaddr(1, 2));
	case_queue("descriptor table outside RAM", KVIO_QSIZE, ram_end - 64, qaddr(1, 1),
		   qaddr(1, 2));
	case_queue("used ring in another VM", KVIO_QSIZE, qaddr(1, 0), qaddr(1, 1), 0x48000000);
	case_queue("available ring at 0", KVIO_QSIZE, qaddr(1, 0), 0, qaddr(1, 2));

	/* Descriptor chains. */
	case_chain("buffer outside RAM", chain_outside);
	case_chain("buffer straddles the end of RAM", chain_straddle);
	case_chain("chain loops", chain_loop);
	case_chain("next index beyond the queue", chain_next_oob);
	case_chain("head index beyond the queue", chain_head_oob);
	case_chain("length wraps the address space", chain_len_wraps);
	case_chain("indirect descriptor", chain_indirect);
	case_chain("available index jumps", chain_avail_jump);
	test_check(config_irqs > 0, "configuration-change interrupts", "irqs=%u", config_irqs);
	test_fact("config_irqs=%u", config_irqs);

	/* Behave: the link must work, and the peer must not have seen any of the above. */
	kit_irq_off();
	gic_disable(irq);
	if (!test_check(kvio_init(&dev, dev.base, irq, &why) == 0, "device works after reset", "%s",
			why))
		test_done();
	u32 errors = kvio_exchange(&dev, 'A', 'B', lines, 20000);
	test_check(errors == 0, "lines exchanged after the hostile phase", "errors=%u", errors);
	test_done();
}
