/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of `tessera ctl`'s output (tools/ctl_fmt.c): parsing protocol
 * responses, the list and stats tables, their JSON, per-second rates from two
 * samples, JSON string escaping. ctl_fmt.c is host-tool code, not in the
 * unit-test link, so it is compiled in here.
 */
#include "../../tools/ctl_fmt.c"

#include "check.h"

static char *buf;
static size_t buf_len;
static FILE *mem;

static void open_out(void)
{
	free(buf);
	buf = NULL;
	mem = open_memstream(&buf, &buf_len);
}

static const char *close_out(void)
{
	fclose(mem);
	return buf;
}

static void feed(struct ctl_sample *s, const char *const *lines)
{
	ctl_sample_reset(s);
	for (; *lines; lines++) {
		CHECK_EQ(ctl_sample_add(s, *lines), lines[1] == NULL);
	}
}

#define EXPECT_OUT(got, want)                                      \
	do {                                                       \
		const char *g_ = (got);                            \
		if (strcmp(g_, want) != 0) {                       \
			printf("  got:\n%s  want:\n%s", g_, want); \
		}                                                  \
		CHECK(strcmp(g_, want) == 0);                      \
	} while (0)

static const char *const list1[] = {
    "vm worker id=0 state=running cpus=0 mem_mib=16 uptime_ms=61500 restarts=1 resets=2 "
    "stop=- exit=1/3 traps=1000 irqs=100 aborts=0 console_dropped=0",
    "vm big id=1 state=stopped cpus=1,2 mem_mib=1536 uptime_ms=0 restarts=0 resets=0 "
    "stop=management exit=0/0 traps=500 irqs=40 aborts=2 console_dropped=77 future=x",
    "ok 2 vms uptime_ms=10000", NULL};
static const char *const list2[] = {
    "vm worker id=0 state=running cpus=0 mem_mib=16 uptime_ms=63500 restarts=1 resets=2 "
    "stop=- exit=1/3 traps=3000 irqs=150 aborts=0 console_dropped=0",
    "vm big id=1 state=stopped cpus=1,2 mem_mib=1536 uptime_ms=0 restarts=0 resets=0 "
    "stop=management exit=0/0 traps=500 irqs=40 aborts=2 console_dropped=77 future=x",
    "ok 2 vms uptime_ms=12000", NULL};

static void test_parse(void)
{
	struct ctl_sample s;

	feed(&s, list1);
	CHECK_EQ(s.n, 2);
	CHECK(strcmp(s.rec[0].tag, "vm") == 0 && strcmp(s.rec[0].id, "worker") == 0);
	CHECK(strcmp(ctl_get(&s.rec[1], "stop"), "management") == 0);
	CHECK(strcmp(ctl_get(&s.rec[1], "future"), "x") == 0);
	CHECK(ctl_get(&s.rec[1], "nope") == NULL);
	CHECK(s.done && !s.is_err);
	CHECK(strcmp(s.text, "2 vms uptime_ms=10000") == 0);
	CHECK(strcmp(ctl_get(&s.ok, "uptime_ms"), "10000") == 0);
	ctl_sample_reset(&s);
	CHECK_EQ(ctl_sample_add(&s, "err unknown-vm no VM named \"x\""), 1);
	CHECK(s.is_err && strcmp(s.code, "unknown-vm") == 0);
	CHECK(strcmp(s.text, "no VM named \"x\"") == 0);
	CHECK(ctl_is_final("ok") && ctl_is_final("ok x") && !ctl_is_final("okay"));
	CHECK(!ctl_is_final("vm ok") && ctl_is_final("err a b"));
}

static void test_rate(void)
{
	struct ctl_sample a, b;
	double r = -1;

	feed(&a, list1);
	feed(&b, list2);
	/* 2000 traps in 2000 ms of hypervisor time. */
	CHECK(ctl_rate(&a, &b, &b.rec[0], "traps", &r) && r == 1000.0);
	CHECK(ctl_rate(&a, &b, &b.rec[0], "irqs", &r) && r == 25.0);
	CHECK(ctl_rate(&a, &b, &b.rec[1], "traps", &r) && r == 0.0);
	/* No previous sample, the same time, a counter that went back, one missing: no rate. */
	CHECK(!ctl_rate(NULL, &b, &b.rec[0], "traps", &r));
	CHECK(!ctl_rate(&b, &b, &b.rec[0], "traps", &r));
	CHECK(!ctl_rate(&b, &a, &a.rec[0], "traps", &r));
	CHECK(!ctl_rate(&a, &b, &b.rec[0], "stop", &r));
	/* A VM the first sample did not have. */
	strcpy(b.rec[1].id, "other");
	CHECK(!ctl_rate(&a, &b, &b.rec[1], "traps", &r));
}

