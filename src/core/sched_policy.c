/* SPDX-License-Identifier: MIT */
/*
 * The scheduling policy of one physical CPU (contract: sched_policy.h; bindings and the
 * rules below: docs/CONFIG.md "Scheduling"). Pure: no locks, no arch, time in counter ticks
 * given by the caller, so the host unit tests run it unchanged.
 *
 * Accounting: the current entity (or idle) is charged from slice_start to each instant the
 * policy is told about (pick, block, sched_account); an entity that is runnable but not
 * current accumulates waited from ready_since. So after any call at `now`, the entities'
 * used plus idle is exactly now minus the instant of sched_cpu_init.
 */
#include "sched_policy.h"
#include "lib.h"

/* period_start of a budgeted entity that has never been runnable: its periods start at its
 * first activation. */
#define SCHED_NOT_ACTIVATED SCHED_FOREVER

BOOT_ONLY void sched_cpu_init(struct sched_cpu *s, const struct sched_cpu_cfg *cfg, u64 now)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->cfg.window_count = MIN(s->cfg.window_count, SCHED_MAX_WINDOWS);
	s->current = SCHED_IDLE;
	s->slice_start = now;
	s->frame_start = now;
	s->quantum_end = now;
}

BOOT_ONLY int sched_cpu_add(struct sched_cpu *s, u32 vm, u32 vcpu, u32 prio, u64 budget, u64 period)
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
	if (budget && period) {
		e->budget = MIN(budget, period);
		e->period = period;
	}
	e->remaining = e->budget;
	e->period_start = SCHED_NOT_ACTIVATED;
	return (int)s->count++;
}

static bool sched_valid(const struct sched_cpu *s, int ent)
{
	return ent >= 0 && (u32)ent < s->count;
}

/*
 * The budget server (deferrable, full replenishment): periods follow each other from the
 * entity's first activation whether it runs or not; at each period boundary its budget is
 * refilled to the full amount (unused budget is not carried over, overuse is not charged
 * to the next period).
 */
static void sched_replenish(struct sched_ent *e, u64 t)
{
	if (e->budget == 0 || e->period_start == SCHED_NOT_ACTIVATED ||
	    t < e->period_start + e->period) {
		return;
	}
	e->period_start += (t - e->period_start) / e->period * e->period;
	e->remaining = e->budget;
}

/* d ticks of running in the current period; running out while runnable is an overrun. */
static void sched_consume(struct sched_ent *e, u64 d)
{
	if (e->remaining > 0 && d >= e->remaining && e->runnable) {
		e->overruns++;
	}
	e->remaining = d >= e->remaining ? 0 : e->remaining - d;
}

/* Charge [slice_start, now) to the current entity (its budget split at period boundaries)
 * or to idle. */
static void sched_charge(struct sched_cpu *s, u64 now)
{
	u64 t = s->slice_start, boundary;
	struct sched_ent *e;

	if (now <= t) {
		return;
	}
	s->slice_start = now;
	if (s->current == SCHED_IDLE) {
		s->idle += now - t;
		return;
	}
	e = &s->ent[s->current];
	e->used += now - t;
	if (e->budget == 0 || e->period_start == SCHED_NOT_ACTIVATED) {
		return;
	}
	sched_replenish(e, t);
	boundary = e->period_start + e->period;
	if (now <= boundary) {
		sched_consume(e, now - t);
		return;
	}
	sched_consume(e, boundary - t);
	/* It ran through the boundary, and maybe through whole periods after it: each of
	 * those used its full budget. */
	if ((now - boundary) / e->period && e->runnable) {
		e->overruns += (u32)((now - boundary) / e->period);
	}
	sched_replenish(e, now);
	sched_consume(e, now - e->period_start);
}

static void sched_switch(struct sched_cpu *s, int next, u64 now)
{
	if (next == s->current) {
		return;
	}
	if (s->current != SCHED_IDLE && s->ent[s->current].runnable) {
		s->ent[s->current].ready_since = now;
	}
	if (next != SCHED_IDLE) {
		struct sched_ent *e = &s->ent[next];

		e->waited += now - e->ready_since;
		e->ready_since = now;
		e->switches++;
	}
	s->current = next;
}

/*
 * Partition: step the current window up to `now` (window starts at now included or not),
 * counting a window miss for each window whose owner is not runnable at the instant it
 * starts by the schedule. Whole frames in between are counted at once.
 */
