/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the management command "gdb" (src/core/mgmt_gdb.c) and the halting of a VM
 * for a debugger (src/core/gdb.c) on the fake machine (fixture.h): alpha (vCPUs on CPUs 0
 * and 1, given debug; here) and beta (CPU 2, not debuggable); requests from CPU 3. Every
 * field is hostile: bad vCPU indices, numbers, lengths, kinds and field counts are refused
 * before anything changes. (Registers beyond x0-x30/pc/cpsr, memory and the debug
 * registers are the AArch64 layer's: tests/system/gdb.sh.)
 */
#include <string.h>

#include "check.h"
#include "fake_arch.h"
#include "fixture.h"
#include "gdb.h"
#include "mgmt.h"

static char out[16384];
static size_t out_len;
static struct mgmt_parser P;

static void collect(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	for (size_t i = 0; i < n && out_len < sizeof(out) - 1; i++) {
		out[out_len++] = s[i];
	}
	out[out_len] = '\0';
}

static const char *req(const char *s)
{
	out_len = 0;
	out[0] = '\0';
	mgmt_feed(&P, (const u8 *)s, strlen(s), collect, NULL);
	return out;
}

/* The response's last line starts with want. */
static bool ends_with_line(const char *resp, const char *want)
{
	size_t n = strlen(resp);
	const char *last;

	if (n == 0 || resp[n - 1] != '\n') {
		return false;
	}
	last = resp + n - 1;
	while (last > resp && last[-1] != '\n') {
		last--;
	}
	return strncmp(last, want, strlen(want)) == 0;
}

#define EXPECT_LAST(r, want)                                                           \
	do {                                                                           \
		const char *got_ = req(r);                                             \
		if (!ends_with_line(got_, want)) {                                     \
			printf("  request %s  got: %s  want: %s...\n", r, got_, want); \
		}                                                                      \
		CHECK(ends_with_line(got_, want));                                     \
	} while (0)

static const struct fx_vm sys[2] = {
    {.name = "alpha", .cpu_count = 2, .first_cpu = 0},
    {.name = "beta", .cpu_count = 1, .first_cpu = 2},
};

static void reset(void)
{
	CHECK_EQ(fx_boot(sys, 2, NULL, 0), 0);
	((struct vm_cfg *)vms[0].cfg)->debug = true; /* as "debug;" in its node */
	fake_cpu = 3;
	mgmt_parser_reset(&P);
}

/* Attached and halted: both of alpha's CPUs went through their loop (saved for us). */
static void attach_alpha(void)
{
	EXPECT_LAST("gdb alpha attach\n", "ok attached alpha vcpus=2");
	fake_cpu_run(0);
	fake_cpu_run(1);
	EXPECT_LAST("gdb alpha status\n", "ok gdb alpha attached=1 halted=1 state=paused stop=1");
}

static void test_refused(void)
{
	reset();
	EXPECT_LAST("gdb beta attach\n",
		    "err denied VM beta may not be debugged: its config node has no \"debug;\" "
		    "property");
	CHECK_EQ(vms[1].state, VM_RUNNING);
	CHECK(!vms[1].gdb.attached);
	/* Nothing but attach and status without a debugger. */
	EXPECT_LAST("gdb alpha regs,0\n", "err wrong-state no debugger attached to VM alpha");
	EXPECT_LAST("gdb alpha cont\n", "err wrong-state no debugger attached");
	EXPECT_LAST("gdb alpha status\n", "ok gdb alpha attached=0 halted=0 state=running");
	EXPECT_LAST("gdb alpha\n", "err bad-args usage: gdb NAME OP[,ARG...]");
	EXPECT_LAST("gdb nosuch attach\n", "err unknown-vm");
	EXPECT_LAST("gdb alpha frobnicate\n", "err bad-args gdb: unknown operation \"frobnicate\"");
	CHECK_EQ(vms[0].state, VM_RUNNING);
}

static void test_halt_regs(void)
{
	reset();
	attach_alpha();
	CHECK_EQ(vms[0].state, VM_PAUSED);
	CHECK(vms[0].vcpus[0].gdb_saved);   /* on: saved for the debugger */
	CHECK(!vms[0].vcpus[1].gdb_saved);  /* off (never started): nothing to save */
	CHECK_EQ(vms[1].state, VM_RUNNING); /* the other VM runs on */
	vms[0].vcpus[1].regs.x[5] = 0x1234;
	vms[0].vcpus[1].regs.elr = 0x40080000;
	req("gdb alpha regs,1\n");
	CHECK(strstr(out, "r 5 1234 0\n") != NULL);
	CHECK(strstr(out, "r 1f 40080000 0\n") != NULL);
	CHECK(ends_with_line(out, "ok regs 1"));
	EXPECT_LAST("gdb alpha setreg,0,3,deadbeef\n", "ok setreg");
	CHECK_EQ(vms[0].vcpus[0].regs.x[3], 0xdeadbeefULL);
	/* Hostile fields: nothing changes. */
	EXPECT_LAST("gdb alpha regs,2\n", "err bad-args regs: no such vCPU");
	EXPECT_LAST("gdb alpha regs,10000000000000000\n", "err bad-args regs: no such vCPU");
	EXPECT_LAST("gdb alpha regs,\n", "err bad-args regs: no such vCPU");
	EXPECT_LAST("gdb alpha setreg,0,54,1\n", "err bad-args setreg");
	EXPECT_LAST("gdb alpha setreg,0,3,xyz\n", "err bad-args setreg");
	EXPECT_LAST("gdb alpha setreg,0,3,1,2,3\n", "err bad-args setreg");
	EXPECT_LAST("gdb alpha a,b,c,d,e,f,g\n", "err bad-args gdb NAME OP[,ARG...]");
	CHECK_EQ(vms[0].vcpus[0].regs.x[3], 0xdeadbeefULL);
}

static void test_memory_args(void)
{
	reset();
	attach_alpha();
	EXPECT_LAST("gdb alpha read,0,v,40000000,41\n", "err bad-args read,V,v|p,ADDR,LEN");
	EXPECT_LAST("gdb alpha read,0,v,40000000,0\n", "err bad-args read");
	EXPECT_LAST("gdb alpha read,0,x,40000000,4\n", "err bad-args read");
	EXPECT_LAST("gdb alpha read,0,v,ffffffffffffffff,2\n", "err bad-args read");
	/* The fake machine maps nothing for the debugger: a fault, not a crash. */
	EXPECT_LAST("gdb alpha read,0,p,40000000,4\n", "err fault 0x40000000 is not mapped");
	EXPECT_LAST("gdb alpha write,0,v,40000000,abc\n", "err bad-args write: an even");
	EXPECT_LAST("gdb alpha write,0,v,40000000,zz\n", "err bad-args write: not a hex digit");
	EXPECT_LAST("gdb alpha write,0,p,40000000,00\n", "err fault");
}

static void test_breakpoints(void)
{
	reset();
	attach_alpha();
	EXPECT_LAST("gdb alpha hbreak,40080002,1\n", "err bad-args hbreak");
	EXPECT_LAST("gdb alpha hbreak,0,1\n", "err bad-args hbreak");
	for (u32 i = 0; i < 4; i++) {
		char r[64];

		snprintf(r, sizeof(r), "gdb alpha hbreak,%x,1\n", 0x40080000 + 4 * i);
		EXPECT_LAST(r, "ok hbreak");
	}
	EXPECT_LAST("gdb alpha hbreak,40090000,1\n", "err no-space");
	EXPECT_LAST("gdb alpha hbreak,40080004,0\n", "ok hbreak 1");
	CHECK_EQ(vms[0].gdb.bp[1], 0);
	EXPECT_LAST("gdb alpha hbreak,40080004,0\n", "err no-space not set");
	EXPECT_LAST("gdb alpha watch,40001004,4,1,1\n", "ok watch 0");
	EXPECT_LAST("gdb alpha watch,40001006,4,1,1\n", "err bad-args watch"); /* crosses 8 */
	EXPECT_LAST("gdb alpha watch,40001000,9,1,1\n", "err bad-args watch");
	EXPECT_LAST("gdb alpha watch,40001000,8,4,1\n", "err bad-args watch");
	EXPECT_LAST("gdb alpha watch,40001000,8,3,1\n", "ok watch 1");
	EXPECT_LAST("gdb alpha watch,40002000,8,3,1\n", "err no-space"); /* the fake has 2 */
	CHECK_EQ(vms[0].gdb.wp[0].addr, 0x40001004ULL);
	CHECK_EQ(vms[0].gdb.wp[0].len, 4);
}

static void test_cont_step_detach(void)
{
	reset();
	attach_alpha();
	EXPECT_LAST("gdb alpha cont\n", "ok running alpha");
	CHECK_EQ(vms[0].state, VM_RUNNING);
	EXPECT_LAST("gdb alpha regs,0\n", "err wrong-state VM alpha is not halted");
	EXPECT_LAST("gdb alpha step,0\n", "err wrong-state VM alpha is not halted");
	/* A debug event on vCPU 0 (its own CPU's trap): the VM pauses, the reason is kept. */
	fake_cpu = 0;
	gdb_vcpu_stopped(&vms[0].vcpus[0], GDB_STOP_BRK, 0);
	fake_cpu = 3;
	CHECK_EQ(vms[0].state, VM_PAUSED);
	fake_cpu_run(0);
	EXPECT_LAST("gdb alpha status\n",
		    "ok gdb alpha attached=1 halted=1 state=paused stop=2 vcpu=0");
	EXPECT_LAST("gdb alpha step,1\n", "err wrong-state vCPU 1 of VM alpha is not on");
	EXPECT_LAST("gdb alpha step,0\n", "ok stepping alpha 0");
	CHECK(vms[0].vcpus[0].gdb_step);
	CHECK_EQ(vms[0].state, VM_PAUSED); /* only that vCPU runs, for one instruction */
	EXPECT_LAST("gdb alpha status\n", "ok gdb alpha attached=1 halted=0");
	fake_cpu_run(0); /* it enters its guest: restored from the saved copy */
	CHECK(!vms[0].vcpus[0].gdb_saved);
	fake_cpu = 0;
	gdb_vcpu_stopped(&vms[0].vcpus[0], GDB_STOP_STEP, 0);
	fake_cpu = 3;
	CHECK(!vms[0].vcpus[0].gdb_step);
	fake_cpu_run(0);
	EXPECT_LAST("gdb alpha status\n",
		    "ok gdb alpha attached=1 halted=1 state=paused stop=3 vcpu=0");
	EXPECT_LAST("gdb alpha detach\n", "ok detached alpha");
	CHECK(!vms[0].gdb.attached);
	CHECK_EQ(vms[0].state, VM_RUNNING);
	fake_cpu_run(0);
	CHECK(!vms[0].vcpus[0].gdb_saved); /* its state went back into the CPU */
	EXPECT_LAST("gdb alpha halt\n", "err wrong-state no debugger attached");
}

int main(void)
{
	RUN(test_refused);
	RUN(test_halt_regs);
	RUN(test_memory_args);
	RUN(test_breakpoints);
	RUN(test_cont_step_detach);
	CHECK_MAIN_END();
}
