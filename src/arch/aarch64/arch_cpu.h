/* SPDX-License-Identifier: MIT */
/* AArch64-only helpers shared by the files of src/arch/aarch64. */
#ifndef TESSERA_ARCH_CPU_H
#define TESSERA_ARCH_CPU_H

#include "types.h"
#include "tessera_features.h"
#include "gdb.h"
#include "vm.h"

/* Host firmware PSCI (SMC conduit on QEMU virt with virtualization=on). */
s64 fw_psci(u64 fid, u64 a1, u64 a2, u64 a3);

void mmu_build(const struct platform *plat);
void mmu_enable(void);

/* Guest register file access with x31 = XZR. */
static inline u64 vcpu_get_x(const struct vcpu *vc, u32 r)
{
	return r < 31 ? vc->regs.x[r] : 0;
}

static inline void vcpu_set_x(struct vcpu *vc, u32 r, u64 v)
{
	if (r < 31) {
		vc->regs.x[r] = v;
	}
}

/* Exception injection into the guest's EL1 (Arm ARM D1.10). */
/* psci.c: guest PSCI; returns true if fid was a PSCI call (result in regs). */
bool psci_guest_call(struct vcpu *vc, u32 fid);
/* PSCI_FEATURES's answer for function fid (smccc_fast.h: the same table as vectors.S). */
s64 psci_features(u64 fid);
/* smccc.c: SMCCC dispatch for HVC/SMC from a guest (Arm's firmware-call convention). */
void hypercall_dispatch(struct vcpu *vc, bool is_smc);
/* Tessera's hot calls over HVC, handled without the vGIC or a full register save; fn is the
 * function ID less TESSERA_HC_BASE. False = not one of them. Counts the trap
 * (vcpu.exits: vcpu_traps). The null call and the standard queries never get here (vectors.S). */
bool hypercall_fast(struct vcpu *vc, u32 fn);

void inject_undef(struct vcpu *vc);
void inject_dabt(struct vcpu *vc, u64 far, bool write);
void inject_iabt(struct vcpu *vc, u64 far);

/* Trapped system register access (EC 0x18); returns after emulating or injecting. */
void sysreg_trap(struct vcpu *vc, u64 esr);
/* vectors.S, with x0-x18/x30 saved: ICC_SGI1R_EL1 writes; 1 = not handled (trap_sync). */
u64 trap_sysreg_fast(struct vcpu *vc);
u64 trap_sgi1r_fast(struct vcpu *vc, u64 val);

/* gdb_arch.c (a debugger attached to the VM, gdb.h): the debug exception classes routed to
 * EL2 while attached, their handler, and the guest's own debug registers meanwhile (key:
 * emul.c's encoding; true if handled). */
#if TESSERA_FEAT_DEBUG
bool arch_gdb_is_debug_ec(u32 ec);
/* CPUs whose MDCR_EL2.TDE is set now (arch_gdb_route keeps it). */
extern u32 arch_gdb_tde_cpus;
/* arch_gdb_route, skipped when it has nothing to do: vc's VM has no debugger and no CPU
 * routes debug exceptions to EL2 (so this one does not either). The vCPU switch's case. */
static inline void arch_gdb_route_lazy(const struct vcpu *vc)
{
	if (vc->vm->gdb.attached || __atomic_load_n(&arch_gdb_tde_cpus, __ATOMIC_RELAXED)) {
		arch_gdb_route(vc);
	}
}
void arch_gdb_trap(struct vcpu *vc, u64 esr);
bool arch_gdb_guest_sysreg(struct vcpu *vc, u32 key, u32 rt, bool read);
#else /* no debugger in this build (tessera_features.h): TDE is never set, nothing routed */
#define arch_gdb_is_debug_ec(ec) ((void)(ec), false)
#define arch_gdb_route_lazy(vc)	 ((void)(vc))
#define arch_gdb_trap(vc, esr)	 ((void)(vc), (void)(esr))
#define arch_gdb_guest_sysreg(vc, key, rt, read) \
	((void)(vc), (void)(key), (void)(rt), (void)(read), false)
#endif

/* Puts this CPU's EL1 state into its architectural reset values for a (re)started vCPU. */
void arch_vcpu_el1_reset(struct vcpu *vc);
void arch_fp_reset(void);
/* The self-hosted debug registers at their cold-reset values (vcpu.c). */
void arch_debug_reset(void);
/* vcpu_switch.c: a guest's first access to a debug register on a shared CPU (trapped while
 * its debug state is at reset values): makes it live and untraps; true = retry the access. */
#if TESSERA_FEAT_SCHED
bool arch_vcpu_debug_touch(struct vcpu *vc);
#else /* static CPUs only (tessera_features.h): the debug registers are never trapped */
#define arch_vcpu_debug_touch(vc) ((void)(vc), false)
#endif

#endif
