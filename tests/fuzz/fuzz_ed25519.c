/* SPDX-License-Identifier: MIT */
/*
 * Differential libFuzzer harness: src/lib/ed25519.c against Debian's libsodium
 * (crypto_sign_verify_detached). Every input is turned into (public key, signature,
 * message) and both verifiers must agree, accept or reject. Random bytes almost never make a
 * valid signature, so most modes build one with libsodium and then bend it toward the edges
 * where verifiers differ (docs/SECURITY.md, "Verified boot"):
 *   mode 0: raw          [pk 32][sig 64][msg...]
 *   mode 1: sign+mutate  [seed 32][n][n x (kind, pos, val)][msg...]: a libsodium signature,
 *           then byte flips, S + L (non-canonical S), R or A replaced by one of the
 *           small-order encodings;
 *   mode 2: torsion      [seed 32][ta][tr][flags][msg...]: A = aB + ta*T8 and
 *           R = rB + tr*T8 (T8 of order 8) with S = r + k*a mod L, which the cofactorless
 *           equation accepts exactly when the torsion parts cancel; flags bit 0: S += L,
 *           bit 1: r = 0, so R is the identity (small order) and the equation still holds;
 *   mode 3: non-canonical A: y = p + (0..18) with either sign bit, [y][sign][sig 64][msg...].
 * Seeds: tests/fuzz/corpus/ed25519 (tests/fuzz/ed25519_seeds.c writes them).
 */
#include <sodium.h>
#include <string.h>

#include "ed25519.h"
#include "fuzz_input.h"

/* The y of a point of order 8 (little-endian), and L. */
static const u8 t8_enc[32] = {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
			      0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
			      0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05};
static const u8 group_l[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
			       0xa2, 0xde, 0xf9, 0xde, 0x14, 0,	   0,	 0,    0,    0,	   0,
			       0,    0,	   0,	 0,    0,    0,	   0,	 0,    0,    0x10};

/* The y values of the points of order 1, 2, 4, 8 and their non-canonical aliases. */
static void small_order_enc(u8 out[32], u32 which)
{
	memset(out, 0, 32);
	switch (which % 7) {
	case 0: /* 0 */
		break;
	case 1: /* 1 */
		out[0] = 1;
		break;
	case 2: /* order 8 */
		memcpy(out, t8_enc, 32);
		break;
	case 3: /* p - y8 */ {
		u8 p[32];
		int borrow = 0;

		memset(p, 0xff, 32);
		p[0] = 0xed;
		p[31] = 0x7f;
		for (int i = 0; i < 32; i++) {
			int d = p[i] - t8_enc[i] - borrow;

			borrow = d < 0;
			out[i] = (u8)d;
		}
		break;
	}
	default: /* p - 1, p, p + 1 */
		memset(out, 0xff, 32);
		out[31] = 0x7f;
		out[0] = (u8)(0xec + which % 7 - 4);
		break;
	}
}

static void add_l(u8 s[32])
{
	unsigned carry = 0;

	for (int i = 0; i < 32; i++) {
		unsigned v = s[i] + group_l[i] + carry;

		s[i] = (u8)v;
		carry = v >> 8;
	}
}

static void compare(const u8 *pk, const u8 *sig, const u8 *msg, size_t len)
{
	int ref = crypto_sign_verify_detached(sig, msg, len, pk) == 0;
	int ours = ed25519_verify(sig, msg, len, pk) == 0;

	if (getenv("FUZZ_ED25519_TRACE")) { /* which seeds are valid signatures */
		printf("ed25519: %s pk=", ours ? "accept" : "reject");
		for (int i = 0; i < 32; i++)
			printf("%02x", pk[i]);
		printf(" sig=");
		for (int i = 0; i < 64; i++)
			printf("%02x", sig[i]);
		printf(" msglen=%zu\n", len);
	}

	if (ref != ours) {
		fprintf(stderr, "ed25519: libsodium %s, ours %s\n", ref ? "accepts" : "rejects",
			ours ? "accepts" : "rejects");
		FUZZ_ASSERT(ref == ours);
	}
}

