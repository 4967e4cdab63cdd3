/* SPDX-License-Identifier: MIT */
/*
 * Ed25519 verification (RFC 8032 sections 5.1.1-5.1.7; the rules it shares with libsodium
 * are in ed25519.h). Field elements mod p = 2^255 - 19 are five 51-bit limbs (products in
 * 128 bits); points are extended twisted Edwards coordinates (X:Y:Z:T), x = X/Z, y = Y/Z,
 * x*y = T/Z, on -x^2 + y^2 = 1 + d*x^2*y^2, with the complete formulas of RFC 8032
 * section 5.1.4. The constants below were derived from their definitions (d = -121665/121666,
 * sqrt(-1) = 2^((p-1)/4), B = (x, 4/5) with x even; the order-8 y from y^2 = (-1 + sqrt(1+d))/d,
 * the root that is a square) and checked against the RFC's values.
 */
#include "ed25519.h"
#include "lib.h"
#include "sha512.h"

typedef unsigned __int128 u128;

#define FE_MASK ((1ULL << 51) - 1)

struct fe {
	u64 v[5];
};

struct ge {
	struct fe x, y, z, t;
};

static const struct fe fe_d = {
    {0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029, 0x739c663a03cbb, 0x52036cee2b6ff}};
static const struct fe fe_d2 = {
    {0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052, 0x6738cc7407977, 0x2406d9dc56dff}};
static const struct fe fe_sqrtm1 = {
    {0x61b274a0ea0b0, 0xd5a5fc8f189d, 0x7ef5e9cbd0c60, 0x78595a6804c9e, 0x2b8324804fc1d}};
static const struct ge ge_base = {
    {{0x62d608f25d51a, 0x412a4b4f6592a, 0x75b7171a4b31d, 0x1ff60527118fe, 0x216936d3cd6e5}},
    {{0x6666666666658, 0x4cccccccccccc, 0x1999999999999, 0x3333333333333, 0x6666666666666}},
    {{1, 0, 0, 0, 0}},
    {{0x68ab3a5b7dda3, 0xeea2a5eadbb, 0x2af8df483c27e, 0x332b375274732, 0x67875f0fd78b7}}};
/* p = 2^255 - 19 and L = 2^252 + 27742317777372353535851937790883648493, little-endian
 * 64-bit words. */
static const u64 field_p[4] = {0xffffffffffffffedULL, 0xffffffffffffffffULL, 0xffffffffffffffffULL,
			       0x7fffffffffffffffULL};
static const u64 group_l[4] = {0x5812631a5cf5d3edULL, 0x14def9dea2f79cd6ULL, 0, 1ULL << 60};
/* The y of the points of order 8 is +-y8 (little-endian). */
static const u8 order8_y[32] = {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4,
				0x89, 0xf2, 0xef, 0x98, 0xf0, 0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6,
				0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05};

/* --- 256-bit integers (4 little-endian words) --- */

static void u256_load(u64 w[4], const u8 b[32])
{
	for (int i = 0; i < 4; i++)
		w[i] = le64_load(b + 8 * i);
}

/* a < b */
static bool u256_lt(const u64 a[4], const u64 b[4])
{
	for (int i = 3; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] < b[i];
	}
	return false;
}

/* a -= b (no borrow out: callers ensure a >= b) */
static void u256_sub(u64 a[4], const u64 b[4])
{
	u64 borrow = 0;

	for (int i = 0; i < 4; i++) {
		u64 d = a[i] - b[i] - borrow;

		borrow = (a[i] < b[i]) || (a[i] - b[i] < borrow);
		a[i] = d;
	}
}

/* --- field arithmetic mod p --- */

