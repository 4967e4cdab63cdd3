/* SPDX-License-Identifier: MIT */
/*
 * VMs and vCPUs. Static partitioning: each vCPU is bound to one physical CPU
 * for life and no two vCPUs share a CPU, so a vCPU's EL1 system registers,
 * FP/SIMD state and GIC virtual interface stay in the hardware of its CPU and
 * are never switched. Only the general registers are saved on a trap.
 *
 * VM state changes are claimed with compare-and-swap (one CPU at a time);
 * lock order (outer first): link lock (virtio), interrupt controller (vGIC) / uart lock,
 * console lock.
 *
 * Lifecycle protocol (docs/ARCHITECTURE.md, "Concurrency"). A CPU touches a VM's devices
 * and vGIC in two ways only:
 * - as one of that VM's vCPUs, in a trap on its own CPU: a stop or reset of the VM first
 *   waits until every vCPU has left the guest and its trap (vcpu.parked);
 * - from anywhere else (another VM's CPU: channels, virtio links; the console input
 *   interrupt; a pass-through or timer interrupt taken while the vCPU is parked): inside
 *   vm_access_begin() .. vm_access_end(), which admits it only while the VM is RUNNING or
 *   PAUSED. A stop or reset first moves the VM out of those states (vm_claim), then waits
 *   until no access is in flight (vm->users == 0), and only then resets devices.
 * Sections are short and never wait for another CPU, and no lifecycle operation (stop,
 * reset, restart, pause) is called inside one, so the wait always ends. No lock is ever
 * re-initialised after creation (irqchip_create, vpl011_create): resets take it instead.
 */
#ifndef TESSERA_VM_H
#define TESSERA_VM_H

#include "arch.h"
#include "config.h"
#include "irqchip.h"
#include "spinlock.h"
#include "types.h"
#include "vpl011.h"

/* Pages that keep a VM's generated DTB between restarts (16 KiB; a generated DTB is
 * 1-3 KiB). A bigger one is refused at boot. */
#define VM_DTB_SAVE_PAGES 4

enum vcpu_state {
	VCPU_OFF = 0,	 /* powered off (PSCI), waiting for CPU_ON */
	VCPU_ON_PENDING, /* CPU_ON accepted, its CPU has not entered it yet */
	VCPU_RUNNING,	 /* owned by its CPU, in the guest or handling a trap */
	VCPU_STOPPED,	 /* VM stopped: not runnable until the VM is reset */
	VCPU_ON_CLAIMED, /* a CPU_ON won the claim and is writing the entry point (psci.c) */
};

/* Why a VM stopped, as the hypervisor saw it (the guest's own account is exit_reason). */
enum vm_stop_cause {
	STOP_SYSTEM_OFF = 0, /* PSCI SYSTEM_OFF with a normal exit status */
	STOP_CRASH,	     /* recursive exception: the guest lost control */
	STOP_MANAGEMENT,     /* stopped from outside */
	STOP_WATCHDOG,	     /* no heartbeat within the configured period */
	STOP_ABORTS,	     /* more external aborts than the configured limit */
	STOP_GUEST_FAILURE,  /* SYSTEM_OFF after reporting a failure exit status */
	STOP_RESTART_LIMIT,  /* failed again after its last allowed restart */
	STOP_CAUSE_COUNT
};

enum vm_state {
	VM_RUNNING = 0,
	VM_STOPPED,
	VM_RESETTING,
	VM_PAUSED, /* vCPUs parked with their state kept; resume continues them */
};

struct vm;

/* Exits by class: vcpu.exits[], indexed by the arch's enum vcpu_exit (arch_types.h), which
 * names the classes core counts by name (VEXIT_TESSERA_CALL, VEXIT_MMIO_*) and says which
 * classes are traps (VEXIT_TRAPS); `stats` prints them by the arch's names (arch_exit_lines,
 * arch.h). */

