/* SPDX-License-Identifier: MIT */
/*
 * Exit statistics for people: the per-vCPU table of exit rates by class that `tessera ctl
 * stats` prints after its other tables, and `tessera ctl top`, which samples `stats` every
 * interval and redraws that table (with the CPU table) until q, Ctrl-C, or its -n count /
 * --once. The protocol's "exits VM.N ..." and "aborts VM.N ..." lines are described in
 * docs/MANAGEMENT.md ("stats").
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ctl_fmt.h"
#include "mgmt_client.h"
#include "tessera.h"

struct exit_col {
	const char *head;
	const char *tag; /* the line it comes from */
	const char *keys[5];
};

static const struct exit_col cols[] = {
    {"HVC/S", "exits", {"hvc_tessera", "hvc_psci", "hvc_arch", "hvc_other", NULL}},
    {"TESSERA", "exits", {"hvc_tessera", NULL}},
    {"PSCI", "exits", {"hvc_psci", NULL}},
    {"SMC/S", "exits", {"smc", NULL}},
    {"SYSREG/S", "exits", {"sysreg", NULL}},
    {"WFX/S", "exits", {"wfx", NULL}},
    {"GICD/S", "aborts", {"gicd", NULL}},
    {"GICR/S", "aborts", {"gicr", NULL}},
    {"UART/S", "aborts", {"uart", NULL}},
    {"VIRTIO/S", "aborts", {"virtio", NULL}},
    {"ABORT/S", "aborts", {"other", "iabt", NULL}},
    {"IRQ/S", "exits", {"irq", NULL}},
    {"INJECTED/S", "exits", {"injected", NULL}},
};
#define NCOLS (sizeof(cols) / sizeof(cols[0]))

static const struct ctl_rec *find(const struct ctl_sample *s, const char *tag, const char *id)
{
	for (unsigned i = 0; i < s->n; i++) {
		if (strcmp(s->rec[i].tag, tag) == 0 && strcmp(s->rec[i].id, id) == 0) {
			return &s->rec[i];
		}
	}
	return NULL;
}

/* The summed rate of a column's keys; false without a previous sample. */
static bool col_rate(const struct ctl_sample *prev, const struct ctl_sample *now, const char *id,
		     const struct exit_col *c, double *out)
{
	const struct ctl_rec *r = find(now, c->tag, id);
	double sum = 0, v;

	if (!r) {
		return false;
	}
	for (const char *const *k = c->keys; *k; k++) {
		if (!ctl_rate(prev, now, r, *k, &v)) {
			return false;
		}
		sum += v;
	}
	*out = sum;
	return true;
}

void ctl_exits_table(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now)
{
	bool any = false;

	for (unsigned i = 0; i < now->n; i++) {
		const struct ctl_rec *r = &now->rec[i];
		double total = 0, v;
		bool have = true;

		if (strcmp(r->tag, "exits") != 0) {
			continue;
		}
		if (!any) {
			fprintf(f, "\n%-14s %3s %9s", "VCPU", "CPU", "EXITS/S");
			for (unsigned c = 0; c < NCOLS; c++) {
				fprintf(f, " %*s",
					c == 1 || c == 2 ? 8 : (int)strlen(cols[c].head) + 1,
					cols[c].head);
			}
			fputc('\n', f);
			any = true;
		}
		/* Every exit class once: HVC (0) stands for its two detail columns. */
		for (unsigned c = 0; c < NCOLS; c++) {
			if (c == 1 || c == 2 || c + 1 == NCOLS) {
				continue;
			}
			have &= col_rate(prev, now, r->id, &cols[c], &v);
			total += have ? v : 0;
		}
		fprintf(f, "%-14s %3s ", r->id, ctl_get(r, "cpu") ? ctl_get(r, "cpu") : "?");
		if (have) {
			fprintf(f, "%9.0f", total);
		} else {
			fprintf(f, "%9s", "-");
		}
		for (unsigned c = 0; c < NCOLS; c++) {
			int w = c == 1 || c == 2 ? 8 : (int)strlen(cols[c].head) + 1;

			if (col_rate(prev, now, r->id, &cols[c], &v)) {
				fprintf(f, " %*.0f", w, v);
			} else {
				fprintf(f, " %*s", w, "-");
			}
		}
		fputc('\n', f);
	}
	if (any) {
		fputs("(exits per second by class: HVC = TESSERA + PSCI + Arm architecture + other "
		      "calls; GICD..VIRTIO: emulated MMIO by device; ABORT: aborts injected)\n",
		      f);
	}
}

