/* SPDX-License-Identifier: MIT */
/*
 * `tessera migrate VM --from SOCK_A --to SOCK_B`: live migration of a running VM between two
 * boards (docs/SNAPSHOT.md "Live migration"), over their management channels. The target's
 * incoming slot is claimed (migrate-in), the source's RAM is write-protected for dirty
 * logging (dirty-start) and copied while the VM runs (round 0: every non-zero page); each
 * further round copies what was written during the last, until at most MIG_SMALL pages are
 * dirty or MIG_ROUNDS rounds have run. Then the source is paused (snapshot-begin-state), the
 * last dirty pages and the vCPU and device state (a snapshot stream without memory) go
 * across, the target runs from it (restore-end) and the source slot is stopped
 * (migrate-done). Any failure before restore-end leaves the source running and the target
 * slot stopped. Prints pages per round, total time and downtime (pause on the source to the
 * target's answer that it runs, host wall clock). Pages and state move in binary frames
 * (docs/MANAGEMENT.md "Frames"): mem-fetch answers (up to 8 pages with their zero tags) are
 * passed on to the target as 'w' frames, the state stream as snapshot-fetch / 'r' frames.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt.h"
#include "mgmt_client.h"
#include "tessera.h"

#define MIG_ROUNDS	10 /* pre-copy rounds after the first full pass */
#define MIG_SMALL	64 /* dirty pages few enough to stop and copy */
#define MIG_PAGE	4096
#define MIG_WRITE_AHEAD 4		 /* 'w' / 'r' frames to the target in flight */
#define MIG_READ_AHEAD	4		 /* mem-fetch / snapshot-fetch requests in flight */
#define MIG_SPAN	MGMT_FRAME_PAGES /* pages per mem-fetch: its frame always holds them */
#define MIG_FHDR	16 /* a memory frame's header: u64 first page, u32 count, u32 data */
#define MIG_STATE_CHUNK (MGMT_FRAME_MAX - 8)

struct mig {
	const char *vm;
	struct ctl a, b;
	long timeout_s;
	unsigned long long pages;
	unsigned b_inflight;
	unsigned long long sent_data, sent_zero; /* pages, this round */
	unsigned char frame[MGMT_FRAME_MAX];	 /* a mem-fetch or snapshot-fetch answer */
	char err[512];
};

static int mig_conn(struct ctl *c, const char *sock, long timeout_s)
{
	c->fd = -1;
	c->deadline_ms = now_ms() + timeout_s * 1000L;
	return ctl_connect(c, sock) == 0 && ctl_sync(c, false) == 0 ? 0 : -1;
}

static int mig_send(struct ctl *c, const char *req)
{
	return ctl_send(c, req, strlen(req));
}

/* The next line from c (timeout: -1 with m->err). */
static int mig_line(struct mig *m, struct ctl *c, char *line, size_t size)
{
	c->deadline_ms = now_ms() + m->timeout_s * 1000L;
	if (ctl_line(c, line, size) != 0) {
		snprintf(m->err, sizeof(m->err), "no answer from the %s board",
			 c == &m->a ? "source" : "target");
		return -1;
	}
	return 0;
}

/* Sends "CMD VM" and returns its final line in line: 0 for ok, -1 (m->err) for anything else;
 * data lines before it are ignored. */
static int mig_simple(struct mig *m, struct ctl *c, const char *cmd, char *line, size_t size)
{
	char req[2 * MGMT_LINE_MAX];

	snprintf(req, sizeof(req), "%s %s\n", cmd, m->vm);
	if (mig_send(c, req) != 0) {
		snprintf(m->err, sizeof(m->err), "the %s board's channel closed",
			 c == &m->a ? "source" : "target");
		return -1;
	}
	for (;;) {
		if (mig_line(m, c, line, size) != 0) {
			return -1;
		}
		if (strncmp(line, "ok", 2) == 0) {
			return 0;
		}
		if (strncmp(line, "err ", 4) == 0) {
			snprintf(m->err, sizeof(m->err), "%s: %s: %s",
				 c == &m->a ? "source" : "target", cmd, line);
			return -1;
		}
	}
}

/* One answer of the target to a mem-write or restore-data; -1 on "err". */
static int b_drain_one(struct mig *m)
{
	char line[MGMT_OUT_MAX + 8];

	if (mig_line(m, &m->b, line, sizeof(line)) != 0) {
		return -1;
	}
	m->b_inflight--;
	if (strncmp(line, "ok", 2) != 0) {
		snprintf(m->err, sizeof(m->err), "target: %s", line);
		return -1;
	}
	return 0;
}

