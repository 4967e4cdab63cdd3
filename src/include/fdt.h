/* SPDX-License-Identifier: MIT */
/*
 * Flattened device tree (DTSpec v0.4 chapter 5): a bounds-checked reader and
 * a small writer. The reader validates the header once in fdt_init(); every
 * later walk re-checks each token, length and string offset against the blob,
 * so a malformed or hostile blob yields an error, never an out-of-bounds read.
 *
 * Node handles are byte offsets into the structure block (>= 0), relative to
 * off_dt_struct (the root is normally 0); negative values are FDT_ERR_* codes.
 * Property cursors are offsets of the same kind.
 */
#ifndef TESSERA_FDT_H
#define TESSERA_FDT_H

#include "types.h"

#define FDT_MAGIC 0xd00dfeedU

enum fdt_err {
	FDT_ERR_NOTFOUND = -1,
	FDT_ERR_BADMAGIC = -2,
	FDT_ERR_BADVERSION = -3,
	FDT_ERR_TRUNCATED = -4, /* header sizes/offsets exceed the buffer */
	FDT_ERR_BADSTRUCT = -5, /* bad token, nesting, or property layout */
	FDT_ERR_BADSTRING = -6, /* name not NUL-terminated inside its block */
	FDT_ERR_NOSPACE = -7,	/* writer: buffer too small */
	FDT_ERR_BADSTATE = -8,	/* writer: unbalanced nodes */
	FDT_ERR_DEPTH = -9,	/* nesting deeper than FDT_MAX_DEPTH */
};

#define FDT_MAX_DEPTH 16

struct fdt {
	const u8 *blob;
	u32 total; /* validated totalsize */
	u32 off_struct;
	u32 size_struct;
	u32 off_strings;
	u32 size_strings;
	bool strings_nul_end; /* the strings block's last byte is NUL (checked once, fdt_init) */
};

/* Validates the header (magic, version >= 16, block bounds) against avail bytes. */
int fdt_init(struct fdt *fdt, const void *blob, size_t avail);
/* Walks the whole structure block once; returns 0 if every token is sound. */
int fdt_check_struct(const struct fdt *fdt);
const char *fdt_strerror(int err);

/* Root node handle (>= 0) or error. */
int fdt_root(const struct fdt *fdt);
/* First child of node, next sibling of node: handle, FDT_ERR_NOTFOUND, or error. */
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
/* Child whose name equals name exactly, or whose name before '@' equals name. */
int fdt_subnode(const struct fdt *fdt, int parent, const char *name);
/* Node by absolute path such as "/cpus/cpu@0"; "/" is the root. */
int fdt_path(const struct fdt *fdt, const char *path);
/* The node's full name (with unit address); never NULL for a valid handle ("" on error). */
const char *fdt_name(const struct fdt *fdt, int node);
/* Writes the node's absolute path into buf (truncated, NUL-terminated); returns 0 or error. */
int fdt_node_path(const struct fdt *fdt, int node, char *buf, size_t size);
/* Parent of node, or error (root has none: FDT_ERR_NOTFOUND). */
int fdt_parent(const struct fdt *fdt, int node);

/* Property value and length, or NULL if absent or malformed. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, u32 *len);
bool fdt_has_prop(const struct fdt *fdt, int node, const char *name);
/* Property iteration: returns a cursor >= 0 for the first/next property of node. */
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int cursor);
/* Name, value and length at a property cursor; returns 0 or error. */
int fdt_prop_at(const struct fdt *fdt, int cursor, const char **name, const void **val, u32 *len);

/* Typed getters: true only if present with exactly the right size / a terminated string. */
bool fdt_prop_u32(const struct fdt *fdt, int node, const char *name, u32 *out);
/* Accepts one cell (zero-extended) or two cells. */
bool fdt_prop_u64(const struct fdt *fdt, int node, const char *name, u64 *out);
const char *fdt_prop_str(const struct fdt *fdt, int node, const char *name);
/* True if the node's "compatible" string list contains compat. */
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);
/* The same test on a "compatible" value already read (v may be NULL: false). */
bool fdt_compat_has(const char *v, u32 len, const char *compat);
/* The same for several at once, in one pass over the list: bit i set if it has compats[i]
 * (n <= 32). */
