/* SPDX-License-Identifier: MIT */
/* SHA-256 as specified in FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2). */
#include "sha256.h"
#include "lib.h"

#ifdef TESSERA_HOST
/* The host's tools and tests hash with the portable rounds below. */
static bool arch_sha256_blocks(u32 h[8], const u8 *p, size_t nblocks, const u32 k[64])
{
	(void)h, (void)p, (void)nblocks, (void)k;
	return false;
}
#else
#include "arch.h"
#endif

/* 4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const u32 sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline u32 sha256_rotr(u32 x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* 6.2.2: process one 512-bit block. */
static void sha256_block(u32 h[8], const u8 *p)
{
	u32 w[64];
	u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];

	for (int t = 0; t < 16; t++)
		w[t] = be32_load(p + 4 * t);
	for (int t = 16; t < 64; t++) {
		u32 s0 = sha256_rotr(w[t - 15], 7) ^ sha256_rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
		u32 s1 = sha256_rotr(w[t - 2], 17) ^ sha256_rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	for (int t = 0; t < 64; t++) {
		u32 S1 = sha256_rotr(e, 6) ^ sha256_rotr(e, 11) ^ sha256_rotr(e, 25);
		u32 ch = (e & f) ^ (~e & g);
		u32 t1 = hh + S1 + ch + sha256_k[t] + w[t];
		u32 S0 = sha256_rotr(a, 2) ^ sha256_rotr(a, 13) ^ sha256_rotr(a, 22);
		u32 maj = (a & b) ^ (a & c) ^ (b & c);
		u32 t2 = S0 + maj;
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

/* nblocks whole blocks: by the CPU's instructions where it has them (arch.h). */
static void sha256_blocks(u32 h[8], const u8 *p, size_t nblocks)
{
	if (arch_sha256_blocks(h, p, nblocks, sha256_k))
		return;
	for (; nblocks; nblocks--, p += SHA256_BLOCK_SIZE)
		sha256_block(h, p);
}

void sha256_init(struct sha256_ctx *ctx)
{
	/* 5.3.3: first 32 bits of the fractional parts of the square roots of the first 8 primes.
	 */
	static const u32 h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
				  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(ctx->h, h0, sizeof(h0));
	ctx->bytes = 0;
	ctx->used = 0;
}

void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
	const u8 *p = data;

	ctx->bytes += len;
	if (ctx->used) {
		size_t n = MIN(len, (size_t)(SHA256_BLOCK_SIZE - ctx->used));
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += (u32)n;
		p += n;
		len -= n;
		if (ctx->used < SHA256_BLOCK_SIZE)
			return;
		sha256_blocks(ctx->h, ctx->block, 1);
		ctx->used = 0;
	}
	if (len >= SHA256_BLOCK_SIZE) {
		size_t n = len / SHA256_BLOCK_SIZE;

		sha256_blocks(ctx->h, p, n);
		p += n * SHA256_BLOCK_SIZE;
		len -= n * SHA256_BLOCK_SIZE;
	}
	if (len) {
		memcpy(ctx->block, p, len);
		ctx->used = (u32)len;
	}
}

void sha256_final(struct sha256_ctx *ctx, u8 out[SHA256_DIGEST_SIZE])
{
	u64 bits = ctx->bytes * 8;

	/* 5.1.1: append 1 bit, zeros to 448 mod 512, then the 64-bit big-endian length. */
	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 56) {
		memset(ctx->block + ctx->used, 0, SHA256_BLOCK_SIZE - ctx->used);
		sha256_blocks(ctx->h, ctx->block, 1);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 56 - ctx->used);
	be32_store(ctx->block + 56, (u32)(bits >> 32));
	be32_store(ctx->block + 60, (u32)bits);
	sha256_blocks(ctx->h, ctx->block, 1);
	for (int i = 0; i < 8; i++)
		be32_store(out + 4 * i, ctx->h[i]);
	/* Leave no message-derived state behind. */
	memset(ctx, 0, sizeof(*ctx));
}

void sha256(const void *data, size_t len, u8 out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, data, len);
	sha256_final(&ctx, out);
}
