/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors (Arm ARM D1.10.2). Traps from the guest save the
 * general registers into the current vCPU (TPIDR_EL2 -> struct cpu, whose
 * first field points at the vCPU, whose first field is struct vcpu_regs),
 * call C, and return to the guest through guest_restore. Exceptions taken
 * from EL2 itself are hypervisor bugs: hyp_fault reports and halts.
 */
#define REGS_ELR (31 * 8)

.macro ventry target
	.balign 128
	b	\target
.endm

/*
 * Guest entry saves only what C may clobber (x0-x18, x30) plus ELR/SPSR; the C
 * ABI preserves x19-x29 (AAPCS64). Handlers that need the guest's whole register
 * file (an MMIO access naming x19-x28, a vCPU that must go idle) first run
 * save_callee, while those registers still hold the guest's values.
 */
.macro save_partial
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0]
	stp	x2, x3, [x0, #16]
	stp	x4, x5, [x0, #32]
	stp	x6, x7, [x0, #48]
	stp	x8, x9, [x0, #64]
	stp	x10, x11, [x0, #80]
	stp	x12, x13, [x0, #96]
	stp	x14, x15, [x0, #112]
	stp	x16, x17, [x0, #128]
	str	x18, [x0, #144]
	ldp	x2, x3, [sp], #16
	str	x30, [x0, #240]
	stp	x2, x3, [x0]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #REGS_ELR]
.endm

/* x0 = vCPU. */
.macro save_callee
	str	x19, [x0, #152]
	stp	x20, x21, [x0, #160]
	stp	x22, x23, [x0, #176]
	stp	x24, x25, [x0, #192]
	stp	x26, x27, [x0, #208]
	stp	x28, x29, [x0, #224]
.endm

/* x0 = vCPU; returns to the guest restoring only what save_partial saved. */
.macro restore_partial
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldr	x18, [x0, #144]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0]
	eret
.endm

	/* First in .text (tessera.ld): the table's 2 KiB alignment costs no padding there. */
	.section .text.vectors, "ax"
	.balign 2048
	.global vectors
vectors:
	ventry	hyp_fault_sync		/* current EL, SP_EL0 */
	ventry	hyp_fault_irq
	ventry	hyp_fault_irq
	ventry	hyp_fault_serr
	ventry	hyp_fault_sync		/* current EL, SP_ELx */
	ventry	hyp_fault_irq
	ventry	hyp_fault_irq
	ventry	hyp_fault_serr
	ventry	guest_sync		/* lower EL, AArch64 */
	ventry	guest_irq
	ventry	guest_fiq		/* FIQ: Group 0, only on a direct-interrupts CPU */
	ventry	guest_serror
	ventry	guest_sync		/* lower EL, AArch32: trap_sync rejects it */
	ventry	guest_irq
	ventry	guest_fiq
	ventry	guest_serror

guest_sync:
	save_partial
	/* Fast path: HVC calls that need neither the vGIC nor the full register file. */
	mrs	x1, esr_el2
	lsr	x1, x1, #26
	cmp	x1, #0x16
	b.ne	1f
	bl	trap_hvc_fast
	cbnz	x0, 2f
	mrs	x0, tpidr_el2
	ldr	x0, [x0]
	restore_partial
2:	mrs	x0, tpidr_el2
	ldr	x0, [x0]
1:	save_callee
	bl	trap_sync
	b	guest_restore

guest_fiq:
	save_partial
	bl	trap_fiq		/* direct.c; falls back to trap_irq */
	b	irq_tail

guest_irq:
	save_partial
	bl	trap_irq
irq_tail:
	mrs	x1, tpidr_el2
	ldr	x1, [x1]
	cbnz	x0, 3f
	mov	x0, x1
	restore_partial
3:	mov	x0, x1
	save_callee
	b	sched_run		/* the vCPU stopped, paused or went off: idle */

guest_serror:
	save_partial
	save_callee
	bl	trap_serror
	b	guest_restore

/* void arch_vcpu_enter(struct vcpu *vc, u64 stack_top): never returns. */
	.global arch_vcpu_enter
arch_vcpu_enter:
	mov	sp, x1
	b	restore_x0

guest_restore:
	mrs	x0, tpidr_el2
	ldr	x0, [x0]
restore_x0:
	ldp	x1, x2, [x0, #REGS_ELR]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0]
	eret

hyp_fault_sync:
	mov	x0, #0
	b	hyp_fault
hyp_fault_irq:
	mov	x0, #1
	b	hyp_fault
hyp_fault_serr:
	mov	x0, #2
hyp_fault:
	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	bl	trap_hyp_fault
1:	wfe
	b	1b

/* Zeroes the FP/SIMD registers so a reset vCPU sees none of its previous run. */
	.global arch_fp_reset
arch_fp_reset:
	movi	v0.2d, #0
	movi	v1.2d, #0
	movi	v2.2d, #0
	movi	v3.2d, #0
	movi	v4.2d, #0
	movi	v5.2d, #0
	movi	v6.2d, #0
	movi	v7.2d, #0
	movi	v8.2d, #0
	movi	v9.2d, #0
	movi	v10.2d, #0
	movi	v11.2d, #0
	movi	v12.2d, #0
	movi	v13.2d, #0
	movi	v14.2d, #0
	movi	v15.2d, #0
	movi	v16.2d, #0
	movi	v17.2d, #0
	movi	v18.2d, #0
	movi	v19.2d, #0
	movi	v20.2d, #0
	movi	v21.2d, #0
	movi	v22.2d, #0
	movi	v23.2d, #0
	movi	v24.2d, #0
	movi	v25.2d, #0
	movi	v26.2d, #0
	movi	v27.2d, #0
	movi	v28.2d, #0
	movi	v29.2d, #0
	movi	v30.2d, #0
	movi	v31.2d, #0
	msr	fpcr, xzr
	msr	fpsr, xzr
	ret
