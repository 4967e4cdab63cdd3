/* SPDX-License-Identifier: MIT */
/* image_probe: ELF64, Linux arm64 Image and raw, including hostile headers. */
#include <string.h>

#include "check.h"
#include "image.h"
#include "lib.h"

static u8 buf[0x4000];
static struct image_info info;
static const char *why;

/* ELF header with phnum program headers at 64; returns a pointer to phdr i. */
static void elf_header(u64 entry, u16 phnum)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf,
	       "\x7f"
	       "ELF",
	       4);
	buf[4] = 2;		   /* ELFCLASS64 */
	buf[5] = 1;		   /* ELFDATA2LSB */
	buf[6] = 1;		   /* EV_CURRENT */
	le16_store(buf + 16, 2);   /* ET_EXEC */
	le16_store(buf + 18, 183); /* EM_AARCH64 */
	le64_store(buf + 24, entry);
	le64_store(buf + 32, 64); /* e_phoff */
	le16_store(buf + 54, 56);
	le16_store(buf + 56, phnum);
}

static void elf_phdr(u32 i, u32 type, u64 off, u64 vaddr, u64 paddr, u64 filesz, u64 memsz)
{
	u8 *ph = buf + 64 + i * 56;

	le32_store(ph, type);
	le64_store(ph + 8, off);
	le64_store(ph + 16, vaddr);
	le64_store(ph + 24, paddr);
	le64_store(ph + 32, filesz);
	le64_store(ph + 40, memsz);
}

static int probe(u64 size, enum image_format fmt)
{
	why = "";
	return image_probe(buf, size, fmt, 0x40000000, false, 0, false, 0, &info, &why);
}

static void test_elf_valid(void)
{
	elf_header(0xffff000000080000ULL, 3);
	elf_phdr(0, 1, 0x1000, 0xffff000000080000ULL, 0x40080000, 0x800, 0x1000);
	elf_phdr(1, 4, 0, 0, 0, 0, 0); /* PT_NOTE: skipped */
	elf_phdr(2, 1, 0x2000, 0xffff000000100000ULL, 0x40100000, 0x100, 0x8000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), 0);
	CHECK_EQ(info.fmt, IMAGE_ELF);
	CHECK_EQ(info.seg_count, 2);
	CHECK_EQ(info.entry, 0x40080000); /* virtual entry translated to physical */
	CHECK_EQ(info.lo, 0x40080000);
	CHECK_EQ(info.hi, 0x40108000);
	CHECK_EQ(info.seg[1].file_off, 0x2000);
	CHECK_EQ(info.seg[1].file_size, 0x100);
	CHECK_EQ(info.seg[1].mem_size, 0x8000);
	/* ELF takes neither load-address nor entry from the config. */
	CHECK_EQ(image_probe(buf, 0x3000, IMAGE_ELF, 0x40000000, true, 0x40000000, false, 0, &info,
			     &why),
		 -1);
}

static void test_elf_hostile(void)
{
	/* Program headers past the end of the file. */
	elf_header(0x40080000, 1);
	le64_store(buf + 32, 0x10000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "outside the file") != NULL);
	/* Huge phnum in a small file. */
	elf_header(0x40080000, 0xfffe);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	/* PN_XNUM (extended numbering) is refused. */
	elf_header(0x40080000, 0xffff);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	/* phoff near 2^64: must not wrap. */
	elf_header(0x40080000, 1);
	le64_store(buf + 32, 0xfffffffffffffff0ULL);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	/* filesz > memsz. */
	elf_header(0x40080000, 1);
	elf_phdr(0, 1, 0x1000, 0x40080000, 0x40080000, 0x1000, 0x800);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "exceeds") != NULL);
	/* p_offset + p_filesz overflows. */
	elf_phdr(0, 1, 0xffffffffffffff00ULL, 0x40080000, 0x40080000, 0x200, 0x1000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "outside the file") != NULL);
	/* Data past the end of the file. */
	elf_phdr(0, 1, 0x2800, 0x40080000, 0x40080000, 0x1000, 0x1000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	/* paddr + memsz wraps. */
	elf_phdr(0, 1, 0x1000, 0x40080000, 0xfffffffffffff000ULL, 0x100, 0x2000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	/* Overlapping segments. */
	elf_header(0x40080000, 2);
	elf_phdr(0, 1, 0x1000, 0x40080000, 0x40080000, 0x100, 0x2000);
	elf_phdr(1, 1, 0x1000, 0x40081000, 0x40081000, 0x100, 0x1000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "overlap") != NULL);
	/* Too many segments. */
	elf_header(0x40080000, IMAGE_MAX_SEGMENTS + 1);
	for (u32 i = 0; i <= IMAGE_MAX_SEGMENTS; i++) {
		elf_phdr(i, 1, 0x1000, 0x40080000 + i * 0x1000ULL, 0x40080000 + i * 0x1000ULL, 0x10,
			 0x1000);
	}
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "too many") != NULL);
	/* Entry outside every segment. */
	elf_header(0x50000000, 1);
	elf_phdr(0, 1, 0x1000, 0x40080000, 0x40080000, 0x100, 0x1000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "entry") != NULL);
	/* No PT_LOAD. */
	elf_header(0x40080000, 0);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	/* Wrong machine, type, class; truncated header. */
	elf_header(0x40080000, 1);
	elf_phdr(0, 1, 0x1000, 0x40080000, 0x40080000, 0x100, 0x1000);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), 0);
	le16_store(buf + 18, 62);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	le16_store(buf + 18, 183);
	le16_store(buf + 16, 3); /* ET_DYN */
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	le16_store(buf + 16, 2);
	buf[4] = 1; /* ELFCLASS32 */
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), -1);
	buf[4] = 2;
	CHECK_EQ(probe(40, IMAGE_ELF), -1);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), 0);
}

