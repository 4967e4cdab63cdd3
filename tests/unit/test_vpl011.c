/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the emulated PL011 (src/vdev/vpl011.c).
 *
 * The device is compiled into this test under other names so the test can
 * see exactly which VM each transmitted byte is sent for: its call to
 * console_vm_putc() lands in rec_putc() below, independent of the console
 * fake in fake_arch.c (which the linked copy of vpl011.c keeps using).
 */
#define vpl011_init	 ut_vpl011_init
#define vpl011_create	 ut_vpl011_create
#define vpl011_access	 ut_vpl011_access
#define vpl011_rx	 ut_vpl011_rx
#define vpl011_irq_level ut_vpl011_irq_level
#define vpl011_word	 ut_vpl011_word
#define console_vm_putc	 rec_putc
#include "../../src/vdev/vpl011.c"

#include <string.h>

#include "check.h"

static u32 rec_vm[4096];
static char rec_c[4096];
static size_t rec_n;

void rec_putc(u32 vm_id, char c)
{
	if (rec_n < ARRAY_SIZE(rec_c)) {
		rec_vm[rec_n] = vm_id;
		rec_c[rec_n] = c;
	}
	rec_n++;
}

static struct vpl011 uart;

/* One access. Its answer about the interrupt line must be the truth: the level after it,
 * or VPL011_IRQ_SAME only for a read that takes nothing (any but UARTDR's data byte lane,
 * or one that is RAZ) and then the line has not moved. */
static void uart_access(u64 off, u32 size, bool write, u64 *v)
{
	bool before = vpl011_irq_level(&uart);
	int level = vpl011_access(&uart, off, size, write, v);
	bool after = vpl011_irq_level(&uart);

	if (level == VPL011_IRQ_SAME) {
		CHECK(!write || (size != 1 && size != 2 && size != 4) || (off & (size - 1)) ||
		      off >= 0x1000);
		CHECK_EQ(before, after);
	} else {
		CHECK(level == 0 || level == 1);
		CHECK_EQ(level, (int)after);
		CHECK(write || off == 0); /* only a UARTDR read may change it */
	}
}

static u64 rd(u64 off, u32 size)
{
	u64 v = 0xdeadbeefdeadbeefULL;

	uart_access(off, size, false, &v);
	return v;
}

static void wr(u64 off, u32 size, u64 v)
{
	uart_access(off, size, true, &v);
}

static void reset(u32 vm_id)
{
	memset(&uart, 0xa5, sizeof(uart)); /* init must not depend on prior contents */
	vpl011_create(&uart, vm_id);
	rec_n = 0;
}

