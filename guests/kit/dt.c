/* SPDX-License-Identifier: MIT */
/*
 * Minimal flattened device tree reader (DTSpec v0.4 ch. 5) for guests. It is
 * deliberately independent of the hypervisor's src/lib/fdt.c, so a test guest
 * checks the hypervisor's DTB writer with a second reader. Every token, length
 * and name is bounds-checked against the header's block sizes.
 */
#include "kit.h"
#include "ring.h"

#define FDT_MAGIC      0xd00dfeedU
#define FDT_BEGIN_NODE 1U
#define FDT_END_NODE   2U
#define FDT_PROP       3U
#define FDT_NOP	       4U
#define FDT_END	       9U
#define DT_MAX_DEPTH   8
#define DT_MAX_SIZE    0x200000U /* QEMU and Tessera DTBs are far smaller */

/* What a visitor sees for each property: the path of node names and the cells of each level. */
struct dt_visit {
	int depth; /* root = 0 */
	const char *names[DT_MAX_DEPTH];
	u32 acells[DT_MAX_DEPTH]; /* #address-cells/#size-cells a node sets for its children */
	u32 scells[DT_MAX_DEPTH];
	const char *prop;
	const u8 *val;
	u32 len;
};

typedef bool (*dt_visit_fn)(const struct dt_visit *v, void *ctx);

bool dt_valid(const void *dtb)
{
	const u8 *b = dtb;
	if (!b || be32_load(b) != FDT_MAGIC)
		return false;
	u32 total = be32_load(b + 4), off_s = be32_load(b + 8), off_str = be32_load(b + 12);
	u32 size_str = be32_load(b + 32), size_s = be32_load(b + 36);
	return total >= 40 && total <= DT_MAX_SIZE && be32_load(b + 20) >= 16 && off_s % 4 == 0 &&
	       off_s <= total && size_s <= total - off_s && off_str <= total &&
	       size_str <= total - off_str;
}

static u32 str_end(const u8 *s, u32 max)
{
	u32 n = 0;
	while (n < max && s[n])
		n++;
	return n; /* == max: not terminated */
}

/* Walks the structure block calling fn for each property until fn returns true. */
static bool dt_walk(const void *dtb, dt_visit_fn fn, void *ctx)
{
	if (!dt_valid(dtb))
		return false;
	const u8 *b = dtb;
	const u8 *strs = b + be32_load(b + 12);
	u32 size_str = be32_load(b + 32);
	u32 p = be32_load(b + 8), end = p + be32_load(b + 36);
	struct dt_visit v;
	v.depth = -1;

	while (end - p >= 4) {
		u32 tok = be32_load(b + p);
		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			u32 n = str_end(b + p, end - p);
			if (n == end - p || v.depth + 1 >= DT_MAX_DEPTH)
				return false;
			v.depth++;
			v.names[v.depth] = (const char *)(b + p);
			v.acells[v.depth] = 2; /* DTSpec 2.3.5 defaults */
			v.scells[v.depth] = 1;
			p = (u32)ALIGN_UP(p + n + 1, 4);
		} else if (tok == FDT_END_NODE) {
			if (v.depth < 0)
				return false;
			v.depth--;
		} else if (tok == FDT_PROP) {
			if (end - p < 8 || v.depth < 0)
				return false;
			u32 len = be32_load(b + p), nameoff = be32_load(b + p + 4);
			p += 8;
			if (len > end - p || nameoff >= size_str ||
			    str_end(strs + nameoff, size_str - nameoff) == size_str - nameoff)
				return false;
			v.prop = (const char *)(strs + nameoff);
			v.val = b + p;
			v.len = len;
			if (len == 4 && !strcmp(v.prop, "#address-cells"))
				v.acells[v.depth] = be32_load(v.val);
			if (len == 4 && !strcmp(v.prop, "#size-cells"))
				v.scells[v.depth] = be32_load(v.val);
			if (fn(&v, ctx))
				return true;
			p = (u32)ALIGN_UP(p + len, 4);
		} else if (tok == FDT_END) {
			return false;
		} else if (tok != FDT_NOP) {
			return false;
		}
		if (p > end)
			return false;
	}
	return false;
}

/* True if node name matches component comp[0..n): exactly, or up to an '@' unit address. */
static bool name_matches(const char *name, const char *comp, size_t n)
{
	return !strncmp(name, comp, n) && (name[n] == '\0' || name[n] == '@');
}

struct prop_query {
	const char *path, *prop;
	const u8 *val;
	u32 len;
};

static bool path_matches(const struct dt_visit *v, const char *path)
{
	int level = 0;
	while (*path) {
		while (*path == '/')
			path++;
		if (!*path)
			break;
		const char *e = strchr(path, '/');
		size_t n = e ? (size_t)(e - path) : strlen(path);
		if (++level > v->depth || !name_matches(v->names[level], path, n))
			return false;
		path += n;
	}
	return level == v->depth;
}

static bool prop_visit(const struct dt_visit *v, void *ctx)
{
	struct prop_query *q = ctx;
	if (strcmp(v->prop, q->prop) || !path_matches(v, q->path))
		return false;
	q->val = v->val;
	q->len = v->len;
	return true;
}

