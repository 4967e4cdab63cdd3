/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked flattened device tree reader (DTSpec v0.4 chapter 5).
 *
 * Node handles and property cursors are byte offsets RELATIVE TO THE START
 * OF THE STRUCTURE BLOCK (off_dt_struct), pointing at the node's
 * FDT_BEGIN_NODE token or the property's FDT_PROP token. Every access goes
 * through fdt_tok(), which checks alignment, the token value, and that the
 * token with its payload (name or value) lies inside the structure block and
 * that property names lie NUL-terminated inside the strings block. Each walk
 * moves strictly forward, so no input can make it loop forever.
 */
#include "fdt.h"
#include "lib.h"

/* DTSpec 5.4.1: structure block tokens. */
#define FDT_BEGIN_NODE 0x1U
#define FDT_END_NODE   0x2U
#define FDT_PROP       0x3U
#define FDT_NOP	       0x4U
#define FDT_END	       0x9U

/* DTSpec 5.2: header is ten big-endian u32 fields. */
#define FDT_HDR_SIZE	    40U
#define FDT_HDR_MAGIC	    0
#define FDT_HDR_TOTALSIZE   4
#define FDT_HDR_OFF_STRUCT  8
#define FDT_HDR_OFF_STRINGS 12
#define FDT_HDR_OFF_RSVMAP  16
#define FDT_HDR_VERSION	    20
#define FDT_HDR_LAST_COMP   24
#define FDT_HDR_SIZE_STRS   32
#define FDT_HDR_SIZE_STRUCT 36

/* Largest blob accepted, so that every offset fits in a non-negative int handle. */
#define FDT_MAX_TOTAL 0x7fffff00U

/* One decoded token. data is the offset of the name (BEGIN_NODE) or value (PROP). */
struct fdt_token {
	u32 tag;
	u32 next; /* offset of the following token */
	u32 data;
	u32 len;
	const char *pname; /* property name (PROP only) */
};

static const u8 *fdt_sb(const struct fdt *fdt)
{
	return fdt->blob + fdt->off_struct;
}

typedef u32 __attribute__((may_alias)) fdt_word_t;

/* Length of a NUL-terminated string at p with at most max bytes available, or -1. Node
 * names are 4-byte aligned in the blob: whole words are tested first for a zero byte. */
static s64 fdt_strlen_in(const u8 *p, u32 max)
{
	u32 i = 0;

	if (((uintptr_t)p & 3) == 0) {
		for (; max - i >= 4; i += 4) {
			u32 w = *(const fdt_word_t *)(const void *)(p + i);

			if ((w - 0x01010101U) & ~w & 0x80808080U)
				break; /* a zero byte in this word */
		}
	}
	for (; i < max; i++) {
		if (p[i] == 0)
			return i;
	}
	return -1;
}

/* Big-endian u32 at p: one load when p is 4-byte aligned (every structure-block field is,
 * in an aligned blob), bytewise otherwise (-mstrict-align). */
static u32 fdt_be32(const u8 *p)
{
	if ((uintptr_t)p & 3)
		return be32_load(p);
	return __builtin_bswap32(*(const fdt_word_t *)__builtin_assume_aligned(p, 4));
}