struct vcpu {
	/* Arch-owned (arch_types.h); must stay first: vectors.S saves the general registers
	 * here. arch is the whole saveable state (regs is its first member). */
	union {
		struct vcpu_regs regs;
		struct arch_vcpu arch;
	};
	struct vm *vm;
	u32 id;	  /* index in the VM (virtual MPIDR Aff0) */
	u32 pcpu; /* physical CPU it runs on */
	volatile u32 state;
	/* Tracing (trace.h): set by `trace start` for every vCPU, tested once per exit. Right
	 * after state, in what was padding: the timer fast path (vectors.S) loads both as one
	 * 64-bit word, so while tracing its "running?" test fails and C records the exit. */
	u32 trace;
	u64 on_entry; /* CPU_ON entry point and context id */
	u64 on_ctx;
	u64 trap_count; /* traps that took the full path (trap_sync); all traps: vcpu_traps() */
	u64 irq_count;
	u64 abort_count;
	volatile bool parked; /* its CPU is idle, not in the guest (reset waits on it) */
	/* Shared CPUs only (core/sched.c): */
	bool blocked;  /* in WFI with nothing pending: not runnable until woken */
	s32 sched_ent; /* its entity on its CPU's scheduler, or -1 */
	/* Snapshots (core/snapshot.c, docs/SNAPSHOT.md): VCPU_SNAP_* between the management
	 * CPU and the vCPU's own, and on restore the state it adopts when it starts. */
	volatile u32 snap;
	const struct arch_vcpu *snap_state;
	/* A debugger (core/gdb.c, docs/DEBUGGING.md). gdb_step: runs for one instruction
	 * while its VM is paused; gdb_saved: a static CPU put its whole state in arch for the
	 * debugger; gdb_owned: arch.dbg is the debugger's, the guest's own is *gdb_guest (a
	 * page from the pool at the VM's first attach, kept: a VM never debugged pays nothing). */
	volatile bool gdb_step;
	bool gdb_saved, gdb_owned;
	u64 gdb_daif; /* the I and F bits of SPSR before a step masked them */
	struct arch_debug *gdb_guest;
	u64 exits[VEXIT_COUNT];
	/* Interrupt exits handled in C (irq_count counts those and vectors.S's timer path): the
	 * difference is the timer PPIs vectors.S injected, counted there at no cost. */
	u64 irq_slow;
};

/* Traps to the hypervisor (`list`): the exit classes in VEXIT_TRAPS (AArch64: all but SError
 * and the queries vectors.S answers); each trap, fast path or full, counts in exactly one. */
static inline u64 vcpu_traps(const struct vcpu *vc)
{
	u64 n = 0;

	for (u32 i = 0; i < VEXIT_COUNT; i++) {
		n += (VEXIT_TRAPS >> i & 1U) ? __atomic_load_n(&vc->exits[i], __ATOMIC_RELAXED) : 0;
	}
	return n;
}

/* Hardware breakpoints and watchpoints a debugger set on a VM (all its vCPUs). */
#define VM_GDB_HW 4
struct vm_gdb_wp {
	u64 addr;
	u32 len;  /* 1..8 bytes within one aligned doubleword; 0: free */
	u32 kind; /* 1 write, 2 read, 3 access */
};
struct vm_gdb {
	volatile bool attached;
	u32 stop_reason; /* GDB_STOP_* (gdb.h) of the first vCPU that stopped; 0: none */
	u32 stop_vcpu;
	u64 stop_addr;	   /* a watchpoint's data address */
	u64 bp[VM_GDB_HW]; /* 0: free */
	struct vm_gdb_wp wp[VM_GDB_HW];
};
#define VCPU_SNAP_SAVE	BIT(0) /* paused: save your whole state into arch (static CPU) */
#define VCPU_SNAP_SAVED BIT(1) /* saved: restore it before the guest runs again */

struct vm_stats {
	u64 aborts; /* external aborts injected: accesses outside the VM */
	u64 hypercalls;
	u64 resets;
};

/* Channel doorbells (core/chan.c): per channel id, the other ends to raise. Built once at
 * VM creation so a notify walks no config. */
struct vm_chan_peer {
	struct vm *vm;
	u32 intid;
};
struct vm_chan {
	u32 peer_count; /* 0: this VM is not an end of the channel */
	struct vm_chan_peer peers[CONFIG_MAX_ENDS - 1];
};

struct vm {
	u32 id;
	const struct vm_cfg *cfg;
	u32 state; /* enum vm_state, changed atomically (vm_claim) */
	u32 vcpu_count;
	u32 exit_reason, exit_code; /* last TESSERA_HC_EXIT_STATUS */
	u32 stop_cause;
	bool stuck; /* a stop or reset gave up on a vCPU that never left the guest */
	/* Health (core/health.c). Counters survive restarts; the rest is per run. */
	u32 restarts;	     /* policy restarts so far */
	u64 last_heartbeat;  /* counter value of the last heartbeat (or of the start) */
	u64 restart_at;	     /* counter value of a pending restart, 0 if none */
	u64 run_aborts;	     /* external aborts injected in this run */
	u64 started_at;	     /* counter value when this run started */
	struct arch_vm arch; /* its address space (AArch64: stage 2 + VTTBR), arch-owned */
	struct vm_layout layout;
	const u8 *image;
	u64 image_size;
	const u8 *initrd;
	u64 initrd_size;
	struct arch_irqchip irqchip; /* its interrupt controller (irqchip.h), arch-owned */
	struct vpl011 uart;
	struct vm_stats stats;
	struct vm_chan chans[CONFIG_MAX_CHANS];
	/* The generated DTB, built once at boot (vm_dtb.c is boot-only code) and kept here in
	 * hypervisor pages: a restart copies it back into guest RAM. */
	u8 *dtb_pages[VM_DTB_SAVE_PAGES];
	u32 dtb_size;
	struct vm_gdb gdb;
	u64 generation; /* generation id (core/generation.c): new at boot and in a clone */
	/* Accesses in flight from outside its vCPUs (vm_access_begin). The struct is
	 * aligned so that no cache line is shared by two VMs' slots. */
	u32 users;
	/* Last: each holds its whole saved state (struct arch_vcpu), and the fields above stay
	 * within load/store immediate range of the struct's base on the hot paths. */
	struct vcpu vcpus[CONFIG_MAX_VCPUS];
} __attribute__((aligned(64)));

