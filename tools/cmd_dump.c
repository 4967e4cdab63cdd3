/* SPDX-License-Identifier: MIT */
/*
 * `tessera dump IMG [--key PUB]`: lists a system image's entries and verifies their hashes;
 * for a signed image, its manifest, and with --key the verification the hypervisor does at
 * boot (vboot_verify, the same code).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "sha256.h"
#include "tessera.h"
#include "vboot.h"

/* The manifest line, and with a public key file the boot's verification. 0 or 1 (bad). */
static int dump_manifest(const u8 *img, const char *key_path)
{
	static u8 digest[PACK_MAX_ENTRIES][SHA256_DIGEST_SIZE];
	u8 key[1][VBOOT_KEY_SIZE];
	struct vboot_result res;
	struct pack_manifest m;
	struct pack_entry e;
	char msg[VBOOT_MSG_MAX];
	u32 n = pack_entry_count(img);

	pack_entry_get(img, n - 1, &e);
	if (strcmp(e.name, PACK_MANIFEST_NAME) != 0 || e.size < sizeof(m)) {
		printf("not signed (no %s entry)\n", PACK_MANIFEST_NAME);
		return key_path ? 1 : 0;
	}
	memcpy(&m, img + e.offset, sizeof(m));
	printf("manifest: version %llu, %u entries listed\n", (unsigned long long)m.version,
	       m.entry_count);
	if (!key_path) {
		return 0;
	}
	if (tool_read_public_key(key_path, key[0]) != 0) {
		return 1;
	}
	vboot_hash_entries(img, digest);
	if (vboot_verify(img, (const u8(*)[VBOOT_KEY_SIZE])key, 1,
			 (const u8(*)[SHA256_DIGEST_SIZE])digest, &res, msg, sizeof(msg)) != 0) {
		printf("verification with %s: refused: %s\n", key_path, msg);
		return 1;
	}
	printf("verification with %s: good (what a hypervisor trusting it boots)\n", key_path);
	return 0;
}

int cmd_dump(int argc, char **argv)
{
	const char *why = "";
	struct pack_header h;
	size_t size;
	u8 *img;
	int bad = 0;

	const char *key_path = NULL;

	if (argc == 4 && strcmp(argv[2], "--key") == 0) {
		key_path = argv[3];
	} else if (argc != 2) {
		fprintf(stderr, "usage: tessera dump IMG [--key PUB]\n");
		return 2;
	}
	if (tool_read_file(argv[1], &img, &size) != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (pack_check(img, size, &why) != 0) {
		fprintf(stderr, "%s: not a valid system image: %s\n", argv[1], why);
		free(img);
		return 1;
	}
	memcpy(&h, img, sizeof(h));
	printf("%s: pack v%u, config %s, %llu bytes, %u entries\n", argv[1], h.version,
	       h.config_name, (unsigned long long)h.total_size, h.entry_count);
	for (u32 i = 0; i < h.entry_count; i++) {
		struct pack_entry e;
		u8 sum[32];

		memcpy(&e, img + sizeof(h) + i * sizeof(e), sizeof(e));
		sha256(img + e.offset, e.size, sum);
		bool ok = memcmp(sum, e.sha256, sizeof(sum)) == 0;
		bad |= !ok;
		printf("  %2u  0x%08llx  %10llu  ", i, (unsigned long long)e.offset,
		       (unsigned long long)e.size);
		for (u32 j = 0; j < 8; j++) {
			printf("%02x", e.sha256[j]);
		}
		printf("  %s  %s\n", ok ? "ok " : "BAD", e.name);
	}
	bad |= dump_manifest(img, key_path);
	free(img);
	return bad ? 1 : 0;
}
