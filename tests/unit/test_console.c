/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the console multiplexer (src/core/console.c).
 *
 * console.c is not in the unit-test link (fake_arch.c provides its own
 * console_vm_putc for the device tests), so it is compiled into this test
 * directly, its public functions and the core callbacks renamed so nothing
 * clashes with whatever fake_arch.c defines. TESSERA_CONSOLE_UNIT makes it
 * write to con_out below instead of the physical UART.
 */
#define TESSERA_CONSOLE_UNIT
#define console_init	  ut_console_init
#define console_vm_putc	  ut_console_vm_putc
#define console_vm_flush  ut_console_vm_flush
#define console_log	  ut_console_log
#define console_input	  ut_console_input
#define console_set_focus ut_console_set_focus
#define console_vm_name	  ut_console_vm_name
#define console_vm_count  ut_console_vm_count
#define console_vm_rx	  ut_console_vm_rx
#define console_vm_state  ut_console_vm_state
#define console_ring_read ut_console_ring_read
#include "../../src/core/console.c"

#include <string.h>

#include "check.h"

static char con_out[16384];
static size_t con_out_len;

static void console_hw_write(const char *s, size_t n)
{
	/* Every write must happen with the console lock held. */
	CHECK(con_lock.next != con_lock.owner);
	for (size_t i = 0; i < n && con_out_len < sizeof(con_out) - 1; i++) {
		con_out[con_out_len++] = s[i];
	}
	con_out[con_out_len] = '\0';
}

/* The VM that receives input: console.c's own state (the product has no getter). */
static u32 focus(void)
{
	return __atomic_load_n(&con_focus, __ATOMIC_RELAXED);
}

static const char *vm_names[CONFIG_MAX_VMS] = {"alpha", "beta", "gamma"};
static u32 vm_total = 3;
static u32 rx_vm[64];
static u8 rx_c[64];
static u32 rx_n;

const char *console_vm_name(u32 vm_id)
{
	CHECK(vm_id < CONFIG_MAX_VMS);
	return vm_id < CONFIG_MAX_VMS ? vm_names[vm_id] : "?";
}

u32 console_vm_count(void)
{
	return vm_total;
}

static const char *vm_state[CONFIG_MAX_VMS];

const char *console_vm_state(u32 vm_id)
{
	CHECK(vm_id < CONFIG_MAX_VMS);
	return vm_id < CONFIG_MAX_VMS && vm_state[vm_id] ? vm_state[vm_id] : "running";
}

enum console_rx console_vm_rx(u32 vm_id, u8 c)
{
	/* Delivered without the console lock: the VM's UART may print from here. */
	CHECK(con_lock.next == con_lock.owner);
	if (vm_id < CONFIG_MAX_VMS && vm_state[vm_id] && strcmp(vm_state[vm_id], "running") != 0 &&
	    strcmp(vm_state[vm_id], "paused") != 0) {
		return CONSOLE_RX_STOPPED;
	}
	if (rx_n < ARRAY_SIZE(rx_vm)) {
		rx_vm[rx_n] = vm_id;
		rx_c[rx_n] = c;
	}
	rx_n++;
	return CONSOLE_RX_OK;
}

static void setup(void)
{
	console_init();
	con_out_len = 0;
	con_out[0] = '\0';
	rx_n = 0;
	vm_total = 3;
	vm_names[0] = "alpha";
	vm_names[1] = "beta";
	vm_names[2] = "gamma";
	for (u32 i = 3; i < CONFIG_MAX_VMS; i++) {
		vm_names[i] = NULL;
	}
	for (u32 i = 0; i < CONFIG_MAX_VMS; i++) {
		vm_state[i] = NULL;
	}
}

static void vm_puts(u32 vm, const char *s)
{
	while (*s) {
		console_vm_putc(vm, *s++);
	}
}

static void input(const char *s)
{
	while (*s) {
		console_input((u8)*s++);
	}
}

/* Compares and resets the captured output. */
#define CHECK_OUT(want)                                                                \
	do {                                                                           \
		if (strcmp(con_out, want) != 0) {                                      \
			printf("  output: \"%s\"\n  wanted: \"%s\"\n", con_out, want); \
		}                                                                      \
		CHECK(strcmp(con_out, want) == 0);                                     \
		con_out_len = 0;                                                       \
		con_out[0] = '\0';                                                     \
	} while (0)

