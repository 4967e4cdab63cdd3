/* SPDX-License-Identifier: MIT */
/*
 * The scheduling policy (core/sched_policy.c) in a simulated CPU: entities that spin or wake
 * periodically with some work, a loop that calls sched_pick at every `until`, whenever the
 * current entity blocks, and on a wake only when sched_would_preempt says so (as the
 * mechanism does), and checks what ran when, exactly in ticks. Also sched_cpu_setup from a
 * parsed configuration (core/sched_setup.c).
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "fdt.h"
#include "lib.h"
#include "sched_policy.h"

/* What an entity does: spins (always runnable), or wakes at offset + k * every and blocks
 * once it has run `work` ticks since that wake. */
struct behaviour {
	bool spin;
	u64 offset, every, work;
};

struct sim {
	struct sched_cpu s;
	struct behaviour b[SCHED_MAX_ENTS];
	u64 left[SCHED_MAX_ENTS]; /* work left in the current activation */
	u64 next_wake[SCHED_MAX_ENTS];
	u64 now, start, picks, leaks, unmet;
	int cur;
	u64 until;
	bool check_windows; /* SCHED_PARTITION: the one running owns the window covering now */
};

static void sim_init(struct sim *m, const struct sched_cpu_cfg *cfg, u64 start)
{
	memset(m, 0, sizeof(*m));
	sched_cpu_init(&m->s, cfg, start);
	m->now = m->start = start;
	m->cur = SCHED_IDLE;
	m->until = 0;
}

static int sim_add(struct sim *m, u32 prio, u64 budget, u64 period, struct behaviour b)
{
	int e = sched_cpu_add(&m->s, (u32)m->s.count, 0, prio, budget, period);

	m->b[e] = b;
	m->next_wake[e] = b.spin ? m->now : m->start + b.offset;
	return e;
}

/* The window owner at `t` (the table is the one in the policy's config). */
static s32 sim_owner(const struct sim *m, u64 t)
{
	const struct sched_cpu_cfg *c = &m->s.cfg;
	u64 in = (t - m->start) % c->major_frame;

	for (u32 w = 0; w < c->window_count; w++) {
		if (in >= c->windows[w].offset &&
		    in < c->windows[w].offset + c->windows[w].duration) {
			return c->windows[w].ent;
		}
	}
	return SCHED_IDLE;
}

static void sim_pick(struct sim *m)
{
	m->cur = sched_pick(&m->s, m->now, &m->until);
	m->picks++;
	CHECK(m->until > m->now);
	if (m->check_windows && m->cur != SCHED_IDLE && sim_owner(m, m->now) != m->cur) {
		m->leaks++;
	}
}

static void sim_wake(struct sim *m, int e)
{
	const struct behaviour *b = &m->b[e];

	if (!b->spin && m->s.ent[e].runnable) {
		m->unmet++; /* the previous activation's work was not done by the next wake */
	}
	m->left[e] = b->spin ? SCHED_FOREVER : b->work;
	m->next_wake[e] = b->spin ? SCHED_FOREVER : m->next_wake[e] + b->every;
	if (!m->s.ent[e].runnable) {
		sched_set_runnable(&m->s, e, true, m->now);
		if (sched_would_preempt(&m->s, e)) {
			sim_pick(m);
		}
	}
}

/* Run to `end`; returns with every account brought up to `end` (events at `end` itself are
 * handled by the next run). */
