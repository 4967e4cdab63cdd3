/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the FDT reader and writer (src/lib/fdt.c, fdt_write.c):
 * a dtc-compiled blob, writer -> reader round trips, writer misuse, and
 * hostile blobs (bad headers, bad tokens, truncation at every length,
 * random byte flips) that must yield errors and never out-of-bounds reads
 * (the test binary runs under ASan/UBSan; fuzzed copies live in exactly-sized
 * heap buffers so any overread is caught).
 */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "fdt.h"
#include "lib.h"

/* dtc -I dts -O dtb tests/unit/data/sample.dts (see that file). */
static const u8 sample_dtb[] = {
    0xd0, 0x0d, 0xfe, 0xed, 0x00, 0x00, 0x02, 0x9a, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x02, 0x4c,
    0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x4e, 0x00, 0x00, 0x02, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x02,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x1b, 0x6c, 0x69, 0x6e, 0x75,
    0x78, 0x2c, 0x64, 0x75, 0x6d, 0x6d, 0x79, 0x2d, 0x76, 0x69, 0x72, 0x74, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x26, 0x73, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63, 0x70, 0x75, 0x73, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x63, 0x70, 0x75, 0x40, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x2c, 0x63, 0x70, 0x75, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x0f, 0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x63, 0x6f, 0x72, 0x74,
    0x65, 0x78, 0x2d, 0x61, 0x35, 0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x63, 0x70, 0x75, 0x40, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04,
    0x00, 0x00, 0x00, 0x2c, 0x63, 0x70, 0x75, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0f,
    0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x63, 0x6f, 0x72, 0x74, 0x65, 0x78, 0x2d, 0x61,
    0x35, 0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x38,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x40, 0x34, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x30, 0x00,
    0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x2c, 0x6d, 0x65, 0x6d, 0x6f,
    0x72, 0x79, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x38,
    0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x70, 0x6c, 0x30, 0x31, 0x31, 0x40, 0x39, 0x30,
    0x30, 0x30, 0x30, 0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x18,
    0x00, 0x00, 0x00, 0x1b, 0x61, 0x72, 0x6d, 0x2c, 0x70, 0x6c, 0x30, 0x31, 0x31, 0x00, 0x61, 0x72,
    0x6d, 0x2c, 0x70, 0x72, 0x69, 0x6d, 0x65, 0x63, 0x65, 0x6c, 0x6c, 0x00, 0x00, 0x00, 0x00, 0x03,
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x38, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
    0x63, 0x68, 0x6f, 0x73, 0x65, 0x6e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0f,
    0x00, 0x00, 0x00, 0x3c, 0x2f, 0x70, 0x6c, 0x30, 0x31, 0x31, 0x40, 0x39, 0x30, 0x30, 0x30, 0x30,
    0x30, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x48,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x09, 0x23, 0x61, 0x64, 0x64,
    0x72, 0x65, 0x73, 0x73, 0x2d, 0x63, 0x65, 0x6c, 0x6c, 0x73, 0x00, 0x23, 0x73, 0x69, 0x7a, 0x65,
    0x2d, 0x63, 0x65, 0x6c, 0x6c, 0x73, 0x00, 0x63, 0x6f, 0x6d, 0x70, 0x61, 0x74, 0x69, 0x62, 0x6c,
    0x65, 0x00, 0x6d, 0x6f, 0x64, 0x65, 0x6c, 0x00, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x5f, 0x74,
    0x79, 0x70, 0x65, 0x00, 0x72, 0x65, 0x67, 0x00, 0x73, 0x74, 0x64, 0x6f, 0x75, 0x74, 0x2d, 0x70,
    0x61, 0x74, 0x68, 0x00, 0x65, 0x6d, 0x70, 0x74, 0x79, 0x00};

/* ---- helpers ---------------------------------------------------------- */

/* Copies a blob into an exactly-sized heap buffer so ASan flags any overread. */
static u8 *dup_exact(const void *src, size_t len)
{
	u8 *p = malloc(len ? len : 1);
	if (len)
		memcpy(p, src, len);
	return p;
}

static void put32(u8 *p, u32 off, u32 v)
{
	be32_store(p + off, v);
}

static int walk_budget;

/*
 * Visits every node and property reachable from node through the public API.
 * Returns the number of nodes visited or a negative error. Checks that
 * handles only ever move forward, so a reader bug cannot loop here.
 */
static int walk_node(const struct fdt *fdt, int node, int level)
{
	char path[64];
	int count = 1;
	u64 a, s;

	if (--walk_budget < 0 || level > 40)
		return FDT_ERR_BADSTRUCT;
	(void)fdt_name(fdt, node);
	(void)fdt_node_path(fdt, node, path, sizeof(path));
	CHECK(strlen(path) < sizeof(path));
	(void)fdt_parent(fdt, node);
	(void)fdt_is_compatible(fdt, node, "arm,pl011");
	(void)fdt_reg(fdt, node, 2, 2, 0, &a, &s);
	(void)fdt_reg(fdt, node, 1, 1, 3, &a, &s);
	(void)fdt_prop_str(fdt, node, "model");
	(void)fdt_address_cells(fdt, node);
	for (int c = fdt_first_prop(fdt, node); c >= 0;) {
		const char *name;
		const void *val;
		u32 len;
		int next;
		if (fdt_prop_at(fdt, c, &name, &val, &len) == 0) {
			/* Touch the whole value and name so ASan checks their extent. */
			volatile u8 sink = 0;
			for (u32 i = 0; i < len; i++)
				sink ^= ((const u8 *)val)[i];
			sink ^= (u8)strlen(name);
			(void)sink;
		}
		next = fdt_next_prop(fdt, c);
		CHECK(next < 0 || next > c);
		if (next >= 0 && next <= c)
			return FDT_ERR_BADSTRUCT;
		c = next;
		if (--walk_budget < 0)
			return FDT_ERR_BADSTRUCT;
	}
	for (int ch = fdt_first_child(fdt, node); ch >= 0;) {
		int n = walk_node(fdt, ch, level + 1);
		int next;
		if (n < 0)
			return n;
		count += n;
		next = fdt_next_sibling(fdt, ch);
		CHECK(next < 0 || next > ch);
		if (next >= 0 && next <= ch)
			return FDT_ERR_BADSTRUCT;
		ch = next;
	}
	return count;
}

