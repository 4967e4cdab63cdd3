/* SPDX-License-Identifier: MIT */
/*
 * For the device harnesses, which link the device models without the core: the console
 * the emulated PL011 sends to (core/console.c in the hypervisor and in the unit tests)
 * is a plain buffer here, so a harness can bound what a VM's transmit produced.
 */
#include "console_sink.h"
#include "arch.h"

char fake_console_buf[4096];
size_t fake_console_len;

void console_vm_putc(u32 vm_id, char c)
{
	(void)vm_id;
	if (fake_console_len + 1 < sizeof(fake_console_buf)) {
		fake_console_buf[fake_console_len++] = c;
		fake_console_buf[fake_console_len] = 0;
	}
}

/* The trace rings (core/trace.c, linked with the device models) stamp records with the
 * counter, which the core's fake machine provides elsewhere: a plain count here (weak: a
 * harness may have its own). */
__attribute__((weak)) u64 arch_counter(void)
{
	static u64 now;

	return now++;
}