static void test_ids(void)
{
	static const u8 want[8] = {0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
	u32 periph = 0, cell = 0;

	reset(0);
	for (u32 i = 0; i < 8; i++) {
		CHECK_EQ(rd(0xfe0 + 4 * i, 4), want[i]);
		CHECK_EQ(rd(0xfe0 + 4 * i, 1), want[i]);
		CHECK_EQ(rd(0xfe0 + 4 * i, 2), want[i]);
	}
	/* As Linux' AMBA bus assembles them: the pl011 entry matches 0x00041011 under
	 * mask 0x000fffff, and revision 3 (bits 23:20) selects the 32-byte FIFO. */
	for (u32 i = 0; i < 4; i++) {
		periph |= (u32)rd(0xfe0 + 4 * i, 4) << (8 * i);
		cell |= (u32)rd(0xff0 + 4 * i, 4) << (8 * i);
	}
	CHECK_EQ(periph & 0x000fffff, 0x00041011);
	CHECK_EQ((periph >> 20) & 0xf, 3);
	CHECK_EQ(cell, 0xb105f00d);
	/* ID registers are read-only. */
	wr(0xfe0, 4, 0);
	CHECK_EQ(rd(0xfe0, 4), 0x11);
}

static void test_reset_values(void)
{
	reset(0);
	CHECK_EQ(rd(0x030, 4), 0x300); /* UARTCR */
	CHECK_EQ(rd(0x034, 4), 0x12);  /* UARTIFLS */
	CHECK_EQ(rd(0x038, 4), 0);     /* UARTIMSC */
	CHECK_EQ(rd(0x03c, 4), 0);     /* UARTRIS */
	CHECK_EQ(rd(0x040, 4), 0);     /* UARTMIS */
	CHECK_EQ(rd(0x004, 4), 0);     /* UARTRSR */
	/* CTS, DSR, DCD, RXFE, TXFE; never BUSY or TXFF. */
	CHECK_EQ(rd(0x018, 4), 0x97);
	CHECK_EQ(rd(0x000, 4), 0); /* empty RX FIFO reads 0 */
	CHECK(!vpl011_irq_level(&uart));
}

static void test_rx_fifo(void)
{
	reset(0);
	CHECK(vpl011_rx(&uart, 'a'));
	CHECK_EQ(rd(0x018, 4) & 0x50, 0); /* neither RXFE nor RXFF */
	CHECK_EQ(rd(0x000, 4), 'a');
	CHECK_EQ(rd(0x018, 4) & 0x10, 0x10);

	for (u32 i = 0; i < VPL011_FIFO; i++) {
		CHECK(vpl011_rx(&uart, (u8)(0x40 + i)));
	}
	CHECK_EQ(rd(0x018, 4) & 0x50, 0x40); /* RXFF */
	/* Console input behind a full FIFO waits in the backlog (a paste); once that is full
	 * too, bytes are dropped, counted and flagged as an overrun. */
	for (u32 i = 0; i < VPL011_BACKLOG; i++) {
		CHECK(vpl011_rx(&uart, (u8)(0x80 + i % 64)));
	}
	CHECK_EQ(rd(0x004, 4), 0);
	CHECK(!vpl011_rx(&uart, 0x7f)); /* overrun: dropped */
	CHECK(!vpl011_rx(&uart, 0x7e));
	CHECK_EQ(uart.rx_dropped, 2);
	CHECK_EQ(rd(0x004, 4), 0x8);	       /* RSR.OE */
	CHECK_EQ(rd(0x03c, 4) & 0x400, 0x400); /* OERIS */
	for (u32 i = 0; i < VPL011_FIFO; i++) {
		CHECK_EQ(rd(0x000, 1), 0x40 + i); /* arrival order, overrun bytes absent */
	}
	for (u32 i = 0; i < VPL011_BACKLOG; i++) {
		CHECK_EQ(rd(0x018, 4) & 0x10, 0); /* the FIFO refills from the backlog */
		CHECK_EQ(rd(0x000, 1), 0x80 + i % 64);
	}
	CHECK_EQ(rd(0x018, 4) & 0x50, 0x10);
	CHECK_EQ(rd(0x000, 4), 0);
	wr(0x004, 4, 0); /* UARTECR */
	CHECK_EQ(rd(0x004, 4), 0);
	wr(0x044, 4, 0x400);
	CHECK_EQ(rd(0x03c, 4), 0);
	CHECK_EQ(uart.rx_bytes, 1 + VPL011_FIFO + VPL011_BACKLOG);
	/* A byte arriving while the backlog holds bytes queues behind them, never ahead. */
	for (u32 i = 0; i < VPL011_FIFO + 3; i++) {
		CHECK(vpl011_rx(&uart, (u8)i));
	}
	CHECK_EQ(rd(0x000, 4), 0);
	CHECK(vpl011_rx(&uart, 0x55));
	for (u32 i = 1; i < VPL011_FIFO + 3; i++) {
		CHECK_EQ(rd(0x000, 4), i);
	}
	CHECK_EQ(rd(0x000, 4), 0x55);
	CHECK_EQ(rd(0x018, 4) & 0x10, 0x10);
	/* A VM reset empties FIFO and backlog. */
	for (u32 i = 0; i < VPL011_FIFO + 10; i++) {
		CHECK(vpl011_rx(&uart, 'q'));
	}
	vpl011_init(&uart, 0);
	CHECK_EQ(rd(0x018, 4) & 0x10, 0x10);
	CHECK_EQ(uart.bl_count, 0);
	/* Wrap-around of the ring. */
	for (u32 round = 0; round < 3; round++) {
		for (u32 i = 0; i < 20; i++) {
			CHECK(vpl011_rx(&uart, (u8)(round * 20 + i)));
		}
		for (u32 i = 0; i < 20; i++) {
			CHECK_EQ(rd(0x000, 4), round * 20 + i);
		}
	}
}

static void test_interrupts(void)
{
	reset(0);
	/* RX and RT follow the FIFO; ICR cannot clear them while data waits. */
	vpl011_rx(&uart, 'x');
	CHECK_EQ(rd(0x03c, 4), 0x50);
	CHECK_EQ(rd(0x040, 4), 0);
	CHECK(!vpl011_irq_level(&uart));
	wr(0x038, 4, 0x40); /* RTIM */
	CHECK_EQ(rd(0x040, 4), 0x40);
	CHECK(vpl011_irq_level(&uart));
	wr(0x044, 4, 0x7ff);
	CHECK(vpl011_irq_level(&uart));
	rd(0x000, 4);
	CHECK_EQ(rd(0x03c, 4), 0);
	CHECK(!vpl011_irq_level(&uart));

	/* TX: latched by a write, cleared by ICR; masked until TXIM. */
	wr(0x000, 4, 'A');
	CHECK_EQ(rd(0x03c, 4), 0x20);
	CHECK(!vpl011_irq_level(&uart));
	wr(0x044, 4, 0x20);
	CHECK_EQ(rd(0x03c, 4), 0);
	/* Enabling TXIM with the (always empty) TX FIFO raises it at once. */
	wr(0x038, 4, 0x60);
	CHECK_EQ(rd(0x03c, 4), 0x20);
	CHECK_EQ(rd(0x040, 4), 0x20);
	CHECK(vpl011_irq_level(&uart));
	wr(0x044, 4, 0x20);
	CHECK(!vpl011_irq_level(&uart));
	/* Rewriting IMSC with TXIM still set is no new enable. */
	wr(0x038, 4, 0x60);
	CHECK(!vpl011_irq_level(&uart));
	wr(0x000, 4, 'B');
	CHECK(vpl011_irq_level(&uart));
	wr(0x038, 4, 0);
	CHECK(!vpl011_irq_level(&uart));
	CHECK_EQ(rd(0x03c, 4), 0x20); /* still raw-pending, only masked */
}

/*
 * Linux amba-pl011 transmit flow (drivers/tty/serial/amba-pl011.c, PIO): start_tx
 * writes while FR.TXFF is clear and enables TXIM only if data is left; the
 * interrupt handler reads MIS, acks everything but TX/RX/RT, and writes up to
 * fifosize/2 bytes per TX interrupt, stopping TX (TXIM off) when the buffer is
 * empty. The driver must neither stall nor spin forever.
 */
static void test_linux_tx_flow(void)
{
	u32 pending = 300, sent = 0, im = 0x50, irqs = 0;

	reset(3);
	wr(0x038, 4, im);
	/* start_tx from process context, pretending the driver got only 5 bytes out
	 * (e.g. an x_char or a stop) so it relies on the TX interrupt for the rest. */
	for (u32 i = 0; i < 5; i++) {
		CHECK_EQ(rd(0x018, 4) & 0x20, 0);
		wr(0x000, 4, 'a' + sent++ % 26);
		pending--;
	}
	im |= 0x20;
	wr(0x038, 4, im);
	while (vpl011_irq_level(&uart) && irqs < 1000) {
		u32 status = (u32)rd(0x03c, 4) & im;
		u32 pass = 256;

		irqs++;
		while (status) {
			wr(0x044, 4, status & ~0x70U);
			if (status & 0x20) {
				for (u32 n = 0; n < 16 && pending > 0; n++) {
					wr(0x000, 4, 'a' + sent++ % 26);
					pending--;
				}
				if (pending == 0) {
					im &= ~0x20U; /* stop_tx */
					wr(0x038, 4, im);
				}
			}
			if (pass-- == 0) {
				break;
			}
			status = (u32)rd(0x03c, 4) & im;
		}
	}
	CHECK_EQ(pending, 0);
	CHECK(irqs >= 1 && irqs < 5);
	CHECK(!vpl011_irq_level(&uart));
	CHECK_EQ(rec_n, 300);
	for (u32 i = 0; i < 300 && i < rec_n; i++) {
		CHECK_EQ(rec_vm[i], 3);
		CHECK_EQ(rec_c[i], 'a' + i % 26);
	}
	CHECK_EQ(uart.tx_bytes, 300);
}

static void test_tx_to_console(void)
{
	reset(7);
	wr(0x000, 4, 0x1241); /* only the data byte is sent */
	wr(0x000, 1, 'B');
	wr(0x000, 2, 'C');
	wr(0x001, 1, 'X'); /* upper byte lane of UARTDR: nothing sent */
	wr(0x000, 8, 'Y'); /* 64-bit: WI */
	CHECK_EQ(rec_n, 3);
	CHECK_EQ(rec_vm[0], 7);
	CHECK_EQ(rec_vm[2], 7);
	CHECK(memcmp(rec_c, "ABC", 3) == 0);

	/* Loopback (UARTCR.LBE): transmitted bytes come back as input. */
	wr(0x030, 4, 0x381);
	wr(0x000, 4, 'L');
	CHECK_EQ(rec_n, 3);
	CHECK_EQ(rd(0x000, 4), 'L');
	wr(0x030, 4, 0x301);
	wr(0x000, 4, 'D');
	CHECK_EQ(rec_n, 4);
	CHECK_EQ(rec_c[3], 'D');
}

static void test_register_masks(void)
{
	static const struct {
		u32 off, mask;
	} regs[] = {{0x020, 0xff},   {0x024, 0xffff}, {0x028, 0x3f},  {0x02c, 0xff},
		    {0x030, 0xff87}, {0x034, 0x3f},   {0x038, 0x7ff}, {0x048, 0x7}};

	reset(0);
	for (u32 i = 0; i < ARRAY_SIZE(regs); i++) {
		wr(regs[i].off, 4, 0xffffffff);
		CHECK_EQ(rd(regs[i].off, 4), regs[i].mask);
		wr(regs[i].off, 4, 0);
		CHECK_EQ(rd(regs[i].off, 4), 0);
	}
	/* Sub-word writes merge into the register. */
	wr(0x030, 4, 0x0301);
	wr(0x031, 1, 0x0c); /* DTR|RTS in the upper byte, UARTEN kept */
	CHECK_EQ(rd(0x030, 4), 0x0c01);
	CHECK_EQ(rd(0x031, 1), 0x0c);
	CHECK_EQ(rd(0x030, 2), 0x0c01);
	wr(0x024, 2, 0xabcd);
	CHECK_EQ(rd(0x024, 4), 0xabcd);
	wr(0x024, 1, 0x11);
	CHECK_EQ(rd(0x024, 4), 0xab11);
	/* Read-only registers ignore writes. */
	wr(0x018, 4, 0);
	CHECK_EQ(rd(0x018, 4), 0x97);
	wr(0x044, 4, 0x7ff); /* TXRIS was raised by enabling TXIM above */
	wr(0x03c, 4, 0x7ff);
	CHECK_EQ(rd(0x03c, 4), 0);
	wr(0x040, 4, 0x7ff);
	CHECK_EQ(rd(0x040, 4), 0);
	CHECK_EQ(rd(0x044, 4), 0); /* ICR is write-only */
}

static void test_hostile(void)
{
	static const u32 sizes[] = {0, 1, 2, 3, 4, 5, 8, 16, 0x80000000u, 0xffffffffu};
	static const u64 far_offs[] = {0x1000,
				       0x1001,
				       0xfff,
				       0xffc,
				       0x10000,
				       0xffffffffULL,
				       0xfffffffffffffffcULL,
				       0xffffffffffffffffULL};
	u64 seed = 0x9e3779b97f4a7c15ULL;

	reset(2);
	/* Every offset of the page, every size, both directions, random data. */
	for (u64 off = 0; off < 0x1010; off++) {
		for (u32 s = 0; s < ARRAY_SIZE(sizes); s++) {
			u64 v = 0x5555;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			uart_access(off, sizes[s], false, &v);
			if (sizes[s] != 1 && sizes[s] != 2 && sizes[s] != 4) {
				CHECK_EQ(v, 0); /* RAZ */
			} else if (sizes[s] < 4) {
				CHECK(v < (1ULL << (8 * sizes[s])));
			} else {
				CHECK(v <= 0xffffffffULL);
			}
			v = seed;
			uart_access(off, sizes[s], true, &v);
			vpl011_rx(&uart, (u8)seed);
			vpl011_irq_level(&uart);
		}
	}
	for (u32 i = 0; i < ARRAY_SIZE(far_offs); i++) {
		u64 v = 0x1234;

		uart_access(far_offs[i], 4, false, &v);
		if (far_offs[i] >= 0x1000 || (far_offs[i] & 3) != 0) {
			CHECK_EQ(v, 0);
		}
		uart_access(far_offs[i], 4, true, &v);
	}
	/* Unknown and reserved offsets read as zero; the device still works. */
	CHECK_EQ(rd(0x008, 4), 0);
	CHECK_EQ(rd(0x04c, 4), 0);
	CHECK_EQ(rd(0x800, 4), 0);
	CHECK_EQ(rd(0xfdc, 4), 0);
	CHECK_EQ(rd(0x002, 2), 0);
	CHECK_EQ(rd(0xfe0, 4), 0x11);
	CHECK(uart.rx_count <= VPL011_FIFO);
	CHECK(uart.rx_head < VPL011_FIFO);
	CHECK_EQ(uart.vm_id, 2);
	for (size_t i = 0; i < rec_n && i < ARRAY_SIZE(rec_vm); i++) {
		CHECK_EQ(rec_vm[i], 2);
	}
	/* Misaligned 32-bit access to a real register is ignored, not half-applied. */
	reset(2);
	wr(0x032, 4, 0xffffffff);
	CHECK_EQ(rd(0x030, 4), 0x300);
	wr(0x001, 2, 'Z');
	CHECK_EQ(rec_n, 0);
	wr(0x025, 2, 0xffff);
	CHECK_EQ(rd(0x024, 4), 0);
	CHECK_EQ(rd(0x031, 2), 0);
	CHECK_EQ(rd(0x031, 1), 0x03);
}

/* The trap fast path's word accesses (vpl011_word) against the general ones on a twin: the
 * same values read, the same bytes out, the same state after; the line reported is the
 * truth after, or VPL011_IRQ_SAME only when it did not move. Every register offset, with
 * TXIM, loopback and RX data in play. */
static void test_word_path(void)
{
	static struct vpl011 twin;
	static const u32 offs[] = {0x000, 0x004, 0x018, 0x024, 0x02c, 0x030, 0x038,
				   0x03c, 0x040, 0x044, 0xfe0, 0xffc, 0x800};
	u32 seed = 12345;

	reset(3);
	vpl011_create(&twin, 3);
	for (u32 i = 0; i < 20000; i++) {
		u32 off = offs[(seed >> 8) % ARRAY_SIZE(offs)];
		bool write = (seed >> 4) & 1;
		u32 val = seed ^ (seed >> 13), got = val;
		u64 want = val;
		bool before = vpl011_irq_level(&uart);
		size_t out = rec_n;

		seed = seed * 1103515245U + 12345U;
		if (off == 0x030 && write) {
			val &= ~0x80U | (seed & 0x80U); /* loopback on now and then */
			got = val;
			want = val;
		}
		if ((seed & 0x700) == 0x100) {
			CHECK_EQ(vpl011_rx(&uart, (u8)seed), vpl011_rx(&twin, (u8)seed));
		}
		int level = vpl011_word(&uart, off, write, &got);
		size_t sent = rec_n - out;

		vpl011_access(&twin, off, 4, write, &want);
		CHECK_EQ(rec_n - out, 2 * sent); /* the same bytes out (at most one) */
		CHECK(sent <= 1);
		rec_n = out + sent;
		if (!write) {
			CHECK_EQ(got, (u32)want);
		}
		if (level == VPL011_IRQ_SAME) {
			CHECK_EQ(before, vpl011_irq_level(&uart));
		} else {
			CHECK_EQ(level, (int)vpl011_irq_level(&uart));
		}
		CHECK_EQ(vpl011_irq_level(&uart), vpl011_irq_level(&twin));
		CHECK(memcmp((u8 *)&uart + sizeof(uart.lock), (u8 *)&twin + sizeof(twin.lock),
			     __builtin_offsetof(struct vpl011, backlog) - sizeof(uart.lock)) == 0);
	}
	CHECK(uart.tx_bytes > 100);
}

int main(void)
{
	RUN(test_ids);
	RUN(test_reset_values);
	RUN(test_rx_fifo);
	RUN(test_interrupts);
	RUN(test_linux_tx_flow);
	RUN(test_tx_to_console);
	RUN(test_register_masks);
	RUN(test_hostile);
	RUN(test_word_path);
	CHECK_MAIN_END();
}