/* One `stats` sample on a fresh connection (so other clients go on between samples). */
static int top_sample(const char *sock, long timeout_ms, struct ctl_sample *s)
{
	struct ctl *c = calloc(1, sizeof(*c));
	int rc = CTL_EXIT_CONN;

	if (!c) {
		return rc;
	}
	c->fd = -1;
	c->deadline_ms = now_ms() + timeout_ms;
	ctl_sample_reset(s);
	if (ctl_connect(c, sock) == 0 && ctl_sync(c, false) == 0 &&
	    ctl_send(c, "stats\n", 6) == 0) {
		char line[1024];

		while (ctl_line(c, line, sizeof(line)) == 0) {
			if (ctl_sample_add(s, line)) {
				rc = s->is_err ? CTL_EXIT_ERR : 0;
				break;
			}
		}
	}
	ctl_close(c);
	free(c);
	return rc;
}

static struct termios saved_tio;
static bool tio_saved;

static void tio_restore(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
}

static void on_signal(int sig)
{
	tio_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Keys without Enter, Ctrl-C still a signal. */
static void tio_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tio) != 0) {
		return;
	}
	tio_saved = true;
	atexit(tio_restore);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t = saved_tio;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

/* Waits ms for a key; true if it was q (or the input ended). */
static bool wait_quit(long ms)
{
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
	long end = now_ms() + ms;

	while (now_ms() < end) {
		char ch;

		if (poll(&p, 1, (int)(end - now_ms())) <= 0) {
			continue;
		}
		if (read(STDIN_FILENO, &ch, 1) != 1) {
			if (!isatty(STDIN_FILENO)) {
				ctl_nap_ms(end -
					   now_ms()); /* stdin closed (a script): keep going */
				return false;
			}
			return true;
		}
		if (ch == 'q' || ch == 'Q') {
			return true;
		}
	}
	return false;
}

/* `tessera ctl top [-n N | --once]`: argv are the words after "top". */
int ctl_top(const char *sock, int argc, char **argv, long interval_ms, long timeout_s)
{
	struct ctl_sample *s = calloc(2, sizeof(*s));
	long count = 0; /* 0: until q */
	int rc = 0, cur = 0;
	bool tty = isatty(STDOUT_FILENO);

	for (int i = 0; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--once") == 0) {
			count = 1;
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc &&
			   (count = strtol(argv[++i], &end, 10)) > 0 && !*end) {
			continue;
		} else {
			fprintf(stderr, "usage: tessera ctl --socket PATH [--interval MS] top "
					"[-n N | --once]\n");
			free(s);
			return CTL_EXIT_CONN;
		}
	}
	if (!s) {
		return CTL_EXIT_CONN;
	}
	interval_ms = interval_ms > 0 ? interval_ms : 1000;
	if (tty) {
		tio_raw();
	}
	rc = top_sample(sock, timeout_s * 1000L, &s[0]);
	for (long n = 0; rc == 0 && (count == 0 || n < count); n++) {
		if (wait_quit(interval_ms)) {
			break;
		}
		rc = top_sample(sock, timeout_s * 1000L, &s[1 - cur]);
		if (rc != 0) {
			break;
		}
		cur = 1 - cur;
		if (tty) {
			fputs("\033[H\033[2J", stdout);
		}
		ctl_stats_table(stdout, &s[1 - cur], &s[cur]);
		ctl_exits_table(stdout, &s[1 - cur], &s[cur]);
		if (tty && count == 0) {
			fputs("(q quits)\n", stdout);
		}
		fflush(stdout);
	}
	if (rc == CTL_EXIT_ERR) {
		printf("err %s %s\n", s[cur].code, s[cur].text);
	}
	free(s);
	return rc;
}
