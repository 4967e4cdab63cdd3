/* SPDX-License-Identifier: MIT */
/*
 * Guest image parsing. The bytes come from a file or the system image and are
 * treated as hostile: every offset and size is checked against the buffer and
 * for overflow before it is used, and the result only describes where bytes
 * go; the caller checks that against the VM's RAM (config_vm_layout).
 */
#include "image.h"
#include "layout.h"
#include "lib.h"

/* ELF-64 Object File Format 1.5; the machine is the architecture's (GUEST_ELF_MACHINE). */
#define ELF_EHDR_SIZE 64U
#define ELF_PHDR_SIZE 56U
#define ELF_ET_EXEC   2U
#define ELF_PT_LOAD   1U
#define ELF_PN_XNUM   0xffffU

/* Documentation/arch/arm64/booting.rst, "Call the kernel image" (the architecture's magic:
 * GUEST_LINUX_MAGIC). */
#define LINUX_MAGIC_OFF	      0x38U
#define LINUX_HDR_SIZE	      64U
#define LINUX_OLD_TEXT_OFFSET 0x80000ULL
#define LINUX_FLAG_BIG_ENDIAN 1ULL

const char *image_format_name(enum image_format fmt)
{
	switch (fmt) {
	case IMAGE_ELF:
		return "elf";
	case IMAGE_RAW:
		return "raw";
	case IMAGE_LINUX:
		return "linux";
	default:
		return "auto";
	}
}

static bool image_is_elf(const u8 *d, u64 size)
{
	return size >= 4 && d[0] == 0x7f && d[1] == 'E' && d[2] == 'L' && d[3] == 'F';
}

static bool image_is_linux(const u8 *d, u64 size)
{
	return size >= LINUX_HDR_SIZE && le32_load(d + LINUX_MAGIC_OFF) == GUEST_LINUX_MAGIC;
}

/* Adds a segment after checking it against the file and the others. */
static int image_add_segment(struct image_info *out, ipa_t ipa, u64 off, u64 filesz, u64 memsz,
			     u64 size, const char **why)
{
	struct image_segment *s;

	if (filesz > memsz) {
		*why = "segment file size exceeds its memory size";
		return -1;
	}
	if (off > size || filesz > size - off) {
		*why = "segment data lies outside the file";
		return -1;
	}
	if (memsz == 0 || ipa + memsz < ipa) {
		*why = "segment is empty or wraps the address space";
		return -1;
	}
	if (out->seg_count == IMAGE_MAX_SEGMENTS) {
		*why = "too many loadable segments";
		return -1;
	}
	for (u32 i = 0; i < out->seg_count; i++) {
		if (range_overlaps(ipa, memsz, out->seg[i].ipa, out->seg[i].mem_size)) {
			*why = "loadable segments overlap";
			return -1;
		}
	}
	s = &out->seg[out->seg_count++];
	s->ipa = ipa;
	s->file_off = off;
	s->file_size = filesz;
	s->mem_size = memsz;
	if (out->seg_count == 1 || ipa < out->lo) {
		out->lo = ipa;
	}
	if (out->seg_count == 1 || ipa + memsz > out->hi) {
		out->hi = ipa + memsz;
	}
	return 0;
}

static int image_check_elf_header(const u8 *d, u64 size, const char **why)
{
	if (size < ELF_EHDR_SIZE || !image_is_elf(d, size)) {
		*why = "not an ELF file";
		return -1;
	}
	if (d[4] != 2 || d[5] != 1 || d[6] != 1) {
		*why = "not a 64-bit little-endian ELF file";
		return -1;
	}
	if (le16_load(d + 16) != ELF_ET_EXEC) {
		*why = "ELF file is not an executable (ET_EXEC)";
		return -1;
	}
	if (le16_load(d + 18) != GUEST_ELF_MACHINE) {
		*why = "ELF file is not for " GUEST_ELF_MACHINE_NAME;
		return -1;
	}
	if (le16_load(d + 54) != ELF_PHDR_SIZE || le16_load(d + 56) == ELF_PN_XNUM) {
		*why = "unsupported ELF program header table";
		return -1;
	}
	return 0;
}

/* PT_LOAD segments go to p_paddr (the MMU is off at guest entry); e_entry is a
 * virtual address, translated through the segment that contains it. */
