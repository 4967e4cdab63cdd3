/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl --socket PATH snapshot VM -o FILE` and `... restore VM FILE`: a VM's state to
 * a file and back (docs/SNAPSHOT.md), over one connection of the management channel with the
 * protocol's snapshot-* and restore-* commands (docs/MANAGEMENT.md). The stream moves in
 * binary frames (snapshot-fetch answers, restore frames 'r': up to 32 KiB each, with a
 * CRC-32). The file is the stream exactly as the hypervisor produced it; the hypervisor alone
 * checks it on restore. Reads and writes are pipelined (several requests in flight) so the
 * channel's round trips do not set the rate. Prints what it did: size, time, MiB/s and, for a
 * snapshot, how long the VM was paused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_xfer.h"
#include "mgmt.h"
#include "mgmt_client.h"
#include "tessera.h"

#define READ_CHUNK  (MGMT_FRAME_MAX - 8) /* stream bytes per snapshot-fetch (mgmt_snap.c) */
#define READ_AHEAD  4			 /* snapshot-fetch requests in flight */
#define WRITE_AHEAD 4			 /* restore frames in flight */

static struct ctl *snap_connect(const char *sock, long timeout_s)
{
	struct ctl *c = calloc(1, sizeof(*c));

	if (!c) {
		return NULL;
	}
	c->fd = -1;
	c->deadline_ms = now_ms() + timeout_s * 1000L;
	if (ctl_connect(c, sock) != 0 || ctl_sync(c, false) != 0) {
		ctl_close(c);
		free(c);
		return NULL;
	}
	return c;
}

/* One request's final line into line (data lines before it are passed to fn). 0 for "ok",
 * CTL_EXIT_ERR for "err" (left in line), CTL_EXIT_CONN. */
static int snap_final(struct ctl *c, long timeout_s, char *line, size_t size,
		      int (*fn)(const char *line, void *ctx), void *ctx)
{
	for (;;) {
		c->deadline_ms = now_ms() + timeout_s * 1000L;
		if (ctl_line(c, line, size) != 0) {
			return CTL_EXIT_CONN;
		}
		if (strncmp(line, "ok", 2) == 0) {
			return 0;
		}
		if (strncmp(line, "err ", 4) == 0) {
			return CTL_EXIT_ERR; /* line holds it: the top level reports it */
		}
		if (fn && fn(line, ctx) != 0) {
			return CTL_EXIT_ERR;
		}
	}
}

static int snap_simple(struct ctl *c, long timeout_s, const char *cmd, const char *vm, char *line,
		       size_t size)
{
	char req[MGMT_LINE_MAX + 2];
	int n = snprintf(req, sizeof(req), "%s %s\n", cmd, vm);

	if (n <= 0 || (size_t)n >= sizeof(req) || ctl_send(c, req, (size_t)n) != 0) {
		return CTL_EXIT_CONN;
	}
	return snap_final(c, timeout_s, line, size, NULL, NULL);
}

struct snap_out {
	FILE *f;
	unsigned long long pos;
};

/* The answer to one snapshot-fetch: frame 's' (u64 position, the bytes), then "ok next=N";
 * or an "err" line (left in line). */
static int snap_fetch_one(struct ctl *c, long timeout_s, struct snap_out *o, unsigned char *fr,
			  char *line, size_t line_size)
{
	unsigned long long at = 0, next = 0;
	unsigned char kind = 0;
	size_t n = 0;
	int r;

	c->deadline_ms = now_ms() + timeout_s * 1000L;
	r = ctl_frame_read(c, &kind, fr, MGMT_FRAME_MAX, &n);
	if (r < 0) {
		return CTL_EXIT_CONN;
	}
	if (r == 0) { /* no frame: the "err" line */
		r = snap_final(c, timeout_s, line, line_size, NULL, NULL);
		return r ? r : CTL_EXIT_ERR;
	}
	for (int i = 0; i < 8 && n >= 8; i++) {
		at |= (unsigned long long)fr[i] << (8 * i);
	}
	if (kind != 's' || n < 8 || at != o->pos) {
		snprintf(line, line_size, "err unexpected frame '%c' of %zu bytes at %llu", kind, n,
			 at);
		return CTL_EXIT_ERR;
	}
	if (fwrite(fr + 8, 1, n - 8, o->f) != n - 8) {
		snprintf(line, line_size, "err writing the snapshot failed");
		return CTL_EXIT_ERR;
	}
	o->pos += n - 8;
	r = snap_final(c, timeout_s, line, line_size, NULL, NULL);
	if (r == 0 && (sscanf(line, "ok next=%llu", &next) != 1 || next != o->pos)) {
		snprintf(line, line_size, "err unexpected answer after a frame");
		return CTL_EXIT_ERR;
	}
	return r;
}

static int snap_read_all(struct ctl *c, long timeout_s, const char *vm, unsigned long long size,
			 struct snap_out *o, char *line, size_t line_size)
{
	unsigned long long sent = 0;
	unsigned char *fr = malloc(MGMT_FRAME_MAX);
	int rc = fr ? 0 : CTL_EXIT_CONN;

	while (rc == 0 && o->pos < size) {
		while (sent < size && sent < o->pos + READ_AHEAD * (unsigned long long)READ_CHUNK) {
			char req[MGMT_LINE_MAX + 2];
			int n = snprintf(req, sizeof(req), "snapshot-fetch %s %llu\n", vm, sent);

			if (ctl_send(c, req, (size_t)n) != 0) {
				free(fr);
				return CTL_EXIT_CONN;
			}
			sent += READ_CHUNK;
		}
		rc = snap_fetch_one(c, timeout_s, o, fr, line, line_size);
	}
	free(fr);
	return rc;
}

/* msg: "err ..." from the hypervisor, or why nothing was answered. */
static void snap_msg_conn(char *msg, size_t msg_size)
{
	snprintf(msg, msg_size, "no answer from the management channel");
}

int ctl_snapshot_to(const char *sock, const char *vm, FILE *out, const char *name, long timeout_s,
		    char *msg, size_t msg_size)
{
	struct snap_out o = {out, 0};
	unsigned long long size = 0, paused_us = 0;
	char line[1024], err[1024] = "";
	struct ctl *c = snap_connect(sock, timeout_s);
	long t0 = now_ms();
	int rc;

	snap_msg_conn(msg, msg_size);
	if (!c) {
		return CTL_EXIT_CONN;
	}
	rc = snap_simple(c, timeout_s, "snapshot-begin", vm, line, sizeof(line));
	if (rc == CTL_EXIT_ERR) {
		snprintf(err, sizeof(err), "%s", line);
	}
	if (rc == 0 && sscanf(line, "ok size=%llu", &size) == 1) {
		int rr = snap_read_all(c, timeout_s, vm, size, &o, err, sizeof(err));
		/* Always ended: the VM resumes even when the reading failed. */
		int re = snap_simple(c, timeout_s, "snapshot-end", vm, line, sizeof(line));

		if (rr == 0 && re == CTL_EXIT_ERR) {
			snprintf(err, sizeof(err), "%s", line);
		}
		rc = rr ? rr : re;
		if (re == 0) {
			const char *p = strstr(line, "paused_us=");

			paused_us = p ? strtoull(p + 10, NULL, 10) : 0;
		}
	}
	if (fflush(out) != 0 && rc == 0) {
		snprintf(err, sizeof(err), "err writing the snapshot failed");
		rc = CTL_EXIT_ERR;
	}
	if (rc == 0) {
		double s = (double)(now_ms() - t0) / 1000.0;

		snprintf(
		    msg, msg_size,
		    "ok snapshot of %s: %llu bytes%s%s in %.3f s (%.2f MiB/s), VM paused %.3f ms",
		    vm, o.pos, name ? " to " : "", name ? name : "", s,
		    s > 0 ? (double)o.pos / 1048576.0 / s : 0.0, (double)paused_us / 1000.0);
	} else if (rc == CTL_EXIT_ERR) {
		snprintf(msg, msg_size, "%s", err[0] ? err : "err unexpected answer");
	}
	ctl_close(c);
	free(c);
	return rc;
}

int ctl_snapshot(const char *sock, const char *vm, const char *path, long timeout_s)
{
	FILE *f = fopen(path, "wb");
	char msg[1200];
	int rc;

	if (!f) {
		perror(path);
		return CTL_EXIT_ERR;
	}
	rc = ctl_snapshot_to(sock, vm, f, path, timeout_s, msg, sizeof(msg));
	if (fclose(f) != 0 && rc == 0) {
		perror(path);
		rc = CTL_EXIT_ERR;
	}
	if (rc != CTL_EXIT_CONN) {
		printf("%s\n", msg);
	}
	return rc;
}

static unsigned char *snap_load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f) {
		perror(path);
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	if (!buf) {
		fprintf(stderr, "tessera ctl: cannot read %s\n", path);
	}
	return buf;
}

static int snap_write_all(struct ctl *c, long timeout_s, const char *vm, const unsigned char *d,
			  size_t len, char *line, size_t line_size)
{
	size_t per = MGMT_FRAME_MAX - 1 - strlen(vm);
	size_t sent = 0, acked = 0, inflight = 0;

	if (strlen(vm) == 0 || strlen(vm) > 31) {
		snprintf(line, line_size, "err VM name of 1 to 31 bytes");
		return CTL_EXIT_ERR;
	}
	while (acked < len) {
		while (sent < len && inflight < WRITE_AHEAD) {
			size_t k = len - sent < per ? len - sent : per;

			if (ctl_frame_send(c, 'r', vm, d + sent, k) != 0) {
				return CTL_EXIT_CONN;
			}
			sent += k;
			inflight++;
		}
		int rc = snap_final(c, timeout_s, line, line_size, NULL, NULL);

		if (rc != 0) {
			return rc;
		}
		acked = strtoull(line + 6, NULL, 10); /* "ok at=P" */
		inflight--;
	}
	return 0;
}

int ctl_restore_from(const char *sock, const char *vm, const unsigned char *d, size_t len,
		     const char *name, long timeout_s, char *msg, size_t msg_size)
{
	struct ctl *c = snap_connect(sock, timeout_s);
	char line[1024];
	long t0 = now_ms();
	int rc;

	snap_msg_conn(msg, msg_size);
	if (!c) {
		return CTL_EXIT_CONN;
	}
	rc = snap_simple(c, timeout_s, "restore-begin", vm, line, sizeof(line));
	if (rc == 0) {
		rc = snap_write_all(c, timeout_s, vm, d, len, line, sizeof(line));
	}
	if (rc == 0) {
		rc = snap_simple(c, timeout_s, "restore-end", vm, line, sizeof(line));
	}
	if (rc == 0) {
		double s = (double)(now_ms() - t0) / 1000.0;

		snprintf(msg, msg_size, "ok restored %s%s%s: %zu bytes in %.3f s (%.2f MiB/s)", vm,
			 name ? " from " : "", name ? name : "", len, s,
			 s > 0 ? (double)len / 1048576.0 / s : 0.0);
	} else if (rc == CTL_EXIT_ERR) {
		snprintf(msg, msg_size, "%s", line);
	}
	ctl_close(c);
	free(c);
	return rc;
}

int ctl_restore(const char *sock, const char *vm, const char *path, long timeout_s)
{
	size_t len = 0;
	unsigned char *d = snap_load(path, &len);
	char msg[1200];
	int rc;

	if (!d) {
		return CTL_EXIT_ERR;
	}
	rc = ctl_restore_from(sock, vm, d, len, path, timeout_s, msg, sizeof(msg));
	if (rc != CTL_EXIT_CONN) {
		printf("%s\n", msg);
	}
	free(d);
	return rc;
}
