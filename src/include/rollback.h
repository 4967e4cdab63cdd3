/* SPDX-License-Identifier: MIT */
/*
 * Anti-rollback (docs/SECURITY.md "Anti-rollback"): a monotonic counter in the last erase
 * block of the hypervisor's own flash bank (struct platform flash_base/size; no VM may be
 * given that bank, config_vm.c). A verified boot refuses a manifest version below it; it
 * moves forward only when the operator confirms the running image (`ctl confirm`).
 */
#ifndef TESSERA_ROLLBACK_H
#define TESSERA_ROLLBACK_H

#include "config.h"

#define ROLLBACK_STORE_SIZE 0x40000ULL /* one erase block of QEMU virt's flash */
#define ROLLBACK_SLOT_SIZE  16U

/* Finds the store on the platform (boot, CPU 0, before measure_boot). False: none. */
bool rollback_init(const struct platform *p);
bool rollback_available(void);
/* The counter: the highest valid record (0 for an empty or unformatted store). */
u64 rollback_counter(void);
/* Raises the counter to version if it is higher: 0 (*before, *after set), -1 on a flash
 * error or without a store. */
int rollback_confirm(u64 version, u64 *before, u64 *after);

#endif