static u64 sched_win_start(const struct sched_cpu *s, u32 w, bool next_frame)
{
	return s->frame_start + (next_frame ? s->cfg.major_frame : 0) + s->cfg.windows[w].offset;
}

static void sched_win_missed(struct sched_cpu *s, u32 w, u32 times)
{
	s32 owner = s->cfg.windows[w].ent;

	if (sched_valid(s, owner) && !s->ent[owner].runnable) {
		s->ent[owner].window_misses += times;
	}
}

static void sched_part_advance(struct sched_cpu *s, u64 now, bool inclusive)
{
	const struct sched_cpu_cfg *c = &s->cfg;

	if (c->window_count == 0 || c->major_frame == 0) {
		return;
	}
	for (;;) {
		bool wrap = s->window + 1 >= c->window_count;
		u32 nw = wrap ? 0 : s->window + 1;
		u64 start = sched_win_start(s, nw, wrap);

		if (start > now || (start == now && !inclusive)) {
			return;
		}
		if (wrap && now - (s->frame_start + c->major_frame) >= c->major_frame) {
			u64 k = (now - (s->frame_start + c->major_frame)) / c->major_frame;

			for (u32 w = 0; w < c->window_count; w++) {
				sched_win_missed(s, w, (u32)k);
			}
			s->frame_start += k * c->major_frame;
			continue;
		}
		s->frame_start += wrap ? c->major_frame : 0;
		s->window = nw;
		sched_win_missed(s, nw, 1);
	}
}

static int sched_pick_part(struct sched_cpu *s, u64 now, u64 *until)
{
	const struct sched_cpu_cfg *c = &s->cfg;
	const struct sched_window *w;
	u64 start, end;

	if (c->window_count == 0 || c->major_frame == 0) {
		return SCHED_IDLE;
	}
	sched_part_advance(s, now, true);
	w = &c->windows[s->window];
	start = sched_win_start(s, s->window, false);
	end = start + w->duration;
	if (now < start) {
		*until = start;
		return SCHED_IDLE;
	}
	if (now >= end) { /* a gap (only in hand-made tables: the config tiles the frame) */
		bool wrap = s->window + 1 >= c->window_count;

		*until = sched_win_start(s, wrap ? 0 : s->window + 1, wrap);
		return SCHED_IDLE;
	}
	*until = end;
	return sched_valid(s, w->ent) && s->ent[w->ent].runnable ? w->ent : SCHED_IDLE;
}

static bool sched_eligible(const struct sched_ent *e)
{
	return e->runnable && (e->budget == 0 || e->remaining > 0);
}

/* One pass over the entities (after replenishing each): the highest eligible priority, how
 * many eligible entities have it, the one of them other than the current entity that waits
 * longest (lowest index on a tie), and whether a runnable entity is waiting for a refill. */
struct sched_scan {
	u32 top;      /* highest eligible priority (valid if n > 0) */
	u32 n;	      /* eligible entities at top */
	int peer;     /* longest-waiting of them other than current, or SCHED_IDLE */
	bool refills; /* some runnable entity has exhausted its budget */
};

static void sched_scan(struct sched_cpu *s, u64 now, struct sched_scan *r)
{
	r->n = 0;
	r->top = 0;
	r->peer = SCHED_IDLE;
	r->refills = false;
	for (u32 i = 0; i < s->count; i++) {
		struct sched_ent *e = &s->ent[i];

		sched_replenish(e, now);
		if (!sched_eligible(e)) {
			r->refills |= e->runnable && e->budget && e->remaining == 0;
			continue;
		}
		if (r->n == 0 || e->prio > r->top) {
			r->top = e->prio;
			r->n = 0;
			r->peer = SCHED_IDLE;
		} else if (e->prio < r->top) {
			continue;
		}
		r->n++;
		if ((int)i != s->current &&
		    (r->peer == SCHED_IDLE || e->ready_since < s->ent[r->peer].ready_since)) {
			r->peer = (int)i;
		}
	}
}

/*
 * Round robin among equal priorities: the current entity keeps the CPU for consecutive
 * quanta from when it was switched in; at the end of a quantum during which a peer was
 * waiting, it goes behind the peers that wait longer (peer: the longest waiting). A peer
 * arriving after the armed end (nobody was waiting) lets the current quantum, counted on
 * from it, run out.
 */
static int sched_round_robin(struct sched_cpu *s, int peer, u64 now)
{
	u64 q = s->cfg.quantum;

	if (peer != SCHED_IDLE && q && now >= s->quantum_end) {
		if (s->rr_armed) {
			return peer;
		}
		s->quantum_end += ((now - s->quantum_end) / q + 1) * q;
	}
	return s->current;
}