static void test_duration(void)
{
	char d[32];

	ctl_fmt_duration(d, sizeof(d), 0);
	CHECK(strcmp(d, "0.0s") == 0);
	ctl_fmt_duration(d, sizeof(d), 4250);
	CHECK(strcmp(d, "4.2s") == 0);
	ctl_fmt_duration(d, sizeof(d), 42999);
	CHECK(strcmp(d, "42s") == 0);
	ctl_fmt_duration(d, sizeof(d), 725000);
	CHECK(strcmp(d, "12m05s") == 0);
	ctl_fmt_duration(d, sizeof(d), 3600000ULL * 3 + 60000 * 7 + 999);
	CHECK(strcmp(d, "3h07m") == 0);
	ctl_fmt_duration(d, sizeof(d), 86400000ULL * 2 + 3600000ULL * 4);
	CHECK(strcmp(d, "2d04h") == 0);
}

static void test_list_table(void)
{
	struct ctl_sample a, b;

	feed(&a, list1);
	feed(&b, list2);
	open_out();
	ctl_list_table(mem, &a, &b);
	EXPECT_OUT(
	    close_out(),
	    "NAME    STATE    CPUS   MEMORY  UPTIME  RESTARTS  LAST EXIT   TRAPS/S  "
	    "IRQS/S  CONSOLE IN DROPPED\n"
	    "worker  running  0      16 MiB   1m03s         1  exit 1/3       1000      "
	    "25                   0\n"
	    "big     stopped  1,2   1.5 GiB       -         0  management        0       "
	    "0                  77\n"
	    "(per-second rates: counter changes over the last 2.000 s of hypervisor time)\n");
	/* One sample: no rates, and the table says why. */
	open_out();
	ctl_list_table(mem, NULL, &b);
	EXPECT_OUT(close_out(),
		   "NAME    STATE    CPUS   MEMORY  UPTIME  RESTARTS  LAST EXIT   TRAPS/S  "
		   "IRQS/S  CONSOLE IN DROPPED\n"
		   "worker  running  0      16 MiB   1m03s         1  exit 1/3          -       "
		   "-                   0\n"
		   "big     stopped  1,2   1.5 GiB       -         0  management        -       "
		   "-                  77\n"
		   "(no rates: they need two samples, see --interval)\n");
}

static void test_list_json(void)
{
	struct ctl_sample a, b;

	feed(&a, list1);
	feed(&b, list2);
	open_out();
	ctl_list_json(mem, &a, &b);
	EXPECT_OUT(close_out(),
		   "{\"uptime_ms\":12000,\"rate_window_ms\":2000,\"vms\":["
		   "{\"name\":\"worker\",\"id\":0,\"state\":\"running\",\"cpus\":[0],"
		   "\"mem_mib\":16,\"uptime_ms\":63500,\"restarts\":1,\"resets\":2,\"stop\":null,"
		   "\"exit\":{\"reason\":1,\"code\":3},\"traps\":3000,\"irqs\":150,\"aborts\":0,"
		   "\"console_dropped\":0,\"traps_per_s\":1000.0,\"irqs_per_s\":25.0},"
		   "{\"name\":\"big\",\"id\":1,\"state\":\"stopped\",\"cpus\":[1,2],"
		   "\"mem_mib\":1536,\"uptime_ms\":0,\"restarts\":0,\"resets\":0,"
		   "\"stop\":\"management\",\"exit\":{\"reason\":0,\"code\":0},\"traps\":500,"
		   "\"irqs\":40,\"aborts\":2,\"console_dropped\":77,\"future\":\"x\","
		   "\"traps_per_s\":0.0,\"irqs_per_s\":0.0}]}\n");
	open_out();
	ctl_list_json(mem, NULL, &b);
	CHECK(strstr(close_out(), "\"rate_window_ms\":null,") != NULL);
	CHECK(strstr(buf, "\"traps_per_s\":null,\"irqs_per_s\":null}") != NULL);
}

