/* SPDX-License-Identifier: MIT */
/*
 * Flattened device tree writer (DTSpec v0.4 chapter 5).
 *
 * Layout while building, in the caller's buffer:
 *   [header 40][empty reservation map 16][structure block ...)   free   [strings]
 * The structure block grows up from offset 56; property names are deduplicated
 * into a strings area at the top of the buffer that grows down. Because a
 * string's final offset is unknown until all strings are in, a property's
 * nameoff temporarily holds the string's distance from the top of the buffer;
 * fdtw_finish() moves the strings block right after the structure block and
 * rewrites every nameoff. Errors are sticky.
 */
#include "fdt.h"
#include "lib.h"

/* DTSpec 5.4.1 tokens. */
#define FDTW_BEGIN_NODE 0x1U
#define FDTW_END_NODE	0x2U
#define FDTW_PROP	0x3U
#define FDTW_END	0x9U

#define FDTW_HDR_SIZE	 40U
#define FDTW_RSVMAP_SIZE 16U /* just the terminating (0, 0) entry (5.3) */
#define FDTW_STRUCT_OFF	 (FDTW_HDR_SIZE + FDTW_RSVMAP_SIZE)
/* Keep the blob within what the reader accepts (handles are non-negative ints). */
#define FDTW_MAX_CAP 0x7fffff00U

static void fdtw_fail(struct fdtw *w, int err)
{
	if (!w->err)
		w->err = err;
}

/* Free bytes between the structure block and the strings area. */
static u32 fdtw_free(const struct fdtw *w)
{
	return w->cap - w->strings_size - w->struct_end;
}

/* Reserves n bytes (a multiple of 4) at the end of the structure block, zeroed. */
static u8 *fdtw_reserve(struct fdtw *w, u64 n)
{
	u8 *p;

	if (w->err)
		return NULL;
	if (n > fdtw_free(w)) {
		fdtw_fail(w, FDT_ERR_NOSPACE);
		return NULL;
	}
	p = w->buf + w->struct_end;
	memset(p, 0, (size_t)n);
	w->struct_end += (u32)n;
	return p;
}

void fdtw_init(struct fdtw *w, void *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap > FDTW_MAX_CAP ? FDTW_MAX_CAP : (u32)cap;
	w->struct_end = FDTW_STRUCT_OFF;
	w->strings_size = 0;
	w->depth = 0;
	w->err = 0;
	w->last_token = 0;
	memset(w->name_dist, 0, sizeof(w->name_dist));
	/* Room for header, reservation map, and the final FDT_END token. */
	if (!buf || w->cap < FDTW_STRUCT_OFF + 4) {
		w->cap = 0;
		w->struct_end = 0;
		w->err = FDT_ERR_NOSPACE;
		return;
	}
	memset(w->buf, 0, FDTW_STRUCT_OFF);
}

void fdtw_begin_node(struct fdtw *w, const char *name)
{
	size_t len;
	u8 *p;

	if (w->err)
		return;
	/* One root only; it is named "" (5.4.1), "/" is accepted as a spelling of it. */
	if (w->depth == 0) {
		if (w->struct_end != FDTW_STRUCT_OFF) {
			fdtw_fail(w, FDT_ERR_BADSTATE);
			return;
		}
		if (strcmp(name, "/") == 0)
			name = "";
	}
	if (w->depth >= FDT_MAX_DEPTH) {
		fdtw_fail(w, FDT_ERR_DEPTH);
		return;
	}
	len = strlen(name);
	p = fdtw_reserve(w, 4 + ALIGN_UP((u64)len + 1, 4));
	if (!p)
		return;
	be32_store(p, FDTW_BEGIN_NODE);
	memcpy(p + 4, name, len);
	w->depth++;
	w->last_token = FDTW_BEGIN_NODE;
}

