/* SPDX-License-Identifier: MIT */
/*
 * `tessera dashboard --mgmt SOCK [--listen ADDR:PORT] [--token T] [--www DIR]`
 * (build/tools/tessera-dashboard; `tessera dashboard` runs it): a web page over the
 * management channel (docs/MANAGEMENT.md "Dashboard"). An HTTP server (Debian's
 * libmicrohttpd, a thread per connection) serves the page's files from DIR (a fixed list:
 * nothing else is reachable) and a JSON API:
 *   GET  /api/state                     VMs (ctl list --json), CPUs and net (ctl stats
 *                                       --json), the hypervisor log so far
 *   GET  /api/console?vm=NAME&from=N    console-read: {"next","end","lost","hex"}
 *   POST /api/input?vm=NAME&hex=HEX     console-write, in chunks of 48 bytes
 *   POST /api/action?vm=NAME&op=OP      start, stop, restart, pause or resume
 * A poller thread samples list, stats and log every second (rates come from the last two
 * samples, as in `ctl list`); the page polls the API. Every exchange with the hypervisor is
 * one short connection under one lock, so `tessera ctl` and consoles work beside it.
 * Listening on anything but a loopback address requires --token, and then every request
 * must carry it (?token=, header X-Tessera-Token, or the cookie the page gets).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl_fmt.h"
#include "ctl_xfer.h"
#include "mgmt_client.h"

#define DASH_LOG_MAX	 500 /* log lines kept for the page */
#define DASH_IN_MAX	 512 /* input bytes per /api/input */
#define DASH_NAME_MAX	 31
#define DASH_EXCHANGE_MS 3000
#define DASH_POLL_MS	 1000
#define DASH_CON_CHUNK	 48
#define DASH_XFER_S	 60 /* per request of a snapshot, restore or update */
#define DASH_UPLOAD_MAX \
	(256u << 20) /* a snapshot or update bundle sent to /api/restore, /api/update */

struct dash_log {
	unsigned long long seq, time_us;
	char level[8];
	char text[200];
};

static struct {
	const char *sock, *www, *token;
	pthread_mutex_t mgmt; /* one exchange with the hypervisor at a time */
	pthread_mutex_t state;
	char *state_json; /* the latest /api/state answer (under state) */
	struct dash_log log[DASH_LOG_MAX];
	unsigned log_n;
	unsigned long long log_next;
} dash = {.mgmt = PTHREAD_MUTEX_INITIALIZER, .state = PTHREAD_MUTEX_INITIALIZER};

typedef void (*line_fn)(void *ctx, const char *line);

/* Sends req (one or more lines) on a fresh connection and hands every response line to fn
 * until `finals` final lines came. 0, or -1 if the channel did not answer. */
static int mgmt_exchange(const char *req, unsigned finals, line_fn fn, void *ctx)
{
	struct ctl *c = calloc(1, sizeof(*c));
	int rc = -1;

	if (!c) {
		return -1;
	}
	c->fd = -1;
	c->quiet = true;
	c->deadline_ms = now_ms() + DASH_EXCHANGE_MS;
	pthread_mutex_lock(&dash.mgmt);
	if (ctl_connect(c, dash.sock) == 0 && ctl_sync(c, false) == 0 &&
	    ctl_send(c, req, strlen(req)) == 0) {
		char line[1024];

		while (finals > 0 && ctl_line(c, line, sizeof(line)) == 0) {
			fn(ctx, line);
			finals -= ctl_is_final(line) ? 1 : 0;
		}
		rc = finals == 0 ? 0 : -1;
	}
	ctl_close(c);
	pthread_mutex_unlock(&dash.mgmt);
	free(c);
	return rc;
}

static void add_to_sample(void *ctx, const char *line)
{
	ctl_sample_add(ctx, line);
}

static int mgmt_sample(const char *req, struct ctl_sample *s)
{
	ctl_sample_reset(s);
	return mgmt_exchange(req, 1, add_to_sample, s);
}

static unsigned long long key_u64(const char *line, const char *key)
{
	const char *k = strstr(line, key);

	return k ? strtoull(k + strlen(key), NULL, 10) : 0;
}

struct log_fetch {
	unsigned long long next, end;
};

