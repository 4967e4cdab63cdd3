/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the guest image parsers (src/core/image.c: ELF64,
 * Linux arm64 Image, raw). Input byte 0 picks the requested format and which
 * of load address / entry the config gives; the rest is the image, in an
 * exact-size heap buffer. An accepted image must describe only what the
 * loader can do safely: every segment's file bytes inside the image, file
 * size <= memory size, no address arithmetic that wraps, and [lo, hi)
 * covering every segment.
 */
#include <string.h>

#include "fuzz_input.h"
#include "image.h"

#define RAM_BASE 0x40000000ULL

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct image_info info;
	const char *why = NULL;
	u8 mode = size ? data[0] : 0;
	u64 n = size ? size - 1 : 0;
	u8 *img = malloc(n ? n : 1);

	if (!img) {
		return 0;
	}
	memcpy(img, data + (size ? 1 : 0), n);
	enum image_format want = (enum image_format)(mode & 3);
	bool has_load = mode & 4, has_entry = mode & 8;
	ipa_t load = (mode & 16) ? 0x40080000ULL : 0xfffffffffffff000ULL;
	ipa_t entry = (mode & 32) ? load : load + 0x1000;

	if (image_probe(img, n, want, RAM_BASE, has_load, load, has_entry, entry, &info, &why) ==
	    0) {
		FUZZ_ASSERT(info.fmt != IMAGE_AUTO);
		FUZZ_ASSERT(want == IMAGE_AUTO || info.fmt == want);
		FUZZ_ASSERT(info.seg_count >= 1 && info.seg_count <= IMAGE_MAX_SEGMENTS);
		FUZZ_ASSERT(info.lo < info.hi);
		for (u32 i = 0; i < info.seg_count; i++) {
			const struct image_segment *s = &info.seg[i];

			FUZZ_ASSERT(s->file_size <= s->mem_size);
			FUZZ_ASSERT(s->file_off <= n && s->file_size <= n - s->file_off);
			FUZZ_ASSERT(s->ipa + s->mem_size >= s->ipa);
			FUZZ_ASSERT(s->mem_size == 0 ||
				    (s->ipa >= info.lo && s->ipa + s->mem_size <= info.hi));
			if (s->file_size) {
				/* What the loader copies must be readable. */
				volatile u8 sink = img[s->file_off + s->file_size - 1];
				(void)sink;
			}
		}
		(void)image_format_name(info.fmt);
	} else {
		FUZZ_ASSERT(why != NULL && why[0] != 0);
	}
	free(img);
	return 0;
}
