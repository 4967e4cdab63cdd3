/* SPDX-License-Identifier: MIT */
/*
 * Guest kit entry. The boot CPU enters _start at EL1 with the MMU off (Linux
 * arm64 boot protocol: x0 = DTB under Tessera; unset on bare QEMU, whose DTB
 * sits at the base of RAM). Secondaries enter kit_secondary_entry from PSCI
 * CPU_ON with the context id in x0 (DEN0022 5.6).
 */
#define STACK_SHIFT 14 /* 16 KiB per CPU */
#define MAX_CPUS    8

/* SCTLR_EL1: RES1 bits of ARMv8.0 (11, 20, 22, 23, 28, 29) + I-cache; MMU, D-cache,
 * alignment checking off. A known value because a VM restart may leave anything. */
#define SCTLR_EL1_VAL 0x30d01800

	.section .text.boot, "ax"
	.global _start
_start:
	/* First instruction: the virtual counter at entry (under QEMU -icount, the
	 * number of instructions executed since reset; bench/ reads it). */
	mrs	x20, cntvct_el0
	mrs	x21, cntpct_el0 /* the physical one too (bench_rollback: not shifted by a restore) */
	mov	x19, x0
	bl	cpu_setup
	/* Zero .bss on the boot CPU only, before any C code runs. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:	ldr	x1, =kit_entry_counter
	str	x20, [x1]
	ldr	x1, =kit_entry_pcounter
	str	x21, [x1]
	mov	x0, x19
	bl	kit_boot
	b	park

	.global kit_secondary_entry
kit_secondary_entry:
	mov	x19, x0
	bl	cpu_setup
	mov	x0, x19
	bl	kit_secondary_main
	b	park

/* Masks exceptions, picks this CPU's stack by MPIDR Aff0 and installs the vectors.
 * Uses x0..x3 only; returns through x30 (no stack yet). */
cpu_setup:
	msr	daifset, #0xf
	msr	spsel, #1
	ldr	x0, =SCTLR_EL1_VAL
	msr	sctlr_el1, x0
	mrs	x0, mpidr_el1
	and	x0, x0, #0xff
	cmp	x0, #MAX_CPUS
	b.hs	park
	ldr	x1, =__stacks_end
	sub	x1, x1, x0, lsl #STACK_SHIFT
	mov	sp, x1
	ldr	x2, =kit_vectors
	msr	vbar_el1, x2
	isb
	ret

park:
	msr	daifset, #0xf
3:	wfi
	b	3b