static const char *const stats1[] = {
    "cpu 0 irqs=100 vm=worker vcpu=0",
    "cpu 1 irqs=0 vm=- vcpu=-",
    "vcpu rt.0 cpu=1 used_us=1000 waited_us=20 switches=10 overruns=0 window_misses=0",
    "net lan end=0 vm=worker rx_frames=4 rx_bytes=400 tx_frames=10 tx_bytes=1000 drop_bad=0 "
    "drop_nobuf=1 drop_nofit=0",
    "net lan end=1 vm=big rx_frames=10 rx_bytes=1000 tx_frames=4 tx_bytes=400 drop_bad=0 "
    "drop_nobuf=0 drop_nofit=0",
    "ok uptime_ms=5000 free_pages=500 vms=2 running=1 requests=7 errors=1 dropped=0",
    NULL};
static const char *const stats2[] = {
    "cpu 0 irqs=600 vm=worker vcpu=0",
    "cpu 1 irqs=0 vm=- vcpu=-",
    "vcpu rt.0 cpu=1 used_us=151000 waited_us=30 switches=60 overruns=1 window_misses=2",
    "net lan end=0 vm=worker rx_frames=4 rx_bytes=400 tx_frames=30 tx_bytes=3000 drop_bad=2 "
    "drop_nobuf=1 drop_nofit=3",
    "net lan end=1 vm=big rx_frames=30 rx_bytes=3000 tx_frames=4 tx_bytes=400 drop_bad=0 "
    "drop_nobuf=0 drop_nofit=0",
    "ok uptime_ms=5500 free_pages=500 vms=2 running=1 requests=8 errors=1 dropped=0",
    NULL};

static void test_stats(void)
{
	struct ctl_sample a, b;

	feed(&a, stats1);
	feed(&b, stats2);
	open_out();
	ctl_stats_table(mem, &a, &b);
	EXPECT_OUT(
	    close_out(),
	    "CPU  VM      VCPU  IRQS  IRQS/S\n"
	    "  0  worker  0      600    1000\n"
	    "  1  -       -        0       0\n"
	    "\n"
	    "VCPU  CPU       USED  USED %  WAITED  SWITCHES  OVERRUNS  WINDOW MISSES\n"
	    "rt.0    1  151000 us    30.0   30 us        60         1              2\n"
	    "\n"
	    "NET LINK  END  VM      RX FRAMES  RX BYTES  TX FRAMES  TX BYTES  TX/S  TX BYTES/S  "
	    "TX DROPPED: MALFORMED  NO RX BUFFER  RX BUFFER TOO SMALL\n"
	    "lan         0  worker          4       400         30      3000    40        4000  "
	    "                    2             1                    3\n"
	    "lan         1  big            30      3000          4       400     0           0  "
	    "                    0             0                    0\n"
	    "\n"
	    "up 5.5s; VMs: 2, 1 running; hypervisor page pool: 500 pages free\n"
	    "management channel: 8 requests, 1 answered err, 0 response bytes dropped\n"
	    "(per-second rates: counter changes over the last 0.500 s of hypervisor time)\n");
	open_out();
	ctl_stats_json(mem, &a, &b);
	EXPECT_OUT(
	    close_out(),
	    "{\"uptime_ms\":5500,\"free_pages\":500,\"vms\":2,\"running\":1,\"requests\":8,"
	    "\"errors\":1,\"dropped\":0,\"rate_window_ms\":500,\"cpus\":["
	    "{\"cpu\":0,\"irqs\":600,\"vm\":\"worker\",\"vcpu\":0,\"irqs_per_s\":1000.0},"
	    "{\"cpu\":1,\"irqs\":0,\"vm\":null,\"vcpu\":null,\"irqs_per_s\":0.0}],\"vcpus\":["
	    "{\"vcpu\":\"rt.0\",\"cpu\":1,\"used_us\":151000,\"waited_us\":30,"
	    "\"switches\":60,\"overruns\":1,\"window_misses\":2,\"used_us_per_s\":300000.0,"
	    "\"switches_per_s\":100.0}],\"net\":["
	    "{\"link\":\"lan\",\"end\":0,\"vm\":\"worker\",\"rx_frames\":4,\"rx_bytes\":400,"
	    "\"tx_frames\":30,\"tx_bytes\":3000,\"drop_bad\":2,\"drop_nobuf\":1,"
	    "\"drop_nofit\":3,\"rx_frames_per_s\":0.0,\"rx_bytes_per_s\":0.0,"
	    "\"tx_frames_per_s\":40.0,\"tx_bytes_per_s\":4000.0},"
	    "{\"link\":\"lan\",\"end\":1,\"vm\":\"big\",\"rx_frames\":30,\"rx_bytes\":3000,"
	    "\"tx_frames\":4,\"tx_bytes\":400,\"drop_bad\":0,\"drop_nobuf\":0,"
	    "\"drop_nofit\":0,\"rx_frames_per_s\":40.0,\"rx_bytes_per_s\":4000.0,"
	    "\"tx_frames_per_s\":0.0,\"tx_bytes_per_s\":0.0}],\"exits\":[],\"mmio\":[]}\n");
	/* Without vCPUs on shared CPUs and net links: no such tables, empty lists in JSON. */
	b.n = 2;
	open_out();
	ctl_stats_table(mem, &a, &b);
	CHECK(strstr(close_out(), "NET LINK") == NULL && strstr(buf, "SWITCHES") == NULL);
	open_out();
	ctl_stats_json(mem, &a, &b);
	CHECK(strstr(close_out(), ",\"vcpus\":[],\"net\":[],\"exits\":[],\"mmio\":[]}\n") != NULL);
}

