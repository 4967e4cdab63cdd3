/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the devices' and the vCPU's parts of a snapshot (docs/SNAPSHOT.md):
 * vgic_snap.c, vpl011_snap.c and arch/aarch64/vcpu_state.c. A device's state taken and
 * loaded into a freshly reset one behaves the same; values no guest could make are refused.
 * The stream parser itself: tests/fuzz/fuzz_snapshot.c and tests/system/snapshot.sh.
 */
#include <string.h>

#include "arch.h"
#include "check.h"
#include "fake_arch.h"
#include "vgic.h"
#include "vpl011.h"

#define GICD_ISENABLER 0x100
#define GICD_ISPENDR   0x200
#define GICD_ISACTIVER 0x300
#define GICD_IPRIORITY 0x400
#define GICD_IROUTER   0x6000

static struct vgic g, g2;
static struct vgic_cpu cpus[2], cpus2[2];
static struct vpl011 u, u2;

static void dw(struct vgic *x, u64 off, u32 size, u64 v)
{
	CHECK(vgic_dist_access(x, 0, off, size, true, &v));
}

static u64 dr(struct vgic *x, u64 off, u32 size)
{
	u64 v = 0;

	CHECK(vgic_dist_access(x, 0, off, size, false, &v));
	return v;
}

static void test_vgic_roundtrip(void)
{
	static u8 cpu0[VGIC_SNAP_CPU_SIZE], cpu1[VGIC_SNAP_CPU_SIZE], dist[VGIC_SNAP_DIST_SIZE];
	const u32 pcpus[2] = {1, 2};
	const char *why = NULL;

	fake_arch_reset();
	vgic_init(&g, cpus, 2, pcpus);
	vgic_init(&g2, cpus2, 2, pcpus);
	dw(&g, 0, 4, 2);			/* GICD_CTLR.EnableGrp1 */
	dw(&g, GICD_ISENABLER + 4, 4, 1U << 8); /* SPI 40 */
	dw(&g, GICD_IPRIORITY + 40, 1, 0x60);
	dw(&g, GICD_IROUTER + 8 * 40, 8, 1); /* to vCPU 1 */
	dw(&g, GICD_ISPENDR + 4, 4, 1U << 8);
	vgic_snap_cpu_put(&g, 0, cpu0);
	vgic_snap_cpu_put(&g, 1, cpu1);
	vgic_snap_dist_put(&g, dist);
	CHECK_EQ(vgic_snap_dist_get(&g2, dist, &why), 0);
	CHECK_EQ(vgic_snap_cpu_get(&g2, 0, cpu0, &why), 0);
	CHECK_EQ(vgic_snap_cpu_get(&g2, 1, cpu1, &why), 0);
	CHECK_EQ(dr(&g2, 0, 4) & 3, 2);
	CHECK_EQ(dr(&g2, GICD_ISENABLER + 4, 4), 1U << 8);
	CHECK_EQ(dr(&g2, GICD_ISPENDR + 4, 4), 1U << 8);
	CHECK_EQ(dr(&g2, GICD_IPRIORITY + 40, 1), 0x60);
	CHECK_EQ(g2.spi[8].target, 1);
	CHECK(vgic_vcpu_woken(&g2, 1)); /* pending and enabled: its flush will deliver it */
}

/* An interrupt the guest was handling at the capture (active; here a level SPI whose line is
 * still high, and an SGI) is marked for its owner's first flush after the restore, so it goes
 * back into a list register where the guest's EOI finds it. Unmarked, it stayed active in the
 * model with no list register holding it, was never deliverable again, and a cloned VM lost
 * its virtio interrupt (vlink_snap_clone, about 1 run in 8). */
static void test_vgic_restore_active(void)
{
	static u8 cpu0[VGIC_SNAP_CPU_SIZE], cpu1[VGIC_SNAP_CPU_SIZE], dist[VGIC_SNAP_DIST_SIZE];
	const u32 pcpus[2] = {1, 2};
	const char *why = NULL;

	fake_arch_reset();
	vgic_init(&g, cpus, 2, pcpus);
	vgic_init(&g2, cpus2, 2, pcpus);
	dw(&g, 0, 4, 2);			/* GICD_CTLR.EnableGrp1 */
	dw(&g, GICD_ISENABLER + 4, 4, 1U << 9); /* SPI 41 */
	dw(&g, GICD_IROUTER + 8 * 41, 8, 1);	/* to vCPU 1 */
	dw(&g, GICD_ISACTIVER + 4, 4, 1U << 9); /* the guest is handling it */
	vgic_set_level(&g, 1, 41, true);	/* and the device still asserts it */
	g.cpus[0]->priv[3].flags |= VGIC_IRQ_ACTIVE | VGIC_IRQ_ENABLED; /* SGI 3, vCPU 0 */
	vgic_snap_cpu_put(&g, 0, cpu0);
	vgic_snap_cpu_put(&g, 1, cpu1);
	vgic_snap_dist_put(&g, dist);
	CHECK_EQ(vgic_snap_dist_get(&g2, dist, &why), 0);
	CHECK_EQ(vgic_snap_cpu_get(&g2, 0, cpu0, &why), 0);
	CHECK_EQ(vgic_snap_cpu_get(&g2, 1, cpu1, &why), 0);
	CHECK(g2.spi[9].flags & VGIC_IRQ_ACTIVE);
	CHECK(g2.cpus[1]->want_spi[0] & (1U << 9)); /* vCPU 1's flush puts SPI 41 into an LR */
	CHECK(g2.cpus[0]->want_priv & (1U << 3));   /* vCPU 0's flush puts SGI 3 into an LR */
	CHECK(!(g2.cpus[0]->want_spi[0] & (1U << 9)));
}