/* "log SEQ level=L time_us=T text=..." into the page's log. */
static void log_line(void *ctx, const char *line)
{
	struct log_fetch *f = ctx;
	struct dash_log *e;
	const char *lv = strstr(line, " level="), *text = strstr(line, " text=");

	if (strncmp(line, "ok ", 3) == 0) {
		f->next = key_u64(line, " next=");
		f->end = key_u64(line, " end=");
		return;
	}
	if (strncmp(line, "log ", 4) != 0 || !lv || !text) {
		return;
	}
	if (dash.log_n == DASH_LOG_MAX) {
		memmove(dash.log, dash.log + 1, sizeof(dash.log[0]) * (DASH_LOG_MAX - 1));
		dash.log_n--;
	}
	e = &dash.log[dash.log_n++];
	e->seq = strtoull(line + 4, NULL, 10);
	e->time_us = key_u64(line, " time_us=");
	snprintf(e->level, sizeof(e->level), "%.*s", (int)strcspn(lv + 7, " "), lv + 7);
	snprintf(e->text, sizeof(e->text), "%s", text + 6);
}

/* New log lines since the last fetch. dash.log is the poller thread's alone (it builds the
 * state JSON from it): no lock. */
static void fetch_log(void)
{
	for (int round = 0; round < 64; round++) {
		struct log_fetch f = {0, 0};
		char req[48];

		snprintf(req, sizeof(req), "log %llu\n", dash.log_next);
		if (mgmt_exchange(req, 1, log_line, &f) != 0 || f.next == 0) {
			return;
		}
		dash.log_next = f.next;
		if (f.next >= f.end) {
			return;
		}
	}
}

static void log_json(FILE *f)
{
	fputs("[", f);
	for (unsigned i = 0; i < dash.log_n; i++) {
		const struct dash_log *e = &dash.log[i];

		fprintf(f, "%s{\"seq\":%llu,\"time_us\":%llu,\"level\":", i ? "," : "", e->seq,
			e->time_us);
		ctl_json_string(f, e->level);
		fputs(",\"text\":", f);
		ctl_json_string(f, e->text);
		fputs("}", f);
	}
	fputs("]", f);
}

/* The poller: list, stats and log every DASH_POLL_MS into dash.state_json. */
static void *poller(void *arg)
{
	struct ctl_sample *s = calloc(4, sizeof(*s)); /* list prev/now, stats prev/now */
	bool have_prev = false;

	(void)arg;
	for (; s;) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		bool ok = mgmt_sample("list\n", &s[1]) == 0 && mgmt_sample("stats\n", &s[3]) == 0;

		fetch_log();
		if (!f) {
			break;
		}
		pthread_mutex_lock(&dash.state);
		if (ok) {
			fputs("{\"connected\":true,\"list\":", f);
			ctl_list_json(f, have_prev ? &s[0] : NULL, &s[1]);
			fputs(",\"stats\":", f);
			ctl_stats_json(f, have_prev ? &s[2] : NULL, &s[3]);
		} else {
			fputs("{\"connected\":false", f);
		}
		fputs(",\"log\":", f);
		log_json(f);
		fputs("}", f);
		fclose(f);
		free(dash.state_json);
		dash.state_json = buf;
		pthread_mutex_unlock(&dash.state);
		if (ok) {
			s[0] = s[1];
			s[2] = s[3];
		}
		have_prev = ok;
		ctl_nap_ms(DASH_POLL_MS);
	}
	free(s);
	return NULL;
}

