/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the FDT reader (src/lib/fdt.c), which parses the
 * config DTB from the system image and the platform DTB at boot. The input is
 * the blob itself, copied into an exact-size heap buffer so ASan sees any read
 * past its end. Every node/property/path API is exercised on whatever
 * fdt_init() accepts, whether or not fdt_check_struct() passes: each walk must
 * re-check what it reads (fdt.h). A blob that checks clean is also re-emitted
 * with the writer (src/lib/fdt_write.c) and the copy must check clean with
 * the same number of nodes and properties. The same bytes are then read as
 * a platform DTB (src/core/platform.c), the boot CPU's first parse.
 */
#include <stdlib.h>
#include <string.h>

#include "fdt.h"
#include "platform.h"
#include "fuzz_input.h"

#define MAX_NODES 4096 /* bounds the walk; a loop in the walker shows up as a timeout */

struct walk {
	const struct fdt *f;
	bool sound; /* fdt_check_struct() == 0 */
	u32 nodes, props;
	struct fdtw *w; /* re-emit into this writer, or NULL */
};

static void touch_prop_getters(const struct fdt *f, int node, const char *name)
{
	u32 len = 0, v32;
	u64 v64;
	const void *val = fdt_getprop(f, node, name, &len);

	if (val && len) {
		/* Reading the whole value must stay inside the blob. */
		volatile u8 sink = ((const u8 *)val)[len - 1];
		(void)sink;
	}
	(void)fdt_has_prop(f, node, name);
	(void)fdt_prop_u32(f, node, name, &v32);
	(void)fdt_prop_u64(f, node, name, &v64);
	const char *s = fdt_prop_str(f, node, name);
	if (s) {
		(void)strlen(s); /* fdt_prop_str promises a terminated string */
	}
}

static void walk_node(struct walk *wk, int node, int parent, int depth)
{
	const struct fdt *f = wk->f;
	char path[256];
	u64 a, s;

	if (++wk->nodes > MAX_NODES || depth > FDT_MAX_DEPTH + 1) {
		return;
	}
	const char *name = fdt_name(f, node);
	FUZZ_ASSERT(name != NULL);
	(void)strlen(name);
	if (fdt_node_path(f, node, path, sizeof(path)) == 0) {
		FUZZ_ASSERT(memchr(path, 0, sizeof(path)) != NULL);
		int found = fdt_path(f, path);
		if (wk->sound && found >= 0) {
			(void)fdt_name(f, found);
		}
	}
	int p = fdt_parent(f, node);
	if (wk->sound) {
		FUZZ_ASSERT(p == parent || (parent < 0 && p < 0));
	}
	if (parent >= 0) {
		(void)fdt_subnode(f, parent, name);
	}
	(void)fdt_address_cells(f, node);
	(void)fdt_size_cells(f, node);
	for (u32 ac = 1; ac <= 2; ac++) {
		for (u32 sc = 1; sc <= 2; sc++) {
			for (u32 i = 0; i < 3; i++) {
				(void)fdt_reg(f, node, ac, sc, i, &a, &s);
			}
		}
	}
	(void)fdt_is_compatible(f, node, "arm,gic-v3");
	(void)fdt_is_compatible(f, node, "");

	if (wk->w) {
		fdtw_begin_node(wk->w, name);
	}
	for (int c = fdt_first_prop(f, node); c >= 0 && wk->props < 8 * MAX_NODES;
	     c = fdt_next_prop(f, c)) {
		const char *pname = NULL;
		const void *val = NULL;
		u32 len = 0;

		wk->props++;
		if (fdt_prop_at(f, c, &pname, &val, &len) != 0) {
			continue;
		}
		FUZZ_ASSERT(pname != NULL);
		touch_prop_getters(f, node, pname);
		if (len) {
			FUZZ_ASSERT(val != NULL);
			volatile u8 sink = ((const u8 *)val)[len - 1];
			(void)sink;
		}
		if (wk->w) {
			fdtw_prop(wk->w, pname, val, len);
		}
	}
	for (int c = fdt_first_child(f, node); c >= 0; c = fdt_next_sibling(f, c)) {
		if (wk->nodes > MAX_NODES) {
			break;
		}
		walk_node(wk, c, node, depth + 1);
	}
	if (wk->w) {
		fdtw_end_node(wk->w);
	}
}

