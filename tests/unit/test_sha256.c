/* SPDX-License-Identifier: MIT */
/* SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", SHA2 additional). */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "sha256.h"

static void to_hex(const u8 *d, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
}

static int digest_is(const void *msg, size_t len, const char *want)
{
	u8 d[32];
	char hex[65];
	sha256(msg, len, d);
	to_hex(d, hex);
	if (strcmp(hex, want) != 0) {
		printf("  got  %s\n  want %s\n", hex, want);
		return 0;
	}
	return 1;
}

static void test_vectors(void)
{
	CHECK(digest_is("abc", 3,
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	CHECK(digest_is("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	CHECK(digest_is("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	/* Wrong expectations must fail (the test can fail). */
	{
		u8 d[32];
		char hex[65];
		sha256("abd", 3, d);
		to_hex(d, hex);
		CHECK(strcmp(hex,
			     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") !=
		      0);
	}
}

static void test_million_a(void)
{
	const char *want = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";
	size_t n = 1000000;
	char *m = malloc(n);
	struct sha256_ctx ctx;
	u8 d[32];
	char hex[65];

	memset(m, 'a', n);
	CHECK(digest_is(m, n, want));
	/* Incremental, in awkward chunk sizes that straddle block boundaries. */
	sha256_init(&ctx);
	for (size_t pos = 0, step = 1; pos < n; step = step % 131 + 7) {
		size_t k = step < n - pos ? step : n - pos;
		sha256_update(&ctx, m + pos, k);
		pos += k;
	}
	sha256_final(&ctx, d);
	to_hex(d, hex);
	CHECK(strcmp(hex, want) == 0);
	free(m);
}

/* Lengths around the padding boundary (55, 56, 63, 64 bytes): one-shot equals bytewise. */
static void test_boundaries(void)
{
	u8 msg[200];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (u8)(i * 7 + 3);
	for (size_t len = 0; len <= sizeof(msg); len++) {
		struct sha256_ctx ctx;
		u8 a[32], b[32];
		sha256(msg, len, a);
		sha256_init(&ctx);
		for (size_t i = 0; i < len; i++)
			sha256_update(&ctx, msg + i, 1);
		sha256_final(&ctx, b);
		CHECK(memcmp(a, b, 32) == 0);
	}
	/* 448-bit message + 1 byte and the two-block FIPS vector. */
	CHECK(digest_is("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
			112, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"));
}

int main(void)
{
	RUN(test_vectors);
	RUN(test_million_a);
	RUN(test_boundaries);
	CHECK_MAIN_END();
}
