/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl` output: parses the management protocol's response lines
 * (docs/MANAGEMENT.md: "TAG ID key=value ..." data lines, one final "ok ..."
 * line) into samples, and prints them as a table for people or as JSON for
 * scripts. Rates (per second) come from two samples of the same command: the
 * counter difference over the hypervisor's own uptime difference. No I/O but
 * the FILE it is given, so unit tests drive it (tests/unit/test_ctl.c).
 */
#ifndef TESSERA_CTL_FMT_H
#define TESSERA_CTL_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CTL_KV_MAX   24
#define CTL_KEY_MAX  24
#define CTL_VAL_MAX  72
#define CTL_ID_MAX   64
#define CTL_REC_MAX  96 /* data lines kept per sample: 8 CPUs + 16 net ends + 2 per vCPU ... */
#define CTL_TEXT_MAX 256

struct ctl_kv {
	char key[CTL_KEY_MAX];
	char val[CTL_VAL_MAX];
};

/* One response line: "vm worker id=0 ..." is tag "vm", id "worker", then the key=values. */
struct ctl_rec {
	char tag[16];
	char id[CTL_ID_MAX];
	unsigned nkv;
	struct ctl_kv kv[CTL_KV_MAX];
};

/* Every line of one response. The final line is in ok (tag "ok" or "err"); for "err", code
 * is its error code and text the message; for "ok", text is everything after "ok ". */
struct ctl_sample {
	unsigned n;
	struct ctl_rec rec[CTL_REC_MAX];
	struct ctl_rec ok;
	bool done, is_err;
	char code[32];
	char text[CTL_TEXT_MAX];
};

void ctl_sample_reset(struct ctl_sample *s);
/* Adds one response line (without '\n'). Returns 1 if it was the final line, else 0. */
int ctl_sample_add(struct ctl_sample *s, const char *line);
/* True for "ok", "ok ...", "err ...". */
bool ctl_is_final(const char *line);
/* The value of key in r, or NULL. */
const char *ctl_get(const struct ctl_rec *r, const char *key);

/*
 * Output of `ctl list` and `ctl stats`. now is the latest sample, prev the one taken
 * before it (NULL: no rates, shown as "-" / null).
 */
void ctl_list_table(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now);
void ctl_list_json(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now);
void ctl_stats_table(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now);
void ctl_stats_json(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now);
/* Any other command's response as JSON: {"ok":true,"message":...} or
 * {"ok":false,"error":CODE,"message":...}. */
void ctl_result_json(FILE *f, const struct ctl_sample *s);

/* Helpers, exposed for tests. */
void ctl_json_string(FILE *f, const char *s);
/* A duration for people: "4.2s", "42s", "12m05s", "3h07m", "2d04h". */
void ctl_fmt_duration(char *buf, size_t size, unsigned long long ms);
/* Per second over the two samples (false: no previous sample, a counter missing there, or
 * no time between them). */
bool ctl_rate(const struct ctl_sample *prev, const struct ctl_sample *now, const struct ctl_rec *r,
	      const char *key, double *out);

#endif