/* Carries 128-bit limb sums into limbs of 51 bits (limb 0 may exceed it by a little). */
static void fe_carry(struct fe *h, const u128 r[5])
{
	u128 t[5];
	u128 c;

	for (int i = 0; i < 5; i++)
		t[i] = r[i];
	for (int i = 0; i < 4; i++) {
		t[i + 1] += t[i] >> 51;
		t[i] &= FE_MASK;
	}
	c = t[4] >> 51; /* 2^255 = 19 mod p */
	t[4] &= FE_MASK;
	t[0] += c * 19;
	t[1] += t[0] >> 51;
	t[0] &= FE_MASK;
	for (int i = 0; i < 5; i++)
		h->v[i] = (u64)t[i];
}

static void fe_copy(struct fe *h, const struct fe *f)
{
	*h = *f;
}

static void fe_set(struct fe *h, u64 small)
{
	h->v[0] = small;
	h->v[1] = h->v[2] = h->v[3] = h->v[4] = 0;
}

static void fe_add(struct fe *h, const struct fe *f, const struct fe *g)
{
	u128 r[5];

	for (int i = 0; i < 5; i++)
		r[i] = (u128)f->v[i] + g->v[i];
	fe_carry(h, r);
}

/* f - g + 4p: limbs of g stay below 2^53, so nothing goes negative. */
static void fe_sub(struct fe *h, const struct fe *f, const struct fe *g)
{
	static const u64 four_p[5] = {0x1fffffffffffb4ULL, 0x1ffffffffffffcULL, 0x1ffffffffffffcULL,
				      0x1ffffffffffffcULL, 0x1ffffffffffffcULL};
	u128 r[5];

	for (int i = 0; i < 5; i++)
		r[i] = (u128)f->v[i] + four_p[i] - g->v[i];
	fe_carry(h, r);
}

static void fe_neg(struct fe *h, const struct fe *f)
{
	struct fe zero;

	fe_set(&zero, 0);
	fe_sub(h, &zero, f);
}

static void fe_mul(struct fe *h, const struct fe *f, const struct fe *g)
{
	const u64 *a = f->v, *b = g->v;
	u64 b19[5];
	u128 r[5];

	for (int i = 1; i < 5; i++)
		b19[i] = b[i] * 19;
	r[0] = (u128)a[0] * b[0] + (u128)a[1] * b19[4] + (u128)a[2] * b19[3] + (u128)a[3] * b19[2] +
	       (u128)a[4] * b19[1];
	r[1] = (u128)a[0] * b[1] + (u128)a[1] * b[0] + (u128)a[2] * b19[4] + (u128)a[3] * b19[3] +
	       (u128)a[4] * b19[2];
	r[2] = (u128)a[0] * b[2] + (u128)a[1] * b[1] + (u128)a[2] * b[0] + (u128)a[3] * b19[4] +
	       (u128)a[4] * b19[3];
	r[3] = (u128)a[0] * b[3] + (u128)a[1] * b[2] + (u128)a[2] * b[1] + (u128)a[3] * b[0] +
	       (u128)a[4] * b19[4];
	r[4] = (u128)a[0] * b[4] + (u128)a[1] * b[3] + (u128)a[2] * b[2] + (u128)a[3] * b[1] +
	       (u128)a[4] * b[0];
	fe_carry(h, r);
}

static void fe_sq(struct fe *h, const struct fe *f)
{
	fe_mul(h, f, f);
}

/* h = f^(2^n) */
static void fe_sqn(struct fe *h, const struct fe *f, int n)
{
	fe_sq(h, f);
	for (int i = 1; i < n; i++)
		fe_sq(h, h);
}

/* Bits 0..254 of a 32-byte little-endian string (bit 255 ignored), not reduced. */
static void fe_frombytes(struct fe *h, const u8 s[32])
{
	u64 w[4];

	u256_load(w, s);
	h->v[0] = w[0] & FE_MASK;
	h->v[1] = ((w[0] >> 51) | (w[1] << 13)) & FE_MASK;
	h->v[2] = ((w[1] >> 38) | (w[2] << 26)) & FE_MASK;
	h->v[3] = ((w[2] >> 25) | (w[3] << 39)) & FE_MASK;
	h->v[4] = (w[3] >> 12) & FE_MASK;
}

