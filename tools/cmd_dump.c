/* SPDX-License-Identifier: MIT */
/* `tessera dump IMG`: lists a system image's entries and verifies their hashes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "sha256.h"
#include "tessera.h"

int cmd_dump(int argc, char **argv)
{
	const char *why = "";
	struct pack_header h;
	size_t size;
	u8 *img;
	int bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: tessera dump IMG\n");
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
	free(img);
	return bad ? 1 : 0;
}