static void sim_run(struct sim *m, u64 end)
{
	if (m->until == 0) {
		for (u32 e = 0; e < m->s.count; e++) {
			if (m->next_wake[e] <= m->now) {
				sim_wake(m, (int)e);
			}
		}
		sim_pick(m);
	}
	while (m->now < end) {
		u64 t = MIN(end, m->until);

		if (m->picks > 2000000) { /* a policy that stops making progress */
			CHECK(m->picks <= 2000000);
			return;
		}

		for (u32 e = 0; e < m->s.count; e++) {
			t = MIN(t, m->next_wake[e]);
		}
		if (m->cur != SCHED_IDLE && m->left[m->cur] != SCHED_FOREVER) {
			t = MIN(t, m->now + m->left[m->cur]);
		}
		if (m->cur != SCHED_IDLE && m->left[m->cur] != SCHED_FOREVER) {
			m->left[m->cur] -= t - m->now;
		}
		m->now = t;
		if (t == end) {
			break; /* events at `end` belong to the next run */
		}
		if (m->cur != SCHED_IDLE && m->left[m->cur] == 0) {
			sched_set_runnable(&m->s, m->cur, false, t);
			sim_pick(m);
		}
		for (u32 e = 0; e < m->s.count; e++) {
			if (m->next_wake[e] == t) {
				sim_wake(m, (int)e);
			}
		}
		if (t == m->until) {
			sim_pick(m);
		}
	}
	sched_account(&m->s, end);
}

static u64 sim_used_sum(const struct sim *m)
{
	u64 sum = m->s.idle;

	for (u32 e = 0; e < m->s.count; e++) {
		sum += m->s.ent[e].used;
	}
	return sum;
}

static const struct behaviour SPIN = {.spin = true};

static struct sched_cpu_cfg prio_cfg(u64 quantum)
{
	struct sched_cpu_cfg c = {.kind = SCHED_PRIORITY, .quantum = quantum};

	return c;
}

static void test_static(void)
{
	struct sched_cpu_cfg c = {.kind = SCHED_STATIC};
	struct sim m;
	u64 until;

	sim_init(&m, &c, 1000);
	sim_add(&m, 0, 0, 0, (struct behaviour){.offset = 100, .every = 1000, .work = 300});
	CHECK_EQ(sched_pick(&m.s, 1000, &until), (u64)(s64)SCHED_IDLE);
	CHECK_EQ(until, SCHED_FOREVER);
	CHECK(sched_would_preempt(&m.s, 0));
	sim_run(&m, 1000 + 10 * 1000);
	CHECK_EQ(m.s.ent[0].used, 10 * 300);
	CHECK_EQ(m.s.ent[0].switches, 10);
	CHECK_EQ(m.s.ent[0].waited, 0);
	CHECK_EQ(sim_used_sum(&m), 10 * 1000);
	CHECK_EQ(m.unmet, 0);
}

/* The highest priority runs at once when it wakes; the lower one only in what is left. */
static void test_priority(void)
{
	struct sched_cpu_cfg c = prio_cfg(500);
	struct sim m;
	int hi, lo;

	sim_init(&m, &c, 0);
	lo = sim_add(&m, 1, 0, 0, SPIN);
	hi = sim_add(&m, 9, 0, 0, (struct behaviour){.offset = 250, .every = 1000, .work = 100});
	sim_run(&m, 100 * 1000);
	CHECK_EQ(m.s.ent[hi].used, 100 * 100);
	CHECK_EQ(m.s.ent[hi].waited, 0); /* never waits: preempts at once */
	CHECK_EQ(m.s.ent[hi].switches, 100);
	CHECK_EQ(m.s.ent[lo].used, 100 * 1000 - 100 * 100);
	CHECK_EQ(m.s.ent[lo].waited, 100 * 100);
	CHECK_EQ(m.s.ent[lo].switches, 101);
	CHECK_EQ(m.s.idle, 0);
	CHECK_EQ(m.unmet, 0);
}

