/* SPDX-License-Identifier: MIT */
/*
 * The management channel's binary frames (protocol 2; mgmt.h "Frames", docs/MANAGEMENT.md):
 * receiving a request frame (unescaping, bounds, CRC-32, then what its kind asks) and sending
 * a response frame. Apart from mgmt.c's line parser because this is the bulk path: every byte
 * of a snapshot restored or a migration's memory passes here, so it is built -O2 (Makefile
 * FAST_C) and moves runs of plain bytes word-checked and copied at once. The payload is
 * placed in mgmt_parser.fbuf so that the body after the VM's name starts 8-byte aligned
 * (fbase): memory pages then copy a word at a time.
 */
#include "crc32.h"
#include "lib.h"
#include "mgmt_int.h"
#include "tessera_features.h"

void mgmt_frame_reset(struct mgmt_parser *p)
{
	p->frame = 0;
	p->esc = false;
	p->frame_bad = false;
	p->fgot = 0;
	p->flen = 0;
	p->fbase = 0;
}

/*
 * A request frame's payload: the VM's name (u8 length 1..31, the bytes), then what its kind
 * carries. Same rules as the text command it stands for (class, VM name); it takes no
 * operation lock (restore-data and mem-write take none).
 */
static void frame_run(struct mgmt_out *o, u8 kind, const u8 *d, u32 n)
{
	char name[32];
	u32 k = n > 0 ? d[0] : 0;
	struct vm *vm;

	if (kind != 'r' && kind != 'w') {
		mgmt_err(o, "unknown-command", "frame kind 0x%02x (MANAGEMENT.md \"Frames\")",
			 kind);
		return;
	}
	if (MGMT_CLASS_STATE & system_config.mgmt_deny) {
		mgmt_err(o, "denied",
			 "frame '%c' is not allowed on this channel (config /management "
			 "allow)",
			 kind);
		return;
	}
	if (k == 0 || k >= sizeof(name) || k + 1 > n) {
		mgmt_err(o, "bad-args", "frame: a VM name of 1 to 31 bytes first");
		return;
	}
	memcpy(name, d + 1, k);
	name[k] = '\0';
	if (str_nlen(name, sizeof(name)) != k || !(vm = mgmt_vm_named(name))) {
		mgmt_err(o, "unknown-vm", "no VM named in the frame (list shows them)");
		return;
	}
#if TESSERA_FEAT_SNAPSHOT
	if (kind == 'r') {
		mgmt_restore_frame(o, vm, d + 1 + k, n - 1 - k);
	} else {
		mgmt_mem_frame(o, vm, d + 1 + k, n - 1 - k);
	}
#else
	(void)vm;
	mgmt_err(o, "unknown-command", "frame '%c': no snapshots in this build", kind);
#endif
}

/* The frame's last byte came: check it and run it (one final line, like a request line). */
static void frame_done(struct mgmt_parser *p, mgmt_write_fn w, void *ctx)
{
	struct mgmt_out o = {w, ctx, p, false};
	const u8 *pl = p->fbuf + p->fbase;
	u32 crc = crc32_update(crc32_update(0, p->fhdr, MGMT_FRAME_HDR), pl, p->flen);

	p->requests++;
	if (p->frame_bad) {
		mgmt_err(&o, "bad-args",
			 "frame: MGMT_ESC (0x10) followed by a byte that is not an "
			 "escape");
	} else if (crc != le32_load(p->fhdr + MGMT_FRAME_HDR)) {
		mgmt_err(&o, "bad-args", "frame checksum 0x%08x, its bytes give 0x%08x",
			 le32_load(p->fhdr + MGMT_FRAME_HDR), crc);
	} else {
		frame_run(&o, p->fhdr[0], pl, p->flen);
	}
	if (o.err) {
		p->errors++;
	}
	mgmt_frame_reset(p);
}

/* Where payload byte 0 (the name's length k) puts the payload: the body after the name
 * starts 8-byte aligned in fbuf. */
static void frame_base(struct mgmt_parser *p, u8 k)
{
	p->fbase = (u8)((8U - (1U + k) % 8U) % 8U);
}

