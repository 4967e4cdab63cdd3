/* SPDX-License-Identifier: MIT */
/*
 * The Arm side of boot: each CPU's entry from boot.S (setup_cpu_main), the EL2 MMU and
 * traps, the boot hooks core/boot.c's sequence calls (arch.h: UART, MMU, GIC, CPU_ON by
 * firmware PSCI), and power-off/reset. CPU 0 runs the sequence (primary_boot); the CPUs it
 * starts join with their own MMU and GIC set-up and go straight to their vCPU: no
 * boot-time barrier.
 */
#include "sched_loop.h"
#include "arch_cpu.h"
#include "abi.h"
#include "fw_abi.h"
#include "boot.h"
#include "console.h"
#include "gicv3.h"
#include "layout.h"
#include "lib.h"
#include "mem.h"
#include "pl011.h"
#include "sysreg.h"
#include "vgic.h"
#include "vm.h"

extern char secondary_entry[];

/* EL2 stage-1 tables: level 1 covers 512 GiB with 1 GiB blocks (39-bit VA, 4 KiB granule). */
static u64 el2_l1[512] __attribute__((aligned(4096)));

#define MAIR_DEVICE_IDX 0
#define MAIR_NORMAL_IDX 1
#define MAIR_VALUE	(0x04ULL | (0xffULL << 8))
#define PTE_BLOCK	0x1ULL
#define PTE_AF		BIT(10)
#define PTE_SH_INNER	(3ULL << 8)
#define PTE_XN		BIT(54)

void mmu_build(const struct platform *plat)
{
	/* The first GiB holds the platform's devices (GIC, UART, flash): Device-nGnRE. */
	el2_l1[0] = PTE_BLOCK | PTE_AF | PTE_XN; /* AttrIndx 0: MAIR_DEVICE_IDX */
	for (u32 r = 0; r < plat->ram_count; r++) {
		u64 first = plat->ram[r].base / SZ_1G;
		u64 last = (plat->ram[r].base + plat->ram[r].size - 1) / SZ_1G;

		for (u64 g = first; g <= last && g < 512; g++) {
			el2_l1[g] = (g * SZ_1G) | PTE_BLOCK | PTE_AF | PTE_SH_INNER |
				    (MAIR_NORMAL_IDX << 2);
		}
	}
	dsb(ish);
}

void mmu_enable(void)
{
	u64 ps = sysreg_read(id_aa64mmfr0_el1) & 0x7;
	/* TCR_EL2: T0SZ = 25, IRGN0/ORGN0 = WBWA, SH0 = inner, TG0 = 4K, PS, RES1 bits 31, 23. */
	u64 tcr = 25 | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | (ps << 16) | BIT(23) | BIT(31);

	sysreg_write(mair_el2, MAIR_VALUE);
	sysreg_write(tcr_el2, tcr);
	sysreg_write(ttbr0_el2, (u64)(uintptr_t)el2_l1);
	isb();
	__asm__ volatile("tlbi alle2\n dsb ish\n isb" ::: "memory");
	/* SCTLR_EL2: RES1 bits, M, C, SA, I. */
	sysreg_write(sctlr_el2, 0x30c50830ULL | BIT(0) | BIT(2) | BIT(3) | BIT(12));
	isb();
}

s64 fw_psci(u64 fid, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fid;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (s64)x0;
}

void arch_system_off(void)
{
	fw_psci(PSCI_SYSTEM_OFF, 0, 0, 0);
	for (;;) {
		wfi();
	}
}

u32 arch_cpu_current(void)
{
	return cpu_this()->id;
}

struct cpu *cpu_this(void)
{
	return (struct cpu *)sysreg_read(tpidr_el2);
}