/* Equal priorities alternate every quantum, exactly; nobody else is touched. */
static void test_round_robin(void)
{
	struct sched_cpu_cfg c = prio_cfg(500);
	struct sim m;
	int a, b;
	u64 until;

	sim_init(&m, &c, 0);
	a = sim_add(&m, 5, 0, 0, SPIN);
	b = sim_add(&m, 5, 0, 0, SPIN);
	sim_run(&m, 0);
	CHECK_EQ(m.cur, a); /* lowest index on a tie */
	CHECK_EQ(m.until, 500);
	sim_run(&m, 500 * 100);
	CHECK_EQ(m.s.ent[a].used, 500 * 50);
	CHECK_EQ(m.s.ent[b].used, 500 * 50);
	CHECK_EQ(m.s.ent[a].switches, 50);
	CHECK_EQ(m.s.ent[b].switches, 50);
	CHECK_EQ(m.s.ent[a].waited + m.s.ent[b].waited, 500 * 100);
	sim_run(&m, 500 * 100 + 123);
	CHECK_EQ(m.cur, a);
	CHECK_EQ(m.until, 500 * 101);
	/* A pick in the middle of a quantum keeps the current one and its quantum end. */
	CHECK_EQ(sched_pick(&m.s, 500 * 100 + 321, &until), (u64)a);
	CHECK_EQ(until, 500 * 101);
	CHECK_EQ(m.s.ent[a].switches, 51);
}

/* A peer that arrives while nobody was waiting lets the current quantum (counted from the
 * switch-in, in consecutive quanta) run out: here at 2000, not at its arrival (1700). */
static void test_round_robin_arrival(void)
{
	struct sched_cpu_cfg c = prio_cfg(500);
	struct sim m;
	int a, b;

	sim_init(&m, &c, 0);
	a = sim_add(&m, 5, 0, 0, SPIN);
	b = sim_add(&m, 5, 0, 0, (struct behaviour){.offset = 1700, .every = 100000, .work = 200});
	sim_run(&m, 1700);
	CHECK_EQ(m.cur, a);
	CHECK_EQ(m.until, SCHED_FOREVER); /* alone: no quantum timer */
	sim_run(&m, 1701);
	CHECK_EQ(m.cur, a);
	CHECK_EQ(m.until, 2000); /* slices 0..500..1000..1500..2000 */
	sim_run(&m, 2001);
	CHECK_EQ(m.cur, b);
	sim_run(&m, 3000);
	CHECK_EQ(m.s.ent[b].used, 200);
	CHECK_EQ(m.s.ent[b].waited, 300);
	CHECK_EQ(m.s.ent[a].used, 3000 - 200);
}

/* The pick's one pass over the entities: three equal peers take turns a quantum each, the
 * longest waiting first; a higher priority found late in index order wins alone (no
 * quantum armed), and when it blocks the peer that waited longest goes on. */
static void test_round_robin_three_below(void)
{
	struct sched_cpu_cfg c = prio_cfg(500);
	struct sched_cpu s;
	u64 until;
	int p[3], hi;

	sched_cpu_init(&s, &c, 0);
	for (int i = 0; i < 3; i++) {
		p[i] = sched_cpu_add(&s, (u32)i, 0, 5, 0, 0);
		sched_set_runnable(&s, p[i], true, 0);
	}
	hi = sched_cpu_add(&s, 3, 0, 9, 0, 0);
	CHECK_EQ(sched_pick(&s, 0, &until), (u64)p[0]);
	CHECK_EQ(until, 500);
	CHECK_EQ(sched_pick(&s, 500, &until), (u64)p[1]);
	CHECK_EQ(sched_pick(&s, 1000, &until), (u64)p[2]); /* waited since 0, p[0] since 500 */
	CHECK_EQ(sched_pick(&s, 1500, &until), (u64)p[0]);
	CHECK_EQ(until, 2000);
	sched_set_runnable(&s, hi, true, 1600);
	CHECK(sched_would_preempt(&s, hi));
	CHECK_EQ(sched_pick(&s, 1600, &until), (u64)hi);
	CHECK_EQ(until, SCHED_FOREVER); /* alone at its priority */
	sched_set_runnable(&s, hi, false, 1700);
	CHECK_EQ(sched_pick(&s, 1700, &until), (u64)p[1]); /* since 1000; p[2] 1500, p[0] 1600 */
	CHECK_EQ(until, 2200);
	CHECK_EQ(s.ent[hi].switches, 1);
	CHECK_EQ(s.ent[p[0]].used + s.ent[p[1]].used + s.ent[p[2]].used, 1600);
}

