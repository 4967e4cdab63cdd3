/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor trace (core/trace.c, docs/MANAGEMENT.md "trace"): one ring of fixed-size
 * records per physical CPU, each stamped with the physical counter. Only a CPU writes its
 * own ring (no lock, no atomic read-modify-write): exits and entries of the vCPU on it,
 * interrupts it injects, vCPU switches, and the VM state changes and health events that
 * happen on it. A reader on another CPU copies records and then re-reads the head to drop
 * any the writer may have overwritten meanwhile (trace_read).
 *
 * While tracing is off nothing is recorded and the trap paths pay one load and one branch
 * (vcpu.trace); the other hooks (injection, switch, state change) test trace_active.
 */
#ifndef TESSERA_TRACE_H
#define TESSERA_TRACE_H

#include "config.h"
#include "tessera_features.h"
#include "types.h"

/* Record types (the host's `tessera ctl trace dump` names them). */
enum trace_type {
	TRACE_EXIT = 1, /* sub: enum trace_exit; arg: function ID, IPA, ISS or INTID */
	TRACE_ENTRY,	/* back into the guest */
	TRACE_INJECT,	/* arg: INTID put into a list register as pending */
	TRACE_SWITCH,	/* the vCPU was switched in on a shared CPU */
	TRACE_VM_STATE, /* sub: the new enum vm_state */
	TRACE_HEALTH,	/* sub: enum vm_stop_cause of a failure, arg: restarts so far */
	TRACE_START,	/* tracing started on this CPU; arg: the counter frequency */
};

/* Why a vCPU exited, as the trace records it (sub of TRACE_EXIT): the syndrome's class. */
enum trace_exit {
	TRACE_EXIT_HCALL = 0, /* arg: the function ID (w0) */
	TRACE_EXIT_MCALL,
	TRACE_EXIT_REG, /* arg: ESR ISS */
	TRACE_EXIT_WFX,
	TRACE_EXIT_DABT, /* arg: the faulting IPA (low 32 bits) */
	TRACE_EXIT_IABT,
	TRACE_EXIT_IRQ, /* arg: the INTID acknowledged */
	TRACE_EXIT_SERROR,
	TRACE_EXIT_OTHER, /* arg: the EC */
};

/* 16 bytes: the counter, then what happened and to whom (vm 0xff: no VM). */
struct trace_rec {
	u64 time;
	u8 type, sub, vm, vcpu;
	u32 arg;
};

#define TRACE_RING_PAGES 16 /* 64 KiB a CPU: 4096 records */
#define TRACE_PER_PAGE	 (4096 / sizeof(struct trace_rec))
#define TRACE_RING_RECS	 (TRACE_RING_PAGES * TRACE_PER_PAGE)
#define TRACE_NO_VM	 0xff

#if !TESSERA_FEAT_TRACE
/* No trace in this build (tessera_features.h): the hooks below are compiled out too. */
#ifndef TESSERA_NO_TRACE_HOOKS
#define TESSERA_NO_TRACE_HOOKS
#endif
#define trace_active false
static inline void trace_put(u8 type, u8 sub, u8 vm, u8 vcpu, u32 arg)
{
	(void)type, (void)sub, (void)vm, (void)vcpu, (void)arg;
}
#else
/* Set while tracing is on (trace_start .. trace_stop); read without ordering. */
extern bool trace_active;

/* Starts recording on CPUs 0..ncpu-1 (rings from the page pool, taken on the first start
 * and kept): 0, or -1 if the pool had no pages. Records from before the start are not read
 * again. The vCPUs' own flags (vcpu.trace) are the caller's (core/mgmt_trace.c). */
int trace_begin(u32 ncpu);
void trace_end(void);
/* Appends one record to this CPU's ring (tracing on or not: callers test first). */
void trace_put(u8 type, u8 sub, u8 vm, u8 vcpu, u32 arg);
#endif
/* Copies up to max records of CPU cpu's ring from position *pos (clamped forward to the
 * oldest one still held, and to the last trace_start) into out; *pos is moved to the
 * position after the last one copied, *end set to the writer's position. Returns the number
 * copied; records the writer overwrote while they were copied are not returned. */
u32 trace_read(u32 cpu, u64 *pos, struct trace_rec *out, u32 max, u64 *end);

/*
 * The hooks, for code that may run while tracing is off. TESSERA_NO_TRACE_HOOKS (a benchmark
 * variant only, bench/run.sh "trace off") compiles them out, so that the difference to the
 * normal build is what tracing costs while it is off.
 */
#ifdef TESSERA_NO_TRACE_HOOKS
#define trace_on(vc) ((void)(vc), 0)
static inline void trace_event(u8 type, u8 sub, u8 vm, u8 vcpu, u32 arg)
{
	(void)type, (void)sub, (void)vm, (void)vcpu, (void)arg;
}
#else
/* Is vCPU vc traced? The trap paths' one test per exit (a load and a branch). */
#define trace_on(vc) __builtin_expect((vc)->trace, 0)
static inline void trace_event(u8 type, u8 sub, u8 vm, u8 vcpu, u32 arg)
{
	if (__builtin_expect(trace_active, 0)) {
		trace_put(type, sub, vm, vcpu, arg);
	}
}
#endif

#endif
