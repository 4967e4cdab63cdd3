/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl --socket PATH gdb VM --listen HOST:PORT`: a gdb stub for one VM
 * (docs/DEBUGGING.md). It attaches (the VM halts; refused unless its config says `debug;`),
 * waits for one gdb connection on TCP and translates gdb's remote serial protocol
 * (gdb_rsp.c) into the management command "gdb NAME OP" (src/core/mgmt_gdb.c): vCPUs are
 * threads 1..N; registers, memory by virtual address (the selected thread's stage 1),
 * hardware breakpoints and watchpoints, single step, continue, Ctrl-C. Software breakpoints
 * are gdb's own BRK instructions written with memory writes. When gdb detaches, kills or
 * goes away, the VM is detached and runs on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gdb_rsp.h"
#include "mgmt_client.h"
#include "tessera.h"

#define NREGS	  84 /* src/include/gdb.h GDB_REG_COUNT */
#define READ_MAX  64 /* bytes per management read (mgmt_gdb.c) */
#define WRITE_MAX 24 /* bytes per management write: the request line is 128 bytes */
#define POLL_MS	  50

static const char *const sysreg_names[] = {"sctlr_el1", "ttbr0_el1",	  "ttbr1_el1", "tcr_el1",
					   "mair_el1",	"vbar_el1",	  "esr_el1",   "far_el1",
					   "elr_el1",	"spsr_el1",	  "sp_el0",    "sp_el1",
					   "tpidr_el1", "contextidr_el1", "par_el1",   "cpacr_el1"};

struct wp {
	uint64_t addr, len;
	uint32_t type; /* 2 write, 3 read, 4 access (Z type) */
};

struct gdbs {
	struct ctl *c;
	const char *vm;
	int fd;
	unsigned vcpus;
	long g_thread, c_thread; /* 1-based; H sets them */
	bool regs_ok;
	long regs_thread;
	uint64_t lo[NREGS], hi[NREGS];
	struct wp wps[4];
	struct rsp_parser p;
	char xml[16384];
	size_t xml_len;
};

static unsigned reg_size(unsigned n)
{
	if (n == 33 || n == 66 || n == 67) {
		return 4;
	}
	return (n >= 34 && n < 66) ? 16 : 8;
}

static void build_xml(struct gdbs *g)
{
	size_t o = 0, sz = sizeof(g->xml);

#define X(...) (o += (size_t)snprintf(g->xml + o, o < sz ? sz - o : 0, __VA_ARGS__))
	X("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target>\n"
	  "<architecture>aarch64</architecture>\n<feature name=\"org.gnu.gdb.aarch64.core\">\n");
	for (int i = 0; i < 31; i++) {
		X("<reg name=\"x%d\" bitsize=\"64\" type=\"int\" regnum=\"%d\"/>\n", i, i);
	}
	X("<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>\n"
	  "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>\n"
	  "<reg name=\"cpsr\" bitsize=\"32\" type=\"int\"/>\n</feature>\n"
	  "<feature name=\"org.gnu.gdb.aarch64.fpu\">\n");
	for (int i = 0; i < 32; i++) {
		X("<reg name=\"v%d\" bitsize=\"128\" type=\"uint128\"/>\n", i);
	}
	X("<reg name=\"fpsr\" bitsize=\"32\" type=\"int\"/>\n"
	  "<reg name=\"fpcr\" bitsize=\"32\" type=\"int\"/>\n</feature>\n"
	  "<feature name=\"org.tessera.aarch64.sysregs\">\n");
	for (size_t i = 0; i < sizeof(sysreg_names) / sizeof(sysreg_names[0]); i++) {
		X("<reg name=\"%s\" bitsize=\"64\" type=\"int\" group=\"system\"/>\n",
		  sysreg_names[i]);
	}
	X("</feature>\n</target>\n");
#undef X
	g->xml_len = o < sz ? o : sz - 1;
}

/* ---- the management side ---- */

/* "gdb VM op": data lines to on_line, the final line into fin. 0 ok, 1 err, -1 no answer. */
static int mreq(struct gdbs *g, const char *op, void (*on_line)(struct gdbs *, const char *),
		char *fin, size_t fsize)
{
	char req[256], line[1024];
	int n = snprintf(req, sizeof(req), "gdb %s %s\n", g->vm, op);

	if (n <= 0 || (size_t)n >= sizeof(req)) {
		return -1;
	}
	g->c->deadline_ms = now_ms() + 15000;
	if (ctl_send(g->c, req, (size_t)n) != 0) {
		return -1;
	}
	for (;;) {
		if (ctl_line(g->c, line, sizeof(line)) != 0) {
			return -1;
		}
		if (strncmp(line, "ok", 2) == 0 || strncmp(line, "err", 3) == 0) {
			if (fin) {
				snprintf(fin, fsize, "%s", line);
			}
			return line[0] == 'o' ? 0 : 1;
		}
		if (on_line) {
			on_line(g, line);
		}
	}
}

struct status {
	int halted, stop;
	unsigned vcpu;
	unsigned long long addr;
	char state[16];
};

static int get_status(struct gdbs *g, struct status *s)
{
	char fin[512];
	const char *h, *st, *v, *a, *sn;

	if (mreq(g, "status", NULL, fin, sizeof(fin)) != 0) {
		return -1;
	}
	h = strstr(fin, " halted=");
	st = strstr(fin, " stop=");
	v = strstr(fin, " vcpu=");
	a = strstr(fin, " addr=");
	sn = strstr(fin, " state=");
	if (!h || !st || !v || !a || !sn) {
		return -1;
	}
	s->halted = atoi(h + 8);
	s->stop = atoi(st + 6);
	s->vcpu = (unsigned)strtoul(v + 6, NULL, 16);
	s->addr = strtoull(a + 6, NULL, 16);
	sscanf(sn + 7, "%15s", s->state);
	return 0;
}

/* Polls until the VM is halted (every vCPU saved). 0, or -1 if it never is (stopped...). */
static int wait_halted(struct gdbs *g, struct status *s, long timeout_ms)
{
	long end = now_ms() + timeout_ms;

	for (;;) {
		if (get_status(g, s) != 0) {
			return -1;
		}
		if (s->halted) {
			return 0;
		}
		if (strcmp(s->state, "paused") != 0 && strcmp(s->state, "running") != 0) {
			fprintf(stderr, "gdb: VM %s is %s\n", g->vm, s->state);
			return -1;
		}
		if (now_ms() > end) {
			return -1;
		}
		ctl_nap_ms(10);
	}
}

static void on_reg(struct gdbs *g, const char *line)
{
	unsigned n;
	unsigned long long lo, hi;

	if (sscanf(line, "r %x %llx %llx", &n, &lo, &hi) == 3 && n < NREGS) {
		g->lo[n] = lo;
		g->hi[n] = hi;
	}
}

static long cur_vcpu(const struct gdbs *g, long t)
{
	return (t > 0 && (unsigned long)t <= g->vcpus ? t : 1) - 1;
}

static int load_regs(struct gdbs *g)
{
	char op[64];

	if (g->regs_ok && g->regs_thread == g->g_thread) {
		return 0;
	}
	memset(g->lo, 0, sizeof(g->lo));
	memset(g->hi, 0, sizeof(g->hi));
	snprintf(op, sizeof(op), "regs,%lx", cur_vcpu(g, g->g_thread));
	if (mreq(g, op, on_reg, NULL, 0) != 0) {
		return -1;
	}
	g->regs_ok = true;
	g->regs_thread = g->g_thread;
	return 0;
}

/* ---- the gdb side ---- */

static int reply(struct gdbs *g, const char *payload, size_t n)
{
	static char out[2 * RSP_MAX + 16];
	size_t len = rsp_frame(payload, n, out, sizeof(out));

	if (!len) {
		len = rsp_frame("E01", 3, out, sizeof(out));
	}
	for (size_t o = 0; o < len;) {
		ssize_t w = write(g->fd, out + o, len - o);

		if (w <= 0) {
			return -1;
		}
		o += (size_t)w;
	}
	return 0;
}

static int reply_s(struct gdbs *g, const char *s)
{
	return reply(g, s, strlen(s));
}

static void hex_le(char *out, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++) {
		sprintf(out + 2 * i, "%02x", (unsigned)((v >> (8 * i)) & 0xff));
	}
}

static uint64_t le_val(const unsigned char *b, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes && i < 8; i++) {
		v |= (uint64_t)b[i] << (8 * i);
	}
	return v;
}

static int do_read_regs(struct gdbs *g)
{
	static char buf[RSP_MAX];
	size_t o = 0;

	if (load_regs(g) != 0) {
		return reply_s(g, "E01");
	}
	for (unsigned n = 0; n < NREGS; n++) {
		unsigned sz = reg_size(n);

		hex_le(buf + o, g->lo[n], sz > 8 ? 8 : sz);
		if (sz > 8) {
			hex_le(buf + o + 16, g->hi[n], 8);
		}
		o += 2 * sz;
	}
	return reply(g, buf, o);
}

static int set_reg(struct gdbs *g, unsigned n, const unsigned char *b)
{
	char op[128];
	unsigned sz = reg_size(n);
	uint64_t lo = le_val(b, sz > 8 ? 8 : sz), hi = sz > 8 ? le_val(b + 8, 8) : 0;

	if (lo == g->lo[n] && hi == g->hi[n]) {
		return 0;
	}
	snprintf(op, sizeof(op), "setreg,%lx,%x,%llx,%llx", cur_vcpu(g, g->g_thread), n,
		 (unsigned long long)lo, (unsigned long long)hi);
	g->regs_ok = false;
	return mreq(g, op, NULL, NULL, 0);
}

static int do_write_regs(struct gdbs *g, const struct rsp_req *r, bool one)
{
	static unsigned char b[RSP_MAX];
	long n = rsp_hex_bytes(r->data, r->data_len, b, sizeof(b));
	size_t at = 0;

	if (n < 0 || load_regs(g) != 0) {
		return reply_s(g, "E01");
	}
	if (one) {
		if (r->reg >= NREGS || (size_t)n != reg_size(r->reg)) {
			return reply_s(g, "E01");
		}
		return reply_s(g, set_reg(g, r->reg, b) == 0 ? "OK" : "E01");
	}
	for (unsigned i = 0; i < NREGS && at + reg_size(i) <= (size_t)n; i++) {
		if (set_reg(g, i, b + at) != 0) {
			return reply_s(g, "E01");
		}
		at += reg_size(i);
	}
	return reply_s(g, "OK");
}

static int do_read_reg(struct gdbs *g, unsigned n)
{
	char buf[40];
	unsigned sz;

	if (n >= NREGS || load_regs(g) != 0) {
		return reply_s(g, "E01");
	}
	sz = reg_size(n);
	hex_le(buf, g->lo[n], sz > 8 ? 8 : sz);
	if (sz > 8) {
		hex_le(buf + 16, g->hi[n], 8);
	}
	return reply(g, buf, 2 * sz);
}

static char mem_hex[2 * RSP_MAX + 1];
static size_t mem_len;

static void on_mem(struct gdbs *g, const char *line)
{
	size_t n = strlen(line);

	(void)g;
	if (strncmp(line, "mem ", 4) == 0 && mem_len + n - 4 < sizeof(mem_hex)) {
		memcpy(mem_hex + mem_len, line + 4, n - 4);
		mem_len += n - 4;
	}
}

static int do_read_mem(struct gdbs *g, uint64_t addr, uint64_t len)
{
	char op[96];

	mem_len = 0;
	for (uint64_t done = 0; done < len;) {
		uint64_t n = len - done > READ_MAX ? READ_MAX : len - done;

		snprintf(op, sizeof(op), "read,%lx,v,%llx,%llx", cur_vcpu(g, g->g_thread),
			 (unsigned long long)(addr + done), (unsigned long long)n);
		if (mreq(g, op, on_mem, NULL, 0) != 0) {
			break;
		}
		done += n;
	}
	return mem_len ? reply(g, mem_hex, mem_len) : reply_s(g, "E14");
}

static int do_write_mem(struct gdbs *g, const struct rsp_req *r)
{
	char op[160];

	for (uint64_t done = 0; done < r->len;) {
		uint64_t n = r->len - done > WRITE_MAX ? WRITE_MAX : r->len - done;

		snprintf(op, sizeof(op), "write,%lx,v,%llx,%.*s", cur_vcpu(g, g->g_thread),
			 (unsigned long long)(r->addr + done), (int)(2 * n), r->data + 2 * done);
		if (mreq(g, op, NULL, NULL, 0) != 0) {
			return reply_s(g, "E14");
		}
		done += n;
	}
	return reply_s(g, "OK");
}

static int do_break(struct gdbs *g, const struct rsp_req *r)
{
	char op[96];
	bool on = r->op == 'Z';

	if (r->type == 0) {
		return reply_s(g, ""); /* gdb writes its BRK itself (memory writes) */
	}
	if (r->type == 1) {
		snprintf(op, sizeof(op), "hbreak,%llx,%d", (unsigned long long)r->addr, on);
	} else {
		snprintf(op, sizeof(op), "watch,%llx,%llx,%u,%d", (unsigned long long)r->addr,
			 (unsigned long long)r->len, r->type - 1, on);
	}
	if (mreq(g, op, NULL, NULL, 0) != 0) {
		return reply_s(g, "E01");
	}
	for (int i = 0; r->type >= 2 && i < 4; i++) {
		struct wp *w = &g->wps[i];

		if (on ? w->len == 0 : (w->addr == r->addr && w->len == r->len)) {
			*w = on ? (struct wp){r->addr, r->len, r->type} : (struct wp){0, 0, 0};
			break;
		}
	}
	return reply_s(g, "OK");
}

static int stop_reply(struct gdbs *g, const struct status *s)
{
	char buf[96];

	g->regs_ok = false;
	g->g_thread = g->c_thread = (long)s->vcpu + 1;
	if (s->stop == 5) {
		const char *kind = "watch";

		for (int i = 0; i < 4; i++) {
			const struct wp *w = &g->wps[i];

			if (w->len && s->addr >= (w->addr & ~7ULL) && s->addr < w->addr + w->len) {
				kind =
				    w->type == 3 ? "rwatch" : (w->type == 4 ? "awatch" : "watch");
			}
		}
		snprintf(buf, sizeof(buf), "T05thread:%x;%s:%llx;", s->vcpu + 1, kind, s->addr);
	} else {
		/* SIGINT for a halt (Ctrl-C), SIGTRAP for a debug event. */
		snprintf(buf, sizeof(buf), "T%02xthread:%x;", s->stop == 1 ? 2 : 5, s->vcpu + 1);
	}
	return reply_s(g, buf);
}

/* The VM runs: wait for it to halt (a debug event), or gdb's Ctrl-C, or gdb to go away. */
static int run_until_stop(struct gdbs *g)
{
	struct status s;

	for (;;) {
		struct pollfd pfd = {g->fd, POLLIN, 0};
		int r = poll(&pfd, 1, POLL_MS);

		if (r > 0) {
			unsigned char buf[256];
			ssize_t n = read(g->fd, buf, sizeof(buf));

			if (n <= 0) {
				return -1;
			}
			for (ssize_t i = 0; i < n; i++) {
				if (rsp_feed(&g->p, buf[i]) == RSP_INTERRUPT &&
				    mreq(g, "halt", NULL, NULL, 0) < 0) {
					return -1;
				}
			}
		}
		if (get_status(g, &s) != 0) {
			return -1;
		}
		if (s.halted) {
			return stop_reply(g, &s);
		}
		if (strcmp(s.state, "paused") != 0 && strcmp(s.state, "running") != 0) {
			fprintf(stderr, "gdb: VM %s is %s\n", g->vm, s.state);
			reply_s(g, "W00");
			return -1;
		}
	}
}

static int do_resume(struct gdbs *g, const struct rsp_req *r)
{
	char op[48];

	g->regs_ok = false;
	if (r->kind == RSP_STEP) {
		long t = r->thread > 0 ? r->thread : (g->c_thread > 0 ? g->c_thread : g->g_thread);

		snprintf(op, sizeof(op), "step,%lx", cur_vcpu(g, t));
	} else {
		snprintf(op, sizeof(op), "cont");
	}
	if (mreq(g, op, NULL, NULL, 0) != 0) {
		return reply_s(g, "E01");
	}
	return run_until_stop(g);
}

static int do_threads(struct gdbs *g)
{
	char buf[256];
	size_t o = 0;

	buf[o++] = 'm';
	for (unsigned i = 0; i < g->vcpus && o + 12 < sizeof(buf); i++) {
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%x", i ? "," : "", i + 1);
	}
	return reply(g, buf, o);
}

static int do_xfer(struct gdbs *g, const struct rsp_req *r)
{
	static char buf[RSP_MAX];
	uint64_t off = r->addr, len = r->len > RSP_MAX - 8 ? RSP_MAX - 8 : r->len;

	if (off >= g->xml_len) {
		return reply_s(g, "l");
	}
	/* cppcheck-suppress knownConditionTrueFalse ; false for the description's last piece */
	len = len < g->xml_len - off ? len : g->xml_len - off;
	buf[0] = off + len >= g->xml_len ? 'l' : 'm';
	memcpy(buf + 1, g->xml + off, len);
	return reply(g, buf, len + 1);
}

static int do_thread_extra(struct gdbs *g, long t)
{
	char text[32], hex[80];
	int n = snprintf(text, sizeof(text), "vCPU %ld", cur_vcpu(g, t));

	for (int i = 0; i < n; i++) {
		sprintf(hex + 2 * i, "%02x", (unsigned char)text[i]);
	}
	return reply(g, hex, (size_t)(2 * n));
}

/* 1: the session is over (detach, kill); 0 go on; -1 gdb went away. */
static int handle(struct gdbs *g, const char *pkt, size_t n)
{
	struct rsp_req r;
	char buf[64];

	if (!rsp_decode(pkt, n, &r)) {
		return reply_s(g, "E01");
	}
	switch (r.kind) {
	case RSP_SUPPORTED:
		return reply_s(g, "PacketSize=1000;qXfer:features:read+;vContSupported+");
	case RSP_HALT_REASON: {
		struct status s;

		return get_status(g, &s) == 0 ? stop_reply(g, &s) : -1;
	}
	case RSP_READ_REGS:
		return do_read_regs(g);
	case RSP_WRITE_REGS:
		return do_write_regs(g, &r, false);
	case RSP_READ_REG:
		return do_read_reg(g, r.reg);
	case RSP_WRITE_REG:
		return do_write_regs(g, &r, true);
	case RSP_READ_MEM:
		return do_read_mem(g, r.addr, r.len);
	case RSP_WRITE_MEM:
		return do_write_mem(g, &r);
	case RSP_CONT:
	case RSP_STEP:
		return do_resume(g, &r);
	case RSP_VCONT_QUERY:
		return reply_s(g, "vCont;c;C;s;S");
	case RSP_SET_THREAD:
		if (r.thread > (long)g->vcpus) {
			return reply_s(g, "E01");
		}
		*(r.op == 'g' ? &g->g_thread : &g->c_thread) = r.thread;
		return reply_s(g, "OK");
	case RSP_THREAD_ALIVE:
		return reply_s(g, r.thread >= 1 && r.thread <= (long)g->vcpus ? "OK" : "E01");
	case RSP_THREADS_FIRST:
		return do_threads(g);
	case RSP_THREADS_NEXT:
		return reply_s(g, "l");
	case RSP_THREAD_EXTRA:
		return do_thread_extra(g, r.thread);
	case RSP_CURRENT_THREAD:
		snprintf(buf, sizeof(buf), "QC%lx", cur_vcpu(g, g->g_thread) + 1);
		return reply_s(g, buf);
	case RSP_ATTACHED:
		return reply_s(g, "1");
	case RSP_XFER_FEATURES:
		return do_xfer(g, &r);
	case RSP_BREAK:
		return do_break(g, &r);
	case RSP_DETACH:
	case RSP_KILL:
		if (r.kind == RSP_DETACH) {
			reply_s(g, "OK");
		}
		return 1;
	default:
		return reply_s(g, "");
	}
}

static int serve(struct gdbs *g)
{
	unsigned char buf[4096];

	for (;;) {
		ssize_t n = read(g->fd, buf, sizeof(buf));

		if (n <= 0) {
			return -1;
		}
		for (ssize_t i = 0; i < n; i++) {
			enum rsp_event e = rsp_feed(&g->p, buf[i]);
			int rc;

			if (e == RSP_BAD) {
				if (write(g->fd, "-", 1) != 1) {
					return -1;
				}
			} else if (e == RSP_PACKET) {
				if (write(g->fd, "+", 1) != 1) {
					return -1;
				}
				rc = handle(g, g->p.buf, g->p.len);
				if (rc != 0) {
					return rc;
				}
			}
		}
	}
}

static int listen_on(const char *spec)
{
	char host[64];
	const char *colon = strrchr(spec, ':');
	struct sockaddr_in sa = {0};
	char *end;
	long port;
	int one = 1, fd;

	if (!colon || (size_t)(colon - spec) >= sizeof(host)) {
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	port = strtol(colon + 1, &end, 10);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (*end || port < 1 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0) {
		fprintf(stderr, "gdb: cannot listen on %s: %s\n", spec, strerror(errno));
		close(fd);
		return -2;
	}
	return fd;
}

/* Leaves the VM running without a debugger, whatever state the session ended in. */
static void detach_vm(struct gdbs *g)
{
	struct status s;

	if (mreq(g, "halt", NULL, NULL, 0) == 0 && wait_halted(g, &s, 10000) == 0 &&
	    mreq(g, "detach", NULL, NULL, 0) == 0) {
		fprintf(stderr, "gdb: detached from VM %s (it runs on)\n", g->vm);
	}
}

static int session(struct gdbs *g, int lfd)
{
	char fin[512];
	struct status s;
	int one = 1, rc;

	if (mreq(g, "attach", NULL, fin, sizeof(fin)) != 0) {
		fprintf(stderr, "gdb: %s\n", fin[0] ? fin : "no answer from the hypervisor");
		return CTL_EXIT_ERR;
	}
	if (sscanf(fin, "ok attached %*s vcpus=%u", &g->vcpus) != 1 || g->vcpus == 0 ||
	    wait_halted(g, &s, 15000) != 0) {
		fprintf(stderr, "gdb: VM %s did not halt\n", g->vm);
		return CTL_EXIT_ERR;
	}
	fprintf(stderr, "gdb: VM %s halted (%u vCPUs); waiting for gdb\n", g->vm, g->vcpus);
	g->fd = accept(lfd, NULL, NULL);
	if (g->fd < 0) {
		detach_vm(g);
		return CTL_EXIT_CONN;
	}
	setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	fprintf(stderr, "gdb: connected\n");
	g->g_thread = g->c_thread = 1;
	rc = serve(g);
	detach_vm(g);
	close(g->fd);
	return rc == 1 ? 0 : CTL_EXIT_CONN;
}

int ctl_gdb(const char *sock, int argc, char **argv, long timeout_s)
{
	struct gdbs *g = calloc(1, sizeof(*g));
	const char *listen_spec = NULL;
	int lfd, rc;

	if (!g) {
		return CTL_EXIT_CONN;
	}
	if (argc == 4 && strcmp(argv[2], "--listen") == 0) {
		listen_spec = argv[3];
	}
	if (!listen_spec || (lfd = listen_on(listen_spec)) == -1) {
		fprintf(stderr, "usage: tessera ctl --socket PATH gdb VM --listen HOST:PORT\n");
		free(g);
		return CTL_EXIT_CONN;
	}
	if (lfd < 0) {
		free(g);
		return CTL_EXIT_CONN;
	}
	g->vm = argv[1];
	build_xml(g);
	rsp_reset(&g->p);
	fprintf(stderr, "gdb: listening on %s for VM %s\n", listen_spec, g->vm);
	g->c = calloc(1, sizeof(*g->c));
	if (!g->c) {
		close(lfd);
		free(g);
		return CTL_EXIT_CONN;
	}
	g->c->fd = -1;
	g->c->deadline_ms = now_ms() + timeout_s * 1000L;
	if (ctl_connect(g->c, sock) != 0 || ctl_sync(g->c, false) != 0) {
		rc = CTL_EXIT_CONN;
	} else {
		rc = session(g, lfd);
	}
	close(lfd);
	if (g->c->fd >= 0) {
		close(g->c->fd);
	}
	free(g->c);
	free(g);
	return rc;
}