static void test_prefix_lines(void)
{
	setup();
	vm_puts(1, "hello\r\n");
	CHECK_OUT("[beta] hello\r\n");
	vm_puts(2, "no newline yet");
	CHECK_OUT(""); /* not focused: buffered */
	vm_puts(2, "\n\n");
	CHECK_OUT("[gamma] no newline yet\r\n[gamma] \r\n");
	console_vm_putc(1, '\0');
	console_vm_putc(1, 'x');
	console_vm_putc(1, '\n');
	CHECK_OUT("[beta] x\r\n");
	console_printf("two %s\nlines\n", "hyp");
	CHECK_OUT("[tessera] two hyp\r\n[tessera] lines\r\n");
	console_printf("no newline %d", 42);
	CHECK_OUT("[tessera] no newline 42\r\n");
	/* Out-of-range VM ids are ignored. */
	console_vm_putc(CONFIG_MAX_VMS, 'z');
	console_vm_putc(0xffffffffu, '\n');
	CHECK_OUT("");
	/* A VM without a name gets its number. */
	vm_total = 5;
	vm_puts(4, "anon\n");
	CHECK_OUT("[vm5] anon\r\n");
	CHECK(con_lock.next == con_lock.owner);
}

static void test_interleave(void)
{
	setup();
	vm_puts(1, "abc");
	vm_puts(2, "xyz\n");
	vm_puts(1, "def\n");
	CHECK_OUT("[gamma] xyz\r\n[beta] abcdef\r\n");
}

static void test_long_line(void)
{
	char want[600];
	int n;

	setup();
	for (u32 i = 0; i < CONSOLE_LINE_MAX + 10; i++) {
		console_vm_putc(1, (char)('a' + i % 26));
	}
	console_vm_putc(1, '\n');
	n = snprintf(want, sizeof(want), "[beta] ");
	for (u32 i = 0; i < CONSOLE_LINE_MAX; i++) {
		want[n++] = (char)('a' + i % 26);
	}
	n += snprintf(want + n, sizeof(want) - (size_t)n, "\r\n[beta] ");
	for (u32 i = CONSOLE_LINE_MAX; i < CONSOLE_LINE_MAX + 10; i++) {
		want[n++] = (char)('a' + i % 26);
	}
	snprintf(want + n, sizeof(want) - (size_t)n, "\r\n");
	CHECK_OUT(want);

	/* The focused VM is split at the same length. */
	for (u32 i = 0; i < CONSOLE_LINE_MAX + 1; i++) {
		console_vm_putc(0, 'q');
	}
	CHECK(strncmp(con_out, "[alpha] qqq", 11) == 0);
	CHECK(strstr(con_out, "q\r\n[alpha] q") != NULL);
	CHECK_EQ(con_out_len, 8 + CONSOLE_LINE_MAX + 2 + 8 + 1);
}

static void test_focused_partial(void)
{
	setup();
	/* The focused VM's prompt shows at once, prefix once per line. */
	vm_puts(0, "# ");
	CHECK_OUT("[alpha] # ");
	vm_puts(0, "l");
	CHECK_OUT("l");
	/* Another VM's line breaks in; the unfinished line is put back after it. */
	vm_puts(1, "hi\n");
	CHECK_OUT("\r\x1b[K[beta] hi\r\n[alpha] # l");
	vm_puts(0, "s\n");
	CHECK_OUT("s\r\n");
	vm_puts(0, "next\n");
	CHECK_OUT("[alpha] next\r\n");
	/* Hypervisor messages do the same. */
	vm_puts(0, "$ ");
	console_printf("note\n");
	CHECK_OUT("[alpha] $ \r\x1b[K[tessera] note\r\n[alpha] $ ");
	/* Flushing the focused VM ends its line and forgets it. */
	console_vm_flush(0);
	CHECK_OUT("\r\n");
	console_printf("x");
	CHECK_OUT("[tessera] x\r\n");
	/* Flushing another VM prints its unfinished line. */
	vm_puts(2, "partial");
	console_vm_flush(2);
	CHECK_OUT("[gamma] partial\r\n");
	console_vm_flush(2);
	console_vm_flush(CONFIG_MAX_VMS + 3);
	CHECK_OUT("");
}

