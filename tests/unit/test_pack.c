/* SPDX-License-Identifier: MIT */
/* pack_check / pack_find / pack_verify on good and broken system images. */
#include <string.h>

#include "check.h"
#include "lib.h"
#include "pack.h"
#include "sha256.h"

#define TOTAL 0x4000U

static _Alignas(8) u8 img[TOTAL];
static const char *why;

static struct pack_header *hdr(void)
{
	return (struct pack_header *)img;
}

static struct pack_entry *ent(u32 i)
{
	return (struct pack_entry *)(img + sizeof(struct pack_header)) + i;
}

static void set_entry(u32 i, const char *name, u64 off, u64 size)
{
	struct pack_entry *e = ent(i);

	memset(e, 0, sizeof(*e));
	str_copy(e->name, name, sizeof(e->name));
	e->offset = off;
	e->size = size;
	memset(img + off, (int)(0x30 + i), size);
	sha256(img + off, size, e->sha256);
}

/* config.dtb at 0x1000, "a.elf" at 0x2000, "b.bin" at 0x3000. */
static void build(void)
{
	memset(img, 0, sizeof(img));
	memcpy(hdr()->magic, PACK_MAGIC, 8);
	hdr()->version = PACK_VERSION;
	hdr()->entry_count = 3;
	hdr()->total_size = TOTAL;
	str_copy(hdr()->config_name, "demo.dts", sizeof(hdr()->config_name));
	set_entry(0, "config.dtb", 0x1000, 0x200);
	set_entry(1, "a.elf", 0x2000, 0x1000);
	set_entry(2, "b.bin", 0x3000, 0x10);
}

static void test_good(void)
{
	const u8 *data;
	u64 size;
	u32 bad = 99;

	build();
	CHECK_EQ(pack_check(img, TOTAL, &why), 0);
	CHECK_EQ(pack_check(img, TOTAL + 0x1000, &why), 0);
	CHECK_EQ(pack_find(img, "a.elf", &data, &size), 0);
	CHECK(data == img + 0x2000);
	CHECK_EQ(size, 0x1000);
	CHECK_EQ(pack_find(img, "config.dtb", &data, &size), 0);
	CHECK_EQ(size, 0x200);
	CHECK_EQ(pack_find(img, "missing", &data, &size), -1);
	CHECK_EQ(pack_verify(img, &bad, &why), 0);
	img[0x3005] ^= 1;
	CHECK_EQ(pack_verify(img, &bad, &why), -1);
	CHECK_EQ(bad, 2);
}

/* Each mutation of a good pack must be refused with a message containing frag. */
static void expect_bad(const char *frag, u64 avail)
{
	why = "";
	CHECK_EQ(pack_check(img, avail, &why), -1);
	if (!strstr(why, frag)) {
		printf("  expected '%s', got '%s'\n", frag, why);
		check_failures++;
	}
	build();
}

static void test_broken(void)
{
	build();
	expect_bad("truncated", sizeof(struct pack_header) - 1);
	hdr()->magic[0] = 'X';
	expect_bad("magic", TOTAL);
	hdr()->version = 2;
	expect_bad("version", TOTAL);
	hdr()->entry_count = 0;
	expect_bad("entry count", TOTAL);
	hdr()->entry_count = PACK_MAX_ENTRIES + 1;
	expect_bad("entry count", TOTAL);
	hdr()->entry_count = 0x10000000; /* table would run far past the image */
	expect_bad("entry count", TOTAL);
	expect_bad("exceeds", TOTAL - 1); /* total_size > avail */
	hdr()->total_size = 0x100;	  /* smaller than header + table */
	expect_bad("exceeds", TOTAL);
	memset(hdr()->config_name, 'x', sizeof(hdr()->config_name));
	expect_bad("config name", TOTAL);
	memset(ent(1)->name, 'x', sizeof(ent(1)->name));
	expect_bad("NUL-terminated", TOTAL);
	ent(1)->name[0] = '\0';
	expect_bad("empty", TOTAL);
	ent(1)->offset = 0x2008;
	expect_bad("misaligned", TOTAL);
	ent(1)->offset = 0;
	expect_bad("inside the header", TOTAL);
	ent(2)->size = 0x1001;
	expect_bad("outside the pack", TOTAL);
	ent(2)->offset = 0xfffffffffffff000ULL;
	expect_bad("outside the pack", TOTAL);
	ent(2)->size = 0xfffffffffffff000ULL; /* 0x3000 + size wraps to 0x2000 */
	expect_bad("outside the pack", TOTAL);
	str_copy(ent(0)->name, "other", sizeof(ent(0)->name));
	expect_bad("config.dtb", TOTAL);
	str_copy(ent(2)->name, "a.elf", sizeof(ent(2)->name));
	expect_bad("duplicate", TOTAL);
	ent(2)->offset = 0x2000;
	expect_bad("overlap", TOTAL);
	CHECK_EQ(pack_check(img, TOTAL, &why), 0); /* build() restored a good pack */
}

int main(void)
{
	RUN(test_good);
	RUN(test_broken);
	CHECK_MAIN_END();
}
