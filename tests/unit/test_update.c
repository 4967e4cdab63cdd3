/* SPDX-License-Identifier: MIT */
/*
 * update_bundle_verify (src/core/update_bundle.c) on bundles built here and signed with
 * libsodium, as `tessera pack --update` does: a good one with either of two trusted keys,
 * and every refusal with its message (too short, magic, names, reserved bytes, sizes, a
 * wrong key, a changed header, a changed image byte).
 */
#include <sodium.h>
#include <string.h>

#include "check.h"
#include "lib.h"
#include "sha256.h"
#include "update_format.h"

#define IMG 1001U /* not a multiple of 4: the bundle has padding */

static _Alignas(8) u8 b[UPDATE_BUNDLE_SIZE(IMG)];
static u8 pk[2][32], sk[2][64];
static char msg[200];
static struct update_header h;

static struct update_header *hdr(void)
{
	return (struct update_header *)b;
}

static void sign(int k)
{
	crypto_sign_detached(b + UPDATE_HEADER_SIZE, NULL, b, UPDATE_HEADER_SIZE, sk[k]);
}

/* VM "app", version 7, an image of IMG bytes, signed with key k. */
static void build(int k)
{
	memset(b, 0, sizeof(b));
	memcpy(hdr()->magic, UPDATE_MAGIC, 8);
	hdr()->format = UPDATE_FORMAT;
	hdr()->header_size = UPDATE_HEADER_SIZE;
	hdr()->version = 7;
	hdr()->image_size = IMG;
	str_copy(hdr()->vm, "app", sizeof(hdr()->vm));
	str_copy(hdr()->image, "app.elf", sizeof(hdr()->image));
	for (u32 i = 0; i < IMG; i++) {
		b[UPDATE_DATA_OFFSET + i] = (u8)(i * 7);
	}
	sha256(b + UPDATE_DATA_OFFSET, IMG, hdr()->image_sha256);
	sign(k);
}

static int verify(u64 size)
{
	msg[0] = '\0';
	return update_bundle_verify(b, size, (const u8(*)[32])pk, 2, &h, msg, sizeof(msg));
}

static void test_good(void)
{
	for (int k = 0; k < 2; k++) {
		build(k);
		CHECK_EQ(verify(sizeof(b)), 0);
		CHECK_EQ(h.version, 7);
		CHECK_EQ(h.image_size, IMG);
		CHECK(strcmp(h.vm, "app") == 0);
	}
	CHECK_EQ(sizeof(b) % 4, 0);
}

static void expect_refused(u64 size, const char *want)
{
	CHECK_EQ(verify(size), -1);
	if (strcmp(msg, want) != 0) {
		printf("  got \"%s\"\n  want \"%s\"\n", msg, want);
		CHECK(0);
	}
}

static void test_refused(void)
{
	build(0);
	expect_refused(UPDATE_DATA_OFFSET - 1, "bundle: 319 bytes, shorter than its header");
	expect_refused(sizeof(b) + 4, "bundle: image size does not match the bundle's size");
	expect_refused(sizeof(b) - 4, "bundle: image size does not match the bundle's size");
	hdr()->magic[0] ^= 1;
	expect_refused(sizeof(b),
		       "bundle: not a Tessera update bundle (magic, format or header size)");
	build(0);
	hdr()->format = 2;
	expect_refused(sizeof(b),
		       "bundle: not a Tessera update bundle (magic, format or header size)");
	build(0);
	memset(hdr()->vm, 'x', sizeof(hdr()->vm));
	expect_refused(sizeof(b), "bundle: VM or image name empty or not terminated");
	build(0);
	hdr()->vm[0] = '\0';
	expect_refused(sizeof(b), "bundle: VM or image name empty or not terminated");
	build(0);
	hdr()->reserved[3] = 1;
	expect_refused(sizeof(b), "bundle: reserved header bytes are not zero");
	build(0);
	hdr()->image_size = ~0ULL;
	expect_refused(sizeof(b), "bundle: image size does not match the bundle's size");
}

static void test_tampered(void)
{
	u8 other_pk[32], other_sk[64];

	crypto_sign_keypair(other_pk, other_sk);
	build(0);
	crypto_sign_detached(b + UPDATE_HEADER_SIZE, NULL, b, UPDATE_HEADER_SIZE, other_sk);
	expect_refused(sizeof(b), "signature matches no trusted key (2 known)");
	build(1);
	hdr()->version = 8; /* the header is signed: any change */
	expect_refused(sizeof(b), "signature matches no trusted key (2 known)");
	build(1);
	b[UPDATE_HEADER_SIZE + 5] ^= 0x10; /* the signature itself */
	expect_refused(sizeof(b), "signature matches no trusted key (2 known)");
	build(1);
	b[UPDATE_DATA_OFFSET + IMG / 2] ^= 1;
	expect_refused(sizeof(b), "image: SHA-256 does not match the signed header");
	build(1);
	b[sizeof(b) - 1] = 0xaa; /* padding: not part of the image, not signed */
	CHECK_EQ(verify(sizeof(b)), 0);
}

int main(void)
{
	if (sodium_init() < 0) {
		return 1;
	}
	for (int k = 0; k < 2; k++) {
		crypto_sign_keypair(pk[k], sk[k]);
	}
	RUN(test_good);
	RUN(test_refused);
	RUN(test_tampered);
	CHECK_MAIN_END();
}
