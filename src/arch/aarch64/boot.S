/* SPDX-License-Identifier: MIT */
/*
 * Entry at EL2. CPU 0 comes from QEMU's loader (x0 unspecified, MMU off);
 * the others from PSCI CPU_ON with x0 = their CPU index (the context id).
 */
#define STACK_SHIFT 14

	.section .text.boot, "ax"
	.global _start
_start:
	msr	daifset, #0xf
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	boot_halt
	/* .bss (not the page pool, tessera.ld): 256 bytes a round (21 instructions), then 16 at
	 * a time. The MMU is off (Device memory), so no DC ZVA; both bounds are 16-byte
	 * aligned. */
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	sub	x3, x2, x1
	cmp	x3, #256
	b.lo	2f
	.irp	o, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240
	stp	xzr, xzr, [x1, #\o]
	.endr
	add	x1, x1, #256
	b	1b
2:	cmp	x1, x2
	b.hs	3f
	stp	xzr, xzr, [x1], #16
	b	2b
3:	mov	x19, #0
	b	boot_common

	.global secondary_entry
secondary_entry:
	msr	daifset, #0xf
	mov	x19, x0
	cmp	x19, #8
	b.hs	boot_halt

boot_common:
	adrp	x1, __stacks_start
	add	x1, x1, :lo12:__stacks_start
	add	x2, x19, #1
	lsl	x2, x2, #STACK_SHIFT
	add	x1, x1, x2
	mov	sp, x1
	adrp	x2, vectors
	add	x2, x2, :lo12:vectors
	msr	vbar_el2, x2
	isb
	mov	x0, x19
	mov	x1, sp
	bl	setup_cpu_main
boot_halt:
	wfe
	b	boot_halt
