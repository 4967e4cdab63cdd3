/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the virtio-mmio transport and split-virtqueue walker
 * (src/vdev/virtio_mmio.c) behind two links between two VMs: a virtio-console
 * link (src/vdev/vlink_console.c) and a virtio-net link (src/vdev/vlink_net.c),
 * so each VM has two devices. Each VM has 16 KiB of fake RAM (heap, so ASan
 * sees a byte past it) reached only through the links' xlate callback. The
 * input is a program of driver actions by either VM on either of its devices
 * (opcode byte: bit 7 the VM, bit 6 the device): register reads and writes
 * (any offset, width, value), writes into its RAM (descriptors, available ring
 * entries and index, raw bytes), notifies, a whole driver initialisation with
 * chosen queue sizes and layout, interrupt acks and VM resets.
 *
 * After each step (what a hostile driver must never achieve, docs/SECURITY.md):
 * - the device writes a VM's RAM only while it was live (DRIVER_OK, not
 *   NEEDS_RESET), and only bytes inside ranges it translated with the xlate
 *   callback during that step or inside the used ring of a ready queue;
 * - a ready queue has a power-of-two size <= QueueNumMax and its cached
 *   pointers lie inside that VM's RAM; used and available positions agree;
 *   the used index advances by at most the queue size and at most the number
 *   of buffers the driver made available; used ids are < the queue size and
 *   transmit buffers are returned with length 0 (Virtio 1.2, 5.3.6.1, 5.1.6.2.1);
 *   a net receive buffer holds a header and a whole frame (14..1518 bytes);
 * - DEVICE_NEEDS_RESET sticks until a reset, and is raised with the
 *   configuration-change interrupt; DRIVER_OK implies FEATURES_OK, which
 *   implies an accepted feature set with VERSION_1 (3.1.1);
 * - the interrupt line follows InterruptStatus; register reads are as 4.2.2
 *   defines them (the net config space: MAC and link status, 5.1.4);
 *   accesses outside the 0x200-byte window are not claimed.
 */
#include <string.h>

#include "config.h"
#include "fuzz_input.h"
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

#define NVM	  2U
#define RAM_BASE  0x40000000ULL
#define RAM_SIZE  0x4000U
#define NDEV	  2U		/* device 0: console link, device 1: net link */
#define WIN_IPA	  0x0a000000ULL /* + 0x1000 * device */
#define INTID	  48U		/* + device */
#define MAX_STEPS 1024U
#define MAX_XL	  512U

enum op {
	OP_WRITE,
	OP_READ,
	OP_POKE,
	OP_DESC,
	OP_POST,
	OP_AVAIL,
	OP_NOTIFY,
	OP_INIT,
	OP_RESET,
	OP_ACK,
	OP_COUNT,
};

static const u16 regs[] = {
    VMMIO_MAGIC,
    VMMIO_VERSION,
    VMMIO_DEVICE_ID,
    VMMIO_VENDOR_ID,
    VMMIO_DEVICE_FEATURES,
    VMMIO_DEVICE_FEAT_SEL,
    VMMIO_DRIVER_FEATURES,
    VMMIO_DRIVER_FEAT_SEL,
    VMMIO_QUEUE_SEL,
    VMMIO_QUEUE_NUM_MAX,
    VMMIO_QUEUE_NUM,
    VMMIO_QUEUE_READY,
    VMMIO_QUEUE_NOTIFY,
    VMMIO_INTERRUPT_STATUS,
    VMMIO_INTERRUPT_ACK,
    VMMIO_STATUS,
    VMMIO_QUEUE_DESC_LOW,
    VMMIO_QUEUE_DESC_HIGH,
    VMMIO_QUEUE_DRIVER_LOW,
    VMMIO_QUEUE_DRIVER_HIGH,
    VMMIO_QUEUE_DEVICE_LOW,
    VMMIO_QUEUE_DEVICE_HIGH,
    VMMIO_CONFIG_GEN,
    VMMIO_CONFIG,
};

static u8 *ram[NVM];
static u8 snap[NVM][RAM_SIZE];
static u8 allowed[RAM_SIZE];
static bool irq_level[NVM][NDEV];
static u32 cur; /* the device the current step's driver action goes to */

/* Ranges the device translated during the current step, per VM. */
static struct {
	u32 off, len;
} xl[NVM][MAX_XL];
static u32 xl_n[NVM];
static bool xl_overflow[NVM];