/* Everything a consumer might do with an untrusted blob; must never crash or hang. */
static int exercise(const u8 *blob, size_t len)
{
	struct fdt fdt;
	int root, n = 0;
	int err = fdt_init(&fdt, blob, len);

	if (err)
		return err;
	(void)fdt_check_struct(&fdt);
	walk_budget = 100000;
	root = fdt_root(&fdt);
	if (root >= 0)
		(void)walk_node(&fdt, root, 0);
	(void)fdt_path(&fdt, "/cpus/cpu@1");
	(void)fdt_path(&fdt, "/memory");
	for (int node = fdt_find_compatible(&fdt, -1, "arm,cortex-a53"); node >= 0 && n < 10000;
	     n++) {
		int next = fdt_find_compatible(&fdt, node, "arm,cortex-a53");
		CHECK(next < 0 || next > node);
		node = next > node ? next : -1;
	}
	return fdt_check_struct(&fdt);
}

/* Minimal raw blob assembler for hand-made (malformed) structure blocks. */
struct raw {
	u8 st[512];
	u32 st_len;
	char strs[64];
	u32 strs_len;
};

static void raw_u32(struct raw *r, u32 v)
{
	be32_store(r->st + r->st_len, v);
	r->st_len += 4;
}

static void raw_name(struct raw *r, const char *name)
{
	size_t n = strlen(name) + 1;
	memset(r->st + r->st_len, 0, ALIGN_UP(n, 4));
	memcpy(r->st + r->st_len, name, n);
	r->st_len += (u32)ALIGN_UP(n, 4);
}

static void raw_begin(struct raw *r, const char *name)
{
	raw_u32(r, 1);
	raw_name(r, name);
}

/* Adds a property; the name is appended to the strings block (no dedup needed here). */
static void raw_prop_u32(struct raw *r, const char *name, u32 v)
{
	u32 nameoff = r->strs_len;
	memcpy(r->strs + r->strs_len, name, strlen(name) + 1);
	r->strs_len += (u32)strlen(name) + 1;
	raw_u32(r, 3);
	raw_u32(r, 4);
	raw_u32(r, nameoff);
	raw_u32(r, v);
}

/* Header (40) + empty rsvmap (16) + struct + strings; returns the total size. */
static u32 raw_finish(const struct raw *r, u8 *out)
{
	u32 off_st = 56, off_str = 56 + r->st_len, total = off_str + r->strs_len;
	memset(out, 0, 56);
	put32(out, 0, FDT_MAGIC);
	put32(out, 4, total);
	put32(out, 8, off_st);
	put32(out, 12, off_str);
	put32(out, 16, 40);
	put32(out, 20, 17);
	put32(out, 24, 16);
	put32(out, 32, r->strs_len);
	put32(out, 36, r->st_len);
	memcpy(out + off_st, r->st, r->st_len);
	memcpy(out + off_str, r->strs, r->strs_len);
	return total;
}

/* Runs fdt_init + fdt_check_struct on an exact heap copy; returns the first error. */
static int check_blob(const u8 *blob, u32 len)
{
	struct fdt fdt;
	u8 *copy = dup_exact(blob, len);
	int err = fdt_init(&fdt, copy, len);
	if (!err)
		err = fdt_check_struct(&fdt);
	if (!err)
		(void)exercise(copy, len);
	free(copy);
	return err;
}

/* The tree used by the round-trip tests. */
static u32 build_tree(u8 *buf, size_t cap, int *err)
{
	static const u32 cells[] = {0, 1, 4};
	static const u64 regs[] = {0x40000000, 0x8000000, 0x100000000ULL, 0x1000};
	struct fdtw w;
	u32 total = 0;

	fdtw_init(&w, buf, cap);
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_str(&w, "compatible", "tessera,vm");
	fdtw_begin_node(&w, "cpus");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 0);
	for (u32 i = 0; i < 2; i++) {
		char name[16];
		fmt_snprintf(name, sizeof(name), "cpu@%u", i);
		fdtw_begin_node(&w, name);
		fdtw_prop_str(&w, "device_type", "cpu");
		fdtw_prop_str(&w, "compatible", "arm,armv8");
		fdtw_prop_u32(&w, "reg", i);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "memory@40000000");
	fdtw_prop_str(&w, "device_type", "memory");
	fdtw_prop_reg64(&w, "reg", regs, 2);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "intc@8000000");
	fdtw_prop(&w, "compatible", "arm,gic-v3\0arm,gic", 19);
	fdtw_prop_empty(&w, "interrupt-controller");
	fdtw_prop_cells(&w, "interrupts", cells, 3);
	fdtw_prop_u64(&w, "big", 0x123456789abcdef0ULL);
	fdtw_begin_node(&w, "its@8080000");
	fdtw_prop_str(&w, "compatible", "arm,gic-v3-its");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "chosen");
	fdtw_prop_str(&w, "bootargs", "console=ttyAMA0");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	*err = fdtw_finish(&w, &total);
	return total;
}

