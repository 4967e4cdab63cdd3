/* SPDX-License-Identifier: MIT */
/* `tessera ctl` tables and JSON (ctl_fmt.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_fmt.h"

static void copy(char *dst, size_t size, const char *src, size_t n)
{
	n = n < size - 1 ? n : size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void ctl_sample_reset(struct ctl_sample *s)
{
	memset(s, 0, sizeof(*s));
}

bool ctl_is_final(const char *line)
{
	return strcmp(line, "ok") == 0 || strncmp(line, "ok ", 3) == 0 ||
	       strncmp(line, "err ", 4) == 0;
}

/* Splits "TAG [ID] k=v k=v ..." into r; words without '=' after the first become the id
 * (the first of them) or are skipped (the final line's text). */
static void parse_rec(const char *line, struct ctl_rec *r)
{
	const char *s = line;
	bool first = true;

	memset(r, 0, sizeof(*r));
	for (;;) {
		const char *w, *eq;
		size_t n;

		while (*s == ' ' || *s == '\t') {
			s++;
		}
		if (!*s) {
			return;
		}
		w = s;
		while (*s && *s != ' ' && *s != '\t') {
			s++;
		}
		n = (size_t)(s - w);
		eq = memchr(w, '=', n);
		if (first) {
			copy(r->tag, sizeof(r->tag), w, n);
			first = false;
		} else if (eq && eq != w) {
			if (r->nkv < CTL_KV_MAX) {
				struct ctl_kv *kv = &r->kv[r->nkv++];

				copy(kv->key, sizeof(kv->key), w, (size_t)(eq - w));
				copy(kv->val, sizeof(kv->val), eq + 1, n - (size_t)(eq - w) - 1);
			}
		} else if (!r->id[0] && r->nkv == 0) {
			copy(r->id, sizeof(r->id), w, n);
		}
	}
}

int ctl_sample_add(struct ctl_sample *s, const char *line)
{
	if (!ctl_is_final(line)) {
		if (s->n < CTL_REC_MAX) {
			parse_rec(line, &s->rec[s->n++]);
		}
		return 0;
	}
	parse_rec(line, &s->ok);
	s->done = true;
	s->is_err = line[0] == 'e';
	if (s->is_err) {
		const char *code = line + 4, *msg = strchr(code, ' ');

		copy(s->code, sizeof(s->code), code, msg ? (size_t)(msg - code) : strlen(code));
		copy(s->text, sizeof(s->text), msg ? msg + 1 : "", msg ? strlen(msg + 1) : 0);
	} else {
		copy(s->text, sizeof(s->text), line[2] ? line + 3 : "",
		     line[2] ? strlen(line + 3) : 0);
	}
	return 1;
}

const char *ctl_get(const struct ctl_rec *r, const char *key)
{
	for (unsigned i = 0; i < r->nkv; i++) {
		if (strcmp(r->kv[i].key, key) == 0) {
			return r->kv[i].val;
		}
	}
	return NULL;
}

static bool is_uint(const char *v)
{
	if (!v || !*v || (v[0] == '0' && v[1])) {
		return false;
	}
	for (; *v; v++) {
		if (*v < '0' || *v > '9') {
			return false;
		}
	}
	return true;
}

static bool get_u64(const struct ctl_rec *r, const char *key, unsigned long long *out)
{
	const char *v = ctl_get(r, key);

	if (!is_uint(v)) {
		return false;
	}
	*out = strtoull(v, NULL, 10);
	return true;
}

/* The record of prev that describes the same thing as r (tag, id and, for net, end). */
static const struct ctl_rec *same_rec(const struct ctl_sample *prev, const struct ctl_rec *r)
{
	const char *end = ctl_get(r, "end");

	for (unsigned i = 0; i < prev->n; i++) {
		const struct ctl_rec *p = &prev->rec[i];
		const char *pend = ctl_get(p, "end");

		if (strcmp(p->tag, r->tag) == 0 && strcmp(p->id, r->id) == 0 &&
		    (!end || (pend && strcmp(end, pend) == 0))) {
			return p;
		}
	}
	return NULL;
}

