/* SPDX-License-Identifier: MIT */
/* A management channel client for the host tools (mgmt_client.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "lib.h"
#include "mgmt.h"
#include "mgmt_client.h"
#include "types.h"

long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Connects, retrying while the socket does not exist yet or refuses (QEMU starting). */
int ctl_connect(struct ctl *c, const char *path)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a.sun_path)) {
		if (!c->quiet) {
			fprintf(stderr, "tessera ctl: socket path too long: %s\n", path);
		}
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	for (;;) {
		c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (c->fd < 0) {
			if (!c->quiet) {
				perror("tessera ctl: socket");
			}
			return -1;
		}
		if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			return 0;
		}
		int e = errno;
		close(c->fd);
		c->fd = -1;
		if ((e != ENOENT && e != ECONNREFUSED) || now_ms() >= c->deadline_ms) {
			if (!c->quiet) {
				fprintf(stderr, "tessera ctl: cannot connect to %s: %s\n", path,
					strerror(e));
			}
			return -1;
		}
		struct timespec nap = {0, 50 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
}

int ctl_send(struct ctl *c, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			if (!c->quiet) {
				perror("tessera ctl: send");
			}
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Next response line (without '\n') into line; 0, or -1 on timeout / closed. */
int ctl_line(struct ctl *c, char *line, size_t size)
{
	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);

		if (nl || c->len == sizeof(c->buf)) {
			size_t n = nl ? (size_t)(nl - c->buf) : c->len;
			size_t keep = MIN(n, size - 1);

			memcpy(line, c->buf, keep);
			line[keep] = '\0';
			if (keep > 0 && line[keep - 1] == '\r') {
				line[keep - 1] = '\0';
			}
			n += nl ? 1 : 0;
			memmove(c->buf, c->buf + n, c->len - n);
			c->len -= n;
			return 0;
		}
		long left = c->deadline_ms - now_ms();
		struct pollfd pfd = {c->fd, POLLIN, 0};

		if (left <= 0) {
			if (!c->quiet) {
				fprintf(stderr, "tessera ctl: no answer in time\n");
			}
			return -1;
		}
		int r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			continue; /* timeout: reported at the top of the loop */
		}
		ssize_t got = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (got <= 0) {
			if (!c->quiet) {
				fprintf(stderr, "tessera ctl: connection closed\n");
			}
			return -1;
		}
		c->len += (size_t)got;
	}
}

/*
 * Sends Ctrl-U + "hello <token>" and waits for its answer, printing the lines
 * that come before it if echo (answers to raw input). The token tells our
 * hello's answer from the answer to a "hello" in that input.
 */
int ctl_sync(struct ctl *c, bool echo)
{
	char hello[64], line[1024], want[64], token[32];
	size_t tlen;

	static unsigned conns;

	/* The first connection's token is ctl-<pid>; later ones (a console session
	 * reconnects for every exchange) add a count: never an earlier one's answer. */
	if (conns++ == 0) {
		snprintf(token, sizeof(token), "ctl-%ld", (long)getpid());
	} else {
		snprintf(token, sizeof(token), "ctl-%ld-%u", (long)getpid(), conns);
	}
	snprintf(hello, sizeof(hello), "\x15hello %s\n", token);
	snprintf(want, sizeof(want), "ok tessera-mgmt %d %s", MGMT_VERSION, token);
	tlen = strlen(token);
	if (ctl_send(c, hello, strlen(hello)) != 0) {
		return -1;
	}
	for (;;) {
		size_t n;

		if (ctl_line(c, line, sizeof(line)) != 0) {
			return -1;
		}
		if (strcmp(line, want) == 0) {
			return 0;
		}
		n = strlen(line);
		if (strncmp(line, "ok tessera-mgmt ", 16) == 0 && n > tlen &&
		    strcmp(line + n - tlen, token) == 0) {
			fprintf(stderr,
				"tessera ctl: the hypervisor answered \"%s\"; this tool speaks "
				"protocol %d\n",
				line, MGMT_VERSION);
			return -1;
		}
		if (echo) {
			printf("%s\n", line);
		}
	}
}

void ctl_close(struct ctl *c)
{
	if (c->fd >= 0) {
		close(c->fd);
	}
	c->fd = -1;
	c->len = 0;
}

void ctl_nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) != 0 && errno == EINTR) {
	}
}

