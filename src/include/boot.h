/* SPDX-License-Identifier: MIT */
/*
 * Boot (core/boot.c): the architecture-neutral sequence CPU 0 runs before any guest, over
 * the arch_boot_* hooks of arch.h. The architecture's entry code calls primary_boot on CPU 0
 * with the MMU off, then mem_release_init and sched_run; every other CPU does its own
 * architecture set-up and goes to sched_run.
 */
#ifndef TESSERA_BOOT_H
#define TESSERA_BOOT_H

#include "types.h"

/* Boot-only (.init). Returns with every VM created and the CPUs that have work started;
 * does not return on an error (it says why on the console and powers the machine off). */
void primary_boot(u64 stack_top);

#endif
