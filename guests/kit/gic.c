/* SPDX-License-Identifier: MIT */
/*
 * GICv3 driver (IHI0069): distributor with affinity routing, this CPU's
 * redistributor, and the ICC_* system-register CPU interface. Every interrupt
 * is Group 1 at one priority; EOImode 0 (EOIR both drops and deactivates).
 */
#include "kit.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ISPENDR	0x0200
#define GICD_ICPENDR	0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_IROUTER	0x6000
#define GICD_CTLR_RWP	BIT(31)
#define GICD_CTLR_ARE	BIT(4) /* ARE (single security state) or ARE_NS */
#define GICD_CTLR_GRP1	BIT(1) /* EnableGrp1 or EnableGrp1A */

#define GICR_TYPER	   0x0008
#define GICR_WAKER	   0x0014
#define GICR_SGI	   0x10000 /* SGI_base frame */
#define GICR_TYPER_LAST	   BIT(4)
#define WAKER_SLEEP	   BIT(1)
#define WAKER_CHILDREN	   BIT(2)
#define GICR_MAX_FRAMES	   KIT_MAX_CPUS
#define PRIO_DEFAULT	   0xa0U
#define PRIO_WORD	   (PRIO_DEFAULT * 0x01010101U)
#define INTID_SPURIOUS_MIN 1020U

static kit_irq_fn handlers[KIT_MAX_INTID];
static u64 rd_base[KIT_MAX_CPUS];

u32 gic_nr_lines(void)
{
	u32 lines = 32 * ((mmio_read32(GUEST_GICD_BASE + GICD_TYPER) & 0x1f) + 1);
	return MIN(lines, 1020U);
}

static void gicd_wait_rwp(void)
{
	while (mmio_read32(GUEST_GICD_BASE + GICD_CTLR) & GICD_CTLR_RWP)
		;
}

void gic_init_dist(void)
{
	u32 lines = gic_nr_lines();

	mmio_write32(GUEST_GICD_BASE + GICD_CTLR, 0);
	gicd_wait_rwp();
	/* 12.9.4: set ARE before enabling the group, in a separate write. */
	mmio_write32(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE);
	gicd_wait_rwp();
	for (u32 i = 32; i < lines; i += 32) {
		mmio_write32(GUEST_GICD_BASE + GICD_ICENABLER + i / 8, ~0U);
		mmio_write32(GUEST_GICD_BASE + GICD_ICPENDR + i / 8, ~0U);
		mmio_write32(GUEST_GICD_BASE + GICD_IGROUPR + i / 8, ~0U);
	}
	for (u32 i = 32; i < lines; i += 4)
		mmio_write32(GUEST_GICD_BASE + GICD_IPRIORITYR + i, PRIO_WORD);
	gicd_wait_rwp();
	mmio_write32(GUEST_GICD_BASE + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	gicd_wait_rwp();
}

/* Finds this CPU's redistributor by GICR_TYPER.Affinity_Value (12.11.37), else by index.
 * Probe reads: a frame past the last one may abort rather than read as zero. */
static u64 gicr_find(void)
{
	u64 mpidr = sysreg_read(mpidr_el1);
	u32 aff = (u32)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000));

	for (u32 i = 0; i < GICR_MAX_FRAMES; i++) {
		u64 base = GUEST_GICR_BASE + i * GUEST_GICR_STRIDE;
		u32 lo, hi;
		if (!kit_probe_read(base + GICR_TYPER, &lo, NULL) ||
		    !kit_probe_read(base + GICR_TYPER + 4, &hi, NULL))
			break;
		if (hi == aff)
			return base;
		if (lo & GICR_TYPER_LAST)
			break;
	}
	return GUEST_GICR_BASE + kit_cpu_id() * GUEST_GICR_STRIDE;
}