/* The canonical encoding (0 <= value < p). */
static void fe_tobytes(u8 s[32], const struct fe *f)
{
	u128 r[5], acc = 0;
	struct fe h;
	u64 w[4];
	int bits = 0, j = 0;

	for (int i = 0; i < 5; i++)
		r[i] = f->v[i];
	fe_carry(&h, r); /* now below 2^255 + 2^52: fits 256 bits */
	for (int i = 0; i < 5; i++) {
		acc += (u128)h.v[i] << bits;
		for (bits += 51; bits >= 64; bits -= 64) {
			w[j++] = (u64)acc;
			acc >>= 64;
		}
	}
	w[3] = (u64)acc;
	/* value < 2^256 = 2p + 38: at most two subtractions. */
	while (!u256_lt(w, field_p))
		u256_sub(w, field_p);
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < 8; k++)
			s[8 * i + k] = (u8)(w[i] >> (8 * k));
	}
}

static bool fe_iszero(const struct fe *f)
{
	u8 s[32];
	u8 acc = 0;

	fe_tobytes(s, f);
	for (int i = 0; i < 32; i++)
		acc |= s[i];
	return acc == 0;
}

static bool fe_eq(const struct fe *f, const struct fe *g)
{
	struct fe d;

	fe_sub(&d, f, g);
	return fe_iszero(&d);
}

/* RFC 8032 5.1.2: x is "negative" when its canonical encoding is odd. */
static int fe_isneg(const struct fe *f)
{
	u8 s[32];

	fe_tobytes(s, f);
	return s[0] & 1;
}

/* z250 = f^(2^250 - 1), also returns f^11 in z11 (shared by inversion and square root). */
static void fe_pow250(struct fe *z250, struct fe *z11, const struct fe *f)
{
	struct fe z2, z9, t, z5, z10, z20, z50, z100;

	fe_sq(&z2, f);	       /* 2 */
	fe_sqn(&t, &z2, 2);    /* 8 */
	fe_mul(&z9, &t, f);    /* 9 */
	fe_mul(z11, &z9, &z2); /* 11 */
	fe_sq(&t, z11);	       /* 22 */
	fe_mul(&z5, &t, &z9);  /* 31 = 2^5 - 1 */
	fe_sqn(&t, &z5, 5);
	fe_mul(&z10, &t, &z5); /* 2^10 - 1 */
	fe_sqn(&t, &z10, 10);
	fe_mul(&z20, &t, &z10); /* 2^20 - 1 */
	fe_sqn(&t, &z20, 20);
	fe_mul(&t, &t, &z20); /* 2^40 - 1 */
	fe_sqn(&t, &t, 10);
	fe_mul(&z50, &t, &z10); /* 2^50 - 1 */
	fe_sqn(&t, &z50, 50);
	fe_mul(&z100, &t, &z50); /* 2^100 - 1 */
	fe_sqn(&t, &z100, 100);
	fe_mul(&t, &t, &z100); /* 2^200 - 1 */
	fe_sqn(&t, &t, 50);
	fe_mul(z250, &t, &z50); /* 2^250 - 1 */
}

/* h = f^(p-2) = f^(2^255 - 21) = 1/f */
static void fe_invert(struct fe *h, const struct fe *f)
{
	struct fe z250, z11;

	fe_pow250(&z250, &z11, f);
	fe_sqn(&z250, &z250, 5); /* 2^255 - 32 */
	fe_mul(h, &z250, &z11);
}

/* h = f^((p-5)/8) = f^(2^252 - 3) */
static void fe_pow22523(struct fe *h, const struct fe *f)
{
	struct fe z250, z11;

	fe_pow250(&z250, &z11, f);
	fe_sqn(&z250, &z250, 2); /* 2^252 - 4 */
	fe_mul(h, &z250, f);
}

/* --- group --- */

static void ge_identity(struct ge *p)
{
	fe_set(&p->x, 0);
	fe_set(&p->y, 1);
	fe_set(&p->z, 1);
	fe_set(&p->t, 0);
}