/* Appends b to out, escaped (MGMT_ESC, MGMT_KILL: MGMT_ESC then the byte XOR 0x20). */
static size_t esc_put(unsigned char *out, const unsigned char *b, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (b[i] == MGMT_ESC || b[i] == MGMT_KILL) {
			out[o++] = MGMT_ESC;
			out[o++] = (unsigned char)(b[i] ^ 0x20);
		} else {
			out[o++] = b[i];
		}
	}
	return o;
}

int ctl_frame_send(struct ctl *c, unsigned char kind, const char *vm, const void *body, size_t n)
{
	size_t k = strlen(vm), len = 1 + k + n, o = 0;
	unsigned char hdr[MGMT_FRAME_HDR + 1 + 255], tail[4];
	static unsigned char out[2 * (MGMT_FRAME_HDR + MGMT_FRAME_MAX + 4) + 1];
	uLong crc;

	if (k == 0 || k > 31 || len > MGMT_FRAME_MAX) {
		return -1;
	}
	hdr[0] = kind;
	le32_store(hdr + 1, (u32)len);
	hdr[MGMT_FRAME_HDR] = (unsigned char)k;
	memcpy(hdr + MGMT_FRAME_HDR + 1, vm, k);
	crc = crc32(0L, hdr, (uInt)(MGMT_FRAME_HDR + 1 + k));
	crc = crc32(crc, body, (uInt)n);
	le32_store(tail, (u32)crc);
	out[o++] = MGMT_FRAME;
	o += esc_put(out + o, hdr, MGMT_FRAME_HDR + 1 + k);
	o += esc_put(out + o, body, n);
	o += esc_put(out + o, tail, 4);
	return ctl_send(c, out, o);
}

/* Waits until c->buf holds at least n bytes (n <= sizeof(c->buf)). */
static int ctl_fill(struct ctl *c, size_t n)
{
	while (c->len < n) {
		long left = c->deadline_ms - now_ms();
		struct pollfd pfd = {c->fd, POLLIN, 0};
		int r;
		ssize_t got;

		if (left <= 0) {
			if (!c->quiet) {
				fprintf(stderr, "tessera ctl: no answer in time\n");
			}
			return -1;
		}
		r = poll(&pfd, 1, (int)left);
		if (r <= 0) {
			continue;
		}
		got = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);
		if (got <= 0) {
			if (got < 0 && errno == EINTR) {
				continue;
			}
			if (!c->quiet) {
				fprintf(stderr, "tessera ctl: connection closed\n");
			}
			return -1;
		}
		c->len += (size_t)got;
	}
	return 0;
}

/* Takes n bytes off the front of c->buf into dst (n <= c->len). */
static void ctl_take(struct ctl *c, unsigned char *dst, size_t n)
{
	memcpy(dst, c->buf, n);
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
}

int ctl_frame_read(struct ctl *c, unsigned char *kind, unsigned char *buf, size_t cap, size_t *len)
{
	unsigned char hdr[1 + MGMT_FRAME_HDR], tail[4];
	size_t n, got = 0;
	uLong crc;

	if (ctl_fill(c, 1) != 0) {
		return -1;
	}
	if ((unsigned char)c->buf[0] != MGMT_FRAME) {
		return 0;
	}
	if (ctl_fill(c, sizeof(hdr)) != 0) {
		return -1;
	}
	ctl_take(c, hdr, sizeof(hdr));
	n = le32_load(hdr + 2);
	if (n > cap || n > MGMT_FRAME_MAX) {
		if (!c->quiet) {
			fprintf(stderr, "tessera ctl: a frame of %zu bytes (at most %zu)\n", n,
				cap);
		}
		return -1;
	}
	while (got < n) {
		size_t k;

		if (ctl_fill(c, 1) != 0) {
			return -1;
		}
		k = c->len < n - got ? c->len : n - got;
		ctl_take(c, buf + got, k);
		got += k;
	}
	if (ctl_fill(c, 4) != 0) {
		return -1;
	}
	ctl_take(c, tail, 4);
	crc = crc32(crc32(0L, hdr + 1, MGMT_FRAME_HDR), buf, (uInt)n);
	if (crc != le32_load(tail)) {
		if (!c->quiet) {
			fprintf(stderr, "tessera ctl: a frame's checksum does not match\n");
		}
		return -1;
	}
	*kind = hdr[1];
	*len = n;
	return 1;
}
