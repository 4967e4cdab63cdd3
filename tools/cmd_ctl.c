/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl --socket PATH [--json|--lines] [--interval MS] [--timeout S]
 * COMMAND [ARGS]`: one request on the management channel of a running system
 * (`tessera run --mgmt PATH`). list and stats are shown as tables (--json:
 * JSON) built from two samples, for per-second rates (ctl_fmt.c); other
 * commands print their response lines (--json: a result object); --lines prints
 * the protocol's lines unchanged. Exit 0 on "ok", 1 on "err", 2 if the channel
 * cannot be reached, does not answer in time (default 5 s) or speaks another
 * protocol version.
 * `tessera ctl --socket PATH --raw`: sends stdin as it is (for tests with
 * garbage) and prints every response line that comes back.
 *
 * Each connection starts with Ctrl-U (discard whatever an earlier client left
 * unfinished) and "hello", whose answer checks the protocol version and
 * proves the hypervisor is listening. Protocol: docs/MANAGEMENT.md.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_fmt.h"
#include "mgmt.h"
#include "tessera.h"

#define CTL_EXIT_ERR  1
#define CTL_EXIT_CONN 2

struct ctl {
	int fd;
	long deadline_ms; /* CLOCK_MONOTONIC */
	char buf[8192];
	size_t len;
};

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Connects, retrying while the socket does not exist yet or refuses (QEMU starting). */
static int ctl_connect(struct ctl *c, const char *path)
{
	struct sockaddr_un a;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a.sun_path)) {
		fprintf(stderr, "tessera ctl: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path) + 1);
	for (;;) {
		c->fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (c->fd < 0) {
			perror("tessera ctl: socket");
			return -1;
		}
		if (connect(c->fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			return 0;
		}
		int e = errno;
		close(c->fd);
		c->fd = -1;
		if ((e != ENOENT && e != ECONNREFUSED) || now_ms() >= c->deadline_ms) {
			fprintf(stderr, "tessera ctl: cannot connect to %s: %s\n", path,
				strerror(e));
			return -1;
		}
		struct timespec nap = {0, 50 * 1000 * 1000};
		nanosleep(&nap, NULL);
	}
}

static int ctl_send(struct ctl *c, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t r = send(c->fd, p, n, MSG_NOSIGNAL);

		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r <= 0) {
			perror("tessera ctl: send");
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Next response line (without '\n') into line; 0, or -1 on timeout / closed. */
static int ctl_line(struct ctl *c, char *line, size_t size)
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
			fprintf(stderr, "tessera ctl: no answer in time\n");
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
			fprintf(stderr, "tessera ctl: connection closed\n");
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
static int ctl_sync(struct ctl *c, bool echo)
{
	char hello[64], line[1024], want[64], token[32];
	size_t tlen;

	snprintf(token, sizeof(token), "ctl-%ld", (long)getpid());
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

static int ctl_raw(struct ctl *c)
{
	char chunk[4096];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0) {
		if (ctl_send(c, chunk, n) != 0) {
			return CTL_EXIT_CONN;
		}
	}
	/* The answers to whatever stdin held come before the answer to this hello. */
	return ctl_sync(c, true) == 0 ? 0 : CTL_EXIT_CONN;
}

enum ctl_mode { CTL_TABLE, CTL_JSON, CTL_LINES };

/* Sends one request line and collects its response into smp (printing each line if echo).
 * 0 once the final line is in, else CTL_EXIT_CONN. */
static int ctl_exchange(struct ctl *c, const char *req, size_t n, struct ctl_sample *smp, bool echo)
{
	char line[1024];

	ctl_sample_reset(smp);
	if (ctl_send(c, req, n) != 0) {
		return CTL_EXIT_CONN;
	}
	for (;;) {
		if (ctl_line(c, line, sizeof(line)) != 0) {
			return CTL_EXIT_CONN;
		}
		if (echo) {
			printf("%s\n", line);
		}
		if (ctl_sample_add(smp, line)) {
			return 0;
		}
	}
}

static void ctl_nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&t, &t) != 0 && errno == EINTR) {
	}
}

/*
 * list / stats for people (a table) or scripts (JSON): two samples interval_ms apart, so
 * the table can show per-second rates (counter changes over the hypervisor's own uptime
 * between them); one sample if interval_ms is 0.
 */
static int ctl_sampled(struct ctl *c, const char *req, size_t n, enum ctl_mode mode,
		       long interval_ms)
{
	struct ctl_sample *s = calloc(2, sizeof(*s));
	struct ctl_sample *prev = NULL, *now = &s[0];
	bool list = strncmp(req, "list", 4) == 0;
	int rc;

	if (!s) {
		return CTL_EXIT_CONN;
	}
	rc = ctl_exchange(c, req, n, &s[0], false);
	if (rc == 0 && !s[0].is_err && interval_ms > 0) {
		ctl_nap_ms(interval_ms);
		rc = ctl_exchange(c, req, n, &s[1], false);
		prev = &s[0];
		now = &s[1];
	}
	if (rc == 0 && now->is_err) {
		if (mode == CTL_JSON) {
			ctl_result_json(stdout, now);
		} else {
			printf("err %s %s\n", now->code, now->text);
		}
		rc = CTL_EXIT_ERR;
	} else if (rc == 0 && mode == CTL_JSON) {
		(list ? ctl_list_json : ctl_stats_json)(stdout, prev, now);
	} else if (rc == 0) {
		(list ? ctl_list_table : ctl_stats_table)(stdout, prev, now);
	}
	free(s);
	return rc;
}

static int ctl_request(struct ctl *c, int argc, char **argv, enum ctl_mode mode, long interval_ms)
{
	char req[4 * MGMT_LINE_MAX];
	struct ctl_sample *smp;
	size_t n = 0;
	int rc;

	for (int i = 0; i < argc; i++) {
		int w = snprintf(req + n, sizeof(req) - n, "%s%s", i ? " " : "", argv[i]);

		if (w < 0 || (size_t)w >= sizeof(req) - n - 1 || strchr(argv[i], '\n')) {
			fprintf(stderr, "tessera ctl: request too long or has a newline\n");
			return CTL_EXIT_ERR;
		}
		n += (size_t)w;
	}
	req[n++] = '\n';
	req[n] = '\0';
	if (mode != CTL_LINES && argc == 1 &&
	    (strcmp(argv[0], "list") == 0 || strcmp(argv[0], "stats") == 0)) {
		return ctl_sampled(c, req, n, mode, interval_ms);
	}
	smp = calloc(1, sizeof(*smp));
	if (!smp) {
		return CTL_EXIT_CONN;
	}
	rc = ctl_exchange(c, req, n, smp, mode != CTL_JSON);
	if (rc == 0 && mode == CTL_JSON) {
		ctl_result_json(stdout, smp);
	}
	if (rc == 0) {
		rc = smp->is_err ? CTL_EXIT_ERR : 0;
	}
	free(smp);
	return rc;
}

static const char ctl_help[] =
    "usage: tessera ctl --socket PATH [OPTIONS] COMMAND [ARGS]\n"
    "       tessera ctl --socket PATH [--timeout S] --raw   (sends stdin, prints the answers)\n"
    "commands: list, stats, measurements, confirm, start|stop|restart|pause|resume|console NAME,\n"
    "          hello, help\n"
    "options:\n"
    "  --json          JSON for scripts (list, stats: every counter, rates; others: the result)\n"
    "  --lines         the protocol's own response lines (key=value), unchanged\n"
    "  --interval MS   list/stats: time between the two samples rates come from (default\n"
    "                  1000; 0: one sample, no rates)\n"
    "  --timeout S     give up after S seconds (default 5), plus the interval\n"
    "exit status: 0 ok, 1 the hypervisor answered err, 2 no answer (or usage error)\n";

static int ctl_usage(void)
{
	fputs(ctl_help, stderr);
	return CTL_EXIT_CONN;
}

int cmd_ctl(int argc, char **argv)
{
	const char *sock = NULL;
	bool raw = false;
	enum ctl_mode mode = CTL_TABLE;
	long timeout = 5, interval = 1000;
	struct ctl *c;
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			fputs(ctl_help, stdout);
			return 0;
		} else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc) {
			sock = argv[++i];
		} else if ((strcmp(argv[i], "--timeout") == 0 ||
			    strcmp(argv[i], "--interval") == 0) &&
			   i + 1 < argc) {
			bool is_timeout = argv[i][2] == 't';
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || !*argv[i] || v < (is_timeout ? 1 : 0) ||
			    v > (is_timeout ? 3600 : 3600000)) {
				return ctl_usage();
			}
			*(is_timeout ? &timeout : &interval) = v;
		} else if (strcmp(argv[i], "--raw") == 0) {
			raw = true;
		} else if (strcmp(argv[i], "--json") == 0) {
			mode = CTL_JSON;
		} else if (strcmp(argv[i], "--lines") == 0) {
			mode = CTL_LINES;
		} else {
			break; /* the command and its arguments */
		}
	}
	if (!sock || (raw && i < argc) || (!raw && i == argc)) {
		return ctl_usage();
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		return CTL_EXIT_CONN;
	}
	c->fd = -1;
	c->deadline_ms = now_ms() + timeout * 1000L + interval;
	if (ctl_connect(c, sock) != 0) {
		rc = CTL_EXIT_CONN;
	} else if (raw) {
		rc = ctl_raw(c);
	} else {
		rc = ctl_sync(c, false) != 0 ? CTL_EXIT_CONN
					     : ctl_request(c, argc - i, argv + i, mode, interval);
	}
	fflush(stdout);
	if (c->fd >= 0) {
		close(c->fd);
	}
	free(c);
	return rc;
}