/* ---- tests ------------------------------------------------------------ */

static void test_dtc_blob(void)
{
	struct fdt fdt;
	char path[64];
	int root, cpus, cpu0, cpu1, mem, uart, chosen, c, n;
	u32 v, len;
	u64 a, s;
	const char *name;

	CHECK_EQ(fdt_init(&fdt, sample_dtb, sizeof(sample_dtb)), 0);
	CHECK_EQ(fdt_check_struct(&fdt), 0);
	root = fdt_root(&fdt);
	CHECK(root >= 0);
	CHECK(strcmp(fdt_name(&fdt, root), "") == 0);
	CHECK_EQ(fdt_path(&fdt, "/"), root);
	CHECK_EQ(fdt_parent(&fdt, root), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_address_cells(&fdt, root), 2);
	CHECK_EQ(fdt_size_cells(&fdt, root), 2);
	CHECK(strcmp(fdt_prop_str(&fdt, root, "model"), "sample") == 0);

	cpus = fdt_path(&fdt, "/cpus");
	cpu0 = fdt_path(&fdt, "/cpus/cpu@0");
	cpu1 = fdt_path(&fdt, "/cpus/cpu@1");
	CHECK(cpus > root && cpu0 > cpus && cpu1 > cpu0);
	CHECK_EQ(fdt_subnode(&fdt, cpus, "cpu"), cpu0); /* unit-address-less: first match */
	CHECK_EQ(fdt_subnode(&fdt, cpus, "cpu@1"), cpu1);
	CHECK_EQ(fdt_subnode(&fdt, cpus, "cpu@2"), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_subnode(&fdt, cpus, "cp"), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_path(&fdt, "//cpus//cpu@1/"), cpu1);
	CHECK_EQ(fdt_path(&fdt, "cpus"), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_path(&fdt, "/cpus/cpu@1/x"), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_parent(&fdt, cpu1), cpus);
	CHECK_EQ(fdt_parent(&fdt, cpus), root);
	CHECK_EQ(fdt_parent(&fdt, cpu1 + 4), FDT_ERR_NOTFOUND); /* not a node start */
	CHECK_EQ(fdt_first_child(&fdt, cpus), cpu0);
	CHECK_EQ(fdt_next_sibling(&fdt, cpu0), cpu1);
	CHECK_EQ(fdt_next_sibling(&fdt, cpu1), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_first_child(&fdt, cpu0), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_next_sibling(&fdt, root), FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_address_cells(&fdt, cpus), 1);
	CHECK_EQ(fdt_size_cells(&fdt, cpus), 0);
	CHECK_EQ(fdt_address_cells(&fdt, cpu0), 2); /* defaults */
	CHECK_EQ(fdt_size_cells(&fdt, cpu0), 1);
	CHECK(fdt_prop_u32(&fdt, cpu1, "reg", &v) && v == 1);
	CHECK(fdt_reg(&fdt, cpu1, 1, 0, 0, &a, &s) && a == 1 && s == 0);
	CHECK(!fdt_reg(&fdt, cpu1, 1, 0, 1, &a, &s));
	CHECK(fdt_node_path(&fdt, cpu1, path, sizeof(path)) == 0 &&
	      strcmp(path, "/cpus/cpu@1") == 0);
	CHECK(fdt_node_path(&fdt, root, path, sizeof(path)) == 0 && strcmp(path, "/") == 0);
	CHECK(fdt_node_path(&fdt, cpu1, path, 8) == 0 && strcmp(path, "/cpus/c") == 0);

	mem = fdt_path(&fdt, "/memory");
	CHECK_EQ(mem, fdt_path(&fdt, "/memory@40000000"));
	CHECK(fdt_reg(&fdt, mem, 2, 2, 0, &a, &s) && a == 0x40000000 && s == 0x8000000);
	CHECK(fdt_reg(&fdt, mem, 2, 2, 1, &a, &s) && a == 0x100000000ULL && s == 0x1000);
	CHECK(!fdt_reg(&fdt, mem, 2, 2, 2, &a, &s));
	CHECK(fdt_reg(&fdt, mem, 1, 1, 3, &a, &s) && a == 0 && s == 0x1000);
	CHECK(!fdt_reg(&fdt, mem, 3, 2, 0, &a, &s));
	CHECK(!fdt_reg(&fdt, mem, 2, 2, 0xffffffffU, &a, &s));

	uart = fdt_path(&fdt, "/pl011@9000000");
	CHECK(fdt_is_compatible(&fdt, uart, "arm,pl011"));
	CHECK(fdt_is_compatible(&fdt, uart, "arm,primecell"));
	CHECK(!fdt_is_compatible(&fdt, uart, "arm,prime"));
	CHECK(!fdt_is_compatible(&fdt, root, "arm,pl011"));
	CHECK_EQ(fdt_find_compatible(&fdt, -1, "arm,primecell"), uart);
	CHECK_EQ(fdt_find_compatible(&fdt, -1, "linux,dummy-virt"), root);
	CHECK_EQ(fdt_find_compatible(&fdt, -1, "arm,cortex-a53"), cpu0);
	CHECK_EQ(fdt_find_compatible(&fdt, cpu0, "arm,cortex-a53"), cpu1);
	CHECK_EQ(fdt_find_compatible(&fdt, cpu1, "arm,cortex-a53"), FDT_ERR_NOTFOUND);
	CHECK(fdt_prop_str(&fdt, uart, "compatible") != NULL); /* first string of the list */
	CHECK(!fdt_prop_u32(&fdt, uart, "reg", &v));	       /* wrong size */

	chosen = fdt_path(&fdt, "/chosen");
	CHECK(strcmp(fdt_prop_str(&fdt, chosen, "stdout-path"), "/pl011@9000000") == 0);
	CHECK(fdt_has_prop(&fdt, chosen, "empty"));
	CHECK(fdt_getprop(&fdt, chosen, "empty", &len) != NULL && len == 0);
	CHECK(fdt_prop_str(&fdt, chosen, "empty") == NULL);
	CHECK(!fdt_has_prop(&fdt, chosen, "missing"));
	CHECK(!fdt_has_prop(&fdt, chosen, "stdout"));

	/* Property iteration in document order. */
	n = 0;
	for (c = fdt_first_prop(&fdt, root); c >= 0; c = fdt_next_prop(&fdt, c), n++) {
		CHECK_EQ(fdt_prop_at(&fdt, c, &name, NULL, &len), 0);
		if (n == 0)
			CHECK(strcmp(name, "#address-cells") == 0 && len == 4);
		if (n == 3)
			CHECK(strcmp(name, "model") == 0 && len == 7);
	}
	CHECK_EQ(n, 4);
	CHECK_EQ(c, FDT_ERR_NOTFOUND);
	CHECK_EQ(fdt_first_prop(&fdt, cpus) >= 0, 1);
	CHECK(fdt_prop_at(&fdt, cpus, &name, NULL, &len) < 0); /* a node is not a property */
	CHECK(fdt_first_child(&fdt, fdt_first_prop(&fdt, cpus)) < 0);
	/* Errors propagate through handle arguments. */
	CHECK_EQ(fdt_subnode(&fdt, FDT_ERR_NOTFOUND, "cpus"), FDT_ERR_NOTFOUND);
	CHECK(strcmp(fdt_name(&fdt, -1), "") == 0);
	CHECK(exercise(sample_dtb, sizeof(sample_dtb)) == 0);
}