static void test_input_routing(void)
{
	setup();
	CHECK_EQ(focus(), 0);
	input("ab");
	CHECK_EQ(rx_n, 2);
	CHECK_EQ(rx_vm[0], 0);
	CHECK_EQ(rx_c[1], 'b');
	CHECK_OUT("");

	/* Ctrl-T 2: focus beta, whose buffered prompt appears. */
	vm_puts(1, "beta# ");
	CHECK_OUT("");
	input("\x14"
	      "2");
	CHECK_EQ(focus(), 1);
	CHECK_OUT("[tessera] console -> beta\r\n[beta] beta# ");
	input("z");
	CHECK_EQ(rx_n, 3);
	CHECK_EQ(rx_vm[2], 1);
	CHECK_EQ(rx_c[2], 'z');
	/* Output of the old focus is buffered again. */
	vm_puts(0, "alpha line");
	CHECK_OUT("");
	vm_puts(0, "\n");
	CHECK_OUT("\r\x1b[K[alpha] alpha line\r\n[beta] beta# ");

	/* Out-of-range digit: refused, focus kept, nothing sent. */
	input("\x14"
	      "9");
	CHECK_EQ(focus(), 1);
	CHECK(strstr(con_out, "[tessera] console: no VM 9") != NULL);
	con_out_len = 0;
	input("\x14"
	      "4");
	CHECK_EQ(focus(), 1);
	con_out_len = 0;
	CHECK_EQ(rx_n, 3);

	/* Ctrl-T Ctrl-T: one literal Ctrl-T for the focused VM. */
	input("\x14\x14");
	CHECK_EQ(rx_n, 4);
	CHECK_EQ(rx_vm[3], 1);
	CHECK_EQ(rx_c[3], 0x14);
	CHECK_EQ(focus(), 1);

	/* n cycles through the VMs. */
	con_out_len = 0;
	con_out[0] = '\0';
	input("\x14n");
	CHECK_EQ(focus(), 2);
	input("\x14n");
	CHECK_EQ(focus(), 0);
	CHECK(strstr(con_out, "[tessera] console -> gamma\r\n") != NULL);
	CHECK(strstr(con_out, "[tessera] console -> alpha\r\n") != NULL);
	con_out_len = 0;
	con_out[0] = '\0';

	/* l lists with the focus marked; h helps; others are refused. */
	input("\x14l");
	CHECK_OUT("[tessera] console: 1:alpha* 2:beta 3:gamma\r\n");
	input("\x14h");
	CHECK(strncmp(con_out, "[tessera] console: Ctrl-T then 1-9", 34) == 0);
	con_out_len = 0;
	input("\x14x");
	CHECK(strstr(con_out, "unknown command") != NULL);
	con_out_len = 0;
	CHECK_EQ(rx_n, 4); /* none of the command bytes went to a VM */
	input("\x14"
	      "1");
	CHECK_EQ(focus(), 0);
	CHECK(con_lock.next == con_lock.owner);
}

static void test_no_vms(void)
{
	setup();
	vm_total = 0;
	input("abc\x14n\x14"
	      "1\x14l");
	CHECK_EQ(rx_n, 0);
	CHECK_EQ(focus(), 0);
	CHECK_OUT("[tessera] console: no VM 1 (Ctrl-T l lists them)\r\n[tessera] console:\r\n");
	/* More VMs reported than the console has room for: capped, no overflow. */
	vm_total = 1000;
	input("\x14l");
	CHECK(strstr(con_out, " 8:vm8") != NULL);
	CHECK(strstr(con_out, " 9:") == NULL);
	con_out_len = 0;
	input("\x14"
	      "8");
	CHECK_EQ(focus(), 7);
}

static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
		n++;
	}
	return n;
}

/* Typing to a VM that is not running: said once, again only after the focus moved or the
 * VM took input again; Ctrl-T l shows the state of VMs that are not running. */