/* The exit lines of stats in JSON: every counter and its rate over the two samples. */
static void test_stats_exits_json(void)
{
	static const char *const s1[] = {
	    "exits rt.0 cpu=1 hvc_tessera=10 hvc_psci=0 hvc_arch=0 hvc_other=0 smc=0 sysreg=0 "
	    "wfx=0 irq=100 serror=0 other=0 injected=100",
	    "aborts rt.0 cpu=1 gicd=0 gicr=0 uart=5 virtio=0 other=0 iabt=0", "ok uptime_ms=1000",
	    NULL};
	static const char *const s2[] = {
	    "exits rt.0 cpu=1 hvc_tessera=510 hvc_psci=0 hvc_arch=0 hvc_other=0 smc=0 sysreg=0 "
	    "wfx=0 irq=1100 serror=0 other=0 injected=1100",
	    "aborts rt.0 cpu=1 gicd=0 gicr=0 uart=55 virtio=0 other=0 iabt=0", "ok uptime_ms=2000",
	    NULL};
	struct ctl_sample a, b;

	feed(&a, s1);
	feed(&b, s2);
	open_out();
	ctl_stats_json(mem, &a, &b);
	close_out();
	CHECK(strstr(buf, "\"exits\":[{\"vcpu\":\"rt.0\",\"cpu\":1,\"hvc_tessera\":510,") != NULL);
	CHECK(strstr(buf, "\"hvc_tessera_per_s\":500.0,") != NULL);
	CHECK(strstr(buf, "\"irq_per_s\":1000.0,") != NULL);
	CHECK(strstr(buf, "\"mmio\":[{\"vcpu\":\"rt.0\",\"cpu\":1,\"gicd\":0,") != NULL);
	CHECK(strstr(buf, "\"uart_per_s\":50.0,") != NULL);
}

static void test_json_strings(void)
{
	struct ctl_sample s;

	open_out();
	ctl_json_string(mem, "a\"b\\c\n\t\x01\x7f\xc3");
	EXPECT_OUT(close_out(), "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\\u00c3\"");
	/* Values that only look like numbers stay strings; a leading zero is not JSON. */
	ctl_sample_reset(&s);
	ctl_sample_add(&s, "vm x\"y id=007 state=1e3 cpus=0,a exit=1/x");
	ctl_sample_add(&s, "ok 1 vms");
	open_out();
	ctl_list_json(mem, NULL, &s);
	EXPECT_OUT(close_out(), "{\"rate_window_ms\":null,\"vms\":[{\"name\":\"x\\\"y\",\"id\":"
				"\"007\",\"state\":\"1e3\",\"cpus\":\"0,a\",\"exit\":\"1/x\","
				"\"traps_per_s\":null,\"irqs_per_s\":null}]}\n");
	/* Results of other commands. */
	ctl_sample_reset(&s);
	ctl_sample_add(&s, "err wrong-state VM a is \"stopped\"");
	open_out();
	ctl_result_json(mem, &s);
	EXPECT_OUT(close_out(), "{\"ok\":false,\"error\":\"wrong-state\",\"message\":\"VM a is "
				"\\\"stopped\\\"\"}\n");
	ctl_sample_reset(&s);
	ctl_sample_add(&s, "ok stopped worker");
	open_out();
	ctl_result_json(mem, &s);
	EXPECT_OUT(close_out(), "{\"ok\":true,\"message\":\"stopped worker\"}\n");
}

int main(void)
{
	RUN(test_parse);
	RUN(test_rate);
	RUN(test_duration);
	RUN(test_list_table);
	RUN(test_list_json);
	RUN(test_stats);
	RUN(test_stats_exits_json);
	RUN(test_json_strings);
	free(buf);
	CHECK_MAIN_END();
}