/* One decoded byte of the frame being received. */
static void frame_put(struct mgmt_parser *p, u8 c, mgmt_write_fn w, void *ctx)
{
	u32 at = p->fgot++;

	if (at < MGMT_FRAME_HDR) {
		p->fhdr[at] = c;
		if (at + 1 < MGMT_FRAME_HDR) {
			return;
		}
		p->flen = le32_load(p->fhdr + 1);
		if (p->flen == 0 || p->flen > MGMT_FRAME_BUF) {
			struct mgmt_out o = {w, ctx, p, false};

			/* The rest of it cannot be told from what follows: up to a Ctrl-U. */
			p->requests++;
			p->errors++;
			mgmt_err(&o, "too-long",
				 "frame of %u bytes (1 to %u): discarding up to "
				 "the next Ctrl-U",
				 p->flen, MGMT_FRAME_BUF);
			p->frame = 2;
			p->flen = 0;
		}
	} else if (at < MGMT_FRAME_HDR + p->flen) {
		if (at == MGMT_FRAME_HDR) {
			frame_base(p, c);
		}
		p->fbuf[p->fbase + at - MGMT_FRAME_HDR] = c;
	} else {
		p->fhdr[MGMT_FRAME_HDR + (at - MGMT_FRAME_HDR - p->flen)] = c;
		if (at + 1 == MGMT_FRAME_HDR + p->flen + 4) {
			frame_done(p, w, ctx);
		}
	}
}

/* Bytes of d[0..n) before the first MGMT_ESC or MGMT_KILL (n if none): a word at a time
 * where d is aligned (the rx buffers are; -mstrict-align forbids unaligned words). */
static size_t plain_run(const u8 *d, size_t n)
{
	typedef u64 __attribute__((may_alias)) word_t;
	const u64 ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	const u64 esc = ones * MGMT_ESC, kill = ones * MGMT_KILL;
	size_t i = 0;

	while (i < n && ((uintptr_t)(d + i) & 7)) {
		if (d[i] == MGMT_ESC || d[i] == MGMT_KILL) {
			return i;
		}
		i++;
	}
	for (; i + 8 <= n; i += 8) {
		u64 v = *(const word_t *)(d + i), a = v ^ esc, b = v ^ kill;

		/* A zero byte in a or b: one of the two values is in this word. */
		if (((a - ones) & ~a & highs) | ((b - ones) & ~b & highs)) {
			break;
		}
	}
	while (i < n && d[i] != MGMT_ESC && d[i] != MGMT_KILL) {
		i++;
	}
	return i;
}

size_t mgmt_frame_feed(struct mgmt_parser *p, const u8 *d, size_t n, mgmt_write_fn w, void *ctx)
{
	size_t i = 0;

	while (i < n && p->frame == 1) {
		u8 c = d[i];

		if (c == MGMT_KILL) {
			break;
		}
		if (!p->esc && c != MGMT_ESC && p->fgot >= MGMT_FRAME_HDR &&
		    p->fgot < MGMT_FRAME_HDR + p->flen) {
			/* Payload: the run up to the next escape, Ctrl-U or its end at once. */
			size_t k = MIN((size_t)(MGMT_FRAME_HDR + p->flen - p->fgot), n - i);

			k = plain_run(d + i, k);
			if (p->fgot == MGMT_FRAME_HDR) {
				frame_base(p, c);
			}
			memcpy(p->fbuf + p->fbase + (p->fgot - MGMT_FRAME_HDR), d + i, k);
			p->fgot += (u32)k;
			i += k;
			continue;
		}
		i++;
		if (p->esc) {
			p->esc = false;
			c ^= 0x20;
			p->frame_bad |= c != MGMT_ESC && c != MGMT_KILL;
		} else if (c == MGMT_ESC) {
			p->esc = true;
			continue;
		}
		frame_put(p, c, w, ctx);
	}
	return i;
}

/* The payload area of the response frame being built (MGMT_FRAME_BUF bytes); CPU 0 (or the
 * one host thread) only, one frame at a time. */
static u8 out_frame[1 + MGMT_FRAME_HDR + MGMT_FRAME_BUF + 4] NOINIT; /* written before sent */

u8 *mgmt_frame_payload(void)
{
	return out_frame + 1 + MGMT_FRAME_HDR;
}

void mgmt_frame_send(struct mgmt_out *o, u8 kind, u32 len)
{
	u8 *crc = out_frame + 1 + MGMT_FRAME_HDR + len;

	out_frame[0] = MGMT_FRAME;
	out_frame[1] = kind;
	le32_store(out_frame + 2, len);
	le32_store(crc, crc32_update(0, out_frame + 1, MGMT_FRAME_HDR + len));
	o->w(o->ctx, (const char *)out_frame, 1 + MGMT_FRAME_HDR + len + 4);
}