/* Decodes the token at off (DTSpec 5.4); returns 0 or a negative error. */
static int fdt_tok(const struct fdt *fdt, int off_in, struct fdt_token *t)
{
	u32 size = fdt->size_struct;
	const u8 *sb;
	u32 off;

	if (off_in < 0)
		return off_in;
	off = (u32)off_in;
	if (!fdt->blob || (off & 3) || off > size || size - off < 4)
		return FDT_ERR_BADSTRUCT;
	sb = fdt_sb(fdt);
	t->tag = fdt_be32(sb + off);
	t->data = off + 4;
	t->len = 0;
	t->pname = NULL;
	switch (t->tag) {
	case FDT_BEGIN_NODE: {
		s64 n = fdt_strlen_in(sb + t->data, size - t->data);
		if (n < 0)
			return FDT_ERR_BADSTRING;
		t->len = (u32)n;
		/* Name plus NUL, padded to 4; the padding must fit too. */
		u64 next = ALIGN_UP((u64)t->data + (u64)n + 1, 4);
		if (next > size)
			return FDT_ERR_BADSTRUCT;
		t->next = (u32)next;
		return 0;
	}
	case FDT_PROP: {
		u32 nameoff;
		u64 next;
		s64 n;
		if (size - off < 12)
			return FDT_ERR_BADSTRUCT;
		t->len = fdt_be32(sb + off + 4);
		nameoff = fdt_be32(sb + off + 8);
		t->data = off + 12;
		next = ALIGN_UP((u64)t->data + t->len, 4);
		if (next > size)
			return FDT_ERR_BADSTRUCT;
		t->next = (u32)next;
		if (nameoff >= fdt->size_strings)
			return FDT_ERR_BADSTRING;
		/* A strings block that ends in NUL terminates every name that starts in it. */
		n = fdt->strings_nul_end ? 0
					 : fdt_strlen_in(fdt->blob + fdt->off_strings + nameoff,
							 fdt->size_strings - nameoff);
		if (n < 0)
			return FDT_ERR_BADSTRING;
		t->pname = (const char *)(fdt->blob + fdt->off_strings + nameoff);
		return 0;
	}
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		t->next = off + 4;
		return 0;
	default:
		return FDT_ERR_BADSTRUCT;
	}
}

/* Skips NOP tokens starting at off; leaves the first other token in *t. */
static int fdt_tok_skip_nop(const struct fdt *fdt, int off, struct fdt_token *t, int *at)
{
	for (;;) {
		int err = fdt_tok(fdt, off, t);
		if (err)
			return err;
		if (t->tag != FDT_NOP) {
			*at = off;
			return 0;
		}
		off = (int)t->next;
	}
}

int fdt_init(struct fdt *fdt, const void *blob, size_t avail)
{
	const u8 *b = blob;
	u32 total, off_struct, off_strings, off_rsv, version, last_comp, size_strings, size_struct;

	memset(fdt, 0, sizeof(*fdt));
	if (!blob || avail < FDT_HDR_SIZE)
		return FDT_ERR_TRUNCATED;
	if (be32_load(b + FDT_HDR_MAGIC) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	total = be32_load(b + FDT_HDR_TOTALSIZE);
	off_struct = be32_load(b + FDT_HDR_OFF_STRUCT);
	off_strings = be32_load(b + FDT_HDR_OFF_STRINGS);
	off_rsv = be32_load(b + FDT_HDR_OFF_RSVMAP);
	version = be32_load(b + FDT_HDR_VERSION);
	last_comp = be32_load(b + FDT_HDR_LAST_COMP);
	size_strings = be32_load(b + FDT_HDR_SIZE_STRS);
	size_struct = be32_load(b + FDT_HDR_SIZE_STRUCT);

	/* DTSpec 5.2: version 17, backwards compatible with 16; older layouts differ. */
	if (version < 16 || last_comp > 17)
		return FDT_ERR_BADVERSION;
	if (total < FDT_HDR_SIZE || total > avail || total > FDT_MAX_TOTAL)
		return FDT_ERR_TRUNCATED;
	/* Version 16 has no size_dt_struct: the block runs to the end of the blob. */
	if (version < 17 && off_struct <= total)
		size_struct = total - off_struct;
	/* All blocks must lie inside [header end, totalsize); u64 sums cannot wrap. */
	if (off_struct < FDT_HDR_SIZE || (u64)off_struct + size_struct > total)
		return FDT_ERR_TRUNCATED;
	if (off_strings < FDT_HDR_SIZE || (u64)off_strings + size_strings > total)
		return FDT_ERR_TRUNCATED;
	/* The reservation map needs at least its terminating 16-byte entry (5.3). */
	if (off_rsv < FDT_HDR_SIZE || (u64)off_rsv + 16 > total)
		return FDT_ERR_TRUNCATED;
	/* Tokens are 4-byte aligned relative to the blob (5.4); handles rely on it. */
	if (off_struct & 3)
		return FDT_ERR_BADSTRUCT;

	fdt->blob = b;
	fdt->total = total;
	fdt->off_struct = off_struct;
	fdt->size_struct = size_struct;
	fdt->off_strings = off_strings;
	fdt->size_strings = size_strings;
	fdt->strings_nul_end = size_strings && b[off_strings + size_strings - 1] == 0;
	return 0;
}

int fdt_check_struct(const struct fdt *fdt)
{
	struct fdt_token t;
	int depth = 0;
	bool seen_root = false;
	/* Per open node: has a child been seen (properties must come first, 5.4.2). */
	bool had_child[FDT_MAX_DEPTH + 1];
	int off = 0;

	for (;;) {
		int err = fdt_tok(fdt, off, &t);
		if (err)
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && seen_root)
				return FDT_ERR_BADSTRUCT; /* a second root */
			if (depth >= FDT_MAX_DEPTH)
				return FDT_ERR_DEPTH;
			if (depth > 0)
				had_child[depth] = true;
			seen_root = true;
			depth++;
			had_child[depth] = false;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return FDT_ERR_BADSTRUCT;
			depth--;
			break;
		case FDT_PROP:
			if (depth == 0 || had_child[depth])
				return FDT_ERR_BADSTRUCT;
			break;
		case FDT_END:
			return (depth == 0 && seen_root) ? 0 : FDT_ERR_BADSTRUCT;
		default: /* FDT_NOP */
			break;
		}
		off = (int)t.next;
	}
}