/* Without the wake re-pick that sched_would_preempt asks for, the peer above would wait
 * forever: check that it asks. */
static void test_would_preempt(void)
{
	struct sched_cpu_cfg c = prio_cfg(500);
	struct sched_cpu s;
	u64 until;

	sched_cpu_init(&s, &c, 0);
	sched_cpu_add(&s, 0, 0, 5, 0, 0);
	sched_cpu_add(&s, 1, 0, 5, 0, 0);
	sched_cpu_add(&s, 2, 0, 1, 0, 0);
	sched_cpu_add(&s, 3, 0, 9, 0, 0);
	CHECK(sched_would_preempt(&s, 2)); /* idle CPU */
	sched_set_runnable(&s, 0, true, 0);
	CHECK_EQ(sched_pick(&s, 0, &until), 0);
	CHECK(!sched_would_preempt(&s, 0));  /* itself */
	CHECK(!sched_would_preempt(&s, 2));  /* lower */
	CHECK(sched_would_preempt(&s, 1));   /* equal: arms the quantum */
	CHECK(sched_would_preempt(&s, 3));   /* higher */
	CHECK(!sched_would_preempt(&s, 7));  /* no such entity */
	CHECK(!sched_would_preempt(&s, -1)); /* idle */
}

/* A spinning entity with a 30 % budget gets exactly 30 % over many periods; the lower
 * priority spinner gets the rest; each period is one overrun. */
static void test_budget_30(void)
{
	struct sched_cpu_cfg c = prio_cfg(5000);
	struct sim m;
	int a, b;

	sim_init(&m, &c, 77);
	a = sim_add(&m, 10, 3000, 10000, SPIN);
	b = sim_add(&m, 1, 0, 0, SPIN);
	sim_run(&m, 77 + 1000 * 10000);
	CHECK_EQ(m.s.ent[a].used, 1000 * 3000);
	CHECK_EQ(m.s.ent[b].used, 1000 * 7000);
	CHECK_EQ(m.s.ent[a].overruns, 1000);
	CHECK_EQ(m.s.ent[a].switches, 1000);
	CHECK_EQ(m.s.ent[a].waited, 1000 * 7000); /* throttled time is waiting */
	CHECK_EQ(m.s.idle, 0);
	/* Alone, it still gets exactly its budget: the rest is idle. */
	sim_init(&m, &c, 0);
	a = sim_add(&m, 10, 3000, 10000, SPIN);
	sim_run(&m, 1000 * 10000 + 5000);
	CHECK_EQ(m.s.ent[a].used, 1001 * 3000);
	CHECK_EQ(m.s.idle, 1000 * 7000 + 2000);
}

/* The budgeted spinner at high priority; an idle-most-of-the-time neighbour at low priority
 * that needs 1000 ticks every 10,000 still gets all of it, every period. */
static void test_idle_neighbour(void)
{
	struct sched_cpu_cfg c = prio_cfg(5000);
	struct sim m;
	int a, n;

	sim_init(&m, &c, 0);
	a = sim_add(&m, 10, 3000, 10000, SPIN);
	n = sim_add(&m, 1, 0, 0, (struct behaviour){.offset = 1500, .every = 10000, .work = 1000});
	sim_run(&m, 500 * 10000);
	CHECK_EQ(m.s.ent[n].used, 500 * 1000);
	CHECK_EQ(m.unmet, 0);
	CHECK_EQ(m.s.ent[a].used, 500 * 3000);
	CHECK_EQ(m.s.idle, 500 * 6000);
	/* It waited exactly while the spinner had budget left in its period: 1500..3000. */
	CHECK_EQ(m.s.ent[n].waited, 500 * 1500);
}

/* Deferrable server: a blocked entity keeps its budget within the period; the budget is
 * refilled in full at each boundary counted from the first activation, never carried over. */