static void el2_traps_init(void)
{
	/* Lower ELs are AArch64; no VHE. Per-VM HCR is set on entry (vm_arch). */
	sysreg_write(cptr_el2, 0x33ffULL | BIT(30)); /* TZ (SVE), TSM (SME), TAM; FP not trapped */
	/* EL1PCTEN, EL1PCEN: the EL1 physical counter and timer are the guest's (its vCPU owns
	 * this CPU); the timer's PPI 30 is forwarded like the virtual timer's. */
	sysreg_write(cnthctl_el2, BIT(0) | BIT(1));
	sysreg_write(cntvoff_el2, 0);
	/* MDCR_EL2: trap PMU accesses (TPM, TPMCR; the PMU is not given to guests); keep HPMN.
	 * Self-hosted debug registers are not trapped (TDA, TDOSA, TDRA clear): the vCPU owns
	 * this CPU, its breakpoints, watchpoints and step state are reset with it (vcpu.c), and
	 * with TDE clear debug exceptions target EL1 only, never EL2. */
	sysreg_write(mdcr_el2, (sysreg_read(pmcr_el0) >> 11 & 0x1f) | BIT(5) | BIT(6));
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	isb();
}

static void cpu_local_init(u32 idx, u64 stack_top)
{
	struct cpu *c = &cpus[idx];

	c->id = idx;
	c->stack_top = stack_top;
	c->hwid = sysreg_read(mpidr_el1) & 0xff00ffffffULL;
	sysreg_write(tpidr_el2, (u64)(uintptr_t)c);
	el2_traps_init();
}

/* arch.h, boot hooks: the Arm steps of core/boot.c's sequence. */
BOOT_ONLY void arch_boot_uart(const struct platform *plat)
{
	pl011_init(plat ? plat->uart_base : GUEST_UART_BASE); /* QEMU virt's until the DTB */
}

BOOT_ONLY void arch_boot_mmu(const struct platform *plat, u64 stack_top)
{
	mmu_build(plat);
	cpu_local_init(0, stack_top);
	mmu_enable();
}

BOOT_ONLY int arch_boot_irq(struct platform *plat, const char **why)
{
	/* The distributor and the first redistributor region: arch_platform_irqchip reads them
	 * first. */
	gic_init(plat->irqchip[0].base, plat->irqchip[1].base, plat->irqchip[1].size);
	/* Pass-through IRQs must also fit the vGIC model (SPIs up to 32 + VGIC_MAX_SPIS). */
	plat->intid_limit = MIN(gic_spi_limit(), 32U + VGIC_MAX_SPIS);
	if (gic_cpu_init(0, cpus[0].hwid) != 0) {
		*why = "no GIC redistributor for CPU 0";
		return -1;
	}
	return 0;
}

BOOT_ONLY void arch_boot_console_irq(const struct platform *plat)
{
	if (plat->uart_intid >= 32) { /* an SPI */
		gic_irq_config_edge(plat->uart_intid, false);
		arch_gic_irq_route(plat->uart_intid, 0);
		arch_gic_irq_enable(plat->uart_intid, true);
		pl011_rx_irq_enable(true);
	}
}

BOOT_ONLY int arch_boot_cpu_start(u32 idx, const char **why)
{
	static char msg[24];
	s64 r = fw_psci(PSCI_CPU_ON_64, system_platform.cpu_hwid[idx] & 0xff00ffffffULL,
			(u64)(uintptr_t)secondary_entry, idx);

	if (r != 0) {
		fmt_snprintf(msg, sizeof(msg), "PSCI %d", (int)r);
		*why = msg;
		return -1;
	}
	return 0;
}

void setup_cpu_main(u32 idx, u64 stack_top);
void setup_cpu_main(u32 idx, u64 stack_top)
{
	if (idx == 0) {
		primary_boot(stack_top); /* core/boot.c */
		mem_release_init(); /* boot is over: .init.* (tessera.ld) goes to the page pool */
	} else {
		cpu_local_init(idx, stack_top);
		mmu_enable();
		if (gic_cpu_init(idx, cpus[idx].hwid) != 0) {
			console_log(LOG_ERROR, "CPU %u: no GIC redistributor\n", idx);
			for (;;) {
				wfi();
			}
		}
	}
	sched_run();
}

void arch_machine_reset(void)
{
	fw_psci(PSCI_SYSTEM_RESET, 0, 0, 0);
	arch_system_off();
}
