/* SPDX-License-Identifier: MIT */
/* SHA-512 as specified in FIPS 180-4 (sections 4.1.3, 4.2.3, 5.1.2, 5.3.5, 6.4). */
#include "sha512.h"
#include "lib.h"

/* 4.2.3: first 64 bits of the fractional parts of the cube roots of the first 80 primes. */
static const u64 sha512_k[80] = {
    0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
    0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
    0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
    0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
    0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
    0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
    0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
    0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
    0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
    0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
    0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
    0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
    0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
    0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
    0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
    0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
    0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
    0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
    0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
    0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL,
};

static inline u64 sha512_rotr(u64 x, unsigned n)
{
	return (x >> n) | (x << (64 - n));
}

/* 6.4.2: process one 1024-bit block. */
static void sha512_block(u64 h[8], const u8 *p)
{
	u64 w[80];
	u64 v[8];

	for (int t = 0; t < 16; t++)
		w[t] = be64_load(p + 8 * t);
	for (int t = 16; t < 80; t++) {
		u64 s0 = sha512_rotr(w[t - 15], 1) ^ sha512_rotr(w[t - 15], 8) ^ (w[t - 15] >> 7);
		u64 s1 = sha512_rotr(w[t - 2], 19) ^ sha512_rotr(w[t - 2], 61) ^ (w[t - 2] >> 6);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}
	memcpy(v, h, sizeof(v));
	for (int t = 0; t < 80; t++) {
		u64 S1 = sha512_rotr(v[4], 14) ^ sha512_rotr(v[4], 18) ^ sha512_rotr(v[4], 41);
		u64 ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
		u64 t1 = v[7] + S1 + ch + sha512_k[t] + w[t];
		u64 S0 = sha512_rotr(v[0], 28) ^ sha512_rotr(v[0], 34) ^ sha512_rotr(v[0], 39);
		u64 maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);

		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + S0 + maj;
	}
	for (int i = 0; i < 8; i++)
		h[i] += v[i];
}

void sha512_init(struct sha512_ctx *ctx)
{
	/* 5.3.5: first 64 bits of the fractional parts of the square roots of the first 8
	 * primes. */
	static const u64 h0[8] = {
	    0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
	    0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
	    0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL,
	};

	memcpy(ctx->h, h0, sizeof(h0));
	ctx->bytes = 0;
	ctx->used = 0;
}

void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
	const u8 *p = data;

	ctx->bytes += len;
	if (ctx->used) {
		size_t n = MIN(len, (size_t)(SHA512_BLOCK_SIZE - ctx->used));
		memcpy(ctx->block + ctx->used, p, n);
		ctx->used += (u32)n;
		p += n;
		len -= n;
		if (ctx->used < SHA512_BLOCK_SIZE)
			return;
		sha512_block(ctx->h, ctx->block);
		ctx->used = 0;
	}
	for (; len >= SHA512_BLOCK_SIZE; len -= SHA512_BLOCK_SIZE, p += SHA512_BLOCK_SIZE)
		sha512_block(ctx->h, p);
	if (len) {
		memcpy(ctx->block, p, len);
		ctx->used = (u32)len;
	}
}

void sha512_final(struct sha512_ctx *ctx, u8 out[SHA512_DIGEST_SIZE])
{
	u64 bits = ctx->bytes * 8;

	/* 5.1.2: append 1 bit, zeros to 896 mod 1024, then the 128-bit big-endian length (its
	 * upper half is zero: no message here reaches 2^61 bytes). */
	ctx->block[ctx->used++] = 0x80;
	if (ctx->used > 112) {
		memset(ctx->block + ctx->used, 0, SHA512_BLOCK_SIZE - ctx->used);
		sha512_block(ctx->h, ctx->block);
		ctx->used = 0;
	}
	memset(ctx->block + ctx->used, 0, 120 - ctx->used);
	be32_store(ctx->block + 120, (u32)(bits >> 32));
	be32_store(ctx->block + 124, (u32)bits);
	sha512_block(ctx->h, ctx->block);
	for (int i = 0; i < 8; i++) {
		be32_store(out + 8 * i, (u32)(ctx->h[i] >> 32));
		be32_store(out + 8 * i + 4, (u32)ctx->h[i]);
	}
	memset(ctx, 0, sizeof(*ctx));
}

void sha512(const void *data, size_t len, u8 out[SHA512_DIGEST_SIZE])
{
	struct sha512_ctx ctx;

	sha512_init(&ctx);
	sha512_update(&ctx, data, len);
	sha512_final(&ctx, out);
}
