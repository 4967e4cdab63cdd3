/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the emulated PL011 (src/vdev/vpl011.c). The input is
 * a program of guest register accesses (any offset and alignment inside the
 * 4 KiB window, 1/2/4/8 bytes, as the trap decoder passes them), bytes
 * arriving from the console, and interrupt-line reads. Checked after each
 * step: memory around the device is unchanged, its lock is free, the RX FIFO
 * indices stay in range, an access reports the interrupt line's level truly,
 * a UARTDR read returns the oldest queued byte (TRM 3.3.1), UARTFR.RXFE tells
 * the truth, and one access sends at most one byte.
 */
#include <string.h>

#include "console_sink.h"
#include "fake_arch.h"
#include "fuzz_input.h"
#include "vpl011.h"

#define GUARD	 0x5a
#define UART_WIN 0x1000U
#define UARTDR	 0x000U
#define UARTFR	 0x018U
#define FR_RXFE	 (1U << 4)

static struct {
	u8 guard0[64];
	struct vpl011 u;
	u8 guard1[64];
} a;

static void check_guards(void)
{
	for (u32 i = 0; i < sizeof(a.guard0); i++) {
		FUZZ_ASSERT(a.guard0[i] == GUARD && a.guard1[i] == GUARD);
	}
	FUZZ_ASSERT(a.u.lock.next == a.u.lock.owner);
	FUZZ_ASSERT(a.u.rx_count <= VPL011_FIFO);
	FUZZ_ASSERT(a.u.rx_head < VPL011_FIFO);
	FUZZ_ASSERT(a.u.bl_count <= VPL011_BACKLOG);
	FUZZ_ASSERT(a.u.bl_head < VPL011_BACKLOG);
	/* Bytes wait in the backlog only behind a full FIFO (arrival order is kept). */
	FUZZ_ASSERT(a.u.bl_count == 0 || a.u.rx_count == VPL011_FIFO);
}

static void uart_access(struct fin *in, bool write)
{
	u32 size = 1U << (fin_u8(in) & 3);
	u64 off = fin_u16(in) % (UART_WIN - size + 1);
	u64 val = write ? fin_u64(in) : 0xa5a5a5a5a5a5a5a5ULL;
	struct vpl011 before = a.u;
	size_t out = fake_console_len;
	bool line = vpl011_irq_level(&a.u);
	int level;

	/* Word accesses go the trap fast path's way first, as trap_dabt sends them. */
	if (size == 4) {
		u32 w = (u32)val;

		level = vpl011_word(&a.u, (u32)off, write, &w);
		val = write ? val : w;
	} else {
		level = vpl011_access(&a.u, off, size, write, &val);
	}

	/* The line as the access reports it: its level after, or unchanged (VPL011_IRQ_SAME). */
	FUZZ_ASSERT(level == VPL011_IRQ_SAME ? vpl011_irq_level(&a.u) == line
					     : level == (int)vpl011_irq_level(&a.u));
	FUZZ_ASSERT(fake_console_len <= out + 1);
	if (write || size > 4) {
		return;
	}
	/* Reads are zero-extended to the access size. */
	FUZZ_ASSERT(size == 4 ? val <= 0xffffffffULL : val < (1ULL << (8 * size)));
	if (off == UARTDR && before.rx_count) {
		FUZZ_ASSERT((val & 0xff) == before.rx[before.rx_head]);
		/* The byte leaves the FIFO; the oldest backlog byte, if any, takes its place. */
		FUZZ_ASSERT(a.u.rx_count == before.rx_count - (before.bl_count ? 0 : 1));
		FUZZ_ASSERT(a.u.bl_count == before.bl_count - (before.bl_count ? 1 : 0));
	}
	if (off == UARTFR && size == 4) {
		FUZZ_ASSERT(((val & FR_RXFE) != 0) == (before.rx_count == 0));
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fin in;

	fin_init(&in, data, size);
	fake_arch_reset();
	memset(&a, GUARD, sizeof(a));
	vpl011_create(&a.u, 1);
	check_guards();
	for (u32 n = 0; fin_more(&in) && n < 8192; n++) {
		switch (fin_u8(&in) % 5) {
		case 0:
			uart_access(&in, false);
			break;
		case 1:
			uart_access(&in, true);
			break;
		case 2: {
			u32 before = a.u.rx_count + a.u.bl_count;
			bool ok = vpl011_rx(&a.u, fin_u8(&in));
			FUZZ_ASSERT(ok == (before < VPL011_FIFO + VPL011_BACKLOG));
			break;
		}
		case 3:
			(void)vpl011_irq_level(&a.u);
			break;
		default:
			if (fin_u8(&in) == 0xff) {
				vpl011_init(&a.u, 1); /* VM reset */
			}
			break;
		}
		check_guards();
		if (fake_console_len > 2048) {
			fake_console_len = 0;
		}
	}
	return 0;
}
