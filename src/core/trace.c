/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU trace rings (trace.h). Each ring is TRACE_RING_PAGES pages from the pool,
 * taken on the first start and kept (a trace is read after it stops). Positions are
 * 64-bit record counts that never wrap; record n lives in slot n % TRACE_RING_RECS.
 */
#include "arch.h"
#include "mem.h"
#include "trace.h"

struct trace_ring {
	struct trace_rec *page[TRACE_RING_PAGES];
	u64 head;  /* records written; only this ring's CPU stores it */
	u64 start; /* head at the last trace_begin: older records are not read */
} __attribute__((aligned(64)));

static struct trace_ring rings[CONFIG_MAX_PCPUS];
bool trace_active;

static struct trace_rec *slot(struct trace_ring *r, u64 n)
{
	n %= TRACE_RING_RECS;
	return &r->page[n / TRACE_PER_PAGE][n % TRACE_PER_PAGE];
}

void trace_put(u8 type, u8 sub, u8 vm, u8 vcpu, u32 arg)
{
	u32 cpu = arch_cpu_current();
	struct trace_ring *r;
	struct trace_rec *rec;
	u64 h;

	if (cpu >= CONFIG_MAX_PCPUS || !rings[cpu].page[TRACE_RING_PAGES - 1]) {
		return;
	}
	r = &rings[cpu];
	h = r->head;
	/* The previous head store before this record's stores: a reader that sees any of
	 * them also sees that head, and drops the slot (trace_read). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	rec = slot(r, h);
	rec->time = arch_counter();
	rec->type = type;
	rec->sub = sub;
	rec->vm = vm;
	rec->vcpu = vcpu;
	rec->arg = arg;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
}

int trace_begin(u32 ncpu)
{
	for (u32 c = 0; c < ncpu && c < CONFIG_MAX_PCPUS; c++) {
		for (u32 p = 0; p < TRACE_RING_PAGES; p++) {
			/* Only while off: a CPU records only once its last page is there. */
			if (!rings[c].page[p] && !(rings[c].page[p] = page_alloc())) {
				return -1;
			}
		}
		__atomic_store_n(&rings[c].start, __atomic_load_n(&rings[c].head, __ATOMIC_ACQUIRE),
				 __ATOMIC_RELAXED);
	}
	__atomic_store_n(&trace_active, true, __ATOMIC_RELEASE);
	return 0;
}

void trace_end(void)
{
	__atomic_store_n(&trace_active, false, __ATOMIC_RELEASE);
}

u32 trace_read(u32 cpu, u64 *pos, struct trace_rec *out, u32 max, u64 *end)
{
	struct trace_ring *r;
	u64 head, oldest, p, keep;
	u32 n = 0;

	*end = 0;
	if (cpu >= CONFIG_MAX_PCPUS || !rings[cpu].page[TRACE_RING_PAGES - 1]) {
		return 0;
	}
	r = &rings[cpu];
	head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	/* The slot of record head - RECS is the writer's next: never returned. */
	oldest = head >= TRACE_RING_RECS ? head + 1 - TRACE_RING_RECS : 0;
	oldest = MAX(oldest, __atomic_load_n(&r->start, __ATOMIC_RELAXED));
	p = *pos < oldest || *pos > head ? oldest : *pos;
	for (; n < max && p + n < head; n++) {
		out[n] = *slot(r, p + n);
	}
	/* Copied, then the head again: the writer may have reused the oldest slots. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	head = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
	keep = head + 1 > TRACE_RING_RECS ? head + 1 - TRACE_RING_RECS : 0;
	if (p < keep) {
		u64 drop = MIN(keep - p, (u64)n);

		for (u32 i = 0; i + drop < n; i++) {
			out[i] = out[i + drop];
		}
		n -= (u32)drop;
		p += drop;
	}
	*pos = p + n;
	*end = head;
	return n;
}
