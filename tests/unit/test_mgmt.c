/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the management protocol (src/core/mgmt.c): framing (line
 * limits, garbage, Ctrl-U, split input), every command with its output and
 * errors, and the channel glue (which virtio console it picks, its interrupt).
 * The commands act on a system the real core booted on the fake machine
 * (fixture.h): alpha (vCPUs on CPUs 0 and 1, watchdog 1 s) and beta (CPU 2); the
 * requests come from CPU 3.
 */
#include <string.h>

#include "check.h"
#include "console.h"
#include "fake_arch.h"
#include "fixture.h"
#include "hyplog.h"
#include "lib.h"
#include "mgmt.h"
#include "sched_loop.h"
#include "trace.h"
#include "vlink.h"
#include "../../src/vdev/vlink_int.h"
#include "vgic/vgic.h" /* the test looks into the arch's vGIC */

static char out[8192];
static size_t out_len;
static u32 out_calls;

static void collect(void *ctx, const char *s, size_t n)
{
	CHECK(ctx == (void *)out);
	CHECK(n > 0 && s[n - 1] == '\n'); /* whole lines only */
	for (size_t i = 0; i < n && out_len < sizeof(out) - 1; i++) {
		out[out_len++] = s[i];
	}
	out[out_len] = '\0';
	out_calls++;
}

static struct mgmt_parser P;

static void feed_n(const void *data, size_t n)
{
	mgmt_feed(&P, data, n, collect, out);
}

static void feed(const char *s)
{
	feed_n(s, strlen(s));
}

static const struct fx_vm sys[2] = {
    {.name = "alpha", .cpu_count = 2, .first_cpu = 0, .watchdog_ms = 1000},
    {.name = "beta", .cpu_count = 1, .first_cpu = 2},
};

static void reset(void)
{
	CHECK_EQ(fx_boot(sys, 2, NULL, 0), 0);
	fake_cpu = 3;
	vms[0].started_at = fake_m.now - 2 * FAKE_COUNTER_HZ; /* up 2 s */
	fake_uart_clear();
	mgmt_parser_reset(&P);
	out_len = 0;
	out[0] = '\0';
	out_calls = 0;
}