static void walk_tree(struct walk *wk)
{
	int root = fdt_root(wk->f);

	if (root >= 0) {
		walk_node(wk, root, -1, 0);
	}
	/* Document-order search, bounded like the walk. */
	u32 n = 0;
	for (int c = fdt_find_compatible(wk->f, -1, "virtio,mmio"); c >= 0 && n < MAX_NODES;
	     c = fdt_find_compatible(wk->f, c, "virtio,mmio")) {
		n++;
	}
	(void)fdt_path(wk->f, "/");
	(void)fdt_path(wk->f, "/cpus/cpu@0");
	(void)fdt_path(wk->f, "/vms");
	(void)fdt_path(wk->f, "//");
	(void)fdt_path(wk->f, "");
}

/* fdt_walk_props: every value it hands over lies inside the blob, and is what fdt_getprop
 * finds for that name (the same first match). */
struct props_walk {
	const struct fdt *f;
	const u8 *lo, *hi;
	u32 nodes;
};
static const char *const props_names[] = {"compatible", "reg", "device_type", "interrupts",
					  "#address-cells"};

static int props_visit(void *ctx, int node, int parent, const char *name, const void *const *vals,
		       const u32 *lens)
{
	struct props_walk *pw = ctx;

	(void)parent;
	FUZZ_ASSERT((const u8 *)name >= pw->lo && (const u8 *)name < pw->hi);
	for (u32 i = 0; i < ARRAY_SIZE(props_names); i++) {
		u32 len = 0;
		const void *v = fdt_getprop(pw->f, node, props_names[i], &len);

		FUZZ_ASSERT(vals[i] == v && lens[i] == (v ? len : 0));
		FUZZ_ASSERT(!v || ((const u8 *)v >= pw->lo && (const u8 *)v + len <= pw->hi));
	}
	return ++pw->nodes > MAX_NODES; /* bounded like the walk */
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fdt f;
	u8 *blob = malloc(size ? size : 1);

	if (!blob) {
		return 0;
	}
	memcpy(blob, data, size);
	if (fdt_init(&f, blob, size) == 0) {
		FUZZ_ASSERT(f.total <= size);
		struct walk wk = {.f = &f, .sound = fdt_check_struct(&f) == 0};
		(void)fdt_strerror(fdt_check_struct(&f));

		static u8 out[1 << 18];
		struct fdtw w;

		if (wk.sound) {
			fdtw_init(&w, out, sizeof(out));
			wk.w = &w;
		}
		walk_tree(&wk);
		struct props_walk pw = {&f, blob, blob + size, 0};
		int pr = fdt_walk_props(&f, props_names, ARRAY_SIZE(props_names), props_visit, &pw);
		FUZZ_ASSERT(!wk.sound || pr != 0 || pw.nodes == wk.nodes);
		u32 total = 0;
		if (wk.sound && wk.nodes <= MAX_NODES && fdtw_finish(&w, &total) == 0) {
			/* What the writer produced must read back with the same shape. */
			struct fdt g;
			FUZZ_ASSERT(fdt_init(&g, out, total) == 0);
			FUZZ_ASSERT(fdt_check_struct(&g) == 0);
			struct walk wk2 = {.f = &g, .sound = true};
			walk_tree(&wk2);
			FUZZ_ASSERT(wk2.nodes == wk.nodes);
			FUZZ_ASSERT(wk2.props == wk.props);
		}
	}
	struct platform plat;
	const char *why = NULL;
	if (platform_from_dtb(blob, size, &plat, &why) == 0) {
		FUZZ_ASSERT(plat.cpu_count >= 1 && plat.cpu_count <= CONFIG_MAX_PCPUS);
		FUZZ_ASSERT(plat.ram_count >= 1 && plat.ram_count <= CONFIG_MAX_RAM);
	} else {
		FUZZ_ASSERT(why != NULL);
	}
	free(blob);
	return 0;
}
