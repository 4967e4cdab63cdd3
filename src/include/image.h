/* SPDX-License-Identifier: MIT */
/*
 * Guest image formats: ELF64 (loaded by PT_LOAD program headers at p_paddr),
 * raw binaries (load address and entry from the config) and Linux arm64 Image
 * (Documentation/arch/arm64/booting.rst: placed at a 2 MiB-aligned base plus
 * text_offset). Pure parsing of a byte buffer: used by `tessera check/pack` on
 * the host and by the hypervisor when it loads a VM.
 */
#ifndef TESSERA_IMAGE_H
#define TESSERA_IMAGE_H

#include "types.h"

enum image_format {
	IMAGE_AUTO = 0,
	IMAGE_ELF,
	IMAGE_RAW,
	IMAGE_LINUX,
};

#define IMAGE_MAX_SEGMENTS 8

struct image_segment {
	ipa_t ipa;     /* guest-physical destination */
	u64 file_off;  /* offset in the image file */
	u64 file_size; /* bytes copied from the file */
	u64 mem_size;  /* bytes occupied (the rest is zeroed), >= file_size */
};

struct image_info {
	enum image_format fmt;
	ipa_t entry;
	ipa_t lo, hi; /* lowest and one-past-highest guest address occupied */
	u32 seg_count;
	struct image_segment seg[IMAGE_MAX_SEGMENTS];
};

/*
 * Parses an image. want == IMAGE_AUTO detects ELF by its magic, Linux by the
 * "ARM\x64" header magic, else raw. ram_base is where raw images go when the
 * config gives no load address, and the 2 MiB-aligned base Linux images are
 * placed above. Returns 0, or -1 with *why set to a static message.
 */
int image_probe(const u8 *data, u64 size, enum image_format want, ipa_t ram_base, bool has_load,
		ipa_t load, bool has_entry, ipa_t entry, struct image_info *out, const char **why);

const char *image_format_name(enum image_format fmt);

#endif