static int b_drain(struct mig *m)
{
	while (m->b_inflight) {
		if (b_drain_one(m) != 0) {
			return -1;
		}
	}
	return 0;
}

static int b_frame(struct mig *m, unsigned char kind, const void *body, size_t n)
{
	if (ctl_frame_send(&m->b, kind, m->vm, body, n) != 0) {
		snprintf(m->err, sizeof(m->err), "the target board's channel closed");
		return -1;
	}
	m->b_inflight++;
	return m->b_inflight >= MIG_WRITE_AHEAD ? b_drain_one(m) : 0;
}

static unsigned long long le(const unsigned char *b, int bytes)
{
	unsigned long long v = 0;

	for (int i = 0; i < bytes; i++) {
		v |= (unsigned long long)b[i] << (8 * i);
	}
	return v;
}

/*
 * Reads the answer to one "mem-fetch VM P+N": frame 'm' (u64 P, u32 COUNT, u32 DATA, the
 * tags padded to a multiple of 8, the pages), then "ok next=P+COUNT", and passes the pages to the
 * target as frame 'w' (the same payload). fresh (round 0, the slot is scrubbed): a frame of zero
 * pages only is not sent.
 */
static int read_answer(struct mig *m, unsigned long long p, unsigned long long n, bool fresh)
{
	char line[MGMT_OUT_MAX + 8];
	unsigned long long next = 0, count, data;
	unsigned char kind = 0;
	size_t len = 0;
	int r;

	m->a.deadline_ms = now_ms() + m->timeout_s * 1000L;
	r = ctl_frame_read(&m->a, &kind, m->frame, sizeof(m->frame), &len);
	if (r <= 0) {
		if (r == 0 && mig_line(m, &m->a, line, sizeof(line)) == 0) {
			snprintf(m->err, sizeof(m->err), "source: mem-fetch: %.100s", line);
		} else if (r < 0) {
			snprintf(m->err, sizeof(m->err),
				 "no answer (or a bad frame) from the source");
		}
		return -1;
	}
	count = len >= MIG_FHDR ? le(m->frame + 8, 4) : 0;
	data = len >= MIG_FHDR ? le(m->frame + 12, 4) : 0;
	if (kind != 'm' || len < MIG_FHDR || le(m->frame, 8) != p || count != n ||
	    len != MIG_FHDR + ((count + 7) & ~7ULL) + data * MIG_PAGE) {
		snprintf(m->err, sizeof(m->err),
			 "source: unexpected frame '%c' of %zu bytes for pages %llu+%llu", kind,
			 len, p, n);
		return -1;
	}
	if (mig_line(m, &m->a, line, sizeof(line)) != 0) {
		return -1;
	}
	if (sscanf(line, "ok next=%llu", &next) != 1 || next != p + n) {
		snprintf(m->err, sizeof(m->err), "source: mem-fetch: %.100s", line);
		return -1;
	}
	m->sent_data += data;
	m->sent_zero += count - data;
	return fresh && data == 0 ? 0 : b_frame(m, 'w', m->frame, len);
}

/* The spans spans[0..n) (first page, count <= MIG_SPAN), MIG_READ_AHEAD mem-fetches in
 * flight. */
static int copy_spans(struct mig *m, const unsigned long long (*spans)[2], size_t n, bool fresh)
{
	size_t sent = 0, done = 0;

	while (done < n) {
		while (sent < n && sent < done + MIG_READ_AHEAD) {
			char req[2 * MGMT_LINE_MAX];

			snprintf(req, sizeof(req), "mem-fetch %s %llu+%llu\n", m->vm,
				 spans[sent][0], spans[sent][1]);
			if (mig_send(&m->a, req) != 0) {
				snprintf(m->err, sizeof(m->err),
					 "the source board's channel closed");
				return -1;
			}
			sent++;
		}
		if (read_answer(m, spans[done][0], spans[done][1], fresh) != 0) {
			return -1;
		}
		done++;
	}
	return b_drain(m);
}