void fdtw_end_node(struct fdtw *w)
{
	u8 *p;

	if (w->err)
		return;
	if (w->depth <= 0) {
		fdtw_fail(w, FDT_ERR_BADSTATE);
		return;
	}
	p = fdtw_reserve(w, 4);
	if (!p)
		return;
	be32_store(p, FDTW_END_NODE);
	w->depth--;
	w->last_token = FDTW_END_NODE;
}

/* Appends s (len bytes and its NUL) to the strings; its distance from the top (0 on error). */
static u32 fdtw_string_add(struct fdtw *w, const char *s, size_t len)
{
	u32 top = w->cap;

	if ((u64)len + 1 > fdtw_free(w)) {
		fdtw_fail(w, FDT_ERR_NOSPACE);
		return 0;
	}
	w->strings_size += (u32)len + 1;
	memcpy(w->buf + top - w->strings_size, s, len + 1);
	return w->strings_size;
}

/* Returns the string's distance from the top of the buffer, adding it if new (0 on error). */
static u32 fdtw_string_find(struct fdtw *w, const char *s, size_t len)
{
	u32 top = w->cap;
	u32 pos = top - w->strings_size;

	/* Strings are stored back to back, each NUL-terminated: look for an exact match. */
	while (pos < top) {
		const char *cur = (const char *)w->buf + pos;
		size_t n = str_nlen(cur, top - pos);
		if (n == len && memcmp(cur, s, len) == 0)
			return top - pos;
		pos += (u32)n + 1;
	}
	return fdtw_string_add(w, s, len);
}

/* FNV-1a over the name; *len is its length. */
static u32 fdtw_hash(const char *s, size_t *len)
{
	u32 h = 2166136261U;
	size_t n = 0;

	for (; s[n]; n++)
		h = (h ^ (u8)s[n]) * 16777619U;
	*len = n;
	return h;
}

static u32 fdtw_string(struct fdtw *w, const char *s)
{
	size_t len;
	u32 h = fdtw_hash(s, &len);

	for (u32 i = 0; i < FDTW_NAME_SLOTS; i++) {
		u32 slot = (h + i) % FDTW_NAME_SLOTS, d = w->name_dist[slot];

		if (d == 0) { /* new: until the table fills, every stored name is in it */
			d = fdtw_string_add(w, s, len);
			w->name_dist[slot] = d;
			return d;
		}
		/* d <= strings_size: d >= len + 1 keeps the compare inside buf. */
		if (d >= len + 1 && memcmp(w->buf + w->cap - d, s, len + 1) == 0)
			return d;
	}
	return fdtw_string_find(w, s, len); /* table full: scan the block */
}

/* Writes a property header for len value bytes; returns the (zeroed) value area or NULL. */
static u8 *fdtw_prop_begin(struct fdtw *w, const char *name, u64 len)
{
	u32 dist;
	u8 *p;

	if (w->err)
		return NULL;
	/* Properties belong to an open node and precede its children (5.4.2). */
	if (w->depth <= 0 || w->last_token == FDTW_END_NODE) {
		fdtw_fail(w, FDT_ERR_BADSTATE);
		return NULL;
	}
	if (len > fdtw_free(w)) {
		fdtw_fail(w, FDT_ERR_NOSPACE);
		return NULL;
	}
	dist = fdtw_string(w, name);
	p = fdtw_reserve(w, 12 + ALIGN_UP(len, 4));
	if (!p)
		return NULL;
	be32_store(p, FDTW_PROP);
	be32_store(p + 4, (u32)len);
	be32_store(p + 8, dist);
	w->last_token = FDTW_PROP;
	return p + 12;
}

void fdtw_prop(struct fdtw *w, const char *name, const void *val, u32 len)
{
	u8 *p = fdtw_prop_begin(w, name, len);

	if (p && len)
		memcpy(p, val, len);
}

void fdtw_prop_empty(struct fdtw *w, const char *name)
{
	fdtw_prop_begin(w, name, 0);
}

void fdtw_prop_u32(struct fdtw *w, const char *name, u32 v)
{
	u8 *p = fdtw_prop_begin(w, name, 4);

	if (p)
		be32_store(p, v);
}

