/* SPDX-License-Identifier: MIT */
/*
 * vcon_echo: one end of a virtio-console link (docs/VIRTIO.md). Both ends send
 * "lines=<n>" numbered, hashed lines at the same time and check that every
 * line of the other end arrives once, intact and in order. Bootargs:
 * side=0|1 (0 sends 'A' lines, 1 sends 'B' lines), lines=<n>, vio=<window
 * address>, irq=<INTID>, wait=<ms> (give up after that).
 */
#include "virtio.h"

static struct kvio dev;

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u32 side = (u32)kit_arg_u64(args, "side=", 0);
	u32 lines = (u32)kit_arg_u64(args, "lines=", 1000);
	u64 base = kit_arg_u64(args, "vio=", 0x0a000000);
	u32 irq = (u32)kit_arg_u64(args, "irq=", 48);
	u32 wait_ms = (u32)kit_arg_u64(args, "wait=", 20000);
	const char *why = "";
	char me = side ? 'B' : 'A', peer = side ? 'A' : 'B';

	test_begin("vcon_echo");
	if (!test_check(kvio_init(&dev, base, irq, &why) == 0, "virtio console up", "%s", why))
		test_done();
	u32 errors = kvio_exchange(&dev, me, peer, lines, wait_ms);
	test_check(errors == 0, "lines exchanged", "errors=%u", errors);
	test_fact("side=%u lines=%u irqs=%u", side, lines, dev.irqs);
	test_check(dev.irqs > 0, "interrupts delivered", "irqs=%u", dev.irqs);
	test_check(!kvio_broken(&dev), "device healthy", "status=0x%x",
		   kvio_rd(&dev, VMMIO_STATUS));
	test_done();
}