static struct config cfg;

static void *fz_xlate(u32 vm, u64 gpa, u64 size)
{
	FUZZ_ASSERT(vm < NVM);
	if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || size > RAM_SIZE - (gpa - RAM_BASE)) {
		return NULL;
	}
	if (xl_n[vm] < MAX_XL) {
		xl[vm][xl_n[vm]].off = (u32)(gpa - RAM_BASE);
		xl[vm][xl_n[vm]].len = (u32)size;
		xl_n[vm]++;
	} else {
		xl_overflow[vm] = true;
	}
	return ram[vm] + (gpa - RAM_BASE);
}

static void fz_irq(u32 vm, u32 intid, bool level)
{
	FUZZ_ASSERT(vm < NVM && intid >= INTID && intid < INTID + NDEV);
	irq_level[vm][intid - INTID] = level;
}

static const struct vlink_env env = {.xlate = fz_xlate, .irq = fz_irq};

static struct vmmio_dev *devk(u32 vm, u32 k)
{
	struct vmmio_dev *d = k == 0 ? vlink_dev(0, vm) : vnet_dev(0, vm);

	FUZZ_ASSERT(d != NULL);
	return d;
}

static struct vmmio_dev *dev(u32 vm)
{
	return devk(vm, cur);
}

/* Guest-side pointer to [gpa, gpa+size) of vm's RAM, or NULL (not an xlate by the device). */
static u8 *gptr(u32 vm, u64 gpa, u64 size)
{
	if (gpa < RAM_BASE || gpa - RAM_BASE >= RAM_SIZE || size > RAM_SIZE - (gpa - RAM_BASE)) {
		return NULL;
	}
	return ram[vm] + (gpa - RAM_BASE);
}

static bool queue_size_ok(u32 num)
{
	return num >= 1 && num <= VMMIO_QUEUE_MAX && (num & (num - 1)) == 0;
}

/* ---- input decoding ---- */

static u64 fz_addr(struct fin *in)
{
	switch (fin_u8(in) % 4) {
	case 0:
		return RAM_BASE + fin_u16(in) % RAM_SIZE;
	case 1:
		return RAM_BASE + RAM_SIZE - fin_u8(in); /* at the end of RAM */
	case 2:
		return RAM_BASE - 1 - fin_u16(in); /* below RAM: another VM's memory, say */
	default:
		return fin_u64(in);
	}
}

static u32 fz_len(struct fin *in)
{
	switch (fin_u8(in) % 4) {
	case 0:
		return fin_u8(in);
	case 1:
		return fin_u16(in);
	case 2:
		return 0x80000000U - fin_u8(in);
	default:
		return fin_u32(in);
	}
}

static u32 fz_value(struct fin *in)
{
	switch (fin_u8(in) % 4) {
	case 0:
		return fin_u8(in);
	case 1:
		return (u32)RAM_BASE + fin_u16(in) % RAM_SIZE;
	case 2:
		return 1U << (fin_u8(in) & 31);
	default:
		return fin_u32(in);
	}
}

/* ---- one register access through the link's MMIO entry point ---- */

static bool may_reset[NVM][NDEV];

/* Config space byte of device cur of vm: none for the console, MAC + status for net. */
static u8 config_expect(u32 vm, u64 off)
{
	const u8 net[8] = {0x52, 0x54, 0x00, 0x7e, 1, (u8)vm, VIRTIO_NET_S_LINK_UP, 0};

	return cur == 1 && off < 8 ? net[off] : 0;
}

