/* SPDX-License-Identifier: MIT */
/*
 * A debugger attached to one VM (docs/DEBUGGING.md): `tessera ctl gdb` speaks gdb's remote
 * protocol on the host and drives these through the management command "gdb"
 * (core/mgmt_gdb.c). Halting a VM is pausing it (vm_pause) with every vCPU's whole state
 * saved in struct arch_vcpu, also on a static CPU (gdb_vcpu_leave); the debugger reads and
 * writes that copy, which the vCPU's CPU puts back before it runs again (gdb_vcpu_return).
 * While attached, debug exceptions of the VM go to EL2 (AArch64: MDCR_EL2.TDE) and the
 * debug registers are the debugger's; the guest's own are kept in vcpu.gdb_guest and are
 * what it reads and writes meanwhile. Other VMs never notice.
 */
#ifndef TESSERA_GDB_H
#define TESSERA_GDB_H

#include "vm.h"

/* Why a VM stopped (vm_gdb.stop_reason). */
#define GDB_STOP_NONE  0
#define GDB_STOP_HALT  1 /* the debugger asked (halt, attach) */
#define GDB_STOP_BRK   2 /* a software breakpoint (BRK) */
#define GDB_STOP_STEP  3 /* a single step completed */
#define GDB_STOP_HWBP  4 /* a hardware breakpoint */
#define GDB_STOP_WATCH 5 /* a watchpoint (stop_addr: the data address) */

#include "tessera_features.h"

/* ---- core/gdb.c ---- */
#if TESSERA_FEAT_DEBUG
/* A vCPU of vm took a debug event (a trap on its own CPU): records the first reason, pauses
 * the VM without waiting and kicks its other vCPUs' CPUs. Ends a step. */
void gdb_vcpu_stopped(struct vcpu *vc, u32 reason, u64 addr);
/* Static CPU loop (core/sched.c): its vCPU cannot run. If a debugger holds the VM, its whole
 * state goes into vc->arch (once) before the vCPU counts as parked. */
void gdb_vcpu_leave(struct vcpu *vc);
/* Before a saved vCPU runs again (or is parked for good): its state back into the CPU. */
void gdb_vcpu_return(struct vcpu *vc, bool run);
/* Every vCPU of a paused vm has left the guest with its state saved: the debugger may read
 * and write it. */
bool gdb_vm_halted(const struct vm *vm);
#else /* no debugger in this build: no VM is ever halted for one */
static inline void gdb_vcpu_stopped(struct vcpu *vc, u32 reason, u64 addr)
{
	(void)vc, (void)reason, (void)addr;
}
static inline void gdb_vcpu_leave(struct vcpu *vc)
{
	(void)vc;
}
static inline void gdb_vcpu_return(struct vcpu *vc, bool run)
{
	(void)vc, (void)run;
}
static inline void arch_gdb_route(const struct vcpu *vc)
{
	(void)vc;
}
#endif

/* ---- arch (AArch64: src/arch/aarch64/gdb_arch.c) ---- */
/* This CPU routes debug exceptions to EL2 (and traps debug registers) iff vc's VM has a
 * debugger; called before vc enters the guest after a restore or start. */
#if TESSERA_FEAT_DEBUG
void arch_gdb_route(const struct vcpu *vc);
#endif
/* Composes the debugger's debug registers into a saved vCPU (breakpoints and watchpoints of
 * its VM; step: software step armed and interrupts masked for one instruction); on the
 * first call keeps the guest's own in vc->gdb_guest. */
void arch_gdb_debug_regs(struct vcpu *vc, bool step);
/* A saved vCPU gets its own debug registers back (detach). */
void arch_gdb_debug_release(struct vcpu *vc);
/* After a step: the interrupt mask bits the step set are put back. */
void arch_gdb_step_done(struct vcpu *vc);
/* Guest-physical -> host-physical in vm's stage 2, RAM only (never a device window). false:
 * not mapped in this VM. */
bool arch_gdb_ipa_to_pa(const struct vm *vm, u64 ipa, u64 *pa, bool *writable);
/* A saved vCPU's virtual address -> guest-physical, by a software walk of its stage-1
 * tables (its SCTLR, TCR, TTBR0/1; identity with the MMU off). false: no translation. */
bool arch_gdb_va_to_ipa(const struct vcpu *vc, u64 va, u64 *ipa);
/* After the hypervisor wrote instructions at [pa, pa + n): visible to instruction fetch. */
void arch_gdb_sync_icache(u64 pa, u64 n);
/* gdb's register numbers (the target description of tools/gdb_rsp.c): 0-30 x0-x30, 31 sp,
 * 32 pc, 33 cpsr, 34-65 v0-v31 (128-bit), 66 fpsr, 67 fpcr, 68.. EL1 system registers.
 * get: false if n is not a register; hi: the upper half of a 128-bit one. set: false if n
 * is not writable or the value is not one a guest could have (cpsr: EL0/EL1 AArch64). */
#define GDB_REG_COUNT 84
bool arch_gdb_reg_get(const struct vcpu *vc, u32 n, u64 *lo, u64 *hi);
bool arch_gdb_reg_set(struct vcpu *vc, u32 n, u64 lo, u64 hi);
/* Implemented breakpoints / watchpoints usable by the debugger (at most VM_GDB_HW). */
u32 arch_gdb_hw_count(bool watch);

#endif