/* Milliseconds of hypervisor time between the samples (their final lines' uptime_ms). */
static bool window_ms(const struct ctl_sample *prev, const struct ctl_sample *now,
		      unsigned long long *ms)
{
	unsigned long long a, b;

	if (!prev || !get_u64(&prev->ok, "uptime_ms", &a) || !get_u64(&now->ok, "uptime_ms", &b) ||
	    b <= a) {
		return false;
	}
	*ms = b - a;
	return true;
}

bool ctl_rate(const struct ctl_sample *prev, const struct ctl_sample *now, const struct ctl_rec *r,
	      const char *key, double *out)
{
	unsigned long long ms, a, b;
	const struct ctl_rec *p;

	if (!window_ms(prev, now, &ms) || !(p = same_rec(prev, r)) || !get_u64(p, key, &a) ||
	    !get_u64(r, key, &b) || b < a) {
		return false;
	}
	*out = (double)(b - a) * 1000.0 / (double)ms;
	return true;
}

void ctl_fmt_duration(char *buf, size_t size, unsigned long long ms)
{
	unsigned long long s = ms / 1000;

	if (s < 10) {
		snprintf(buf, size, "%llu.%llus", s, ms % 1000 / 100);
	} else if (s < 60) {
		snprintf(buf, size, "%llus", s);
	} else if (s < 3600) {
		snprintf(buf, size, "%llum%02llus", s / 60, s % 60);
	} else if (s < 86400) {
		snprintf(buf, size, "%lluh%02llum", s / 3600, s % 3600 / 60);
	} else {
		snprintf(buf, size, "%llud%02lluh", s / 86400, s % 86400 / 3600);
	}
}

/* ---- tables ---- */

#define CTL_COLS 12
#define CTL_CELL 48

struct table {
	unsigned cols, rows;
	const char *head[CTL_COLS];
	bool right[CTL_COLS]; /* numbers: right-aligned */
	char cell[CTL_REC_MAX][CTL_COLS][CTL_CELL];
};

static void table_print(FILE *f, const struct table *t)
{
	size_t w[CTL_COLS];

	for (unsigned c = 0; c < t->cols; c++) {
		w[c] = strlen(t->head[c]);
		for (unsigned r = 0; r < t->rows; r++) {
			size_t n = strlen(t->cell[r][c]);

			w[c] = n > w[c] ? n : w[c];
		}
	}
	for (unsigned r = 0; r <= t->rows; r++) {
		for (unsigned c = 0; c < t->cols; c++) {
			const char *s = r == 0 ? t->head[c] : t->cell[r - 1][c];
			bool last = c + 1 == t->cols;

			if (t->right[c]) {
				fprintf(f, "%*s", (int)w[c], s);
			} else {
				fprintf(f, "%-*s", last ? 0 : (int)w[c], s);
			}
			fputs(last ? "\n" : "  ", f);
		}
	}
}

static void cell(struct table *t, unsigned r, unsigned c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void cell(struct table *t, unsigned r, unsigned c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->cell[r][c], CTL_CELL, fmt, ap);
	va_end(ap);
}

static const char *val_or(const struct ctl_rec *r, const char *key, const char *dflt)
{
	const char *v = ctl_get(r, key);

	return v ? v : dflt;
}

static void rate_cell(struct table *t, unsigned r, unsigned c, const struct ctl_sample *prev,
		      const struct ctl_sample *now, const struct ctl_rec *rec, const char *key)
{
	double v;

	if (ctl_rate(prev, now, rec, key, &v)) {
		cell(t, r, c, "%.0f", v);
	} else {
		cell(t, r, c, "-");
	}
}

