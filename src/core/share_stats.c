/* SPDX-License-Identifier: MIT */
/*
 * Cross-CPU sharing counters for the benchmark build (share_stats.h). Each CPU
 * counts in its own table (no shared line written on the counted paths except the
 * table a CPU owns); the window flag is written only by the guest call that opens
 * or closes it. Counts of the other CPUs are read at the close without stopping
 * them: a count that moves meanwhile is at worst one off, and any non-zero count
 * already fails the bench's "0" goal.
 */
#include "share_stats.h"

#ifdef TESSERA_SHARE_STATS
#include "arch.h"
#include "config.h"
#include "console.h"

#define SHARE_SLOTS 64

struct share_tab {
	const void *obj[SHARE_SLOTS];
	u32 count[SHARE_SLOTS];
	u32 overflow; /* notes that found no free slot */
} __attribute__((aligned(64)));

static struct share_tab tabs[CONFIG_MAX_PCPUS];
static u32 window_open;

void share_note(const void *obj)
{
	struct share_tab *t;
	u32 cpu;

	if (!__atomic_load_n(&window_open, __ATOMIC_RELAXED)) {
		return;
	}
	cpu = arch_cpu_current();
	if (cpu >= CONFIG_MAX_PCPUS) {
		return;
	}
	t = &tabs[cpu];
	for (u32 i = 0; i < SHARE_SLOTS; i++) {
		if (t->obj[i] == obj || !t->obj[i]) {
			t->obj[i] = obj;
			t->count[i]++;
			return;
		}
	}
	t->overflow++;
}

static u32 others(u32 me, const void *obj)
{
	u32 n = 0;

	for (u32 c = 0; c < CONFIG_MAX_PCPUS; c++) {
		for (u32 i = 0; c != me && i < SHARE_SLOTS && tabs[c].obj[i]; i++) {
			if (tabs[c].obj[i] == obj) {
				n += tabs[c].count[i];
			}
		}
	}
	return n;
}

static void report(u32 me)
{
	const struct share_tab *t = &tabs[me];
	u32 objects = 0, shared = 0, acq = 0, overflow = 0;

	for (u32 c = 0; c < CONFIG_MAX_PCPUS; c++) {
		overflow += tabs[c].overflow;
	}
	for (u32 i = 0; i < SHARE_SLOTS && t->obj[i]; i++) {
		u32 o = others(me, t->obj[i]);

		objects++;
		console_printf("share: object 0x%lx this_cpu=%u other_cpus=%u\n",
			       (unsigned long)(uintptr_t)t->obj[i], t->count[i], o);
		if (o) {
			shared++;
			acq += t->count[i];
		}
	}
	console_printf("share: window cpu=%u objects=%u shared_objects=%u shared_acquisitions=%u "
		       "overflow=%u\n",
		       me, objects, shared, acq, overflow);
}

void share_window(bool open)
{
	u32 me = arch_cpu_current();

	if (open) {
		for (u32 c = 0; c < CONFIG_MAX_PCPUS; c++) {
			for (u32 i = 0; i < SHARE_SLOTS; i++) {
				tabs[c].obj[i] = NULL;
				tabs[c].count[i] = 0;
			}
			tabs[c].overflow = 0;
		}
		__atomic_store_n(&window_open, 1, __ATOMIC_SEQ_CST);
		return;
	}
	__atomic_store_n(&window_open, 0, __ATOMIC_SEQ_CST);
	if (me < CONFIG_MAX_PCPUS) {
		report(me);
	}
}
#endif