const void *dt_prop(const void *dtb, const char *path, const char *prop, u32 *len)
{
	struct prop_query q = {path, prop, NULL, 0};
	if (!dt_walk(dtb, prop_visit, &q))
		return NULL;
	if (len)
		*len = q.len;
	return q.val;
}

/* Reads a 1- or 2-cell number at cell index i of a property of len bytes. */
static bool cells_at(const u8 *val, u32 len, u32 i, u32 cells, u64 *out)
{
	if (cells < 1 || cells > 2 || (u64)(i + cells) * 4 > len)
		return false;
	*out = cells == 2 ? be64_load(val + i * 4) : be32_load(val + i * 4);
	return true;
}

bool dt_memory(const void *dtb, u64 *base, u64 *size)
{
	u32 len, ac = 2, sc = 1;
	const u8 *p = dt_prop(dtb, "/", "#address-cells", &len);
	if (p && len == 4)
		ac = be32_load(p);
	p = dt_prop(dtb, "/", "#size-cells", &len);
	if (p && len == 4)
		sc = be32_load(p);
	p = dt_prop(dtb, "/memory", "reg", &len);
	return p && cells_at(p, len, 0, ac, base) && cells_at(p, len, ac, sc, size);
}

struct cpu_query {
	u64 *mpidr;
	u32 max, count;
};

static bool cpu_visit(const struct dt_visit *v, void *ctx)
{
	struct cpu_query *q = ctx;
	u64 id;
	if (v->depth == 2 && !strcmp(v->prop, "reg") && name_matches(v->names[1], "cpus", 4) &&
	    name_matches(v->names[2], "cpu", 3) && cells_at(v->val, v->len, 0, v->acells[1], &id)) {
		if (q->count < q->max)
			q->mpidr[q->count] = id;
		q->count++;
	}
	return false;
}

u32 dt_cpus(const void *dtb, u64 *mpidr, u32 max)
{
	struct cpu_query q = {mpidr, max, 0};
	dt_walk(dtb, cpu_visit, &q);
	return MIN(q.count, max);
}

const char *dt_bootargs(const void *dtb)
{
	u32 len;
	const char *s = dt_prop(dtb, "/chosen", "bootargs", &len);
	if (!s || len == 0 || s[len - 1] != '\0')
		return "";
	return s;
}

struct cover_query {
	u64 addr;
	bool hit;
};

static bool cover_visit(const struct dt_visit *v, void *ctx)
{
	struct cover_query *q = ctx;
	if (v->depth < 1 || strcmp(v->prop, "reg"))
		return false;
	u32 ac = v->acells[v->depth - 1], sc = v->scells[v->depth - 1];
	u64 a, s;
	for (u32 i = 0; sc > 0 && cells_at(v->val, v->len, i, ac, &a) &&
			cells_at(v->val, v->len, i + ac, sc, &s);
	     i += ac + sc) {
		if (q->addr >= a && q->addr - a < s) {
			q->hit = true;
			return true;
		}
	}
	return false;
}

bool dt_reg_covers(const void *dtb, u64 addr)
{
	struct cover_query q = {addr, false};
	dt_walk(dtb, cover_visit, &q);
	return q.hit;
}

/* Channel nodes (docs/CONFIG.md "Channels"): a depth-1 "channel@..." node whose
 * tessera,name matches. Fields are gathered per node, in any property order. */
struct chan_query {
	const char *name;
	const char *node; /* node whose fields are being gathered */
	u32 have;	  /* bit 0 reg, 1 interrupts, 2 id, 3 access, 4 name matched */
	struct kit_chan *out;
};

static bool chan_visit(const struct dt_visit *v, void *ctx)
{
	struct chan_query *q = ctx;
	if (v->depth != 1 || !name_matches(v->names[1], "channel", 7))
		return false;
	if (q->node != v->names[1]) {
		q->node = v->names[1];
		q->have = 0;
	}
	u32 ac = v->acells[0], sc = v->scells[0];
	if (!strcmp(v->prop, "reg") && cells_at(v->val, v->len, 0, ac, &q->out->base) &&
	    cells_at(v->val, v->len, ac, sc, &q->out->size)) {
		q->have |= 1;
	} else if (!strcmp(v->prop, "interrupts") && v->len == 12) {
		q->out->intid = be32_load(v->val + 4) + 32;
		q->have |= 2;
	} else if (!strcmp(v->prop, "tessera,channel-id") && v->len == 4) {
		q->out->id = be32_load(v->val);
		q->have |= 4;
	} else if (!strcmp(v->prop, "tessera,access") && v->len == 3) {
		q->out->ro = !strcmp((const char *)v->val, "ro");
		q->have |= 8;
	} else if (!strcmp(v->prop, "tessera,name") && v->len > 0 && v->val[v->len - 1] == '\0' &&
		   !strcmp((const char *)v->val, q->name)) {
		q->have |= 16;
	}
	return q->have == 31;
}

bool dt_channel(const void *dtb, const char *name, struct kit_chan *out)
{
	struct chan_query q = {name, NULL, 0, out};
	return dt_walk(dtb, chan_visit, &q);
}
