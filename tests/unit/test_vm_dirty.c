/* SPDX-License-Identifier: MIT */
/*
 * Dirty logging for live migration (core/vm_dirty.c) on a VM booted by the real core on the
 * fake machine (fixture.h), with the real stage-2 tables (arch/aarch64/stage2.c): start
 * write-protects every RAM page (its 2 MiB block split into pages), a write fault marks its
 * page once and makes it writable, collect returns the marked pages in order, in bounded
 * batches, protected again and cleared, stop makes everything writable; and the management
 * commands' lines (mgmt_migrate.c): dirty-collect's ranges, mem-read's zero runs and data,
 * mem-write only into a slot claimed by migrate-in, every argument checked; and the binary
 * frames of protocol 2 (mgmt.h): mem-fetch's frame 'm' byte for byte, frame 'w' into the
 * slot (escaped, split anywhere), every refusal, Ctrl-U inside a frame, a bad length.
 */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "check.h"
#include "crc32.h"
#include "fake_arch.h"
#include "fixture.h"
#include "lib.h"
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

/* ---- binary frames (mgmt.h "Frames") ---- */

/* A request frame as a client sends it: MGMT_FRAME, then kind, length, payload (the name,
 * then body) and CRC, escaped. Its bytes into f; the count. crc_xor spoils the CRC. */
static size_t make_frame(u8 *f, u8 kind, const char *name, const u8 *body, size_t n, u32 crc_xor)
{
	static u8 raw[MGMT_FRAME_HDR + MGMT_FRAME_MAX + 64];
	size_t k = strlen(name), len = 1 + k + n, r = 0, o = 0;

	raw[r++] = kind;
	le32_store(raw + r, (u32)len);
	r += 4;
	raw[r++] = (u8)k;
	memcpy(raw + r, name, k);
	r += k;
	memcpy(raw + r, body, n);
	r += n;
	le32_store(raw + r, crc32_update(0, raw, r) ^ crc_xor);
	r += 4;
	f[o++] = MGMT_FRAME;
	for (size_t i = 0; i < r; i++) {
		if (raw[i] == MGMT_ESC || raw[i] == MGMT_KILL) {
			f[o++] = MGMT_ESC;
			f[o++] = raw[i] ^ 0x20;
		} else {
			f[o++] = raw[i];
		}
	}
	return o;
}

static const char *feed_bytes(const u8 *b, size_t n, size_t piece)
{
	out_len = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n; i += piece) {
		mgmt_feed(&parser, b + i, MIN(piece, n - i), out_w, NULL);
	}
	return out;
}

/* A 'w' body: P, COUNT, DATA, tags (padded to 8), pages. */
static size_t w_body(u8 *b, u64 p, u32 count, const u8 *tags, u32 data, u8 fill)
{
	size_t n = 16 + ((count + 7) & ~7U);

	for (u32 i = 0; i < 8; i++) {
		b[i] = (u8)(p >> (8 * i));
	}
	le32_store(b + 8, count);
	le32_store(b + 12, data);
	memset(b + 16, 0, n - 16);
	memcpy(b + 16, tags, count);
	for (u32 d = 0; d < data; d++, n += 4096) {
		for (u32 i = 0; i < 4096; i++) {
			b[n + i] =
			    (u8)(fill + d + i); /* every byte value, MGMT_ESC and Ctrl-U too */
		}
	}
	return n;
}

