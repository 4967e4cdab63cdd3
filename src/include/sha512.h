/* SPDX-License-Identifier: MIT */
/* SHA-512 (FIPS 180-4 section 6.4), one-shot and incremental: the hash Ed25519 is built on. */
#ifndef TESSERA_SHA512_H
#define TESSERA_SHA512_H

#include "types.h"

#define SHA512_DIGEST_SIZE 64
#define SHA512_BLOCK_SIZE  128

struct sha512_ctx {
	u64 h[8];
	u64 bytes; /* total message length so far (messages stay below 2^61 bytes) */
	u8 block[SHA512_BLOCK_SIZE];
	u32 used; /* bytes buffered in block */
};

void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
void sha512_final(struct sha512_ctx *ctx, u8 out[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t len, u8 out[SHA512_DIGEST_SIZE]);

#endif
