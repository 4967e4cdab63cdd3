/* SPDX-License-Identifier: MIT */
/*
 * Physical GICv3: distributor and redistributor set-up, the EL2 CPU interface
 * and the virtual interface registers (ICH_*) behind src/include/arch.h.
 * All interrupts are Group 1 non-secure; EOImode = 1 so that priority drop and
 * deactivation are separate: HW-linked virtual interrupts (timer, pass-through
 * SPIs) are deactivated by the guest through its list register.
 */
#include "gicv3.h"
#include "arch.h"
#include "config.h"
#include "layout.h"
#include "lib.h"
#include "sysreg.h"

#define GICD_CTLR	0x0000
#define GICD_TYPER	0x0004
#define GICD_IGROUPR	0x0080
#define GICD_ISENABLER	0x0100
#define GICD_ICENABLER	0x0180
#define GICD_ICPENDR	0x0280
#define GICD_ICACTIVER	0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR	0x0c00
#define GICD_IROUTER	0x6100
#define GICD_CTLR_RWP	BIT(31)
#define GICD_CTLR_ARE	BIT(4)
#define GICD_CTLR_GRP1	BIT(1)
#define GICD_CTLR_GRP0	BIT(0) /* DS = 1 layout: EnableGrp0 */

#define GICR_TYPER	 0x0008
#define GICR_WAKER	 0x0014
#define GICR_SGI	 0x10000
#define GICR_IGROUPR0	 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0	 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0	 (GICR_SGI + 0x0180)
#define GICR_ISPENDR0	 (GICR_SGI + 0x0200)
#define GICR_ICACTIVER0	 (GICR_SGI + 0x0380)
#define GICR_ISACTIVER0	 (GICR_SGI + 0x0300)
#define GICR_IPRIORITYR0 (GICR_SGI + 0x0400)
#define GICR_TYPER_LAST	 BIT(4)
#define GICR_TYPER_VLPIS BIT(1)

#define PRIO_DEFAULT 0xa0

static paddr_t gicd;
static paddr_t gicr_of[CONFIG_MAX_PCPUS];
static u64 mpidr_of[CONFIG_MAX_PCPUS];
/* ICC_SGI1R_EL1 value that sends SGI 0 to each CPU (0: not up, or not addressable by a
 * TargetList); computed once at gic_cpu_init, so a kick is one load and one write (here and
 * in vectors.S's cross-vCPU SGI path). */
u64 gic_kick_sgi[CONFIG_MAX_PCPUS];
static paddr_t gicr_region;
static u64 gicr_region_size;
static u32 spi_limit;
static u32 lr_count;

static inline u32 rd32(paddr_t a)
{
	return *(volatile u32 *)a;
}

static inline void wr32(paddr_t a, u32 v)
{
	*(volatile u32 *)a = v;
}

static inline u64 rd64(paddr_t a)
{
	return *(volatile u64 *)a;
}

static inline void wr64(paddr_t a, u64 v)
{
	*(volatile u64 *)a = v;
}

static void gicd_wait_rwp(void)
{
	while (rd32(gicd + GICD_CTLR) & GICD_CTLR_RWP) {
	}
}

BOOT_ONLY void gic_init(paddr_t d, paddr_t r, u64 r_size)
{
	u32 lines;

	gicd = d;
	gicr_region = r;
	gicr_region_size = r_size;
	wr32(gicd + GICD_CTLR, 0);
	gicd_wait_rwp();
	lines = ((rd32(gicd + GICD_TYPER) & 0x1f) + 1) * 32;
	spi_limit = MIN(lines, 1020U);
	for (u32 i = 32; i < spi_limit; i += 32) {
		wr32(gicd + GICD_ICENABLER + i / 8, 0xffffffff);
		wr32(gicd + GICD_ICPENDR + i / 8, 0xffffffff);
		wr32(gicd + GICD_ICACTIVER + i / 8, 0xffffffff);
		wr32(gicd + GICD_IGROUPR + i / 8, 0xffffffff);
	}
	for (u32 i = 32; i < spi_limit; i += 4) {
		wr32(gicd + GICD_IPRIORITYR + i, 0xa0a0a0a0);
	}
	gicd_wait_rwp();
	/* Group 0 is enabled too: a direct-interrupts CPU takes the hypervisor's own
	 * interrupts as Group 0 (FIQ); no interrupt is Group 0 anywhere else. */
	wr32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 | GICD_CTLR_GRP0);
	gicd_wait_rwp();
}

