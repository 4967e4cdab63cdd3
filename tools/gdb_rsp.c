/* SPDX-License-Identifier: MIT */
/* gdb's remote serial protocol: framing and request decoding (gdb_rsp.h). */
#include "gdb_rsp.h"

#include <string.h>

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

void rsp_reset(struct rsp_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static void put(struct rsp_parser *p, unsigned char c)
{
	if (p->len < RSP_MAX) {
		p->buf[p->len++] = (char)c;
	} else {
		p->overflow = true;
	}
}

enum rsp_event rsp_feed(struct rsp_parser *p, unsigned char c)
{
	int d;

	switch (p->state) {
	case 0:
		if (c == '$') {
			p->state = 1;
			p->len = 0;
			p->sum = 0;
			p->overflow = false;
		}
		return c == 0x03 ? RSP_INTERRUPT : RSP_NONE; /* acks and noise are ignored */
	case 1:
		if (c == '#') {
			p->state = 3;
			return RSP_NONE;
		}
		p->sum = (unsigned char)(p->sum + c);
		if (c == '}') {
			p->state = 2;
		} else {
			put(p, c);
		}
		return RSP_NONE;
	case 2:
		p->sum = (unsigned char)(p->sum + c);
		put(p, c ^ 0x20);
		p->state = 1;
		return RSP_NONE;
	case 3:
		d = hexval(c);
		p->cs = (unsigned char)((d < 0 ? 0 : d) << 4);
		p->state = d < 0 ? 0 : 4;
		return d < 0 ? RSP_BAD : RSP_NONE;
	default:
		d = hexval(c);
		p->state = 0;
		p->buf[p->len] = '\0';
		if (d < 0 || p->overflow || (unsigned char)(p->cs | d) != p->sum) {
			return RSP_BAD;
		}
		return RSP_PACKET;
	}
}

size_t rsp_frame(const char *payload, size_t n, char *out, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char sum = 0;
	size_t o = 0;

	if (size < 4) {
		return 0;
	}
	out[o++] = '$';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)payload[i];
		bool esc = c == '$' || c == '#' || c == '}' || c == '*';

		if (o + (esc ? 2 : 1) + 3 > size) {
			return 0;
		}
		if (esc) {
			out[o++] = '}';
			sum = (unsigned char)(sum + '}');
			c ^= 0x20;
		}
		out[o++] = (char)c;
		sum = (unsigned char)(sum + c);
	}
	out[o++] = '#';
	out[o++] = digits[sum >> 4];
	out[o++] = digits[sum & 0xf];
	return o;
}