static void mode_mutate(struct fin *f)
{
	u8 seed[32], pk[32], sk[64], sig[64];
	u32 n;

	for (int i = 0; i < 32; i++)
		seed[i] = fin_u8(f);
	n = fin_u8(f) % 8;
	crypto_sign_seed_keypair(pk, sk, seed);
	u32 ops[8][3];
	for (u32 i = 0; i < n; i++) {
		ops[i][0] = fin_u8(f);
		ops[i][1] = fin_u8(f);
		ops[i][2] = fin_u8(f);
	}
	const u8 *msg = f->p + f->pos;
	size_t len = f->n - f->pos;

	crypto_sign_detached(sig, NULL, msg, len, sk);
	for (u32 i = 0; i < n; i++) {
		u32 pos = ops[i][1], val = ops[i][2];

		switch (ops[i][0] % 5) {
		case 0:
			sig[pos % 64] ^= (u8)(val ? val : 1);
			break;
		case 1:
			pk[pos % 32] ^= (u8)(val ? val : 1);
			break;
		case 2:
			add_l(sig + 32);
			break;
		case 3:
			small_order_enc(sig, val);
			sig[31] |= (u8)((pos & 1) << 7);
			break;
		default:
			small_order_enc(pk, val);
			pk[31] |= (u8)((pos & 1) << 7);
			break;
		}
	}
	compare(pk, sig, msg, len);
}

/* p = q + t * T8, or -1 if libsodium will not add. */
static int add_torsion(u8 p[32], const u8 q[32], u32 t)
{
	memcpy(p, q, 32);
	for (u32 i = 0; i < t % 8; i++) {
		if (crypto_core_ed25519_add(p, p, t8_enc) != 0)
			return -1;
	}
	return 0;
}

static void mode_torsion(struct fin *f)
{
	u8 seed[32], h[64], a[32], wide[64], r[32], k[32], s[32], ab[32], rb[32];
	u8 pk[32], sig[64];
	u32 ta, tr, flags;

	for (int i = 0; i < 32; i++)
		seed[i] = fin_u8(f);
	ta = fin_u8(f);
	tr = fin_u8(f);
	flags = fin_u8(f);
	const u8 *msg = f->p + f->pos;
	size_t len = f->n - f->pos;

	crypto_hash_sha512(h, seed, 32);
	memset(wide, 0, sizeof(wide));
	memcpy(wide, h, 32);
	wide[0] &= 248;
	wide[31] &= 127;
	wide[31] |= 64;
	crypto_core_ed25519_scalar_reduce(a, wide);
	crypto_core_ed25519_scalar_reduce(r, h); /* any nonce will do */
	if (flags & 2) { /* r = 0: R is the identity (small order), S = k*a solves the equation */
		memset(r, 0, sizeof(r));
		memset(rb, 0, sizeof(rb));
		rb[0] = 1;
	} else if (crypto_scalarmult_ed25519_base_noclamp(rb, r) != 0) {
		return;
	}
	if (crypto_scalarmult_ed25519_base_noclamp(ab, a) != 0 || add_torsion(pk, ab, ta) != 0 ||
	    add_torsion(sig, rb, tr) != 0)
		return;
	crypto_hash_sha512_state hs;
	crypto_hash_sha512_init(&hs);
	crypto_hash_sha512_update(&hs, sig, 32);
	crypto_hash_sha512_update(&hs, pk, 32);
	crypto_hash_sha512_update(&hs, msg, len);
	crypto_hash_sha512_final(&hs, wide);
	crypto_core_ed25519_scalar_reduce(k, wide);
	crypto_core_ed25519_scalar_mul(s, k, a);
	crypto_core_ed25519_scalar_add(s, s, r);
	if (flags & 1)
		add_l(s);
	memcpy(sig + 32, s, 32);
	compare(pk, sig, msg, len);
}

static void mode_noncanonical(struct fin *f)
{
	u8 pk[32], sig[64];
	u32 y = fin_u8(f) % 19, sign = fin_u8(f) & 1;
	unsigned carry = y;

	/* p + y: bytes of p = ed ff .. ff 7f; y <= 18 keeps it below 2^255. */
	memset(pk, 0xff, 32);
	pk[0] = 0xed;
	pk[31] = 0x7f;
	for (int i = 0; i < 32 && carry; i++) {
		unsigned v = pk[i] + carry;

		pk[i] = (u8)v;
		carry = v >> 8;
	}
	pk[31] |= (u8)(sign << 7);
	for (int i = 0; i < 64; i++)
		sig[i] = fin_u8(f);
	compare(pk, sig, f->p + f->pos, f->n - f->pos);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fin f;

	if (sodium_init() < 0)
		abort();
	fin_init(&f, data, size);
	switch (fin_u8(&f) % 4) {
	case 0: {
		u8 pk[32], sig[64];

		for (int i = 0; i < 32; i++)
			pk[i] = fin_u8(&f);
		for (int i = 0; i < 64; i++)
			sig[i] = fin_u8(&f);
		compare(pk, sig, f.p + f.pos, f.n - f.pos);
		break;
	}
	case 1:
		mode_mutate(&f);
		break;
	case 2:
		mode_torsion(&f);
		break;
	default:
		mode_noncanonical(&f);
		break;
	}
	return 0;
}
