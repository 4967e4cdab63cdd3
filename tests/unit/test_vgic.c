/* SPDX-License-Identifier: MIT */
/* Unit tests of the emulated GICv3 (src/arch/aarch64/vgic/vgic*.c) against the fake arch. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_arch.h"
#include "arch.h"
#include "vgic.h"

/* vCPU v runs on physical CPU 7 - v, so vCPU and pCPU numbers never coincide. */
#define PCPU(v) (7U - (v))

static struct vgic g, g2;
static struct vgic_cpu cpus[VGIC_MAX_VCPUS], cpus2[VGIC_MAX_VCPUS];

static void setup(u32 n)
{
	u32 pcpus[VGIC_MAX_VCPUS];

	for (u32 v = 0; v < VGIC_MAX_VCPUS; v++) {
		pcpus[v] = PCPU(v);
	}
	fake_arch_reset();
	vgic_init(&g, cpus, n, pcpus);
	fake_cpu = PCPU(0);
}

/* Word accesses go as the trap path sends them: the word function first (the hot
 * registers), the general one if it declines. */
static u64 dr(u64 off, u32 size)
{
	u64 v = 0xdeadbeefdeadbeefULL;
	u32 w = 0;

	if (size == 4 && vgic_dist_word(&g, off, false, &w)) {
		return w;
	}
	CHECK(vgic_dist_access(&g, 0, off, size, false, &v));
	return v;
}

static void dw(u64 off, u32 size, u64 v)
{
	u32 w = (u32)v;

	if (size == 4 && vgic_dist_word(&g, off, true, &w)) {
		return;
	}
	CHECK(vgic_dist_access(&g, 0, off, size, true, &v));
}

static u64 rr(u32 r, u64 off, u32 size)
{
	u64 v = 0xdeadbeefdeadbeefULL;

	CHECK(vgic_redist_access(&g, 0, r * 0x20000ULL + off, size, false, &v));
	return v;
}

static void rw(u32 r, u64 off, u32 size, u64 v)
{
	u32 w = (u32)v;

	if (size == 4 && vgic_redist_word(&g, r * 0x20000ULL + off, true, &w)) {
		return;
	}
	CHECK(vgic_redist_access(&g, 0, r * 0x20000ULL + off, size, true, &v));
}

/* Enables the distributor (Group 1) and one interrupt of vCPU v (or an SPI). */
static void enable(u32 v, u32 intid)
{
	dw(0, 4, 2);
	if (intid < 32) {
		rw(v, 0x10100, 4, 1U << intid);
	} else {
		dw(0x100 + intid / 32 * 4, 4, 1U << (intid % 32));
	}
}

/* Runs the exit/entry path of vCPU v on its own physical CPU. */
static void run(u32 v)
{
	u32 saved = fake_cpu;

	fake_cpu = PCPU(v);
	vgic_sync(&g, v);
	vgic_flush(&g, v);
	fake_cpu = saved;
}

static u64 lr_of(u32 v, u32 intid)
{
	u32 saved = fake_cpu;
	int i;

	fake_cpu = PCPU(v);
	i = fake_lr_find(intid);
	fake_cpu = saved;
	return i < 0 ? 0 : fake_lr[PCPU(v)][i];
}

static void test_reset_values(void)
{
	setup(3);
	CHECK_EQ(dr(0x0, 4), 0x50);		/* ARE, DS; groups disabled, RWP = 0 */
	CHECK_EQ(dr(0x4, 4) & 0x1f, 8);		/* 288 INTIDs */
	CHECK_EQ((dr(0x4, 4) >> 5) & 7, 2);	/* CPUNumber */
	CHECK_EQ((dr(0x4, 4) >> 19) & 0x1f, 9); /* IDbits */
	CHECK(dr(0x4, 4) & BIT(25));		/* No1N */
	CHECK_EQ(dr(0x4, 4) & (BIT(10) | BIT(16) | BIT(17)), 0); /* no security, MBIS, LPIs */
	CHECK(dr(0x8, 4) != 0);
	CHECK_EQ(dr(0xc, 4), 0);
	CHECK_EQ(dr(0x10, 4), 0);
	CHECK_EQ(dr(0xffe8, 4), 0x3b);
	CHECK_EQ(dr(0x80, 4), 0);	   /* IGROUPR0: banked, RAZ */
	CHECK_EQ(dr(0x84, 4), 0xffffffff); /* SPIs 32-63: Group 1 */
	CHECK_EQ(dr(0xa0, 4), 0xffffffff); /* 256-287 */
	CHECK_EQ(dr(0xa4, 4), 0);	   /* beyond ITLinesNumber */
	CHECK_EQ(dr(0x104, 4), 0);
	CHECK_EQ(dr(0x420, 4), 0);
	CHECK_EQ(dr(0xc08, 4), 0);  /* SPIs level */
	CHECK_EQ(dr(0x6100, 8), 0); /* IROUTER32 */
	CHECK_EQ(dr(0x820, 4), 0);  /* ITARGETSR: RAZ with ARE */
	for (u32 r = 0; r < 3; r++) {
		u64 t = rr(r, 0x8, 8);

		CHECK_EQ(t >> 32, r);		/* Aff0 = vCPU */
		CHECK_EQ((t >> 8) & 0xffff, r); /* Processor_Number */
		CHECK_EQ((t >> 4) & 1, r == 2); /* Last */
		CHECK_EQ(rr(r, 0x8, 4), t & 0xffffffff);
		CHECK_EQ(rr(r, 0xc, 4), t >> 32);
		CHECK_EQ(rr(r, 0x14, 4), 6); /* WAKER: asleep */
		CHECK_EQ(rr(r, 0xffe8, 4), 0x3b);
		CHECK_EQ(rr(r, 0x0, 4), 0);
		CHECK_EQ(rr(r, 0x70, 8), 0);
		CHECK_EQ(rr(r, 0x10080, 4), 0xffffffff); /* IGROUPR0 */
		CHECK_EQ(rr(r, 0x10100, 4), 0);
		CHECK_EQ(rr(r, 0x10c00, 4), 0xaaaaaaaa); /* SGIs edge */
		CHECK_EQ(rr(r, 0x10c04, 4), 0);
	}
	/* WAKER: ChildrenAsleep follows ProcessorSleep. */
	rw(1, 0x14, 4, 0);
	CHECK_EQ(rr(1, 0x14, 4), 0);
	CHECK_EQ(rr(0, 0x14, 4), 6);
	rw(1, 0x14, 4, 2);
	CHECK_EQ(rr(1, 0x14, 4), 6);
	/* CTLR: only the group enables are writable. */
	dw(0, 4, 0xffffffff);
	CHECK_EQ(dr(0, 4), 0x53);
	/* TYPER and ICFGR0 are read-only. */
	dw(0x4, 4, 0);
	CHECK_EQ(dr(0x4, 4) & 0x1f, 8);
	rw(0, 0x10c00, 4, 0);
	CHECK_EQ(rr(0, 0x10c00, 4), 0xaaaaaaaa);
	/* No redistributor beyond the last vCPU; nothing beyond the distributor. */
	{
		u64 v = 0;

		CHECK(!vgic_redist_access(&g, 0, 3 * 0x20000ULL, 4, false, &v));
		CHECK(!vgic_redist_access(&g, 0, ~0ULL - 3, 4, true, &v));
		CHECK(!vgic_dist_access(&g, 0, 0x10000, 4, false, &v));
	}
}