static void test_roundtrip(void)
{
	static u8 buf[2048];
	struct fdt fdt;
	char path[64];
	int err, root, cpus, intc, its, mem, node;
	u32 v, len, total = build_tree(buf, sizeof(buf), &err);
	u64 a, s, big;
	const u8 *p;

	CHECK_EQ(err, 0);
	CHECK(total > 56 && total < sizeof(buf));
	CHECK_EQ(be32_load(buf + 4), total);
	CHECK_EQ(fdt_init(&fdt, buf, total), 0);
	CHECK_EQ(fdt_check_struct(&fdt), 0);
	root = fdt_root(&fdt);
	CHECK_EQ(root, 0); /* handles are relative to the structure block */
	CHECK(fdt_is_compatible(&fdt, root, "tessera,vm"));

	cpus = fdt_path(&fdt, "/cpus");
	CHECK_EQ(fdt_parent(&fdt, cpus), root);
	node = fdt_subnode(&fdt, cpus, "cpu@1");
	CHECK(fdt_prop_u32(&fdt, node, "reg", &v) && v == 1);
	CHECK(strcmp(fdt_prop_str(&fdt, node, "device_type"), "cpu") == 0);
	CHECK(fdt_reg(&fdt, node, fdt_address_cells(&fdt, cpus), fdt_size_cells(&fdt, cpus), 0, &a,
		      &s) &&
	      a == 1 && s == 0);

	mem = fdt_path(&fdt, "/memory");
	CHECK(fdt_reg(&fdt, mem, 2, 2, 0, &a, &s) && a == 0x40000000 && s == 0x8000000);
	CHECK(fdt_reg(&fdt, mem, 2, 2, 1, &a, &s) && a == 0x100000000ULL && s == 0x1000);
	CHECK(!fdt_reg(&fdt, mem, 2, 2, 2, &a, &s));

	intc = fdt_path(&fdt, "/intc@8000000");
	its = fdt_path(&fdt, "/intc/its");
	CHECK(intc > 0 && its > intc);
	CHECK_EQ(fdt_parent(&fdt, its), intc);
	CHECK(fdt_node_path(&fdt, its, path, sizeof(path)) == 0 &&
	      strcmp(path, "/intc@8000000/its@8080000") == 0);
	CHECK(fdt_is_compatible(&fdt, intc, "arm,gic-v3"));
	CHECK(fdt_is_compatible(&fdt, intc, "arm,gic"));
	CHECK(!fdt_is_compatible(&fdt, intc, "arm,gic-v3-its"));
	CHECK_EQ(fdt_find_compatible(&fdt, -1, "arm,gic"), intc);
	CHECK_EQ(fdt_find_compatible(&fdt, intc, "arm,gic-v3-its"), its);
	CHECK_EQ(fdt_find_compatible(&fdt, its, "arm,gic-v3-its"), FDT_ERR_NOTFOUND);
	CHECK(fdt_getprop(&fdt, intc, "interrupt-controller", &len) && len == 0);
	p = fdt_getprop(&fdt, intc, "interrupts", &len);
	CHECK(p && len == 12 && be32_load(p) == 0 && be32_load(p + 4) == 1 &&
	      be32_load(p + 8) == 4);
	CHECK(fdt_prop_u64(&fdt, intc, "big", &big) && big == 0x123456789abcdef0ULL);
	CHECK(!fdt_prop_u32(&fdt, intc, "big", &v));
	CHECK(fdt_prop_u64(&fdt, root, "#size-cells", &big) && big == 2);
	CHECK(strcmp(fdt_prop_str(&fdt, fdt_path(&fdt, "/chosen"), "bootargs"),
		     "console=ttyAMA0") == 0);
	CHECK_EQ(fdt_next_sibling(&fdt, fdt_path(&fdt, "/chosen")), FDT_ERR_NOTFOUND);

	/* Strings are deduplicated: each distinct name appears once. */
	{
		static const char *names[] = {
		    "#address-cells",	    "#size-cells", "compatible", "device_type", "reg",
		    "interrupt-controller", "interrupts",  "big",	 "bootargs"};
		u32 want = 0;
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			want += (u32)strlen(names[i]) + 1;
		CHECK_EQ(fdt.size_strings, want);
	}
	CHECK(exercise(buf, total) == 0);
}

