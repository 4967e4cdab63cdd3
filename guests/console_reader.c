/* SPDX-License-Identifier: MIT */
/*
 * console_reader: reads its UART slowly, to show that console input reaches a VM as fast as
 * it takes it and no faster (tests/system/console_paste.sh). It polls UARTDR, at most one
 * byte every "delay=<us>" microseconds of virtual time (default 100), and for each line:
 *   "END"   prints "TEST console_reader: lines=<n> bytes=<b> sum=<s>" for the lines before
 *           it (bytes includes their '\n'; sum is the 32-bit sum of those bytes) and starts
 *           counting again;
 *   "PING"  prints "TEST console_reader: pong";
 *   "QUIT"  stops (DONE, exit status 0);
 * anything else is counted. Prints "TEST console_reader: ready" first.
 */
#include "kit.h"

#define LINE_MAX 128

static u32 lines, bytes, sum;
static char line[LINE_MAX];
static u32 len;

static bool line_is(const char *word)
{
	u32 n = 0;

	while (word[n] != '\0') {
		n++;
	}
	if (len != n) {
		return false;
	}
	for (u32 i = 0; i < n; i++) {
		if (line[i] != word[i]) {
			return false;
		}
	}
	return true;
}

/* A complete line (without its '\n'); false to stop. */
static bool on_line(void)
{
	if (line_is("END")) {
		test_fact("lines=%u bytes=%u sum=%u", lines, bytes, sum);
		lines = bytes = sum = 0;
	} else if (line_is("PING")) {
		test_fact("pong");
	} else if (line_is("QUIT")) {
		return false;
	}
	return true;
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)dtb);
	u64 delay = kit_arg_u64(args, "delay", 100) * timer_freq() / 1000000;
	u32 line_bytes = 0, line_sum = 0;

	test_begin("console_reader");
	test_fact("ready");
	for (;;) {
		u64 until = timer_now() + delay;
		int c = uart_getc();

		if (c >= 0) {
			line_bytes++;
			line_sum += (u8)c;
			if (c == '\n') {
				if (!on_line()) {
					break;
				}
				if (!line_is("END") && !line_is("PING")) {
					lines++;
					bytes += line_bytes;
					sum += line_sum;
				}
				len = 0;
				line_bytes = 0;
				line_sum = 0;
			} else if (len < LINE_MAX) {
				line[len++] = (char)c;
			}
		}
		while (timer_now() < until) {
		}
	}
	test_fact("quit");
	test_done();
}
