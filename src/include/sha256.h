/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4 section 6.2), one-shot and incremental. */
#ifndef TESSERA_SHA256_H
#define TESSERA_SHA256_H

#include "types.h"

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

struct sha256_ctx {
	u32 h[8];
	u64 bytes; /* total message length so far */
	u8 block[SHA256_BLOCK_SIZE];
	u32 used; /* bytes buffered in block */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, u8 out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, u8 out[SHA256_DIGEST_SIZE]);

#endif