/* fdt_compat_mask: whole entries only, several names in one pass, a last entry without its
 * NUL, an empty entry, and no value at all. */
static void test_compat_mask(void)
{
	static const char *const want[] = {"arm,gic-v3", "arm,pl011", "virtio,mmio", ""};
	static const char list[] = "arm,pl011\0arm,primecell\0virtio,mmio";
	static const char cut[] = {'a', 'r', 'm', ',', 'p', 'l', '0', '1', '1'};
	static const char empty[] = "x\0\0arm,gic-v3";

	CHECK_EQ(fdt_compat_mask(list, sizeof(list), want, 4), 0x6);
	CHECK_EQ(fdt_compat_mask(list, sizeof(list) - 1, want, 4), 0x6); /* no final NUL */
	CHECK_EQ(fdt_compat_mask(cut, sizeof(cut), want, 4), 0x2);
	CHECK_EQ(fdt_compat_mask(cut, sizeof(cut) - 1, want, 4), 0); /* "arm,pl01" */
	CHECK_EQ(fdt_compat_mask(empty, sizeof(empty), want, 4), 0x9);
	CHECK_EQ(fdt_compat_mask("arm,gic-v3-its", 15, want, 4), 0); /* a longer name */
	CHECK_EQ(fdt_compat_mask("arm,gic", 8, want, 4), 0);	     /* a shorter one */
	CHECK_EQ(fdt_compat_mask(NULL, 10, want, 4), 0);
	CHECK(fdt_compat_has(list, sizeof(list), "arm,primecell"));
	CHECK(!fdt_compat_has(list, sizeof(list), "arm,prime"));
}

/* fdt_walk_props: every node once, in document order, with the parent fdt_parent reports,
 * its name as fdt_name gives it and the asked properties as fdt_getprop finds them (absent:
 * NULL, 0), whatever their order among the node's other properties and children; a non-zero
 * return stops it; too many names and a truncated structure block are errors. */
struct props_log {
	const struct fdt *f;
	const char *const *names;
	u32 n, count, stop_at;
	int nodes[8];
};

static int props_visit(void *ctx, int node, int parent, const char *name, const void *const *vals,
		       const u32 *lens)
{
	struct props_log *l = ctx;

	CHECK(l->count < 8);
	if (l->count < 8)
		l->nodes[l->count] = node;
	l->count++;
	CHECK_EQ(parent, node == fdt_root(l->f) ? FDT_ERR_NOTFOUND : fdt_parent(l->f, node));
	CHECK(strcmp(name, fdt_name(l->f, node)) == 0);
	for (u32 i = 0; i < l->n; i++) {
		u32 len = 0;
		const void *v = fdt_getprop(l->f, node, l->names[i], &len);

		CHECK(vals[i] == v);
		CHECK_EQ(lens[i], v ? len : 0);
	}
	return l->count == l->stop_at ? 5 : 0;
}

