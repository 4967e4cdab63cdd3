/* SPDX-License-Identifier: MIT */
/*
 * Host fake of src/include/arch.h for unit tests: a settable current CPU, a
 * bank of simulated list registers and ICH_HCR_EL2 per physical CPU, and logs of
 * kicks and physical GIC calls. Also the console stand-in (console_vm_putc)
 * that host-compiled vdev/ code links against.
 */
#ifndef TESSERA_FAKE_ARCH_H
#define TESSERA_FAKE_ARCH_H

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

/* console_vm_putc() output (all VMs, in order), NUL-terminated. */
extern char fake_console_buf[4096];
extern size_t fake_console_len;

/* Back to defaults: CPU 0, 4 LRs, all LRs/HCRs zero, logs and console empty. */
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

#endif