static void test_replenishment(void)
{
	struct sched_cpu_cfg c = prio_cfg(5000);
	struct sched_cpu s;
	u64 until;

	sched_cpu_init(&s, &c, 0);
	sched_cpu_add(&s, 0, 0, 10, 3000, 10000);
	sched_set_runnable(&s, 0, true, 400); /* first activation: periods at 400 + k * 10000 */
	CHECK_EQ(sched_pick(&s, 400, &until), 0);
	CHECK_EQ(until, 3400);
	sched_set_runnable(&s, 0, false, 1400); /* used 1000 */
	CHECK_EQ(sched_pick(&s, 1400, &until), (u64)(s64)SCHED_IDLE);
	CHECK_EQ(until, SCHED_FOREVER);
	CHECK_EQ(s.ent[0].remaining, 2000);
	sched_set_runnable(&s, 0, true, 9400);
	CHECK_EQ(sched_pick(&s, 9400, &until), 0);
	CHECK_EQ(until, 11400); /* 2000 left */
	/* It runs through the boundary at 10,400: 1000 from the old period, full budget anew. */
	CHECK_EQ(sched_pick(&s, 11400, &until), 0);
	CHECK_EQ(s.ent[0].remaining, 2000);
	CHECK_EQ(s.ent[0].period_start, 10400);
	CHECK_EQ(s.ent[0].overruns, 0);
	CHECK_EQ(until, 13400);
	CHECK_EQ(sched_pick(&s, 13400, &until), (u64)(s64)SCHED_IDLE);
	CHECK_EQ(s.ent[0].overruns, 1);
	CHECK_EQ(until, 20400); /* its replenishment */
	/* Blocked through two boundaries: refilled to 3000, not 9000. */
	sched_set_runnable(&s, 0, false, 14000);
	sched_set_runnable(&s, 0, true, 35000);
	CHECK_EQ(sched_pick(&s, 35000, &until), 0);
	CHECK_EQ(s.ent[0].remaining, 3000);
	CHECK_EQ(s.ent[0].period_start, 30400);
	CHECK_EQ(until, 38000);
	CHECK_EQ(s.ent[0].used, 1000 + 2000 + 2000);
}

/* A late pick that finds the entity ran through whole periods charges each of them. */
static void test_late_charge(void)
{
	struct sched_cpu_cfg c = prio_cfg(5000);
	struct sched_cpu s;
	u64 until;

	sched_cpu_init(&s, &c, 0);
	sched_cpu_add(&s, 0, 0, 10, 3000, 10000);
	sched_set_runnable(&s, 0, true, 0);
	CHECK_EQ(sched_pick(&s, 0, &until), 0);
	CHECK_EQ(sched_pick(&s, 45000, &until), (u64)(s64)SCHED_IDLE); /* 4.5 periods later */
	CHECK_EQ(s.ent[0].used, 45000);
	CHECK_EQ(s.ent[0].overruns, 5); /* periods 0..3 in full, and 40,000..43,000 */
	CHECK_EQ(s.ent[0].period_start, 40000);
	CHECK_EQ(s.ent[0].remaining, 0);
	CHECK_EQ(until, 50000);
}

static struct sched_cpu_cfg part_cfg(void)
{
	struct sched_cpu_cfg c = {.kind = SCHED_PARTITION, .major_frame = 10000, .window_count = 3};

	c.windows[0] = (struct sched_window){.ent = 0, .offset = 0, .duration = 4000};
	c.windows[1] = (struct sched_window){.ent = 1, .offset = 4000, .duration = 4000};
	c.windows[2] = (struct sched_window){.ent = SCHED_IDLE, .offset = 8000, .duration = 2000};
	return c;
}