/* Round 0: every page (frames of zero pages only are not sent: the slot is scrubbed). */
static int copy_all(struct mig *m)
{
	size_t n = (size_t)((m->pages + MIG_SPAN - 1) / MIG_SPAN);
	unsigned long long(*spans)[2] = calloc(n ? n : 1, sizeof(*spans));
	int rc;

	if (!spans) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned long long p = (unsigned long long)i * MIG_SPAN;

		spans[i][0] = p;
		spans[i][1] = m->pages - p < MIG_SPAN ? m->pages - p : MIG_SPAN;
	}
	rc = copy_spans(m, (const unsigned long long(*)[2])spans, n, true);
	free(spans);
	return rc;
}

/* The pages of list (sorted, no duplicates), runs of consecutive pages in one mem-fetch. */
static int copy_list(struct mig *m, const unsigned long long *list, size_t n)
{
	unsigned long long(*spans)[2] = calloc(n ? n : 1, sizeof(*spans));
	size_t k = 0;
	int rc;

	if (!spans) {
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (k > 0 && spans[k - 1][0] + spans[k - 1][1] == list[i] &&
		    spans[k - 1][1] < MIG_SPAN) {
			spans[k - 1][1]++;
		} else {
			spans[k][0] = list[i];
			spans[k++][1] = 1;
		}
	}
	rc = copy_spans(m, (const unsigned long long(*)[2])spans, k, false);
	free(spans);
	return rc;
}

/* Appends the "dirty P P+N ..." words of line to *list. */
static int parse_dirty(struct mig *m, const char *line, unsigned long long **list, size_t *n,
		       size_t *cap)
{
	const char *s = line + 5;

	while (*s == ' ') {
		char *end;
		unsigned long long p = strtoull(s + 1, &end, 10), k = 1;

		if (end == s + 1) {
			break;
		}
		if (*end == '+') {
			k = strtoull(end + 1, &end, 10);
		}
		if (p >= m->pages || k > m->pages - p) {
			snprintf(m->err, sizeof(m->err), "source: dirty page out of range");
			return -1;
		}
		while (k--) {
			if (*n == *cap) {
				*cap = *cap ? 2 * *cap : 1024;
				*list = realloc(*list, *cap * sizeof(**list));
				if (!*list) {
					return -1;
				}
			}
			(*list)[(*n)++] = p++;
		}
		s = end;
	}
	return 0;
}

/* Every dirty page (cleared on the source), appended to *list (sorted, no duplicates). */
static int collect(struct mig *m, unsigned long long **list, size_t *n, size_t *cap)
{
	unsigned long long from = 0, next = 0;
	char line[MGMT_OUT_MAX + 8];

	while (from < m->pages) {
		char req[2 * MGMT_LINE_MAX];

		snprintf(req, sizeof(req), "dirty-collect %s %llu\n", m->vm, from);
		if (mig_send(&m->a, req) != 0) {
			return -1;
		}
		for (;;) {
			if (mig_line(m, &m->a, line, sizeof(line)) != 0) {
				return -1;
			}
			if (strncmp(line, "dirty", 5) == 0) {
				if (parse_dirty(m, line, list, n, cap) != 0) {
					return -1;
				}
				continue;
			}
			if (sscanf(line, "ok next=%llu", &next) == 1 && next > from) {
				break;
			}
			snprintf(m->err, sizeof(m->err), "source: dirty-collect: %.100s", line);
			return -1;
		}
		from = next;
	}
	return 0;
}

static int cmp_page(const void *x, const void *y)
{
	unsigned long long a = *(const unsigned long long *)x, b = *(const unsigned long long *)y;

	return a < b ? -1 : a > b;
}

static size_t uniq(unsigned long long *l, size_t n)
{
	size_t k = 0;

	qsort(l, n, sizeof(*l), cmp_page);
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || l[k - 1] != l[i]) {
			l[k++] = l[i];
		}
	}
	return k;
}

/* The shape words ("vcpus=N mem=...") of an "ok incoming|dirty-logging VM ..." line. */
static const char *shape_of(const char *line)
{
	const char *s = strstr(line, " vcpus=");

	return s ? s + 1 : "";
}