/* ---- HTTP ---- */

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
			     const void *body, size_t len, bool copy)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(
	    len, (void *)body, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (dash.token) {
		char cookie[160];

		snprintf(cookie, sizeof(cookie),
			 "tessera_token=%s; HttpOnly; SameSite=Strict; Path=/", dash.token);
		MHD_add_response_header(r, "Set-Cookie", cookie);
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *conn, unsigned status, const char *msg)
{
	return reply(conn, status, "text/plain; charset=utf-8", msg, strlen(msg), true);
}

/* A JSON answer built with open_memstream (buf is freed by libmicrohttpd). */
static enum MHD_Result reply_json(struct MHD_Connection *conn, char *buf, size_t len)
{
	return buf ? reply(conn, MHD_HTTP_OK, "application/json", buf, len, false)
		   : reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
}

/* ---- Snapshot download, restore and update upload ---- */

/*
 * The management channel serves one connection at a time, so a transfer holds dash.mgmt from
 * start to end: the page's state polling waits for it (the VM table stops moving meanwhile).
 * The result of restore and update is {"ok":..,"message":..} like the lifecycle actions.
 */
static enum MHD_Result xfer_result(struct MHD_Connection *conn, int rc, const char *msg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (rc == CTL_EXIT_CONN) {
		return reply_text(conn, MHD_HTTP_BAD_GATEWAY, msg);
	}
	f = open_memstream(&buf, &len);
	if (f) {
		fputs("{\"ok\":", f);
		fputs(rc == 0 ? "true" : "false", f);
		fputs(",\"message\":", f);
		ctl_json_string(f, msg);
		fputs("}", f);
		fclose(f);
	}
	return reply_json(conn, buf, len);
}

/* GET /api/snapshot?vm=NAME: the VM's snapshot stream (docs/SNAPSHOT.md) as a download. */
static enum MHD_Result api_snapshot(struct MHD_Connection *conn, const char *vm)
{
	struct MHD_Response *r;
	char *buf = NULL, msg[1200], disp[96];
	size_t len = 0;
	enum MHD_Result ret;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f) {
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	pthread_mutex_lock(&dash.mgmt);
	rc = ctl_snapshot_to(dash.sock, vm, f, NULL, DASH_XFER_S, msg, sizeof(msg));
	pthread_mutex_unlock(&dash.mgmt);
	if (fclose(f) != 0 && rc == 0) {
		rc = CTL_EXIT_ERR;
		snprintf(msg, sizeof(msg), "err out of memory");
	}
	fprintf(stderr, "tessera dashboard: snapshot %s: %s\n", vm, msg);
	if (rc != 0) {
		free(buf);
		return reply_text(
		    conn, rc == CTL_EXIT_CONN ? MHD_HTTP_BAD_GATEWAY : MHD_HTTP_CONFLICT, msg);
	}
	r = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(buf);
		return MHD_NO;
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"%s.snap\"", vm);
	MHD_add_response_header(r, "Content-Type", "application/octet-stream");
	MHD_add_response_header(r, "Content-Disposition", disp);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* A request body being received (POST /api/restore, /api/update). */
struct upload {
	unsigned char *d;
	size_t len, cap;
	bool too_big;
};

static void upload_add(struct upload *u, const char *data, size_t n)
{
	if (u->too_big || n > DASH_UPLOAD_MAX - u->len) {
		u->too_big = true;
		return;
	}
	if (u->len + n > u->cap) {
		size_t cap = u->cap ? u->cap : 65536;
		unsigned char *d;

		while (cap < u->len + n) {
			cap *= 2;
		}
		d = realloc(u->d, cap);
		if (!d) {
			u->too_big = true;
			return;
		}
		u->d = d;
		u->cap = cap;
	}
	memcpy(u->d + u->len, data, n);
	u->len += n;
}

/* POST /api/restore?vm=NAME (body: a snapshot) or /api/update?vm=NAME (body: a bundle). */
static enum MHD_Result api_upload(struct MHD_Connection *conn, const char *vm, bool update,
				  const struct upload *u)
{
	char msg[1200];
	int rc;

	if (u->too_big) {
		return reply_text(conn, MHD_HTTP_CONTENT_TOO_LARGE, "body larger than 256 MiB");
	}
	if (u->len == 0) {
		return reply_text(conn, MHD_HTTP_BAD_REQUEST, "empty body: send the file");
	}
	pthread_mutex_lock(&dash.mgmt);
	rc = update ? ctl_update_from(dash.sock, vm, u->d, u->len, DASH_XFER_S, msg, sizeof(msg))
		    : ctl_restore_from(dash.sock, vm, u->d, u->len, NULL, DASH_XFER_S, msg,
				       sizeof(msg));
	pthread_mutex_unlock(&dash.mgmt);
	fprintf(stderr, "tessera dashboard: %s %s: %s\n", update ? "update" : "restore", vm, msg);
	return xfer_result(conn, rc, msg);
}

static bool is_upload(const char *url, const char *method)
{
	return strcmp(method, "POST") == 0 &&
	       (strcmp(url, "/api/restore") == 0 || strcmp(url, "/api/update") == 0);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)conn;
	(void)why;
	if (*con_cls && *con_cls != cls) {
		struct upload *u = *con_cls;

		free(u->d);
		free(u);
	}
	*con_cls = NULL;
}