static void test_set_clear(void)
{
	setup(2);
	dw(0x104, 4, 0x00010001); /* enable 32, 48 */
	CHECK_EQ(dr(0x104, 4), 0x00010001);
	CHECK_EQ(dr(0x184, 4), 0x00010001);
	dw(0x104, 4, 0);
	CHECK_EQ(dr(0x104, 4), 0x00010001);
	dw(0x184, 4, 1);
	CHECK_EQ(dr(0x104, 4), 0x00010000);
	dw(0x100, 4, 0xffffffff); /* private: RAZ/WI in the distributor */
	CHECK_EQ(dr(0x100, 4), 0);
	CHECK_EQ(rr(0, 0x10100, 4), 0);

	dw(0x208, 4, 0x80000003); /* pend 64, 65, 95 */
	CHECK_EQ(dr(0x208, 4), 0x80000003);
	CHECK_EQ(dr(0x288, 4), 0x80000003);
	dw(0x288, 4, 0x2);
	CHECK_EQ(dr(0x208, 4), 0x80000001);

	dw(0x30c, 4, 0x10);
	CHECK_EQ(dr(0x30c, 4), 0x10);
	CHECK_EQ(dr(0x38c, 4), 0x10);
	dw(0x38c, 4, 0xffffffff);
	CHECK_EQ(dr(0x30c, 4), 0);

	/* Redistributors: banked per vCPU. */
	rw(1, 0x10100, 4, 0x08000004);
	CHECK_EQ(rr(1, 0x10100, 4), 0x08000004);
	CHECK_EQ(rr(0, 0x10100, 4), 0);
	rw(1, 0x10180, 4, 4);
	CHECK_EQ(rr(1, 0x10100, 4), 0x08000000);
	rw(0, 0x10200, 4, 1U << 20);
	CHECK_EQ(rr(0, 0x10200, 4), 1U << 20);
	CHECK_EQ(rr(1, 0x10200, 4), 0);
	rw(0, 0x10280, 4, 1U << 20);
	CHECK_EQ(rr(0, 0x10200, 4), 0);
	rw(1, 0x10300, 4, 3);
	CHECK_EQ(rr(1, 0x10380, 4), 3);
	rw(1, 0x10380, 4, 1);
	CHECK_EQ(rr(1, 0x10300, 4), 2);

	/* A level-sensitive line stays pending through ICPENDR while high. */
	vgic_set_level(&g, 0, 70, true);
	CHECK(dr(0x208, 4) & (1U << 6));
	dw(0x288, 4, 1U << 6);
	CHECK(dr(0x208, 4) & (1U << 6));
	vgic_set_level(&g, 0, 70, false);
	CHECK(!(dr(0x208, 4) & (1U << 6)));

	/* ICFGR: SPI config writable, PPIs in the redistributor. */
	dw(0xc08, 4, 0x2); /* INTID 32 edge */
	CHECK_EQ(dr(0xc08, 4), 0x2);
	rw(0, 0x10c04, 4, 0x80000000); /* PPI 31 edge */
	CHECK_EQ(rr(0, 0x10c04, 4), 0x80000000);
	CHECK_EQ(rr(1, 0x10c04, 4), 0);
	dw(0xc00, 4, 0);
	CHECK_EQ(dr(0xc00, 4), 0);
	/* IGRPMODR, NSACR: RAZ/WI. IGROUPR: WI. */
	dw(0xd04, 4, 0xffffffff);
	CHECK_EQ(dr(0xd04, 4), 0);
	rw(0, 0x10d00, 4, 0xffffffff);
	CHECK_EQ(rr(0, 0x10d00, 4), 0);
	dw(0x84, 4, 0);
	CHECK_EQ(dr(0x84, 4), 0xffffffff);
}

static void test_priority(void)
{
	setup(2);
	dw(0x400 + 40, 1, 0xa0);
	CHECK_EQ(dr(0x400 + 40, 1), 0xa0);
	CHECK_EQ(dr(0x400 + 40, 4), 0xa0);
	dw(0x400 + 44, 4, 0x11223344);
	CHECK_EQ(dr(0x400 + 44, 1), 0x44);
	CHECK_EQ(dr(0x400 + 45, 1), 0x33);
	CHECK_EQ(dr(0x400 + 46, 1), 0x22);
	CHECK_EQ(dr(0x400 + 47, 1), 0x11);
	CHECK_EQ(dr(0x400 + 44, 4), 0x11223344);
	/* Halfword and unaligned: RAZ/WI. */
	dw(0x400 + 44, 2, 0xffff);
	CHECK_EQ(dr(0x400 + 44, 2), 0);
	CHECK_EQ(dr(0x400 + 44, 4), 0x11223344);
	dw(0x400 + 45, 4, 0xffffffff);
	CHECK_EQ(dr(0x400 + 44, 4), 0x11223344);
	/* Private priorities only in the redistributors. */
	dw(0x400 + 4, 4, 0xffffffff);
	CHECK_EQ(dr(0x400 + 4, 4), 0);
	rw(1, 0x10400 + 27, 1, 0x80);
	CHECK_EQ(rr(1, 0x10418, 4), 0x80000000);
	CHECK_EQ(rr(0, 0x10418, 4), 0);
	/* Beyond the last SPI: RAZ/WI. */
	dw(0x400 + 300, 1, 0x55);
	CHECK_EQ(dr(0x400 + 300, 1), 0);
}

