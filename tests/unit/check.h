/* SPDX-License-Identifier: MIT */
/*
 * Minimal unit-test framework. Each test function runs its CHECKs; RUN()
 * prints "PASS: file/name" or "FAIL: file/name" (after the failing CHECKs).
 * tests/run_all.sh counts those lines. A test binary exits non-zero if any
 * check failed, so a crash or sanitizer report also shows as a failure.
 */
#ifndef TESSERA_CHECK_H
#define TESSERA_CHECK_H

#include <stdio.h>

static int check_failures;

#define CHECK(cond)                                                                      \
	do {                                                                             \
		if (!(cond)) {                                                           \
			printf("  check failed %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			check_failures++;                                                \
		}                                                                        \
	} while (0)

#define CHECK_EQ(a, b)                                                                          \
	do {                                                                                    \
		unsigned long long va_ = (unsigned long long)(a);                               \
		unsigned long long vb_ = (unsigned long long)(b);                               \
		if (va_ != vb_) {                                                               \
			printf("  check failed %s:%d: %s == %s (0x%llx != 0x%llx)\n", __FILE__, \
			       __LINE__, #a, #b, va_, vb_);                                     \
			check_failures++;                                                       \
		}                                                                               \
	} while (0)

#define RUN(fn)                                                                                    \
	do {                                                                                       \
		int before_ = check_failures;                                                      \
		fn();                                                                              \
		printf("%s: %s/%s\n", check_failures == before_ ? "PASS" : "FAIL", __FILE__, #fn); \
	} while (0)

#define CHECK_MAIN_END() return check_failures ? 1 : 0

#endif