static void mmio(u32 vm, u64 off, u32 size, bool write, u64 *val)
{
	struct vmmio_dev *d = dev(vm);
	u64 before = *val;
	u32 status = d->status, isr = d->isr, sel = d->queue_sel;
	bool claimed = vlink_mmio(vm, WIN_IPA + 0x1000 * cur + off, size, write, val);

	FUZZ_ASSERT(claimed == (off + size <= VMMIO_WINDOW_SIZE));
	if (!claimed) {
		FUZZ_ASSERT(*val == before);
		return;
	}
	if (write) {
		if (off == VMMIO_STATUS && size == 4 && (u32)before == 0) {
			FUZZ_ASSERT(d->status == 0 && d->isr == 0 && !irq_level[vm][cur]);
		}
		return;
	}
	if (off >= VMMIO_CONFIG) {
		/* Console: no F_SIZE, no F_MULTIPORT, so no config space. */
		for (u32 i = 0; i < size && i < 8; i++) {
			FUZZ_ASSERT(((*val >> (8 * i)) & 0xff) ==
				    config_expect(vm, off - VMMIO_CONFIG + i));
		}
		return;
	}
	if (size != 4 || off % 4) {
		FUZZ_ASSERT(*val == 0);
		return;
	}
	switch (off) {
	case VMMIO_MAGIC:
		FUZZ_ASSERT(*val == VMMIO_MAGIC_VALUE);
		break;
	case VMMIO_VERSION:
		FUZZ_ASSERT(*val == 2);
		break;
	case VMMIO_DEVICE_ID:
		FUZZ_ASSERT(*val == (cur == 0 ? CONFIG_VIRTIO_CONSOLE : CONFIG_VIRTIO_NET));
		break;
	case VMMIO_QUEUE_NUM_MAX:
		FUZZ_ASSERT(*val == (sel < 2 ? VMMIO_QUEUE_MAX : 0));
		break;
	case VMMIO_STATUS:
		FUZZ_ASSERT(*val == status);
		break;
	case VMMIO_INTERRUPT_STATUS:
		FUZZ_ASSERT(*val == isr);
		break;
	default:
		FUZZ_ASSERT(*val <= 0xffffffffULL);
		break;
	}
}

static void reg_write(u32 vm, u64 off, u32 v)
{
	u64 x = v;

	if (off == VMMIO_STATUS && v == 0) {
		may_reset[vm][cur] = true;
	}
	mmio(vm, off, 4, true, &x);
}

static void op_access(struct fin *in, u32 vm, bool write)
{
	u8 sel = fin_u8(in);
	u64 off;
	u32 size = 4;
	u64 val = 0x5a5a5a5a5a5a5a5aULL;

	if (sel < 0xe0) {
		off = regs[sel % ARRAY_SIZE(regs)];
	} else {
		off = fin_u16(in) % (VMMIO_WINDOW_SIZE + 0x40);
		size = 1U << (fin_u8(in) & 3);
	}
	if (write) {
		val = fz_value(in);
		if (off == VMMIO_STATUS && size == 4 && val == 0) {
			may_reset[vm][cur] = true;
		}
	}
	mmio(vm, off, size, write, &val);
}

/* ---- the driver's side of the rings, in its RAM ---- */

static void op_desc(struct fin *in, u32 vm)
{
	const struct vmmio_queue *q = &dev(vm)->q[fin_u8(in) & 1];
	u32 i = fin_u8(in) % VMMIO_QUEUE_MAX;
	u8 *p = gptr(vm, q->desc_gpa + 16ULL * i, 16);
	struct virtq_desc dd;

	dd.addr = fz_addr(in);
	dd.len = fz_len(in);
	dd.flags = fin_u8(in);
	dd.flags = dd.flags & 0x80 ? fin_u16(in) : dd.flags & 7;
	dd.next = fin_u8(in);
	if (p) {
		memcpy(p, &dd, sizeof(dd));
	}
}

static void op_post(struct fin *in, u32 vm)
{
	const struct vmmio_queue *q = &dev(vm)->q[fin_u8(in) & 1];
	u16 head = fin_u8(in);
	u32 n = queue_size_ok(q->num) ? q->num : 1;
	u8 *a = gptr(vm, q->driver_gpa, 4 + 2ULL * n);
	u16 idx;

	if (head & 0x80) {
		head = fin_u16(in);
	}
	if (!a) {
		return;
	}
	memcpy(&idx, a + 2, 2);
	memcpy(a + 4 + 2 * (idx % n), &head, 2);
	idx++;
	memcpy(a + 2, &idx, 2);
}

static void op_avail(struct fin *in, u32 vm)
{
	const struct vmmio_queue *q = &dev(vm)->q[fin_u8(in) & 1];
	u8 which = fin_u8(in);
	u16 v = fin_u16(in);
	u8 *a = gptr(vm, q->driver_gpa, 4);

	if (a) {
		memcpy(a + (which & 1 ? 2 : 0), &v, 2); /* index, or flags (NO_INTERRUPT) */
	}
}