/* Two spinners get exactly their windows; the idle window stays idle; nothing leaks. */
static void test_partition(void)
{
	struct sched_cpu_cfg c = part_cfg();
	struct sim m;
	int a, b;

	sim_init(&m, &c, 300);
	m.check_windows = true;
	a = sim_add(&m, 0, 0, 0, SPIN);
	b = sim_add(&m, 0, 0, 0, SPIN);
	sim_run(&m, 300 + 200 * 10000);
	CHECK_EQ(m.s.ent[a].used, 200 * 4000);
	CHECK_EQ(m.s.ent[b].used, 200 * 4000);
	CHECK_EQ(m.s.idle, 200 * 2000);
	CHECK_EQ(m.leaks, 0);
	CHECK_EQ(m.s.ent[a].window_misses, 0);
	CHECK_EQ(m.s.ent[a].switches, 200);
	/* B wakes late in its window and wants more than is left: never beyond it. */
	sim_init(&m, &c, 0);
	m.check_windows = true;
	a = sim_add(&m, 0, 0, 0, SPIN);
	b = sim_add(&m, 0, 0, 0, (struct behaviour){.offset = 7000, .every = 10000, .work = 3000});
	sim_run(&m, 100 * 10000);
	CHECK_EQ(m.leaks, 0);
	/* Frame 0: 7000..8000; then the 2000 left at 4000..6000, and 7000..8000 again. */
	CHECK_EQ(m.s.ent[b].used, 1000 + 99 * 3000);
	CHECK_EQ(m.s.ent[b].window_misses, 1); /* frame 0 only */
	CHECK_EQ(m.s.ent[a].used, 100 * 4000); /* never B's window, even when B blocks */
	CHECK_EQ(sim_used_sum(&m), 100 * 10000);
}

/* A window miss: its owner is not runnable at the instant the window starts. */
static void test_window_misses(void)
{
	struct sched_cpu_cfg c = part_cfg();
	struct sim m;
	int a, b;
	u64 until;

	sim_init(&m, &c, 0);
	a = sim_add(&m, 0, 0, 0, SPIN);
	/* B wakes 500 into its window each frame (misses it), runs 1000, blocks. */
	b = sim_add(&m, 0, 0, 0, (struct behaviour){.offset = 4500, .every = 10000, .work = 1000});
	sim_run(&m, 50 * 10000);
	CHECK_EQ(m.s.ent[b].window_misses, 50);
	CHECK_EQ(m.s.ent[a].window_misses, 0);
	CHECK_EQ(m.s.ent[b].used, 50 * 1000);
	/* Woken exactly at the window start: not a miss (the event comes first). */
	sim_init(&m, &c, 0);
	a = sim_add(&m, 0, 0, 0, SPIN);
	b = sim_add(&m, 0, 0, 0, (struct behaviour){.offset = 4000, .every = 10000, .work = 1000});
	sim_run(&m, 50 * 10000);
	CHECK_EQ(m.s.ent[b].window_misses, 0);
	CHECK_EQ(m.s.ent[b].waited, 0);
	/* Asleep for 20 whole frames and a bit: every one of its windows counted, at once. */
	sched_cpu_init(&m.s, &c, 0);
	sched_cpu_add(&m.s, 0, 0, 0, 0, 0);
	sched_cpu_add(&m.s, 1, 0, 0, 0, 0);
	sched_set_runnable(&m.s, 0, true, 0);
	CHECK_EQ(sched_pick(&m.s, 0, &until), 0);
	CHECK_EQ(until, 4000);
	CHECK_EQ(sched_pick(&m.s, 205000, &until), (u64)(s64)SCHED_IDLE); /* in B's window */
	CHECK_EQ(until, 208000);
	CHECK_EQ(m.s.ent[1].window_misses, 21); /* frames 0..20 */
	CHECK_EQ(m.s.ent[0].window_misses, 0);
	CHECK(sched_would_preempt(&m.s, 1));
	CHECK(!sched_would_preempt(&m.s, 0));
}

/* A mixed load with wakes and blocks: used + idle is the elapsed time, exactly, whenever
 * asked; an entity's used + waited never exceeds the time since it first woke. */
