/* SPDX-License-Identifier: MIT */
/*
 * Boot profile: where the instructions from reset to the first guest instruction go.
 * Under QEMU -icount shift=4 one counter tick is one instruction (docs/PERFORMANCE.md), so
 * each phase's figure is its path length; elsewhere it is counter ticks. bootprof_lap(p)
 * charges everything since the previous lap (the first: since reset) to phase p, so the
 * phases cover CPU 0's boot without gaps, however the per-VM steps interleave.
 * Recording is one counter read per lap on CPU 0 during boot; the table is printed only
 * with the boot option "tessera.verbose" (docs/CONFIG.md "Boot options").
 */
#ifndef TESSERA_BOOTPROF_H
#define TESSERA_BOOTPROF_H

#include "types.h"

enum bootprof_phase {
	BOOTPROF_EARLY,	   /* reset, .bss zeroing, stack, vectors (boot.S) */
	BOOTPROF_PLATFORM, /* platform DTB read, UART and console set-up */
	BOOTPROF_MMU,	   /* EL2 stage-1 tables, CPU registers, MMU and caches on */
	BOOTPROF_POOL,	   /* page pool */
	BOOTPROF_IRQCHIP,  /* distributor, CPU 0's redistributor and interfaces */
	BOOTPROF_PACK,	   /* system image check */
	BOOTPROF_CONFIG,   /* config DTB parse and validation */
	BOOTPROF_LAYOUT,   /* images located and laid out, stage-2 tables, channels */
	BOOTPROF_DEVICES,  /* vGIC, vPL011, virtio: create and reset */
	BOOTPROF_LOAD,	   /* image copy, .bss zeroing, cache clean */
	BOOTPROF_DTB,	   /* each VM's DTB */
	BOOTPROF_PRINT,	   /* console lines (banner, one per VM) */
	BOOTPROF_START,	   /* console interrupt, management channel, secondary CPUs on */
	BOOTPROF_PHASES
};

/* Boot-only (.init, CPU 0 before any VM runs): charges the ticks since the last lap to p. */
void bootprof_lap(enum bootprof_phase p);
/* Boot-only (.init): prints the table, one "BOOT <phase>: <ticks>" line per phase. */
void bootprof_print(void);

#endif
