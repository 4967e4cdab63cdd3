/* SPDX-License-Identifier: MIT */
/*
 * Boot, the architecture-neutral sequence (boot.h). CPU 0 reads the platform DTB, turns on
 * its MMU, sets up the interrupt controller, checks the system image (and verifies it when
 * keys are built in), validates the configuration and creates every VM before any guest
 * runs (nothing boots half-configured), then starts the CPUs that have work. The steps that
 * are the architecture's are the arch_boot_* hooks of arch.h (AArch64:
 * src/arch/aarch64/setup.c). Boot-only: the whole file is in .init (src/init-objects.txt).
 */
#include "boot.h"
#include "bootprof.h"
#include "console.h"
#include "hyplog.h"
#include "layout.h"
#include "lib.h"
#include "measure.h"
#include "mem.h"
#include "mgmt.h"
#include "pack.h"
#include "platform.h"
#include "rollback.h"
#include "sched_loop.h"
#include "update.h"
#include "vboot.h"
#include "vm.h"

/* The hypervisor's code and constants as loaded (the arch's linker script): what measured
 * boot hashes, and what the banner reports. */
extern char __hyp_start[], __hyp_end[];
extern const u8 __rodata_end[], __init_start[], __init_rodata_end[];

struct cpu cpus[CONFIG_MAX_PCPUS];
struct platform system_platform;
struct config system_config;

static __attribute__((noreturn)) void halt(void)
{
	console_log(LOG_ERROR, "boot stopped: nothing was started\n");
	arch_system_off();
}

/* Every CPU that hosts a vCPU; the others stay powered off. No CPU waits for another. */
static void start_secondaries(void)
{
	for (u32 i = 1; i < system_platform.cpu_count; i++) {
		const char *why = NULL;

		if (cpu_has_work(&cpus[i]) && arch_boot_cpu_start(i, &why) != 0) {
			console_log(LOG_ERROR, "CPU %u did not start (%s)\n", i, why);
		}
	}
}

/* The platform DTB: the board's RAM, CPUs, interrupt controller and console. */
static void boot_platform(const void *dtb)
{
	const char *why = NULL;

	arch_boot_uart(NULL); /* the board's default UART until the DTB names one */
	if (platform_from_dtb(dtb, SZ_2M, &system_platform, &why) != 0) {
		console_log(LOG_ERROR, "platform DTB at 0x%llx: %s\n",
			    (unsigned long long)LAYOUT_PLATFORM_DTB, why);
		halt();
	}
	arch_boot_uart(&system_platform);
	console_init();
	hyplog_set_uart_level((enum log_level)system_platform.log_level);
}

/* The system image: its format, then verified boot before the config is parsed or anything
 * is copied (measure.h), with the anti-rollback counter's flash store if the board has one
 * (rollback.h). */
static void boot_pack(const void *dtb, const void *pack)
{
	const char *why = NULL;

	if (pack_check(pack,
		       platform_ram_end(&system_platform, LAYOUT_PACK_BASE) - LAYOUT_PACK_BASE,
		       &why) != 0) {
		console_log(LOG_ERROR, "system image at 0x%llx: %s\n",
			    (unsigned long long)LAYOUT_PACK_BASE, why);
		halt();
	}
#if TESSERA_VBOOT
	if (vboot_trusted_key_count) {
		platform_find_flash(dtb, SZ_2M, &system_platform);
		rollback_init(&system_platform);
		update_init(&system_platform, vboot_trusted_keys, vboot_trusted_key_count);
	}
#else
	(void)dtb;
#endif
	if (measure_boot(pack, vboot_trusted_keys, vboot_trusted_key_count, vboot_measured_boot,
			 (const u8 *)__hyp_start, __rodata_end, __init_start,
			 __init_rodata_end) != 0) {
		halt();
	}
}

/* Past the page pool, out of the tiny code model's 1 MiB reach (Makefile CMODEL): the
 * address is read from memory, not formed by the code. */
static const volatile uintptr_t hyp_image_end = (uintptr_t)__hyp_end;

static void boot_banner(const void *pack)
{
	system_platform.hyp_end =
	    ALIGN_UP(LAYOUT_PACK_BASE + ((const struct pack_header *)pack)->total_size, SZ_2M);
	/* Named as the config checker names it (layout.h), once its end is known. */
	console_printf(
	    "Tessera hypervisor, %u CPUs, %llu MiB RAM, hypervisor range 0x%llx..0x%llx "
	    "(" LAYOUT_HYP_RANGE_HOLDS "), hypervisor image 0x%llx..0x%llx\n",
	    system_platform.cpu_count, (unsigned long long)(system_platform.ram[0].size >> 20),
	    (unsigned long long)system_platform.hyp_base,
	    (unsigned long long)system_platform.hyp_end, (unsigned long long)(uintptr_t)__hyp_start,
	    (unsigned long long)hyp_image_end);
}

static void boot_vms(const void *pack)
{
	struct config_error err;

	if (vm_create_all(pack, &err) != 0) {
		char msg[256];

		config_format_error(msg, sizeof(msg),
				    ((const struct pack_header *)pack)->config_name, &err);
		console_log(LOG_ERROR, "config error: %s\n", msg);
		halt();
	}
}

void primary_boot(u64 stack_top)
{
	const void *dtb = (const void *)(uintptr_t)LAYOUT_PLATFORM_DTB;
	const void *pack = (const void *)(uintptr_t)LAYOUT_PACK_BASE;
	const char *why = NULL;

	bootprof_lap(BOOTPROF_EARLY);
	boot_platform(dtb);
	bootprof_lap(BOOTPROF_PLATFORM);
	arch_boot_mmu(&system_platform, stack_top);
	bootprof_lap(BOOTPROF_MMU);
	mem_init();
	bootprof_lap(BOOTPROF_POOL);
	if (arch_boot_irq(&system_platform, &why) != 0) {
		console_log(LOG_ERROR, "%s\n", why);
		halt();
	}
	bootprof_lap(BOOTPROF_IRQCHIP);
	boot_pack(dtb, pack);
	bootprof_lap(BOOTPROF_PACK);
	boot_banner(pack);
	bootprof_lap(BOOTPROF_PRINT);
	boot_vms(pack); /* charges its own phases: CONFIG .. DTB, PRINT (bootprof.h) */
	/* Console input: the UART's interrupt goes to CPU 0, which owns the multiplexer. */
	arch_boot_console_irq(&system_platform);
	/* Management channel (docs/MANAGEMENT.md): before any VM runs, so none can stop first. */
	mgmt_init(&system_platform);
	start_secondaries();
	bootprof_lap(BOOTPROF_START);
	if (system_platform.verbose) {
		bootprof_print();
	}
}
