/* SPDX-License-Identifier: MIT */
/* Freestanding helpers: string functions, formatted output, byte order. */
#ifndef TESSERA_LIB_H
#define TESSERA_LIB_H

#include <stdarg.h>
#include "types.h"

#ifdef TESSERA_HOST
#include <string.h>
#else
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
#endif

/*
 * A boot-only function in a resident file: linked into .init.text (tessera.ld), which is
 * zeroed and given to the page pool after boot (mem_release_init). Only for functions that
 * run on CPU 0 before that; scripts/check-init.sh fails the build if resident code other
 * than its known boot-only callers refers to one.
 */
#ifdef TESSERA_HOST
#define BOOT_ONLY
#else
#define BOOT_ONLY __attribute__((section(".init.text"), noinline))
#endif

/*
 * NOINIT: a large static buffer that boot does not zero (tessera.ld .noinit, beside the page
 * pool), for data whose reader only ever reads what was written first (the console and log
 * rings). Zero-initialised as usual in host builds.
 */
#ifdef TESSERA_HOST
#define NOINIT
#else
#define NOINIT __attribute__((section(".noinit")))
#endif

/* Bounded string helpers (both builds). */
size_t str_nlen(const char *s, size_t max);
/* Copies at most size-1 bytes and always NUL-terminates; returns strlen(src). */
size_t str_copy(char *dst, const char *src, size_t size);

/*
 * Formatted output into a buffer. Supports %d %i %u %x %X %p %s %c %% with
 * flags '0' '-', width, and length modifiers l, ll, z. Always NUL-terminates;
 * returns the length the full output would have had.
 */
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline u32 be32_load(const void *p)
{
	const u8 *b = (const u8 *)p;
	return ((u32)b[0] << 24) | ((u32)b[1] << 16) | ((u32)b[2] << 8) | b[3];
}

static inline u64 be64_load(const void *p)
{
	return ((u64)be32_load(p) << 32) | be32_load((const u8 *)p + 4);
}

static inline void be32_store(void *p, u32 v)
{
	u8 *b = (u8 *)p;
	b[0] = (u8)(v >> 24);
	b[1] = (u8)(v >> 16);
	b[2] = (u8)(v >> 8);
	b[3] = (u8)v;
}

/* Little-endian integers in byte buffers, at any alignment (lib/byteorder.c). */
u16 le16_load(const void *p);
u32 le32_load(const void *p);
u64 le64_load(const void *p);
void le16_store(void *p, u16 v);
void le32_store(void *p, u32 v);
void le64_store(void *p, u64 v);

#endif
