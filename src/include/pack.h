/* SPDX-License-Identifier: MIT */
/*
 * System image ("pack"): one blob holding the compiled config DTB and every
 * guest image it names, made by `tessera pack`, loaded at LAYOUT_PACK_BASE.
 * All integers little-endian. Entry 0 is the config DTB, named "config.dtb".
 * Other entries are named by the exact string the config uses in its
 * "image"/"initrd" property. Entry data start on 4 KiB boundaries.
 */
#ifndef TESSERA_PACK_H
#define TESSERA_PACK_H

#include "types.h"

#define PACK_MAGIC	 "TESSPACK"
#define PACK_VERSION	 1U
#define PACK_NAME_MAX	 120
#define PACK_MAX_ENTRIES 32
#define PACK_ALIGN	 4096U

struct pack_header {
	char magic[8];
	u32 version;
	u32 entry_count;
	u64 total_size;	      /* whole pack in bytes */
	char config_name[64]; /* the .dts file name, for error messages */
};

struct pack_entry {
	char name[PACK_NAME_MAX]; /* NUL-terminated */
	u32 reserved;
	u32 pad;    /* explicit: keeps offset 8-byte aligned on every ABI */
	u64 offset; /* from the start of the pack */
	u64 size;
	u8 sha256[32];
};

/*
 * Manifest of a signed system image (`tessera pack --sign`, docs/SECURITY.md): the data of
 * the pack's last entry, named PACK_MANIFEST_NAME. A header, one pack_manifest_entry per
 * other pack entry in the same order (config.dtb first), then the Ed25519 signature of
 * every byte before it.
 */
#define PACK_MANIFEST_NAME    "tessera.manifest"
#define PACK_MANIFEST_MAGIC   "TESSMANF"
#define PACK_MANIFEST_VERSION 1U
#define PACK_SIGNATURE_SIZE   64U

struct pack_manifest {
	char magic[8];
	u32 format;	 /* PACK_MANIFEST_VERSION */
	u32 entry_count; /* signed entries: every pack entry but the manifest */
	u64 version;	 /* the system image's version (`tessera pack --version N`) */
	u8 reserved[8];	 /* zero */
};

struct pack_manifest_entry {
	char name[PACK_NAME_MAX]; /* as in the pack entry, NUL-padded */
	u64 size;
	u8 sha256[32];
};

/* Bytes of a manifest for n signed entries, signature included. */
#define PACK_MANIFEST_SIZE(n)                                                           \
	(sizeof(struct pack_manifest) + (u64)(n) * sizeof(struct pack_manifest_entry) + \
	 PACK_SIGNATURE_SIZE)

/* Validates header and entry table against avail bytes; returns 0 or -1 (*why). */
int pack_check(const void *pack, u64 avail, const char **why);
/* Finds an entry by name in a checked pack; returns 0 or -1. */
int pack_find(const void *pack, const char *name, const u8 **data, u64 *size);
/* Recomputes every entry's SHA-256 in a checked pack; returns 0 or -1 (*why, *bad_entry). */
int pack_verify(const void *pack, u32 *bad_entry, const char **why);
/* Entry i of a checked pack (i < its entry_count). */
void pack_entry_get(const void *pack, u32 i, struct pack_entry *e);
/* Number of entries of a checked pack. */
u32 pack_entry_count(const void *pack);

#endif