/* The share of its CPU a vCPU used between the two samples: used_us per second. */
static void used_share_cell(struct table *t, unsigned r, unsigned c, const struct ctl_sample *prev,
			    const struct ctl_sample *now, const struct ctl_rec *rec)
{
	double v;

	if (ctl_rate(prev, now, rec, "used_us", &v)) {
		cell(t, r, c, "%.1f", v / 10000.0);
	} else {
		cell(t, r, c, "-");
	}
}

static void mem_cell(struct table *t, unsigned r, unsigned c, const struct ctl_rec *rec)
{
	unsigned long long mib;

	if (!get_u64(rec, "mem_mib", &mib)) {
		cell(t, r, c, "?");
	} else if (mib >= 1024 && mib % 1024 == 0) {
		cell(t, r, c, "%llu GiB", mib / 1024);
	} else if (mib >= 1024) {
		cell(t, r, c, "%.1f GiB", (double)mib / 1024.0);
	} else {
		cell(t, r, c, "%llu MiB", mib);
	}
}

/* Why it stopped (the hypervisor's account) and the guest's last exit status if not 0/0. */
static void exit_cell(struct table *t, unsigned r, unsigned c, const struct ctl_rec *rec)
{
	const char *stop = val_or(rec, "stop", "-"), *ex = val_or(rec, "exit", "0/0");
	bool normal = strcmp(ex, "0/0") == 0;

	if (strcmp(stop, "-") != 0) {
		cell(t, r, c, normal ? "%s" : "%s (exit %s)", stop, ex);
	} else if (!normal) {
		cell(t, r, c, "exit %s", ex);
	} else {
		cell(t, r, c, "-");
	}
}

static void window_note(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now)
{
	unsigned long long ms;

	if (window_ms(prev, now, &ms)) {
		fprintf(f,
			"(per-second rates: counter changes over the last %llu.%03llu s of "
			"hypervisor time)\n",
			ms / 1000, ms % 1000);
	} else {
		fprintf(f, "(no rates: they need two samples, see --interval)\n");
	}
}

void ctl_list_table(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now)
{
	static const char *const head[] = {
	    "NAME",	"STATE",     "CPUS",	"MEMORY", "UPTIME",
	    "RESTARTS", "LAST EXIT", "TRAPS/S", "IRQS/S", "CONSOLE IN DROPPED"};
	static const bool right[] = {false, false, false, true, true,
				     true,  false, true,  true, true};
	struct table *t = calloc(1, sizeof(*t));

	if (!t) {
		return;
	}
	t->cols = sizeof(head) / sizeof(head[0]);
	for (unsigned c = 0; c < t->cols; c++) {
		t->head[c] = head[c];
		t->right[c] = right[c];
	}
	for (unsigned i = 0; i < now->n; i++) {
		const struct ctl_rec *rec = &now->rec[i];
		const char *st = val_or(rec, "state", "?");
		unsigned long long up;
		unsigned r;

		if (strcmp(rec->tag, "vm") != 0) {
			continue; /* a line this tool does not know */
		}
		r = t->rows++;
		cell(t, r, 0, "%s", rec->id);
		cell(t, r, 1, "%s", st);
		cell(t, r, 2, "%s", val_or(rec, "cpus", "?"));
		mem_cell(t, r, 3, rec);
		if ((strcmp(st, "running") == 0 || strcmp(st, "paused") == 0) &&
		    get_u64(rec, "uptime_ms", &up)) {
			ctl_fmt_duration(t->cell[r][4], CTL_CELL, up);
		} else {
			cell(t, r, 4, "-");
		}
		cell(t, r, 5, "%s", val_or(rec, "restarts", "?"));
		exit_cell(t, r, 6, rec);
		rate_cell(t, r, 7, prev, now, rec, "traps");
		rate_cell(t, r, 8, prev, now, rec, "irqs");
		cell(t, r, 9, "%s", val_or(rec, "console_dropped", "-"));
	}
	table_print(f, t);
	window_note(f, prev, now);
	free(t);
}