/* Constant-time comparison, so the answer time does not tell how much of a guess matched. */
static bool token_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = (unsigned char)(la != lb);

	for (size_t i = 0; i < la && i < lb; i++) {
		d |= (unsigned char)(a[i] ^ b[i]);
	}
	return d == 0;
}

static bool authorized(struct MHD_Connection *conn)
{
	const char *got[3] = {
	    MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "token"),
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Tessera-Token"),
	    MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "tessera_token"),
	};

	if (!dash.token) {
		return true;
	}
	for (int i = 0; i < 3; i++) {
		if (got[i] && token_equal(got[i], dash.token)) {
			return true;
		}
	}
	return false;
}

/* A VM name as the config allows (no blanks or controls: it goes into a request line). */
static bool valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > DASH_NAME_MAX) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.')) {
			return false;
		}
	}
	return true;
}

static bool valid_hex(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n % 2 || n > max) {
		return false;
	}
	return strspn(s, "0123456789abcdefABCDEF") == n;
}

static const struct {
	const char *url, *file, *type;
} files[] = {
    {"/", "index.html", "text/html; charset=utf-8"},
    {"/app.js", "app.js", "text/javascript"},
    {"/style.css", "style.css", "text/css"},
    {"/vendor/xterm.js", "vendor/xterm.js", "text/javascript"},
    {"/vendor/xterm.css", "vendor/xterm.css", "text/css"},
    {"/vendor/uPlot.iife.min.js", "vendor/uPlot.iife.min.js", "text/javascript"},
    {"/vendor/uPlot.min.css", "vendor/uPlot.min.css", "text/css"},
};

static enum MHD_Result serve_file(struct MHD_Connection *conn, const char *url)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096];
		char *data = NULL;
		long n;
		FILE *f;

		if (strcmp(url, files[i].url) != 0) {
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dash.www, files[i].file);
		f = fopen(path, "rb");
		if (!f) {
			return reply_text(conn, MHD_HTTP_NOT_FOUND,
					  "not built: run make dashboard");
		}
		if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
		    fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)n + 1)) &&
		    fread(data, 1, (size_t)n, f) == (size_t)n) {
			fclose(f);
			return reply(conn, MHD_HTTP_OK, files[i].type, data, (size_t)n, false);
		}
		free(data);
		fclose(f);
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "read error");
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "not found");
}

static enum MHD_Result api_state(struct MHD_Connection *conn)
{
	char *copy;

	pthread_mutex_lock(&dash.state);
	copy = strdup(dash.state_json ? dash.state_json : "{\"connected\":false,\"log\":[]}");
	pthread_mutex_unlock(&dash.state);
	return reply_json(conn, copy, copy ? strlen(copy) : 0);
}

struct con_read {
	FILE *f;
	unsigned long long next, end, lost;
	bool err;
};

static void con_line(void *ctx, const char *line)
{
	struct con_read *r = ctx;
	const char *h = strstr(line, " hex=");

	if (strncmp(line, "con ", 4) == 0 && h) {
		fputs(h + 5, r->f);
	} else if (strncmp(line, "ok ", 3) == 0) {
		r->next = key_u64(line, " next=");
		r->end = key_u64(line, " end=");
		r->lost = key_u64(line, " lost=");
	} else if (strncmp(line, "err ", 4) == 0) {
		r->err = true;
	}
}

static enum MHD_Result api_console(struct MHD_Connection *conn, const char *vm)
{
	const char *from = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "from");
	struct con_read r = {NULL, 0, 0, 0, false};
	char req[96], *hex = NULL, *buf = NULL;
	size_t hlen = 0, len = 0;
	FILE *out;
	int rc;

	if (!from || strspn(from, "0123456789") != strlen(from) || strlen(from) > 19) {
		return reply_text(conn, MHD_HTTP_BAD_REQUEST, "from: a byte position");
	}
	snprintf(req, sizeof(req), "console-read %s %s\n", vm, *from ? from : "0");
	r.f = open_memstream(&hex, &hlen);
	if (!r.f) {
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	rc = mgmt_exchange(req, 1, con_line, &r);
	fclose(r.f);
	if (rc != 0 || r.err) {
		free(hex);
		return reply_text(conn, rc ? MHD_HTTP_BAD_GATEWAY : MHD_HTTP_NOT_FOUND,
				  rc ? "no answer from the hypervisor" : "no such VM");
	}
	out = open_memstream(&buf, &len);
	if (out) {
		fprintf(out, "{\"next\":%llu,\"end\":%llu,\"lost\":%llu,\"hex\":\"%s\"}", r.next,
			r.end, r.lost, hex ? hex : "");
		fclose(out);
	}
	free(hex);
	return reply_json(conn, buf, len);
}

