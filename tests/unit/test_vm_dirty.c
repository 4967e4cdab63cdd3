/* SPDX-License-Identifier: MIT */
/*
 * Dirty logging for live migration (core/vm_dirty.c) on a VM booted by the real core on the
 * fake machine (fixture.h), with the real stage-2 tables (arch/aarch64/stage2.c): start
 * write-protects every RAM page (its 2 MiB block split into pages), a write fault marks its
 * page once and makes it writable, collect returns the marked pages in order, in bounded
 * batches, protected again and cleared, stop makes everything writable; and the management
 * commands' lines (mgmt_migrate.c): dirty-collect's ranges, mem-read's zero runs and data,
 * mem-write only into a slot claimed by migrate-in, every argument checked.
 */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "check.h"
#include "fake_arch.h"
#include "fixture.h"
#include "mgmt.h"
#include "vm_dirty.h"

static struct fx_vm one[2] = {
    {.name = "mig", .cpu_count = 1, .first_cpu = 1},
    {.name = "idle", .cpu_count = 1, .first_cpu = 2},
};
static struct vm *M = &vms[0];

static u64 page_ipa(u64 p)
{
	u64 ipa = 0;
	paddr_t pa;

	CHECK(vm_ram_page(M, p, &ipa, &pa));
	return ipa;
}

static u32 writable_pages(void)
{
	u32 n = 0;

	for (u64 p = 0; p < vm_ram_pages(M); p++) {
		n += arch_vm_page_writable(&M->arch, page_ipa(p));
	}
	return n;
}

static void boot(void)
{
	CHECK_EQ(fx_boot(one, 2, NULL, 0), 0);
	fake_cpu = 3; /* the management channel's side: a CPU without a vCPU */
}

static void test_pages(void)
{
	u64 ipa;
	paddr_t pa;

	boot();
	CHECK_EQ(vm_ram_pages(M), FX_VM_SIZE / 4096);
	CHECK(vm_ram_page(M, 0, &ipa, &pa));
	CHECK_EQ(ipa, M->cfg->mem[0].ipa);
	CHECK_EQ(pa, M->cfg->mem[0].phys);
	CHECK(vm_ram_page(M, 511, &ipa, &pa));
	CHECK_EQ(pa, M->cfg->mem[0].phys + 511 * 4096);
	CHECK(!vm_ram_page(M, 512, &ipa, &pa));
}

static void test_start_fault_collect(void)
{
	char err[VM_DIRTY_ERR_MAX];
	u64 list[8], next = 0;
	u32 tables;

	boot();
	tables = M->arch.s2.table_pages;
	CHECK_EQ(writable_pages(), 512);
	CHECK(!vm_dirty_fault(M, page_ipa(5))); /* off: not ours */
	CHECK_EQ(vm_dirty_start(M, err), 0);
	CHECK(vm_dirty_active(M));
	CHECK_EQ(M->state, VM_RUNNING);		      /* paused for the protection only */
	CHECK_EQ(M->arch.s2.table_pages, tables + 1); /* its 2 MiB block is now 512 pages */
	CHECK_EQ(writable_pages(), 0);
	CHECK_EQ(vm_dirty_start(M, err), -1);
	CHECK(strstr(err, "already on") != NULL);

	/* Writes: each page marked once, writable again; outside RAM is not dirty logging's. */
	CHECK(vm_dirty_fault(M, page_ipa(5) + 0x123));
	CHECK(vm_dirty_fault(M, page_ipa(5) + 0x8));
	CHECK(vm_dirty_fault(M, page_ipa(6)));
	CHECK(vm_dirty_fault(M, page_ipa(7) + 0xfff));
	CHECK(vm_dirty_fault(M, page_ipa(100)));
	CHECK(vm_dirty_fault(M, page_ipa(511)));
	CHECK(!vm_dirty_fault(M, page_ipa(511) + 4096));
	CHECK(!vm_dirty_fault(M, page_ipa(0) - 4096));
	CHECK_EQ(vm_dirty_count(M), 5);
	CHECK_EQ(writable_pages(), 5);
	CHECK(arch_vm_page_writable(&M->arch, page_ipa(100)));

	/* In order, in batches; each returned page protected again and clean. */
	CHECK_EQ(vm_dirty_collect(M, 0, list, 3, &next), 3);
	CHECK_EQ(list[0], 5);
	CHECK_EQ(list[1], 6);
	CHECK_EQ(list[2], 7);
	CHECK_EQ(next, 8);
	CHECK_EQ(writable_pages(), 2);
	CHECK_EQ(vm_dirty_collect(M, next, list, 8, &next), 2);
	CHECK_EQ(list[0], 100);
	CHECK_EQ(list[1], 511);
	CHECK_EQ(next, 512);
	CHECK_EQ(writable_pages(), 0);
	CHECK_EQ(vm_dirty_collect(M, 0, list, 8, &next), 0);
	CHECK_EQ(next, 512);
	/* Written again after a collect: dirty again. */
	CHECK(vm_dirty_fault(M, page_ipa(6)));
	CHECK_EQ(vm_dirty_collect(M, 0, list, 8, &next), 1);
	CHECK_EQ(list[0], 6);
	/* A scan from past the end finds nothing. */
	CHECK_EQ(vm_dirty_collect(M, 9999, list, 8, &next), 0);

	vm_dirty_stop(M);
	CHECK(!vm_dirty_active(M));
	CHECK_EQ(writable_pages(), 512);
	CHECK(!vm_dirty_fault(M, page_ipa(5)));
	CHECK_EQ(vm_dirty_collect(M, 0, list, 8, &next), 0);
	CHECK_EQ(next, 512);
	vm_dirty_stop(M); /* twice: nothing */
	/* Again from scratch: every page clean. */
	CHECK_EQ(vm_dirty_start(M, err), 0);
	CHECK_EQ(vm_dirty_collect(M, 0, list, 8, &next), 0);
	vm_dirty_stop(M);
}

