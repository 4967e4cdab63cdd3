/* SPDX-License-Identifier: MIT */
/*
 * vboot_verify (src/core/vboot.c) on signed system images built here, signed with
 * libsodium as `tessera pack --sign` does: a good image with either of two trusted keys,
 * and every refusal with its message (no manifest, its size, magic, entry count, a wrong
 * key, a changed manifest, an entry's name, size or bytes: config or image).
 */
#include <sodium.h>
#include <string.h>

#include "check.h"
#include "lib.h"
#include "vboot.h"

#define TOTAL 0x5000U
#define MAN   0x4000U /* the manifest's offset */

static _Alignas(8) u8 img[TOTAL];
static u8 pk[2][32], sk[2][64];
static u8 digest[PACK_MAX_ENTRIES][32];
static char msg[VBOOT_MSG_MAX];
static struct vboot_result res;

static struct pack_entry *ent(u32 i)
{
	return (struct pack_entry *)(img + sizeof(struct pack_header)) + i;
}

static void set_entry(u32 i, const char *name, u64 off, u64 size)
{
	struct pack_entry *e = ent(i);

	memset(e, 0, sizeof(*e));
	str_copy(e->name, name, sizeof(e->name));
	e->offset = off;
	e->size = size;
	for (u64 b = 0; b < size && off + b < MAN; b++) {
		img[off + b] = (u8)(b * 3 + i);
	}
	sha256(img + off, size, e->sha256);
}

/* Signs the manifest as it stands with key k. */
static void sign(int k)
{
	u64 body = PACK_MANIFEST_SIZE(3) - PACK_SIGNATURE_SIZE;

	crypto_sign_detached(img + MAN + body, NULL, img + MAN, body, sk[k]);
}

/* config.dtb, a.elf, b.bin and the manifest over them (version 9), signed with key k. */
static void build(int k)
{
	struct pack_header *h = (struct pack_header *)img;
	struct pack_manifest m;

	memset(img, 0, sizeof(img));
	memcpy(h->magic, PACK_MAGIC, 8);
	h->version = PACK_VERSION;
	h->entry_count = 4;
	h->total_size = TOTAL;
	set_entry(0, "config.dtb", 0x1000, 0x200);
	set_entry(1, "a.elf", 0x2000, 0x1000);
	set_entry(2, "b.bin", 0x3000, 0x10);
	memset(&m, 0, sizeof(m));
	memcpy(m.magic, PACK_MANIFEST_MAGIC, 8);
	m.format = PACK_MANIFEST_VERSION;
	m.entry_count = 3;
	m.version = 9;
	memcpy(img + MAN, &m, sizeof(m));
	for (u32 i = 0; i < 3; i++) {
		struct pack_manifest_entry me;

		memset(&me, 0, sizeof(me));
		memcpy(me.name, ent(i)->name, sizeof(me.name));
		me.size = ent(i)->size;
		memcpy(me.sha256, ent(i)->sha256, 32);
		memcpy(img + MAN + sizeof(m) + i * sizeof(me), &me, sizeof(me));
	}
	sign(k);
	set_entry(3, PACK_MANIFEST_NAME, MAN, PACK_MANIFEST_SIZE(3));
}

/* Checks the pack, hashes it as the boot does, verifies it against both keys. */
static int verify(void)
{
	const char *why = NULL;

	memset(msg, 0, sizeof(msg));
	if (pack_check(img, TOTAL, &why) != 0) {
		printf("  pack_check: %s\n", why);
		return -2;
	}
	vboot_hash_entries(img, digest);
	return vboot_verify(img, (const u8(*)[32])pk, 2, (const u8(*)[32])digest, &res, msg,
			    sizeof(msg));
}

static int refused_with(const char *want)
{
	int r = verify();

	if (r != -1 || strcmp(msg, want) != 0) {
		printf("  got %d \"%s\"\n  want -1 \"%s\"\n", r, msg, want);
		return 0;
	}
	return 1;
}

static void test_good(void)
{
	build(0);
	CHECK_EQ(verify(), 0);
	CHECK_EQ(res.version, 9);
	CHECK_EQ(res.key, 0);
	CHECK_EQ(res.manifest, 3);
	build(1); /* the second trusted key */
	CHECK_EQ(verify(), 0);
	CHECK_EQ(res.key, 1);
}

static void test_unsigned_and_malformed(void)
{
	build(0);
	str_copy(ent(3)->name, "c.bin", PACK_NAME_MAX);
	CHECK(refused_with("system image is not signed (no tessera.manifest entry)"));
	build(0);
	ent(3)->size -= 1;
	CHECK(refused_with("manifest: 575 bytes, 576 expected for 3 entries"));
	build(0);
	img[MAN] ^= 1; /* magic */
	CHECK(refused_with("manifest: bad magic or unsupported format"));
	build(0);
	img[MAN + 12] = 2; /* entry_count */
	CHECK(refused_with("manifest: lists 2 entries, the image has 3"));
}

static void test_signature(void)
{
	u8 other_pk[32], other_sk[64];

	build(0);
	crypto_sign_keypair(other_pk, other_sk);
	crypto_sign_detached(img + MAN + PACK_MANIFEST_SIZE(3) - PACK_SIGNATURE_SIZE, NULL,
			     img + MAN, PACK_MANIFEST_SIZE(3) - PACK_SIGNATURE_SIZE, other_sk);
	CHECK(refused_with("manifest: signature matches no trusted key (2 known)"));
	/* Every byte of the signed body and of the signature matters. */
	for (u64 i = 0; i < PACK_MANIFEST_SIZE(3); i += 7) {
		build(0);
		img[MAN + i] ^= 0x40;
		CHECK(verify() == -1);
	}
	/* The version is signed too: a rollback attempt by editing it is refused. */
	build(0);
	img[MAN + 16] = 10;
	CHECK(refused_with("manifest: signature matches no trusted key (2 known)"));
}

static void test_entries(void)
{
	build(0);
	img[0x1000 + 17] ^= 1; /* config bytes: entry table hash updated, manifest not */
	sha256(img + 0x1000, 0x200, ent(0)->sha256);
	CHECK(refused_with("config \"config.dtb\": SHA-256 does not match the manifest"));
	build(0);
	img[0x2000 + 0xfff] ^= 0x80;
	CHECK(refused_with("image \"a.elf\": SHA-256 does not match the manifest"));
	build(0);
	str_copy(ent(2)->name, "c.bin", PACK_NAME_MAX);
	CHECK(refused_with("image \"c.bin\": not the entry the manifest lists"));
	build(0);
	ent(2)->size = 0xf;
	CHECK(refused_with("image \"b.bin\": size does not match the manifest"));
}

int main(void)
{
	if (sodium_init() < 0) {
		return 1;
	}
	crypto_sign_keypair(pk[0], sk[0]);
	crypto_sign_keypair(pk[1], sk[1]);
	RUN(test_good);
	RUN(test_unsigned_and_malformed);
	RUN(test_signature);
	RUN(test_entries);
	CHECK_MAIN_END();
}
