/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for gdb's remote serial protocol as `tessera ctl gdb` parses it
 * (tools/gdb_rsp.c): the input is the byte stream gdb (or anyone on the TCP port) sends.
 * Every byte goes through the framer; every complete packet is decoded, and checked:
 * the packet stays within RSP_MAX and NUL-terminated, decoded data lies inside the packet,
 * memory lengths are bounded, thread ids are -1 or non-negative; re-framed with rsp_frame
 * and parsed again, it comes back byte for byte (escaping round-trips); hex data decodes
 * into a bounded buffer.
 */
#include <string.h>

#include "fuzz_input.h"
#include "../../tools/gdb_rsp.h"

static void check_packet(const char *pkt, size_t n)
{
	static char framed[2 * RSP_MAX + 8];
	static struct rsp_parser again;
	struct rsp_req r;
	size_t m;
	bool got = false;

	FUZZ_ASSERT(n <= RSP_MAX && pkt[n] == '\0');
	if (rsp_decode(pkt, n, &r)) {
		FUZZ_ASSERT(r.data == NULL || (r.data >= pkt && r.data + r.data_len <= pkt + n));
		FUZZ_ASSERT(r.thread >= -1);
		FUZZ_ASSERT(r.kind != RSP_READ_MEM || r.len <= RSP_MAX / 2);
		FUZZ_ASSERT(r.kind != RSP_WRITE_MEM || r.data_len == r.len * 2);
		FUZZ_ASSERT(r.kind != RSP_BREAK || r.type <= 4);
		if (r.data) {
			static unsigned char bytes[RSP_MAX];
			long b = rsp_hex_bytes(r.data, r.data_len, bytes, sizeof(bytes));

			FUZZ_ASSERT(b == -1 || (size_t)b * 2 == r.data_len);
		}
	}
	m = rsp_frame(pkt, n, framed, sizeof(framed));
	FUZZ_ASSERT(m > 0 && m <= sizeof(framed));
	rsp_reset(&again);
	for (size_t i = 0; i < m; i++) {
		enum rsp_event e = rsp_feed(&again, (unsigned char)framed[i]);

		FUZZ_ASSERT(e != RSP_BAD);
		if (e == RSP_PACKET) {
			FUZZ_ASSERT(i == m - 1 && again.len == n && memcmp(again.buf, pkt, n) == 0);
			got = true;
		}
	}
	FUZZ_ASSERT(got);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct rsp_parser p;

	rsp_reset(&p);
	for (size_t i = 0; i < size; i++) {
		enum rsp_event e = rsp_feed(&p, data[i]);

		FUZZ_ASSERT(p.len <= RSP_MAX);
		if (e == RSP_PACKET) {
			check_packet(p.buf, p.len);
		}
	}
	return 0;
}