const char *fdt_strerror(int err)
{
	switch (err) {
	case 0:
		return "ok";
	case FDT_ERR_NOTFOUND:
		return "not found";
	case FDT_ERR_BADMAGIC:
		return "bad magic";
	case FDT_ERR_BADVERSION:
		return "unsupported version";
	case FDT_ERR_TRUNCATED:
		return "truncated or bad block offsets";
	case FDT_ERR_BADSTRUCT:
		return "bad structure block";
	case FDT_ERR_BADSTRING:
		return "unterminated name or bad string offset";
	case FDT_ERR_NOSPACE:
		return "no space";
	case FDT_ERR_BADSTATE:
		return "unbalanced nodes";
	case FDT_ERR_DEPTH:
		return "nesting too deep";
	default:
		return "unknown error";
	}
}

int fdt_root(const struct fdt *fdt)
{
	struct fdt_token t;
	int at;
	int err = fdt_tok_skip_nop(fdt, 0, &t, &at);

	if (err)
		return err;
	return t.tag == FDT_BEGIN_NODE ? at : FDT_ERR_BADSTRUCT;
}

/* Checks that the token at off has the given tag; returns the offset of the token after it
 * (for a BEGIN_NODE: after its name; for a PROP: after its value). */
static int fdt_token_after(const struct fdt *fdt, int off, u32 tag)
{
	struct fdt_token t;
	int err = fdt_tok(fdt, off, &t);

	if (err)
		return err;
	if (t.tag != tag)
		return FDT_ERR_BADSTRUCT;
	return (int)t.next;
}

/* Checks that node is a BEGIN_NODE token; returns the offset of the token after its name. */
static int fdt_node_body(const struct fdt *fdt, int node)
{
	return fdt_token_after(fdt, node, FDT_BEGIN_NODE);
}

/* Returns the offset just past the END_NODE that closes node. */
static int fdt_node_end(const struct fdt *fdt, int node)
{
	struct fdt_token t;
	int depth = 1;
	int off = fdt_node_body(fdt, node);

	while (off >= 0) {
		int err = fdt_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.tag == FDT_BEGIN_NODE) {
			if (++depth > FDT_MAX_DEPTH)
				return FDT_ERR_DEPTH;
		} else if (t.tag == FDT_END_NODE) {
			if (--depth == 0)
				return (int)t.next;
		} else if (t.tag == FDT_END) {
			return FDT_ERR_BADSTRUCT;
		}
		off = (int)t.next;
	}
	return off;
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	struct fdt_token t;
	int off = fdt_node_body(fdt, node);

	while (off >= 0) {
		int err = fdt_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.tag == FDT_BEGIN_NODE)
			return off;
		if (t.tag == FDT_END_NODE)
			return FDT_ERR_NOTFOUND;
		if (t.tag == FDT_END)
			return FDT_ERR_BADSTRUCT;
		off = (int)t.next;
	}
	return off;
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	struct fdt_token t;
	int at;
	int err, off = fdt_node_end(fdt, node);

	if (off < 0)
		return off;
	err = fdt_tok_skip_nop(fdt, off, &t, &at);
	if (err)
		return err;
	if (t.tag == FDT_BEGIN_NODE)
		return at;
	if (t.tag == FDT_END_NODE || t.tag == FDT_END)
		return FDT_ERR_NOTFOUND;
	return FDT_ERR_BADSTRUCT; /* a property after a subnode */
}

