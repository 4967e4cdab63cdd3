/* SPDX-License-Identifier: MIT */
/*
 * A client of the management channel (docs/MANAGEMENT.md) for the host tools: `tessera ctl`
 * (cmd_ctl.c, cmd_console.c) and the dashboard (tools/dashboard/). One connection at a time
 * is served by QEMU's socket; each begins with ctl_sync(): Ctrl-U (discard whatever an
 * earlier client left unfinished) and "hello TOKEN" with a token unique to this connection,
 * whose answer proves the hypervisor is listening, checks the protocol version, and tells
 * our answers from anything an earlier connection left behind.
 */
#ifndef TESSERA_MGMT_CLIENT_H
#define TESSERA_MGMT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_EXIT_ERR  1
#define CTL_EXIT_CONN 2

struct ctl {
	int fd;
	long deadline_ms; /* CLOCK_MONOTONIC */
	char buf[8192];
	size_t len;
	bool quiet; /* no messages on stderr (the dashboard reports on its own) */
};

long now_ms(void);
/* Connects, retrying while the socket does not exist yet or refuses (QEMU starting),
 * until c->deadline_ms. 0 or -1. */
int ctl_connect(struct ctl *c, const char *path);
int ctl_send(struct ctl *c, const void *data, size_t n);
/* Next response line (without '\n') into line; 0, or -1 on timeout / closed. */
int ctl_line(struct ctl *c, char *line, size_t size);
/* Ctrl-U + hello with a fresh token; prints the lines before its answer if echo. 0 or -1. */
int ctl_sync(struct ctl *c, bool echo);
void ctl_close(struct ctl *c);

/*
 * Binary frames (protocol 2, docs/MANAGEMENT.md "Frames"; mgmt.h). ctl_frame_send sends one
 * request frame of kind whose payload is the VM's name (u8 length, bytes) followed by
 * body[0..n), escaped, with its CRC-32 (zlib). ctl_frame_read waits for the next answer: a
 * response frame (1: kind, payload into buf[0..cap), *len) or a text line (0: the caller
 * reads it with ctl_line); -1 on timeout, closed connection, a frame larger than cap or a
 * CRC that does not match.
 */
int ctl_frame_send(struct ctl *c, unsigned char kind, const char *vm, const void *body, size_t n);
int ctl_frame_read(struct ctl *c, unsigned char *kind, unsigned char *buf, size_t cap, size_t *len);
void ctl_nap_ms(long ms);

#endif