/* The source's state stream (snapshot-fetch) into the target ('r' frames). */
static int copy_state(struct mig *m, unsigned long long size, unsigned long long *bytes)
{
	unsigned long long asked = 0, got = 0;
	unsigned char *buf = malloc(size ? size : 1);
	char line[MGMT_OUT_MAX + 8];
	int rc = -1;

	while (buf && got < size) {
		unsigned long long next = 0;
		unsigned char kind = 0;
		size_t len = 0;

		while (asked < size &&
		       asked < got + MIG_READ_AHEAD * (unsigned long long)MIG_STATE_CHUNK) {
			char req[2 * MGMT_LINE_MAX];

			snprintf(req, sizeof(req), "snapshot-fetch %s %llu\n", m->vm, asked);
			if (mig_send(&m->a, req) != 0) {
				goto out;
			}
			asked += MIG_STATE_CHUNK;
		}
		m->a.deadline_ms = now_ms() + m->timeout_s * 1000L;
		if (ctl_frame_read(&m->a, &kind, m->frame, sizeof(m->frame), &len) != 1 ||
		    kind != 's' || len < 8 || le(m->frame, 8) != got || len - 8 > size - got ||
		    mig_line(m, &m->a, line, sizeof(line)) != 0 ||
		    sscanf(line, "ok next=%llu", &next) != 1 || next != got + (len - 8)) {
			snprintf(m->err, sizeof(m->err), "source: snapshot-fetch at %llu failed",
				 got);
			goto out;
		}
		memcpy(buf + got, m->frame + 8, len - 8);
		got += len - 8;
		if (len == 8) {
			break; /* the stream ended early: restore-end refuses it */
		}
	}
	for (unsigned long long off = 0; buf && off < got;) {
		size_t per = MGMT_FRAME_MAX - 1 - strlen(m->vm);
		size_t k = got - off < per ? (size_t)(got - off) : per;

		if (b_frame(m, 'r', buf + off, k) != 0) {
			goto out;
		}
		off += k;
	}
	rc = buf ? b_drain(m) : -1;
	*bytes = got;
out:
	free(buf);
	return rc;
}

struct mig_stats {
	unsigned rounds;
	unsigned long long data[MIG_ROUNDS + 3], zero[MIG_ROUNDS + 3];
	unsigned long long state_bytes;
	long t0, t_pause, t_run;
};

/* Pre-copy: round 0 and up to MIG_ROUNDS more; the pages still dirty stay in *list. */
static int precopy(struct mig *m, struct mig_stats *st, unsigned long long **list, size_t *n,
		   size_t *cap)
{
	if (copy_all(m) != 0) {
		return -1;
	}
	st->data[0] = m->sent_data;
	st->zero[0] = m->sent_zero;
	for (st->rounds = 1;; st->rounds++) {
		*n = 0;
		if (collect(m, list, n, cap) != 0) {
			return -1;
		}
		if (*n <= MIG_SMALL || st->rounds > MIG_ROUNDS) {
			return 0; /* these go in the stop-and-copy */
		}
		m->sent_data = m->sent_zero = 0;
		if (copy_list(m, *list, *n) != 0) {
			return -1;
		}
		st->data[st->rounds] = m->sent_data;
		st->zero[st->rounds] = m->sent_zero;
	}
}

/* The last few dirty pages while the VM still runs, then the source is paused: what was
 * written since, and the state; *paused: the source is paused. */
static int stop_and_copy(struct mig *m, struct mig_stats *st, unsigned long long **list, size_t *n,
			 size_t *cap, bool *paused)
{
	char line[MGMT_OUT_MAX + 8];
	unsigned long long size = 0;

	m->sent_data = m->sent_zero = 0;
	if (copy_list(m, *list, *n) != 0) {
		return -1;
	}
	st->data[st->rounds] = m->sent_data;
	st->zero[st->rounds] = m->sent_zero;
	st->rounds++;
	st->t_pause = now_ms();
	if (mig_simple(m, &m->a, "snapshot-begin-state", line, sizeof(line)) != 0) {
		return -1;
	}
	*paused = true;
	*n = 0;
	m->sent_data = m->sent_zero = 0;
	if (collect(m, list, n, cap) != 0 || copy_list(m, *list, uniq(*list, *n)) != 0) {
		return -1;
	}
	st->data[st->rounds] = m->sent_data;
	st->zero[st->rounds] = m->sent_zero;
	if (sscanf(line, "ok size=%llu", &size) != 1 || size > (1ULL << 24)) {
		snprintf(m->err, sizeof(m->err), "source: %.100s", line);
		return -1;
	}
	return copy_state(m, size, &st->state_bytes);
}

