/* SPDX-License-Identifier: MIT */
/*
 * Scheduling policy of one physical CPU (core/sched_policy.c): pure logic, no locks, no arch,
 * time in generic-counter ticks. It is touched only by its own CPU (other CPUs ask it to look
 * again with cpu_request(pcpu, CPU_REQ_RESCHED)), and it runs unchanged in host unit tests.
 *
 * CONTRACT between the config/policy work (branch sched-cfg) and the mechanism work (branch
 * sched-mech): keep these names and meanings; add fields/functions if needed, tell the
 * integrator.
 */
#ifndef TESSERA_SCHED_POLICY_H
#define TESSERA_SCHED_POLICY_H

#include "types.h"

#define SCHED_MAX_ENTS	  8  /* vCPUs one physical CPU can host */
#define SCHED_MAX_WINDOWS 16 /* windows in one major frame */
#define SCHED_IDLE	  (-1)
#define SCHED_FOREVER	  (~0ULL)

enum sched_kind {
	SCHED_STATIC = 0,    /* one vCPU, no scheduler on the path (today's 1:1) */
	SCHED_PRIORITY = 1,  /* fixed-priority preemptive, budget servers, RR among equals */
	SCHED_PARTITION = 2, /* ARINC 653 style cyclic table of windows */
};

/* One schedulable entity: a vCPU placed on this CPU. */
struct sched_ent {
	u32 vm, vcpu; /* which vCPU (VM index, vCPU index in that VM) */
	u32 prio;     /* higher runs first (SCHED_PRIORITY) */
	u64 budget;   /* ticks per period; 0 = no budget server */
	u64 period;
	bool runnable;
	/* runtime, owned by the policy */
	u64 remaining;	  /* budget left in the current period */
	u64 period_start; /* start of the current period */
	u64 ready_since;  /* when it last became runnable but not running */
	/* visibility (issue 13 item 5): all in ticks / counts since boot */
	u64 used, waited;
	u32 overruns;	   /* times it exhausted its budget while runnable */
	u32 window_misses; /* its window started while it was not runnable */
	u32 switches;	   /* times it was switched in */
};

struct sched_window {
	s32 ent;    /* entity index that owns it, or SCHED_IDLE */
	u64 offset; /* from the start of the major frame, ticks */
	u64 duration;
};

/* Per CPU, from the configuration (ticks already converted from microseconds). */
struct sched_cpu_cfg {
	enum sched_kind kind;
	u64 quantum;	 /* round-robin quantum among equal priorities (SCHED_PRIORITY) */
	u64 major_frame; /* SCHED_PARTITION */
	u32 window_count;
	struct sched_window windows[SCHED_MAX_WINDOWS];
};

struct sched_cpu {
	struct sched_cpu_cfg cfg;
	u32 count;
	struct sched_ent ent[SCHED_MAX_ENTS];
	s32 current;	 /* entity running now, or SCHED_IDLE */
	u64 slice_start; /* when current was switched in (or last charged) */
	u64 frame_start; /* SCHED_PARTITION: start of the current major frame */
	u32 window;	 /* SCHED_PARTITION: current window index */
	/* Added by sched-cfg (not in the first contract): */
	u64 quantum_end; /* SCHED_PRIORITY: end of current's round-robin quantum */
	u64 idle;	 /* ticks with no entity current, since sched_cpu_init */
	bool rr_armed;	 /* the last pick had an equal-priority peer waiting: quantum_end counts */
};

/* Set up an empty CPU with its policy; the frame starts at `now`. */
void sched_cpu_init(struct sched_cpu *s, const struct sched_cpu_cfg *cfg, u64 now);
/* Place a vCPU; returns its entity index, or -1 if full. Starts not runnable. */
int sched_cpu_add(struct sched_cpu *s, u32 vm, u32 vcpu, u32 prio, u64 budget, u64 period);
/* The entity became runnable (woken: interrupt pending, CPU_ON, timer deadline) or
 * blocked (WFI with nothing pending, powered off, VM stopped/paused). */
void sched_set_runnable(struct sched_cpu *s, int ent, bool runnable, u64 now);
/* Charge the current entity up to `now`, replenish budgets, advance windows, and choose who
 * runs next. Returns the entity index or SCHED_IDLE, and sets *until to the instant the
 * decision must be revisited (quantum end, budget exhaustion, window boundary, the next
 * replenishment of a runnable entity), or SCHED_FOREVER. Counts switches/waited/used. */
int sched_pick(struct sched_cpu *s, u64 now, u64 *until);
/* Would waking `ent` preempt the current entity under this policy? (IPI/IRQ fast decision)
 * Precisely: true if, after sched_set_runnable(ent, true), sched_pick must run before the
 * current entity resumes: ent would run instead of it (higher priority, the CPU is idle, it
 * owns the current window), or its arrival moves the instant to look again earlier (an
 * equal-priority peer arms the round-robin quantum; an exhausted entity of higher or equal
 * priority adds its replenishment). False means the current decision and its `until` stand. */
bool sched_would_preempt(const struct sched_cpu *s, int ent);
/* Added by sched-cfg: bring used/waited/idle (and window misses) up to `now` without
 * deciding anything, for statistics; the decision and its `until` are unchanged. */
void sched_account(struct sched_cpu *s, u64 now);

#endif