void ctl_stats_table(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now)
{
	struct table *t = calloc(1, sizeof(*t));
	unsigned long long up = 0;
	char upbuf[32];
	bool net = false, sched = false;

	if (!t) {
		return;
	}
	t->cols = 5;
	t->head[0] = "CPU";
	t->head[1] = "VM";
	t->head[2] = "VCPU";
	t->head[3] = "IRQS";
	t->head[4] = "IRQS/S";
	t->right[0] = t->right[3] = t->right[4] = true;
	for (unsigned i = 0; i < now->n; i++) {
		const struct ctl_rec *rec = &now->rec[i];
		unsigned r;

		net |= strcmp(rec->tag, "net") == 0;
		sched |= strcmp(rec->tag, "vcpu") == 0;
		if (strcmp(rec->tag, "cpu") != 0) {
			continue;
		}
		r = t->rows++;
		cell(t, r, 0, "%s", rec->id);
		cell(t, r, 1, "%s", val_or(rec, "vm", "-"));
		cell(t, r, 2, "%s", val_or(rec, "vcpu", "-"));
		cell(t, r, 3, "%s", val_or(rec, "irqs", "?"));
		rate_cell(t, r, 4, prev, now, rec, "irqs");
	}
	table_print(f, t);
	if (sched) {
		memset(t, 0, sizeof(*t));
		t->cols = 8;
		t->head[0] = "VCPU";
		t->head[1] = "CPU";
		t->head[2] = "USED";
		t->head[3] = "USED %";
		t->head[4] = "WAITED";
		t->head[5] = "SWITCHES";
		t->head[6] = "OVERRUNS";
		t->head[7] = "WINDOW MISSES";
		for (unsigned c = 1; c < t->cols; c++) {
			t->right[c] = true;
		}
		for (unsigned i = 0; i < now->n; i++) {
			const struct ctl_rec *rec = &now->rec[i];
			unsigned r;

			if (strcmp(rec->tag, "vcpu") != 0) {
				continue;
			}
			r = t->rows++;
			cell(t, r, 0, "%s", rec->id);
			cell(t, r, 1, "%s", val_or(rec, "cpu", "?"));
			cell(t, r, 2, "%s us", val_or(rec, "used_us", "?"));
			used_share_cell(t, r, 3, prev, now, rec);
			cell(t, r, 4, "%s us", val_or(rec, "waited_us", "?"));
			cell(t, r, 5, "%s", val_or(rec, "switches", "?"));
			cell(t, r, 6, "%s", val_or(rec, "overruns", "?"));
			cell(t, r, 7, "%s", val_or(rec, "window_misses", "?"));
		}
		fputs("\n", f);
		table_print(f, t);
	}
	if (net) {
		memset(t, 0, sizeof(*t));
		t->cols = 12;
		t->head[0] = "NET LINK";
		t->head[1] = "END";
		t->head[2] = "VM";
		t->head[3] = "RX FRAMES";
		t->head[4] = "RX BYTES";
		t->head[5] = "TX FRAMES";
		t->head[6] = "TX BYTES";
		t->head[7] = "TX/S";
		t->head[8] = "TX BYTES/S";
		t->head[9] = "TX DROPPED: MALFORMED";
		t->head[10] = "NO RX BUFFER";
		t->head[11] = "RX BUFFER TOO SMALL";
		for (unsigned c = 1; c < t->cols; c++) {
			t->right[c] = c != 2;
		}
		for (unsigned i = 0; i < now->n; i++) {
			const struct ctl_rec *rec = &now->rec[i];
			unsigned r;

			if (strcmp(rec->tag, "net") != 0) {
				continue;
			}
			r = t->rows++;
			cell(t, r, 0, "%s", rec->id);
			cell(t, r, 1, "%s", val_or(rec, "end", "?"));
			cell(t, r, 2, "%s", val_or(rec, "vm", "-"));
			cell(t, r, 3, "%s", val_or(rec, "rx_frames", "?"));
			cell(t, r, 4, "%s", val_or(rec, "rx_bytes", "?"));
			cell(t, r, 5, "%s", val_or(rec, "tx_frames", "?"));
			cell(t, r, 6, "%s", val_or(rec, "tx_bytes", "?"));
			rate_cell(t, r, 7, prev, now, rec, "tx_frames");
			rate_cell(t, r, 8, prev, now, rec, "tx_bytes");
			cell(t, r, 9, "%s", val_or(rec, "drop_bad", "?"));
			cell(t, r, 10, "%s", val_or(rec, "drop_nobuf", "?"));
			cell(t, r, 11, "%s", val_or(rec, "drop_nofit", "?"));
		}
		fputs("\n", f);
		table_print(f, t);
	}
	free(t);
	if (get_u64(&now->ok, "uptime_ms", &up)) {
		ctl_fmt_duration(upbuf, sizeof(upbuf), up);
	} else {
		snprintf(upbuf, sizeof(upbuf), "?");
	}
	fprintf(f,
		"\nup %s; VMs: %s, %s running; hypervisor page pool: %s pages free\n"
		"management channel: %s requests, %s answered err, %s response bytes "
		"dropped\n",
		upbuf, val_or(&now->ok, "vms", "?"), val_or(&now->ok, "running", "?"),
		val_or(&now->ok, "free_pages", "?"), val_or(&now->ok, "requests", "?"),
		val_or(&now->ok, "errors", "?"), val_or(&now->ok, "dropped", "?"));
	window_note(f, prev, now);
}