static void mig_report(const struct mig *m, const struct mig_stats *st)
{
	unsigned long long total = 0;

	for (unsigned r = 0; r <= st->rounds; r++) {
		printf("round %u%s: %llu pages sent, %llu zero pages\n", r,
		       r == st->rounds ? " (VM paused)" : "", st->data[r], st->zero[r]);
		total += st->data[r];
	}
	printf("ok migrated %s: %llu pages + %llu state bytes, total %.3f s, downtime %.1f ms, "
	       "%u rounds\n",
	       m->vm, total, st->state_bytes, (double)(st->t_run - st->t0) / 1000.0,
	       (double)(st->t_run - st->t_pause), st->rounds + 1);
}

/* Gives up: the source runs on (resumed if paused, dirty logging off), the target's slot is
 * scrubbed and stopped. */
static void mig_undo(struct mig *m, bool paused)
{
	char line[MGMT_OUT_MAX + 8], keep[sizeof(m->err)];

	memcpy(keep, m->err, sizeof(keep));
	m->b_inflight = 0;
	if (paused) {
		mig_simple(m, &m->a, "snapshot-end", line, sizeof(line));
	}
	mig_simple(m, &m->a, "dirty-stop", line, sizeof(line));
	mig_simple(m, &m->b, "migrate-cancel", line, sizeof(line));
	memcpy(m->err, keep, sizeof(keep));
}

static int migrate(struct mig *m)
{
	char line[MGMT_OUT_MAX + 8], shape_b[MGMT_OUT_MAX + 8];
	struct mig_stats st = {0};
	unsigned long long *list = NULL;
	size_t n = 0, cap = 0;
	bool paused = false;
	int rc = -1;

	st.t0 = now_ms();
	if (mig_simple(m, &m->b, "migrate-in", shape_b, sizeof(shape_b)) != 0) {
		return -1;
	}
	if (mig_simple(m, &m->a, "dirty-start", line, sizeof(line)) != 0) {
		mig_simple(m, &m->b, "migrate-cancel", shape_b, sizeof(shape_b));
		return -1;
	}
	if (strcmp(shape_of(line), shape_of(shape_b)) != 0) {
		snprintf(m->err, sizeof(m->err),
			 "shape mismatch: the source VM has %.100s, the target slot %.100s",
			 shape_of(line), shape_of(shape_b));
		mig_undo(m, false);
		return -1;
	}
	m->pages = strtoull(strstr(line, " pages=") + 7, NULL, 10);
	if (precopy(m, &st, &list, &n, &cap) != 0) {
		mig_undo(m, false);
		goto out;
	}
	if (stop_and_copy(m, &st, &list, &n, &cap, &paused) != 0 ||
	    mig_simple(m, &m->b, "restore-end", line, sizeof(line)) != 0) {
		mig_undo(m, paused);
		goto out;
	}
	st.t_run = now_ms();
	if (mig_simple(m, &m->a, "migrate-done", line, sizeof(line)) != 0) {
		fprintf(stderr, "tessera migrate: warning: %s\n", m->err);
	}
	mig_report(m, &st);
	rc = 0;
out:
	free(list);
	return rc;
}

int cmd_migrate(int argc, char **argv)
{
	struct mig *m = calloc(1, sizeof(*m));
	const char *from = NULL, *to = NULL;
	int rc;

	if (!m) {
		return 1;
	}
	m->timeout_s = 30;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
			from = argv[++i];
		} else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc) {
			to = argv[++i];
		} else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
			m->timeout_s = atol(argv[++i]);
		} else if (argv[i][0] != '-' && !m->vm) {
			m->vm = argv[i];
		} else {
			m->vm = NULL;
			break;
		}
	}
	if (!m->vm || !from || !to || m->timeout_s <= 0 || strlen(m->vm) > 31) {
		fprintf(stderr,
			"usage: tessera migrate VM --from SOCK_A --to SOCK_B [--timeout S]\n");
		free(m);
		return 1;
	}
	if (mig_conn(&m->a, from, m->timeout_s) != 0 || mig_conn(&m->b, to, m->timeout_s) != 0) {
		fprintf(stderr, "tessera migrate: no management channel at %s\n",
			m->a.fd < 0 ? from : to);
		rc = 2;
	} else {
		rc = migrate(m) == 0 ? 0 : 1;
		if (rc) {
			fprintf(stderr, "tessera migrate: %s\n", m->err);
		}
	}
	ctl_close(&m->a);
	ctl_close(&m->b);
	free(m);
	return rc;
}