static void test_stopped_vm_input(void)
{
	setup();
	vm_state[0] = "stopped";
	input("hello");
	CHECK_EQ(rx_n, 0);
	CHECK_OUT("[tessera] console: 'alpha' is stopped: input dropped (Ctrl-T l lists VMs)\r\n");
	input("more");
	CHECK_OUT("");
	input("\x14l");
	CHECK_OUT("[tessera] console: 1:alpha*(stopped) 2:beta 3:gamma\r\n");
	vm_state[2] = "paused";
	input("\x14l");
	CHECK_OUT("[tessera] console: 1:alpha*(stopped) 2:beta 3:gamma(paused)\r\n");
	input("\x14"
	      "2x\x14"
	      "1y");
	CHECK_EQ(rx_n, 1); /* x to beta */
	CHECK(count_of(con_out, "is stopped") == 1);
	con_out_len = 0;
	vm_state[0] = NULL; /* restarted: takes input, and would be told again later */
	input("z");
	CHECK_EQ(rx_n, 2);
	vm_state[0] = "resetting";
	input("w");
	CHECK(count_of(con_out, "'alpha' is resetting: input dropped") == 1);
	CHECK(con_lock.next == con_lock.owner);
}

/* The redraw of the focused VM's unfinished line leaves its escape sequences out: busybox's
 * prompt asks for the cursor position (ESC[6n), and each repeat would make the terminal type
 * its answer into the VM. Sequences still reach the wire once, as sent. */
static void test_redraw_no_escapes(void)
{
	setup();
	vm_puts(0, "\x1b[6n\x1b[1;32mroot# \x1b[0m\x1b(B");
	CHECK_OUT("[alpha] \x1b[6n\x1b[1;32mroot# \x1b[0m\x1b(B");
	vm_puts(1, "tick\n");
	CHECK_OUT("\r\x1b[K[beta] tick\r\n[alpha] root# ");
	vm_puts(1, "tick\n");
	console_printf("msg");
	CHECK(count_of(con_out, "\x1b") == count_of(con_out, "\r\x1b[K"));
	CHECK(count_of(con_out, "[alpha] root# ") == 2);
	con_out_len = 0;
	/* A complete line of another VM keeps its colours: it is printed once. */
	vm_puts(2, "\x1b[31mred\x1b[0m\n");
	CHECK_OUT("\r\x1b[K[gamma] \x1b[31mred\x1b[0m\r\n[alpha] root# ");
	/* An unfinished sequence at the end of the buffer is not redrawn either. */
	vm_puts(0, "\x1b[12");
	con_out_len = 0;
	vm_puts(1, "t\n");
	CHECK_OUT("\r\x1b[K[beta] t\r\n[alpha] root# ");
}

/* Every byte a VM sends is kept in its ring, unchanged; the UART output is not affected. */
static void test_ring_history(void)
{
	u8 buf[CONSOLE_RING_SIZE];
	u64 from = 0, end, dropped;
	u32 n;

	setup();
	vm_puts(1, "one\r\n");
	console_vm_putc(1, '\0');
	vm_puts(0, "\x1b[1mx");
	CHECK_OUT("[beta] one\r\n[alpha] \x1b[1mx");
	n = console_ring_read(1, &from, buf, sizeof(buf), &end, &dropped);
	CHECK_EQ(n, 6);
	CHECK(memcmp(buf, "one\r\n\0", 6) == 0);
	CHECK_EQ(from, 0);
	CHECK_EQ(end, 6);
	CHECK_EQ(dropped, 0);
	from = 4;
	n = console_ring_read(1, &from, buf, 1, &end, &dropped);
	CHECK_EQ(n, 1);
	CHECK_EQ(buf[0], '\n');
	from = 0;
	n = console_ring_read(0, &from, buf, sizeof(buf), &end, &dropped);
	CHECK_EQ(n, 5);
	CHECK(memcmp(buf, "\x1b[1mx", 5) == 0);
	/* Unknown VMs read as empty. */
	from = 0;
	CHECK_EQ(console_ring_read(CONFIG_MAX_VMS, &from, buf, sizeof(buf), &end, &dropped), 0);
	CHECK_EQ(end, 0);
}

/* A full ring drops its oldest bytes: a reader behind is moved to the oldest kept. */
static void test_ring_drops_oldest(void)
{
	u8 buf[CONSOLE_RING_SIZE];
	u64 from = 0, end, dropped;
	u32 n;

	setup();
	for (u32 i = 0; i < 3 * CONSOLE_RING_SIZE + 5; i++) {
		console_vm_putc(2, (char)('0' + i % 10));
	}
	n = console_ring_read(2, &from, buf, sizeof(buf), &end, &dropped);
	CHECK_EQ(n, CONSOLE_RING_SIZE);
	CHECK_EQ(end, 3 * CONSOLE_RING_SIZE + 5);
	CHECK_EQ(dropped, 2 * CONSOLE_RING_SIZE + 5);
	CHECK_EQ(from, dropped);
	CHECK_EQ(buf[0], (u8)('0' + dropped % 10));
	CHECK_EQ(buf[n - 1], (u8)('0' + (end - 1) % 10));
	from = end + 7; /* beyond the newest: from the oldest kept */
	CHECK_EQ(console_ring_read(2, &from, buf, 3, &end, &dropped), 3);
	CHECK_EQ(from, dropped);
}

