/* SPDX-License-Identifier: MIT */
/*
 * C library string functions for the freestanding hypervisor build. GCC may
 * emit calls to memcpy/memset/memmove/memcmp itself, so these must exist.
 * The target runs with -mstrict-align (accesses may happen before the MMU is
 * on, when all memory is Device memory), so word loops are used only when
 * both pointers are 8-byte aligned; everything else goes byte by byte.
 */
#ifndef TESSERA_HOST

#include "lib.h"

/* Word copies go through a may_alias type so GCC cannot assume type-based disjointness. */
typedef u64 __attribute__((may_alias)) word_t;

void *memcpy(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
		for (; n && ((uintptr_t)d & 7); n--)
			*d++ = *s++;
		/* 32 bytes a round: GCC emits two ldp/stp pairs (boot-time image copies). */
		for (; n >= 32; n -= 32, d += 32, s += 32) {
			word_t a = ((const word_t *)s)[0], b = ((const word_t *)s)[1];
			word_t c = ((const word_t *)s)[2], e = ((const word_t *)s)[3];

			((word_t *)d)[0] = a;
			((word_t *)d)[1] = b;
			((word_t *)d)[2] = c;
			((word_t *)d)[3] = e;
		}
		for (; n >= 8; n -= 8, d += 8, s += 8)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	u8 *d = dst;
	const u8 *s = src;

	if (d == s || n == 0)
		return dst;
	/* Copying forward is safe unless the destination starts inside the source. */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);
	d += n;
	s += n;
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	u8 *d = dst;
	u8 b = (u8)c;
	word_t w = 0x0101010101010101ULL * b;

	for (; n && ((uintptr_t)d & 7); n--)
		*d++ = b;
	for (; n >= 32; n -= 32, d += 32) {
		((word_t *)d)[0] = w;
		((word_t *)d)[1] = w;
		((word_t *)d)[2] = w;
		((word_t *)d)[3] = w;
	}
	for (; n >= 8; n -= 8, d += 8)
		*(word_t *)d = w;
	while (n--)
		*d++ = b;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a;
	const u8 *y = b;

	for (size_t i = 0; i < n; i++) {
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (int)(u8)*a - (int)(u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i] || a[i] == '\0')
			return (int)(u8)a[i] - (int)(u8)b[i];
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

#endif /* !TESSERA_HOST */
