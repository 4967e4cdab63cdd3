/* SPDX-License-Identifier: MIT */
/*
 * EL2 exception vectors (Arm ARM D1.10.2). Traps from the guest save the
 * general registers into the current vCPU (TPIDR_EL2 -> struct cpu, whose
 * first field points at the vCPU, whose first field is struct vcpu_regs),
 * call C, and return to the guest through guest_restore. Exceptions taken
 * from EL2 itself are hypervisor bugs: hyp_fault reports and halts.
 */
#include "asm_offsets.h"
#include "smccc_fast.h"

#define REGS_ELR  (31 * 8)
#define EC_HVC64    0x16
#define EC_SYSREG   0x18
#define EC_DABT_LOW 0x24

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
	save_gprs
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #REGS_ELR]
.endm

/* x0-x18 and x30 only; leaves x0 = vCPU. ELR/SPSR stay in the CPU (trap_irq saves them
 * when it leaves its fast path). */
.macro save_gprs
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
.endm

/* save_gprs for a sync trap whose entry pushed the guest's x0 and x1 (in that order) and
 * used only those two: leaves x0 = vCPU, keeps x1. ELR/SPSR stay in the CPU: the fast paths
 * write ELR_EL2 directly; guest_sync saves both before it takes the full path. */
.macro save_rest
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
.endm

/* For guest_irq: x0 = the INTID it acknowledged, the guest's x0 and x1 on the stack in a
 * 48-byte frame, x2-x18 and x30 live. Saves them as save_gprs does (the dsb orders the
 * IAR read before whatever the handler reads), pops the frame; x0 = vCPU, x1 = INTID. */