static void test_frames(void)
{
	static u8 f[2 * (MGMT_FRAME_MAX + 64)], body[MGMT_FRAME_MAX];
	const u8 *o = (const u8 *)out;
	size_t n, b, at;
	u32 len;

	boot();
	mgmt_parser_reset(&parser);
	/* mem-fetch: one frame 'm' (header, tags, the data pages), then the final line. */
	memset(fx_ram(0, 0), 0, FX_VM_SIZE);
	fx_ram(0, 3 * 4096 + 130)[0] = 0xab;
	fx_ram(0, 6 * 4096)[0] = MGMT_KILL;
	cmd("mem-fetch mig 2+8");
	len = le32_load(o + 2);
	CHECK_EQ(o[0], MGMT_FRAME);
	CHECK_EQ(o[1], 'm');
	CHECK_EQ(len, 16 + 8 + 2 * 4096);
	CHECK_EQ(le32_load(o + 6), 2);	/* first page */
	CHECK_EQ(le32_load(o + 10), 0); /* (its high half) */
	CHECK_EQ(le32_load(o + 14), 8); /* count */
	CHECK_EQ(le32_load(o + 18), 2); /* data pages */
	CHECK_EQ(memcmp(o + 22, "\0\1\0\0\1\0\0\0", 8), 0);
	CHECK_EQ(memcmp(o + 30, fx_ram(0, 3 * 4096), 4096), 0);
	CHECK_EQ(memcmp(o + 30 + 4096, fx_ram(0, 6 * 4096), 4096), 0);
	CHECK_EQ(le32_load(o + 6 + len), crc32_update(0, o + 1, 5 + len)); /* not escaped */
	CHECK_EQ(strcmp(out + 10 + len, "ok next=10\n"), 0);
	CHECK_EQ(out_len, 10 + len + strlen("ok next=10\n"));
	/* As many pages as the frame holds: 8 data pages, the 9th waits for the next fetch. */
	for (u32 p = 20; p < 40; p++) {
		fx_ram(0, p * 4096 + 7)[0] = (u8)p;
	}
	cmd("mem-fetch mig 18+20");
	CHECK_EQ(le32_load(o + 14), 10);
	CHECK_EQ(le32_load(o + 18), 8);
	CHECK(strstr(out + 10 + le32_load(o + 2), "ok next=28\n") != NULL);
	CHECK(strncmp(cmd("mem-fetch mig 512"), "err bad-args", 12) == 0);
	CHECK_EQ(strcmp(cmd("mem-fetch mig"), "err bad-args usage: mem-fetch NAME P[+N]\n"), 0);

	/* Frame 'w' needs a slot claimed by migrate-in; nothing is written otherwise. */
	b = w_body(body, 7, 2, (const u8 *)"\1\0", 1, 0);
	n = make_frame(f, 'w', "mig", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err wrong-state no migration into mig", 37) == 0);
	((struct vm_cfg *)M->cfg)->incoming = true;
	vm_stop(M, STOP_MANAGEMENT);
	CHECK(strncmp(cmd("migrate-in mig"), "ok incoming mig", 15) == 0);
	fx_ram(0, 8 * 4096 + 9)[0] = 0x77;
	/* Split into pieces of 7 bytes: escapes and the header cross the pieces. */
	CHECK_EQ(strcmp(feed_bytes(f, n, 7), "ok\n"), 0);
	for (u32 i = 0; i < 4096; i++) {
		CHECK_EQ(fx_ram(0, 7 * 4096 + i)[0], (u8)i);
	}
	CHECK_EQ(fx_ram(0, 8 * 4096 + 9)[0], 0); /* tag 0: zeroed */
	/* Refusals, each leaving memory alone: a spoilt CRC, a bad escape, wrong counts, a tag
	 * that is not 0 or 1, pages past the RAM, an unknown VM, an unknown kind. */
	b = w_body(body, 7, 2, (const u8 *)"\1\0", 1, 0x40);
	n = make_frame(f, 'w', "mig", body, b, 1);
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame checksum", 27) == 0);
	n = make_frame(f, 'w', "mig", body, b, 0);
	for (at = 1; at + 2 < n && memcmp(f + at, "\x40\x41\x42", 3) != 0; at++) {
	}
	CHECK(at + 2 < n); /* the first data bytes, sent as they are */
	memmove(f + at + 2, f + at + 1, n - at - 1);
	f[at] = MGMT_ESC; /* MGMT_ESC, 0x11: 0x31 is no escape */
	f[at + 1] = 0x11;
	n++;
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame: MGMT_ESC (0x10) followed", 44) ==
	      0);
	le32_store(body + 12, 2);
	n = make_frame(f, 'w', "mig", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame 'w'", 22) == 0);
	b = w_body(body, 7, 2, (const u8 *)"\2\0", 1, 0x40);
	n = make_frame(f, 'w', "mig", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame 'w'", 22) == 0);
	b = w_body(body, 7, 2, (const u8 *)"\1\0", 1, 0x40);
	body[16 + 5] = 1; /* padding that is not zero */
	n = make_frame(f, 'w', "mig", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame 'w'", 22) == 0);
	b = w_body(body, 511, 2, (const u8 *)"\1\0", 1, 0x40);
	n = make_frame(f, 'w', "mig", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame 'w'", 22) == 0);
	n = make_frame(f, 'w', "mig", body, b - 1, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err bad-args frame 'w'", 22) == 0);
	n = make_frame(f, 'w', "nobody", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err unknown-vm", 14) == 0);
	n = make_frame(f, 'x', "mig", body, b, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err unknown-command frame kind 0x78", 35) == 0);
	for (u32 i = 0; i < 4096; i++) {
		CHECK_EQ(fx_ram(0, 7 * 4096 + i)[0], (u8)i);
	}
	CHECK_EQ(fx_ram(0, 511 * 4096)[0], 0);
	/* Ctrl-U inside a frame discards it; the next line runs. */
	b = w_body(body, 7, 1, (const u8 *)"\1", 1, 0x40);
	n = make_frame(f, 'w', "mig", body, b, 0);
	CHECK_EQ(strcmp(feed_bytes(f, n / 2, n), ""), 0); /* a client gone mid-frame */
	CHECK_EQ(strcmp(cmd("\x15hello"), "ok tessera-mgmt 2\n"), 0);
	CHECK_EQ(fx_ram(0, 7 * 4096 + 1)[0], 1);
	/* A length out of bounds: refused at once, everything up to the next Ctrl-U dropped. */
	memcpy(f, "\x02w\x00\x00\x01\x00", 6); /* 65536 bytes */
	CHECK_EQ(strcmp(feed_bytes(f, 6, 6),
			"err too-long frame of 65536 bytes (1 to 33024): discarding up to the next "
			"Ctrl-U\n"),
		 0);
	CHECK_EQ(strcmp(cmd("hello"), ""), 0);
	CHECK_EQ(strcmp(cmd("\x15hello"), "ok tessera-mgmt 2\n"), 0);
	memcpy(f, "\x02w\x00\x00\x00\x00", 6); /* empty */
	CHECK(strncmp(feed_bytes(f, 6, 6), "err too-long frame of 0 bytes", 29) == 0);
	CHECK_EQ(strcmp(cmd("\x15hello"), "ok tessera-mgmt 2\n"), 0);
	/* A frame marker inside a line is just a bad byte of that line. */
	CHECK(strncmp(cmd("he\x02llo"), "err bad-args byte 0x02 at column 3", 34) == 0);
	/* Frame 'r' goes to the restore in progress: none here (the slot's is a migration's). */
	CHECK_EQ(strcmp(cmd("migrate-cancel mig"), "ok cancelled: mig scrubbed and stopped\n"), 0);
	n = make_frame(f, 'r', "mig", (const u8 *)"TESSNAP", 7, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err refused no restore of mig in progress", 41) == 0);
	CHECK(strncmp(cmd("restore-begin mig"), "ok restoring mig", 16) == 0);
	memset(body, 0, 256);
	memcpy(body, "TESSNAX", 8); /* a header with a bad magic */
	n = make_frame(f, 'r', "mig", body, 256, 0);
	CHECK(strncmp(feed_bytes(f, n, n), "err refused", 11) == 0);
	CHECK_EQ(M->state, VM_STOPPED);
	((struct vm_cfg *)M->cfg)->incoming = false;
}

int main(void)
{
	RUN(test_pages);
	RUN(test_start_fault_collect);
	RUN(test_refused);
	RUN(test_commands);
	RUN(test_incoming);
	RUN(test_frames);
	CHECK_MAIN_END();
}