/* ---- JSON ---- */

void ctl_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			fprintf(f, "\\%c", c);
		} else if (c == '\n') {
			fputs("\\n", f);
		} else if (c == '\t') {
			fputs("\\t", f);
		} else if (c < 0x20 || c >= 0x7f) {
			/* The protocol is printable ASCII; anything else is shown, not trusted. */
			fprintf(f, "\\u%04x", c);
		} else {
			fputc(c, f);
		}
	}
	fputc('"', f);
}

/* A protocol value: unsigned integers as numbers, "-" as null, cpus=0,1 as a list,
 * exit=R/C as {"reason":R,"code":C}, anything else as a string. */
static void json_value(FILE *f, const char *key, const char *v)
{
	if (is_uint(v) && strcmp(key, "cpus") != 0) {
		fputs(v, f);
		return;
	}
	if (strcmp(v, "-") == 0) {
		fputs("null", f);
		return;
	}
	if (strcmp(key, "exit") == 0 && strchr(v, '/')) {
		const char *slash = strchr(v, '/');
		char reason[CTL_VAL_MAX];

		copy(reason, sizeof(reason), v, (size_t)(slash - v));
		if (is_uint(reason) && is_uint(slash + 1)) {
			fprintf(f, "{\"reason\":%s,\"code\":%s}", reason, slash + 1);
			return;
		}
	}
	if (strcmp(key, "cpus") == 0) {
		char buf[CTL_VAL_MAX], *save = NULL;
		bool ok = true;

		copy(buf, sizeof(buf), v, strlen(v));
		for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
			ok &= is_uint(p);
		}
		if (ok) {
			fputc('[', f);
			fputs(v, f); /* digits and commas: already a JSON list's body */
			fputc(']', f);
			return;
		}
	}
	ctl_json_string(f, v);
}

static void json_key(FILE *f, bool *first, const char *key)
{
	fputs(*first ? "" : ",", f);
	*first = false;
	ctl_json_string(f, key);
	fputc(':', f);
}

static void json_kvs(FILE *f, bool *first, const struct ctl_rec *r)
{
	for (unsigned i = 0; i < r->nkv; i++) {
		json_key(f, first, r->kv[i].key);
		json_value(f, r->kv[i].key, r->kv[i].val);
	}
}