static void test_accounting(void)
{
	struct sched_cpu_cfg c = prio_cfg(700);
	struct sim m;

	sim_init(&m, &c, 12345);
	sim_add(&m, 3, 0, 0, (struct behaviour){.offset = 10, .every = 3300, .work = 900});
	sim_add(&m, 3, 2000, 7000, SPIN);
	sim_add(&m, 3, 0, 0, (struct behaviour){.offset = 2000, .every = 5100, .work = 1700});
	sim_add(&m, 8, 500, 2500, (struct behaviour){.offset = 77, .every = 1900, .work = 600});
	sim_add(&m, 1, 0, 0, (struct behaviour){.offset = 5, .every = 40000, .work = 30000});
	for (u64 t = 1; t <= 50; t++) {
		sim_run(&m, 12345 + t * 9973);
		CHECK_EQ(sim_used_sum(&m), t * 9973);
		for (u32 e = 0; e < m.s.count; e++) {
			CHECK(m.s.ent[e].used + m.s.ent[e].waited <= t * 9973);
		}
	}
	CHECK(m.s.ent[3].overruns > 0);
	CHECK(m.s.ent[1].overruns > 0);
	CHECK(m.picks > 100);
}

/* sched_cpu_setup from a parsed config: us -> ticks, entities in VM order, windows mapped
 * to entity indices, budgets only on priority CPUs. */
static u8 blob[8192];

static void vm_node(struct fdtw *w, const char *name, const u32 *cpus, u32 n, u64 base)
{
	u64 mem[2] = {base, 0x1000000};

	fdtw_begin_node(w, name);
	fdtw_prop_cells(w, "cpus", cpus, n);
	fdtw_prop_reg64(w, "memory", mem, 1);
	fdtw_prop_str(w, "image", "img.bin");
}

static void window(struct fdtw *w, const char *name, const char *vm, u32 off, u32 dur)
{
	fdtw_begin_node(w, name);
	if (vm) {
		fdtw_prop_str(w, "vm", vm);
	}
	fdtw_prop_u32(w, "offset-us", off);
	fdtw_prop_u32(w, "duration-us", dur);
	fdtw_end_node(w);
}

static u32 setup_blob(void)
{
	const u32 c01[2] = {1, 2}, c1[1] = {1}, c2[1] = {2};
	struct fdtw w;
	u32 size = 0;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_begin_node(&w, "vms");
	vm_node(&w, "lin", c01, 2, 0x48000000); /* vCPU 0 on CPU 1, vCPU 1 on CPU 2 */
	fdtw_prop_u32(&w, "priority", 1);
	fdtw_prop_u32(&w, "budget-us", 3000);
	fdtw_prop_u32(&w, "period-us", 10000);
	fdtw_end_node(&w);
	vm_node(&w, "rt", c1, 1, 0x4a000000);
	fdtw_prop_u32(&w, "priority", 200);
	fdtw_end_node(&w);
	vm_node(&w, "ctl", c2, 1, 0x4c000000);
	fdtw_end_node(&w);
	fdtw_end_node(&w); /* vms */
	fdtw_begin_node(&w, "scheduling");
	fdtw_begin_node(&w, "cpu@1");
	fdtw_prop_str(&w, "policy", "priority");
	fdtw_prop_u32(&w, "quantum-us", 5000);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "cpu@2");
	fdtw_prop_str(&w, "policy", "partition");
	fdtw_prop_u32(&w, "major-frame-us", 1001);
	window(&w, "window@1", "lin", 333, 333);
	window(&w, "window@0", "ctl", 0, 333);
	window(&w, "window@2", NULL, 666, 335);
	fdtw_end_node(&w);
	fdtw_end_node(&w); /* scheduling */
	fdtw_end_node(&w); /* root */
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	return size;
}

/* A partition CPU set up between frame boundaries idles until the next multiple of the
 * major frame on the counter, then follows its table from window 0. */
static void test_setup_frame(const struct config *cfg)
{
	struct sched_cpu s;
	u64 f, until = 0;

	CHECK_EQ(sched_cpu_setup(&s, cfg, 2, 1000003, 5), 2);
	f = s.cfg.major_frame;
	CHECK_EQ(s.frame_start, f);
	sched_set_runnable(&s, 0, true, 5);
	sched_set_runnable(&s, 1, true, 5);
	CHECK_EQ(sched_pick(&s, 5, &until), SCHED_IDLE);
	CHECK_EQ(until, f);
	CHECK_EQ(sched_pick(&s, f, &until), 1); /* ctl's window 0 */
	CHECK_EQ(until, f + s.cfg.windows[0].duration);
	CHECK_EQ(sched_cpu_setup(&s, cfg, 2, 1000003, 7 * f), 2);
	CHECK_EQ(s.frame_start, 7 * f); /* exactly on a boundary: that frame */
}

