/* SPDX-License-Identifier: MIT */
/*
 * The small interface core/ and vdev/ use to reach the architecture. The
 * AArch64 implementation is in src/arch/aarch64/; tests/unit/fake_arch.c
 * implements it on the host so the same core and vdev code are unit-tested.
 */
#ifndef TESSERA_ARCH_H
#define TESSERA_ARCH_H

#include "arch_types.h" /* src/arch/<arch>/include: the arch-owned structs core embeds */
#include "layout.h"
#include "types.h"

/*
 * A VM's guest-physical address space (AArch64: stage 2). arch_vm_init gives it an empty
 * translation and the hardware VM id vmid (1..255); arch_vm_map maps [ipa, ipa + size)
 * to [pa, pa + size). 0, or -1 when the hypervisor's page pool is exhausted.
 */
#define ARCH_MAP_NORMAL 0 /* RAM: cacheable, read-write */
#define ARCH_MAP_DEVICE 1 /* pass-through MMIO: device memory, never executable */
#define ARCH_MAP_RO	2 /* flag: read-only */
int arch_vm_init(struct arch_vm *a, u32 vmid);
int arch_vm_map(struct arch_vm *a, ipa_t ipa, paddr_t pa, u64 size, u32 attr);
/* Dirty logging (core/vm_dirty.c): write-protects (wp) or unprotects one 4 KiB page of RAM
 * that arch_vm_map mapped; a block around it is split into pages first, which needs the
 * VM paused (no vCPU in it). 0, or -1 if not mapped or out of pages. The change is seen
 * after arch_vm_tlb_flush: every CPU forgets the VM's translations (any CPU may call it). */
int arch_vm_page_wp(struct arch_vm *a, ipa_t ipa, bool wp);
bool arch_vm_page_writable(const struct arch_vm *a, ipa_t ipa);
void arch_vm_tlb_flush(struct arch_vm *a);

/* Index of the physical CPU running this code (0 .. platform cpu_count-1). */
u32 arch_cpu_current(void);
/* Sends the hypervisor IPI to a physical CPU so it looks at its requests. */
void arch_cpu_kick(u32 pcpu);
/* One iteration of a wait for another CPU (a hint: yield to an SMT sibling or, under
 * emulation, to the other vCPU threads). */
static inline void arch_cpu_relax(void)
{
	PLATFORM_CPU_RELAX(); /* layout.h */
}

/*
 * SHA-256 by the CPU's own instructions (lib/sha256.c): the compression of nblocks 64-byte
 * blocks at p into the state h (FIPS 180-4 6.2.2) with the round constants k. false, with h
 * untouched, when this CPU has no such instructions (the caller runs the portable rounds).
 * Callable anywhere, a guest's registers live or not: it leaves every register it uses as
 * it found it.
 */
bool arch_sha256_blocks(u32 h[8], const u8 *p, size_t nblocks, const u32 k[64]);

/*
 * A VM's device tree (core/vm_dtb.c writes the rest). arch_vm_dtb_nodes writes, under the
 * root, the nodes that are the architecture's: the VM's CPUs and how they are started,
 * its interrupt controller (phandle VM_DTB_PHANDLE_INTC, vm_dtb.h) and its timer.
 * arch_vm_dtb_interrupts writes a device's "interrupts" property for its n interrupt IDs
 * (n <= CONFIG_MAX_DEV_IRQS), level-high or, if edge, rising-edge.
 */
struct fdtw;
struct vm;
void arch_vm_dtb_nodes(struct fdtw *w, const struct vm *vm);
void arch_vm_dtb_interrupts(struct fdtw *w, const u32 *intids, u32 n, bool edge);

/*
 * Boot (core/boot.c, boot.h), on CPU 0 in this order, each once; boot-only. uart: the
 * hypervisor's UART at the board's default address (plat NULL, before the platform DTB is
 * read), then at plat's. mmu: this CPU's own registers (cpu_this() works from here on) and
 * the hypervisor's address space with the MMU and caches on. irq: the interrupt controller
 * and CPU 0's interface; sets plat->intid_limit; 0, or -1 with *why. console_irq: the UART's
 * receive interrupt (plat->uart_intid) to CPU 0, if the board has one.
 * cpu_start: powers on CPU idx (plat MPIDR/hart id cpu_hwid[idx]) at the architecture's
 * secondary entry; 0, or -1 with *why (valid until the next call).
 * The linker script defines __hyp_start, __rodata_end, __init_start, __init_rodata_end,
 * __init_end and __hyp_end (what measured boot hashes and mem_release_init frees).
 */
struct platform;
void arch_boot_uart(const struct platform *plat);
/* The platform DTB (core/platform.c; boot-only, hooks of the boot sequence too).
 * irqchip: reads the interrupt controller's node (compatible PLATFORM_IRQCHIP_COMPATIBLE,
 * arch_platform.h; -1 if the DTB has none) with its parent's ac/sc cells into
 * plat->irqchip[]; 0, or -1 with *why. irq: an "interrupts" specifier of len bytes in the
 * controller's binding: its interrupt ID, or 0 if it has none (too short, or, with
 * shared_only, not a shared peripheral interrupt); *edge: rising edge (shared_only). */
struct fdt;
int arch_platform_irqchip(const struct fdt *f, int node, u32 ac, u32 sc, struct platform *plat,
			  const char **why);
