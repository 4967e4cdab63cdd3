/* SPDX-License-Identifier: MIT */
/*
 * Stage-2 translation tables (Arm ARM D8: VMSAv8-64, 4 KiB granule, 39-bit
 * IPA starting at level 1). Pure table building: also compiled on the host
 * for unit tests, where "physical" table addresses are host pointers.
 */
#ifndef TESSERA_STAGE2_H
#define TESSERA_STAGE2_H

#include "arch_types.h" /* struct stage2 */
#include "types.h"

#define STAGE2_IPA_BITS 39
#define STAGE2_NORMAL	0 /* RAM: Normal write-back, inner shareable, RW */
#define STAGE2_DEVICE	1 /* pass-through MMIO: Device-nGnRE, RW, execute-never */
#define STAGE2_RO	2 /* flag: read-only */

/* Descriptor bits (D8.3). */
#define S2_VALID	  BIT(0)
#define S2_TABLE	  BIT(1) /* at levels 1-2: table; at level 3: page */
#define S2_MEMATTR_NORMAL (0xfULL << 2)
#define S2_MEMATTR_DEVICE (0x1ULL << 2)
#define S2_AP_R		  (1ULL << 6)
#define S2_AP_W		  (2ULL << 6)
#define S2_SH_INNER	  (3ULL << 8)
#define S2_AF		  BIT(10)
#define S2_XN		  (2ULL << 53)
#define S2_ADDR_MASK	  0x0000fffffffff000ULL

int stage2_init(struct stage2 *s2);
/* Maps [ipa, ipa+size) to [pa, ...): 1 GiB or 2 MiB blocks where alignment allows, else pages.
 * Returns 0, or -1 if out of table pages, unaligned, outside the IPA space or already mapped. */
int stage2_map(struct stage2 *s2, ipa_t ipa, paddr_t pa, u64 size, u32 attr);

#endif
