/* SPDX-License-Identifier: MIT */
/*
 * `tessera pack CONFIG.dts -o OUT.img [--sign KEY] [--version N]`: writes the system image
 * (pack.h format); signed, with a manifest entry last (docs/SECURITY.md).
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "sha256.h"
#include "tessera.h"

static void pack_put_entry(u8 *img, u32 idx, const char *name, u64 off, const void *data,
			   size_t size)
{
	struct pack_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", name);
	e.offset = off;
	e.size = size;
	memcpy(img + off, data, size);
	sha256(img + off, size, e.sha256);
	memcpy(img + sizeof(struct pack_header) + idx * sizeof(e), &e, sizeof(e));
}

/* The manifest of entries 0..count-1 (already written), signed, as entry count. */
static int pack_put_manifest(u8 *img, u32 count, u64 off, const struct tool_sign *sign)
{
	u64 size = PACK_MANIFEST_SIZE(count);
	u8 *man = calloc(1, size);
	struct pack_manifest m;
	int rc;

	if (!man) {
		return -1;
	}
	memset(&m, 0, sizeof(m));
	memcpy(m.magic, PACK_MANIFEST_MAGIC, sizeof(m.magic));
	m.format = PACK_MANIFEST_VERSION;
	m.entry_count = count;
	m.version = sign->version;
	memcpy(man, &m, sizeof(m));
	for (u32 i = 0; i < count; i++) {
		struct pack_manifest_entry me;
		struct pack_entry e;

		memcpy(&e, img + sizeof(struct pack_header) + i * sizeof(e), sizeof(e));
		memset(&me, 0, sizeof(me));
		memcpy(me.name, e.name, sizeof(me.name));
		me.size = e.size;
		memcpy(me.sha256, e.sha256, sizeof(me.sha256));
		memcpy(man + sizeof(m) + i * sizeof(me), &me, sizeof(me));
	}
	rc = tool_sign_bytes(sign->key_path, man, size - PACK_SIGNATURE_SIZE,
			     man + size - PACK_SIGNATURE_SIZE);
	if (rc == 0) {
		pack_put_entry(img, count, PACK_MANIFEST_NAME, off, man, size);
	}
	free(man);
	return rc;
}

int tool_build_pack(const struct tool_config *tc, const struct tool_sign *sign, u8 **out,
		    size_t *size)
{
	bool sig = sign && sign->key_path;
	u32 count = 1 + tc->file_count + (sig ? 1 : 0);
	u64 off =
	    ALIGN_UP(sizeof(struct pack_header) + count * sizeof(struct pack_entry), PACK_ALIGN);
	struct pack_header h;
	char base[4096];
	u8 *img = calloc(1, tc->pack_size);

	if (!img) {
		return -1;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, PACK_MAGIC, sizeof(h.magic));
	h.version = PACK_VERSION;
	h.entry_count = count;
	h.total_size = tc->pack_size;
	snprintf(base, sizeof(base), "%s", tc->dts_path);
	snprintf(h.config_name, sizeof(h.config_name), "%s", basename(base));
	memcpy(img, &h, sizeof(h));
	pack_put_entry(img, 0, "config.dtb", off, tc->dtb, tc->dtb_size);
	off += ALIGN_UP(tc->dtb_size, PACK_ALIGN);
	for (u32 i = 0; i < tc->file_count; i++) {
		const struct tool_file *f = &tc->files[i];
		pack_put_entry(img, 1 + i, f->name, off, f->data, f->size);
		off += ALIGN_UP(f->size, PACK_ALIGN);
	}
	if (sig && (!tc->with_manifest || pack_put_manifest(img, count - 1, off, sign) != 0)) {
		free(img);
		return -1;
	}
	*out = img;
	*size = tc->pack_size;
	return 0;
}

int tool_pack_to(const char *dts, const char *out, struct tool_config *tc,
		 const struct tool_sign *sign)
{
	const char *why = "";
	size_t size;
	u8 *img;

	if (tool_load_ex(dts, tc, sign && sign->key_path) != 0) {
		return -1;
	}
	for (u32 i = 0; i < tc->file_count; i++) {
		if (strcmp(tc->files[i].name, PACK_MANIFEST_NAME) == 0) {
			fprintf(stderr, "%s: an image may not be named %s (the manifest's name)\n",
				dts, PACK_MANIFEST_NAME);
			return -1;
		}
	}
	if (tool_build_pack(tc, sign, &img, &size) != 0) {
		fprintf(stderr, "%s: system image not written\n", dts);
		return -1;
	}
	if (pack_check(img, size, &why) != 0) { /* our own writer against our own reader */
		fprintf(stderr, "%s: internal error: pack rejected: %s\n", dts, why);
		free(img);
		return -1;
	}
	if (tool_write_file(out, img, size) != 0) {
		fprintf(stderr, "%s: %s\n", out, strerror(errno));
		free(img);
		return -1;
	}
	free(img);
	return 0;
}

int cmd_pack(int argc, char **argv)
{
	const char *dts = NULL, *out = NULL;
	struct tool_sign sign = {NULL, 0};
	struct tool_config *tc;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--update") == 0) {
			return cmd_pack_update(argc, argv); /* a signed single-VM update */
		}
	}
	for (int i = 1; i < argc; i++) {
		int s = tool_sign_option(argc, argv, &i, &sign);

		if (s < 0) {
			return 2;
		} else if (s > 0) {
			continue;
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			out = argv[++i];
		} else if (!dts && argv[i][0] != '-') {
			dts = argv[i];
		} else {
			dts = NULL;
			break;
		}
	}
	if (!dts || !out) {
		fprintf(stderr,
			"usage: tessera pack CONFIG.dts -o OUT.img [--sign KEY] [--version N]\n");
		return 2;
	}
	tc = calloc(1, sizeof(*tc));
	if (!tc) {
		return 1;
	}
	rc = tool_pack_to(dts, out, tc, &sign);
	if (rc == 0 && sign.key_path) {
		printf("%s: wrote %s (%llu bytes, %u entries, signed with %s, version %llu)\n", dts,
		       out, (unsigned long long)tc->pack_size, 2 + tc->file_count, sign.key_path,
		       (unsigned long long)sign.version);
	} else if (rc == 0) {
		printf("%s: wrote %s (%llu bytes, %u entries)\n", dts, out,
		       (unsigned long long)tc->pack_size, 1 + tc->file_count);
	}
	tool_free(tc);
	free(tc);
	return rc == 0 ? 0 : 1;
}