static int image_parse_elf(const u8 *d, u64 size, struct image_info *out, const char **why)
{
	u64 phoff, entry;
	u32 phnum;
	bool entry_found = false;

	if (image_check_elf_header(d, size, why) != 0) {
		return -1;
	}
	entry = le64_load(d + 24);
	phoff = le64_load(d + 32);
	phnum = le16_load(d + 56);
	if (phoff > size || (u64)phnum * ELF_PHDR_SIZE > size - phoff) {
		*why = "ELF program headers lie outside the file";
		return -1;
	}
	for (u32 i = 0; i < phnum; i++) {
		const u8 *ph = d + phoff + (u64)i * ELF_PHDR_SIZE;
		u64 off = le64_load(ph + 8), vaddr = le64_load(ph + 16), paddr = le64_load(ph + 24);
		u64 filesz = le64_load(ph + 32), memsz = le64_load(ph + 40);

		if (le32_load(ph) != ELF_PT_LOAD || memsz == 0) {
			continue;
		}
		if (image_add_segment(out, paddr, off, filesz, memsz, size, why) != 0) {
			return -1;
		}
		if (!entry_found && entry >= vaddr && entry - vaddr < memsz) {
			out->entry = paddr + (entry - vaddr);
			entry_found = true;
		}
	}
	if (out->seg_count == 0) {
		*why = "ELF file has no loadable segments";
		return -1;
	}
	if (!entry_found) {
		*why = "ELF entry point is outside the loadable segments";
		return -1;
	}
	return 0;
}

static int image_parse_linux(const u8 *d, u64 size, ipa_t base, struct image_info *out,
			     const char **why)
{
	u64 text_offset, image_size, flags;

	if (!image_is_linux(d, size)) {
		*why = "not a " GUEST_LINUX_IMAGE_NAME " (no " GUEST_LINUX_MAGIC_NAME " magic)";
		return -1;
	}
	text_offset = le64_load(d + 0x08);
	image_size = le64_load(d + 0x10);
	flags = le64_load(d + 0x18);
	if (image_size == 0) {
		/* Kernels before 3.17: text_offset is unreliable, assume 0x80000. */
		text_offset = LINUX_OLD_TEXT_OFFSET;
		image_size = size;
	} else if (flags & LINUX_FLAG_BIG_ENDIAN) {
		*why = "big-endian Linux kernels are not supported";
		return -1;
	}
	if (image_size < size) {
		*why = "Linux image_size is smaller than the file";
		return -1;
	}
	if (text_offset >= SZ_1G || !IS_ALIGNED(text_offset, SZ_4K)) {
		*why = "Linux text_offset is implausible";
		return -1;
	}
	/* booting.rst: the Image goes at a 2 MiB-aligned base plus text_offset. */
	if (ALIGN_UP(base, SZ_2M) < base) {
		*why = "load address wraps the address space";
		return -1;
	}
	base = ALIGN_UP(base, SZ_2M) + text_offset;
	if (image_add_segment(out, base, 0, size, image_size, size, why) != 0) {
		return -1;
	}
	out->entry = base; /* first byte of the Image */
	return 0;
}

static int image_parse_raw(u64 size, ipa_t load, bool has_entry, ipa_t entry,
			   struct image_info *out, const char **why)
{
	if (size == 0) {
		*why = "image is empty";
		return -1;
	}
	if (image_add_segment(out, load, 0, size, size, size, why) != 0) {
		return -1;
	}
	out->entry = has_entry ? entry : load;
	if (out->entry < out->lo || out->entry >= out->hi) {
		*why = "entry is outside the image";
		return -1;
	}
	return 0;
}

int image_probe(const u8 *data, u64 size, enum image_format want, ipa_t ram_base, bool has_load,
		ipa_t load, bool has_entry, ipa_t entry, struct image_info *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (want == IMAGE_AUTO) {
		want = image_is_elf(data, size)	    ? IMAGE_ELF
		       : image_is_linux(data, size) ? IMAGE_LINUX
						    : IMAGE_RAW;
	}
	out->fmt = want;
	switch (want) {
	case IMAGE_ELF:
		if (has_load || has_entry) {
			*why = "ELF images take their load address and entry from the file";
			return -1;
		}
		return image_parse_elf(data, size, out, why);
	case IMAGE_LINUX:
		if (has_entry) {
			*why = "Linux images are entered at their first byte; drop entry";
			return -1;
		}
		return image_parse_linux(data, size, has_load ? load : ram_base, out, why);
	case IMAGE_RAW:
		return image_parse_raw(size, has_load ? load : ram_base, has_entry, entry, out,
				       why);
	default:
		*why = "unknown image format";
		return -1;
	}
}
