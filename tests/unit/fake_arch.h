/* SPDX-License-Identifier: MIT */
/*
 * The fake architecture the unit tests run core and vdev code on (the model is Hafnium's
 * src/arch/fake), in two files:
 * - fake_arch.c: src/include/arch.h, which vdev and the fuzz harnesses need: a settable
 *   current CPU, a bank of simulated list registers and ICH_HCR_EL2 per physical CPU,
 *   and logs of kicks and physical GIC calls;
 * - fake_machine.c: the rest (the arch hooks of vm.h, cpu_this and the boot-owned
 *   globals, the hypervisor's own PL011 and virtio console), with a CPU model: a kick to
 *   a CPU that is "up" runs that CPU's real sched_run until it idles or enters its vCPU.
 *   Only the unit tests link it (with the whole core).
 */
#ifndef TESSERA_FAKE_ARCH_H
#define TESSERA_FAKE_ARCH_H

#include "arch_gic.h" /* the ICH_* fields the simulated list registers hold */
#include "types.h"

#define FAKE_MAX_CPUS 8
#define FAKE_MAX_LRS  16
#define FAKE_LOG_MAX  1024

/* arch_cpu_current() returns fake_cpu; LR/HCR accessors act on fake_cpu's bank. */
extern _Thread_local u32 fake_cpu; /* per thread: a thread plays one physical CPU */
extern u32 fake_lr_count;	   /* default 4, at most FAKE_MAX_LRS */
extern u64 fake_lr[FAKE_MAX_CPUS][FAKE_MAX_LRS];
extern u64 fake_hcr[FAKE_MAX_CPUS];
/* Calls of the ICH_* accessors (LRs, ELRSR, EISR, MISR, HCR), to prove fast paths. */
extern u32 fake_ich_accesses;
/* Physical PPI enables (arch_gic_ppi_enable) and input lines (arch_gic_ppi_pending), per CPU. */
extern u32 fake_ppi_enabled[FAKE_MAX_CPUS];
extern u32 fake_ppi_line[FAKE_MAX_CPUS];

/* arch_cpu_kick(pcpu) calls, in order. */
extern u32 fake_kicks[FAKE_LOG_MAX];
extern u32 fake_kick_count;

enum fake_gic_op {
	FAKE_GIC_ENABLE,
	FAKE_GIC_DISABLE,
	FAKE_GIC_ROUTE,	     /* arg = pcpu */
	FAKE_GIC_PRIORITY,   /* arg = priority */
	FAKE_GIC_DEACTIVATE, /* arch_gic_irq_deactivate() */
	FAKE_GIC_GUEST_DIR,  /* the guest deactivated an LR with HW = 1 (arg = pINTID) */
};

struct fake_gic_call {
	enum fake_gic_op op;
	u32 intid;
	u32 arg;
	u32 cpu; /* fake_cpu at the time */
};

extern struct fake_gic_call fake_gic_log[FAKE_LOG_MAX];
extern u32 fake_gic_log_len;

/* Called by arch_cpu_kick after logging it, if set (fake_machine.c: the target CPU runs). */
extern void (*fake_kick_hook)(u32 pcpu);

/* Back to defaults: CPU 0, 4 LRs, all LRs/HCRs zero, logs empty. */
void fake_arch_reset(void);
/* Number of logged physical GIC calls matching op and intid (arg ignored). */
u32 fake_gic_count(enum fake_gic_op op, u32 intid);
/* Last logged call matching op and intid, or NULL. */
const struct fake_gic_call *fake_gic_last(enum fake_gic_op op, u32 intid);
/* Number of kicks sent to pcpu. */
u32 fake_kicks_to(u32 pcpu);

/*
 * The guest's side of fake_cpu's virtual CPU interface (IHI0069 4.1, 12.4.6).
 * ack: the highest-priority pending LR (not also active) becomes active; returns
 * its vINTID or 1023. eoi: deactivates the active LR holding intid (active ->
 * invalid, active+pending -> pending; HW = 1 also logs FAKE_GIC_GUEST_DIR);
 * returns false if no LR holds it active.
 */
