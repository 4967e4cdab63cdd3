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
#include "mgmt_client.h"
#include "mgmt.h"
#include "tessera.h"

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
		if (!list) {
			ctl_exits_table(stdout, prev, now);
		}
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
    "commands: list, stats, measurements, confirm, start|stop|restart|pause|resume NAME,\n"
    "          hello, help\n"
    "          update NAME BUNDLE  send a signed update (tessera pack --update) for VM NAME;\n"
    "                        it restarts on it in a trial\n"
    "          confirm NAME  end NAME's trial: keep its updated image (update-status NAME\n"
    "                        shows its slot, version and trial)\n"
    "          console NAME  attach to the VM's console (output history, then live; typing\n"
    "                        goes to the VM; Ctrl-] or the end of input detaches)\n"
    "          focus NAME    give the physical UART's keyboard focus to the VM\n"
    "          snapshot NAME -o FILE  pause NAME, write its state to FILE, resume it\n"
    "          restore NAME FILE      run the stopped VM NAME from a snapshot FILE\n"
    "          clone NAME TARGET      run the stopped VM TARGET (same shape) from NAME's\n"
    "                        current state, with a new generation id; both run on\n"
    "          gdb NAME --listen HOST:PORT  halt the VM and serve gdb's remote protocol for it\n"
    "                        (its config needs debug;); docs/DEBUGGING.md\n"
    "          log [--follow]  the hypervisor's log ([seconds] level text); --follow:\n"
    "                        then wait for new lines (until interrupted)\n"
    "          trace start|stop  record exits, entries, injections, switches, VM state\n"
    "                        changes and health events in per-CPU rings\n"
    "          trace dump -o FILE  write them as a Chrome JSON trace (Perfetto UI,\n"
    "                        chrome://tracing)\n"
    "          top [-n N] [--once]  exit rates per vCPU, refreshed every interval (q quits)\n"
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
	if (!raw && argc - i == 2 && strcmp(argv[i], "console") == 0) {
		return ctl_console(sock, argv[i + 1], timeout);
	}
	if (!raw && mode != CTL_LINES && strcmp(argv[i], "log") == 0 &&
	    (argc - i == 1 || (argc - i == 2 && strcmp(argv[i + 1], "--follow") == 0))) {
		return ctl_log(sock, argc - i == 2, timeout);
	}
	if (!raw && argc - i == 4 && strcmp(argv[i], "snapshot") == 0 &&
	    strcmp(argv[i + 2], "-o") == 0) {
		return ctl_snapshot(sock, argv[i + 1], argv[i + 3], timeout);
	}
	if (!raw && argc - i == 3 && strcmp(argv[i], "restore") == 0) {
		return ctl_restore(sock, argv[i + 1], argv[i + 2], timeout);
	}
	if (!raw && argc - i >= 2 && strcmp(argv[i], "gdb") == 0) {
		return ctl_gdb(sock, argc - i, argv + i, timeout); /* cmd_gdb.c */
	}
	if (!raw && argc - i >= 2 && strcmp(argv[i], "trace") == 0 &&
	    strcmp(argv[i + 1], "dump") == 0) {
		return ctl_trace_dump(sock, argc - i - 2, argv + i + 2, timeout);
	}
	if (!raw && mode == CTL_TABLE && strcmp(argv[i], "top") == 0) {
		return ctl_top(sock, argc - i - 1, argv + i + 1, interval, timeout);
	}
	if (!raw && argc - i == 3 && strcmp(argv[i], "update") == 0) {
		return ctl_update(sock, argv[i + 1], argv[i + 2], timeout);
	}
	if (!raw && argc - i == 2 && strcmp(argv[i], "confirm") == 0) {
		/* confirm VM: that VM's update (plain confirm: the system image) */
		argv[i] = (char *)"update-confirm";
	}
	if (!raw && argc - i == 2 && strcmp(argv[i], "focus") == 0) {
		argv[i] = (char *)"console"; /* the protocol's name for a focus move */
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
