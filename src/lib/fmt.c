/* SPDX-License-Identifier: MIT */
/*
 * Small snprintf for the hypervisor and host: %d %i %u %x %X %p %s %c %%,
 * flags '0' and '-', a decimal or '*' width, length modifiers l, ll, z.
 * No floating point (the hypervisor is built with -mgeneral-regs-only).
 * Output is always NUL-terminated when size > 0; the return value is the
 * length the complete output would have had, as C11 7.21.6.5 specifies.
 */
#include "lib.h"

struct fmt_out {
	char *buf;
	size_t size;
	size_t pos; /* total length so far, may exceed size */
};

static void fmt_putc(struct fmt_out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void fmt_pad(struct fmt_out *o, char c, int n)
{
	while (n-- > 0)
		fmt_putc(o, c);
}

struct fmt_spec {
	bool left;
	bool zero;
	int width;
};

/* Emits a body of len chars (with an optional sign/prefix) padded to the spec's width. */
static void fmt_field(struct fmt_out *o, const struct fmt_spec *sp, const char *prefix,
		      const char *body, size_t len)
{
	size_t plen = strlen(prefix);
	int pad = sp->width - (int)(plen + len);

	if (!sp->left && !sp->zero)
		fmt_pad(o, ' ', pad);
	while (*prefix)
		fmt_putc(o, *prefix++);
	if (!sp->left && sp->zero)
		fmt_pad(o, '0', pad);
	for (size_t i = 0; i < len; i++)
		fmt_putc(o, body[i]);
	if (sp->left)
		fmt_pad(o, ' ', pad);
}

/* Formats v in base 10 or 16 into the end of tmp; returns the start. */
static char *fmt_utoa(char *end, u64 v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return p;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = {buf, buf ? size : 0, 0};
	char tmp[24]; /* 2^64 needs 20 decimal digits */

	while (*fmt) {
		struct fmt_spec sp = {false, false, 0};
		int lng = 0; /* 0: int, 1: long, 2: long long, 3: size_t */
		u64 uv = 0;
		char *s;

		if (*fmt != '%') {
			fmt_putc(&o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = sp.width == -2147483647 - 1 ? 0 : -sp.width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			if (sp.width < 100000) /* clamp absurd widths instead of overflowing */
				sp.width = sp.width * 10 + (*fmt - '0');
			fmt++;
		}
		if (sp.left)
			sp.zero = false;
		if (*fmt == 'l') {
			lng = 1;
			if (*++fmt == 'l') {
				lng = 2;
				fmt++;
			}
		} else if (*fmt == 'z') {
			lng = 3;
			fmt++;
		}

		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 v = lng == 0   ? va_arg(ap, int)
				: lng == 1 ? va_arg(ap, long)
				: lng == 2 ? va_arg(ap, long long)
					   : (s64)va_arg(ap, size_t);
			/* Negate in unsigned arithmetic so INT64_MIN does not overflow. */
			uv = v < 0 ? 0 - (u64)v : (u64)v;
			const char *prefix = v < 0 ? "-" : "";
			s = fmt_utoa(tmp + sizeof(tmp), uv, 10, false);
			fmt_field(&o, &sp, prefix, s, (size_t)(tmp + sizeof(tmp) - s));
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			uv = lng == 0	? va_arg(ap, unsigned int)
			     : lng == 1 ? va_arg(ap, unsigned long)
			     : lng == 2 ? va_arg(ap, unsigned long long)
					: va_arg(ap, size_t);
			s = fmt_utoa(tmp + sizeof(tmp), uv, *fmt == 'u' ? 10 : 16, *fmt == 'X');
			fmt_field(&o, &sp, "", s, (size_t)(tmp + sizeof(tmp) - s));
			break;
		case 'p':
			uv = (u64)(uintptr_t)va_arg(ap, void *);
			s = fmt_utoa(tmp + sizeof(tmp), uv, 16, false);
			fmt_field(&o, &sp, "0x", s, (size_t)(tmp + sizeof(tmp) - s));
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			sp.zero = false;
			fmt_field(&o, &sp, "", str, strlen(str));
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			sp.zero = false;
			fmt_field(&o, &sp, "", tmp, 1);
			break;
		case '%':
			fmt_putc(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it and stop. */
			fmt_putc(&o, '%');
			continue;
		default:
			/* Unknown conversion: print it verbatim so the mistake is visible. */
			fmt_putc(&o, '%');
			fmt_putc(&o, *fmt);
			break;
		}
		fmt++;
	}
	if (o.size > 0)
		o.buf[o.pos < o.size ? o.pos : o.size - 1] = '\0';
	return o.pos > 0x7fffffff ? 0x7fffffff : (int)o.pos;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