static void keep_final(void *ctx, const char *line)
{
	struct ctl_sample *s = ctx;

	if (ctl_is_final(line) && !s->is_err) {
		ctl_sample_reset(s);
		ctl_sample_add(s, line);
	}
}

/* The result of `finals` commands as {"ok":..,"message":..} (of the first that failed, or
 * the last). */
static enum MHD_Result run_command(struct MHD_Connection *conn, const char *req, unsigned finals)
{
	struct ctl_sample *s = calloc(1, sizeof(*s));
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!s) {
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	}
	ctl_sample_reset(s);
	if (mgmt_exchange(req, finals, keep_final, s) != 0) {
		free(s);
		return reply_text(conn, MHD_HTTP_BAD_GATEWAY, "no answer from the hypervisor");
	}
	f = open_memstream(&buf, &len);
	if (f) {
		ctl_result_json(f, s);
		fclose(f);
	}
	free(s);
	return reply_json(conn, buf, len);
}

static enum MHD_Result api_action(struct MHD_Connection *conn, const char *vm)
{
	static const char *const ops[] = {"start", "stop", "restart", "pause", "resume"};
	const char *op = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "op");
	char req[96];

	for (size_t i = 0; op && i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (strcmp(op, ops[i]) == 0) {
			snprintf(req, sizeof(req), "%s %s\n", ops[i], vm);
			return run_command(conn, req, 1);
		}
	}
	return reply_text(conn, MHD_HTTP_BAD_REQUEST, "op: start, stop, restart, pause or resume");
}

/* Typed input, in console-write requests of DASH_CON_CHUNK bytes on one connection. */
static enum MHD_Result api_input(struct MHD_Connection *conn, const char *vm)
{
	const char *hex = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "hex");
	char req[(DASH_IN_MAX / DASH_CON_CHUNK + 1) * (2 * DASH_CON_CHUNK + 64)];
	size_t at = 0, n;
	unsigned chunks = 0;

	if (!valid_hex(hex, 2 * DASH_IN_MAX)) {
		return reply_text(conn, MHD_HTTP_BAD_REQUEST, "hex: 2 to 1024 hex digits");
	}
	n = strlen(hex);
	for (size_t i = 0; i < n; i += 2 * DASH_CON_CHUNK, chunks++) {
		int w = snprintf(req + at, sizeof(req) - at, "console-write %s %.*s\n", vm,
				 (int)(n - i < 2 * DASH_CON_CHUNK ? n - i : 2 * DASH_CON_CHUNK),
				 hex + i);
		at += (size_t)w;
	}
	return run_command(conn, req, chunks);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	bool post = strcmp(method, "POST") == 0;
	const char *vm;

	(void)version;
	if (*con_cls == NULL) { /* headers only: the body comes next */
		struct upload *u = is_upload(url, method) ? calloc(1, sizeof(*u)) : NULL;

		*con_cls = u ? (void *)u : cls;
		return MHD_YES;
	}
	if (*upload_size) {
		if (*con_cls != cls) {
			upload_add(*con_cls, upload, *upload_size);
		}
		*upload_size = 0; /* other requests' bodies are ignored */
		return MHD_YES;
	}
	if (!authorized(conn)) {
		return reply_text(conn, MHD_HTTP_FORBIDDEN, "token required");
	}
	if (!post && strcmp(method, "GET") != 0) {
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET or POST");
	}
	if (strncmp(url, "/api/", 5) != 0) {
		return post ? reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "GET")
			    : serve_file(conn, url);
	}
	if (strcmp(url, "/api/state") == 0 && !post) {
		return api_state(conn);
	}
	vm = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "vm");
	if (!valid_name(vm)) {
		return reply_text(conn, MHD_HTTP_BAD_REQUEST, "vm: a VM name");
	}
	if (strcmp(url, "/api/console") == 0 && !post) {
		return api_console(conn, vm);
	}
	if (strcmp(url, "/api/input") == 0 && post) {
		return api_input(conn, vm);
	}
	if (strcmp(url, "/api/action") == 0 && post) {
		return api_action(conn, vm);
	}
	if (strcmp(url, "/api/snapshot") == 0 && !post) {
		return api_snapshot(conn, vm);
	}
	if (is_upload(url, method)) {
		if (*con_cls == cls) {
			return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		}
		return api_upload(conn, vm, strcmp(url, "/api/update") == 0, *con_cls);
	}
	return reply_text(conn, MHD_HTTP_NOT_FOUND, "no such API");
}