static void json_rate(FILE *f, bool *first, const struct ctl_sample *prev,
		      const struct ctl_sample *now, const struct ctl_rec *r, const char *key)
{
	char name[CTL_KEY_MAX + 8];
	double v;

	snprintf(name, sizeof(name), "%s_per_s", key);
	json_key(f, first, name);
	if (ctl_rate(prev, now, r, key, &v)) {
		fprintf(f, "%.1f", v);
	} else {
		fputs("null", f);
	}
}

/* {"<final line's keys>", "rate_window_ms": .., "<array>": [ records of tag ... ] ...} */
static void json_top(FILE *f, bool *first, const struct ctl_sample *prev,
		     const struct ctl_sample *now)
{
	unsigned long long ms;

	fputc('{', f);
	json_kvs(f, first, &now->ok);
	json_key(f, first, "rate_window_ms");
	if (window_ms(prev, now, &ms)) {
		fprintf(f, "%llu", ms);
	} else {
		fputs("null", f);
	}
}

/* "name": [ every record with this tag, its id under id_key (a number if it is one), its
 * key=values, then a rate for each of rates ] */
static void json_array(FILE *f, bool *first, const char *name, const char *tag, const char *id_key,
		       const char *const *rates, const struct ctl_sample *prev,
		       const struct ctl_sample *now)
{
	bool any = false;

	json_key(f, first, name);
	fputc('[', f);
	for (unsigned i = 0; i < now->n; i++) {
		const struct ctl_rec *r = &now->rec[i];
		bool rf = true;

		if (strcmp(r->tag, tag) != 0) {
			continue;
		}
		fputs(any ? ",{" : "{", f);
		any = true;
		json_key(f, &rf, id_key);
		if (is_uint(r->id)) {
			fputs(r->id, f);
		} else {
			ctl_json_string(f, r->id);
		}
		json_kvs(f, &rf, r);
		for (const char *const *k = rates; *k; k++) {
			json_rate(f, &rf, prev, now, r, *k);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

void ctl_list_json(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now)
{
	static const char *const rates[] = {"traps", "irqs", NULL};
	bool first = true;

	json_top(f, &first, prev, now);
	json_array(f, &first, "vms", "vm", "name", rates, prev, now);
	fputs("}\n", f);
}

void ctl_stats_json(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now)
{
	static const char *const cpu_rates[] = {"irqs", NULL};
	static const char *const net_rates[] = {"rx_frames", "rx_bytes", "tx_frames", "tx_bytes",
						NULL};
	static const char *const vcpu_rates[] = {"used_us", "switches", NULL};
	static const char *const exit_rates[] = {"hvc_tessera", "hvc_psci", "hvc_arch", "hvc_other",
						 "smc",		"sysreg",   "wfx",	"irq",
						 "serror",	"other",    "injected", NULL};
	static const char *const abort_rates[] = {"gicd",  "gicr", "uart", "virtio",
						  "other", "iabt", NULL};
	bool first = true;

	json_top(f, &first, prev, now);
	json_array(f, &first, "cpus", "cpu", "cpu", cpu_rates, prev, now);
	json_array(f, &first, "vcpus", "vcpu", "vcpu", vcpu_rates, prev, now);
	json_array(f, &first, "net", "net", "link", net_rates, prev, now);
	json_array(f, &first, "exits", "exits", "vcpu", exit_rates, prev, now);
	json_array(f, &first, "mmio", "aborts", "vcpu", abort_rates, prev, now);
	fputs("}\n", f);
}

void ctl_result_json(FILE *f, const struct ctl_sample *s)
{
	fputs(s->is_err ? "{\"ok\":false,\"error\":" : "{\"ok\":true", f);
	if (s->is_err) {
		ctl_json_string(f, s->code);
	}
	fputs(",\"message\":", f);
	ctl_json_string(f, s->text);
	fputs("}\n", f);
}