u32 fdt_compat_mask(const char *v, u32 len, const char *const *compats, u32 n);
/* Next node after 'from' in document order (from < 0: start at root) that is compatible. */
int fdt_find_compatible(const struct fdt *fdt, int from, const char *compat);
/* Calls fn for every node in document order (parent: FDT_ERR_NOTFOUND for the root), with its
 * name (unit address included) and the values of the properties names[0..n-1]
 * (n <= FDT_WALK_PROPS): vals[i] and lens[i], NULL and 0 where it has none. One pass, every
 * token read once, where fdt_parent would walk from the root for each node and fdt_getprop
 * for each name reads the node's properties again. A node is visited when its properties
 * have been read, before its children. Stops at the first non-zero return of fn and returns
 * it; 0 after the last node, or an error. */
#define FDT_WALK_PROPS 8
typedef int (*fdt_props_visit)(void *ctx, int node, int parent, const char *name,
			       const void *const *vals, const u32 *lens);
int fdt_walk_props(const struct fdt *fdt, const char *const *names, u32 n, fdt_props_visit fn,
		   void *ctx);

/* Reads the cell-th (address, size) pair from "reg" using the given cell counts (1 or 2). */
bool fdt_reg(const struct fdt *fdt, int node, u32 addr_cells, u32 size_cells, u32 index, u64 *addr,
	     u64 *size);
/* The same for a "reg" value already in hand (fdt_walk_props); false if val is NULL. */
bool fdt_reg_value(const void *val, u32 len, u32 addr_cells, u32 size_cells, u32 index, u64 *addr,
		   u64 *size);
/* #address-cells / #size-cells of a node (defaults 2 / 1 per DTSpec when absent). */
u32 fdt_address_cells(const struct fdt *fdt, int node);
u32 fdt_size_cells(const struct fdt *fdt, int node);

/*
 * Writer: builds a blob in a caller-supplied buffer. Errors are sticky: after
 * the first failure every call is a no-op and fdtw_finish() returns the error.
 */
#define FDTW_NAME_SLOTS 64

struct fdtw {
	u8 *buf;
	u32 cap;
	u32 struct_end;	  /* end of structure block so far (absolute offset) */
	u32 strings_size; /* strings are kept at the top of buf, growing down */
	int depth;
	int err;
	u32 last_token; /* properties may not follow a closed child node (DTSpec 5.4.2) */
	/* Open-addressed hash of the stored names (distance from the top, 0 = empty), so the
	 * strings block is not scanned for every property; scanned only once it is full. */
	u32 name_dist[FDTW_NAME_SLOTS];
};

void fdtw_init(struct fdtw *w, void *buf, size_t cap);
void fdtw_begin_node(struct fdtw *w, const char *name);
void fdtw_end_node(struct fdtw *w);
void fdtw_prop(struct fdtw *w, const char *name, const void *val, u32 len);
void fdtw_prop_empty(struct fdtw *w, const char *name);
void fdtw_prop_u32(struct fdtw *w, const char *name, u32 v);
void fdtw_prop_u64(struct fdtw *w, const char *name, u64 v);
void fdtw_prop_str(struct fdtw *w, const char *name, const char *s);
/* cells are host-order values written as big-endian. */
void fdtw_prop_cells(struct fdtw *w, const char *name, const u32 *cells, u32 count);
/* Two-cell address + two-cell size pairs ("reg" with #address-cells = #size-cells = 2). */
void fdtw_prop_reg64(struct fdtw *w, const char *name, const u64 *pairs, u32 pair_count);
/* Closes the tree, packs strings after the structure block; returns 0 and the total size. */
int fdtw_finish(struct fdtw *w, u32 *total_size);

#endif