static void test_vgic_hostile(void)
{
	static u8 cpu0[VGIC_SNAP_CPU_SIZE], dist[VGIC_SNAP_DIST_SIZE];
	const u32 pcpus[2] = {1, 2};
	const char *why = NULL;

	fake_arch_reset();
	vgic_init(&g, cpus, 2, pcpus);
	vgic_init(&g2, cpus2, 2, pcpus);
	vgic_snap_cpu_put(&g, 0, cpu0);
	vgic_snap_dist_put(&g, dist);
	dist[4] = 3; /* vCPU count */
	CHECK_EQ(vgic_snap_dist_get(&g2, dist, &why), -1);
	dist[4] = 2;
	dist[8 + 10 * 5] = 0x20; /* a hardware link on an SPI */
	CHECK_EQ(vgic_snap_dist_get(&g2, dist, &why), -1);
	dist[8 + 10 * 5] = 0;
	cpu0[8 + 4 * 20] = 0x20; /* a hardware link on PPI 20 (not a timer) */
	CHECK_EQ(vgic_snap_cpu_get(&g2, 0, cpu0, &why), -1);
	cpu0[8 + 4 * 20] = 0;
	cpu0[8 + 4 * 27] = 0x20 | 0x01; /* the virtual timer: allowed */
	CHECK_EQ(vgic_snap_cpu_get(&g2, 0, cpu0, &why), 0);
	cpu0[8 + 4 * 1 + 2] = 0x04; /* SGI 1 from vCPU 2: the VM has two */
	CHECK_EQ(vgic_snap_cpu_get(&g2, 0, cpu0, &why), -1);
	CHECK_EQ(vgic_snap_cpu_get(&g2, 2, cpu0, &why), -1); /* no vCPU 2 */
}

static void test_vpl011_roundtrip(void)
{
	static u8 snap[VPL011_SNAP_SIZE], bl[VPL011_BACKLOG];
	const char *why = NULL;
	u64 v = 0x70;
	u32 n;

	fake_arch_reset();
	vpl011_create(&u, 0);
	vpl011_create(&u2, 1);
	CHECK(vpl011_access(&u, 0x2c, 4, true, &v) != -2); /* LCR_H */
	for (u32 i = 0; i < 40; i++) {
		vpl011_rx(&u, (u8)('a' + i % 26)); /* 32 in the FIFO, 8 behind it */
	}
	n = vpl011_snap_put(&u, snap, bl);
	CHECK_EQ(n, 8);
	CHECK_EQ(vpl011_snap_get(&u2, snap, bl, n, &why), 0);
	CHECK_EQ(u2.lcr_h, 0x70);
	for (u32 i = 0; i < 40; i++) {
		u64 c = 0;

		vpl011_access(&u2, 0, 4, false, &c);
		CHECK_EQ(c & 0xff, 'a' + i % 26);
	}
	snap[0] = 0xff; /* UARTCR bits 3-6 are not writable */
	snap[1] = 0xff;
	CHECK_EQ(vpl011_snap_get(&u2, snap, bl, n, &why), -1);
	snap[0] = 0;
	snap[1] = 3;
	CHECK_EQ(vpl011_snap_get(&u2, snap, bl, n + 1, &why), -1); /* backlog count differs */
}

static void test_vcpu_import(void)
{
	static struct arch_vcpu a, out;
	const char *why = NULL;

	memset(&a, 0, sizeof(a));
	a.regs.spsr = 0x3c5; /* EL1h */
	a.timers.cntvoff = 1000;
	a.gic.lr[0] = 0x1234;
	a.el1.vttbr = 0x55;
	a.el1.hcr = 0x80000000ULL | (1ULL << 8);
	arch_vcpu_export(&a, 5000, &out);
	CHECK_EQ(out.timers.cntvoff, 4000); /* the virtual count at the capture */
	{
		struct arch_vcpu b = out;

		/* Restored at counter 90000: the offset that makes the count go on from 4000. */
		arch_vcpu_time_base(&b, 90000);
		CHECK_EQ(b.timers.cntvoff, 86000);
	}
	CHECK_EQ(out.gic.lr[0], 0);
	CHECK_EQ(out.el1.vttbr, 0);
	CHECK_EQ(out.el1.hcr, 1ULL << 8);
	CHECK_EQ(arch_vcpu_import(&out, &why), 0);
	out.regs.spsr = 0x3c9; /* EL2h */
	CHECK_EQ(arch_vcpu_import(&out, &why), -1);
	out.regs.spsr = 0x3d0; /* AArch32 */
	CHECK_EQ(arch_vcpu_import(&out, &why), -1);
	out.regs.spsr = 0x3c4;
	out.gic.lr[3] = 1;
	CHECK_EQ(arch_vcpu_import(&out, &why), -1);
	out.gic.lr[3] = 0;
	out.el1.hcr = 1; /* HCR_EL2.VM */
	CHECK_EQ(arch_vcpu_import(&out, &why), -1);
	out.el1.hcr = 0;
	out.timers.cntv_ctl = 0xff;
	CHECK_EQ(arch_vcpu_import(&out, &why), 0);
	CHECK_EQ(out.timers.cntv_ctl, 3);
}

int main(void)
{
	RUN(test_vgic_roundtrip);
	RUN(test_vgic_restore_active);
	RUN(test_vgic_hostile);
	RUN(test_vpl011_roundtrip);
	RUN(test_vcpu_import);
	CHECK_MAIN_END();
}
