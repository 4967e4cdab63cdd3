/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the management protocol (src/core/mgmt.c). The input
 * is a program: a control byte (low 6 bits: chunk length; high 2 bits: poke a
 * VM's state first), then that many bytes fed to the parser as one transport
 * read. Checked after each chunk: the line buffer stays in bounds, every
 * response is whole lines with a known prefix, each executed request ends in
 * exactly one "ok"/"err" line, and VM states stay valid; response frames (snapshot-fetch,
 * mem-fetch: mgmt.h "Frames") are whole, within bounds, of a known kind, with a CRC that
 * matches, and a request frame being received stays within its buffer. Every chunk is also printed
 * by VM beta, so console-read has history to return (and a ring that wraps). The commands act on a
 * system the real core booted on the fake machine (tests/unit/fixture.h), with a
 * management channel present (the machine stays on when every VM has stopped).
 */
#include <string.h>

#include "console.h"
#include "crc32.h"
#include "fake_arch.h"
#include "fixture.h"
#include "fuzz_input.h"
#include "lib.h"
#include "mgmt.h"

static const struct fx_vm sys[2] = {
    {.name = "alpha", .cpu_count = 2, .first_cpu = 0},
    {.name = "beta", .cpu_count = 1, .first_cpu = 2},
};

static u64 finals;

static void check_output(void *ctx, const char *s, size_t n)
{
	const u8 *f = (const u8 *)s;

	(void)ctx;
	if (n > 0 && f[0] == MGMT_FRAME) { /* a response frame: one write, whole */
		FUZZ_ASSERT(n >= 1 + MGMT_FRAME_HDR + 4);
		FUZZ_ASSERT(f[1] == 's' || f[1] == 'm');
		FUZZ_ASSERT(le32_load(f + 2) <= MGMT_FRAME_MAX &&
			    n == 1 + MGMT_FRAME_HDR + le32_load(f + 2) + 4);
		FUZZ_ASSERT(le32_load(f + n - 4) == crc32_update(0, f + 1, n - 5));
		return;
	}
	FUZZ_ASSERT(n > 0 && n <= MGMT_OUT_MAX && s[n - 1] == '\n');
	for (size_t i = 0; i < n;) {
		const char *line = s + i;
		const char *nl = memchr(line, '\n', n - i);

		FUZZ_ASSERT(nl != NULL);
		if (strncmp(line, "ok", 2) == 0 || strncmp(line, "err ", 4) == 0) {
			finals++;
		} else {
			FUZZ_ASSERT(
			    strncmp(line, "vm ", 3) == 0 || strncmp(line, "cpu ", 4) == 0 ||
			    strncmp(line, "con ", 4) == 0 || strncmp(line, "log ", 4) == 0 ||
			    strncmp(line, "snap ", 5) == 0 || strncmp(line, "r ", 2) == 0 ||
			    strncmp(line, "mem ", 4) == 0 || strncmp(line, "exits ", 6) == 0 ||
			    strncmp(line, "aborts ", 7) == 0 || strncmp(line, "rec ", 4) == 0 ||
			    strncmp(line, "dirty ", 6) == 0 || strncmp(line, "z ", 2) == 0 ||
			    strncmp(line, "m ", 2) == 0);
		}
		for (const char *c = line; c < nl; c++) {
			FUZZ_ASSERT(*c >= 0x20 && *c < 0x7f); /* responses are printable */
		}
		i += (size_t)(nl - line) + 1;
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct mgmt_parser p;
	struct fin in;

	FUZZ_ASSERT(fx_boot(sys, 2, NULL, 0) == 0);
	fake_cpu = 3;
	/* Time moves (1 ms a counter read): a bounded wait for another CPU, which nothing runs
	 * here, ends as it would with that CPU stuck, instead of spinning for ever. */
	fake_m.tick = FAKE_MS;
	vm_stay_on = true;
	mgmt_parser_reset(&p);
	finals = 0;
	fin_init(&in, data, size);
	while (fin_more(&in)) {
		u8 ctl = fin_u8(&in);
		size_t n = MIN((size_t)(ctl & 0x3f), in.n - in.pos);

		if (ctl & 0xc0) {
			struct vm *vm = &vms[(ctl >> 6) & 1];

			vm->state = fin_u8(&in) % 4; /* any state, as a racing CPU could leave it */
			vm->restart_at = vm->state == VM_STOPPED ? (ctl & 1) : 0;
			n = MIN(n, in.n - in.pos);
		}
		for (size_t i = 0; i < n; i++) {
			console_vm_putc(1, (char)in.p[in.pos + i]);
		}
		mgmt_feed(&p, in.p + in.pos, n, check_output, NULL);
		in.pos += n;
		FUZZ_ASSERT(p.len <= MGMT_LINE_MAX);
		FUZZ_ASSERT(p.frame <= 2 && p.flen <= MGMT_FRAME_MAX);
		FUZZ_ASSERT(p.fgot <= MGMT_FRAME_HDR + p.flen + 4);
		FUZZ_ASSERT(p.errors <= p.requests);
		FUZZ_ASSERT(finals == p.requests);
		for (u32 i = 0; i < vm_count; i++) {
			FUZZ_ASSERT(vms[i].state <= VM_PAUSED);
		}
	}
	return 0;
}