static void test_walk_props(void)
{
	static u8 buf[4096];
	static const char *const names[] = {"compatible", "reg", "r", "missing"};
	static const char *const too_many[FDT_WALK_PROPS + 1] = {"a"};
	struct fdtw w;
	struct fdt fdt;
	struct props_log l = {&fdt, names, ARRAY_SIZE(names), 0, 0, {0}};
	u32 total;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "root");
	fdtw_begin_node(&w, "a@10");
	fdtw_prop_u32(&w, "rr", 9); /* a name that starts like "r" and "reg" */
	fdtw_prop_u32(&w, "reg", 0x10);
	fdtw_prop_str(&w, "compatible", "x,a");
	fdtw_begin_node(&w, "a1");
	fdtw_prop_u32(&w, "r", 1);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "b"); /* no properties */
	fdtw_begin_node(&w, "b1");
	fdtw_prop_u32(&w, "reg", 2);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &total), 0);
	CHECK_EQ(fdt_init(&fdt, buf, total), 0);
	CHECK_EQ(fdt_walk_props(&fdt, names, ARRAY_SIZE(names), props_visit, &l), 0);
	CHECK_EQ(l.count, 5);
	CHECK_EQ(l.nodes[0], fdt_root(&fdt));
	CHECK_EQ(l.nodes[1], fdt_path(&fdt, "/a@10"));
	CHECK_EQ(l.nodes[2], fdt_path(&fdt, "/a@10/a1"));
	CHECK_EQ(l.nodes[3], fdt_path(&fdt, "/b"));
	CHECK_EQ(l.nodes[4], fdt_path(&fdt, "/b/b1"));
	l.count = 0;
	l.stop_at = 2;
	CHECK_EQ(fdt_walk_props(&fdt, names, ARRAY_SIZE(names), props_visit, &l), 5);
	CHECK_EQ(l.count, 2);
	CHECK(fdt_walk_props(&fdt, too_many, ARRAY_SIZE(too_many), props_visit, &l) < 0);
	/* Cut inside node "b1": the walk fails when it reaches the cut. */
	fdt.size_struct = (u32)fdt_path(&fdt, "/b/b1") + 8;
	l.count = 0;
	l.stop_at = 0;
	CHECK(fdt_walk_props(&fdt, names, ARRAY_SIZE(names), props_visit, &l) < 0);
}

/* More distinct names than the writer's name table holds (FDTW_NAME_SLOTS): past it, names
 * are still stored once and found again (the strings block is scanned). */
static void test_writer_many_names(void)
{
	static u8 buf[16384];
	static char names[FDTW_NAME_SLOTS + 20][16];
	struct fdtw w;
	struct fdt fdt;
	u32 total, want = 0, v;
	int root;

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	for (u32 round = 0; round < 2; round++) {
		fdtw_begin_node(&w, round ? "second" : "first");
		for (u32 i = 0; i < ARRAY_SIZE(names); i++) {
			/* A reused buffer: the table must match on bytes, not on the pointer. */
			snprintf(names[round ? ARRAY_SIZE(names) - 1 - i : i], sizeof(names[0]),
				 "prop-%u", i);
			fdtw_prop_u32(&w, names[round ? ARRAY_SIZE(names) - 1 - i : i], i);
		}
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &total), 0);
	CHECK_EQ(fdt_init(&fdt, buf, total), 0);
	for (u32 i = 0; i < ARRAY_SIZE(names); i++) {
		char n[16];

		snprintf(n, sizeof(n), "prop-%u", i);
		want += (u32)strlen(n) + 1;
	}
	CHECK_EQ(fdt.size_strings, want);
	root = fdt_root(&fdt);
	CHECK(fdt_prop_u32(&fdt, fdt_subnode(&fdt, root, "second"), "prop-70", &v) && v == 70);
	CHECK(fdt_prop_u32(&fdt, fdt_subnode(&fdt, root, "first"), "prop-3", &v) && v == 3);
}

static void test_writer_errors(void)
{
	static u8 buf[2048];
	struct fdtw w;
	u32 total, size;
	int err;

	/* Every too-small buffer fails with NOSPACE and never writes past its end. */
	total = build_tree(buf, sizeof(buf), &err);
	CHECK_EQ(err, 0);
	for (u32 cap = 0; cap <= total; cap++) {
		u8 *b = malloc(cap ? cap : 1);
		u32 got = build_tree(cap ? b : NULL, cap, &err);
		if (cap < total) {
			CHECK_EQ(err, FDT_ERR_NOSPACE);
		} else {
			CHECK_EQ(err, 0);
			CHECK_EQ(got, total);
			CHECK(memcmp(b, buf, total) == 0);
		}
		free(b);
	}

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), FDT_ERR_BADSTATE);

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	CHECK_EQ(fdtw_finish(&w, &size), FDT_ERR_BADSTATE); /* unclosed */

	fdtw_init(&w, buf, sizeof(buf));
	CHECK_EQ(fdtw_finish(&w, &size), FDT_ERR_BADSTATE); /* no root */

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_prop_u32(&w, "x", 1); /* property outside any node */
	CHECK_EQ(w.err, FDT_ERR_BADSTATE);

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_end_node(&w);
	fdtw_begin_node(&w, ""); /* second root */
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), FDT_ERR_BADSTATE);

	fdtw_init(&w, buf, sizeof(buf));
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "a");
	fdtw_end_node(&w);
	fdtw_prop_u32(&w, "late", 1); /* properties must precede subnodes */
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), FDT_ERR_BADSTATE);

	fdtw_init(&w, buf, sizeof(buf));
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		fdtw_begin_node(&w, i ? "n" : "");
	CHECK_EQ(w.err, 0);
	fdtw_begin_node(&w, "toodeep");
	CHECK_EQ(w.err, FDT_ERR_DEPTH);
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), FDT_ERR_DEPTH); /* sticky */

	/* The deepest tree the writer allows is one the reader accepts. */
	fdtw_init(&w, buf, sizeof(buf));
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		fdtw_begin_node(&w, i ? "n" : "/");
	for (int i = 0; i < FDT_MAX_DEPTH; i++)
		fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	{
		struct fdt fdt;
		char path[64];
		int leaf;
		CHECK_EQ(fdt_init(&fdt, buf, size), 0);
		CHECK_EQ(fdt_check_struct(&fdt), 0);
		leaf = fdt_path(&fdt, "/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n");
		CHECK(leaf > 0);
		CHECK(fdt_node_path(&fdt, leaf, path, sizeof(path)) == 0 &&
		      strcmp(path, "/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n") == 0);
		CHECK_EQ(fdt_path(&fdt, "/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n/n"), FDT_ERR_NOTFOUND);
	}
	/* After finish the writer is closed: nothing more is written. */
	fdtw_begin_node(&w, "x");
	CHECK_EQ(w.struct_end, size - w.strings_size);
}

