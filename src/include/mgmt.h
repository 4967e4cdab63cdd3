/* SPDX-License-Identifier: MIT */
/*
 * Management channel: a line-based, versioned text protocol that controls the
 * VMs from outside the guests (docs/MANAGEMENT.md). The protocol (parser and
 * commands) is independent of its transport and runs on the host in unit tests
 * and the fuzz harness; in the hypervisor the transport is a virtio console
 * (drivers/virtio_console_driver.c) whose interrupt goes to CPU 0.
 */
#ifndef TESSERA_MGMT_H
#define TESSERA_MGMT_H

#include "tessera_features.h"
#include "types.h"

struct platform;

#define MGMT_VERSION  2
#define MGMT_LINE_MAX 128  /* request bytes before the '\n' */
#define MGMT_OUT_MAX  256  /* bytes of one response line, its newline included */
#define MGMT_KILL     0x15 /* Ctrl-U: discard the unfinished line or frame (clients resync) */

/*
 * Binary frames (protocol 2, docs/MANAGEMENT.md "Frames"): bulk data in both directions.
 *   MGMT_FRAME, kind (1), payload length (u32 LE, 1..MGMT_FRAME_MAX), payload,
 *   CRC-32 (u32 LE, crc32.h) of the kind, length and payload bytes.
 * A request frame starts where a request line could (nothing of a line pending); every byte
 * after its MGMT_FRAME is escaped: MGMT_ESC and MGMT_KILL are sent as MGMT_ESC followed by
 * the byte XOR 0x20, so a Ctrl-U still discards whatever is unfinished. Response frames
 * (the answer to snapshot-fetch, mem-fetch) are not escaped. Request kinds: 'r' restore data,
 * 'w' memory pages; both begin with the VM's name (u8 length, the bytes).
 */
#define MGMT_FRAME	 0x02  /* STX */
#define MGMT_ESC	 0x10  /* DLE */
#define MGMT_FRAME_HDR	 5     /* kind + length */
#define MGMT_FRAME_MAX	 33024 /* payload bytes: 8 pages with their tags and a header */
#define MGMT_FRAME_PAGES 8     /* data pages a memory frame can carry */
/* The largest frame payload this build receives or sends: MGMT_FRAME_MAX with snapshots
 * (restore, migration: every user of bulk frames); without them (PROFILE=minimal) no command
 * answers with a frame and 'r'/'w' need an open restore or migration, so a token buffer
 * suffices and every longer frame is refused by length, like any malformed one: 2 x 33 KiB of
 * RAM saved. */
#if TESSERA_FEAT_SNAPSHOT
#define MGMT_FRAME_BUF MGMT_FRAME_MAX
#else
#define MGMT_FRAME_BUF 64
#endif

/* Receives response bytes; each call holds one or more complete lines. */
typedef void (*mgmt_write_fn)(void *ctx, const char *s, size_t n);

struct mgmt_parser {
	char line[MGMT_LINE_MAX + 1];
	u32 len;
	bool overflow; /* the line passed MGMT_LINE_MAX: discard up to its '\n' */
	bool bad;      /* the line holds a byte that is not printable ASCII */
	/* A request frame being received (MGMT_FRAME seen): header, payload, CRC. */
	u8 frame;	/* 0 none, 1 receiving, 2 refused: discard up to the next Ctrl-U */
	bool esc;	/* the last byte was MGMT_ESC */
	bool frame_bad; /* an escape that is not one: refused when complete */
	u32 fgot;	/* decoded bytes of the frame so far (header, payload, CRC) */
	u32 flen;	/* payload length, from the header */
	u8 fbase;	/* where in fbuf the payload starts (mgmt_frame.c) */
	u8 fhdr[MGMT_FRAME_HDR + 4]; /* kind, length; then the CRC */
	u64 requests;		     /* lines executed (including rejected ones) */
	u64 errors;		     /* of which answered with "err" */
	/* Last: mgmt_parser_reset clears everything before it; only bytes a frame wrote are
	 * ever read from it, so it needs no zeroing (the channel's parser is NOINIT). */
	u8 fbuf[MGMT_FRAME_BUF + 8] __attribute__((aligned(8)));
};

void mgmt_parser_reset(struct mgmt_parser *p);
/* Feeds received bytes; every complete request line is executed and answered through w. */
void mgmt_feed(struct mgmt_parser *p, const u8 *data, size_t n, mgmt_write_fn w, void *ctx);

/*
 * The hypervisor's channel (the transport glue in core/mgmt.c, hypervisor only).
 * mgmt_init() looks for a virtio console among the board's (platform_from_dtb) that no VM was
 * given and starts it; mgmt_irq() serves its interrupt (any other intid is
 * ignored). Both run on CPU 0.
 */
void mgmt_init(const struct platform *plat);
void mgmt_irq(u32 intid);
bool mgmt_present(void);

struct vm;
/* TESSERA_HC_MANAGE from a VM (docs/HYPERCALLS.md): op on VM index target. DENIED without the
 * manage capability, INVALID for itself or a bad index/op, BUSY if another management
 * operation runs, WRONG_STATE if the command was refused; for STATE the target's state. */
s64 mgmt_guest_call(struct vm *caller, u64 op, u64 target);

#endif