static paddr_t gicr_find(u64 mpidr)
{
	u64 aff = ((mpidr >> 8) & 0xff000000ULL) | (mpidr & 0xffffffULL);
	paddr_t p = gicr_region;

	while (p + 0x20000 <= gicr_region + gicr_region_size) {
		u64 typer = rd64(p + GICR_TYPER);

		if ((typer >> 32) == aff) {
			return p;
		}
		if (typer & GICR_TYPER_LAST) {
			break;
		}
		p += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
	}
	return 0;
}

int gic_cpu_init(u32 cpu, u64 mpidr)
{
	paddr_t rd = gicr_find(mpidr);

	if (!rd || cpu >= CONFIG_MAX_PCPUS) {
		return -1;
	}
	gicr_of[cpu] = rd;
	mpidr_of[cpu] = mpidr;
	/* ICC_SGI1R_EL1 (12.2.23): Aff3 [55:48], Aff2 [39:32], INTID [27:24] (INTID_HYP_IPI =
	 * 0), Aff1 [23:16], TargetList [15:0] (Aff0 must be below 16). */
	gic_kick_sgi[cpu] = (mpidr & 0xf0)
				? 0
				: ((mpidr >> 32 & 0xff) << 48) | ((mpidr >> 16 & 0xff) << 32) |
				      ((mpidr >> 8 & 0xff) << 16) | (1ULL << (mpidr & 0xf));
	wr32(rd + GICR_WAKER, rd32(rd + GICR_WAKER) & ~2U);
	while (rd32(rd + GICR_WAKER) & 4U) {
	}
	wr32(rd + GICR_ICENABLER0, 0xffffffff);
	wr32(rd + GICR_ICACTIVER0, 0xffffffff);
	wr32(rd + GICR_IGROUPR0, 0xffffffff);
	for (u32 i = 0; i < 32; i += 4) {
		wr32(rd + GICR_IPRIORITYR0 + i, 0xa0a0a0a0);
	}
	/* The hypervisor IPI is urgent relative to guest work: higher priority. */
	wr32(rd + GICR_IPRIORITYR0, 0xa0a0a080);
	wr32(rd + GICR_ISENABLER0, BIT(INTID_HYP_IPI) | BIT(INTID_MAINT) | BIT(INTID_HYP_TIMER));
	/* The guest timers' PPIs (INTID_VTIMER, INTID_PTIMER) stay off until the vGIC model
	 * enables them (arch_gic_ppi_enable from vgic_vcpu_quiesce and the guest's writes). */

	/* ICC_SRE_EL2: SRE, and Enable so EL1 may use its system register interface. */
	sysreg_write(S3_4_C12_C9_5, 0xf);
	isb();
	sysreg_write(S3_0_C4_C6_0, 0xff);			  /* ICC_PMR_EL1 */
	sysreg_write(S3_0_C12_C12_3, 0);			  /* ICC_BPR1_EL1 */
	sysreg_write(S3_0_C12_C12_4, 2);			  /* ICC_CTLR_EL1: EOImode = 1 */
	sysreg_write(S3_0_C12_C12_7, 1);			  /* ICC_IGRPEN1_EL1 */
	sysreg_write(S3_0_C12_C12_6, 1);			  /* ICC_IGRPEN0_EL1 */
	lr_count = (u32)(sysreg_read(S3_4_C12_C11_1) & 0x1f) + 1; /* ICH_VTR_EL2.ListRegs */
	sysreg_write(S3_4_C12_C11_7, 0);			  /* ICH_VMCR_EL2 */
	for (u32 i = 0; i < lr_count; i++) {
		arch_gic_lr_write(i, 0);
	}
	sysreg_write(S3_4_C12_C11_0, ICH_HCR_EN); /* ICH_HCR_EL2 */
	isb();
	return 0;
}

u32 gic_ack(void)
{
	u32 v = (u32)sysreg_read(S3_0_C12_C12_0); /* ICC_IAR1_EL1 */
	__asm__ volatile("dsb sy" ::: "memory");
	return v & 0xffffff;
}

void gic_eoi(u32 intid)
{
	sysreg_write(S3_0_C12_C12_1, intid); /* ICC_EOIR1_EL1 */
}

void gic_deactivate(u32 intid)
{
	sysreg_write(S3_0_C12_C11_1, intid); /* ICC_DIR_EL1 */
	isb();
}