/* Feeds s and checks the whole response. */
#define EXPECT(req, resp)                                                                  \
	do {                                                                               \
		out_len = 0;                                                               \
		out[0] = '\0';                                                             \
		feed(req);                                                                 \
		if (strcmp(out, resp) != 0) {                                              \
			printf("  request %s\n  got:  %s\n  want: %s\n", #req, out, resp); \
		}                                                                          \
		CHECK(strcmp(out, resp) == 0);                                             \
	} while (0)

static void test_hello_help(void)
{
	reset();
	EXPECT("hello\n", "ok tessera-mgmt 2\n");
	EXPECT("hello sync-42\n", "ok tessera-mgmt 2 sync-42\n");
	EXPECT("hello 1 2\n", "err bad-args usage: hello [TOKEN]\n");
	EXPECT("help\n", "ok commands: hello help list stats measurements confirm start stop "
			 "restart pause resume console[-read|-write] log gdb trace "
			 "snapshot-begin|read|end restore-begin|data|end clone checkpoint "
			 "rollback update-begin|data|commit|confirm|status (MANAGEMENT.md)\n");
	CHECK(strlen("ok commands: hello help list stats measurements confirm start stop "
		     "restart pause resume console[-read|-write] log gdb trace "
		     "snapshot-begin|read|end restore-begin|data|end clone checkpoint rollback "
		     "update-begin|data|commit|confirm|status (MANAGEMENT.md)\n") <= MGMT_OUT_MAX);
	/* The unit build boots with no measure_boot: the log is off and says so. */
	EXPECT("measurements\n", "err off measured boot is off (hypervisor built without "
				 "TRUSTED_KEYS or MEASURED_BOOT=1)\n");
	EXPECT("confirm\n", "err not-verified the running system image was not verified "
			    "(hypervisor built without TRUSTED_KEYS): nothing to confirm\n");
	EXPECT("help me\n", "err bad-args help takes no arguments\n");
	CHECK_EQ(P.requests, 7);
	CHECK_EQ(P.errors, 4);
}

/* /management allow = "read": what the channel may not do is refused by name, changing
 * nothing; hello and help always work. */
static void test_denied(void)
{
	reset();
	system_config.mgmt_deny = MGMT_CLASS_ALL & ~MGMT_CLASS_READ;
	EXPECT("stop beta\n",
	       "err denied \"stop\" is not allowed on this channel (config /management allow)\n");
	CHECK_EQ(vms[1].state, VM_RUNNING);
	EXPECT("console-write beta 41\n", "err denied \"console-write\" is not allowed on this "
					  "channel (config /management allow)\n");
	EXPECT("snapshot-begin beta\n", "err denied \"snapshot-begin\" is not allowed on this "
					"channel (config /management allow)\n");
	EXPECT("gdb beta attach\n",
	       "err denied \"gdb\" is not allowed on this channel (config /management allow)\n");
	EXPECT("trace start\n",
	       "err denied \"trace\" is not allowed on this channel (config /management allow)\n");
	EXPECT(
	    "confirm\n",
	    "err denied \"confirm\" is not allowed on this channel (config /management allow)\n");
	EXPECT("hello\n", "ok tessera-mgmt 2\n");
	out_len = 0;
	feed("list\n");
	CHECK(strncmp(out, "vm alpha ", 9) == 0 && strstr(out, "\nok ") != NULL);
	/* Lifecycle allowed as well: stop works again. */
	system_config.mgmt_deny = MGMT_CLASS_ALL & ~(MGMT_CLASS_READ | MGMT_CLASS_LIFECYCLE);
	EXPECT("stop beta\n", "ok stopped beta\n");
	system_config.mgmt_deny = 0;
}

static void test_list(void)
{
	reset();
	/* Traps: every class but SError and vectors.S's queries. */
	vms[0].vcpus[0].exits[VEXIT_TESSERA_CALL] = 4;
	vms[0].vcpus[0].exits[VEXIT_MMIO_UART] = 6;
	vms[0].vcpus[0].exits[VEXIT_SERROR] = 100;
	vms[0].vcpus[0].exits[VEXIT_Q_PSCI] = 100;
	vms[0].vcpus[1].exits[VEXIT_SYSREG] = 5;
	vms[0].vcpus[0].irq_count = 7;
	vms[0].stats.aborts = 3;
	vms[0].stats.resets = 4;
	vms[0].restarts = 2;
	vms[1].state = VM_STOPPED;
	vms[1].stop_cause = STOP_ABORTS;
	vms[1].exit_reason = 2;
	vms[1].exit_code = 9;
	vms[1].uart.rx_dropped = 77; /* console input the VM could not take */
	EXPECT("list\n",
	       "vm alpha id=0 state=running cpus=0,1 mem_mib=2 uptime_ms=2000 restarts=2 "
	       "resets=4 stop=- exit=0/0 traps=15 irqs=7 aborts=3 console_dropped=0\n"
	       "vm beta id=1 state=stopped cpus=2 mem_mib=2 uptime_ms=0 restarts=0 resets=0 "
	       "stop=abort-storm exit=2/9 traps=0 irqs=0 aborts=0 console_dropped=77\n"
	       "ok 2 vms uptime_ms=10000\n");
	EXPECT("list all\n", "err bad-args list takes no arguments\n");
	vms[0].state = VM_PAUSED;
	feed("list\n");
	CHECK(strstr(out, "vm alpha id=0 state=paused ") != NULL);
}

static void test_stats(void)
{
	reset();
	cpus[0].irq_count = 11;
	cpus[3].irq_count = 4;
	out_len = 0;
	feed("stats\n");
	CHECK(strncmp(out,
		      "cpu 0 irqs=11 vm=alpha vcpu=0\n"
		      "cpu 1 irqs=0 vm=alpha vcpu=1\n"
		      "cpu 2 irqs=0 vm=beta vcpu=0\n"
		      "cpu 3 irqs=4 vm=- vcpu=-\n"
		      "exits alpha.0 cpu=0 ",
		      strlen("cpu 0 irqs=11 vm=alpha vcpu=0\ncpu 1 irqs=0 vm=alpha vcpu=1\n"
			     "cpu 2 irqs=0 vm=beta vcpu=0\ncpu 3 irqs=4 vm=- vcpu=-\n"
			     "exits alpha.0 cpu=0 ")) == 0);
	CHECK(strstr(out, "\nok uptime_ms=10000 free_pages=") != NULL);
	EXPECT("stats now\n", "err bad-args stats takes no arguments\n");
}

static void test_stats_ok_line(void)
{
	char *ok;

	reset();
	vms[1].state = VM_STOPPED;
	feed("bogus\n");
	out_len = 0;
	feed("stats\n");
	ok = strstr(out, "ok uptime_ms=10000 free_pages=");
	CHECK(ok != NULL);
	CHECK(ok && strstr(ok, " vms=2 running=1 requests=2 errors=1 dropped=0\n") != NULL);
}

static void test_pause_resume(void)
{
	reset();
	fake_m.now += 5 * FAKE_COUNTER_HZ; /* 5 s later (the timers are not fired) */
	EXPECT("pause alpha\n", "ok paused alpha\n");
	CHECK_EQ(vms[0].state, VM_PAUSED);
	EXPECT("pause alpha\n", "err wrong-state VM alpha is paused (pause needs a running VM)\n");
	EXPECT("resume beta\n", "err wrong-state VM beta is running (resume needs a paused VM)\n");
	EXPECT("resume alpha\n", "ok resumed alpha\n");
	CHECK_EQ(vms[0].state, VM_RUNNING);
	/* Its CPU went back into the guest where it left off: woken by the resume, then kicked
	 * once more by the watchdog's re-arm request (each kick: an exit and a re-entry). */
	CHECK_EQ(fake_m.enters[0], 3);
	CHECK_EQ(fake_kicks_to(0), 3); /* and once by the pause, to leave the guest */
	CHECK_EQ(fake_m.starts[0], 1);
	/* A pause is not a hang: the watchdog period starts again, and is re-armed on its
	 * home CPU. */
	CHECK_EQ(vms[0].last_heartbeat, fake_m.now);
	CHECK_EQ(fake_m.timer[0], fake_m.now + 1000 * FAKE_MS);
	CHECK_EQ(vms[1].state, VM_RUNNING);
}

static void test_stop_start(void)
{
	reset();
	EXPECT("stop beta\n", "ok stopped beta\n");
	CHECK_EQ(vms[1].state, VM_STOPPED);
	CHECK_EQ(vms[1].stop_cause, STOP_MANAGEMENT);
	EXPECT("stop beta\n",
	       "err wrong-state VM beta is stopped (stop needs a running or paused VM)\n");
	EXPECT("start alpha\n", "err wrong-state VM alpha is running (start needs a stopped VM)\n");
	EXPECT("start beta\n", "ok started beta\n");
	CHECK_EQ(vms[1].state, VM_RUNNING);
	/* A paused VM can be stopped (it is resumed first, vm_stop parks it at once). */
	feed("pause beta\n");
	EXPECT("stop beta\n", "ok stopped beta\n");
	CHECK_EQ(vms[1].state, VM_STOPPED);
	CHECK_EQ(vms[1].stats.resets, 1); /* the start before */
	/* Stopped during a restart back-off: stop cancels the pending restart. */
	vms[1].restart_at = 12345;
	EXPECT("stop beta\n", "ok stopped beta (pending restart cancelled)\n");
	CHECK_EQ(vms[1].restart_at, 0);
	vms[1].restart_at = 999;
	EXPECT("start beta\n", "ok started beta\n");
	CHECK_EQ(vms[1].restart_at, 0);
	/* A VM in the middle of a reset is in no state to take commands. */
	vms[1].state = VM_RESETTING;
	EXPECT("stop beta\n",
	       "err wrong-state VM beta is resetting (stop needs a running or paused VM)\n");
	EXPECT("start beta\n", "err wrong-state VM beta is resetting (start needs a stopped VM)\n");
	EXPECT("restart beta\n", "err wrong-state VM beta is resetting\n");
}

static void test_restart(void)
{
	reset();
	EXPECT("restart alpha\n", "ok restarted alpha\n");
	CHECK_EQ(vms[0].stats.resets, 1);
	CHECK_EQ(fake_m.starts[0], 2);
	vm_stop(&vms[0], STOP_CRASH);
	EXPECT("restart alpha\n", "ok started alpha\n");
	CHECK_EQ(vms[0].state, VM_RUNNING);
	feed("pause alpha\n");
	EXPECT("restart alpha\n", "ok restarted alpha\n");
	CHECK_EQ(vms[0].state, VM_RUNNING);
	CHECK_EQ(vms[0].stats.resets, 3);
	CHECK_EQ(vms[1].stats.resets, 0);
}

static void test_console(void)
{
	reset();
	EXPECT("console beta\n", "ok console beta\n");
	CHECK(fake_uart_has("[tessera] console -> beta"));
	/* Typed input now goes to beta's UART, not alpha's. */
	console_input('q');
	CHECK_EQ(vms[1].uart.rx_count, 1);
	CHECK_EQ(vms[1].uart.rx[vms[1].uart.rx_head], 'q');
	CHECK_EQ(vms[0].uart.rx_count, 0);
	EXPECT("console\n", "err bad-args usage: console NAME\n");
}

static void put_text(u32 vm, const char *s)
{
	while (*s) {
		console_vm_putc(vm, *s++);
	}
}

static void test_console_read(void)
{
	reset();
	EXPECT("console-read alpha 0\n", "ok next=0 end=0 dropped=0 lost=0\n");
	put_text(0, "hi\r\n");
	put_text(1, "B");
	EXPECT("console-read alpha 0\n", "con alpha at=0 hex=68690d0a\n"
					 "ok next=4 end=4 dropped=0 lost=0\n");
	EXPECT("console-read alpha 2\n", "con alpha at=2 hex=0d0a\n"
					 "ok next=4 end=4 dropped=0 lost=0\n");
	EXPECT("console-read alpha 4\n", "ok next=4 end=4 dropped=0 lost=0\n");
	/* Beyond the end (a client of an earlier boot): from the oldest again. */
	EXPECT("console-read alpha 99\n", "con alpha at=0 hex=68690d0a\n"
					  "ok next=4 end=4 dropped=0 lost=0\n");
	EXPECT("console-read beta 0\n", "con beta at=0 hex=42\nok next=1 end=1 dropped=0 lost=0\n");
	EXPECT("console-read alpha 18446744073709551615\n", "con alpha at=0 hex=68690d0a\n"
							    "ok next=4 end=4 dropped=0 lost=0\n");
	EXPECT("console-read alpha 18446744073709551616\n",
	       "err bad-args FROM: a decimal position\n");
	EXPECT("console-read alpha -1\n", "err bad-args FROM: a decimal position\n");
	EXPECT("console-read alpha 1x\n", "err bad-args FROM: a decimal position\n");
	EXPECT("console-read alpha\n", "err bad-args usage: console-read NAME FROM\n");
	EXPECT("console-read alpha 1 2\n", "err bad-args usage: console-read NAME FROM\n");
	EXPECT("console-read gamma 0\n",
	       "err unknown-vm no VM named \"gamma\" (list shows them)\n");
}

/* More than the ring holds: the oldest bytes are dropped and counted; a read is bounded. */
static void test_console_read_ring(void)
{
	u32 lines = 0;

	reset();
	for (u32 i = 0; i < CONSOLE_RING_SIZE + 1000; i++) {
		console_vm_putc(1, (char)('a' + i % 26));
	}
	out_len = 0;
	feed("console-read beta 10\n");
	/* 1024 bytes in lines of 80, from the oldest kept (1000): 990 lost to this client. */
	CHECK(strncmp(out, "con beta at=1000 hex=6d6e6f", 27) == 0);
	CHECK(strstr(out, "ok next=2024 end=5096 dropped=1000 lost=990\n") != NULL);
	for (const char *c = out; *c; c++) {
		lines += *c == '\n';
	}
	CHECK_EQ(lines, 13 + 1); /* 12 lines of 80 bytes, one of 64, the final line */
	EXPECT("console-read beta 5095\n", "con beta at=5095 hex=7a\n"
					   "ok next=5096 end=5096 dropped=1000 lost=0\n");
}

static void test_console_write(void)
{
	reset();
	EXPECT("console-write alpha 50494e470a\n", "ok wrote=5 dropped=0\n");
	CHECK_EQ(vms[0].uart.rx_count + vms[0].uart.bl_count, 5);
	CHECK_EQ(vms[0].uart.rx[0], 'P');
	EXPECT("console-write beta 00FFff\n", "ok wrote=3 dropped=0\n");
	CHECK_EQ(vms[1].uart.rx[1], 0xff);
	EXPECT("console-write alpha 5\n", "err bad-args HEX: 2 to 96 hex digits in pairs\n");
	EXPECT("console-write alpha 5g\n", "err bad-args HEX: 2 to 96 hex digits in pairs\n");
	EXPECT("console-write alpha 0x41\n", "err bad-args HEX: 2 to 96 hex digits in pairs\n");
	feed("console-write alpha "
	     "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
	     "000000000000000000\n"); /* 98 digits: one byte too many */
	CHECK(strstr(out, "err bad-args HEX: 2 to 96") != NULL);
	EXPECT("console-write alpha\n", "err bad-args usage: console-write NAME HEX\n");
	vms[1].state = VM_STOPPED;
	EXPECT("console-write beta 41\n", "err wrong-state VM beta is stopped: input dropped\n");
	vms[1].state = VM_PAUSED; /* a paused VM keeps its input for when it resumes */
	EXPECT("console-write beta 41\n", "ok wrote=1 dropped=0\n");
	/* A full backlog: dropped and counted, as for the physical console. */
	vms[0].uart.rx_count = VPL011_FIFO;
	vms[0].uart.bl_count = VPL011_BACKLOG;
	EXPECT("console-write alpha 4142\n", "ok wrote=0 dropped=2\n");
	CHECK_EQ(vms[0].uart.rx_dropped, 2);
}

static void test_log(void)
{
	reset();
	hyplog_reset();
	fake_m.now = 3 * FAKE_COUNTER_HZ + FAKE_COUNTER_HZ / 1000; /* 3.001 s */
	console_printf("hello log");
	console_log(LOG_WARN, "watch out");
	EXPECT("log\n", "log 0 level=info time_us=3001000 text=hello log\n"
			"log 1 level=warn time_us=3001000 text=watch out\n"
			"ok next=2 end=2 dropped=0 lost=0\n");
	EXPECT("log 1\n", "log 1 level=warn time_us=3001000 text=watch out\n"
			  "ok next=2 end=2 dropped=0 lost=0\n");
	EXPECT("log 2\n", "ok next=2 end=2 dropped=0 lost=0\n");
	EXPECT("log x\n", "err bad-args FROM: a decimal position\n");
	EXPECT("log 1 2\n", "err bad-args usage: log [FROM]\n");
	/* At most 16 lines per request. */
	for (u32 i = 0; i < 30; i++) {
		console_printf("more %u", i);
	}
	out_len = 0;
	feed("log 0\n");
	CHECK(strstr(out, "log 15 level=info") != NULL);
	CHECK(strstr(out, "log 16 ") == NULL);
	CHECK(strstr(out, "ok next=16 end=32 dropped=0 lost=0\n") != NULL);
	hyplog_reset();
}

static void test_errors(void)
{
	reset();
	EXPECT("frob\n", "err unknown-command \"frob\" (help lists the commands)\n");
	EXPECT("LIST\n", "err unknown-command \"LIST\" (help lists the commands)\n");
	EXPECT("stop gamma\n", "err unknown-vm no VM named \"gamma\" (list shows them)\n");
	EXPECT("stop\n", "err bad-args usage: stop NAME\n");
	EXPECT("stop alpha beta\n", "err bad-args usage: stop NAME\n");
	EXPECT("stop a b c d e f g\n", "err bad-args usage: stop NAME\n");
	/* Prefixes of names are not names. */
	EXPECT("stop alph\n", "err unknown-vm no VM named \"alph\" (list shows them)\n");
	CHECK_EQ(vms[0].state, VM_RUNNING);
	CHECK_EQ(vms[1].state, VM_RUNNING);
	CHECK_EQ(fake_kick_count, 0); /* no CPU was asked to do anything */
}

static void test_framing(void)
{
	char line[300];

	reset();
	/* Blank lines: no response at all, not counted. */
	EXPECT("\n\n  \t \r\n", "");
	CHECK_EQ(P.requests, 0);
	/* Blanks around words, tabs, CRLF. */
	EXPECT("  \tstop\t beta  \r\n", "ok stopped beta\n");
	/* Split anywhere, byte by byte. */
	out_len = 0;
	for (const char *s = "start beta\n"; *s; s++) {
		feed_n(s, 1);
		CHECK(s[1] == '\0' || out_len == 0);
	}
	CHECK(strcmp(out, "ok started beta\n") == 0);
	/* A truncated command waits for its newline; Ctrl-U throws it away. */
	EXPECT("sto", "");
	EXPECT("\x15hello\n", "ok tessera-mgmt 2\n");
	EXPECT("stop beta\x15", "");
	CHECK_EQ(vms[1].state, VM_RUNNING);
	EXPECT("\n", "");
	/* Exactly MGMT_LINE_MAX bytes is fine; one more is too long. */
	memset(line, ' ', sizeof(line));
	memcpy(line, "hello", 5);
	line[MGMT_LINE_MAX] = '\n';
	line[MGMT_LINE_MAX + 1] = '\0';
	EXPECT(line, "ok tessera-mgmt 2\n");
	line[MGMT_LINE_MAX] = 'x';
	line[MGMT_LINE_MAX + 1] = '\n';
	line[MGMT_LINE_MAX + 2] = '\0';
	EXPECT(line, "err too-long request longer than 128 bytes\n");
	/* The rest of an over-long line is discarded, even a newline-free command in it. */
	memset(line, 'a', 250);
	memcpy(line + 200, "stop beta", 9);
	line[250] = '\0';
	EXPECT(line, "");
	EXPECT("\nhello\n", "err too-long request longer than 128 bytes\nok tessera-mgmt 2\n");
	CHECK_EQ(vms[1].state, VM_RUNNING);
	/* Ctrl-U also ends an over-long line without an answer. */
	memset(line, 'b', 200);
	line[200] = '\0';
	EXPECT(line, "");
	out_len = 0;
	feed("\x15list\n");
	CHECK(out_len > 0 && strstr(out, "ok 2 vms uptime_ms=10000\n") != NULL);
}

static void test_garbage(void)
{
	static const u8 nul[] = {'l', 'i', 0, 's', 't', '\n'};
	static const u8 high[] = {'s', 't', 'o', 'p', ' ', 0xc3, 0xa9, '\n'};
	static const u8 del[] = {0x7f, '\n'};
	static const u8 esc[] = {0x1b, '[', 'A', '\n'};
	static const u8 cr_mid[] = {'s', 't', '\r', 'o', 'p', '\n'};

	reset();
	out_len = 0;
	feed_n(nul, sizeof(nul));
	CHECK(strcmp(out, "err bad-args byte 0x00 at column 3 is not printable ASCII\n") == 0);
	out_len = 0;
	feed_n(high, sizeof(high));
	CHECK(strcmp(out, "err bad-args byte 0xc3 at column 6 is not printable ASCII\n") == 0);
	out_len = 0;
	feed_n(del, sizeof(del));
	CHECK(strcmp(out, "err bad-args byte 0x7f at column 1 is not printable ASCII\n") == 0);
	out_len = 0;
	feed_n(esc, sizeof(esc));
	CHECK(strcmp(out, "err bad-args byte 0x1b at column 1 is not printable ASCII\n") == 0);
	out_len = 0;
	feed_n(cr_mid, sizeof(cr_mid));
	CHECK(strcmp(out, "err bad-args byte 0x0d at column 3 is not printable ASCII\n") == 0);
	CHECK_EQ(P.errors, 5);
	CHECK_EQ(vms[1].state, VM_RUNNING);
	CHECK_EQ(fake_kick_count, 0);
	/* Still in step afterwards. */
	EXPECT("hello\n", "ok tessera-mgmt 2\n");
}

/* Every byte value in every position of a short line: one answer per line, never more. */
static void test_all_bytes(void)
{
	reset();
	for (u32 c = 0; c < 256; c++) {
		u8 req[4] = {'x', (u8)c, 'y', '\n'};

		if (c == '\n' || c == MGMT_KILL) {
			continue;
		}
		out_len = 0;
		out_calls = 0;
		feed_n(req, sizeof(req));
		CHECK_EQ(out_calls, 1);
		CHECK(strncmp(out, "err ", 4) == 0);
	}
}

static void test_channel(void)
{
	static const u8 req[] = "\x15list\nstop beta\n";

	reset();
	/* No virtio console: no channel, the machine keeps powering off when idle, and a plain
	 * run (nobody asked for a channel) says nothing about it. */
	fake_vcon.dev_count = 0;
	mgmt_init(NULL);
	CHECK(!mgmt_present());
	CHECK(!vm_stay_on);
	CHECK_EQ(fake_m.uart_len, 0);
	/* Someone attached a console, and a VM has its window: say so (the only console line). */
	reset();
	fake_vcon.dev_count = 1;
	fake_vcon.devs[0].base = 0x0a003e00;
	fake_vcon.devs[0].size = 0x200;
	fake_vcon.devs[0].intid = 79;
	fake_vcon.devs[0].edge = true;
	system_config.vms[0].dev_count = 1;
	system_config.vms[0].devs[0].base = 0x0a003000;
	system_config.vms[0].devs[0].size = 0x1000;
	mgmt_init(NULL);
	CHECK(!mgmt_present());
	CHECK_EQ(fake_vcon.started, -1);
	CHECK(strcmp(fake_m.uart, "[tessera] virtio console at 0xa003e00 is VM alpha's "
				  "(pass-through): not a management channel\r\n") == 0);
	/* The first console was given to VM beta by the config (its IRQ): the next one is ours. */
	reset();
	fake_vcon.dev_count = 2;
	fake_vcon.devs[0].base = 0x0a003e00;
	fake_vcon.devs[0].size = 0x200;
	fake_vcon.devs[0].intid = 79;
	fake_vcon.devs[0].edge = true;
	fake_vcon.devs[1].base = 0x0a003c00;
	fake_vcon.devs[1].size = 0x200;
	fake_vcon.devs[1].intid = 78;
	fake_vcon.devs[1].edge = true;
	system_config.vms[1].dev_count = 1;
	system_config.vms[1].devs[0].base = 0x0c000000;
	system_config.vms[1].devs[0].size = 0x1000;
	system_config.vms[1].devs[0].irq_count = 1;
	system_config.vms[1].devs[0].irqs[0] = 79;
	mgmt_init(NULL);
	CHECK(mgmt_present());
	CHECK_EQ(fake_vcon.started, 1);
	/* Level-sensitive although the DTB says edge: the line stays up until acknowledged,
	 * possibly from before the GIC was configured (a client that connected during boot). */
	CHECK(!fake_vcon.started_edge);
	CHECK(vm_stay_on);
	CHECK(fake_uart_has("virtio console at 0xa003e00 is VM beta's (pass-through): not a "
			    "management channel\r\n"));
	CHECK(fake_uart_has("virtio console at 0xa003c00, INTID 78"));
	/* Its interrupt runs the requests; other INTIDs do not touch it. */
	fake_vcon.rx = req;
	fake_vcon.rx_len = sizeof(req) - 1;
	mgmt_irq(79);
	CHECK_EQ(fake_vcon.tx_len, 0);
	CHECK_EQ(fake_vcon.flushes, 0);
	mgmt_irq(78);
	CHECK(strstr(fake_vcon.tx, "ok 2 vms uptime_ms=10000\nok stopped beta\n") != NULL);
	/* The gathered output is handed over once, after the batch. */
	CHECK_EQ(fake_vcon.flushes, 1);
	CHECK_EQ(vms[1].state, VM_STOPPED);
	/* The interrupt reaches it through the core's routing (sched_device_irq). */
	fake_vcon.rx = (const u8 *)"start beta\n";
	fake_vcon.rx_len = strlen("start beta\n");
	sched_device_irq(78);
	CHECK(strstr(fake_vcon.tx, "ok started beta\n") != NULL);
	CHECK_EQ(vms[1].state, VM_RUNNING);
}

static void *no_xlate(u32 vm, u64 gpa, u64 size)
{
	(void)vm;
	(void)gpa;
	(void)size;
	return NULL;
}

static void no_irq(u32 vm, u32 intid, bool level)
{
	(void)vm;
	(void)intid;
	(void)level;
}

/* stats: one "net" line per end of each virtio-net link (console links have none). */
static void test_stats_net(void)
{
	static const struct vlink_env env = {.xlate = no_xlate, .irq = no_irq};
	char *net;

	reset();
	system_config.virtio_count = 2;
	str_copy(system_config.virtio[0].name, "con0", CONFIG_NAME_MAX);
	system_config.virtio[0].type = CONFIG_VIRTIO_CONSOLE;
	str_copy(system_config.virtio[1].name, "lan", CONFIG_NAME_MAX);
	system_config.virtio[1].type = CONFIG_VIRTIO_NET;
	system_config.virtio[1].ends[0].vm = 1;
	system_config.virtio[1].ends[1].vm = 0;
	vlink_setup(&system_config, &env);
	/* Distinct counts per end (as vlink_net.c keeps them): an end's rx is its peer's tx. */
	struct vlink *l = vlink_nth(CONFIG_VIRTIO_NET, 0);
	CHECK(l != NULL);
	if (l) {
		l->end[0].u.net = (struct vnet_stats){.tx_frames = 3,
						      .tx_bytes = 180,
						      .drop_bad = 1,
						      .drop_nobuf = 2,
						      .drop_nofit = 4};
		l->end[1].u.net = (struct vnet_stats){.tx_frames = 5, .tx_bytes = 7000};
	}
	out_len = 0;
	feed("stats\n");
	net = strstr(out, "cpu 3 irqs=0 vm=- vcpu=-\n");
	CHECK(net != NULL);
	static const char want[] =
	    "net lan end=0 vm=beta rx_frames=5 rx_bytes=7000 tx_frames=3 tx_bytes=180 drop_bad=1 "
	    "drop_nobuf=2 drop_nofit=4\n"
	    "net lan end=1 vm=alpha rx_frames=3 rx_bytes=180 tx_frames=5 tx_bytes=7000 drop_bad=0 "
	    "drop_nobuf=0 drop_nofit=0\n"
	    "exits alpha.0 cpu=0 ";
	CHECK(net && strncmp(net + strlen("cpu 3 irqs=0 vm=- vcpu=-\n"), want, strlen(want)) == 0);
	memset(&system_config, 0, sizeof(system_config));
	vlink_setup(&system_config, &env);
}

/* The exit statistics lines: every class of every vCPU, as counted by its CPU. */
static void test_stats_exits(void)
{
	struct vcpu *vc;

	reset();
	vc = &vms[0].vcpus[1];
	for (u32 i = 0; i < VEXIT_COUNT; i++) {
		vc->exits[i] = 100 + i;
	}
	/* The queries vectors.S answered count with their class: 115..118. */
	vc->irq_count = 42;
	vc->irq_slow = 40;		      /* 2 timer interrupts vectors.S injected itself */
	vms[0].irqchip.cpus[1].injected = 41; /* and 41 vgic_lr.c did */
	out_len = 0;
	feed("stats\n");
	CHECK(strstr(out, "exits alpha.1 cpu=1 hvc_tessera=215 hvc_psci=217 hvc_arch=219 "
			  "hvc_other=103 smc=222 sysreg=105 wfx=106 irq=42 serror=113 other=114 "
			  "injected=43\n"
			  "aborts alpha.1 cpu=1 gicd=107 gicr=108 uart=109 virtio=110 other=111 "
			  "iabt=112\n") != NULL);
	CHECK(strstr(out, "exits alpha.0 cpu=0 hvc_tessera=0 ") != NULL);
	CHECK(strstr(out, "aborts beta.0 cpu=2 gicd=0 ") != NULL);
}

/* trace start|stop|read: the per-vCPU flags, the rings, positions, and bad arguments. */
static void test_trace(void)
{
	char want[128], *rec;
	u32 ncpu = system_platform.cpu_count;

	reset();
	EXPECT("trace\n", "err bad-args usage: trace start|stop|read CPU FROM\n");
	EXPECT("trace go\n", "err bad-args usage: trace start|stop|read CPU FROM\n");
	EXPECT("trace start now\n", "err bad-args trace start takes no arguments\n");
	EXPECT("trace read 0\n", "err bad-args usage: trace read CPU FROM (decimal numbers)\n");
	EXPECT("trace read 0 -1\n", "err bad-args usage: trace read CPU FROM (decimal numbers)\n");
	EXPECT("trace read 0 1 2\n", "err bad-args trace: too many arguments\n");
	snprintf(want, sizeof(want), "err bad-args no CPU %u (this machine has %u)\n", ncpu, ncpu);
	out_len = 0;
	feed(ncpu == 4 ? "trace read 4 0\n" : "trace read 8 0\n");
	CHECK(ncpu != 4 || strcmp(out, want) == 0);

	CHECK(!vms[0].vcpus[1].trace && !trace_active);
	out_len = 0;
	feed("trace start\n");
	CHECK(strncmp(out, "ok tracing cpus=", 16) == 0);
	CHECK(vms[0].vcpus[0].trace && vms[0].vcpus[1].trace && vms[1].vcpus[0].trace);
	fake_cpu = 1;
	trace_event(TRACE_EXIT, TRACE_EXIT_HCALL, 0, 1, 0x84000003);
	trace_event(TRACE_ENTRY, 0, 0, 1, 0);
	fake_cpu = 3;
	out_len = 0;
	feed("trace read 1 0\n");
	rec = strstr(out, "rec 1 hex=");
	CHECK(rec != NULL);
	/* time (16 hex digits), type 01 sub 00 vm 00 vcpu 01, arg; then the entry: 02. */
	CHECK(rec && strlen(rec) > 10 + 64 && strncmp(rec + 10 + 16, "0100000184000003", 16) == 0 &&
	      strncmp(rec + 10 + 48, "0200000100000000", 16) == 0);
	CHECK(strstr(out, "\nok next=2 end=2 freq=") != NULL);
	EXPECT("trace read 1 2\n", "ok next=2 end=2 freq=62500000 tracing=1\n");
	EXPECT("trace read 2 0\n", "ok next=0 end=0 freq=62500000 tracing=1\n");

	out_len = 0;
	feed("trace stop\n");
	CHECK(strncmp(out, "ok stopped", 10) == 0);
	CHECK(!vms[0].vcpus[1].trace && !trace_active);
	fake_cpu = 1;
	trace_event(TRACE_ENTRY, 0, 0, 1, 0); /* off: not recorded */
	fake_cpu = 3;
	out_len = 0;
	feed("trace read 1 0\n"); /* the stopped trace is still there to read, nothing more */
	CHECK(strstr(out, "rec 1 hex=") == out &&
	      strstr(out, "\nok next=2 end=2 freq=62500000 tracing=0\n") != NULL);

	/* A new trace does not return the old one's records; a full ring keeps the newest. */
	out_len = 0;
	feed("trace start\n");
	EXPECT("trace read 1 0\n", "ok next=2 end=2 freq=62500000 tracing=1\n");
	fake_cpu = 1;
	for (u32 i = 0; i < TRACE_RING_RECS + 5; i++) {
		trace_event(TRACE_INJECT, 0, 0, 1, i);
	}
	fake_cpu = 3;
	out_len = 0;
	feed("trace read 1 0\n");
	/* The oldest readable: head + 1 - RECS (the writer's next slot is never returned). */
	snprintf(want, sizeof(want), "\nok next=%u end=%u ", 2 + 5 + 1 + 120,
		 (unsigned)(2 + TRACE_RING_RECS + 5));
	if (!strstr(out, want)) {
		printf("  got: %s\n", out + (out_len > 200 ? out_len - 200 : 0));
	}
	CHECK(strstr(out, want) != NULL);
	EXPECT("trace stop\n", "ok stopped cpus=4\n");
}

/* The update commands' argument checks; the unit build has no trusted keys (update_init
 * never ran), so every well-formed one is refused as unsupported, changing nothing. */
static void test_update_args(void)
{
	reset();
	EXPECT("update-begin alpha\n", "err bad-args usage: update-begin NAME SIZE\n");
	EXPECT("update-begin alpha 12x\n",
	       "err bad-args usage: update-begin NAME SIZE (bytes, decimal)\n");
	EXPECT("update-data alpha 0g\n",
	       "err bad-args update-data NAME HEX: 1..56 bytes as hex digits\n");
	EXPECT("update-data alpha 012\n",
	       "err bad-args update-data NAME HEX: 1..56 bytes as hex digits\n");
	EXPECT("update-begin nobody 4096\n",
	       "err unknown-vm no VM named \"nobody\" (list shows them)\n");
	EXPECT("update-begin alpha 4096\n",
	       "err unsupported VM alpha: the hypervisor was built without TRUSTED_KEYS: no "
	       "update can be verified\n");
	EXPECT("update-commit alpha\n",
	       "err unsupported VM alpha: the hypervisor was built without TRUSTED_KEYS: no "
	       "update can be verified\n");
	EXPECT("update-status alpha extra\n", "err bad-args usage: update-status NAME\n");
	CHECK_EQ(vms[0].stats.resets, 0);
}

int main(void)
{
	RUN(test_hello_help);
	RUN(test_list);
	RUN(test_stats);
	RUN(test_stats_exits);
	RUN(test_trace);
	RUN(test_stats_ok_line);
	RUN(test_pause_resume);
	RUN(test_stop_start);
	RUN(test_restart);
	RUN(test_console);
	RUN(test_console_read);
	RUN(test_console_read_ring);
	RUN(test_console_write);
	RUN(test_log);
	RUN(test_errors);
	RUN(test_framing);
	RUN(test_garbage);
	RUN(test_all_bytes);
	RUN(test_channel);
	RUN(test_denied);
	RUN(test_stats_net);
	RUN(test_update_args);
	CHECK_MAIN_END();
}
