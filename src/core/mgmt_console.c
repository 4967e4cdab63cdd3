/* SPDX-License-Identifier: MIT */
/*
 * The management channel's console and log commands (docs/MANAGEMENT.md):
 *   console-read NAME FROM   a VM's output history from byte FROM, hex-encoded
 *   console-write NAME HEX   bytes for the VM's UART, as typed on the console
 *   log [FROM]               the hypervisor's log from line FROM (default 0: the oldest)
 * Every read is bounded per request (MGMT_CON_READ_MAX bytes, MGMT_LOG_READ_MAX lines):
 * a client asks again from the position it was given. Nothing is remembered between
 * requests, so any number of clients can read the same VM, each at its own position.
 * Input takes the physical console's path (console_vm_rx: inside the lifecycle protocol).
 */
#include "arch.h"
#include "console.h"
#include "hyplog.h"
#include "lib.h"
#include "mgmt_int.h"

#define MGMT_CON_READ_MAX  1024 /* output bytes per console-read */
#define MGMT_CON_LINE	   80	/* output bytes per "con" line (160 hex digits) */
#define MGMT_CON_WRITE_MAX 48	/* input bytes per console-write (96 hex digits) */
#define MGMT_LOG_READ_MAX  16	/* log lines per request */

bool mgmt_parse_u64(const char *s, u64 *v)
{
	u64 x = 0;
	size_t n = 0;

	for (; s[n] >= '0' && s[n] <= '9'; n++) {
		u64 d = (u64)(s[n] - '0');

		if (x > (~0ULL - d) / 10) {
			return false;
		}
		x = x * 10 + d;
	}
	if (n == 0 || n > 20 || s[n] != '\0') {
		return false;
	}
	*v = x;
	return true;
}

static const char hex_digits[] = "0123456789abcdef";

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	c |= 0x20; /* lower case */
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "con NAME at=P hex=.." lines, then "ok next=N end=E dropped=D lost=L". */
void mgmt_console_read(struct mgmt_out *o, struct vm *vm, const char *from_arg)
{
	u64 from, next, end = 0, dropped = 0, lost = 0;
	u32 total = 0;

	if (!mgmt_parse_u64(from_arg, &from)) {
		mgmt_err(o, "bad-args", "FROM: a decimal position");
		return;
	}
	next = from;
	while (total < MGMT_CON_READ_MAX) {
		u8 buf[MGMT_CON_LINE];
		char hex[2 * MGMT_CON_LINE + 1];
		u64 at = next;
		u32 n = console_ring_read(vm->id, &at, buf,
					  MIN((u32)MGMT_CON_LINE, MGMT_CON_READ_MAX - total), &end,
					  &dropped);

		/* Moved forward: bytes dropped before this client read them. Backward: a FROM
		 * past the end (an earlier boot's position), read from the oldest again. */
		lost += at > next ? at - next : 0;
		next = at + n;
		if (n == 0) {
			break;
		}
		for (u32 i = 0; i < n; i++) {
			hex[2 * i] = hex_digits[buf[i] >> 4];
			hex[2 * i + 1] = hex_digits[buf[i] & 15];
		}
		hex[2 * n] = '\0';
		mgmt_line(o, "con %s at=%llu hex=%s", vm->cfg->name, (unsigned long long)at, hex);
		total += n;
	}
	mgmt_line(o, "ok next=%llu end=%llu dropped=%llu lost=%llu", (unsigned long long)next,
		  (unsigned long long)end, (unsigned long long)dropped, (unsigned long long)lost);
}

void mgmt_console_write(struct mgmt_out *o, struct vm *vm, const char *hex)
{
	size_t len = strlen(hex);
	u32 taken = 0, dropped = 0;

	for (size_t i = 0; i < len; i++) {
		len = hex_value(hex[i]) < 0 ? 0 : len;
	}
	if (len == 0 || len % 2 != 0 || len > 2 * MGMT_CON_WRITE_MAX) {
		mgmt_err(o, "bad-args", "HEX: 2 to %u hex digits in pairs", 2 * MGMT_CON_WRITE_MAX);
		return;
	}
	for (size_t i = 0; i < len; i += 2) {
		u8 c = (u8)(hex_value(hex[i]) << 4 | hex_value(hex[i + 1]));
		enum console_rx r = console_vm_rx(vm->id, c);

		if (r == CONSOLE_RX_STOPPED) {
			mgmt_err(o, "wrong-state", "VM %s is %s: input dropped", vm->cfg->name,
				 console_vm_state(vm->id));
			return;
		}
		taken += r == CONSOLE_RX_OK;
		dropped += r == CONSOLE_RX_DROPPED;
	}
	mgmt_line(o, "ok wrote=%u dropped=%u", taken, dropped);
}

static u64 ticks_to_us(u64 t)
{
	u64 f = arch_counter_freq();

	return f ? t / f * 1000000 + t % f * 1000000 / f : 0;
}

/* "log SEQ level=L time_us=T text=..." lines (text runs to the end of the line), then
 * "ok next=N end=E dropped=D lost=L" (as console-read). */
void mgmt_log(struct mgmt_out *o, char **argv)
{
	u64 seq = 0, next = 0, dropped = 0, lost = 0;
	struct hyplog_entry e;

	if (argv[1] && !mgmt_parse_u64(argv[1], &seq)) {
		mgmt_err(o, "bad-args", "FROM: a decimal position");
		return;
	}
	for (u32 n = 0; n < MGMT_LOG_READ_MAX; n++) {
		u64 at = seq;

		bool ok = hyplog_read(&at, &e, &next, &dropped);

		lost += at > seq ? at - seq : 0;
		if (!ok) {
			seq = at;
			break;
		}
		mgmt_line(o, "log %llu level=%s time_us=%llu text=%s", (unsigned long long)e.seq,
			  hyplog_level_name(e.level), (unsigned long long)ticks_to_us(e.time),
			  e.text);
		seq = at + 1;
	}
	mgmt_line(o, "ok next=%llu end=%llu dropped=%llu lost=%llu", (unsigned long long)seq,
		  (unsigned long long)next, (unsigned long long)dropped, (unsigned long long)lost);
}