static void test_bad_headers(void)
{
	u8 b[sizeof(sample_dtb)];
	struct fdt fdt;

	memcpy(b, sample_dtb, sizeof(b));
	CHECK_EQ(fdt_init(&fdt, b, 39), FDT_ERR_TRUNCATED);
	CHECK_EQ(fdt_init(&fdt, NULL, 100), FDT_ERR_TRUNCATED);
	b[0] ^= 1;
	CHECK_EQ(fdt_init(&fdt, b, sizeof(b)), FDT_ERR_BADMAGIC);
	CHECK_EQ(fdt_root(&fdt), FDT_ERR_BADSTRUCT); /* a failed init leaves a safe, empty fdt */
	CHECK_EQ(fdt_check_struct(&fdt), FDT_ERR_BADSTRUCT);

#define WITH(off, val, expect)                                     \
	do {                                                       \
		memcpy(b, sample_dtb, sizeof(b));                  \
		put32(b, off, val);                                \
		CHECK_EQ(check_blob(b, (u32)sizeof(b)), (expect)); \
	} while (0)
	WITH(20, 15, FDT_ERR_BADVERSION);
	WITH(24, 18, FDT_ERR_BADVERSION);
	WITH(4, sizeof(b) + 1, FDT_ERR_TRUNCATED);	 /* totalsize > avail */
	WITH(4, 39, FDT_ERR_TRUNCATED);			 /* totalsize < header */
	WITH(8, sizeof(b), FDT_ERR_TRUNCATED);		 /* off_struct past the end */
	WITH(8, 0xfffffff0, FDT_ERR_TRUNCATED);		 /* off_struct huge */
	WITH(8, 4, FDT_ERR_TRUNCATED);			 /* struct overlapping the header */
	WITH(36, 0xffffffc8, FDT_ERR_TRUNCATED);	 /* off + size wraps in 32 bits */
	WITH(36, sizeof(b), FDT_ERR_TRUNCATED);		 /* size_struct too big */
	WITH(12, 0xffffffff, FDT_ERR_TRUNCATED);	 /* off_strings */
	WITH(32, 0xffffffff - 0x24b, FDT_ERR_TRUNCATED); /* off + size_strings wraps */
	WITH(16, sizeof(b) - 8, FDT_ERR_TRUNCATED);	 /* rsvmap past the end */
	WITH(36, 8, FDT_ERR_BADSTRUCT);			 /* struct too short: no FDT_END */
	WITH(32, 4, FDT_ERR_BADSTRING);			 /* nameoff past strings */
#undef WITH
	/* Version 16 blobs: size_dt_struct is ignored, the block runs to totalsize. */
	memcpy(b, sample_dtb, sizeof(b));
	put32(b, 20, 16);
	put32(b, 36, 0);
	CHECK_EQ(check_blob(b, sizeof(b)), 0);
	CHECK_EQ(fdt_init(&fdt, b, sizeof(b)), 0);
	CHECK_EQ(fdt.size_struct, sizeof(b) - 0x38);
	memcpy(b, sample_dtb, sizeof(b));
	put32(b, 8, 0x3a); /* misaligned structure block */
	CHECK_EQ(check_blob(b, sizeof(b)), FDT_ERR_BADSTRUCT);
}