struct sched_host;

/* Per physical CPU. TPIDR_EL2 points here; vectors.S reads 'vcpu' at offset 0. */
struct cpu {
	struct vcpu *vcpu; /* the vCPU on this CPU now (static: bound for life), or NULL */
	u64 stack_top;	   /* offset 8: reset on every guest entry */
	u32 id;
	u64 hwid;	       /* the CPU's hardware id (AArch64: MPIDR affinity fields) */
	volatile u32 requests; /* CPU_REQ_* bits, set remotely then kicked */
	u64 irq_count;
	/* NULL: static (one vCPU, no scheduler on any path). Else the CPU is shared by
	 * several vCPUs: its policy, entities and switch state (core/sched.c). */
	struct sched_host *sched;
	/* Aligned: a line each, so CPUs never write each other's lines. */
} __attribute__((aligned(64)));
#define CPU_REQ_IRQCHIP BIT(0) /* re-evaluate virtual interrupts */
#define CPU_REQ_WAKE	BIT(1) /* vCPU state changed (CPU_ON, stop, reset) */
#define CPU_REQ_HEALTH	BIT(2) /* re-arm the health timer of the VM homed here */
#define CPU_REQ_RESCHED BIT(3) /* shared CPU: a hosted vCPU may have become runnable */
#define CPU_REQ_CKPT	BIT(4) /* CPU 0: checkpoints or rollbacks requested (checkpoint.c) */

extern struct cpu cpus[CONFIG_MAX_PCPUS];
extern struct vm vms[CONFIG_MAX_VMS];
extern u32 vm_count;
/* Set at boot when a management channel exists (core/mgmt.c): the machine then stays on
 * when every VM has stopped, so they can be started again. */
extern bool vm_stay_on;
extern struct config system_config;
extern struct platform system_platform;

struct cpu *cpu_this(void);

/* Lifecycle protocol (above): true if vm may be touched now; then vm_access_end() after.
 * Dekker with vm_claim(): both sides store, then load, sequentially consistent. */
static inline bool vm_access_begin(struct vm *vm)
{
	u32 st;

	SHARE_NOTE(&vm->users);
	__atomic_fetch_add(&vm->users, 1, __ATOMIC_SEQ_CST);
	st = __atomic_load_n(&vm->state, __ATOMIC_SEQ_CST);
	if (st == VM_RUNNING || st == VM_PAUSED) {
		return true;
	}
	__atomic_fetch_sub(&vm->users, 1, __ATOMIC_RELEASE);
	return false;
}

static inline void vm_access_end(struct vm *vm)
{
	__atomic_fetch_sub(&vm->users, 1, __ATOMIC_RELEASE);
}

/* core/lifecycle.c: the protocol's other half (host-tested: tests/unit/test_lifecycle.c). */
/* Claims vm for a state change from -> to (compare-and-swap, sequentially consistent): only
 * one CPU stops, resets, pauses or resumes a VM at a time. */
bool vm_claim(struct vm *vm, u32 from, u32 to);
/* "running", "stopped", "resetting", "paused" (enum vm_state), or "unknown". */
const char *vm_state_name(u32 st);
/* After a claim out of RUNNING/PAUSED: waits until no access section is in flight. */
void vm_wait_users(struct vm *vm);
/* Once, at creation: the devices' locks, then their reset state. */
void vm_devices_create(struct vm *vm);
/* A quiesced VM's vGIC and UART back to their reset state (locks kept); its virtio devices
 * are vdev_virtio_reset's. */
void vm_devices_reset(struct vm *vm);

/* core/vm.c */
int vm_create_all(const void *pack, struct config_error *err);
void vm_reset(struct vm *vm);
/* Boots a stopped VM again from its pristine images (policy restart, management start). */
int vm_restart(struct vm *vm);
/* Parks every vCPU of a running VM, keeping its state / lets it continue. 0 or -1 (wrong state). */
int vm_pause(struct vm *vm);
int vm_resume(struct vm *vm);
/* True if this vCPU may run now (its own state and its VM's, or a debugger's step). */
bool vm_vcpu_runnable(const struct vcpu *vc);
void vm_stop(struct vm *vm, enum vm_stop_cause cause);
/* As vm_stop, for a health policy restart: the restart is pending (restart_at, counter
 * value) from the moment the VM stops, so stopping the last running VM does not power off. */
void vm_stop_for_restart(struct vm *vm, enum vm_stop_cause cause, u64 restart_at);
/* Stops a paused VM without letting it run again (a migrated VM's source slot). 0, or -1
 * if it was not paused. */
int vm_stop_paused(struct vm *vm, enum vm_stop_cause cause);
void vm_vcpu_entry_state(struct vcpu *vc, u64 pc, u64 x0);
struct vm *vm_by_id(u32 id);

#endif