long rsp_hex_bytes(const char *hex, size_t n, unsigned char *out, size_t max)
{
	if ((n & 1) || n / 2 > max) {
		return -1;
	}
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval((unsigned char)hex[i]), lo = hexval((unsigned char)hex[i + 1]);

		if (hi < 0 || lo < 0) {
			return -1;
		}
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

/* A hex number of 1..16 digits at *s, which advances past it. */
static bool num(const char **s, const char *end, uint64_t *v)
{
	uint64_t x = 0;
	int n = 0, d;

	while (*s < end && (d = hexval((unsigned char)**s)) >= 0) {
		if (n++ == 16) {
			return false;
		}
		x = x << 4 | (uint64_t)d;
		(*s)++;
	}
	*v = x;
	return n > 0;
}

static bool expect(const char **s, const char *end, char c)
{
	if (*s < end && **s == c) {
		(*s)++;
		return true;
	}
	return false;
}

/* A thread id: "-1" or a hex number below 2^31. */
static bool thread_id(const char **s, const char *end, long *t)
{
	uint64_t v;

	if (*s + 1 < end && (*s)[0] == '-' && (*s)[1] == '1') {
		*s += 2;
		*t = -1;
		return true;
	}
	if (!num(s, end, &v) || v > 0x7fffffff) {
		return false;
	}
	*t = (long)v;
	return true;
}

static bool starts(const char *pkt, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(pkt, prefix, k) == 0;
}

/* vCont;ACTION[:t][;ACTION[:t]]...: a step of one thread wins over continuing the rest. */
static bool decode_vcont(const char *s, const char *end, struct rsp_req *r)
{
	r->kind = RSP_CONT;
	r->thread = 0;
	while (s < end) {
		char a;

		if (!expect(&s, end, ';') || s == end) {
			return false;
		}
		a = *s++;
		if (a == 'C' || a == 'S') {
			uint64_t sig;

			if (!num(&s, end, &sig)) {
				return false;
			}
		} else if (a != 'c' && a != 's') {
			return false;
		}
		if (expect(&s, end, ':')) {
			long t;

			if (!thread_id(&s, end, &t)) {
				return false;
			}
			if (a == 's' || a == 'S') {
				r->thread = t;
			}
		}
		if (a == 's' || a == 'S') {
			r->kind = RSP_STEP;
		}
	}
	return true;
}

static bool decode_mem(const char *s, const char *end, struct rsp_req *r, bool write)
{
	if (!num(&s, end, &r->addr) || !expect(&s, end, ',') || !num(&s, end, &r->len)) {
		return false;
	}
	if (!write) {
		return s == end && r->len <= RSP_MAX / 2;
	}
	if (!expect(&s, end, ':')) {
		return false;
	}
	r->data = s;
	r->data_len = (size_t)(end - s);
	return r->data_len == r->len * 2;
}

static bool decode_query(const char *pkt, size_t n, struct rsp_req *r)
{
	const char *end = pkt + n, *s;
	static const char xfer[] = "qXfer:features:read:target.xml:";

	if (starts(pkt, n, "qSupported")) {
		r->kind = RSP_SUPPORTED;
	} else if (n == 12 && starts(pkt, n, "qfThreadInfo")) {
		r->kind = RSP_THREADS_FIRST;
	} else if (n == 12 && starts(pkt, n, "qsThreadInfo")) {
		r->kind = RSP_THREADS_NEXT;
	} else if (n == 2 && pkt[1] == 'C') {
		r->kind = RSP_CURRENT_THREAD;
	} else if (starts(pkt, n, "qAttached")) {
		r->kind = RSP_ATTACHED;
	} else if (starts(pkt, n, "qThreadExtraInfo,")) {
		s = pkt + 17;
		r->kind = RSP_THREAD_EXTRA;
		return thread_id(&s, end, &r->thread) && s == end;
	} else if (starts(pkt, n, xfer)) {
		s = pkt + sizeof(xfer) - 1;
		r->kind = RSP_XFER_FEATURES;
		return num(&s, end, &r->addr) && expect(&s, end, ',') && num(&s, end, &r->len) &&
		       s == end;
	}
	return true;
}

static bool decode_break(const char *s, const char *end, struct rsp_req *r)
{
	uint64_t type;

	r->kind = RSP_BREAK;
	if (!num(&s, end, &type) || type > 4 || !expect(&s, end, ',') || !num(&s, end, &r->addr) ||
	    !expect(&s, end, ',') || !num(&s, end, &r->len)) {
		return false;
	}
	r->type = (uint32_t)type;
	return s == end || *s == ';'; /* conditions after ';' are ignored */
}

bool rsp_decode(const char *pkt, size_t n, struct rsp_req *r)
{
	const char *end = pkt + n, *s = pkt + 1;
	uint64_t v;

	memset(r, 0, sizeof(*r));
	if (n == 0) {
		return true;
	}
	r->op = pkt[0];
	switch (pkt[0]) {
	case '?':
		r->kind = RSP_HALT_REASON;
		return n == 1;
	case 'g':
		r->kind = RSP_READ_REGS;
		return n == 1;
	case 'G':
		r->kind = RSP_WRITE_REGS;
		r->data = s;
		r->data_len = n - 1;
		return true;
	case 'p':
		r->kind = RSP_READ_REG;
		if (!num(&s, end, &v) || v > 0xffff) {
			return false;
		}
		r->reg = (uint32_t)v;
		return s == end;
	case 'P':
		r->kind = RSP_WRITE_REG;
		if (!num(&s, end, &v) || v > 0xffff || !expect(&s, end, '=')) {
			return false;
		}
		r->reg = (uint32_t)v;
		r->data = s;
		r->data_len = (size_t)(end - s);
		return true;
	case 'm':
	case 'M':
		r->kind = pkt[0] == 'm' ? RSP_READ_MEM : RSP_WRITE_MEM;
		return decode_mem(s, end, r, pkt[0] == 'M');
	case 'c':
		r->kind = RSP_CONT; /* "c addr" (resume elsewhere) is not supported */
		return n == 1;
	case 's':
		r->kind = RSP_STEP;
		return n == 1;
	case 'H':
		r->kind = RSP_SET_THREAD;
		if (n < 3 || (pkt[1] != 'g' && pkt[1] != 'c')) {
			return false;
		}
		r->op = pkt[1];
		s = pkt + 2;
		return thread_id(&s, end, &r->thread) && s == end;
	case 'T':
		r->kind = RSP_THREAD_ALIVE;
		return thread_id(&s, end, &r->thread) && s == end;
	case 'q':
		return decode_query(pkt, n, r);
	case 'v':
		if (n == 6 && starts(pkt, n, "vCont?")) {
			r->kind = RSP_VCONT_QUERY;
			return true;
		}
		return !starts(pkt, n, "vCont;") || decode_vcont(pkt + 5, end, r);
	case 'Z':
	case 'z':
		return decode_break(s, end, r);
	case 'D':
		r->kind = RSP_DETACH;
		return true;
	case 'k':
		r->kind = RSP_KILL;
		return true;
	default:
		return true;
	}
}
