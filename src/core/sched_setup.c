/* SPDX-License-Identifier: MIT */
/*
 * From the validated configuration (microseconds, config_sched.c) to one CPU's policy state
 * (counter ticks, sched_policy.c). Resident: the caller decides when a CPU sets up its
 * scheduler, possibly after boot-only code is gone.
 */
#include "config.h"
#include "lib.h"

u64 sched_us_to_ticks(u64 us, u64 freq)
{
	/* us <= 10^7 (CONFIG_FRAME_US_MAX) and freq < 2^32: no overflow. */
	return us * freq / 1000000ULL;
}

int sched_cpu_entity(const struct sched_cpu *s, u32 vm, u32 vcpu)
{
	for (u32 i = 0; i < s->count; i++) {
		if (s->ent[i].vm == vm && s->ent[i].vcpu == vcpu) {
			return (int)i;
		}
	}
	return -1;
}

/* The entity of VM vm's one vCPU on this CPU (partition CPUs host at most one per VM). */
static s32 sched_vm_entity(const struct sched_cpu *s, s32 vm)
{
	for (u32 i = 0; vm >= 0 && i < s->count; i++) {
		if (s->ent[i].vm == (u32)vm) {
			return (s32)i;
		}
	}
	return SCHED_IDLE;
}

static void sched_cfg_ticks(const struct sched_pcpu_cfg *pc, u64 freq, struct sched_cpu_cfg *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = pc->kind;
	out->quantum = sched_us_to_ticks(pc->quantum_us, freq);
	out->major_frame = sched_us_to_ticks(pc->major_frame_us, freq);
	out->window_count = MIN(pc->window_count, SCHED_MAX_WINDOWS);
	for (u32 i = 0; i < out->window_count; i++) {
		const struct sched_window_cfg *w = &pc->windows[i];
		u64 start = sched_us_to_ticks(w->offset_us, freq);

		/* Both ends converted: window i ends exactly where window i+1 starts. */
		out->windows[i].offset = start;
		out->windows[i].duration =
		    sched_us_to_ticks((u64)w->offset_us + w->duration_us, freq) - start;
		out->windows[i].ent = w->vm; /* a VM index until the entities exist */
	}
}

int sched_cpu_setup(struct sched_cpu *s, const struct config *cfg, u32 pcpu, u64 freq, u64 now)
{
	struct sched_cpu_cfg cc;

	if (pcpu >= CONFIG_MAX_PCPUS) {
		return -1;
	}
	sched_cfg_ticks(&cfg->sched[pcpu], freq, &cc);
	sched_cpu_init(s, &cc, now);
	if (cc.kind == SCHED_PARTITION && cc.major_frame) {
		/* Frames start at multiples of the major frame on the system counter: every
		 * partition CPU keeps one time base and a guest knows its windows' instants. The
		 * CPU idles until the first boundary. now < 2^63: no overflow. */
		s->frame_start = (now + cc.major_frame - 1) / cc.major_frame * cc.major_frame;
	}
	for (u32 i = 0; i < cfg->vm_count; i++) {
		const struct vm_cfg *vm = &cfg->vms[i];
		bool prio_cpu = cc.kind == SCHED_PRIORITY; /* budgets serve only there */
		u64 budget = prio_cpu ? sched_us_to_ticks(vm->budget_us, freq) : 0;
		u64 period = prio_cpu ? sched_us_to_ticks(vm->period_us, freq) : 0;
		u32 prio = prio_cpu ? vm->priority : 0;

		for (u32 j = 0; j < vm->vcpu_count; j++) {
			if (vm->cpus[j] == pcpu &&
			    sched_cpu_add(s, i, j, prio, budget, period) < 0) {
				return -1;
			}
		}
	}
	for (u32 w = 0; w < s->cfg.window_count; w++) {
		s->cfg.windows[w].ent = sched_vm_entity(s, s->cfg.windows[w].ent);
	}
	return (int)s->count;
}