static u64 sched_prio_until(const struct sched_cpu *s, int best, bool refills, u64 now)
{
	u64 u = SCHED_FOREVER;

	if (best != SCHED_IDLE) {
		const struct sched_ent *b = &s->ent[best];

		u = s->rr_armed ? s->quantum_end : u;
		u = b->budget ? MIN(u, now + b->remaining) : u;
	}
	for (u32 i = 0; refills && i < s->count; i++) {
		const struct sched_ent *e = &s->ent[i];

		/* Runnable, exhausted, and it will matter when refilled. */
		if (e->runnable && e->budget && e->remaining == 0 &&
		    (best == SCHED_IDLE || e->prio >= s->ent[best].prio)) {
			u = MIN(u, e->period_start + e->period);
		}
	}
	return u;
}

static int sched_pick_prio(struct sched_cpu *s, u64 now, u64 *until)
{
	int cur = s->current, best = SCHED_IDLE;
	struct sched_scan r;

	sched_scan(s, now, &r);
	if (r.n) {
		bool cur_top =
		    cur != SCHED_IDLE && sched_eligible(&s->ent[cur]) && s->ent[cur].prio == r.top;

		/* Not current at top: the longest waiting of top, current excluded or not. */
		best = cur_top ? sched_round_robin(s, r.peer, now) : r.peer;
	}
	if (best != SCHED_IDLE && best != cur) {
		s->quantum_end = now + s->cfg.quantum;
	}
	/* Another eligible entity at top besides best (best is one of the n at top). */
	s->rr_armed = best != SCHED_IDLE && s->cfg.quantum && r.n > 1;
	*until = sched_prio_until(s, best, r.refills, now);
	return best;
}

int sched_pick(struct sched_cpu *s, u64 now, u64 *until)
{
	int next = SCHED_IDLE;
	u64 u = SCHED_FOREVER;

	sched_charge(s, now);
	if (s->cfg.kind == SCHED_PRIORITY) {
		next = sched_pick_prio(s, now, &u);
	} else if (s->cfg.kind == SCHED_PARTITION) {
		next = sched_pick_part(s, now, &u);
	} else if (s->count > 0 && s->ent[0].runnable) {
		next = 0;
	}
	sched_switch(s, next, now);
	*until = u;
	return next;
}

void sched_set_runnable(struct sched_cpu *s, int ent, bool runnable, u64 now)
{
	struct sched_ent *e;

	if (!sched_valid(s, ent)) {
		return;
	}
	e = &s->ent[ent];
	if (s->cfg.kind == SCHED_PARTITION) {
		/* Windows that started before this event saw the old state. */
		sched_part_advance(s, now, false);
	}
	if (e->runnable == runnable) {
		return;
	}
	if (ent == s->current) {
		/* Blocking as the budget ends is not an overrun: charge as not runnable. */
		e->runnable = runnable;
		sched_charge(s, now);
		return;
	}
	if (runnable) {
		e->ready_since = now;
		if (e->budget && e->period_start == SCHED_NOT_ACTIVATED) {
			e->period_start = now;
			e->remaining = e->budget;
		}
	} else {
		e->waited += now - e->ready_since;
	}
	e->runnable = runnable;
}

bool sched_would_preempt(const struct sched_cpu *s, int ent)
{
	if (!sched_valid(s, ent) || ent == s->current) {
		return false;
	}
	if (s->cfg.kind == SCHED_PARTITION) {
		return s->cfg.window_count > 0 && s->cfg.windows[s->window].ent == ent;
	}
	if (s->current == SCHED_IDLE) {
		return true;
	}
	/* SCHED_PRIORITY: equal priority arms the quantum, an exhausted one its refill. */
	return s->cfg.kind == SCHED_PRIORITY && s->ent[ent].prio >= s->ent[s->current].prio;
}

void sched_account(struct sched_cpu *s, u64 now)
{
	if (s->cfg.kind == SCHED_PARTITION) {
		sched_part_advance(s, now, false);
	}
	sched_charge(s, now);
	for (u32 i = 0; i < s->count; i++) {
		struct sched_ent *e = &s->ent[i];

		if ((int)i != s->current && e->runnable && now > e->ready_since) {
			e->waited += now - e->ready_since;
			e->ready_since = now;
		}
	}
}