paddr_t gic_redist(u32 cpu)
{
	return cpu < CONFIG_MAX_PCPUS ? gicr_of[cpu] : 0;
}

u32 gic_spi_limit(void)
{
	return spi_limit;
}

void gic_irq_config_edge(u32 intid, bool edge)
{
	paddr_t reg = gicd + GICD_ICFGR + (intid / 16) * 4;
	u32 shift = (intid % 16) * 2 + 1;

	if (intid < 32 || intid >= spi_limit) {
		return;
	}
	wr32(reg, (rd32(reg) & ~(1U << shift)) | ((edge ? 1U : 0U) << shift));
}

/* ---- arch.h: virtual CPU interface ---- */

u32 arch_gic_lr_count(void)
{
	return lr_count;
}

u64 arch_gic_lr_read(u32 idx)
{
	u64 v = 0;

	switch (idx) {
	case 0:
		v = sysreg_read(S3_4_C12_C12_0);
		break;
	case 1:
		v = sysreg_read(S3_4_C12_C12_1);
		break;
	case 2:
		v = sysreg_read(S3_4_C12_C12_2);
		break;
	case 3:
		v = sysreg_read(S3_4_C12_C12_3);
		break;
	case 4:
		v = sysreg_read(S3_4_C12_C12_4);
		break;
	case 5:
		v = sysreg_read(S3_4_C12_C12_5);
		break;
	case 6:
		v = sysreg_read(S3_4_C12_C12_6);
		break;
	case 7:
		v = sysreg_read(S3_4_C12_C12_7);
		break;
	case 8:
		v = sysreg_read(S3_4_C12_C13_0);
		break;
	case 9:
		v = sysreg_read(S3_4_C12_C13_1);
		break;
	case 10:
		v = sysreg_read(S3_4_C12_C13_2);
		break;
	case 11:
		v = sysreg_read(S3_4_C12_C13_3);
		break;
	case 12:
		v = sysreg_read(S3_4_C12_C13_4);
		break;
	case 13:
		v = sysreg_read(S3_4_C12_C13_5);
		break;
	case 14:
		v = sysreg_read(S3_4_C12_C13_6);
		break;
	case 15:
		v = sysreg_read(S3_4_C12_C13_7);
		break;
	default:
		break;
	}
	return v;
}

void arch_gic_lr_write(u32 idx, u64 v)
{
	switch (idx) {
	case 0:
		sysreg_write(S3_4_C12_C12_0, v);
		break;
	case 1:
		sysreg_write(S3_4_C12_C12_1, v);
		break;
	case 2:
		sysreg_write(S3_4_C12_C12_2, v);
		break;
	case 3:
		sysreg_write(S3_4_C12_C12_3, v);
		break;
	case 4:
		sysreg_write(S3_4_C12_C12_4, v);
		break;
	case 5:
		sysreg_write(S3_4_C12_C12_5, v);
		break;
	case 6:
		sysreg_write(S3_4_C12_C12_6, v);
		break;
	case 7:
		sysreg_write(S3_4_C12_C12_7, v);
		break;
	case 8:
		sysreg_write(S3_4_C12_C13_0, v);
		break;
	case 9:
		sysreg_write(S3_4_C12_C13_1, v);
		break;
	case 10:
		sysreg_write(S3_4_C12_C13_2, v);
		break;
	case 11:
		sysreg_write(S3_4_C12_C13_3, v);
		break;
	case 12:
		sysreg_write(S3_4_C12_C13_4, v);
		break;
	case 13:
		sysreg_write(S3_4_C12_C13_5, v);
		break;
	case 14:
		sysreg_write(S3_4_C12_C13_6, v);
		break;
	case 15:
		sysreg_write(S3_4_C12_C13_7, v);
		break;
	default:
		break;
	}
}

u32 arch_gic_elrsr(void)
{
	return (u32)sysreg_read(S3_4_C12_C11_5); /* ICH_ELRSR_EL2 */
}

u32 arch_gic_eisr(void)
{
	return (u32)sysreg_read(S3_4_C12_C11_3); /* ICH_EISR_EL2 */
}

u32 arch_gic_misr(void)
{
	return (u32)sysreg_read(S3_4_C12_C11_2); /* ICH_MISR_EL2 */
}

u64 arch_gic_hcr_read(void)
{
	return sysreg_read(S3_4_C12_C11_0);
}

