/* SPDX-License-Identifier: MIT */
/*
 * Streaming a signed single-VM update bundle over the management channel (docs/SECURITY.md
 * "Signed updates"; update-begin, update-data lines, update-commit): for `tessera ctl update`
 * (cmd_update.c) and the dashboard's update upload (tools/dashboard/).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_xfer.h"
#include "lib.h"
#include "mgmt.h"
#include "mgmt_client.h"

/* Sends one request and reads its final line into line; 0 for "ok", 1 for "err", -1 if no
 * answer. */
static int update_req(struct ctl *c, const char *req, char *line, size_t size)
{
	if (ctl_send(c, req, strlen(req)) != 0) {
		return -1;
	}
	for (;;) {
		if (ctl_line(c, line, size) != 0) {
			return -1;
		}
		if (strncmp(line, "ok", 2) == 0 && (line[2] == ' ' || !line[2])) {
			return 0;
		}
		if (strncmp(line, "err ", 4) == 0) {
			return 1;
		}
	}
}

/* "update-data VM HEX" for bytes [off, off + n) into req; the line's length. */
static size_t update_data_line(char *req, size_t size, const char *vm, const u8 *b, size_t n)
{
	size_t at = (size_t)snprintf(req, size, "update-data %s ", vm);

	for (size_t i = 0; i < n; i++) {
		at += (size_t)snprintf(req + at, size - at, "%02x", b[i]);
	}
	req[at++] = '\n';
	req[at] = '\0';
	return at;
}

/*
 * The update-data lines, UPDATE_WINDOW of them in flight: one round trip per line would
 * take minutes. Each answer must be "ok <bytes so far>"; the hypervisor answers in order.
 */
#define UPDATE_WINDOW 16

static int update_data_all(struct ctl *c, const char *vm, const u8 *b, size_t size, size_t chunk,
			   char *line, size_t line_size)
{
	size_t lines = (size + chunk - 1) / chunk, sent = 0, acked = 0;
	char req[MGMT_LINE_MAX + 2], want[32];

	while (acked < lines) {
		while (sent < lines && sent - acked < UPDATE_WINDOW) {
			size_t off = sent * chunk;
			size_t n =
			    update_data_line(req, sizeof(req), vm, b + off, MIN(chunk, size - off));

			if (ctl_send(c, req, n) != 0) {
				return -1;
			}
			sent++;
		}
		if (ctl_line(c, line, line_size) != 0) {
			return -1;
		}
		snprintf(want, sizeof(want), "ok %zu", MIN((acked + 1) * chunk, size));
		if (strcmp(line, want) != 0) {
			return 1; /* an "err" line (printed by the caller), or out of step */
		}
		acked++;
	}
	return 0;
}

static int update_stream(struct ctl *c, const char *vm, const u8 *b, size_t size, char *msg,
			 size_t msg_size)
{
	/* "update-data VM " + hex within MGMT_LINE_MAX, whole 32-bit words. */
	size_t room = (MGMT_LINE_MAX - strlen("update-data  ") - strlen(vm)) / 2;
	size_t chunk = MIN(room, 56) & ~(size_t)3;
	char req[MGMT_LINE_MAX + 2], line[1024];
	int r;

	if (chunk == 0) {
		snprintf(msg, msg_size, "err VM name too long for the protocol's lines");
		return CTL_EXIT_ERR;
	}
	snprintf(req, sizeof(req), "update-begin %s %zu\n", vm, size);
	r = update_req(c, req, line, sizeof(line));
	if (r == 0) {
		r = update_data_all(c, vm, b, size, chunk, line, sizeof(line));
	}
	if (r == 0) {
		snprintf(req, sizeof(req), "update-commit %s\n", vm);
		r = update_req(c, req, line, sizeof(line));
	}
	if (r >= 0) {
		snprintf(msg, msg_size, "%s", line);
	}
	return r < 0 ? CTL_EXIT_CONN : r ? CTL_EXIT_ERR : 0;
}

int ctl_update_from(const char *sock, const char *vm, const u8 *b, size_t size, long timeout_s,
		    char *msg, size_t msg_size)
{
	struct ctl *c = calloc(1, sizeof(*c));
	int rc;

	snprintf(msg, msg_size, "no answer from the management channel");
	if (!c) {
		return CTL_EXIT_CONN;
	}
	c->fd = -1;
	/* Every line is a round trip: the deadline grows with the bundle. */
	c->deadline_ms = now_ms() + timeout_s * 1000L + (long)(size / 56) * 5L;
	if (ctl_connect(c, sock) != 0 || ctl_sync(c, false) != 0) {
		rc = CTL_EXIT_CONN;
	} else {
		rc = update_stream(c, vm, b, size, msg, msg_size);
	}
	ctl_close(c);
	free(c);
	return rc;
}