static void test_setup(void)
{
	static struct config cfg;
	struct config_error err;
	struct platform plat;
	struct sched_cpu s;
	u32 size = setup_blob();
	const u64 freq = 62500000; /* 16 ns ticks, as QEMU virt */

	platform_default(&plat);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), 0);
	if (err.msg[0]) {
		printf("  %s: %s: %s\n", err.node, err.prop, err.msg);
	}
	CHECK_EQ(sched_cpu_setup(&s, &cfg, 1, freq, 1000), 2);
	CHECK_EQ(s.cfg.kind, SCHED_PRIORITY);
	CHECK_EQ(s.cfg.quantum, 5000 * 62.5);
	CHECK_EQ(s.ent[0].vm, 0);
	CHECK_EQ(s.ent[0].budget, 3000 * 62.5);
	CHECK_EQ(s.ent[0].period, 10000 * 62.5);
	CHECK_EQ(s.ent[1].vm, 1);
	CHECK_EQ(s.ent[1].prio, 200);
	CHECK_EQ(s.ent[1].budget, 0);
	CHECK_EQ(sched_cpu_entity(&s, 1, 0), 1);
	CHECK_EQ(sched_cpu_entity(&s, 2, 0), -1);
	CHECK_EQ(s.slice_start, 1000);
	/* CPU 2: lin's vCPU 1 and ctl; windows sorted, tiling exactly in ticks. */
	CHECK_EQ(sched_cpu_setup(&s, &cfg, 2, 1000003, 0), 2);
	CHECK_EQ(s.cfg.kind, SCHED_PARTITION);
	CHECK_EQ(s.ent[0].vm, 0);
	CHECK_EQ(s.ent[0].vcpu, 1);
	CHECK_EQ(s.ent[0].budget, 0); /* budgets serve on priority CPUs only */
	CHECK_EQ(s.ent[0].prio, 0);
	CHECK_EQ(s.cfg.window_count, 3);
	CHECK_EQ(s.cfg.windows[0].ent, 1); /* ctl */
	CHECK_EQ(s.cfg.windows[1].ent, 0); /* lin */
	CHECK_EQ(s.cfg.windows[2].ent, (u64)(s64)SCHED_IDLE);
	for (u32 i = 0; i + 1 < 3; i++) {
		CHECK_EQ(s.cfg.windows[i].offset + s.cfg.windows[i].duration,
			 s.cfg.windows[i + 1].offset);
	}
	CHECK_EQ(s.cfg.windows[2].offset + s.cfg.windows[2].duration, s.cfg.major_frame);
	CHECK_EQ(s.cfg.major_frame, 1001 * 1000003ULL / 1000000);
	CHECK_EQ(s.frame_start, 0); /* counter 0 is a frame boundary */
	test_setup_frame(&cfg);
	/* CPU 0 is static and empty. */
	CHECK_EQ(sched_cpu_setup(&s, &cfg, 0, freq, 0), 0);
	CHECK_EQ(s.cfg.kind, SCHED_STATIC);
}

int main(void)
{
	RUN(test_static);
	RUN(test_priority);
	RUN(test_round_robin);
	RUN(test_round_robin_arrival);
	RUN(test_round_robin_three_below);
	RUN(test_would_preempt);
	RUN(test_budget_30);
	RUN(test_idle_neighbour);
	RUN(test_replenishment);
	RUN(test_late_charge);
	RUN(test_partition);
	RUN(test_window_misses);
	RUN(test_accounting);
	RUN(test_setup);
	CHECK_MAIN_END();
}
