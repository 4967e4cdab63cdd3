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
	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	mov	x19, #0
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