const char *fdt_name(const struct fdt *fdt, int node)
{
	struct fdt_token t;

	if (fdt_tok(fdt, node, &t) || t.tag != FDT_BEGIN_NODE)
		return "";
	return (const char *)fdt_sb(fdt) + t.data;
}

/* Node name matches name[0..len) exactly, or its part before '@' does (if name has no '@'). */
static bool fdt_name_matches(const char *nm, const char *name, size_t len)
{
	bool has_at = false;

	for (size_t i = 0; i < len; i++) {
		if (name[i] == '@')
			has_at = true;
	}
	/* strncmp stops at nm's NUL, so nm[len] is only read when nm has >= len chars. */
	if (strncmp(nm, name, len) != 0)
		return false;
	return nm[len] == '\0' || (!has_at && nm[len] == '@');
}

static int fdt_subnode_n(const struct fdt *fdt, int parent, const char *name, size_t len)
{
	int child = fdt_first_child(fdt, parent);

	while (child >= 0) {
		if (fdt_name_matches(fdt_name(fdt, child), name, len))
			return child;
		child = fdt_next_sibling(fdt, child);
	}
	return child;
}

int fdt_subnode(const struct fdt *fdt, int parent, const char *name)
{
	return fdt_subnode_n(fdt, parent, name, strlen(name));
}

int fdt_path(const struct fdt *fdt, const char *path)
{
	int node;

	if (!path || path[0] != '/')
		return FDT_ERR_NOTFOUND;
	node = fdt_root(fdt);
	while (node >= 0) {
		size_t len = 0;
		while (*path == '/')
			path++;
		if (*path == '\0')
			return node;
		while (path[len] != '\0' && path[len] != '/')
			len++;
		node = fdt_subnode_n(fdt, node, path, len);
		path += len;
	}
	return node;
}

/*
 * Walks from the root to node, recording the offsets of the open nodes
 * (stack[0] is the root, stack[*depth - 1] is node itself).
 */
static int fdt_ancestors(const struct fdt *fdt, int node, int *stack, int *depth)
{
	struct fdt_token t;
	int off = 0;

	*depth = 0;
	if (node < 0)
		return node;
	for (;;) {
		int err = fdt_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.tag == FDT_BEGIN_NODE) {
			if (*depth >= FDT_MAX_DEPTH)
				return FDT_ERR_DEPTH;
			stack[(*depth)++] = off;
			if (off == node)
				return 0;
		} else if (t.tag == FDT_END_NODE) {
			if (*depth == 0)
				return FDT_ERR_BADSTRUCT;
			(*depth)--;
		} else if (t.tag == FDT_END) {
			return FDT_ERR_NOTFOUND;
		}
		if ((int)t.next > node)
			return FDT_ERR_NOTFOUND; /* node is not at a token boundary */
		off = (int)t.next;
	}
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH];
	int depth;
	int err = fdt_ancestors(fdt, node, stack, &depth);

	if (err)
		return err;
	return depth >= 2 ? stack[depth - 2] : FDT_ERR_NOTFOUND;
}

int fdt_node_path(const struct fdt *fdt, int node, char *buf, size_t size)
{
	int stack[FDT_MAX_DEPTH];
	int depth;
	size_t pos = 0;
	int err;

	if (!buf || size == 0)
		return FDT_ERR_NOSPACE;
	buf[0] = '\0';
	err = fdt_ancestors(fdt, node, stack, &depth);
	if (err)
		return err;
	if (depth == 1) {
		str_copy(buf, "/", size);
		return 0;
	}
	/* The root (stack[0]) contributes nothing; every other level adds "/name". */
	for (int i = 1; i < depth; i++) {
		const char *nm = fdt_name(fdt, stack[i]);
		if (pos + 1 < size)
			buf[pos++] = '/';
		while (*nm && pos + 1 < size)
			buf[pos++] = *nm++;
	}
	buf[pos] = '\0';
	return 0;
}