.macro irq_save_acked
	dsb	sy
	str	x0, [sp, #16]
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
	str	x30, [x0, #240]
	ldp	x2, x3, [sp]
	stp	x2, x3, [x0]
	ldr	x1, [sp, #16]
	add	sp, sp, #48
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

	/* First in .text (tessera.ld): the image base is 2 KiB aligned, so the table's
	 * alignment costs no padding, whatever the size of the code around it. */
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
	/* The EC first, with only x0 and x1 on the stack: HVC and SMC go to the standard-call
	 * fast path (smccc_entry) before anything else is saved. x1 = EC - EC_HVC64 from here:
	 * 0 for HVC, 1 for a trapped SMC, and it survives save_rest. */
	stp	x0, x1, [sp, #-16]!
	mrs	x1, esr_el2
	lsr	x1, x1, #26
	sub	x1, x1, #EC_HVC64
	cmp	x1, #1
	b.ls	smccc_entry
#ifndef TESSERA_SHARE_STATS
	cmp	x1, #(EC_SYSREG - EC_HVC64)
	b.eq	sgi_entry
#endif
sync_rest:				/* x1 = EC - EC_HVC64, the guest's x0 and x1 on the stack */
	save_rest
	/* Fast paths on the partial save (x0-x18, x30); each returns 0 when it retired the
	 * trap, else the trap takes the full path: data aborts to the vGIC or vPL011 window
	 * (trap_dabt); an SGI generation write (ICC_SGI1R_EL1, trap_sysreg_fast). */
	cmp	x1, #(EC_DABT_LOW - EC_HVC64)
	b.ne	5f
#ifndef TESSERA_NO_TRACE_HOOKS		/* tracing: the full path, which trap_sync records */
	ldr	w2, [x0, #VCPU_TRACE]	/* here, not in trap_dabt: its code stays the untraced one */
	cbnz	w2, 2f
#endif
	bl	trap_dabt
	cbz	x0, 4f
	b	2f
5:	cmp	x1, #(EC_SYSREG - EC_HVC64)
	b.ne	3f
	bl	trap_sysreg_fast
	cbnz	x0, 2f
4:
sync_resume:				/* retired on the partial save: back to the guest */
	mrs	x0, tpidr_el2
	ldr	x0, [x0]
	restore_partial
2:
sync_full:				/* not retired: the full path */
	mrs	x0, tpidr_el2
	ldr	x0, [x0]
3:	mrs	x2, elr_el2		/* the full path: ELR and SPSR too */
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #REGS_ELR]
	save_callee
	bl	trap_sync
	b	guest_restore

/*
 * The answer: x0 = the result, x1 = 0 for HVC, 1 for SMC. Counts the exit in the vCPU's
 * exits[] (its own CPU's, no atomic): an HVC under its function group (the label taken),
 * a trapped SMC as SMC. The result goes into the guest's x0 slot, freeing x0.
 */
.macro smccc_count group
	str	x0, [sp]
	mrs	x0, tpidr_el2
	ldr	x0, [x0]
	cbnz	x1, smccc_ret_smc
	ldr	x1, [x0, #(VCPU_EXITS + 8 * \group)]
	add	x1, x1, #1
	str	x1, [x0, #(VCPU_EXITS + 8 * \group)]
	ldp	x0, x1, [sp], #16
	eret
.endm

/*
 * The vGIC's ticket lock at [x2] (struct spinlock: next, then owner), as spin_lock does it:
 * \tk = this CPU's ticket, \cur a scratch register, w1 the exclusive store's status; leaves
 * x1 = &owner for the unlock. Local labels 1-3 are the macro's.
 */
.macro vgic_lock tk, cur
1:	ldxr	\tk, [x2]		/* spin_lock: take a ticket ... */
	add	\cur, \tk, #1
	stxr	w1, \cur, [x2]
	cbnz	w1, 1b
	add	x1, x2, #VGIC_LOCK_OWNER
2:	ldar	\cur, [x1]		/* ... and wait for it */
	cmp	\cur, \tk
	b.eq	3f
	yield
	b	2b
3:
.endm

/* \name: msr ICH_LR<n>_EL2, \src for n = w1 (8 bytes an entry), each going on to \done. */
.macro lr_write_table name, src, done
	.balign	8
\name:
	.irp	lr, 0, 1, 2, 3, 4, 5, 6, 7
	msr	s3_4_c12_c12_\lr, \src
	b	\done
	.endr
	.irp	lr, 0, 1, 2, 3, 4, 5, 6, 7
	msr	s3_4_c12_c13_\lr, \src
	b	\done
	.endr
.endm

/*
 * SGI x0 of the vgic_cpu at x3 (vGIC at x2, locked), checked for the fast paths: x5 = its
 * vgic_irq, w7 = its flags; on to \fail unless it is enabled, edge, not active, not
 * hardware-linked, with no list-register work pending, and Group 1 is on.
 */
.macro sgi_usable fail
	add	x5, x3, x0, lsl #3	/* x5 = &priv[intid] */
	ldrb	w7, [x5, #VIRQ_FLAGS]
	mov	w1, #0x39		/* ENABLED, ACTIVE, EDGE, HW ... */
	and	w1, w7, w1
	cmp	w1, #0x11		/* ... = ENABLED, EDGE */
	b.ne	\fail
	ldrb	w1, [x5, #VIRQ_OPS]
	cbnz	w1, \fail
	ldr	w1, [x2, #VGIC_CTLR]
	tbz	w1, #GICD_CTLR_EN_GRP1_BIT, \fail
.endm

/* The LR w1 that SGI x5 had last time, if it is this vCPU's (x3) and the guest is done
 * with it (ICH_ELRSR); otherwise on to \fail (still live: the general code merges). */
.macro lr_reusable fail
	ldrb	w1, [x5, #VIRQ_LR]	/* its LR from last time, if the guest is done with it */
	cmp	w1, #16
	b.hs	\fail
	ldrb	w8, [x5, #VIRQ_LR_VCPU]
	ldr	w9, [x3, #VC_VCPU_ID]
	cmp	w8, w9
	b.ne	\fail
	mrs	x8, ich_elrsr_el2
	lsr	x8, x8, x1
	tbz	x8, #0, \fail
.endm

/* w1 = the lowest free LR of those implemented (ICH_VTR_EL2.ListRegs) not in the vCPU's
 * lr_used (x3); on to \fail if there is none. */
.macro lr_find_free fail
	mrs	x1, ich_vtr_el2
	and	w1, w1, #0x1f
	add	w1, w1, #1		/* ListRegs + 1 <= 16 */
	mov	w8, #1
	lsl	w8, w8, w1
	sub	w8, w8, #1
	ldr	w9, [x3, #VC_LR_USED]
	bics	w8, w8, w9
	b.eq	\fail
	rbit	w8, w8
	clz	w1, w8			/* w1 = LR */
.endm

/*
 * An SGI into list register w1 (x0 = INTID, x3 = the vgic_cpu, x5 = its vgic_irq, w7 = its
 * flags, w4 = the source bits to add): the model marked in an LR and pending, the LR value
 * built, stored in lr_val and written through \table.
 */
.macro sgi_fill_lr table
	orr	w7, w7, #0x40		/* IN_LR */
	orr	w7, w7, #0x02		/* PENDING */
	and	w7, w7, #0x7f		/* ~NEWEDGE */
	strb	w7, [x5, #VIRQ_FLAGS]
	ldrh	w8, [x5, #VIRQ_SGI_SRC]
	orr	w8, w8, w4
	strh	w8, [x5, #VIRQ_SGI_SRC]
	ldrb	w8, [x5, #VIRQ_PRIO]
	orr	x8, x0, x8, lsl #48	/* vINTID, priority */
	orr	x8, x8, #0x4000000000000000 /* pending */
	orr	x8, x8, #0x1000000000000000 /* Group 1 */
	add	x9, x3, x1, lsl #3
	str	x8, [x9, #VC_LR_VAL]
	adr	x9, \table
	add	x9, x9, x1, lsl #3
	br	x9
.endm

/*
 * The standard-call fast path: HVC or trapped SMC (x1 = 0 / 1), w0 = the function ID, the
 * guest's x0 and x1 on the stack and every other register still the guest's. The
 * side-effect-free queries (smccc_fast.h) are answered here from constants and the
 * guest's x1, writing only x0 (SMCCC 1.1: x1-x17 preserved): SMCCC_VERSION,
 * SMCCC_ARCH_FEATURES, PSCI_VERSION, PSCI_FEATURES, MIGRATE_INFO_TYPE and Tessera's own
 * TESSERA_HC_VERSION. They are counted by class (smccc_count) but not as traps, and not
 * traced (trace.h: the trace sees the exits that reach C). Tessera's
 * other calls over HVC go to trap_hvc_fast on the partial save; everything else (PSCI
 * calls, unknown IDs, Tessera calls over SMC) to trap_sync. The upper half of x0 is
 * ignored (SMCCC 2.5: the function ID is w0).
 */
smccc_entry:
	tbz	w0, #30, smccc32
	eor	w0, w0, #0xc0000000
	eor	w0, w0, #0x06000000	/* Tessera's function number, if 0xC600_00nn */
	cbnz	w0, smccc_tessera
	mov	x0, #(TESSERA_ABI_VERSION_FAST & 0xffff)
	movk	x0, #(TESSERA_ABI_VERSION_FAST >> 16), lsl #16
smccc_ret:				/* Tessera's (falls through from the null call) */
	smccc_count VEXIT_Q_TESSERA_VAL
smccc_ret_psci:
	smccc_count VEXIT_Q_PSCI_VAL
smccc_ret_arch:
	smccc_count VEXIT_Q_ARCH_VAL
smccc_ret_smc:				/* x0 = the vCPU; returns past the SMC instruction */
	ldr	x1, [x0, #(VCPU_EXITS + 8 * VEXIT_Q_SMC_VAL)]
	add	x1, x1, #1
	str	x1, [x0, #(VCPU_EXITS + 8 * VEXIT_Q_SMC_VAL)]
	mrs	x1, elr_el2
	add	x1, x1, #4
	msr	elr_el2, x1
	ldp	x0, x1, [sp], #16
	eret

smccc32:				/* SMC32 convention: the Arm architecture calls, PSCI */
	eor	w0, w0, #0x80000000
	cmp	w0, #1
	b.ls	smccc_arch		/* 0x8000_0000 SMCCC_VERSION, 0x8000_0001 ARCH_FEATURES */
	eor	w0, w0, #0x04000000	/* PSCI's function number, if 0x8400_00nn */
	cmp	w0, #PSCI_FN_FEATURES
	b.eq	psci_features_fast
	cmp	w0, #PSCI_FN_MIGRATE_INFO_TYPE
	b.eq	1f
	cbnz	w0, smccc_slow
	mov	x0, #(PSCI_VERSION_1_1 & 0xffff)
	movk	x0, #(PSCI_VERSION_1_1 >> 16), lsl #16
	b	smccc_ret_psci
1:	mov	x0, #PSCI_MIGRATE_NONE
	b	smccc_ret_psci

smccc_arch:
	cbnz	w0, 1f
	mov	x0, #(SMCCC_VERSION_1_1 & 0xffff)
	movk	x0, #(SMCCC_VERSION_1_1 >> 16), lsl #16
	b	smccc_ret_arch
1:	ldr	w0, [sp, #8]		/* SMCCC_ARCH_FEATURES(w1): SMCCC_VERSION and itself */
	eor	w0, w0, #0x80000000
	cmp	w0, #1
	csetm	x0, hi			/* 0: implemented, -1: NOT_SUPPORTED */
	b	smccc_ret_arch

/* PSCI_FEATURES(w1): a bit of PSCI_FEATURES_SMC32/64 for a PSCI function, SMCCC_VERSION. */
psci_features_fast:
	stp	x2, x3, [sp, #-16]!
	ldr	w0, [sp, #24]		/* the function asked about: the guest's w1 */
	and	w2, w0, #0xbfffffff	/* the SMC32 and SMC64 variants alike */
	eor	w2, w2, #0x80000000
	eor	w2, w2, #0x04000000	/* its PSCI function number, if 0x8400_00nn/0xC400_00nn */
	cmp	w2, #31
	b.hi	1f
	ubfx	w3, w0, #30, #1		/* 1: SMC64 */
	add	w2, w2, w3, lsl #5
	ldr	x3, =((PSCI_FEATURES_SMC64 << 32) | PSCI_FEATURES_SMC32)
	lsr	x3, x3, x2
	tst	x3, #1
	csetm	x0, eq			/* 0: SUCCESS (and CPU_SUSPEND's flags), -1 */
	ldp	x2, x3, [sp], #16
	b	smccc_ret_psci
1:	eor	w0, w0, #0x80000000	/* PSCI 5.1.14: SMCCC_VERSION may be asked about too */
	cmp	w0, #0
	csetm	x0, ne
	ldp	x2, x3, [sp], #16
	b	smccc_ret_psci

smccc_tessera:				/* w0 = Tessera's function number, not 0 */
	cbnz	x1, smccc_slow		/* over SMC: trap_sync */
	mov	w1, w0
	save_rest
	bl	trap_hvc_fast		/* (vCPU, function number) */
	cbz	x0, 4b
	b	2b

smccc_slow:				/* not answered here: the full path, as the EC says */
	save_rest
	b	3b

#ifndef TESSERA_SHARE_STATS
/*
 * The self-SGI fast path, before the register save: a trapped ICC_SGI1R_EL1 write
 * (EC 0x18) whose value names exactly the writer's own vCPU (TargetList = its bit only;
 * Aff1, Aff2, Aff3, IRM and RS all 0) goes straight into a list register, as vgic_lr_fast
 * (vgic_lr.c) does it for vgic_sgi1r, under the same vGIC lock: the SGI enabled, not
 * active, edge (as every SGI is) and not HW, no deferred operation, Group 1 on, the vCPU's
 * vGIC neither dirty nor overflowing, the vCPU on its own CPU; its own LR from last time if
 * the guest has finished with it (ICH_ELRSR_EL2; the acknowledge consumed the old sources
 * unless an edge came after), else the lowest free one. Flags, sources, LR bookkeeping and
 * the LR value (pending, Group 1, its priority, no HW, no EOI: an edge) exactly as there;
 * then ELR_EL2 + 4, the trap counted, ERET. Anything else, or anything unusual (another
 * target, a direct-interrupts CPU: HCR_EL2.IMO = 0, no free LR), goes to trap_sysreg_fast
 * with nothing changed. The value register is read by a jump table: x0 and x1 from the
 * stack, x2-x30 as they are (nothing else is touched before), XZR (31) as 0. As on the C
 * fast path, cross-CPU requests are not looked at here: their kick is taken after the ERET.
 */
sgi_entry:				/* x0, x1 on the stack; x2-x30 the guest's */
	mrs	x0, esr_el2
	and	w1, w0, #0x3ffc00	/* Op0, Op2, Op1, CRn: ICC_SGI1R_EL1 ... */
	cmp	w1, #0x3a3, lsl #12
	b.ne	sgi_not
	and	w1, w0, #0x1f		/* ... CRm 11, and a write (ISS bit 0 = 0) */
	cmp	w1, #0x16
	b.ne	sgi_not
	ubfx	w1, w0, #5, #5		/* Rt */
	adr	x0, sgi_rt
	add	x0, x0, x1, lsl #3
	br	x0
sgi_not:
	mov	x1, #(EC_SYSREG - EC_HVC64)
	b	sync_rest

/* x0 = the guest's X[Rt]: 8 bytes an entry. */
	.balign	8
sgi_rt:
	ldr	x0, [sp]
	b	sgi_val
	ldr	x0, [sp, #8]
	b	sgi_val
	.irp	n, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
	mov	x0, x\n
	b	sgi_val
	.endr
	mov	x0, xzr
	b	sgi_val

sgi_val:				/* x0 = the value written */
	stp	x2, x3, [sp, #-16]!
	mrs	x2, tpidr_el2
	ldr	x2, [x2, #CPU_VCPU]
#ifndef TESSERA_NO_TRACE_HOOKS		/* trace.h: the bench's hooks-out variant */
	ldr	w3, [x2, #VCPU_TRACE]	/* tracing: the C path, which trap_sync records */
	cbnz	w3, sgi_traced
#endif
	ldr	w2, [x2, #VCPU_ID]
	mov	w3, #1
	lsl	w3, w3, w2		/* this vCPU's bit: the source */
	and	w2, w0, #0xffff
	cmp	w2, w3			/* TargetList: this vCPU alone? */
	b.ne	sgi_other
	stp	x4, x5, [sp, #-48]!
	stp	x6, x7, [sp, #16]
	stp	x8, x9, [sp, #32]
	mov	w4, w3			/* w4 = the source bit */
	mrs	x1, hcr_el2
	tbz	x1, #4, sgi_general	/* IMO = 0: a direct-interrupts CPU (direct.c) */
	mov	x5, #0x00ff0000		/* Aff1 */
	movk	x5, #0xf1ff, lsl #32	/* Aff2, IRM, RS */
	movk	x5, #0x00ff, lsl #48	/* Aff3 */
	tst	x0, x5
	b.ne	sgi_general
	mrs	x6, tpidr_el2
	ldr	x1, [x6, #CPU_VCPU]
	ldr	x2, [x1, #VCPU_VM]
	ldr	w3, [x1, #VCPU_ID]
	add	x2, x2, #VM_VGIC	/* x2 = the vGIC, its lock first */
	ldr	w5, [x2, #VGIC_VCPU_COUNT]
	cmp	w3, w5
	b.hs	sgi_general
	ubfx	w0, w0, #24, #4		/* w0 = INTID */
	add	x3, x2, x3, lsl #3
	ldr	x3, [x3, #VGIC_CPUS]	/* x3 = this vCPU's vgic_cpu */
	ldr	w5, [x3, #VC_PCPU]
	ldr	w7, [x6, #CPU_ID]
	cmp	w5, w7
	b.ne	sgi_general
	ldrb	w5, [x3, #VC_OVERFLOW]
	ldrb	w7, [x3, #VC_DIRTY]
	orr	w5, w5, w7
	cbnz	w5, sgi_general
	vgic_lock w5, w7
	sgi_usable sgi_unlock_general
	tbz	w7, #VGIC_IRQ_IN_LR_BIT, sgi_free_lr
	lr_reusable sgi_unlock_general
	tbnz	w7, #VGIC_IRQ_NEWEDGE_BIT, sgi_have_lr
	add	x8, x3, x1, lsl #3
	ldr	x8, [x8, #VC_LR_VAL]
	tbz	x8, #62, sgi_have_lr	/* ICH_LR_PENDING: acknowledged since, sources consumed */
	strh	wzr, [x5, #VIRQ_SGI_SRC]
	b	sgi_have_lr
sgi_free_lr:				/* the lowest free LR of those implemented */
	lr_find_free sgi_unlock_general
	mov	w8, #1
	lsl	w8, w8, w1
	orr	w9, w9, w8
	str	w9, [x3, #VC_LR_USED]
	add	x8, x3, x1, lsl #2
	str	w0, [x8, #VC_LR_INTID]
	strb	w1, [x5, #VIRQ_LR]
	ldr	w8, [x3, #VC_VCPU_ID]
	strb	w8, [x5, #VIRQ_LR_VCPU]
sgi_have_lr:				/* w1 = LR, w7 = flags, w4 = source bit */
	sgi_fill_lr sgi_lr_write
sgi_lr_written:
	ldr	w8, [x2, #VGIC_LOCK_OWNER] /* spin_unlock */
	add	w8, w8, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w8, [x2]
	mrs	x8, elr_el2		/* retired: past the MSR */
	add	x8, x8, #4
	msr	elr_el2, x8
	mrs	x8, tpidr_el2
	ldr	x8, [x8, #CPU_VCPU]
	ldr	x9, [x8, #(VCPU_EXITS + 8 * VEXIT_SYSREG_VAL)] /* a trap: vcpu_traps() */
	add	x9, x9, #1
	str	x9, [x8, #(VCPU_EXITS + 8 * VEXIT_SYSREG_VAL)]
	ldp	x6, x7, [sp, #16]
	ldp	x8, x9, [sp, #32]
	ldp	x4, x5, [sp], #48
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret

	lr_write_table sgi_lr_write, x8, sgi_lr_written

sgi_unlock_general:
	ldr	w8, [x2, #VGIC_LOCK_OWNER]
	add	w8, w8, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w8, [x2]
sgi_general:				/* nothing changed: the C path decodes it all again */
	ldp	x6, x7, [sp, #16]
	ldp	x8, x9, [sp, #32]
	ldp	x4, x5, [sp], #48
	ldp	x2, x3, [sp], #16
	mov	x1, #(EC_SYSREG - EC_HVC64)
	b	sync_rest
sgi_traced:
	ldp	x2, x3, [sp], #16
	b	sgi_not
/*
 * The cross-vCPU SGI fast path (w2 = TargetList, w3 = the writer's bit): an SGI to other
 * vCPUs of the VM only (IRM, Aff1-3 and RS 0; not the writer itself; the targets cut to
 * the VM's vCPUs, as vgic_sgi1r does) is posted to each target exactly as sgi_post
 * (vgic.c) does it, without the vGIC lock: the source bit into posted_src[intid] (relaxed),
 * the INTID into posted_sgis (release), dirty = 1 (release), then a kick (dsb ish, SGI 0)
 * if the target's CPU is another one. The target's CPU takes the post in its kick path
 * (irq_kick below) or its flush. Then ELR_EL2 + 4, the trap counted, ERET. Anything else
 * (a direct-interrupts CPU, the writer among the targets, no target left, IRM) goes to
 * trap_sgi1r_fast with nothing changed.
 */
sgi_other:
	tst	w2, w3
	b.ne	sgi_other_c		/* the writer too: vgic_sgi1r */
	stp	x4, x5, [sp, #-48]!
	stp	x6, x7, [sp, #16]
	stp	x8, x9, [sp, #32]
	mrs	x1, hcr_el2
	tbz	x1, #4, sgi_cross_c	/* IMO = 0: a direct-interrupts CPU (direct.c) */
	mov	x5, #0x00ff0000		/* Aff1 */
	movk	x5, #0xf1ff, lsl #32	/* Aff2, IRM, RS */
	movk	x5, #0x00ff, lsl #48	/* Aff3 */
	tst	x0, x5
	b.ne	sgi_cross_c
	mrs	x6, tpidr_el2
	ldr	x1, [x6, #CPU_VCPU]
	ldr	x4, [x1, #VCPU_VM]
	add	x4, x4, #VM_VGIC	/* x4 = the vGIC */
	ldr	w5, [x4, #VGIC_VCPU_COUNT]
	ldr	w7, [x1, #VCPU_ID]
	cmp	w7, w5
	b.hs	sgi_cross_c
	mov	w8, #1
	lsl	w8, w8, w5
	sub	w8, w8, #1
	ands	w2, w2, w8		/* targets beyond the VM's vCPUs are ignored */
	b.eq	sgi_cross_c
	ubfx	w0, w0, #24, #4		/* w0 = INTID */
	ldr	w6, [x6, #CPU_ID]	/* w6 = this CPU */
	add	x4, x4, #VGIC_CPUS	/* x4 = the vGIC's cpus[] */
sgi_cross_next:				/* post to the lowest target in w2 */
	rbit	w1, w2
	clz	w1, w1
	ldr	x5, [x4, x1, lsl #3]	/* x5 = its vgic_cpu */
	add	x8, x5, #VC_POSTED_SRC
	add	x8, x8, x0, lsl #1
1:	ldxrh	w1, [x8]		/* posted_src[intid] |= source (relaxed) */
	orr	w1, w1, w3
	stxrh	w7, w1, [x8]
	cbnz	w7, 1b
	mov	w9, #1
	lsl	w9, w9, w0
	add	x8, x5, #VC_POSTED_SGIS
2:	ldxr	w1, [x8]		/* posted_sgis |= 1 << intid (release) */
	orr	w1, w1, w9
	stlxr	w7, w1, [x8]
	cbnz	w7, 2b
	mov	w1, #1
	add	x8, x5, #VC_DIRTY
	stlrb	w1, [x8]		/* dirty (release) */
	ldr	w1, [x5, #VC_PCPU]
	cmp	w1, w6
	b.eq	3f			/* on this CPU: its flush takes it */
	cmp	w1, #MAX_PCPUS_VAL
	b.hs	3f
	adrp	x8, gic_kick_sgi
	add	x8, x8, :lo12:gic_kick_sgi
	ldr	x8, [x8, x1, lsl #3]
	cbz	x8, 3f
	dsb	ish			/* the posts and dirty visible before the kick */
	msr	s3_0_c12_c11_5, x8	/* ICC_SGI1R_EL1: SGI 0 to that CPU (arch_cpu_kick) */
3:	sub	w1, w2, #1
	ands	w2, w2, w1
	b.ne	sgi_cross_next
	mrs	x8, elr_el2		/* retired: past the MSR */
	add	x8, x8, #4
	msr	elr_el2, x8
	mrs	x8, tpidr_el2
	ldr	x8, [x8, #CPU_VCPU]
	ldr	x9, [x8, #(VCPU_EXITS + 8 * VEXIT_SYSREG_VAL)] /* a trap: vcpu_traps() */
	add	x9, x9, #1
	str	x9, [x8, #(VCPU_EXITS + 8 * VEXIT_SYSREG_VAL)]
	ldp	x6, x7, [sp, #16]
	ldp	x8, x9, [sp, #32]
	ldp	x4, x5, [sp], #48
	ldp	x2, x3, [sp], #16
	ldp	x0, x1, [sp], #16
	eret
sgi_cross_c:				/* nothing changed: x0 = the value still */
	ldp	x6, x7, [sp, #16]
	ldp	x8, x9, [sp, #32]
	ldp	x4, x5, [sp], #48
sgi_other_c:				/* vgic_sgi1r with the value read here */
	ldp	x2, x3, [sp], #16
	mov	x1, x0
	save_rest
	bl	trap_sgi1r_fast		/* (vCPU, value) */
	cbz	x0, sync_resume
	b	sync_full
#endif

guest_fiq:
	save_partial
	bl	trap_fiq		/* direct.c; falls back to trap_irq */
	b	irq_tail

/*
 * The interrupt fast path, before the register save: this vCPU's own timer PPI (virtual
 * 27, EL1 physical 30) from the physical IAR straight into its list register, with only
 * x0-x5 on the stack. It does what vgic_lr_fast (vgic_lr.c) does for a HW-linked PPI,
 * under the same vGIC lock: the interrupt enabled and not active in the model, no
 * deferred operation, Group 1 on; its own LR from last time if the guest has finished
 * with it (ICH_ELRSR_EL2), else the lowest free one; flags, LR bookkeeping and the LR
 * value (pending, Group 1, HW with pINTID = INTID, its priority) exactly as there. Then
 * the priority drop (the guest's EOI deactivates it: HW) and ERET. Anything else, or
 * anything unusual (vCPU not running, requests for this CPU, its vGIC dirty or
 * overflowing, no free LR), goes to trap_irq_acked with the INTID it acknowledged.
 * The benchmark build that counts lock acquisitions (TESSERA_SHARE_STATS) always takes
 * the C path, which counts the same lock.
 */
guest_irq:
	stp	x0, x1, [sp, #-48]!
	mrs	x0, icc_iar1_el1
#ifndef TESSERA_SHARE_STATS
	cmp	w0, #27
	ccmp	w0, #30, #4, ne
	b.ne	irq_other
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	mrs	x1, tpidr_el2
	ldr	w2, [x1, #CPU_REQUESTS]
	cbnz	w2, irq_timer_acked
	ldr	x1, [x1, #CPU_VCPU]
	ldr	x2, [x1, #VCPU_STATE]	/* state and, above it, trace: tracing takes C */
	cmp	x2, #VCPU_RUNNING_VAL
	b.ne	irq_timer_acked
	ldr	x2, [x1, #VCPU_VM]
	ldr	w3, [x1, #VCPU_ID]
	add	x2, x2, #VM_VGIC	/* x2 = the vGIC, its lock first */
	add	x3, x2, x3, lsl #3
	ldr	x3, [x3, #VGIC_CPUS]	/* x3 = this vCPU's vgic_cpu */
	ldrb	w4, [x3, #VC_OVERFLOW]
	ldrb	w5, [x3, #VC_DIRTY]
	orr	w4, w4, w5
	cbnz	w4, irq_timer_acked
	vgic_lock w4, w5
	add	x4, x3, x0, lsl #3	/* x4 = &priv[intid] */
	ldrb	w5, [x4, #VIRQ_FLAGS]
	tbz	w5, #VGIC_IRQ_ENABLED_BIT, irq_unlock_acked
	tbnz	w5, #VGIC_IRQ_ACTIVE_BIT, irq_unlock_acked
	ldrb	w1, [x4, #VIRQ_OPS]
	cbnz	w1, irq_unlock_acked
	ldr	w1, [x2, #VGIC_CTLR]
	tbz	w1, #GICD_CTLR_EN_GRP1_BIT, irq_unlock_acked
	tbz	w5, #VGIC_IRQ_IN_LR_BIT, irq_free_lr
	ldrb	w1, [x4, #VIRQ_LR]	/* its LR: a PPI is only ever in its own vCPU's LRs */
	and	w1, w1, #15
	mrs	x5, ich_elrsr_el2
	lsr	x5, x5, x1
	tbz	x5, #0, irq_unlock_acked /* still live: the general path merges */
	ldrb	w5, [x4, #VIRQ_FLAGS]
irq_have_lr:				/* w1 = LR, w5 = flags */
	orr	w5, w5, #0x60		/* HW | IN_LR */
	orr	w5, w5, #0x02		/* PENDING */
	and	w5, w5, #0x7f		/* ~NEWEDGE */
	strb	w5, [x4, #VIRQ_FLAGS]
	ldrb	w5, [x4, #VIRQ_PRIO]
	orr	x4, x0, x0, lsl #32	/* vINTID, pINTID */
	orr	x4, x4, x5, lsl #48
	orr	x4, x4, #0x7000000000000000 /* pending, HW, Group 1 */
	add	x5, x3, x1, lsl #3
	str	x4, [x5, #VC_LR_VAL]
	adr	x5, irq_lr_write
	add	x5, x5, x1, lsl #3
	br	x5
irq_lr_written:
	ldr	w4, [x2, #VGIC_LOCK_OWNER] /* spin_unlock */
	add	w4, w4, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w4, [x2]
	msr	icc_eoir1_el1, x0	/* priority drop; the guest's EOI deactivates it */
	mrs	x2, tpidr_el2
	ldr	x1, [x2, #CPU_VCPU]
	ldr	x3, [x1, #VCPU_IRQ_COUNT]
	add	x3, x3, #1
	str	x3, [x1, #VCPU_IRQ_COUNT]
	ldr	x3, [x2, #CPU_IRQ_COUNT]
	add	x3, x3, #1
	str	x3, [x2, #CPU_IRQ_COUNT]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x0, x1, [sp], #48
	eret

irq_free_lr:				/* the lowest free LR of those implemented */
	stp	x6, x7, [sp, #-16]!
	mrs	x1, ich_vtr_el2
	and	w1, w1, #0x1f
	add	w1, w1, #1		/* ListRegs + 1 <= 16 */
	mov	w5, #1
	lsl	w5, w5, w1
	sub	w5, w5, #1
	ldr	w6, [x3, #VC_LR_USED]
	bics	w5, w5, w6
	b.eq	9f
	rbit	w5, w5
	clz	w1, w5			/* i */
	mov	w5, #1
	lsl	w5, w5, w1
	orr	w6, w6, w5
	str	w6, [x3, #VC_LR_USED]
	add	x6, x3, x1, lsl #2
	str	w0, [x6, #VC_LR_INTID]
	strb	w1, [x4, #VIRQ_LR]
	mrs	x6, tpidr_el2
	ldr	x6, [x6, #CPU_VCPU]
	ldr	w6, [x6, #VCPU_ID]
	strb	w6, [x4, #VIRQ_LR_VCPU]
	ldp	x6, x7, [sp], #16
	ldrb	w5, [x4, #VIRQ_FLAGS]
	b	irq_have_lr
9:	ldp	x6, x7, [sp], #16
	b	irq_unlock_acked

	lr_write_table irq_lr_write, x4, irq_lr_written

irq_unlock_acked:
	ldr	w4, [x2, #VGIC_LOCK_OWNER]
	add	w4, w4, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w4, [x2]
irq_timer_acked:			/* x2-x5 back from the stack */
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	irq_save_acked
	bl	trap_irq_acked		/* the timer: vgic_lr_fast, or the general path */
	b	irq_tail
#endif
irq_other:				/* x0 = the INTID acknowledged; x0, x1 on the stack */
#ifndef TESSERA_SHARE_STATS
	cbz	w0, irq_kick		/* INTID_HYP_IPI: a kick */
#endif
irq_other_c:
	irq_save_acked
#ifdef TESSERA_SHARE_STATS
	bl	trap_irq_acked
#else
	bl	trap_irq_slow		/* not the timer: the general path */
#endif
	b	irq_tail

#ifndef TESSERA_SHARE_STATS
/*
 * The kick fast path (INTID_HYP_IPI acknowledged, x0 = 0, the guest's x0 and x1 in the
 * 48-byte frame): the usual kick on a static CPU is a cross-vCPU SGI that sgi_post (or
 * vectors.S's sgi_other) posted to this vCPU. It goes into a list register here, as the
 * flush would put it there (vgic_flush_work: vgic_drain_sgis -> vgic_lr_inject), with the
 * conditions and LR choice of the self-SGI path (sgi_entry), under the vGIC lock:
 *   - no posted SPI (a doorbell: the C flush drains it; looked at first, so a doorbell's
 *     kick pays 6 instructions here), no request for this CPU, a static CPU (cpu.sched
 *     NULL: a shared one picks again), the vCPU running and not traced, no overflow or
 *     underflow interrupt (a queue to respect);
 *   - under the lock, nothing in the vCPU's want bitmaps (anything else that made it dirty,
 *     fold requests included, sets a want bit: vgic_irq_changed, vgic_request_fold);
 *   - dirty cleared, then a full barrier, then the posts read (the protocol of
 *     vgic_flush_work: a post this read misses sets dirty again after it, and kicks);
 *     a doorbell posted meanwhile, or more than one posted SGI, goes to C with dirty set;
 *   - the one posted SGI enabled, not active, edge, not HW, no deferred operation, Group 1
 *     on; its LR from last time if the guest has finished with it, else the lowest free one;
 *   - only then its sources are taken (its posted_sgis bit cleared, posted_src exchanged),
 *     and the LR written with flags, sources and bookkeeping exactly as sgi_entry does.
 * Then the priority drop and deactivation of the kick (EOImode 1), the exit counted as an
 * injection (irq_count, not irq_slow), ERET. Anything unusual goes to trap_irq_slow with
 * the kick still to be completed there, nothing changed (or dirty set again). Nothing
 * posted, no source left, or not dirty: the kick is completed and the guest resumed (no
 * kick without a request or a dirty vCPU: sched.c cpu_request, vgic.c).
 */
irq_kick:				/* x0 = 0 */
	mrs	x1, tpidr_el2		/* posted SPIs (a doorbell) first: the C flush, at once */
	ldr	x1, [x1, #CPU_VCPU]
	ldr	x1, [x1, #VCPU_VM]
	ldr	w1, [x1, #(VM_VGIC + VGIC_RAISED_WORDS)]
	cbnz	w1, irq_other_c		/* x1 is the guest's again there */
	dsb	sy			/* the acknowledge before the reads (gic_ack) */
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	mrs	x1, tpidr_el2
	ldr	w2, [x1, #CPU_REQUESTS]
	ldr	x3, [x1, #CPU_SCHED]
	orr	x2, x2, x3
	cbnz	x2, kick_c		/* requests, or a shared CPU */
	ldr	x1, [x1, #CPU_VCPU]
	ldr	x2, [x1, #VCPU_STATE]	/* state and, above it, trace: tracing takes C */
	cmp	x2, #VCPU_RUNNING_VAL
	b.ne	kick_c
	ldr	x2, [x1, #VCPU_VM]
	ldr	w3, [x1, #VCPU_ID]
	add	x2, x2, #VM_VGIC	/* x2 = the vGIC, its lock first */
	add	x3, x2, x3, lsl #3
	ldr	x3, [x3, #VGIC_CPUS]	/* x3 = this vCPU's vgic_cpu */
	ldrh	w4, [x3, #VC_OVERFLOW]	/* overflow and uie */
	cbnz	w4, kick_c
	ldrb	w4, [x3, #VC_DIRTY]
	cbz	w4, kick_done_none	/* nothing for this vCPU (the request's kick was early) */
	stp	x6, x7, [sp, #-32]!
	stp	x8, x9, [sp, #16]
	vgic_lock w4, w5
	ldr	w4, [x3, #VC_WANT_PRIV]
	ldr	w5, [x3, #VC_WANT_SPI_WORDS]
	orr	w4, w4, w5
	cbnz	w4, kick_unlock_c	/* the model changed: the flush looks */
	strb	wzr, [x3, #VC_DIRTY]
	dmb	ish			/* dirty cleared before the posts are read */
	ldr	w4, [x2, #VGIC_RAISED_WORDS]
	cbnz	w4, kick_redirty_c
	ldr	w4, [x3, #VC_POSTED_SGIS]
	cbz	w4, kick_unlock_none
	sub	w5, w4, #1
	tst	w4, w5
	b.ne	kick_redirty_c		/* more than one SGI: the flush orders them */
	rbit	w4, w4
	clz	w0, w4			/* w0 = INTID */
	sgi_usable kick_redirty_c
	tbz	w7, #VGIC_IRQ_IN_LR_BIT, 4f
	lr_reusable kick_redirty_c
	b	5f
4:	lr_find_free kick_redirty_c
5:	mov	w9, #1			/* take the sources: the INTID's posted bit ... */
	lsl	w9, w9, w0
	add	x8, x3, #VC_POSTED_SGIS
6:	ldaxr	w6, [x8]
	bic	w6, w6, w9
	stxr	w4, w6, [x8]
	cbnz	w4, 6b
	add	x8, x3, #VC_POSTED_SRC	/* ... then posted_src[intid] (vgic_drain_sgis) */
	add	x8, x8, x0, lsl #1
7:	ldaxrh	w4, [x8]
	stxrh	w6, wzr, [x8]
	cbnz	w6, 7b
	cbz	w4, kick_unlock_none	/* taken by an earlier drain */
	tbz	w7, #VGIC_IRQ_IN_LR_BIT, 8f
	tbnz	w7, #VGIC_IRQ_NEWEDGE_BIT, 9f
	add	x8, x3, x1, lsl #3
	ldr	x8, [x8, #VC_LR_VAL]
	tbz	x8, #62, 9f		/* ICH_LR_PENDING: acknowledged since, sources consumed */
	strh	wzr, [x5, #VIRQ_SGI_SRC]
	b	9f
8:	mov	w8, #1			/* a free LR: taken */
	lsl	w8, w8, w1
	ldr	w9, [x3, #VC_LR_USED]
	orr	w9, w9, w8
	str	w9, [x3, #VC_LR_USED]
	add	x8, x3, x1, lsl #2
	str	w0, [x8, #VC_LR_INTID]
	strb	w1, [x5, #VIRQ_LR]
	ldr	w8, [x3, #VC_VCPU_ID]
	strb	w8, [x5, #VIRQ_LR_VCPU]
9:	sgi_fill_lr kick_lr_write
kick_lr_written:
	ldr	w8, [x2, #VGIC_LOCK_OWNER] /* spin_unlock */
	add	w8, w8, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w8, [x2]
	ldp	x8, x9, [sp, #16]
	ldp	x6, x7, [sp], #32
	mrs	x2, tpidr_el2
	ldr	x1, [x2, #CPU_VCPU]	/* an interrupt exit that injected: irq_count only */
	b	kick_done
kick_unlock_none:			/* dirty cleared, nothing to inject */
	ldr	w8, [x2, #VGIC_LOCK_OWNER]
	add	w8, w8, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w8, [x2]
	ldp	x8, x9, [sp, #16]
	ldp	x6, x7, [sp], #32
kick_done_none:				/* an exit with no injection: irq_slow too */
	mrs	x2, tpidr_el2
	ldr	x1, [x2, #CPU_VCPU]
	ldr	x3, [x1, #VCPU_IRQ_SLOW]
	add	x3, x3, #1
	str	x3, [x1, #VCPU_IRQ_SLOW]
kick_done:				/* x1 = the vCPU, x2 = the CPU */
	ldr	x3, [x1, #VCPU_IRQ_COUNT]
	add	x3, x3, #1
	str	x3, [x1, #VCPU_IRQ_COUNT]
	ldr	x3, [x2, #CPU_IRQ_COUNT]
	add	x3, x3, #1
	str	x3, [x2, #CPU_IRQ_COUNT]
	msr	icc_eoir1_el1, xzr	/* the kick: priority drop ... */
	msr	s3_0_c12_c11_1, xzr	/* ... and ICC_DIR_EL1 (EOImode 1) */
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x0, x1, [sp], #48
	eret

	lr_write_table kick_lr_write, x8, kick_lr_written

kick_redirty_c:				/* dirty again, so the C flush takes it all */
	mov	w4, #1
	strb	w4, [x3, #VC_DIRTY]
kick_unlock_c:
	ldr	w8, [x2, #VGIC_LOCK_OWNER]
	add	w8, w8, #1
	add	x2, x2, #VGIC_LOCK_OWNER
	stlr	w8, [x2]
	ldp	x8, x9, [sp, #16]
	ldp	x6, x7, [sp], #32
kick_c:					/* the general path, the kick still to complete */
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	mov	x0, #0			/* INTID_HYP_IPI */
	b	irq_other_c
#endif

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