static void test_bad_structs(void)
{
	u8 out[1024];
	struct raw r;
	u32 total;

	/* A valid hand-made blob with NOPs sprinkled in, as a baseline. */
	memset(&r, 0, sizeof(r));
	raw_u32(&r, 4);
	raw_begin(&r, "");
	raw_u32(&r, 4);
	raw_prop_u32(&r, "p", 7);
	raw_begin(&r, "a@1");
	raw_u32(&r, 4);
	raw_u32(&r, 2);
	raw_u32(&r, 4);
	raw_u32(&r, 2);
	raw_u32(&r, 9);
	total = raw_finish(&r, out);
	CHECK_EQ(check_blob(out, total), 0);
	{
		struct fdt fdt;
		u32 v;
		CHECK_EQ(fdt_init(&fdt, out, total), 0);
		CHECK_EQ(fdt_root(&fdt), 4);
		CHECK(fdt_prop_u32(&fdt, fdt_root(&fdt), "p", &v) && v == 7);
		CHECK_EQ(fdt_path(&fdt, "/a"), 4 + 8 + 4 + 16);
		CHECK_EQ(fdt_parent(&fdt, fdt_path(&fdt, "/a")), 4);
	}

	/* Token garbage. */
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_u32(&r, 0x77);
	raw_u32(&r, 2);
	raw_u32(&r, 9);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);

	/* Node name not terminated before the end of the structure block. */
	memset(&r, 0, sizeof(r));
	raw_u32(&r, 1);
	memcpy(r.st + r.st_len, "abcdefgh", 8);
	r.st_len += 8;
	total = raw_finish(&r, out);
	CHECK_EQ(check_blob(out, total), FDT_ERR_BADSTRING);

	/* Property length running past the end of the block, and a huge length. */
	for (int i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		raw_begin(&r, "");
		raw_prop_u32(&r, "p", 1);
		raw_u32(&r, 2);
		raw_u32(&r, 9);
		be32_store(r.st + 12, i ? 0xfffffffeU : 16);
		CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	}

	/* nameoff outside the strings block, and a name not terminated in it. */
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_prop_u32(&r, "p", 1);
	raw_u32(&r, 2);
	raw_u32(&r, 9);
	be32_store(r.st + 16, 2);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRING);
	be32_store(r.st + 16, 0);
	r.strs[1] = 'x';
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRING);

	/* Nesting deeper than FDT_MAX_DEPTH. */
	memset(&r, 0, sizeof(r));
	for (int i = 0; i <= FDT_MAX_DEPTH; i++)
		raw_begin(&r, "n");
	for (int i = 0; i <= FDT_MAX_DEPTH; i++)
		raw_u32(&r, 2);
	raw_u32(&r, 9);
	total = raw_finish(&r, out);
	CHECK_EQ(check_blob(out, total), FDT_ERR_DEPTH);
	{
		struct fdt fdt;
		char path[128];
		int deep = (int)(FDT_MAX_DEPTH * 8); /* the 17th BEGIN_NODE */
		CHECK_EQ(fdt_init(&fdt, out, total), 0);
		CHECK_EQ(fdt_parent(&fdt, deep), FDT_ERR_DEPTH);
		CHECK_EQ(fdt_node_path(&fdt, deep, path, sizeof(path)), FDT_ERR_DEPTH);
		CHECK_EQ(fdt_next_sibling(&fdt, 0), FDT_ERR_DEPTH);
	}

	/* Missing FDT_END, END inside a node, extra END_NODE, two roots, late property. */
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_u32(&r, 2);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_u32(&r, 9);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_u32(&r, 2);
	raw_u32(&r, 2);
	raw_u32(&r, 9);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_u32(&r, 2);
	raw_begin(&r, "");
	raw_u32(&r, 2);
	raw_u32(&r, 9);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	memset(&r, 0, sizeof(r));
	raw_begin(&r, "");
	raw_begin(&r, "a");
	raw_u32(&r, 2);
	raw_prop_u32(&r, "late", 1);
	raw_u32(&r, 2);
	raw_u32(&r, 9);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	/* Empty structure block / block starting with a property. */
	memset(&r, 0, sizeof(r));
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
	memset(&r, 0, sizeof(r));
	raw_u32(&r, 9);
	CHECK_EQ(check_blob(out, raw_finish(&r, out)), FDT_ERR_BADSTRUCT);
}

/* Every prefix of a valid blob, both as-is and with a header patched to match it. */
static void test_truncation(void)
{
	static u8 buf[2048];
	int err;
	u32 total = build_tree(buf, sizeof(buf), &err);

	CHECK_EQ(err, 0);
	for (u32 len = 0; len <= total; len++) {
		struct fdt fdt;
		u8 *b = dup_exact(buf, len);
		int e = fdt_init(&fdt, b, len);
		CHECK(len == total ? e == 0 : e == FDT_ERR_TRUNCATED);
		free(b);

		if (len < 56)
			continue;
		b = dup_exact(buf, len);
		{
			u32 off_st = be32_load(b + 8), sz_st = be32_load(b + 36);
			u32 off_str = be32_load(b + 12), sz_str = be32_load(b + 32);
			put32(b, 4, len);
			put32(b, 36, MIN(sz_st, len - off_st));
			put32(b, 32, off_str > len ? 0 : MIN(sz_str, len - off_str));
			if (off_str > len)
				put32(b, 12, len);
		}
		e = fdt_init(&fdt, b, len);
		CHECK_EQ(e, 0);
		e = exercise(b, len);
		CHECK(len == total ? e == 0 : e < 0);
		free(b);
	}
}

/* Deterministic random byte flips: errors are fine, crashes and hangs are not. */
static void test_random_flips(void)
{
	static u8 good[2048];
	int err;
	u32 total = build_tree(good, sizeof(good), &err);
	u64 x = 0x9e3779b97f4a7c15ULL;
	int accepted = 0;

	CHECK_EQ(err, 0);
	for (int iter = 0; iter < 4000; iter++) {
		const u8 *src = (iter & 1) ? good : sample_dtb;
		u32 len = (iter & 1) ? total : (u32)sizeof(sample_dtb);
		u8 *b = dup_exact(src, len);
		int flips = 1 + (int)(x % 4);
		for (int f = 0; f < flips; f++) {
			/* xorshift64 */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Half the flips hit the header, where offsets and sizes live. */
			u32 pos = (x >> 8) % ((x & 1) ? 40 : len);
			b[pos] ^= (u8)(1u << ((x >> 40) % 8));
			if ((x >> 50) % 8 == 0)
				b[pos] = (u8)(x >> 32); /* occasionally a whole random byte */
		}
		if (exercise(b, len) == 0)
			accepted++;
		free(b);
	}
	/* Sanity: flips in property values leave a valid tree, so some must be accepted. */
	CHECK(accepted > 0);
	CHECK(accepted < 4000);
}

int main(void)
{
	RUN(test_dtc_blob);
	RUN(test_roundtrip);
	RUN(test_writer_errors);
	RUN(test_walk_props);
	RUN(test_compat_mask);
	RUN(test_writer_many_names);
	RUN(test_bad_headers);
	RUN(test_bad_structs);
	RUN(test_truncation);
	RUN(test_random_flips);
	CHECK_MAIN_END();
}