/* RFC 8032 5.1.4, addition (complete: also doubles, and takes the identity). */
static void ge_add(struct ge *r, const struct ge *p, const struct ge *q)
{
	struct fe a, b, c, d, e, f, g, h, t;

	fe_sub(&a, &p->y, &p->x);
	fe_sub(&t, &q->y, &q->x);
	fe_mul(&a, &a, &t);
	fe_add(&b, &p->y, &p->x);
	fe_add(&t, &q->y, &q->x);
	fe_mul(&b, &b, &t);
	fe_mul(&c, &p->t, &q->t);
	fe_mul(&c, &c, &fe_d2);
	fe_mul(&d, &p->z, &q->z);
	fe_add(&d, &d, &d);
	fe_sub(&e, &b, &a);
	fe_sub(&f, &d, &c);
	fe_add(&g, &d, &c);
	fe_add(&h, &b, &a);
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

/* RFC 8032 5.1.4, doubling. */
static void ge_double(struct ge *r, const struct ge *p)
{
	struct fe a, b, c, e, f, g, h, t;

	fe_sq(&a, &p->x);
	fe_sq(&b, &p->y);
	fe_sq(&c, &p->z);
	fe_add(&c, &c, &c);
	fe_add(&h, &a, &b);
	fe_add(&t, &p->x, &p->y);
	fe_sq(&t, &t);
	fe_sub(&e, &h, &t);
	fe_sub(&g, &a, &b);
	fe_add(&f, &c, &g);
	fe_mul(&r->x, &e, &f);
	fe_mul(&r->y, &g, &h);
	fe_mul(&r->t, &e, &h);
	fe_mul(&r->z, &f, &g);
}

static void ge_neg(struct ge *r, const struct ge *p)
{
	fe_neg(&r->x, &p->x);
	fe_copy(&r->y, &p->y);
	fe_copy(&r->z, &p->z);
	fe_neg(&r->t, &p->t);
}

/* RFC 8032 5.1.2 */
static void ge_encode(u8 s[32], const struct ge *p)
{
	struct fe zi, x, y;

	fe_invert(&zi, &p->z);
	fe_mul(&x, &p->x, &zi);
	fe_mul(&y, &p->y, &zi);
	fe_tobytes(s, &y);
	s[31] |= (u8)(fe_isneg(&x) << 7);
}

/* The encoding's y (bit 255 cleared) is below p. */
static bool y_is_canonical(const u8 s[32])
{
	u8 y[32];
	u64 w[4];

	memcpy(y, s, sizeof(y));
	y[31] &= 0x7f;
	u256_load(w, y);
	return u256_lt(w, field_p);
}

/* RFC 8032 5.1.3; -1 if y >= p, if no x exists, or for x = 0 with the sign bit set. */
static int ge_decode(struct ge *p, const u8 s[32])
{
	struct fe u, v, v3, vx2, t;
	int sign = s[31] >> 7;

	if (!y_is_canonical(s))
		return -1;
	fe_frombytes(&p->y, s);
	fe_set(&p->z, 1);
	fe_sq(&u, &p->y);
	fe_mul(&v, &u, &fe_d);
	fe_sub(&u, &u, &p->z); /* u = y^2 - 1 */
	fe_add(&v, &v, &p->z); /* v = d y^2 + 1 */
	/* x = u v^3 (u v^7)^((p-5)/8) */
	fe_sq(&v3, &v);
	fe_mul(&v3, &v3, &v);
	fe_sq(&t, &v3);
	fe_mul(&t, &t, &v);
	fe_mul(&t, &t, &u);
	fe_pow22523(&t, &t);
	fe_mul(&t, &t, &v3);
	fe_mul(&p->x, &t, &u);
	fe_sq(&vx2, &p->x);
	fe_mul(&vx2, &vx2, &v);
	if (!fe_eq(&vx2, &u)) {
		fe_neg(&t, &u);
		if (!fe_eq(&vx2, &t))
			return -1;
		fe_mul(&p->x, &p->x, &fe_sqrtm1);
	}
	if (fe_iszero(&p->x) && sign)
		return -1;
	if (fe_isneg(&p->x) != sign)
		fe_neg(&p->x, &p->x);
	fe_mul(&p->t, &p->x, &p->y);
	return 0;
}

/* Whether an encoding's y (sign bit ignored, reduced mod p) is that of a point of order 1, 2,
 * 4 or 8: y = 1 (identity), p-1 (order 2), 0 (order 4), +-y8 (order 8). */
static bool has_small_order(const u8 s[32])
{
	struct fe y, y8;
	u8 enc[32], yb[32], neg8[32];
	static const u8 one[32] = {1};
	static const u8 zero[32];
	u8 minus_one[32];

	fe_frombytes(&y, s);
	fe_tobytes(enc, &y);
	fe_frombytes(&y8, order8_y);
	fe_tobytes(yb, &y8);
	fe_neg(&y8, &y8);
	fe_tobytes(neg8, &y8);
	fe_set(&y, 1);
	fe_neg(&y, &y);
	fe_tobytes(minus_one, &y);
	return memcmp(enc, zero, 32) == 0 || memcmp(enc, one, 32) == 0 ||
	       memcmp(enc, minus_one, 32) == 0 || memcmp(enc, yb, 32) == 0 ||
	       memcmp(enc, neg8, 32) == 0;
}

/* --- scalars mod L --- */

static bool scalar_is_canonical(const u8 s[32])
{
	u64 w[4];

	u256_load(w, s);
	return u256_lt(w, group_l);
}

/* r = the 512-bit little-endian h mod L, one bit at a time (r < 2L < 2^254 throughout). */
static void scalar_reduce(u64 r[4], const u8 h[64])
{
	r[0] = r[1] = r[2] = r[3] = 0;
	for (int bit = 511; bit >= 0; bit--) {
		r[3] = (r[3] << 1) | (r[2] >> 63);
		r[2] = (r[2] << 1) | (r[1] >> 63);
		r[1] = (r[1] << 1) | (r[0] >> 63);
		r[0] = (r[0] << 1) | ((h[bit / 8] >> (bit % 8)) & 1);
		if (!u256_lt(r, group_l))
			u256_sub(r, group_l);
	}
}

static int scalar_bit(const u64 s[4], int i)
{
	return (int)((s[i / 64] >> (i % 64)) & 1);
}

/* r = [a]P + [b]Q, Straus' joint double-and-add (scalars below 2^253). */
static void ge_double_scalarmult(struct ge *r, const u64 a[4], const struct ge *p, const u64 b[4],
				 const struct ge *q)
{
	struct ge table[4];

	ge_identity(&table[0]);
	table[1] = *p;
	table[2] = *q;
	ge_add(&table[3], p, q);
	ge_identity(r);
	for (int i = 252; i >= 0; i--) {
		int idx = scalar_bit(a, i) | (scalar_bit(b, i) << 1);

		ge_double(r, r);
		if (idx)
			ge_add(r, r, &table[idx]);
	}
}

int ed25519_verify(const u8 sig[ED25519_SIGNATURE_SIZE], const void *msg, size_t len,
		   const u8 pk[ED25519_PUBLIC_KEY_SIZE])
{
	struct sha512_ctx hs;
	struct ge a, r;
	u8 h[SHA512_DIGEST_SIZE], check[32];
	u64 k[4], s[4];

	if (!scalar_is_canonical(sig + 32) || has_small_order(sig) || has_small_order(pk) ||
	    ge_decode(&a, pk) != 0)
		return -1;
	sha512_init(&hs);
	sha512_update(&hs, sig, 32);
	sha512_update(&hs, pk, 32);
	sha512_update(&hs, msg, len);
	sha512_final(&hs, h);
	scalar_reduce(k, h);
	u256_load(s, sig + 32);
	ge_neg(&a, &a);
	ge_double_scalarmult(&r, s, &ge_base, k, &a);
	ge_encode(check, &r);
	return memcmp(check, sig, 32) == 0 ? 0 : -1;
}