void gic_init_cpu(void)
{
	u32 cpu = kit_cpu_id();
	u64 rd = gicr_find();
	rd_base[cpu] = rd;

	/* 12.11.44: wake the redistributor and wait until its interface is awake. */
	mmio_write32(rd + GICR_WAKER, mmio_read32(rd + GICR_WAKER) & ~WAKER_SLEEP);
	while (mmio_read32(rd + GICR_WAKER) & WAKER_CHILDREN)
		;
	mmio_write32(rd + GICR_SGI + GICD_ICENABLER, ~0U);
	mmio_write32(rd + GICR_SGI + GICD_ICPENDR, ~0U);
	mmio_write32(rd + GICR_SGI + GICD_IGROUPR, ~0U);
	for (u32 i = 0; i < 32; i += 4)
		mmio_write32(rd + GICR_SGI + GICD_IPRIORITYR + i, PRIO_WORD);

	/* ICC_SRE_EL1.SRE: system-register interface (may be RAO/WI). */
	sysreg_write(S3_0_C12_C12_5, sysreg_read(S3_0_C12_C12_5) | 1);
	isb();
	sysreg_write(S3_0_C4_C6_0, 0xff); /* ICC_PMR_EL1: unmask all priorities */
	sysreg_write(S3_0_C12_C12_3, 0);  /* ICC_BPR1_EL1 */
	sysreg_write(S3_0_C12_C12_4, 0);  /* ICC_CTLR_EL1: EOImode 0 */
	sysreg_write(S3_0_C12_C12_7, 1);  /* ICC_IGRPEN1_EL1 */
	isb();
}

void gic_set_handler(u32 intid, kit_irq_fn fn)
{
	if (intid < KIT_MAX_INTID)
		handlers[intid] = fn;
}

/* One bit per INTID in the register bank at off: private INTIDs live in this CPU's
 * redistributor once affinity routing is on (12.9.1). */
static void gic_bit_write(u32 off, u32 intid)
{
	if (intid < 32)
		mmio_write32(rd_base[kit_cpu_id()] + GICR_SGI + off, 1U << intid);
	else if (intid < 1020)
		mmio_write32(GUEST_GICD_BASE + off + (intid / 32) * 4, 1U << (intid % 32));
}

void gic_enable(u32 intid)
{
	gic_bit_write(GICD_ISENABLER, intid);
}

void gic_disable(u32 intid)
{
	gic_bit_write(GICD_ICENABLER, intid);
}

void gic_set_pending(u32 intid)
{
	gic_bit_write(GICD_ISPENDR, intid);
}

void gic_clear_pending(u32 intid)
{
	gic_bit_write(GICD_ICPENDR, intid);
}

void gic_route_spi(u32 intid, u32 cpu)
{
	if (intid >= 32 && intid < 1020)
		mmio_write64(GUEST_GICD_BASE + GICD_IROUTER + 8ULL * intid, cpu & 0xff);
}

void gic_send_sgi(u32 intid, u32 cpu)
{
	/* ICC_SGI1R_EL1 (12.2.22): INTID[27:24], Aff1[23:16], TargetList[15:0] (Aff0 bits). */
	u64 v = ((u64)(intid & 0xf) << 24) | ((u64)(cpu >> 4) << 16) | (1ULL << (cpu & 0xf));
	dsb_sy(); /* make prior stores visible to the target before it is interrupted */
	sysreg_write(S3_0_C12_C11_5, v);
	isb();
}

void kit_irq_dispatch(void)
{
	for (;;) {
		u64 iar = sysreg_read(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
		u32 intid = (u32)(iar & 0xffffff);
		if (intid >= INTID_SPURIOUS_MIN)
			break;
		if (intid < KIT_MAX_INTID && handlers[intid])
			handlers[intid](intid);
		else
			kit_printf("KIT: unexpected interrupt %u on cpu %u\n", intid, kit_cpu_id());
		sysreg_write(S3_0_C12_C12_1, iar); /* ICC_EOIR1_EL1 */
	}
}
