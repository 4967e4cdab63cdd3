/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl --socket PATH log [--follow]`: the hypervisor's log (docs/MANAGEMENT.md "log"),
 * one line per message as "[SECONDS] LEVEL TEXT" (seconds since the machine started), like
 * `xl dmesg`. With --follow it then waits for new lines (asking every CTL_LOG_POLL_MS, one
 * short connection each, so other clients go on) until interrupted or the channel goes away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt_client.h"
#include "tessera.h"

#define CTL_LOG_POLL_MS 500

static unsigned long long log_key(const char *line, const char *key)
{
	const char *k = strstr(line, key);

	return k ? strtoull(k + strlen(key), NULL, 10) : 0;
}

/* "log SEQ level=L time_us=T text=..." -> "[   3.001000] warn  text". */
static void log_show(const char *line)
{
	const char *lv = strstr(line, " level="), *text = strstr(line, " text=");
	unsigned long long us = log_key(line, " time_us=");
	char level[8] = "?";

	if (lv) {
		sscanf(lv + 7, "%7[a-z]", level);
	}
	printf("[%5llu.%06llu] %-5s %s\n", us / 1000000, us % 1000000, level, text ? text + 6 : "");
}

/* Reads from *from until the end; 0, CTL_EXIT_ERR or CTL_EXIT_CONN. */
static int log_fetch(const char *sock, long timeout_ms, unsigned long long *from, bool *first)
{
	struct ctl *c = calloc(1, sizeof(*c));
	char req[64], line[1024];
	unsigned long long next, end;
	int rc = CTL_EXIT_CONN;

	if (!c) {
		return rc;
	}
	c->fd = -1;
	c->deadline_ms = now_ms() + timeout_ms;
	if (ctl_connect(c, sock) != 0 || ctl_sync(c, false) != 0) {
		goto out;
	}
	do {
		int n = snprintf(req, sizeof(req), "log %llu\n", *from);

		if (ctl_send(c, req, (size_t)n) != 0) {
			goto out;
		}
		for (;;) {
			if (ctl_line(c, line, sizeof(line)) != 0) {
				goto out;
			}
			if (strncmp(line, "log ", 4) != 0) {
				break;
			}
			log_show(line);
		}
		if (strncmp(line, "ok ", 3) != 0) {
			fprintf(stderr, "%s\n", line);
			rc = CTL_EXIT_ERR;
			goto out;
		}
		next = log_key(line, " next=");
		end = log_key(line, " end=");
		if (*first && log_key(line, " dropped=") > *from) {
			printf("(%llu older lines dropped)\n", log_key(line, " dropped="));
		}
		*first = false;
		*from = next;
	} while (next < end);
	fflush(stdout);
	rc = 0;
out:
	ctl_close(c);
	free(c);
	return rc;
}

int ctl_log(const char *sock, bool follow, long timeout_s)
{
	unsigned long long from = 0;
	bool first = true;
	int rc;

	while ((rc = log_fetch(sock, timeout_s * 1000L, &from, &first)) == 0 && follow) {
		ctl_nap_ms(CTL_LOG_POLL_MS);
	}
	return rc;
}
