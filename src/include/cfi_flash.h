/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own NOR flash (CFI, Intel/Sharp command set: QEMU virt's pflash_cfi01,
 * bank width 4 bytes): programs 32-bit words and erases blocks, for the anti-rollback counter
 * (core/rollback.c). CPU 0 or one management operation at a time: no lock of its own.
 */
#ifndef TESSERA_CFI_FLASH_H
#define TESSERA_CFI_FLASH_H

#include "types.h"

/* Puts the device holding addr in read-array mode (its state after every operation here). */
void cfi_flash_read_mode(paddr_t addr);
/* Reads 32 bits at addr (in read-array mode). */
u32 cfi_flash_read32(paddr_t addr);
/* Programs the 32-bit word at addr (bits only go 1 -> 0). 0, or -1 on a device error. */
int cfi_flash_program32(paddr_t addr, u32 value);
/* Erases the block at addr (all ones). 0, or -1 on a device error. */
int cfi_flash_erase(paddr_t addr);

#endif