static void linux_header(u64 text_offset, u64 image_size, u64 flags)
{
	memset(buf, 0, sizeof(buf));
	le64_store(buf + 0x08, text_offset);
	le64_store(buf + 0x10, image_size);
	le64_store(buf + 0x18, flags);
	le32_store(buf + 0x38, 0x644d5241);
}

static void test_linux(void)
{
	linux_header(0, 0x10000, 0xa);
	why = "";
	/* RAM base 0x4010_0000: the kernel goes to the next 2 MiB boundary. */
	CHECK_EQ(image_probe(buf, 0x2000, IMAGE_AUTO, 0x40100000, false, 0, false, 0, &info, &why),
		 0);
	CHECK_EQ(info.fmt, IMAGE_LINUX);
	CHECK_EQ(info.entry, 0x40200000);
	CHECK_EQ(info.seg[0].file_size, 0x2000);
	CHECK_EQ(info.seg[0].mem_size, 0x10000);
	CHECK_EQ(info.hi, 0x40210000);
	/* text_offset is honoured. */
	linux_header(0x80000, 0x10000, 0);
	CHECK_EQ(probe(0x2000, IMAGE_LINUX), 0);
	CHECK_EQ(info.entry, 0x40080000);
	/* image_size 0: pre-3.17 kernel, text_offset 0x80000 and the file size. */
	linux_header(0x1234, 0, 0);
	CHECK_EQ(probe(0x3000, IMAGE_AUTO), 0);
	CHECK_EQ(info.entry, 0x40080000);
	CHECK_EQ(info.seg[0].mem_size, 0x3000);
	/* image_size smaller than the file, big-endian, absurd text_offset. */
	linux_header(0, 0x1000, 0);
	CHECK_EQ(probe(0x2000, IMAGE_AUTO), -1);
	linux_header(0, 0x10000, 1);
	CHECK_EQ(probe(0x2000, IMAGE_AUTO), -1);
	CHECK(strstr(why, "big-endian") != NULL);
	linux_header(0xfffffffffffff000ULL, 0x10000, 0);
	CHECK_EQ(probe(0x2000, IMAGE_AUTO), -1);
	/* Forced format without the magic; entry not allowed. */
	memset(buf, 0, 0x100);
	CHECK_EQ(probe(0x100, IMAGE_LINUX), -1);
	linux_header(0, 0x10000, 0);
	CHECK_EQ(image_probe(buf, 0x2000, IMAGE_LINUX, 0x40000000, false, 0, true, 0x40000000,
			     &info, &why),
		 -1);
}

static void test_raw(void)
{
	memset(buf, 0x11, 0x100);
	CHECK_EQ(probe(0x100, IMAGE_AUTO), 0);
	CHECK_EQ(info.fmt, IMAGE_RAW);
	CHECK_EQ(info.entry, 0x40000000);
	CHECK_EQ(info.lo, 0x40000000);
	CHECK_EQ(info.hi, 0x40000100);
	CHECK_EQ(image_probe(buf, 0x100, IMAGE_RAW, 0x40000000, true, 0x48000000, true, 0x48000080,
			     &info, &why),
		 0);
	CHECK_EQ(info.lo, 0x48000000);
	CHECK_EQ(info.entry, 0x48000080);
	CHECK_EQ(image_probe(buf, 0x100, IMAGE_RAW, 0x40000000, true, 0x48000000, true, 0x48000100,
			     &info, &why),
		 -1);
	CHECK_EQ(image_probe(buf, 0x100, IMAGE_RAW, 0x40000000, true, 0xffffffffffffff80ULL, false,
			     0, &info, &why),
		 -1);
	CHECK_EQ(probe(0, IMAGE_RAW), -1);
	/* An ELF forced to raw is loaded as bytes. */
	elf_header(0x40080000, 0);
	CHECK_EQ(probe(0x100, IMAGE_RAW), 0);
	CHECK_EQ(info.fmt, IMAGE_RAW);
}

static void test_names(void)
{
	CHECK(strcmp(image_format_name(IMAGE_ELF), "elf") == 0);
	CHECK(strcmp(image_format_name(IMAGE_RAW), "raw") == 0);
	CHECK(strcmp(image_format_name(IMAGE_LINUX), "linux") == 0);
	CHECK(strcmp(image_format_name(IMAGE_AUTO), "auto") == 0);
}

int main(void)
{
	RUN(test_elf_valid);
	RUN(test_elf_hostile);
	RUN(test_linux);
	RUN(test_raw);
	RUN(test_names);
	CHECK_MAIN_END();
}