static void test_refused(void)
{
	char err[VM_DIRTY_ERR_MAX];

	boot();
	CHECK_EQ(vm_pause(M), 0);
	CHECK_EQ(vm_dirty_start(M, err), -1);
	CHECK(strstr(err, "is paused (dirty logging needs it running)") != NULL);
	CHECK(!vm_dirty_active(M));
	CHECK_EQ(writable_pages(), 512);
	CHECK_EQ(vm_resume(M), 0);
}

/* ---- the commands ---- */

static char out[65536];
static size_t out_len;
static struct mgmt_parser parser;

static void out_w(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (out_len + n < sizeof(out)) {
		memcpy(out + out_len, s, n);
		out_len += n;
		out[out_len] = '\0';
	}
}

static const char *cmd(const char *line)
{
	out_len = 0;
	out[0] = '\0';
	mgmt_feed(&parser, (const u8 *)line, strlen(line), out_w, NULL);
	mgmt_feed(&parser, (const u8 *)"\n", 1, out_w, NULL);
	return out;
}

static void test_commands(void)
{
	boot();
	mgmt_parser_reset(&parser);
	CHECK(strstr(cmd("dirty-collect mig 0"), "err wrong-state dirty logging of mig is off") ==
	      out);
	CHECK(strncmp(cmd("dirty-start mig"),
		      "ok dirty-logging mig vcpus=1 mem=0x42000000+2097152 pages=512\n", 60) == 0);
	for (u64 p = 10; p < 14; p++) {
		CHECK(vm_dirty_fault(M, page_ipa(p)));
	}
	CHECK(vm_dirty_fault(M, page_ipa(300)));
	CHECK_EQ(strcmp(cmd("dirty-collect mig 0"), "dirty 10+4 300\nok next=512 count=5 "
						    "pages=512\n"),
		 0);
	CHECK(strncmp(cmd("dirty-collect mig x"), "err bad-args", 12) == 0);
	CHECK_EQ(strcmp(cmd("dirty-collect mig"), "err bad-args usage: dirty-collect NAME FROM\n"),
		 0);
	CHECK_EQ(strcmp(cmd("mem-read mig"), "err bad-args usage: mem-read NAME P[+N]\n"), 0);
	CHECK_EQ(
	    strcmp(cmd("mem-write mig"), "err bad-args usage: mem-write NAME P:OFF:BASE64|P:z\n"),
	    0);
	CHECK_EQ(strcmp(cmd("console-read mig"), "err bad-args usage: console-read NAME FROM\n"),
		 0);
	CHECK_EQ(strcmp(cmd("dirty-stop mig"), "ok dirty-logging of mig stopped\n"), 0);

	/* mem-read: zero runs, then one data page in 128-byte lines. */
	memset(fx_ram(0, 0), 0, FX_VM_SIZE);
	fx_ram(0, 3 * 4096 + 130)[0] = 0xab;
	cmd("mem-read mig 0+512");
	CHECK(strncmp(out, "z 0 3\nm 3 0 AAAA", 16) == 0);
	CHECK(strstr(out, "\nm 3 128 AACr") != NULL);
	CHECK(strstr(out, "\nm 3 3968 ") != NULL);
	CHECK(strstr(out, "\nok next=4\n") != NULL);
	CHECK_EQ(strcmp(cmd("mem-read mig 4+508"), "z 4 508\nok next=512\n"), 0);
	CHECK(strncmp(cmd("mem-read mig 512"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-read mig 500+13"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-read mig 0+0"), "err bad-args", 12) == 0);

	/* mem-write: only into a slot a migration claimed (migrate-in: incoming slots only). */
	CHECK(strncmp(cmd("mem-write mig 3:0:AAAA"), "err wrong-state", 15) == 0);
	CHECK(strncmp(cmd("migrate-in idle"), "err refused VM idle is not an incoming slot", 43) ==
	      0);
	CHECK(strncmp(cmd("mem-write mig 512:0:AAAA"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-write mig 3:4095:AAAA"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-write mig 3:4096:AA=="), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-write mig 3:0:"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-write mig 3"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("mem-write mig :z"), "err bad-args", 12) == 0);
	CHECK(strncmp(cmd("migrate-cancel mig"), "err wrong-state", 15) == 0);
	CHECK(strncmp(cmd("migrate-done mig"), "err wrong-state VM mig is running", 33) == 0);
	CHECK_EQ(fx_ram(0, 3 * 4096 + 130)[0], 0xab); /* nothing written */

	/* A reset during dirty logging: the log no longer describes the memory. */
	CHECK(strncmp(cmd("dirty-start mig"), "ok dirty-logging", 16) == 0);
	vm_reset(M);
	CHECK_EQ(strcmp(cmd("dirty-collect mig 0"),
			"err refused VM mig was reset since dirty-start: its memory was reloaded "
			"unlogged\n"),
		 0);
	CHECK_EQ(strcmp(cmd("dirty-stop mig"), "ok dirty-logging of mig stopped\n"), 0);
}