static void test_irouter_and_kick(void)
{
	setup(4);
	enable(0, 40);
	dw(0x6000 + 8 * 40, 8, 2); /* Aff0 = 2 */
	CHECK_EQ(dr(0x6000 + 8 * 40, 8), 2);
	CHECK_EQ(dr(0x6000 + 8 * 40, 4), 2);
	CHECK_EQ(dr(0x6000 + 8 * 40 + 4, 4), 0);
	CHECK_EQ(fake_kick_count, 0);
	vgic_raise(&g, 0, 40); /* on vCPU 0's CPU: the target is remote */
	CHECK_EQ(fake_kick_count, 1);
	CHECK_EQ(fake_kicks_to(PCPU(2)), 1);
	CHECK(!cpus[0].dirty);
	CHECK(cpus[2].dirty);
	run(0);
	CHECK_EQ(lr_of(0, 40), 0);
	run(2);
	CHECK_EQ(lr_of(2, 40) & (ICH_LR_VINTID_MASK | ICH_LR_STATE_MASK), 40 | ICH_LR_PENDING);

	/* Local delivery: no kick, the next flush refills. */
	fake_kick_count = 0;
	fake_cpu = PCPU(1);
	dw(0x6000 + 8 * 41, 8, 1);
	vgic_raise(&g, 0, 41);
	dw(0x104, 4, 1U << 9); /* enable 41 */
	CHECK_EQ(fake_kick_count, 0);
	CHECK(cpus[1].dirty);
	run(1);
	CHECK(lr_of(1, 41) & ICH_LR_PENDING);

	/* Non-existent vCPU, Aff1 != 0, IRM: vCPU 0. */
	dw(0x6000 + 8 * 42, 8, 4); /* one past the last vCPU */
	CHECK_EQ(dr(0x6000 + 8 * 42, 8), 4);
	CHECK_EQ(g.spi[10].target, 0);
	dw(0x6000 + 8 * 42, 8, 0xff);
	CHECK_EQ(g.spi[10].target, 0);
	dw(0x6000 + 8 * 42, 8, 0x103);
	CHECK_EQ(g.spi[10].target, 0);
	dw(0x6000 + 8 * 42, 8, BIT(31) | 3);
	CHECK_EQ(g.spi[10].target, 0);
	dw(0x6000 + 8 * 42, 4, 3);
	CHECK_EQ(g.spi[10].target, 3);
	dw(0x6000 + 8 * 42 + 4, 4, 0x1); /* Aff3 = 1 */
	CHECK_EQ(dr(0x6000 + 8 * 42, 8), 0x100000003ULL);
	CHECK_EQ(g.spi[10].target, 0);
	/* Reserved bits do not stick; private IROUTERs and byte access are RAZ/WI. */
	dw(0x6000 + 8 * 42, 8, ~0ULL);
	CHECK_EQ(dr(0x6000 + 8 * 42, 8), 0xff80ffffffULL);
	dw(0x6000 + 8 * 31, 8, 1);
	CHECK_EQ(dr(0x6000 + 8 * 31, 8), 0);
	CHECK_EQ(dr(0x6000 + 8 * 42, 1), 0);

	/* Re-routing a pending SPI moves it: the old LR is retracted, the new CPU kicked. */
	fake_kick_count = 0;
	fake_cpu = PCPU(0);
	dw(0x6000 + 8 * 40, 8, 3);
	CHECK_EQ(fake_kicks_to(PCPU(2)), 1);
	CHECK_EQ(fake_kicks_to(PCPU(3)), 1);
	run(2);
	CHECK_EQ(lr_of(2, 40), 0);
	run(3);
	CHECK(lr_of(3, 40) & ICH_LR_PENDING);
}

static void test_sgi(void)
{
	setup(3);
	for (u32 v = 0; v < 3; v++) {
		enable(v, 3);
	}
	/* TargetList 0xfffe from vCPU 0: vCPUs 1 and 2; bits beyond vCPU 2 ignored. */
	vgic_sgi1r(&g, 0, (3ULL << 24) | 0xfffe);
	/* Posted: each target kicked once; its redistributor shows it pending all the same
	 * (the read moves the posts into the model). */
	CHECK_EQ(fake_kicks_to(PCPU(1)), 1);
	CHECK_EQ(fake_kicks_to(PCPU(2)), 1);
	CHECK_EQ(cpus[1].posted_sgis, 1U << 3);
	CHECK_EQ(rr(0, 0x10200, 4), 0);
	CHECK_EQ(rr(1, 0x10200, 4), 8);
	CHECK_EQ(rr(2, 0x10200, 4), 8);
	CHECK_EQ(cpus[1].priv[3].sgi_src, 1);
	CHECK_EQ(cpus[1].posted_sgis, 0);
	rw(1, 0x10280, 4, 8);
	rw(2, 0x10280, 4, 8);

	/* Aff1/Aff2/Aff3/RS != 0: no such vCPU here, ignored. */
	vgic_sgi1r(&g, 0, (3ULL << 24) | (1ULL << 16) | 2);
	vgic_sgi1r(&g, 0, (3ULL << 24) | (1ULL << 32) | 2);
	vgic_sgi1r(&g, 0, (3ULL << 24) | (1ULL << 48) | 2);
	vgic_sgi1r(&g, 0, (3ULL << 24) | (1ULL << 44) | 2);
	vgic_sgi1r(&g, 7, (3ULL << 24) | 2); /* from a vCPU that does not exist */
	for (u32 v = 0; v < 3; v++) {
		CHECK_EQ(rr(v, 0x10200, 4), 0);
	}
	/* IRM = 1: every other vCPU. */
	vgic_sgi1r(&g, 1, BIT(40) | (5ULL << 24) | 0xffff);
	CHECK_EQ(rr(0, 0x10200, 4), 1U << 5);
	CHECK_EQ(rr(1, 0x10200, 4), 0);
	CHECK_EQ(rr(2, 0x10200, 4), 1U << 5);

	/* Self-IPI (vCPU 0 on its own CPU): no kick, delivered at the next entry. */
	fake_kick_count = 0;
	vgic_sgi1r(&g, 0, (3ULL << 24) | 1);
	CHECK_EQ(fake_kick_count, 0);
	run(0);
	CHECK(lr_of(0, 3) & ICH_LR_PENDING);
	CHECK(!(lr_of(0, 3) & ICH_LR_EOI)); /* edge */
}

