/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl --socket PATH console VM`: one VM's console over the management channel
 * (docs/MANAGEMENT.md "tessera ctl console"). Shows what the VM printed that its ring still
 * holds, then follows its output and sends what is typed to it (the terminal in raw mode)
 * until Ctrl-] (CTL_DETACH) or the end of standard input. Any number of these can run at
 * once, beside the physical UART: the channel serves one connection at a time, so each
 * exchange (input to send, then output from the last position) is its own short
 * connection, every CTL_CON_POLL_MS while idle and at once while output keeps coming.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "mgmt.h"
#include "mgmt_client.h"
#include "tessera.h"

#define CTL_DETACH	0x1d /* Ctrl-] */
#define CTL_CON_POLL_MS 100
#define CTL_CON_CHUNK	48 /* input bytes per console-write (the protocol's limit) */

struct con_session {
	const char *sock;
	const char *vm;
	long timeout_ms;
	unsigned long long next; /* the position of the next output byte to show */
	unsigned char in[4096];	 /* typed, not sent yet */
	size_t in_len;
	bool told_stopped;
};

static struct termios con_saved;
static bool con_raw;

static void con_restore_tty(void)
{
	if (con_raw) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &con_saved);
		con_raw = false;
	}
}

static void con_on_signal(int sig)
{
	con_restore_tty();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Raw input (every key goes to the VM, Ctrl-C included); output keeps its "\n" -> "\r\n"
 * so a guest that ends lines with "\n" alone still reads well. */
static void con_make_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &con_saved) != 0) {
		return;
	}
	t = con_saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST | ONLCR;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0) {
		con_raw = true;
		atexit(con_restore_tty);
		signal(SIGTERM, con_on_signal);
		signal(SIGHUP, con_on_signal);
	}
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "con VM at=P hex=HH..": writes the bytes to standard output. */
static void con_show(const char *line)
{
	const char *h = strstr(line, " hex=");
	unsigned char out[256] = {0};
	size_t n = 0;

	for (h = h ? h + 5 : ""; h[0] && h[1] && n < sizeof(out); h += 2) {
		int hi = hex_nibble(h[0]), lo = hex_nibble(h[1]);

		if (hi < 0 || lo < 0) {
			break;
		}
		out[n++] = (unsigned char)(hi << 4 | lo);
	}
	fwrite(out, 1, n, stdout);
}

static unsigned long long con_key(const char *line, const char *key)
{
	const char *k = strstr(line, key);

	return k ? strtoull(k + strlen(key), NULL, 10) : 0;
}

/* Sends up to CTL_CON_CHUNK typed bytes; 0, 1 (err: VM not running), -1 (connection). */
static int con_send_input(struct ctl *c, struct con_session *s)
{
	static const char digits[] = "0123456789abcdef";
	char req[64 + 2 * CTL_CON_CHUNK + CONFIG_NAME_MAX], line[1024];
	size_t n = s->in_len < CTL_CON_CHUNK ? s->in_len : CTL_CON_CHUNK;
	int at = snprintf(req, sizeof(req), "console-write %s ", s->vm);
	const unsigned char *p = s->in;

	for (const unsigned char *e = p + n; p < e; p++) {
		req[at++] = digits[*p >> 4];
		req[at++] = digits[*p & 15];
	}
	req[at++] = '\n';
	if (ctl_send(c, req, (size_t)at) != 0 || ctl_line(c, line, sizeof(line)) != 0) {
		return -1;
	}
	memmove(s->in, s->in + n, s->in_len - n);
	s->in_len -= n;
	if (strncmp(line, "err ", 4) == 0) {
		if (!s->told_stopped) {
			fprintf(stderr, "\r\n[tessera ctl: %s]\r\n", line + 4);
			s->told_stopped = true;
		}
		return strncmp(line, "err wrong-state", 15) == 0 ? 1 : -1;
	}
	s->told_stopped = false;
	return 0;
}

/* Reads output from s->next until the end the hypervisor reports; bytes shown, -1 (the
 * connection failed) or -2 (the hypervisor answered err). */
static long con_read_output(struct ctl *c, struct con_session *s)
{
	char req[64 + CONFIG_NAME_MAX], line[1024];
	unsigned long long end;
	long shown = 0;

	do {
		int n = snprintf(req, sizeof(req), "console-read %s %llu\n", s->vm, s->next);

		if (ctl_send(c, req, (size_t)n) != 0) {
			return -1;
		}
		for (;;) {
			if (ctl_line(c, line, sizeof(line)) != 0) {
				return -1;
			}
			if (strncmp(line, "con ", 4) == 0) {
				con_show(line);
				continue;
			}
			if (strncmp(line, "ok ", 3) != 0) {
				fprintf(stderr, "\r\n%s\r\n", line);
				return -2; /* err: e.g. no such VM */
			}
			break;
		}
		unsigned long long next = con_key(line, " next="), lost = con_key(line, " lost=");
		end = con_key(line, " end=");
		if (lost > 0 && s->next > 0) {
			fprintf(stderr,
				"\r\n[tessera ctl: %llu bytes of output dropped before they "
				"were read]\r\n",
				lost);
		}
		shown += (long)(next - (next >= s->next ? s->next : next));
		s->next = next;
	} while (s->next < end);
	fflush(stdout);
	return shown;
}

/* One connection: pending input, then new output. Bytes shown, or as con_read_output. */
static long con_exchange(struct con_session *s)
{
	struct ctl *c = calloc(1, sizeof(*c));
	long shown = -1;

	if (!c) {
		return -1;
	}
	c->fd = -1;
	c->deadline_ms = now_ms() + s->timeout_ms;
	if (ctl_connect(c, s->sock) == 0 && ctl_sync(c, false) == 0) {
		int r = 0;

		while (r >= 0 && s->in_len > 0) {
			r = con_send_input(c, s);
			if (r == 1) {
				s->in_len =
				    0; /* the VM is not running: what was typed is dropped */
			}
		}
		shown = r >= 0 ? con_read_output(c, s) : -1;
	}
	ctl_close(c);
	free(c);
	return shown;
}

/* Reads what was typed; false on Ctrl-] or the end of input. */
static bool con_take_input(struct con_session *s)
{
	unsigned char buf[512];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
		return true;
	}
	if (n <= 0) {
		return false;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == CTL_DETACH) {
			return false;
		}
		if (s->in_len < sizeof(s->in)) {
			s->in[s->in_len++] = buf[i];
		}
	}
	return true;
}

int ctl_console(const char *sock, const char *vm, long timeout_s)
{
	struct con_session *s = calloc(1, sizeof(*s));
	bool open_in = true;
	int rc = 0;

	if (strlen(vm) >= CONFIG_NAME_MAX || strpbrk(vm, " \t\n\r")) {
		fprintf(stderr, "tessera ctl: not a VM name: \"%s\"\n", vm);
		free(s);
		return CTL_EXIT_ERR;
	}
	if (!s) {
		return CTL_EXIT_CONN;
	}
	s->sock = sock;
	s->vm = vm;
	s->timeout_ms = timeout_s * 1000L;
	con_make_raw();
	fprintf(stderr, "[tessera ctl: console of %s; Ctrl-] detaches]\r\n", vm);
	for (;;) {
		long shown = con_exchange(s);

		if (shown < 0) {
			rc = shown == -2 ? CTL_EXIT_ERR : CTL_EXIT_CONN;
			break;
		}
		if (!open_in) {
			break; /* the end of input: one last exchange sent it all */
		}
		struct pollfd p = {STDIN_FILENO, POLLIN, 0};
		int ready = poll(&p, 1, shown > 0 ? 0 : CTL_CON_POLL_MS);

		if (ready > 0) {
			open_in = con_take_input(s);
		}
	}
	con_restore_tty();
	fprintf(stderr, "\r\n[tessera ctl: detached from %s]\n", vm);
	free(s);
	return rc;
}