/* The target's side on an incoming slot: claimed and scrubbed, written, given up. */
static void test_incoming(void)
{
	boot();
	((struct vm_cfg *)M->cfg)->incoming = true; /* as the config's "incoming;" says */
	mgmt_parser_reset(&parser);
	CHECK(strncmp(cmd("migrate-in mig"),
		      "err refused VM mig is running (restore needs a "
		      "stopped VM)",
		      56) == 0);
	vm_stop(M, STOP_MANAGEMENT);
	fx_ram(0, 77)[0] = 0x5a;
	CHECK_EQ(strcmp(cmd("migrate-in mig"),
			"ok incoming mig vcpus=1 mem=0x42000000+2097152 pages=512\n"),
		 0);
	CHECK_EQ(M->state, VM_RESETTING);
	CHECK_EQ(fx_ram(0, 77)[0], 0); /* scrubbed */
	CHECK_EQ(strcmp(cmd("mem-write mig 7:4093:q6vM"), "ok\n"), 0);
	CHECK_EQ(fx_ram(0, 7 * 4096 + 4093)[0], 0xab);
	CHECK_EQ(fx_ram(0, 7 * 4096 + 4095)[0], 0xcc);
	CHECK(strncmp(cmd("mem-write mig 7:4094:q6vM"), "err bad-args", 12) == 0); /* past it */
	fx_ram(0, 9 * 4096 + 5)[0] = 0x11;
	CHECK_EQ(strcmp(cmd("mem-write mig 9:z"), "ok\n"), 0);
	CHECK_EQ(fx_ram(0, 9 * 4096 + 5)[0], 0);
	CHECK_EQ(strcmp(cmd("migrate-cancel mig"), "ok cancelled: mig scrubbed and stopped\n"), 0);
	CHECK_EQ(M->state, VM_STOPPED);
	CHECK_EQ(fx_ram(0, 7 * 4096 + 4093)[0], 0);
	CHECK(strncmp(cmd("mem-write mig 7:0:q6vM"), "err wrong-state", 15) == 0);
	((struct vm_cfg *)M->cfg)->incoming = false;
}

int main(void)
{
	RUN(test_pages);
	RUN(test_start_fault_collect);
	RUN(test_refused);
	RUN(test_commands);
	RUN(test_incoming);
	CHECK_MAIN_END();
}
