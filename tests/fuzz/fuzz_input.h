/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c): a cursor
 * that turns the fuzzer's bytes into a stream of small integers (reading past
 * the end yields zeros, so every input is a valid program), and an invariant
 * check that aborts so libFuzzer records the input as a crash.
 */
#ifndef TESSERA_FUZZ_INPUT_H
#define TESSERA_FUZZ_INPUT_H

#include <stdio.h>
#include <stdlib.h>

#include "types.h"

struct fin {
	const u8 *p;
	size_t n, pos;
};

static inline void fin_init(struct fin *f, const u8 *p, size_t n)
{
	f->p = p;
	f->n = n;
	f->pos = 0;
}

static inline bool fin_more(const struct fin *f)
{
	return f->pos < f->n;
}

static inline u8 fin_u8(struct fin *f)
{
	return f->pos < f->n ? f->p[f->pos++] : 0;
}

static inline u16 fin_u16(struct fin *f)
{
	u16 v = fin_u8(f);

	return (u16)(v | (u16)(fin_u8(f) << 8));
}

static inline u32 fin_u32(struct fin *f)
{
	u32 v = fin_u16(f);

	return v | ((u32)fin_u16(f) << 16);
}

static inline u64 fin_u64(struct fin *f)
{
	u64 v = fin_u32(f);

	return v | ((u64)fin_u32(f) << 32);
}

/* An invariant the code under test must keep: abort so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

#endif