static void test_lr_order_and_overflow(void)
{
	static const u8 prio[6] = {0x80, 0x20, 0xc0, 0x40, 0x10, 0x60};
	u32 got[6];

	setup(1);
	dw(0, 4, 2);
	for (u32 i = 0; i < 6; i++) {
		dw(0x400 + 32 + i, 1, prio[i]);
		dw(0x100 + 4, 4, 1U << i);
		vgic_raise(&g, 0, 32 + i);
	}
	run(0);
	/* The four best: 36 (0x10), 33 (0x20), 35 (0x40), 37 (0x60). */
	CHECK_EQ(fake_lr_valid_count(), 4);
	CHECK(fake_lr_find(36) >= 0 && fake_lr_find(33) >= 0);
	CHECK(fake_lr_find(35) >= 0 && fake_lr_find(37) >= 0);
	CHECK(fake_lr_find(32) < 0 && fake_lr_find(34) < 0);
	CHECK_EQ((lr_of(0, 36) >> 48) & 0xff, 0x10);
	CHECK(lr_of(0, 36) & ICH_LR_GROUP1);
	CHECK(fake_hcr[PCPU(0)] & ICH_HCR_UIE);
	/* The guest takes them in priority order. */
	for (u32 i = 0; i < 4; i++) {
		got[i] = fake_guest_ack();
	}
	CHECK_EQ(got[0], 36);
	CHECK_EQ(got[1], 33);
	CHECK_EQ(got[2], 35);
	CHECK_EQ(got[3], 37);
	CHECK_EQ(fake_guest_ack(), 1023);
	for (u32 i = 0; i < 4; i++) {
		CHECK(fake_guest_eoi(got[i]));
	}
	/* Underflow maintenance, then exit: the rest go in. */
	CHECK(arch_gic_misr() & 2);
	vgic_maintenance(&g, 0);
	CHECK(!(fake_hcr[PCPU(0)] & ICH_HCR_UIE));
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 2);
	CHECK_EQ(fake_guest_ack(), 32);
	CHECK_EQ(fake_guest_ack(), 34);
	CHECK(!(fake_hcr[PCPU(0)] & ICH_HCR_UIE));
	CHECK(fake_guest_eoi(32) && fake_guest_eoi(34));
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK_EQ(dr(0x204, 4), 0);
	CHECK_EQ(dr(0x304, 4), 0);

	/* Refill on exit without the maintenance interrupt too; and a higher-priority
	 * interrupt takes the place of a lower-priority pending one. */
	for (u32 i = 0; i < 4; i++) {
		vgic_raise(&g, 0, 32 + i); /* 0x80 0x20 0xc0 0x40 */
	}
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 4);
	vgic_raise(&g, 0, 36); /* 0x10 */
	run(0);
	CHECK(fake_lr_find(36) >= 0);
	CHECK(fake_lr_find(34) < 0); /* 0xc0 waits */
	CHECK(fake_hcr[PCPU(0)] & ICH_HCR_UIE);
	CHECK(dr(0x204, 4) & (1U << 2)); /* still pending in the model */
	CHECK_EQ(fake_guest_ack(), 36);
	CHECK(fake_guest_eoi(36));
	run(0);
	CHECK(fake_lr_find(34) >= 0);
	CHECK(!(fake_hcr[PCPU(0)] & ICH_HCR_UIE));
}

static void test_fast_paths(void)
{
	setup(2);
	/* Nothing in flight: sync and flush touch no ICH register. */
	vgic_sync(&g, 0);
	vgic_flush(&g, 0);
	CHECK_EQ(fake_ich_accesses, 0);
	enable(0, 27);
	vgic_raise(&g, 0, 27);
	run(0);
	CHECK(fake_ich_accesses > 0);
	/* An LR in use but unchanged: read back, nothing written, no flush work. */
	fake_ich_accesses = 0;
	run(0);
	CHECK(fake_ich_accesses <= 2);
	/* Bad vCPU numbers are ignored. */
	vgic_sync(&g, 5);
	vgic_flush(&g, 99);
	vgic_maintenance(&g, 2);
	vgic_vcpu_quiesce(&g, 8);
	vgic_raise(&g, 3, 20);
	vgic_set_level(&g, 9, 20, true);
	vgic_raise(&g, 0, 1020);
	vgic_raise(&g, 0, 0xffffffff);
}

