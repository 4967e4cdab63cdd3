/* SPDX-License-Identifier: MIT */
/*
 * arch_sha256_blocks (arch.h): whole SHA-256 blocks with the Armv8 SHA-256 instructions
 * (FEAT_SHA256: SHA256H, SHA256H2, SHA256SU0, SHA256SU1), when ID_AA64ISAR0_EL1.SHA2 says
 * this CPU has them. About 2 instructions a byte against about 30 for the portable rounds
 * (src/lib/sha256.c), which remain the path of a CPU without them.
 *
 * The hypervisor is built without FP/SIMD (arch.mk) because a guest's FP/SIMD registers stay
 * live in the CPU while the hypervisor runs: every vector register used here is saved whole
 * on entry and restored on return. These instructions leave FPSR and FPCR alone. CPTR_EL2
 * does not trap FP/SIMD at EL2 (setup.c).
 *
 * x0: u32 h[8], the state (A..H, in and out); x1: the data; x2: the number of 64-byte blocks;
 * x3: the round constants K[64] (FIPS 180-4 4.2.2, the caller's table). Returns w0 = 1, or
 * w0 = 0 with nothing touched on a CPU without the instructions.
 *
 * Registers: v0 ABCD, v1 EFGH, v2/v3 the state at the block's start, v4..v7 the message
 * schedule W (four words each, a ring), v16 W + K of four rounds, v17 ABCD before them.
 */
	.arch	armv8-a+crypto
	.text
	.balign	4

/* Four rounds on schedule words w, then (sched) the four words 16 on from them. */
.macro	rounds4 w, w1, w2, w3, sched
	ld1	{v16.4s}, [x3], #16
	add	v16.4s, v16.4s, \w\().4s
	.if \sched
	sha256su0 \w\().4s, \w1\().4s
	.endif
	mov	v17.16b, v0.16b
	sha256h	q0, q1, v16.4s
	sha256h2 q1, q17, v16.4s
	.if \sched
	sha256su1 \w\().4s, \w2\().4s, \w3\().4s
	.endif
.endm

	.global	arch_sha256_blocks
	.type	arch_sha256_blocks, %function
arch_sha256_blocks:
	mrs	x4, id_aa64isar0_el1
	ubfx	x4, x4, #12, #4		/* SHA2: 1 SHA-256, 2 SHA-256 and SHA-512 */
	cbz	x4, 9f
	mov	w4, #1
	cbz	x2, 8f
	stp	q0, q1, [sp, #-160]!
	stp	q2, q3, [sp, #32]
	stp	q4, q5, [sp, #64]
	stp	q6, q7, [sp, #96]
	stp	q16, q17, [sp, #128]
	mov	x5, x3
	ld1	{v0.4s, v1.4s}, [x0]
1:	ld1	{v4.16b, v5.16b, v6.16b, v7.16b}, [x1], #64
	rev32	v4.16b, v4.16b		/* the message words are big-endian */
	rev32	v5.16b, v5.16b
	rev32	v6.16b, v6.16b
	rev32	v7.16b, v7.16b
	mov	v2.16b, v0.16b
	mov	v3.16b, v1.16b
	mov	x3, x5
	mov	x6, #3
2:	rounds4	v4, v5, v6, v7, 1	/* rounds 0..47: sixteen on, three times */
	rounds4	v5, v6, v7, v4, 1
	rounds4	v6, v7, v4, v5, 1
	rounds4	v7, v4, v5, v6, 1
	subs	x6, x6, #1
	b.ne	2b
	rounds4	v4, v5, v6, v7, 0	/* rounds 48..63: the schedule is complete */
	rounds4	v5, v6, v7, v4, 0
	rounds4	v6, v7, v4, v5, 0
	rounds4	v7, v4, v5, v6, 0
	add	v0.4s, v0.4s, v2.4s
	add	v1.4s, v1.4s, v3.4s
	subs	x2, x2, #1
	b.ne	1b
	st1	{v0.4s, v1.4s}, [x0]
	ldp	q2, q3, [sp, #32]
	ldp	q4, q5, [sp, #64]
	ldp	q6, q7, [sp, #96]
	ldp	q16, q17, [sp, #128]
	ldp	q0, q1, [sp], #160
8:	mov	w0, w4
	ret
9:	mov	w0, #0
	ret
	.size	arch_sha256_blocks, . - arch_sha256_blocks
