/* SPDX-License-Identifier: MIT */
/*
 * gdb's remote serial protocol, the pure part (no I/O): framing of packets received from gdb
 * ("$data#cs", acks, the Ctrl-C interrupt byte), framing of replies, and decoding one
 * request into a struct. `tessera ctl gdb` (cmd_gdb.c) does the I/O and the translation
 * into management commands; tests/fuzz/fuzz_gdbrsp.c feeds this arbitrary bytes. Whatever
 * gdb (or anyone on the TCP port) sends is untrusted: lengths are bounded, numbers checked.
 */
#ifndef TESSERA_GDB_RSP_H
#define TESSERA_GDB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RSP_MAX 4096 /* bytes of one packet's data, as announced in qSupported (PacketSize) */

enum rsp_event {
	RSP_NONE = 0,  /* nothing complete yet */
	RSP_PACKET,    /* a packet with a good checksum: p->buf[0..len), NUL-terminated */
	RSP_BAD,       /* a packet with a bad checksum or too long: answer '-' */
	RSP_INTERRUPT, /* 0x03 outside a packet: gdb asks the target to stop */
};

struct rsp_parser {
	int state; /* 0 between packets, 1 in data, 2 after '}', 3 and 4 checksum digits */
	char buf[RSP_MAX + 1];
	size_t len;
	unsigned char sum, cs;
	bool overflow;
};

void rsp_reset(struct rsp_parser *p);
enum rsp_event rsp_feed(struct rsp_parser *p, unsigned char c);
/* "$payload#cs" with '$', '#', '}' and '*' escaped; bytes written (without a NUL), or 0 if it
 * does not fit in size. */
size_t rsp_frame(const char *payload, size_t n, char *out, size_t size);

enum rsp_kind {
	RSP_UNKNOWN = 0,    /* answered with an empty packet: "not supported" */
	RSP_SUPPORTED,	    /* qSupported */
	RSP_HALT_REASON,    /* ? */
	RSP_READ_REGS,	    /* g */
	RSP_WRITE_REGS,	    /* G hex: data */
	RSP_READ_REG,	    /* p n: reg */
	RSP_WRITE_REG,	    /* P n=hex: reg, data */
	RSP_READ_MEM,	    /* m addr,len */
	RSP_WRITE_MEM,	    /* M addr,len:hex: data (len * 2 digits) */
	RSP_CONT,	    /* c, vCont;c */
	RSP_STEP,	    /* s, vCont;s:t (thread: the one to step; 0: the current one) */
	RSP_VCONT_QUERY,    /* vCont? */
	RSP_SET_THREAD,	    /* H{g,c}t: op 'g' or 'c', thread (-1 all, 0 any) */
	RSP_THREAD_ALIVE,   /* T t */
	RSP_THREADS_FIRST,  /* qfThreadInfo */
	RSP_THREADS_NEXT,   /* qsThreadInfo */
	RSP_THREAD_EXTRA,   /* qThreadExtraInfo,t */
	RSP_CURRENT_THREAD, /* qC */
	RSP_ATTACHED,	    /* qAttached */
	RSP_XFER_FEATURES,  /* qXfer:features:read:target.xml:off,len */
	RSP_BREAK,	    /* Z/z type,addr,kind: insert (op 'Z') or remove (op 'z') */
	RSP_DETACH,	    /* D */
	RSP_KILL,	    /* k */
};

struct rsp_req {
	enum rsp_kind kind;
	char op;	  /* H: 'g'/'c'; Z/z: 'Z'/'z' */
	uint64_t addr;	  /* m, M, Z, qXfer offset */
	uint64_t len;	  /* m, M, Z kind (bytes), qXfer length */
	uint32_t type;	  /* Z: 0 sw, 1 hw, 2 write, 3 read, 4 access watchpoint */
	uint32_t reg;	  /* p, P */
	long thread;	  /* H, T, s, qThreadExtraInfo: -1 all, 0 any, else a thread id */
	const char *data; /* G, P, M: hex digits inside the packet */
	size_t data_len;
};

/* Decodes packet pkt[0..n) (NUL-terminated at n). False for a malformed request of a known
 * kind (answer "E01"); an unknown one is RSP_UNKNOWN with true. */
bool rsp_decode(const char *pkt, size_t n, struct rsp_req *r);
/* Hex digits -> bytes; the number of bytes, or -1 for an odd count, a bad digit or more
 * than max bytes. */
long rsp_hex_bytes(const char *hex, size_t n, unsigned char *out, size_t max);

#endif