/* Hypervisor messages go to the log line by line, and to the UART at the UART's level. */
static void test_log_levels(void)
{
	struct hyplog_entry e;
	u64 seq = 0, next, dropped;

	setup();
	hyplog_reset();
	console_printf("one\ntwo\n");
	console_log(LOG_WARN, "careful");
	CHECK_OUT("[tessera] one\r\n[tessera] two\r\n[tessera] careful\r\n");
	hyplog_set_uart_level(LOG_WARN);
	console_printf("quiet");
	console_log(LOG_ERROR, "loud");
	console_log(LOG_WARN, "warned");
	CHECK_OUT("[tessera] loud\r\n[tessera] warned\r\n");
	hyplog_set_uart_level(LOG_ERROR);
	console_log(LOG_WARN, "hidden");
	CHECK_OUT("");
	/* Everything is in the log, in order, with its level. */
	const char *want[] = {"one", "two", "careful", "quiet", "loud", "warned", "hidden"};
	const u8 lvl[] = {LOG_INFO, LOG_INFO, LOG_WARN, LOG_INFO, LOG_ERROR, LOG_WARN, LOG_WARN};
	for (u32 i = 0; i < ARRAY_SIZE(want); i++) {
		seq = i;
		CHECK(hyplog_read(&seq, &e, &next, &dropped));
		CHECK_EQ(e.seq, i);
		CHECK(strcmp(e.text, want[i]) == 0);
		CHECK_EQ(e.level, lvl[i]);
	}
	seq = 7;
	CHECK(!hyplog_read(&seq, &e, &next, &dropped));
	CHECK_EQ(next, 7);
	CHECK_EQ(dropped, 0);
	hyplog_reset();
}

/* A bounded ring: the oldest lines are dropped and counted; text is cut and made printable. */
static void test_log_ring(void)
{
	struct hyplog_entry e;
	char big[300];
	u64 seq = 0, next, dropped;

	hyplog_reset();
	for (u32 i = 0; i < HYPLOG_ENTRIES + 10; i++) {
		char t[16];

		fmt_snprintf(t, sizeof(t), "line %u", i);
		hyplog_add(LOG_INFO, t, strlen(t));
	}
	CHECK(hyplog_read(&seq, &e, &next, &dropped));
	CHECK_EQ(seq, 10);
	CHECK_EQ(dropped, 10);
	CHECK_EQ(next, HYPLOG_ENTRIES + 10);
	CHECK(strcmp(e.text, "line 10") == 0);
	seq = next + 5; /* beyond the newest: the oldest again */
	CHECK(hyplog_read(&seq, &e, &next, &dropped));
	CHECK_EQ(seq, 10);
	memset(big, 'x', sizeof(big));
	big[0] = '\x1b';
	big[1] = '\0';
	hyplog_add(LOG_LEVELS + 3, big, sizeof(big));
	seq = next;
	CHECK(hyplog_read(&seq, &e, &next, &dropped));
	CHECK_EQ(strlen(e.text), HYPLOG_TEXT_MAX);
	CHECK(e.text[0] == '?' && e.text[1] == '?' && e.text[2] == 'x');
	CHECK_EQ(e.level, LOG_INFO); /* an unknown level is logged as info */
	CHECK(strcmp(hyplog_level_name(LOG_WARN), "warn") == 0);
	CHECK(strcmp(hyplog_level_name(99), "?") == 0);
	hyplog_reset();
}

int main(void)
{
	RUN(test_stopped_vm_input);
	RUN(test_ring_history);
	RUN(test_ring_drops_oldest);
	RUN(test_log_levels);
	RUN(test_log_ring);
	RUN(test_redraw_no_escapes);
	RUN(test_prefix_lines);
	RUN(test_interleave);
	RUN(test_long_line);
	RUN(test_focused_partial);
	RUN(test_input_routing);
	RUN(test_no_vms);
	CHECK_MAIN_END();
}
