/* SPDX-License-Identifier: MIT */
/* Boot profile table (bootprof.h). Boot-only: linked into .init (tessera.ld). */
#include "bootprof.h"
#include "console.h"
#include "vm.h" /* arch_counter */

static u64 bootprof_ticks[BOOTPROF_PHASES];
static u64 bootprof_last;

void bootprof_lap(enum bootprof_phase p)
{
	u64 now = arch_counter();

	bootprof_ticks[p] += now - bootprof_last;
	bootprof_last = now;
}

static const char *const bootprof_names[BOOTPROF_PHASES] = {
    [BOOTPROF_EARLY] = "early",	  [BOOTPROF_PLATFORM] = "platform", [BOOTPROF_MMU] = "mmu",
    [BOOTPROF_POOL] = "pool",	  [BOOTPROF_IRQCHIP] = "gic",	    [BOOTPROF_PACK] = "pack",
    [BOOTPROF_CONFIG] = "config", [BOOTPROF_LAYOUT] = "layout",	    [BOOTPROF_DEVICES] = "devices",
    [BOOTPROF_LOAD] = "load",	  [BOOTPROF_DTB] = "dtb",	    [BOOTPROF_PRINT] = "print",
    [BOOTPROF_START] = "start",
};

void bootprof_print(void)
{
	u64 sum = 0;

	for (u32 p = 0; p < BOOTPROF_PHASES; p++) {
		console_printf("BOOT %s: %llu\n", bootprof_names[p],
			       (unsigned long long)bootprof_ticks[p]);
		sum += bootprof_ticks[p];
	}
	console_printf("BOOT total: %llu (to here; the rest is CPU 0's hand-off to its vCPU)\n",
		       (unsigned long long)sum);
}