/* First property at or after off within the current node: cursor, NOTFOUND, or error. */
static int fdt_prop_from(const struct fdt *fdt, int off)
{
	struct fdt_token t;
	int at;
	int err = fdt_tok_skip_nop(fdt, off, &t, &at);

	if (err)
		return err;
	if (t.tag == FDT_PROP)
		return at;
	if (t.tag == FDT_BEGIN_NODE || t.tag == FDT_END_NODE)
		return FDT_ERR_NOTFOUND;
	return FDT_ERR_BADSTRUCT;
}

int fdt_first_prop(const struct fdt *fdt, int node)
{
	int off = fdt_node_body(fdt, node);

	return off < 0 ? off : fdt_prop_from(fdt, off);
}

int fdt_next_prop(const struct fdt *fdt, int cursor)
{
	int off = fdt_token_after(fdt, cursor, FDT_PROP);

	return off < 0 ? off : fdt_prop_from(fdt, off);
}

int fdt_prop_at(const struct fdt *fdt, int cursor, const char **name, const void **val, u32 *len)
{
	struct fdt_token t;
	int err = fdt_tok(fdt, cursor, &t);

	if (err)
		return err;
	if (t.tag != FDT_PROP)
		return FDT_ERR_BADSTRUCT;
	if (name)
		*name = t.pname;
	if (val)
		*val = fdt_sb(fdt) + t.data;
	if (len)
		*len = t.len;
	return 0;
}

/* The property cursor walk (fdt_first_prop, fdt_next_prop, fdt_prop_at) in one loop that
 * decodes each token once: the boot reads the board's DTB and the config this way. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, u32 *len)
{
	struct fdt_token t;
	int off = fdt_node_body(fdt, node);

	while (off >= 0 && fdt_tok(fdt, off, &t) == 0) {
		if (t.tag == FDT_PROP && strcmp(t.pname, name) == 0) {
			if (len)
				*len = t.len;
			return fdt_sb(fdt) + t.data;
		}
		if (t.tag != FDT_PROP && t.tag != FDT_NOP)
			return NULL;
		off = (int)t.next;
	}
	return NULL;
}

bool fdt_has_prop(const struct fdt *fdt, int node, const char *name)
{
	return fdt_getprop(fdt, node, name, NULL) != NULL;
}

bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, u32 *out)
{
	u32 len;
	const void *v = fdt_getprop(fdt, node, name, &len);

	if (!v || len != 4)
		return false;
	*out = be32_load(v);
	return true;
}

bool fdt_prop_u64(const struct fdt *fdt, int node, const char *name, u64 *out)
{
	u32 len;
	const void *v = fdt_getprop(fdt, node, name, &len);

	if (!v || (len != 4 && len != 8))
		return false;
	*out = len == 4 ? be32_load(v) : be64_load(v);
	return true;
}

const char *fdt_prop_str(const struct fdt *fdt, int node, const char *name)
{
	u32 len;
	const char *v = fdt_getprop(fdt, node, name, &len);

	if (!v || len == 0 || v[len - 1] != '\0')
		return NULL;
	return v;
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	u32 len;
	const char *v = fdt_getprop(fdt, node, "compatible", &len);

	return fdt_compat_has(v, len, compat);
}

bool fdt_compat_has(const char *v, u32 len, const char *compat)
{
	const char *const one[1] = {compat};

	return fdt_compat_mask(v, len, one, 1) != 0;
}

u32 fdt_compat_mask(const char *v, u32 len, const char *const *compats, u32 n)
{
	u32 has = 0;

	/* DTSpec 2.3.1: a list of NUL-separated strings; the last may lack its NUL if malformed. */
	for (u32 pos = 0; v && pos < len;) {
		u32 e = (u32)str_nlen(v + pos, len - pos);

		/* The whole entry (strncmp stops at either string's end: no read past
		 * compats[i]); most differ in their first letter, and need no call. */
		for (u32 i = 0; i < n && i < 32; i++) {
			if (v[pos] == compats[i][0] && strncmp(v + pos, compats[i], e) == 0 &&
			    compats[i][e] == '\0')
				has |= 1U << i;
		}
		pos += e + 1;
	}
	return has;
}