/* "ADDR:PORT" (IPv4, or "localhost") into a; whether it is a loopback address. */
static int parse_listen(const char *s, struct sockaddr_in *a, bool *loopback)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;

	if (!colon || (size_t)(colon - s) >= sizeof(host)) {
		return -1;
	}
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535) {
		return -1;
	}
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((unsigned short)port);
	if (strcmp(host, "localhost") == 0) {
		strcpy(host, "127.0.0.1");
	}
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
		return -1;
	}
	*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	return 0;
}

static const char usage[] =
    "usage: tessera dashboard --mgmt SOCKET [--listen ADDR:PORT] [--token TOKEN] [--www DIR]\n"
    "  --listen  default 127.0.0.1:8080; any address but loopback needs --token\n"
    "  --token   every request must carry it (open http://ADDR:PORT/?token=TOKEN)\n"
    "  --www     the page's files (default: ../dashboard/www beside this program)\n";

static char *default_www(void)
{
	static char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	if (n <= 0) {
		return "build/dashboard/www";
	}
	path[n] = '\0';
	slash = strrchr(path, '/');
	*slash = '\0';
	strcat(path, "/../dashboard/www");
	return path;
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1:8080";
	struct sockaddr_in addr;
	struct MHD_Daemon *d;
	bool loopback;
	pthread_t t;
	sigset_t sigs;
	int sig;

	dash.www = default_www();
	for (int i = 1; i < argc; i++) {
		bool val = i + 1 < argc;

		if (strcmp(argv[i], "--mgmt") == 0 && val) {
			dash.sock = argv[++i];
		} else if (strcmp(argv[i], "--listen") == 0 && val) {
			listen = argv[++i];
		} else if (strcmp(argv[i], "--token") == 0 && val) {
			dash.token = argv[++i];
		} else if (strcmp(argv[i], "--www") == 0 && val) {
			dash.www = argv[++i];
		} else {
			fputs(usage, strcmp(argv[i], "--help") == 0 ? stdout : stderr);
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (!dash.sock || parse_listen(listen, &addr, &loopback) != 0) {
		fputs(usage, stderr);
		return 2;
	}
	if (dash.token && (strlen(dash.token) < 8 || strlen(dash.token) > 100 ||
			   strspn(dash.token, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					      "0123456789-_.") != strlen(dash.token))) {
		fprintf(stderr, "tessera dashboard: --token: 8 to 100 of A-Z a-z 0-9 - _ .\n");
		return 2;
	}
	if (!loopback && !dash.token) {
		fprintf(stderr,
			"tessera dashboard: %s is not a loopback address: --token is "
			"required\n",
			listen);
		return 2;
	}
	/* Blocked here, so every thread inherits the mask; main waits for them below. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0,
			     NULL, NULL, handle, &dash, MHD_OPTION_NOTIFY_COMPLETED, request_done,
			     &dash, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)64,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "tessera dashboard: cannot listen on %s: %s\n", listen,
			strerror(errno));
		return 1;
	}
	if (pthread_create(&t, NULL, poller, NULL) != 0) {
		fprintf(stderr, "tessera dashboard: no poller thread\n");
		MHD_stop_daemon(d);
		return 1;
	}
	fprintf(stderr, "tessera dashboard: http://%s/%s%s (management channel %s)\n", listen,
		dash.token ? "?token=" : "", dash.token ? dash.token : "", dash.sock);
	sigwait(&sigs, &sig);
	MHD_stop_daemon(d);
	return 0;
}
