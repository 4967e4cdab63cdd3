/* SPDX-License-Identifier: MIT */
/* Basic types shared by the hypervisor (freestanding) and host builds. */
#ifndef TESSERA_TYPES_H
#define TESSERA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef int64_t s64;

/* Host-physical address (what the MMU outputs at stage 2). */
typedef u64 paddr_t;
/* Intermediate-physical (guest-physical) address. */
typedef u64 ipa_t;

#define ARRAY_SIZE(a)	 (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	 (((x) + ((a)-1)) & ~((u64)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((u64)(a)-1)) == 0)
#define MIN(a, b)	 ((a) < (b) ? (a) : (b))
#define MAX(a, b)	 ((a) > (b) ? (a) : (b))
#define BIT(n)		 (1ULL << (n))

#define SZ_4K  0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_2M  0x200000ULL
#define SZ_1G  0x40000000ULL

/* True if [a, a+as) and [b, b+bs) overlap; sizes are non-zero and do not wrap. */
static inline bool range_overlaps(u64 a, u64 as, u64 b, u64 bs)
{
	return a < b + bs && b < a + as;
}

/* True if [a, a+as) lies within [b, b+bs); all without overflow. */
static inline bool range_within(u64 a, u64 as, u64 b, u64 bs)
{
	return a >= b && as <= bs && a - b <= bs - as;
}

#endif