void arch_gic_hcr_write(u64 v)
{
	sysreg_write(S3_4_C12_C11_0, v);
}

/* ---- arch.h: physical controls for pass-through interrupts ---- */

void arch_gic_irq_enable(u32 intid, bool enable)
{
	if (intid < 32 || intid >= spi_limit) {
		return;
	}
	wr32(gicd + (enable ? GICD_ISENABLER : GICD_ICENABLER) + (intid / 32) * 4,
	     1U << (intid % 32));
}

void arch_gic_irq_route(u32 intid, u32 pcpu)
{
	u64 m;

	if (intid < 32 || intid >= spi_limit || pcpu >= CONFIG_MAX_PCPUS) {
		return;
	}
	m = mpidr_of[pcpu];
	wr64(gicd + GICD_IROUTER + 8ULL * intid, (m & 0xffffffULL) | ((m >> 32 & 0xff) << 32));
}

void arch_gic_irq_priority(u32 intid, u8 prio)
{
	if (intid < 32 || intid >= spi_limit) {
		return;
	}
	*(volatile u8 *)(gicd + GICD_IPRIORITYR + intid) = prio;
}

void arch_gic_irq_deactivate(u32 intid)
{
	u32 cpu = arch_cpu_current();

	if (intid < 32) {
		if (cpu < CONFIG_MAX_PCPUS && gicr_of[cpu]) {
			wr32(gicr_of[cpu] + GICR_ICACTIVER0, 1U << intid);
		}
		return;
	}
	if (intid < spi_limit) {
		wr32(gicd + GICD_ICACTIVER + (intid / 32) * 4, 1U << (intid % 32));
	}
}

void arch_gic_ppi_enable(u32 pcpu, u32 intid, bool enable)
{
	paddr_t rd = pcpu < CONFIG_MAX_PCPUS ? gicr_of[pcpu] : 0;

	if (!rd || intid < 16 || intid >= 32) {
		return;
	}
	wr32(rd + (enable ? GICR_ISENABLER0 : GICR_ICENABLER0), 1U << intid);
}

void arch_gic_ppi_enables(u32 pcpu, u32 on, u32 off)
{
	paddr_t rd = pcpu < CONFIG_MAX_PCPUS ? gicr_of[pcpu] : 0;
	const u32 ppis = 0xffff0000U;

	if (!rd) {
		return;
	}
	if (on & ppis) {
		wr32(rd + GICR_ISENABLER0, on & ppis);
	}
	if (off & ppis) {
		wr32(rd + GICR_ICENABLER0, off & ppis);
	}
}

bool arch_gic_ppi_pending(u32 pcpu, u32 intid)
{
	paddr_t rd = pcpu < CONFIG_MAX_PCPUS ? gicr_of[pcpu] : 0;

	return rd && intid < 32 && (rd32(rd + GICR_ISPENDR0) & (1U << intid));
}

void arch_cpu_kick(u32 pcpu)
{
	u64 sgi = pcpu < CONFIG_MAX_PCPUS ? gic_kick_sgi[pcpu] : 0;

	if (!sgi) {
		return;
	}
	/* The kicked CPU must see every store made before the kick (the request, the vGIC
	 * state, a dirty flag): complete them before the SGI is generated. No ISB after: the
	 * SGI needs no context synchronisation to be sent, and nothing here depends on it. */
	__asm__ volatile("dsb ish" ::: "memory");
	sysreg_write(S3_0_C12_C11_5, sgi);
}
_Static_assert(INTID_HYP_IPI == 0, "arch_cpu_kick encodes SGI 0");

/* ---- vCPU switch on a shared CPU (vcpu_switch.c) ---- */

u32 gic_ppi_active_take(u32 mask)
{
	paddr_t rd = gicr_of[arch_cpu_current()];
	u32 act = rd32(rd + GICR_ISACTIVER0) & mask;

	if (act) {
		wr32(rd + GICR_ICACTIVER0, act);
	}
	return act;
}

void gic_ppi_active_give(u32 mask)
{
	if (mask) {
		wr32(gicr_of[arch_cpu_current()] + GICR_ISACTIVER0, mask);
	}
}

bool gic_irq_pending(void)
{
	/* ICC_HPPIR1_EL1 (12.2.12): the highest-priority pending Group 1 interrupt, 1023 if none.
	 */
	return ((u32)sysreg_read(S3_0_C12_C12_2) & 0xffffff) < 1020;
}