u32 fake_guest_ack(void);
bool fake_guest_eoi(u32 intid);
/* Number of LRs of fake_cpu in a non-invalid state. */
u32 fake_lr_valid_count(void);
/* The LR of fake_cpu holding vINTID intid in a non-invalid state, or -1. */
int fake_lr_find(u32 intid);

/* ---- fake_machine.c (unit tests only) ---- */

#define FAKE_COUNTER_HZ 62500000ULL /* as QEMU virt: 16 ns */
#define FAKE_MS		(FAKE_COUNTER_HZ / 1000)

struct fake_machine {
	u64 now;  /* arch_counter() */
	u64 tick; /* added to now by every arch_counter() call (0: time stands still) */
	bool up[FAKE_MAX_CPUS];	  /* answers kicks: runs sched_run until it idles or enters */
	u64 timer[FAKE_MAX_CPUS]; /* EL2 timer deadline (arch_hyp_timer_set), 0 = cancelled */
	u32 timer_sets[FAKE_MAX_CPUS];
	u32 starts[FAKE_MAX_CPUS];     /* arch_vcpu_start on that CPU */
	u32 parks[FAKE_MAX_CPUS];      /* arch_vcpu_park */
	u32 saves[FAKE_MAX_CPUS];      /* arch_vcpu_save (shared CPUs) */
	u32 restores[FAKE_MAX_CPUS];   /* arch_vcpu_restore */
	u32 enters[FAKE_MAX_CPUS];     /* arch_vcpu_enter: the guest ran */
	u32 idles[FAKE_MAX_CPUS];      /* arch_idle_wait */
	u32 waits[FAKE_MAX_CPUS];      /* arch_vcpu_wait_until (wake lead) */
	u64 wait_until[FAKE_MAX_CPUS]; /* its t at the last one */
	u64 entry_pc[FAKE_MAX_CPUS];   /* the vCPU's entry point and x0 at its last start */
	u64 entry_x0[FAKE_MAX_CPUS];
	u32 system_offs;    /* arch_system_off */
	u32 machine_resets; /* arch_machine_reset */
	u64 zeroed;	    /* bytes arch_memzero cleared */
	u32 cleans;	    /* arch_dcache_clean calls */
	char uart[16384];   /* what the hypervisor's PL011 sent (console), NUL-terminated */
	size_t uart_len;
};
extern struct fake_machine fake_m;

/* Where the noreturn hooks (arch_system_off, arch_machine_reset) go: longjmp(*env, 1) if
 * set, else the process exits with FAKE_EXIT_SYSTEM_OFF / FAKE_EXIT_MACHINE_RESET. */
extern void *fake_noreturn_env; /* a jmp_buf * */
#define FAKE_EXIT_SYSTEM_OFF	42
#define FAKE_EXIT_MACHINE_RESET 43

/* Everything back to the defaults: time 10 s, no tick, no CPU up, logs and UART empty;
 * also fake_arch_reset(). */
void fake_machine_reset(void);
/* Runs CPU pcpu's sched_run from the top (as after an exception return to its loop) until
 * it idles or enters its vCPU; the calling CPU is restored. A CPU already running further
 * up this thread's stack is not entered again (its requests stay pending). */
void fake_cpu_run(u32 pcpu);
/* Advances the counter by ticks, then fires every EL2 timer whose deadline has passed
 * (sched_hyp_timer on its CPU), as the hardware would. */
void fake_advance(u64 ticks);
/* Whether s occurs in the UART output since the last fake_machine_reset / uart clear. */
bool fake_uart_has(const char *s);
void fake_uart_clear(void);

/* The management transport (src/drivers/virtio_console.h), faked as a device: vcon_find
 * reports fake_vcon_devs, vcon_poll delivers fake_vcon_rx, vcon_write appends to tx,
 * vcon_flush counts. */
struct vcon_dev;
struct fake_vcon {
	u32 dev_count;
	struct {
		u64 base, size;
		u32 intid;
		bool edge;
	} devs[4];
	int started; /* index vcon_start was given, -1 if none */
	bool started_edge;
	const u8 *rx;
	size_t rx_len;
	char tx[8192];
	size_t tx_len;
	u32 flushes; /* vcon_flush calls */
};
extern struct fake_vcon fake_vcon;

#endif
