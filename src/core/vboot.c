/* SPDX-License-Identifier: MIT */
/*
 * Verified boot: the manifest of a signed system image (pack.h, docs/SECURITY.md). The
 * signature is checked first, over the manifest alone; only then are its hashes trusted and
 * compared with the entries' own. Every offset was checked by pack_check; the manifest's
 * contents are checked here before use (its size, its names are terminated).
 */
#include "vboot.h"
#include "ed25519.h"
#include "lib.h"

void vboot_hash_entries(const void *pack, u8 digest[][SHA256_DIGEST_SIZE])
{
	u32 n = pack_entry_count(pack);

	for (u32 i = 0; i < n && i < PACK_MAX_ENTRIES; i++) {
		struct pack_entry e;

		pack_entry_get(pack, i, &e);
		sha256((const u8 *)pack + e.offset, e.size, digest[i]);
	}
}

/* "config" for entry 0, "image" for the others (docs/SECURITY.md). */
static void vboot_entry_fail(char *msg, size_t size, u32 i, const char *name, const char *what)
{
	fmt_snprintf(msg, size, "%s \"%s\": %s", i == 0 ? "config" : "image", name, what);
}

/* The manifest entry: the pack's last, with the right name, size and header. */
static const u8 *vboot_manifest(const void *pack, u32 *index, char *msg, size_t size)
{
	u32 n = pack_entry_count(pack);
	struct pack_manifest m;
	struct pack_entry e;

	pack_entry_get(pack, n - 1, &e);
	if (n < 2 || strncmp(e.name, PACK_MANIFEST_NAME, sizeof(e.name)) != 0) {
		fmt_snprintf(msg, size, "system image is not signed (no %s entry)",
			     PACK_MANIFEST_NAME);
		return NULL;
	}
	if (e.size != PACK_MANIFEST_SIZE(n - 1)) {
		fmt_snprintf(msg, size, "manifest: %llu bytes, %llu expected for %u entries",
			     (unsigned long long)e.size,
			     (unsigned long long)PACK_MANIFEST_SIZE(n - 1), n - 1);
		return NULL;
	}
	memcpy(&m, (const u8 *)pack + e.offset, sizeof(m));
	if (memcmp(m.magic, PACK_MANIFEST_MAGIC, sizeof(m.magic)) != 0 ||
	    m.format != PACK_MANIFEST_VERSION) {
		fmt_snprintf(msg, size, "manifest: bad magic or unsupported format");
		return NULL;
	}
	*index = n - 1;
	return (const u8 *)pack + e.offset;
}

static int vboot_signature(const u8 *man, u32 count, const u8 (*keys)[VBOOT_KEY_SIZE], u32 nkeys,
			   u32 *key)
{
	u64 body = PACK_MANIFEST_SIZE(count) - PACK_SIGNATURE_SIZE;

	for (u32 k = 0; k < nkeys; k++) {
		if (ed25519_verify(man + body, man, body, keys[k]) == 0) {
			*key = k;
			return 0;
		}
	}
	return -1;
}

static int vboot_entries(const void *pack, const u8 *man, u32 count,
			 const u8 (*digest)[SHA256_DIGEST_SIZE], char *msg, size_t size)
{
	for (u32 i = 0; i < count; i++) {
		struct pack_manifest_entry me;
		struct pack_entry e;

		memcpy(&me,
		       man + sizeof(struct pack_manifest) +
			   (u64)i * sizeof(struct pack_manifest_entry),
		       sizeof(me));
		pack_entry_get(pack, i, &e);
		if (strncmp(me.name, e.name, sizeof(e.name)) != 0) {
			vboot_entry_fail(msg, size, i, e.name, "not the entry the manifest lists");
			return -1;
		}
		if (me.size != e.size) {
			vboot_entry_fail(msg, size, i, e.name, "size does not match the manifest");
			return -1;
		}
		if (memcmp(me.sha256, digest[i], SHA256_DIGEST_SIZE) != 0) {
			vboot_entry_fail(msg, size, i, e.name,
					 "SHA-256 does not match the manifest");
			return -1;
		}
	}
	return 0;
}

int vboot_verify(const void *pack, const u8 (*keys)[VBOOT_KEY_SIZE], u32 nkeys,
		 const u8 (*digest)[SHA256_DIGEST_SIZE], struct vboot_result *res, char *msg,
		 size_t msg_size)
{
	struct pack_manifest m;
	const u8 *man = vboot_manifest(pack, &res->manifest, msg, msg_size);

	if (!man) {
		return -1;
	}
	memcpy(&m, man, sizeof(m));
	/* The size check above fixed the count: the manifest covers every other entry. */
	if (m.entry_count != res->manifest) {
		fmt_snprintf(msg, msg_size, "manifest: lists %u entries, the image has %u",
			     m.entry_count, res->manifest);
		return -1;
	}
	if (vboot_signature(man, m.entry_count, keys, nkeys, &res->key) != 0) {
		fmt_snprintf(msg, msg_size, "manifest: signature matches no trusted key (%u known)",
			     nkeys);
		return -1;
	}
	res->version = m.version;
	return vboot_entries(pack, man, m.entry_count, digest, msg, msg_size);
}