u32 arch_platform_irq(const u8 *spec, u32 len, bool shared_only, bool *edge);
void arch_boot_mmu(const struct platform *plat, u64 stack_top);
int arch_boot_irq(struct platform *plat, const char **why);
void arch_boot_console_irq(const struct platform *plat);
int arch_boot_cpu_start(u32 idx, const char **why);

/* vCPU, CPU and machine hooks used by core (struct vcpu: vm.h). */
struct vcpu;
void arch_vcpu_start(struct vcpu *vc); /* EL1 reset + entry state, on the vCPU's CPU */
void arch_vcpu_park(struct vcpu *vc);  /* stop its timer, drop its list registers */
void arch_vcpu_enter(struct vcpu *vc, u64 stack_top) __attribute__((noreturn));
/* Shared CPUs (core/sched.c; AArch64: vcpu_switch.c). save: everything the guest can
 * observe (struct arch_vcpu) out of this CPU, leaving no timer of it armed, no interrupt of
 * it active and the virtual CPU interface off; restore: vc becomes this CPU's guest again.
 * share: after arch_vcpu_start on a shared CPU, traps WFI/WFE (they block or yield the
 * vCPU) and clears list registers another vCPU left. */
void arch_vcpu_save(struct vcpu *vc);
void arch_vcpu_restore(struct vcpu *vc);
void arch_vcpu_share(struct vcpu *vc);
/* A saved vCPU: the counter value at which one of its timers whose interrupt is in timer_irqs
 * (bits by interrupt ID, irqchip_timers_enabled) asserts an unmasked interrupt, or 0 if none
 * will. */
u64 arch_vcpu_timer_deadline(const struct vcpu *vc, u32 timer_irqs);
/* The vCPU on this CPU (its timers live): as arch_vcpu_timer_deadline. */
u64 arch_vcpu_live_timer_deadline(u32 timer_irqs);
/* The vCPU on this CPU, in a trapped WFI (core/sched.c, wake-lead-us): waits here at EL2 with
 * interrupts masked until any physical interrupt is pending, at the latest until the counter
 * reaches t (a hypervisor-timer backstop, so a guest whose timer never signals cannot hold its
 * CPU longer this way), then returns. */
void arch_vcpu_wait_until(u64 t);
/*
 * Snapshots (core/snapshot.c, docs/SNAPSHOT.md). export: a saved vCPU's state as a stream
 * carries it (ARCH_VCPU_STATE_SIZE bytes, the struct's layout): time-independent (the
 * virtual counter at counter value now instead of the offset), without list registers
 * (the vGIC model is carried instead) or the hypervisor's EL2 controls. import: checks and
 * cleans such a state read from a hostile stream; 0, or -1 with *why. time_base: the
 * state's virtual counter (as carried) continues from the counter value now: called with
 * one instant for every vCPU of a VM, since a guest's CPUs share one clock, however late
 * each vCPU's own CPU starts it. adopt: on the vCPU's CPU right after arch_vcpu_start,
 * makes state a (as time_base left it) the vCPU's own, the EL2 controls this run's.
 * time_shift: a saved vCPU's virtual time stands still for ticks more (a pause not seen).
 */
void arch_vcpu_export(const struct arch_vcpu *a, u64 now, struct arch_vcpu *out);
int arch_vcpu_import(struct arch_vcpu *a, const char **why);
void arch_vcpu_time_base(struct arch_vcpu *a, u64 now);
void arch_vcpu_adopt(struct vcpu *vc, const struct arch_vcpu *a);
void arch_vcpu_time_shift(struct arch_vcpu *a, u64 ticks);
/* A physical interrupt is pending on this CPU (taken as soon as the guest resumes). */
bool arch_irq_pending(void);
/* Drops this CPU's stage-1 TLB entries of the current VMID (another vCPU of the same VM ran
 * here since this one did). */
void arch_tlb_flush_guest_s1(void);
void arch_idle_wait(void);
void arch_irq_poll(void);
void arch_system_off(void) __attribute__((noreturn));
void arch_dcache_clean(paddr_t pa, u64 size);
u64 arch_counter_freq(void);
void arch_hyp_timer_set(u64 deadline); /* this CPU's EL2 timer, absolute counter value */
void arch_hyp_timer_cancel(void);
void arch_machine_reset(void) __attribute__((noreturn));
void arch_memzero(paddr_t pa, u64 size);
u64 arch_counter(void);

/*
 * The exit statistics `stats` prints (core/mgmt_stats.c, docs/MANAGEMENT.md), in the
 * arch's names for its exit classes (enum vcpu_exit, arch_types.h): per vCPU one line for
 * each entry of arch_exit_lines (up to the one named NULL), "<name> VM.N cpu=C" and then
 * each field as " name=value", value the sum of the classes whose bits are in classes
 * (1 << enum vcpu_exit). EXIT_FIELD_IRQS there: the vCPU's interrupt exits;
 * EXIT_FIELD_INJECTED: the interrupts injected into it (core's counts, not classes).
 */
#define EXIT_FIELD_IRQS	    (1U << 30)
#define EXIT_FIELD_INJECTED (1U << 31)
struct arch_exit_field {
	const char *name;
	u32 classes;
};
struct arch_exit_line {
	const char *name;
	const struct arch_exit_field *fields;
	u32 count;
};
extern const struct arch_exit_line arch_exit_lines[];

#endif