void fdtw_prop_u64(struct fdtw *w, const char *name, u64 v)
{
	u8 *p = fdtw_prop_begin(w, name, 8);

	if (p) {
		be32_store(p, (u32)(v >> 32));
		be32_store(p + 4, (u32)v);
	}
}

void fdtw_prop_str(struct fdtw *w, const char *name, const char *s)
{
	size_t len = strlen(s) + 1;

	if (len > FDTW_MAX_CAP) {
		fdtw_fail(w, FDT_ERR_NOSPACE);
		return;
	}
	fdtw_prop(w, name, s, (u32)len);
}

void fdtw_prop_cells(struct fdtw *w, const char *name, const u32 *cells, u32 count)
{
	u8 *p = fdtw_prop_begin(w, name, 4ULL * count);

	for (u32 i = 0; p && i < count; i++)
		be32_store(p + 4 * i, cells[i]);
}

void fdtw_prop_reg64(struct fdtw *w, const char *name, const u64 *pairs, u32 pair_count)
{
	u8 *p = fdtw_prop_begin(w, name, 16ULL * pair_count);

	for (u32 i = 0; p && i < 2 * pair_count; i++) {
		be32_store(p + 8 * i, (u32)(pairs[i] >> 32));
		be32_store(p + 8 * i + 4, (u32)pairs[i]);
	}
}

/* Rewrites each property's nameoff from distance-from-top to offset in the strings block. */
static void fdtw_fix_nameoffs(struct fdtw *w, u32 end)
{
	u32 off = FDTW_STRUCT_OFF;

	while (off + 4 <= end) {
		u32 tag = be32_load(w->buf + off);
		if (tag == FDTW_BEGIN_NODE) {
			size_t n = str_nlen((const char *)w->buf + off + 4, end - off - 4);
			off += 4 + (u32)ALIGN_UP(n + 1, 4);
		} else if (tag == FDTW_PROP) {
			u32 len = be32_load(w->buf + off + 4);
			u32 dist = be32_load(w->buf + off + 8);
			be32_store(w->buf + off + 8, w->strings_size - dist);
			off += 12 + (u32)ALIGN_UP(len, 4);
		} else {
			off += 4; /* END_NODE / END */
		}
	}
}

int fdtw_finish(struct fdtw *w, u32 *total_size)
{
	u32 strings_off, total;
	u8 *p;

	if (!w->err && (w->depth != 0 || w->struct_end == FDTW_STRUCT_OFF))
		fdtw_fail(w, FDT_ERR_BADSTATE); /* unbalanced, or no root node */
	p = fdtw_reserve(w, 4);
	if (!p)
		return w->err;
	be32_store(p, FDTW_END);
	strings_off = w->struct_end;
	total = strings_off + w->strings_size;
	/* fdtw_reserve kept struct_end + strings_size <= cap, so the move stays in buf. */
	memmove(w->buf + strings_off, w->buf + w->cap - w->strings_size, w->strings_size);
	fdtw_fix_nameoffs(w, strings_off);

	/* DTSpec 5.2 header; version 17, compatible back to 16. */
	be32_store(w->buf + 0, FDT_MAGIC);
	be32_store(w->buf + 4, total);
	be32_store(w->buf + 8, FDTW_STRUCT_OFF);
	be32_store(w->buf + 12, strings_off);
	be32_store(w->buf + 16, FDTW_HDR_SIZE);
	be32_store(w->buf + 20, 17);
	be32_store(w->buf + 24, 16);
	be32_store(w->buf + 28, 0);
	be32_store(w->buf + 32, w->strings_size);
	be32_store(w->buf + 36, strings_off - FDTW_STRUCT_OFF);
	memset(w->buf + FDTW_HDR_SIZE, 0, FDTW_RSVMAP_SIZE);
	if (total_size)
		*total_size = total;
	/* The buffer now holds a finished blob: further writes must not touch it. */
	w->err = FDT_ERR_BADSTATE;
	return 0;
}