static void test_level_repend(void)
{
	u64 lr;

	setup(1);
	enable(0, 50);
	vgic_set_level(&g, 0, 50, true);
	run(0);
	lr = lr_of(0, 50);
	CHECK_EQ(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(lr & ICH_LR_EOI);
	CHECK(!(lr & ICH_LR_HW));
	CHECK_EQ(fake_guest_ack(), 50);
	run(0);
	CHECK(dr(0x304, 4) & (1U << 18)); /* active in the model */
	/* EOI while the line is still high: maintenance, then pending again. */
	CHECK(fake_guest_eoi(50));
	CHECK(arch_gic_eisr() != 0);
	CHECK(arch_gic_misr() & 1);
	run(0);
	CHECK_EQ(arch_gic_eisr(), 0);
	CHECK_EQ(lr_of(0, 50) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(!(dr(0x304, 4) & (1U << 18)));
	/* The device deasserts while the guest handles it: no re-pend. */
	CHECK_EQ(fake_guest_ack(), 50);
	vgic_set_level(&g, 0, 50, false);
	CHECK(fake_guest_eoi(50));
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK(!(dr(0x204, 4) & (1U << 18)));
	/* Line drops before the guest took it: the LR is withdrawn. */
	vgic_set_level(&g, 0, 50, true);
	run(0);
	CHECK(lr_of(0, 50) & ICH_LR_PENDING);
	vgic_set_level(&g, 0, 50, false);
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);

	/* Edge: a new edge while active is kept (active+pending), not lost. */
	dw(0xc0c, 4, 2U << 4); /* INTID 50 edge */
	vgic_raise(&g, 0, 50);
	run(0);
	CHECK_EQ(fake_guest_ack(), 50);
	vgic_raise(&g, 0, 50);
	run(0);
	CHECK_EQ(lr_of(0, 50) & ICH_LR_STATE_MASK, ICH_LR_ACTIVE | ICH_LR_PENDING);
	CHECK(fake_guest_eoi(50));
	CHECK_EQ(fake_guest_ack(), 50);
	CHECK(fake_guest_eoi(50));
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK(!(dr(0x204, 4) & (1U << 18)));
	/* Edge raised (remotely) after the flush but before the guest acknowledged: the
	 * guest may have taken the old one first, so it is delivered again. */
	vgic_raise(&g, 0, 50);
	run(0);
	vgic_raise(&g, 0, 50);
	CHECK_EQ(fake_guest_ack(), 50);
	CHECK(fake_guest_eoi(50));
	run(0);
	CHECK_EQ(lr_of(0, 50) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
}

static void test_hw(void)
{
	u64 lr;

	setup(2);
	/* Virtual timer PPI, HW-linked. */
	enable(0, 27);
	vgic_hw_irq(&g, 0, 27);
	run(0);
	lr = lr_of(0, 27);
	CHECK(lr & ICH_LR_HW);
	CHECK_EQ((lr & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT, 27);
	CHECK_EQ(lr & ICH_LR_VINTID_MASK, 27);
	CHECK_EQ(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(fake_guest_ack(), 27);
	CHECK(fake_guest_eoi(27));
	CHECK_EQ(fake_gic_count(FAKE_GIC_GUEST_DIR, 27), 1);
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK_EQ(fake_gic_count(FAKE_GIC_DEACTIVATE, 27), 0);
	/* Guest clears a pending HW interrupt: the physical one is deactivated. */
	vgic_hw_irq(&g, 0, 27);
	run(0);
	rw(0, 0x10280, 4, 1U << 27);
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK_EQ(fake_gic_count(FAKE_GIC_DEACTIVATE, 27), 1);
	CHECK_EQ(fake_gic_last(FAKE_GIC_DEACTIVATE, 27)->cpu, PCPU(0));
	/* Reset while active: quiesce deactivates it and empties the LRs. */
	vgic_hw_irq(&g, 0, 27);
	run(0);
	CHECK_EQ(fake_guest_ack(), 27);
	run(0);
	vgic_vcpu_quiesce(&g, 0);
	CHECK_EQ(fake_gic_count(FAKE_GIC_DEACTIVATE, 27), 2);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK_EQ(rr(0, 0x10300, 4), 0);
	CHECK_EQ(rr(0, 0x10200, 4), 0);

	/* Pass-through SPI 48 programs the physical GIC; SPI 49 never does. */
	fake_gic_log_len = 0;
	vgic_assign_hw_spi(&g, 48);
	CHECK_EQ(fake_gic_count(FAKE_GIC_DISABLE, 48), 1);
	for (u32 intid = 48; intid <= 49; intid++) {
		dw(0x6000 + 8 * intid, 8, 1);
		dw(0x400 + intid, 1, 0xc8);
		dw(0x104, 4, 1U << (intid - 32));
	}
	CHECK_EQ(fake_gic_count(FAKE_GIC_ENABLE, 48), 1);
	CHECK_EQ(fake_gic_last(FAKE_GIC_ROUTE, 48)->arg, PCPU(1));
	CHECK_EQ(fake_gic_last(FAKE_GIC_PRIORITY, 48)->arg, 0xc8);
	dw(0x400 + 48, 1, 0x00); /* never above the hypervisor's own interrupts */
	CHECK(fake_gic_last(FAKE_GIC_PRIORITY, 48)->arg >= 0xa0);
	dw(0x184, 4, 3U << 16);
	CHECK_EQ(fake_gic_count(FAKE_GIC_DISABLE, 48), 2);
	for (u32 i = 0; i < fake_gic_log_len; i++) {
		CHECK(fake_gic_log[i].intid != 49);
	}
	/* A physical SPI fires for vCPU 1: HW LR there. */
	dw(0x104, 4, 1U << 16);
	vgic_hw_irq(&g, 1, 48);
	CHECK_EQ(fake_kicks_to(PCPU(1)), 1);
	run(1);
	lr = lr_of(1, 48);
	CHECK(lr & ICH_LR_HW);
	CHECK_EQ((lr & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT, 48);
	/* A physical interrupt the VM does not own is not left active. */
	vgic_hw_irq(&g, 0, 49);
	CHECK_EQ(fake_gic_count(FAKE_GIC_DEACTIVATE, 49), 1);
	CHECK_EQ(dr(0x204, 4) & (1U << 17), 0);
}

/* Lists every LR bookkeeping inconsistency of vCPU v (0 when sound). */
static u32 lr_invariants(struct vgic *gg, u32 v)
{
	struct vgic_cpu *c = gg->cpus[v];
	u32 bad = 0;

	for (u32 i = 0; i < VGIC_MAX_LRS; i++) {
		if (c->lr_used & (1U << i)) {
			u32 intid = c->lr_intid[i];
			struct vgic_irq *irq = intid < 32    ? &c->priv[intid]
					       : intid < 288 ? &gg->spi[intid - 32]
							     : NULL;

			bad += !irq || !(irq->flags & VGIC_IRQ_IN_LR) || irq->lr != i ||
			       irq->lr_vcpu != v;
		}
	}
	return bad;
}

static u64 rnd(void)
{
	return ((u64)(u32)rand() << 33) ^ ((u64)(u32)rand() << 11) ^ (u32)rand();
}

static void test_hostile(void)
{
	static const u32 widths[] = {1, 2, 3, 4, 8, 16, 0};
	u32 pcpus[2] = {4, 5};
	static struct vgic snap;
	static struct vgic_cpu snap_cpus[2];

	setup(2);
	/* A second VM with state of its own. */
	vgic_init(&g2, cpus2, 2, pcpus);
	{
		u64 v = 2;

		vgic_dist_access(&g2, 0, 0, 4, true, &v);
		v = 0xffffffff;
		vgic_dist_access(&g2, 0, 0x104, 4, true, &v);
		vgic_dist_access(&g2, 0, 0x204, 4, true, &v);
		vgic_redist_access(&g2, 0, 0x10100, 4, true, &v);
	}
	memcpy(&snap, &g2, sizeof(snap));
	memcpy(snap_cpus, cpus2, sizeof(snap_cpus));
	srand(1234);
	fake_gic_log_len = 0;
	for (u32 pass = 0; pass < 2; pass++) {
		for (u64 off = 0; off < 0x10000; off++) {
			for (u32 w = 0; w < ARRAY_SIZE(widths); w++) {
				u64 v = rnd();

				if ((off & 0xfff) == 0x100 && w == 0) {
					run(0);
					run(1);
				}
				CHECK(vgic_dist_access(&g, 0, off, widths[w], pass == 1, &v));
			}
		}
		for (u64 off = 0; off < 2 * 0x20000ULL; off++) {
			for (u32 w = 0; w < ARRAY_SIZE(widths); w++) {
				u64 v = rnd();

				CHECK(vgic_redist_access(&g, 1, off, widths[w], pass == 1, &v));
			}
		}
	}
	for (u32 i = 0; i < 20000; i++) {
		u64 v = rnd(), off = rnd();

		vgic_dist_access(&g, (u32)rnd(), off, (u32)rnd() & 15, i & 1, &v);
		CHECK(vgic_redist_access(&g, 0, off, 4, i & 1, &v) == (off < 0x40000));
		vgic_sgi1r(&g, (u32)rnd() & 3, v);
		vgic_raise(&g, (u32)rnd() & 7, (u32)rnd() & 0x1ff);
		vgic_set_level(&g, (u32)rnd() & 7, (u32)rnd() & 0x1ff, v & 1);
		if (!(i & 63)) {
			u32 v2 = (u32)rnd() & 1;

			if (rand() & 1) {
				fake_cpu = PCPU(v2);
				fake_guest_ack();
				fake_guest_eoi((u32)rnd() & 0x1ff);
				fake_cpu = PCPU(0);
			}
			run(v2);
			CHECK_EQ(lr_invariants(&g, v2), 0);
		}
	}
	run(0);
	run(1);
	CHECK_EQ(lr_invariants(&g, 0), 0);
	CHECK_EQ(lr_invariants(&g, 1), 0);
	/* No physical GIC call: this VM owns no pass-through interrupt. */
	CHECK_EQ(fake_gic_log_len, 0);
	/* The other VM did not change. */
	CHECK(memcmp(&snap, &g2, sizeof(snap)) == 0);
	CHECK(memcmp(snap_cpus, cpus2, sizeof(snap_cpus)) == 0);
	/* Still a working GIC after all that. */
	vgic_vcpu_quiesce(&g, 0);
	dw(0, 4, 2);
	rw(0, 0x10180, 4, 0xffffffff);
	rw(0, 0x10280, 4, 0xffffffff);
	rw(0, 0x10380, 4, 0xffffffff);
	for (u32 i = 1; i < 9; i++) {
		dw(0x180 + 4 * i, 4, 0xffffffff);
	}
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	rw(0, 0x10100, 4, 1U << 9);
	rw(0, 0x10400 + 9, 1, 0x40);
	vgic_sgi1r(&g, 0, (9ULL << 24) | 1);
	run(0);
	CHECK_EQ(fake_guest_ack(), 9);
}

/* Direct LR injection on the vCPU's own CPU (vgic_lr_inject) and lazy folding. */
static void test_direct_and_lazy(void)
{
	u64 lr;

	setup(2);
	enable(0, 27);
	/* A HW PPI on its vCPU's CPU goes straight into an LR: nothing left for the flush. */
	vgic_hw_irq(&g, 0, 27);
	CHECK(!cpus[0].dirty);
	lr = lr_of(0, 27);
	CHECK_EQ(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(lr & ICH_LR_HW);
	/* The vCPU reads its own state through the redistributor: its LRs are folded first. */
	CHECK_EQ(fake_guest_ack(), 27);
	CHECK_EQ(rr(0, 0x10300, 4), 1U << 27); /* active */
	CHECK_EQ(rr(0, 0x10200, 4), 0);	       /* the acknowledge consumed the pending state */
	CHECK(fake_guest_eoi(27));
	CHECK_EQ(rr(0, 0x10300, 4), 0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	/* The guest finishes it without any exit: the next one reuses that LR at once. */
	vgic_hw_irq(&g, 0, 27);
	CHECK(fake_guest_ack() == 27 && fake_guest_eoi(27));
	vgic_hw_irq(&g, 0, 27);
	CHECK(!cpus[0].dirty);
	CHECK_EQ(fake_lr_valid_count(), 1);
	CHECK_EQ(lr_of(0, 27) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(lr_invariants(&g, 0), 0);
	CHECK_EQ(rr(0, 0x10200, 4), 1U << 27);
	/* Disabled meanwhile: the finished LR is released, nothing is delivered. */
	CHECK(fake_guest_ack() == 27 && fake_guest_eoi(27));
	rw(1, 0x10180, 4, 0); /* (another redistributor: no effect on vCPU 0) */
	cpus[0].priv[27].flags &= (u8)~VGIC_IRQ_ENABLED;
	vgic_hw_irq(&g, 0, 27);
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK_EQ(lr_invariants(&g, 0), 0);
	CHECK(rr(0, 0x10200, 4) & (1U << 27)); /* pending, waiting for the enable */
	rw(0, 0x10100, 4, 1U << 27);
	run(0);
	CHECK_EQ(lr_of(0, 27) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(fake_guest_ack() == 27 && fake_guest_eoi(27));
	run(0);

	/* Self-SGI: straight into an LR; while that LR is still live (active), a second one
	 * takes the full path and ends up active+pending. */
	enable(0, 3);
	fake_kick_count = 0;
	vgic_sgi1r(&g, 0, (3ULL << 24) | 1);
	CHECK(!cpus[0].dirty);
	CHECK_EQ(lr_of(0, 3) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(fake_guest_ack(), 3);
	vgic_sgi1r(&g, 0, (3ULL << 24) | 1);
	CHECK(cpus[0].dirty);
	run(0);
	CHECK_EQ(lr_of(0, 3) & ICH_LR_STATE_MASK, ICH_LR_ACTIVE | ICH_LR_PENDING);
	CHECK(fake_guest_eoi(3));
	CHECK_EQ(fake_guest_ack(), 3);
	CHECK(fake_guest_eoi(3));
	CHECK_EQ(fake_kick_count, 0);
	/* An SGI from vCPU 1 (on another CPU) to vCPU 0 is never written from here. */
	vgic_sgi1r(&g, 1, (3ULL << 24) | 1);
	CHECK(cpus[0].dirty);
	run(0);
	CHECK_EQ(lr_of(0, 3) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(fake_guest_ack() == 3 && fake_guest_eoi(3));
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);

	/* A vCPU reading state held in another vCPU's LR asks that vCPU to fold it. */
	dw(0x6000 + 8 * 40, 8, 1); /* SPI 40 -> vCPU 1 */
	dw(0x104, 4, 1U << 8);
	vgic_raise(&g, 0, 40);
	run(1);
	fake_cpu = PCPU(1);
	CHECK(fake_guest_ack() == 40 && fake_guest_eoi(40));
	fake_cpu = PCPU(0);
	fake_kick_count = 0;
	CHECK(dr(0x204, 4) & (1U << 8)); /* not folded yet: still pending */
	CHECK(cpus[1].dirty);
	CHECK_EQ(fake_kicks_to(PCPU(1)), 1);
	run(1);
	CHECK_EQ(dr(0x204, 4) & (1U << 8), 0);
	CHECK_EQ(dr(0x304, 4) & (1U << 8), 0);
	CHECK_EQ(lr_invariants(&g, 1), 0);
}

/* The interrupt fast path (vgic_lr_fast): the model vgic_hw_irq / vgic_sgi1r would leave, or
 * false with nothing changed whenever the general path is needed. */
static void test_lr_fast(void)
{
	struct vgic_irq before;
	u64 lr;

	setup(2);
	/* Disabled: the general path, nothing touched. */
	before = cpus[0].priv[27];
	CHECK(!vgic_lr_fast(&g, 0, 27, VGIC_IRQ_HW, 0));
	CHECK(memcmp(&before, &cpus[0].priv[27], sizeof(before)) == 0);
	rw(0, 0x10100, 4, 1U << 27);
	CHECK(!vgic_lr_fast(&g, 0, 27, VGIC_IRQ_HW, 0)); /* distributor Group 1 off */
	CHECK_EQ(fake_lr_valid_count(), 0);
	enable(0, 27);
	CHECK(vgic_lr_fast(&g, 0, 27, VGIC_IRQ_HW, 0));
	lr = lr_of(0, 27);
	CHECK_EQ(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(lr & ICH_LR_HW);
	CHECK(!cpus[0].dirty);
	CHECK_EQ(lr_invariants(&g, 0), 0);
	CHECK_EQ(rr(0, 0x10200, 4), 1U << 27);
	/* Acknowledged but not deactivated: its LR is live, the general path merges. */
	CHECK_EQ(fake_guest_ack(), 27);
	before = cpus[0].priv[27];
	CHECK(!vgic_lr_fast(&g, 0, 27, VGIC_IRQ_HW, 0));
	CHECK(memcmp(&before, &cpus[0].priv[27], sizeof(before)) == 0);
	CHECK(fake_guest_eoi(27));
	/* Finished by the guest without an exit: the same LR again, the model agrees. */
	CHECK(vgic_lr_fast(&g, 0, 27, VGIC_IRQ_HW, 0));
	CHECK_EQ(fake_lr_valid_count(), 1);
	CHECK_EQ(lr_of(0, 27) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(lr_invariants(&g, 0), 0);
	CHECK_EQ(rr(0, 0x10200, 4), 1U << 27);
	CHECK_EQ(rr(0, 0x10300, 4), 0);
	CHECK(fake_guest_ack() == 27 && fake_guest_eoi(27));
	/* A refill due (another CPU marked it dirty and kicked): the general path. */
	cpus[0].dirty = true;
	CHECK(!vgic_lr_fast(&g, 0, 27, VGIC_IRQ_HW, 0));
	run(0);
	/* Self-SGIs fill the free LRs, with the sender recorded; the fifth finds none free
	 * and is left to the general path. */
	for (u32 s = 1; s <= 5; s++) {
		enable(0, s);
	}
	for (u32 s = 1; s <= 4; s++) {
		CHECK(vgic_lr_fast(&g, 0, s, 0, 1));
		CHECK_EQ(cpus[0].priv[s].sgi_src, 1);
		CHECK_EQ(lr_of(0, s) & (ICH_LR_STATE_MASK | ICH_LR_HW), ICH_LR_PENDING);
	}
	before = cpus[0].priv[5];
	CHECK(!vgic_lr_fast(&g, 0, 5, 0, 1));
	CHECK(memcmp(&before, &cpus[0].priv[5], sizeof(before)) == 0);
	CHECK_EQ(lr_invariants(&g, 0), 0);
	/* Through vgic_sgi1r the same SGI takes the general path and waits for an LR. */
	vgic_sgi1r(&g, 0, (5ULL << 24) | 1);
	CHECK(cpus[0].dirty);
	run(0);
	CHECK_EQ(lr_of(0, 5), 0);
	for (u32 s = 1; s <= 4; s++) {
		CHECK(fake_guest_ack() == s && fake_guest_eoi(s));
	}
	run(0);
	CHECK_EQ(lr_of(0, 5) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(fake_guest_ack() == 5 && fake_guest_eoi(5));
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	CHECK_EQ(lr_invariants(&g, 0), 0);
}

/* The MMIO fast paths: enable and priority writes go straight to the model without folding
 * the accessing vCPU's LRs, yet a change that matters still reaches the LRs, and the
 * pending/active registers still fold before they answer. */
static void test_mmio_fast_writes(void)
{
	setup(2);
	enable(0, 40); /* SPI 40 -> vCPU 0 */
	dw(0x400 + 40, 1, 0x80);
	vgic_raise(&g, 0, 40);
	run(0);
	CHECK_EQ(lr_of(0, 40) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(fake_guest_ack(), 40); /* the guest has it active: not folded yet */
	/* An idle interrupt's enable and priority: nothing for any CPU to do. */
	dw(0x104, 4, 1U << 9);
	dw(0x400 + 44, 4, 0x10203040);
	CHECK(!cpus[0].dirty);
	CHECK_EQ(dr(0x400 + 44, 4), 0x10203040);
	CHECK(dr(0x104, 4) & (1U << 9));
	CHECK(g.spi[8].flags & VGIC_IRQ_PENDING); /* the acknowledge is still in the LR */
	/* The active register folds first: it answers what the guest did. */
	CHECK(dr(0x304, 4) & (1U << 8));
	CHECK_EQ(dr(0x204, 4) & (1U << 8), 0);
	/* A priority write to the interrupt in the LR marks the vCPU; the flush rewrites it. */
	dw(0x400 + 40, 4, 0x60);
	CHECK(cpus[0].dirty);
	run(0);
	CHECK_EQ((lr_of(0, 40) >> ICH_LR_PRIO_SHIFT) & 0xff, 0x60);
	CHECK_EQ(lr_of(0, 40) & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
	CHECK(fake_guest_eoi(40));
	/* Disabling an SPI that is pending in an LR takes it out of the LR. */
	vgic_raise(&g, 0, 40);
	run(0);
	CHECK_EQ(lr_of(0, 40) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	dw(0x184, 4, 1U << 8);
	CHECK(cpus[0].dirty);
	run(0);
	CHECK_EQ(lr_of(0, 40) & ICH_LR_STATE_MASK, 0);
	CHECK(dr(0x204, 4) & (1U << 8)); /* still pending, waiting for the enable */
	CHECK_EQ(lr_invariants(&g, 0), 0);
}

static void test_reinit(void)
{
	setup(2);
	enable(0, 33);
	vgic_raise(&g, 0, 33);
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 1);
	vgic_vcpu_quiesce(&g, 0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	/* Still pending in the model: delivered again at the next entry. */
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 1);
	vgic_vcpu_quiesce(&g, 0);
	setup(2);
	CHECK_EQ(dr(0x104, 4), 0);
	CHECK_EQ(dr(0x204, 4), 0);
	run(0);
	CHECK_EQ(fake_lr_valid_count(), 0);
	/* Zero vCPUs: every access is harmless. */
	vgic_init(&g, cpus, 0, NULL);
	{
		u64 v = 1;

		CHECK(!vgic_redist_access(&g, 0, 0, 4, false, &v));
		CHECK(vgic_dist_access(&g, 0, 0x6100, 8, true, &v));
		CHECK(vgic_dist_access(&g, 0, 0x104, 4, true, &v));
		vgic_assign_hw_spi(&g, 40);
		vgic_raise(&g, 0, 40);
		vgic_sgi1r(&g, 0, BIT(40));
	}
}

/* A channel doorbell: an SPI posted from another CPU without the lock (vgic_raise_spi),
 * a latched pending on a level-sensitive SPI with its line low. */
static void test_posted_doorbell(void)
{
	u64 lr;

	setup(2);
	enable(0, 40);
	dw(0x6000 + 8 * 40, 8, 1); /* IROUTER40: vCPU 1 */
	fake_cpu = 3;		   /* a CPU running no vCPU of this VM: the notifier's */
	fake_kick_count = 0;
	vgic_raise_spi(&g, 40);
	CHECK_EQ(fake_kicks_to(PCPU(1)), 1);
	CHECK_EQ(fake_kick_count, 1);
	CHECK(cpus[1].dirty);
	/* Not an SPI: ignored, nobody kicked. */
	vgic_raise_spi(&g, 20);
	vgic_raise_spi(&g, 31);
	vgic_raise_spi(&g, 32 + VGIC_MAX_SPIS);
	vgic_raise_spi(&g, 0xffffffff);
	CHECK_EQ(fake_kick_count, 1);
	/* vCPU 1's entry puts it in an LR; latched with the line low: no EOI maintenance. */
	run(1);
	fake_cpu = PCPU(1);
	lr = lr_of(1, 40);
	CHECK_EQ(lr & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK(!(lr & ICH_LR_EOI));
	CHECK_EQ(fake_lr_valid_count(), 1);
	CHECK_EQ(fake_guest_ack(), 40);
	CHECK(fake_guest_eoi(40));
	CHECK_EQ(arch_gic_misr(), 0); /* no exit for the guest's EOI */
	/* The next doorbell reuses the LR the guest finished with. */
	fake_cpu = 3;
	vgic_raise_spi(&g, 40);
	run(1);
	fake_cpu = PCPU(1);
	CHECK_EQ(lr_of(1, 40) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(fake_lr_valid_count(), 1);
	/* A doorbell while the guest handles the previous one: the LR becomes active with
	 * an EOI maintenance request, whose fold delivers the new one. */
	CHECK_EQ(fake_guest_ack(), 40);
	fake_cpu = 3;
	vgic_raise_spi(&g, 40);
	run(1);
	fake_cpu = PCPU(1);
	lr = lr_of(1, 40);
	CHECK_EQ(lr & ICH_LR_STATE_MASK, ICH_LR_ACTIVE);
	CHECK(lr & ICH_LR_EOI);
	CHECK(fake_guest_eoi(40));
	CHECK(arch_gic_misr() & 1);
	vgic_maintenance(&g, 1);
	CHECK_EQ(arch_gic_eisr(), 0); /* folded at once: the maintenance line drops */
	CHECK_EQ(arch_gic_misr() & 1, 0);
	run(1);
	CHECK_EQ(lr_of(1, 40) & ICH_LR_STATE_MASK, ICH_LR_PENDING);
	CHECK_EQ(fake_guest_ack(), 40);
	CHECK(fake_guest_eoi(40));
	CHECK_EQ(fake_guest_ack(), 1023); /* exactly one per doorbell */
	/* Posted to vCPU 1 while the guest re-routes SPI 40 to vCPU 0: the re-route drains
	 * the post and hands it to the new target, which is kicked. */
	fake_cpu = 3;
	vgic_raise_spi(&g, 40);
	fake_kick_count = 0;
	fake_cpu = PCPU(0);
	dw(0x6000 + 8 * 40, 8, 0);
	CHECK(dr(0x204, 4) & (1U << 8)); /* in the model now */
	CHECK(cpus[0].dirty);
	run(1); /* gives up the LR it still had SPI 40 in (lazy fold) */
	run(0);
	CHECK_EQ(fake_guest_ack(), 40); /* on vCPU 0's CPU */
	CHECK(fake_guest_eoi(40));
	run(0);
	dw(0x6000 + 8 * 40, 8, 1);
	CHECK_EQ(fake_lr_valid_count(), 0);
	/* Posted and drained by the target's entry. */
	fake_cpu = 3;
	vgic_raise_spi(&g, 40);
	run(1);
	fake_cpu = PCPU(1);
	CHECK_EQ(fake_guest_ack(), 40);
	CHECK(fake_guest_eoi(40));
	/* Disabled: posted and latched, not delivered until enabled. */
	dw(0x184, 4, 1U << 8); /* ICENABLER1 */
	fake_cpu = 3;
	vgic_raise_spi(&g, 40);
	run(1);
	fake_cpu = PCPU(1);
	CHECK_EQ(fake_guest_ack(), 1023);
	CHECK(dr(0x204, 4) & (1U << 8));
	dw(0x104, 4, 1U << 8);
	run(1);
	CHECK_EQ(fake_guest_ack(), 40);
	CHECK(fake_guest_eoi(40));
}

int main(void)
{
	RUN(test_reset_values);
	RUN(test_set_clear);
	RUN(test_priority);
	RUN(test_irouter_and_kick);
	RUN(test_sgi);
	RUN(test_lr_order_and_overflow);
	RUN(test_fast_paths);
	RUN(test_level_repend);
	RUN(test_hw);
	RUN(test_hostile);
	RUN(test_reinit);
	RUN(test_direct_and_lazy);
	RUN(test_lr_fast);
	RUN(test_mmio_fast_writes);
	RUN(test_posted_doorbell);
	CHECK_MAIN_END();
}