static void op_poke(struct fin *in, u32 vm)
{
	u32 off = fin_u16(in) % RAM_SIZE;
	u32 len = fin_u8(in) % 64 + 1;

	for (u32 i = 0; i < len && off + i < RAM_SIZE; i++) {
		ram[vm][off + i] = fin_u8(in);
	}
}

/* Driver initialisation (3.1.1 and 4.2.3), with the fuzzer choosing queue sizes, the
 * layout (64-byte units of RAM), and which steps to skip or get wrong. */
static void op_init(struct fin *in, u32 vm)
{
	u8 how = fin_u8(in);
	u32 st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	reg_write(vm, VMMIO_STATUS, 0);
	reg_write(vm, VMMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	reg_write(vm, VMMIO_STATUS, st);
	reg_write(vm, VMMIO_DRIVER_FEAT_SEL, 1);
	reg_write(vm, VMMIO_DRIVER_FEATURES, how & 0x20 ? 0 : 1); /* VERSION_1, or legacy */
	if (how & 0x40) {
		reg_write(vm, VMMIO_DRIVER_FEAT_SEL, 0);
		reg_write(vm, VMMIO_DRIVER_FEATURES, fin_u32(in));
	}
	if (!(how & 1)) {
		st |= VIRTIO_STATUS_FEATURES_OK;
		reg_write(vm, VMMIO_STATUS, st);
	}
	for (u32 q = 0; q < 2; q++) {
		u8 nsel = fin_u8(in);
		u32 num = nsel & 0x80 ? fin_u32(in) : 1U << (nsel % 7);
		u64 base[3];

		for (u32 k = 0; k < 3; k++) {
			base[k] = RAM_BASE + (u64)fin_u8(in) * 64;
		}
		reg_write(vm, VMMIO_QUEUE_SEL, q);
		reg_write(vm, VMMIO_QUEUE_NUM, num);
		for (u32 k = 0; k < 3; k++) {
			reg_write(vm, VMMIO_QUEUE_DESC_LOW + 0x10 * k, (u32)base[k]);
			reg_write(vm, VMMIO_QUEUE_DESC_HIGH + 0x10 * k, (u32)(base[k] >> 32));
		}
		reg_write(vm, VMMIO_QUEUE_READY, 1);
	}
	if (!(how & 2)) {
		reg_write(vm, VMMIO_STATUS, st | VIRTIO_STATUS_DRIVER_OK);
	}
}

/* ---- invariants ---- */

struct dev_snap {
	struct vmmio_dev d;
	u16 avail_idx[VMMIO_MAX_QUEUES];
};

/* Every device of every VM before the current step. */
static struct dev_snap before[NVM][NDEV];

static void snap_dev(u32 vm, u32 k, struct dev_snap *s)
{
	s->d = *devk(vm, k);
	for (u32 q = 0; q < VMMIO_MAX_QUEUES; q++) {
		const struct vmmio_queue *vq = &s->d.q[q];
		u16 v = 0;

		if (vq->ready) {
			memcpy(&v, vq->avail + 2, 2);
		}
		s->avail_idx[q] = v;
	}
}

static void allow(u32 off, u64 len)
{
	if (off < RAM_SIZE) {
		memset(allowed + off, 1, MIN(len, (u64)(RAM_SIZE - off)));
	}
}

/* RAM of vm changed during a step: only where one of its devices may write. */
static void check_ram_writes(u32 vm)
{
	bool live = false;

	for (u32 k = 0; k < NDEV; k++) {
		live |= vmmio_live(&before[vm][k].d);
	}
	FUZZ_ASSERT(live); /* a device that is not live does nothing */
	if (xl_overflow[vm]) {
		return;
	}
	memset(allowed, 0, sizeof(allowed));
	for (u32 i = 0; i < xl_n[vm]; i++) {
		allow(xl[vm][i].off, xl[vm][i].len);
	}
	for (u32 k = 0; k < NDEV; k++) {
		const struct vmmio_dev *b = &before[vm][k].d;

		for (u32 q = 0; q < VMMIO_MAX_QUEUES; q++) {
			if (vmmio_live(b) && b->q[q].ready) {
				allow((u32)(b->q[q].device_gpa - RAM_BASE), 4 + 8ULL * b->q[q].num);
			}
		}
	}
	for (u32 i = 0; i < RAM_SIZE; i++) {
		if (ram[vm][i] != snap[vm][i]) {
			FUZZ_ASSERT(allowed[i]);
		}
	}
}

static bool overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/* True if a device may have written [gpa, gpa+len) of vm this step: a range it translated
 * (a buffer), or the used ring of a ready queue other than queue `except` of device `ek`. */
static bool dev_wrote(u32 vm, u32 ek, u32 except, u64 gpa, u64 len)
{
	if (xl_overflow[vm]) {
		return true;
	}
	for (u32 i = 0; i < xl_n[vm]; i++) {
		if (overlap(RAM_BASE + xl[vm][i].off, xl[vm][i].len, gpa, len)) {
			return true;
		}
	}
	for (u32 k = 0; k < NDEV; k++) {
		for (u32 q = 0; q < VMMIO_MAX_QUEUES; q++) {
			const struct vmmio_queue *b = &before[vm][k].d.q[q];

			if ((k != ek || q != except) && b->ready &&
			    overlap(b->device_gpa, 6 + 8ULL * b->num, gpa, len)) {
				return true;
			}
		}
	}
	return false;
}

static void check_queue(u32 vm, u32 k, u32 qi)
{
	const struct vmmio_queue *q = &devk(vm, k)->q[qi];
	const struct dev_snap *s = &before[vm][k];
	const struct vmmio_queue *b = &s->d.q[qi];
	u16 used_ram;

	FUZZ_ASSERT(q->last_avail == q->used_idx);
	if (!q->ready) {
		FUZZ_ASSERT(!q->desc && !q->avail && !q->used && q->used_idx == 0);
		return;
	}
	FUZZ_ASSERT(queue_size_ok(q->num));
	/* The cached ring pointers are what the layout registers name, inside this VM's RAM. */
	FUZZ_ASSERT(q->desc && q->avail && q->used);
	FUZZ_ASSERT((u8 *)q->desc == gptr(vm, q->desc_gpa, 16ULL * q->num));
	FUZZ_ASSERT(q->avail == gptr(vm, q->driver_gpa, 6 + 2ULL * q->num));
	FUZZ_ASSERT(q->used == gptr(vm, q->device_gpa, 6 + 8ULL * q->num));
	/* Same queue before and after, and no device wrote its rings through another path (a
	 * driver may hand out its rings as receive buffers, or lay one queue's used ring over
	 * another's available ring: its loss, not a breach). */
	if (may_reset[vm][k] || !b->ready ||
	    dev_wrote(vm, k, ~0U, b->driver_gpa, 6 + 2ULL * b->num) ||
	    dev_wrote(vm, k, qi, b->device_gpa, 6 + 8ULL * b->num)) {
		return;
	}
	/* Consumed at most what the driver made available, at most one ring (2.7.13). */
	u16 done = (u16)(q->used_idx - b->used_idx);
	FUZZ_ASSERT(done <= q->num);
	FUZZ_ASSERT(done <= (u16)(s->avail_idx[qi] - b->last_avail));
	if (done == 0) {
		return;
	}
	memcpy(&used_ram, q->used + 2, 2);
	FUZZ_ASSERT(used_ram == q->used_idx);
	for (u16 n = b->used_idx; n != q->used_idx; n++) {
		u32 e[2];

		memcpy(e, q->used + 4 + 8 * (n & (q->num - 1)), 8);
		FUZZ_ASSERT(e[0] < q->num);
		if (qi == 1) {
			FUZZ_ASSERT(e[1] ==
				    0); /* transmitq: nothing written (5.3.6.1, 5.1.6.2.1) */
		} else if (k == 1) {
			/* Net receiveq: one header and one whole frame. */
			FUZZ_ASSERT(e[1] >= VNET_HDR_LEN + VNET_MIN_FRAME &&
				    e[1] <= VNET_HDR_LEN + VNET_MAX_FRAME);
		}
	}
}

static void check_dev(u32 vm, u32 k)
{
	const struct vmmio_dev *d = devk(vm, k);
	const struct vmmio_dev *b = &before[vm][k].d;

	FUZZ_ASSERT(irq_level[vm][k] == (d->isr != 0));
	FUZZ_ASSERT((d->isr & ~(VMMIO_INT_VRING | VMMIO_INT_CONFIG)) == 0);
	if (d->status & VIRTIO_STATUS_DRIVER_OK) {
		FUZZ_ASSERT(d->status & VIRTIO_STATUS_FEATURES_OK);
	}
	if (d->status & VIRTIO_STATUS_FEATURES_OK) {
		FUZZ_ASSERT((d->drv_features & ~d->features) == 0);
		FUZZ_ASSERT(d->drv_features & BIT(VIRTIO_F_VERSION_1));
	}
	FUZZ_ASSERT(!(d->features & (BIT(VIRTIO_F_INDIRECT_DESC) | BIT(VIRTIO_F_EVENT_IDX))));
	if (!may_reset[vm][k] && (b->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
		FUZZ_ASSERT(d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET); /* sticks (2.1.2) */
		FUZZ_ASSERT(d->status == b->status);
	}
	if ((d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET) &&
	    !(b->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)) {
		FUZZ_ASSERT(d->isr & VMMIO_INT_CONFIG);
		FUZZ_ASSERT(d->last_error != NULL);
	}
	for (u32 q = 0; q < VMMIO_MAX_QUEUES; q++) {
		check_queue(vm, k, q);
	}
}

static void fresh(void)
{
	for (u32 v = 0; v < NVM; v++) {
		if (!ram[v]) {
			ram[v] = malloc(RAM_SIZE);
			FUZZ_ASSERT(ram[v] != NULL);
		}
		memset(ram[v], 0, RAM_SIZE);
		memset(snap[v], 0, RAM_SIZE);
		memset(irq_level[v], 0, sizeof(irq_level[v]));
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.virtio_count = NDEV;
	for (u32 k = 0; k < NDEV; k++) {
		cfg.virtio[k].type = k == 0 ? CONFIG_VIRTIO_CONSOLE : CONFIG_VIRTIO_NET;
		for (u32 s = 0; s < NVM; s++) {
			cfg.virtio[k].ends[s].vm = s;
			cfg.virtio[k].ends[s].ipa = WIN_IPA + 0x1000 * k;
			cfg.virtio[k].ends[s].intid = INTID + k;
		}
	}
	vlink_setup(&cfg, &env);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fin in;

	fin_init(&in, data, size);
	fresh();
	for (u32 n = 0; fin_more(&in) && n < MAX_STEPS; n++) {
		u8 opb = fin_u8(&in);
		u32 vm = (opb >> 7) & 1;
		bool driver_only = false;

		cur = (opb >> 6) & 1;
		for (u32 v = 0; v < NVM; v++) {
			for (u32 k = 0; k < NDEV; k++) {
				snap_dev(v, k, &before[v][k]);
				may_reset[v][k] = false;
			}
			xl_n[v] = 0;
			xl_overflow[v] = false;
		}
		switch ((opb & 0x3f) % OP_COUNT) {
		case OP_WRITE:
			op_access(&in, vm, true);
			break;
		case OP_READ:
			op_access(&in, vm, false);
			break;
		case OP_POKE:
			op_poke(&in, vm);
			driver_only = true;
			break;
		case OP_DESC:
			op_desc(&in, vm);
			driver_only = true;
			break;
		case OP_POST:
			op_post(&in, vm);
			driver_only = true;
			break;
		case OP_AVAIL:
			op_avail(&in, vm);
			driver_only = true;
			break;
		case OP_NOTIFY: {
			u8 q = fin_u8(&in);
			reg_write(vm, VMMIO_QUEUE_NOTIFY, q & 0x80 ? fin_u32(&in) : q & 1U);
		} break;
		case OP_INIT:
			op_init(&in, vm);
			break;
		case OP_RESET:
			may_reset[vm][0] = may_reset[vm][1] = true;
			vlink_vm_reset(vm);
			for (u32 k = 0; k < NDEV; k++) {
				FUZZ_ASSERT(devk(vm, k)->status == 0 && !irq_level[vm][k]);
			}
			break;
		default:
			reg_write(vm, VMMIO_INTERRUPT_ACK, fin_u8(&in) & 3);
			break;
		}
		if (driver_only) {
			/* The driver wrote its own RAM: that is the new reference. */
			memcpy(snap[vm], ram[vm], RAM_SIZE);
			continue;
		}
		for (u32 v = 0; v < NVM; v++) {
			for (u32 k = 0; k < NDEV; k++) {
				check_dev(v, k);
			}
			if (memcmp(ram[v], snap[v], RAM_SIZE) != 0) {
				check_ram_writes(v);
				memcpy(snap[v], ram[v], RAM_SIZE);
			}
		}
	}
	return 0;
}
