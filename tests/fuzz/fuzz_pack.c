/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the system image reader (src/core/pack.c), the boot
 * CPU's first look at the blob it was given. The input is a pack, in an
 * exact-size heap buffer. If pack_check() accepts it, every entry pack_find()
 * returns must lie inside the pack, pack_verify() and the verified-boot check
 * (vboot_verify, on a manifest entry) must run clean of memory errors, and the
 * config entry is fed on to config_parse() as boot does.
 */
#include <string.h>

#include "config.h"
#include "fuzz_input.h"
#include "pack.h"
#include "vboot.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	const char *why = NULL;
	u8 *pack = malloc(size ? size : 1);

	if (!pack) {
		return 0;
	}
	memcpy(pack, data, size);
	if (pack_check(pack, size, &why) != 0) {
		FUZZ_ASSERT(why != NULL && why[0] != 0);
		free(pack);
		return 0;
	}
	struct pack_header h;
	memcpy(&h, pack, sizeof(h));
	FUZZ_ASSERT(h.total_size <= size);
	for (u32 i = 0; i < h.entry_count; i++) {
		struct pack_entry e;
		const u8 *d = NULL;
		u64 n = 0;

		memcpy(&e, pack + sizeof(h) + (u64)i * sizeof(e), sizeof(e));
		FUZZ_ASSERT(memchr(e.name, 0, sizeof(e.name)) != NULL);
		FUZZ_ASSERT(pack_find(pack, e.name, &d, &n) == 0);
		FUZZ_ASSERT(d >= pack && (u64)(d - pack) <= h.total_size);
		FUZZ_ASSERT(n <= h.total_size - (u64)(d - pack));
	}
	const u8 *d = NULL;
	u64 n = 0;
	FUZZ_ASSERT(pack_find(pack, "config.dtb", &d, &n) == 0);
	(void)pack_find(pack, "", &d, &n);
	u32 bad = 0;
	(void)pack_verify(pack, &bad, &why);
	/* The boot's verified-boot step on the same bytes (any key: the manifest's own checks
	 * run before and after the signature's). */
	static u8 digest[PACK_MAX_ENTRIES][32];
	static const u8 key[1][VBOOT_KEY_SIZE] = {{1}};
	struct vboot_result res;
	char msg[VBOOT_MSG_MAX];
	vboot_hash_entries(pack, digest);
	if (vboot_verify(pack, key, 1, (const u8(*)[32])digest, &res, msg, sizeof(msg)) != 0) {
		FUZZ_ASSERT(memchr(msg, 0, sizeof(msg)) != NULL && msg[0] != 0);
	}
	FUZZ_ASSERT(pack_find(pack, "config.dtb", &d, &n) == 0);

	struct platform plat;
	static struct config cfg;
	struct config_error err;
	platform_default(&plat);
	(void)config_parse(d, n, &plat, &cfg, &err);
	free(pack);
	return 0;
}