int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat)
{
	struct fdt_token t;
	int off;

	if (from < 0) {
		off = fdt_root(fdt);
	} else {
		off = fdt_node_body(fdt, from);
	}
	while (off >= 0) {
		int err = fdt_tok(fdt, off, &t);
		if (err)
			return err;
		if (t.tag == FDT_END)
			return FDT_ERR_NOTFOUND;
		if (t.tag == FDT_BEGIN_NODE && fdt_is_compatible(fdt, off, compat))
			return off;
		off = (int)t.next;
	}
	return off;
}

/* fdt_walk_props: the node waiting for its visit, its properties gathered as they come. */
struct fdt_walk_node {
	int node, parent;
	const char *name;
	const void *vals[FDT_WALK_PROPS];
	u32 lens[FDT_WALK_PROPS];
};

int fdt_walk_props(const struct fdt *fdt, const char *const *names, u32 n, fdt_props_visit fn,
		   void *ctx)
{
	struct fdt_token t;
	struct fdt_walk_node w = {.node = -1};
	int stack[FDT_MAX_DEPTH];
	int depth = 0, off = 0;

	if (n > FDT_WALK_PROPS)
		return FDT_ERR_BADSTRUCT;
	for (;;) {
		int err = fdt_tok(fdt, off, &t);

		if (err)
			return err;
		if (t.tag == FDT_PROP) {
			for (u32 i = 0; w.node >= 0 && i < n; i++) {
				/* The first letters differ for most names: no call for those. */
				if (!w.vals[i] && t.pname[0] == names[i][0] &&
				    strcmp(t.pname, names[i]) == 0) {
					w.vals[i] = fdt_sb(fdt) + t.data;
					w.lens[i] = t.len;
					break;
				}
			}
		} else if (t.tag != FDT_NOP) {
			/* Its properties come before its first child and its end: the node waiting
			 * is complete, and visited before its children (document order). */
			if (w.node >= 0) {
				err = fn(ctx, w.node, w.parent, w.name, w.vals, w.lens);
				if (err)
					return err;
				w.node = -1;
			}
			if (t.tag == FDT_BEGIN_NODE) {
				if (depth >= FDT_MAX_DEPTH)
					return FDT_ERR_DEPTH;
				w.node = off;
				w.parent = depth ? stack[depth - 1] : FDT_ERR_NOTFOUND;
				w.name = (const char *)fdt_sb(fdt) + t.data;
				for (u32 i = 0; i < n; i++) {
					w.vals[i] = NULL;
					w.lens[i] = 0;
				}
				stack[depth++] = off;
			} else if (t.tag == FDT_END_NODE) {
				if (depth == 0)
					return FDT_ERR_BADSTRUCT;
				depth--;
			} else { /* FDT_END */
				return 0;
			}
		}
		off = (int)t.next;
	}
}

bool fdt_reg(const struct fdt *fdt, int node, u32 addr_cells, u32 size_cells, u32 index, u64 *addr,
	     u64 *size)
{
	u32 len = 0;
	const u8 *v = fdt_getprop(fdt, node, "reg", &len);

	return fdt_reg_value(v, len, addr_cells, size_cells, index, addr, size);
}

bool fdt_reg_value(const void *val, u32 len, u32 addr_cells, u32 size_cells, u32 index, u64 *addr,
		   u64 *size)
{
	const u8 *v = val;
	u64 entry, start;

	/* Size cells may be 0 (e.g. cpu nodes); then *size is 0. */
	if (!v || addr_cells < 1 || addr_cells > 2 || size_cells > 2)
		return false;
	entry = 4ULL * (addr_cells + size_cells);
	start = entry * index;
	if (start + entry > len)
		return false;
	v += start;
	*addr = addr_cells == 2 ? be64_load(v) : be32_load(v);
	v += 4 * addr_cells;
	*size = size_cells == 2 ? be64_load(v) : size_cells == 1 ? be32_load(v) : 0;
	return true;
}

u32 fdt_address_cells(const struct fdt *fdt, int node)
{
	u32 v;

	return fdt_prop_u32(fdt, node, "#address-cells", &v) ? v : 2;
}

u32 fdt_size_cells(const struct fdt *fdt, int node)
{
	u32 v;

	return fdt_prop_u32(fdt, node, "#size-cells", &v) ? v : 1;
}
