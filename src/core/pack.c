/* SPDX-License-Identifier: MIT */
/*
 * System image ("pack", format in pack.h and docs/CONFIG.md). The hypervisor
 * reads it from memory a boot loader filled, so it is checked like any other
 * untrusted blob: every entry must lie inside the pack, behind the entry
 * table, be 4 KiB aligned, not overlap another entry, and have a terminated,
 * unique name. Headers are copied out with memcpy, which is alignment-safe
 * before the MMU is on; both builds are little-endian, as the format is.
 */
#include "pack.h"
#include "lib.h"
#include "sha256.h"

_Static_assert(sizeof(struct pack_header) == 88, "pack header layout");
_Static_assert(sizeof(struct pack_entry) == 176, "pack entry layout");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "pack format is little-endian");

_Static_assert(sizeof(struct pack_manifest) == 32, "manifest header layout");
_Static_assert(sizeof(struct pack_manifest_entry) == 160, "manifest entry layout");

static void pack_entry_at(const void *pack, u32 i, struct pack_entry *e)
{
	memcpy(e, (const u8 *)pack + sizeof(struct pack_header) + (u64)i * sizeof(*e), sizeof(*e));
}

void pack_entry_get(const void *pack, u32 i, struct pack_entry *e)
{
	pack_entry_at(pack, i, e);
}

u32 pack_entry_count(const void *pack)
{
	struct pack_header h;

	memcpy(&h, pack, sizeof(h));
	return h.entry_count;
}

static int pack_check_entry(const struct pack_entry *e, u64 table_end, u64 total, const char **why)
{
	u32 n = (u32)str_nlen(e->name, sizeof(e->name));

	if (n == 0 || n == sizeof(e->name)) {
		*why = "entry name empty or not NUL-terminated";
		return -1;
	}
	if (!IS_ALIGNED(e->offset, PACK_ALIGN) || e->offset < table_end) {
		*why = "entry data misaligned or inside the header";
		return -1;
	}
	if (e->offset > total || e->size > total - e->offset) {
		*why = "entry data lies outside the pack";
		return -1;
	}
	return 0;
}

int pack_check(const void *pack, u64 avail, const char **why)
{
	struct pack_header h;
	u64 table_end;

	if (avail < sizeof(h)) {
		*why = "pack truncated";
		return -1;
	}
	memcpy(&h, pack, sizeof(h));
	if (memcmp(h.magic, PACK_MAGIC, sizeof(h.magic)) != 0) {
		*why = "bad pack magic";
		return -1;
	}
	if (h.version != PACK_VERSION) {
		*why = "unsupported pack version";
		return -1;
	}
	if (h.entry_count == 0 || h.entry_count > PACK_MAX_ENTRIES) {
		*why = "bad pack entry count";
		return -1;
	}
	table_end = sizeof(h) + (u64)h.entry_count * sizeof(struct pack_entry);
	if (h.total_size > avail || h.total_size < table_end) {
		*why = "pack size exceeds the available bytes";
		return -1;
	}
	if (str_nlen(h.config_name, sizeof(h.config_name)) == sizeof(h.config_name)) {
		*why = "config name not NUL-terminated";
		return -1;
	}
	for (u32 i = 0; i < h.entry_count; i++) {
		struct pack_entry e, o;

		pack_entry_at(pack, i, &e);
		if (pack_check_entry(&e, table_end, h.total_size, why) != 0) {
			return -1;
		}
		if (i == 0 && strcmp(e.name, "config.dtb") != 0) {
			*why = "entry 0 is not config.dtb";
			return -1;
		}
		for (u32 j = 0; j < i; j++) {
			pack_entry_at(pack, j, &o);
			if (strcmp(e.name, o.name) == 0) {
				*why = "duplicate entry name";
				return -1;
			}
			if (e.size && o.size &&
			    range_overlaps(e.offset, e.size, o.offset, o.size)) {
				*why = "entries overlap";
				return -1;
			}
		}
	}
	return 0;
}

int pack_find(const void *pack, const char *name, const u8 **data, u64 *size)
{
	struct pack_header h;

	memcpy(&h, pack, sizeof(h));
	for (u32 i = 0; i < h.entry_count && i < PACK_MAX_ENTRIES; i++) {
		struct pack_entry e;

		pack_entry_at(pack, i, &e);
		if (strncmp(e.name, name, sizeof(e.name)) == 0) {
			*data = (const u8 *)pack + e.offset;
			*size = e.size;
			return 0;
		}
	}
	return -1;
}

int pack_verify(const void *pack, u32 *bad_entry, const char **why)
{
	struct pack_header h;

	memcpy(&h, pack, sizeof(h));
	for (u32 i = 0; i < h.entry_count && i < PACK_MAX_ENTRIES; i++) {
		struct pack_entry e;
		u8 sum[32];

		pack_entry_at(pack, i, &e);
		sha256((const u8 *)pack + e.offset, e.size, sum);
		if (memcmp(sum, e.sha256, sizeof(sum)) != 0) {
			*bad_entry = i;
			*why = "SHA-256 mismatch";
			return -1;
		}
	}
	return 0;
}
