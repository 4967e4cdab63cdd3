/* SPDX-License-Identifier: MIT */
/*
 * Boot: CPU 0 reads the platform DTB, turns on the EL2 MMU, sets up the GIC,
 * validates the configuration from the system image and creates every VM
 * before any guest runs (nothing boots half-configured), then starts the CPUs
 * that have work with PSCI CPU_ON. Secondaries join with their own MMU and GIC
 * set-up and go straight to their vCPU: no boot-time barrier.
 */
#include "sched_loop.h"
#include "arch_cpu.h"
#include "abi.h"
#include "bootprof.h"
#include "console.h"
#include "gicv3.h"
#include "layout.h"
#include "lib.h"
#include "measure.h"
#include "mem.h"
#include "mgmt.h"
#include "pack.h"
#include "pl011.h"
#include "platform.h"
#include "rollback.h"
#include "sysreg.h"
#include "update.h"
#include "vboot.h"
#include "vgic.h"
#include "vm.h"

extern char secondary_entry[];
extern char __hyp_start[], __hyp_end[];
/* The hypervisor's code and constants as loaded (tessera.ld): what measured boot hashes. */
extern const u8 __rodata_end[], __init_start[], __init_rodata_end[];

struct cpu cpus[CONFIG_MAX_PCPUS];
struct platform system_platform;
struct config system_config;

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
	c->mpidr = sysreg_read(mpidr_el1) & 0xff00ffffffULL;
	sysreg_write(tpidr_el2, (u64)(uintptr_t)c);
	el2_traps_init();
}

static __attribute__((noreturn)) void halt(void)
{
	console_log(LOG_ERROR, "boot stopped: nothing was started\n");
	arch_system_off();
}

static void start_secondaries(void)
{
	for (u32 i = 1; i < system_platform.cpu_count; i++) {
		s64 r;

		if (!cpu_has_work(&cpus[i])) {
			continue; /* no work for this CPU: leave it powered off */
		}
		r = fw_psci(PSCI_CPU_ON_64, system_platform.cpu_mpidr[i] & 0xff00ffffffULL,
			    (u64)(uintptr_t)secondary_entry, i);
		if (r != 0) {
			console_log(LOG_ERROR, "CPU %u did not start (PSCI %d)\n", i, (int)r);
		}
	}
}

static BOOT_ONLY void primary_boot(u64 stack_top)
{
	const void *dtb = (const void *)(uintptr_t)LAYOUT_PLATFORM_DTB;
	const void *pack = (const void *)(uintptr_t)LAYOUT_PACK_BASE;
	struct config_error err;
	const char *why = NULL;

	bootprof_lap(BOOTPROF_EARLY);
	pl011_init(GUEST_UART_BASE); /* QEMU virt default until the DTB says otherwise */
	if (platform_from_dtb(dtb, SZ_2M, &system_platform, &why) != 0) {
		console_log(LOG_ERROR, "platform DTB at 0x%llx: %s\n",
			    (unsigned long long)LAYOUT_PLATFORM_DTB, why);
		halt();
	}
	pl011_init(system_platform.uart_base);
	console_init();
	hyplog_set_uart_level((enum log_level)system_platform.log_level);
	bootprof_lap(BOOTPROF_PLATFORM);
	mmu_build(&system_platform);
	cpu_local_init(0, stack_top);
	mmu_enable();
	bootprof_lap(BOOTPROF_MMU);
	mem_init();
	bootprof_lap(BOOTPROF_POOL);
	gic_init(system_platform.gicd_base, system_platform.gicr_base, system_platform.gicr_size);
	/* Pass-through IRQs must also fit the vGIC model (SPIs up to 32 + VGIC_MAX_SPIS). */
	system_platform.spi_limit = MIN(gic_spi_limit(), 32U + VGIC_MAX_SPIS);
	if (gic_cpu_init(0, cpus[0].mpidr) != 0) {
		console_log(LOG_ERROR, "no GIC redistributor for CPU 0\n");
		halt();
	}
	bootprof_lap(BOOTPROF_GIC);
	if (pack_check(pack,
		       platform_ram_end(&system_platform, LAYOUT_PACK_BASE) - LAYOUT_PACK_BASE,
		       &why) != 0) {
		console_log(LOG_ERROR, "system image at 0x%llx: %s\n",
			    (unsigned long long)LAYOUT_PACK_BASE, why);
		halt();
	}
	/* Verified boot: before the config is parsed or anything is copied (measure.h), with
	 * the anti-rollback counter's flash store if the board has one (rollback.h). */
#if TESSERA_VBOOT
	if (vboot_trusted_key_count) {
		platform_find_flash(dtb, SZ_2M, &system_platform);
		rollback_init(&system_platform);
		update_init(&system_platform, vboot_trusted_keys, vboot_trusted_key_count);
	}
#endif
	if (measure_boot(pack, vboot_trusted_keys, vboot_trusted_key_count, vboot_measured_boot,
			 (const u8 *)__hyp_start, __rodata_end, __init_start,
			 __init_rodata_end) != 0) {
		halt();
	}
	bootprof_lap(BOOTPROF_PACK);
	system_platform.hyp_end =
	    ALIGN_UP(LAYOUT_PACK_BASE + ((const struct pack_header *)pack)->total_size, SZ_2M);
	/* Named as the config checker names it (layout.h), once its end is known. */
	console_printf(
	    "Tessera hypervisor, %u CPUs, %llu MiB RAM, hypervisor range 0x%llx..0x%llx "
	    "(" LAYOUT_HYP_RANGE_HOLDS "), hypervisor image 0x%llx..0x%llx\n",
	    system_platform.cpu_count, (unsigned long long)(system_platform.ram[0].size >> 20),
	    (unsigned long long)system_platform.hyp_base,
	    (unsigned long long)system_platform.hyp_end, (unsigned long long)(uintptr_t)__hyp_start,
	    (unsigned long long)(uintptr_t)__hyp_end);
	bootprof_lap(BOOTPROF_PRINT);
	if (vm_create_all(pack, &err) != 0) {
		char msg[256];

		config_format_error(msg, sizeof(msg),
				    ((const struct pack_header *)pack)->config_name, &err);
		console_log(LOG_ERROR, "config error: %s\n", msg);
		halt();
	}
	/* Console input: the UART's SPI goes to CPU 0, which owns the multiplexer. */
	if (system_platform.uart_intid >= 32) {
		gic_irq_config_edge(system_platform.uart_intid, false);
		arch_gic_irq_route(system_platform.uart_intid, 0);
		arch_gic_irq_enable(system_platform.uart_intid, true);
		pl011_rx_irq_enable(true);
	}
	/* Management channel (docs/MANAGEMENT.md): before any VM runs, so none can stop first. */
	mgmt_init(&system_platform);
	start_secondaries();
	bootprof_lap(BOOTPROF_START);
	if (system_platform.verbose) {
		bootprof_print();
	}
}

void setup_cpu_main(u32 idx, u64 stack_top);
void setup_cpu_main(u32 idx, u64 stack_top)
{
	if (idx == 0) {
		primary_boot(stack_top);
		mem_release_init(); /* boot is over: .init.* (tessera.ld) goes to the page pool */
	} else {
		cpu_local_init(idx, stack_top);
		mmu_enable();
		if (gic_cpu_init(idx, cpus[idx].mpidr) != 0) {
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
