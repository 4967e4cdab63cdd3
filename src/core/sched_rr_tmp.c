/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY (branch sched-mech): a minimal policy behind sched_policy.h so the switching
 * mechanism can be driven before sched-cfg's core/sched_policy.c lands. Round-robin among
 * runnable entities with cfg.quantum, priorities, budgets and windows ignored. Deleted when
 * sched_policy.c is merged.
 */
#include "lib.h"
#include "sched_policy.h"

void sched_cpu_init(struct sched_cpu *s, const struct sched_cpu_cfg *cfg, u64 now)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->current = SCHED_IDLE;
	s->frame_start = now;
}

int sched_cpu_add(struct sched_cpu *s, u32 vm, u32 vcpu, u32 prio, u64 budget, u64 period)
{
	struct sched_ent *e;

	if (s->count >= SCHED_MAX_ENTS) {
		return -1;
	}
	e = &s->ent[s->count];
	memset(e, 0, sizeof(*e));
	e->vm = vm;
	e->vcpu = vcpu;
	e->prio = prio;
	e->budget = budget;
	e->period = period;
	return (int)s->count++;
}

void sched_set_runnable(struct sched_cpu *s, int ent, bool runnable, u64 now)
{
	struct sched_ent *e;

	if (ent < 0 || (u32)ent >= s->count) {
		return;
	}
	e = &s->ent[ent];
	if (runnable && !e->runnable) {
		e->ready_since = now;
	}
	e->runnable = runnable;
}

int sched_pick(struct sched_cpu *s, u64 now, u64 *until)
{
	int cur = s->current, next = SCHED_IDLE;

	if (cur != SCHED_IDLE) {
		s->ent[cur].used += now - s->slice_start;
		/* period_start: the start of its quantum (this policy's use of the field) */
		if (s->ent[cur].runnable && now - s->ent[cur].period_start < s->cfg.quantum) {
			next = cur;
		}
	}
	for (u32 k = 1; next == SCHED_IDLE && k <= s->count; k++) {
		int i = (int)(((u32)(cur == SCHED_IDLE ? -1 : cur) + k) % s->count);

		if (s->ent[i].runnable) {
			next = i;
		}
	}
	if (next != cur && next != SCHED_IDLE) {
		s->ent[next].waited += now - s->ent[next].ready_since;
		s->ent[next].switches++;
	}
	if (next != SCHED_IDLE &&
	    (next != cur || now - s->ent[next].period_start >= s->cfg.quantum)) {
		s->ent[next].period_start = now; /* a new quantum */
	}
	if (cur != SCHED_IDLE && next != cur && s->ent[cur].runnable) {
		s->ent[cur].ready_since = now;
	}
	s->current = next;
	s->slice_start = now;
	*until = next == SCHED_IDLE ? SCHED_FOREVER : s->ent[next].period_start + s->cfg.quantum;
	return next;
}

bool sched_would_preempt(const struct sched_cpu *s, int ent)
{
	(void)ent;
	return s->current == SCHED_IDLE;
}
