/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU loop. A static CPU (struct cpu.sched == NULL) runs its one vCPU when it is on
 * and otherwise waits for interrupts (its vCPU being turned on by PSCI CPU_ON, a VM reset,
 * ...): nothing to schedule, nothing on its paths. A shared CPU hosts several vCPUs: the
 * policy (sched_policy.h) picks one, its whole state is restored into the CPU
 * (arch_vcpu_restore) and saved again when it leaves (arch_vcpu_save); see
 * docs/ARCHITECTURE.md "Scheduling".
 */
#include "sched_loop.h"
#include "health.h"
#include "console.h"
#include "gdb.h"
#include "lib.h"
#include "checkpoint.h"
#include "mem.h"
#include "mgmt.h"
#include "snapshot.h"
#include "trace.h"
#include "vm.h"

void cpu_request(u32 pcpu, u32 req)
{
	if (pcpu >= CONFIG_MAX_PCPUS) {
		return;
	}
	__atomic_fetch_or(&cpus[pcpu].requests, req, __ATOMIC_RELEASE);
	if (pcpu != arch_cpu_current()) {
		arch_cpu_kick(pcpu);
	}
}

/* ---- shared CPUs ---- */

static u64 earliest(u64 a, u64 b)
{
	return !a || (b && b < a) ? b : a;
}

/* On or being turned on, in a running VM. */
static bool vcpu_can_run(const struct vcpu *vc)
{
	u32 st = __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE);

	return st == VCPU_ON_PENDING ||
	       (st == VCPU_RUNNING &&
		(__atomic_load_n(&vc->vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING || vc->gdb_step));
}

/* A saved vCPU's timer deadline, for a timer whose interrupt it has enabled; 0 if none. */
static u64 timer_deadline(const struct vcpu *vc)
{
	return arch_vcpu_timer_deadline(vc, irqchip_timers_enabled(vc->vm, vc->id));
}

/* Does a vCPU that is not on the CPU want it? A blocked one wakes for an interrupt made
 * deliverable to it (vGIC dirty) or its timer deadline, lead ticks ahead of it (wake-lead-us:
 * it is back on the CPU, its timer live, when the deadline comes; sched_vcpu_wfx). */
static bool away_wants_cpu(struct vcpu *vc, u64 now, u64 lead)
{
	if (!vcpu_can_run(vc)) {
		return false;
	}
	if (vc->blocked) {
		/* A stop or reset took it out of its WFI: it starts afresh (ON_PENDING). */
		u64 t = timer_deadline(vc);

		if (__atomic_load_n(&vc->state, __ATOMIC_ACQUIRE) == VCPU_ON_PENDING ||
		    irqchip_vcpu_woken(vc->vm, vc->id) || (t && t <= now + lead)) {
			vc->blocked = false;
		}
	}
	return !vc->blocked;
}

/* Brings the policy's runnable flags up to date; asks for a pick if a woken vCPU preempts
 * the current one, the current one cannot go on, or the policy's instant has come. */
static void shared_refresh(struct cpu *c, struct sched_host *h, u64 now)
{
	for (u32 i = 0; i < h->s.count; i++) {
		struct vcpu *vc = h->vc[i];
		bool here, r;

		if (!vc) {
			continue; /* every entity has its vCPU (sched_setup); for the analyser */
		}
		here = vc == c->vcpu;
		r = here ? vcpu_can_run(vc) && !vc->blocked : away_wants_cpu(vc, now, h->lead);
		if (r == h->s.ent[i].runnable) {
			continue;
		}
		sched_set_runnable(&h->s, (int)i, r, now);
		if (here || sched_would_preempt(&h->s, (int)i)) {
			h->resched = true;
		}
	}
	if (now >= h->until) {
		h->resched = true;
	}
}

/* The hypervisor timer serves the policy (its next instant), health (watchdogs, restarts of
 * the VMs homed here) and blocked vCPUs' timer deadlines: the earliest of them. */
static void shared_timer_program(struct cpu *c, struct sched_host *h)
{
	u64 at = h->health_at;

	if (!h->resched && h->until != SCHED_FOREVER) {
		at = earliest(at, h->until);
	}
	for (u32 i = 0; i < h->s.count; i++) {
		struct vcpu *vc = h->vc[i];

		if (vc && vc != c->vcpu && vc->blocked && vcpu_can_run(vc)) {
			u64 t = timer_deadline(vc);

			at = earliest(at, t > h->lead ? t - h->lead : t);
		}
	}
	if (at) {
		arch_hyp_timer_set(at);
	} else {
		arch_hyp_timer_cancel();
	}
}

/* Watchdogs and restarts of every VM whose vCPU 0 is hosted here. */
static void shared_health(struct cpu *c, struct sched_host *h)
{
	u64 at = 0;

	for (u32 i = 0; i < h->s.count; i++) {
		if (h->vc[i] && h->vc[i]->id == 0) {
			at = earliest(at, health_vm_timer(h->vc[i]->vm));
		}
	}
	h->health_at = at;
	shared_timer_program(c, h);
}

/* The resident vCPU leaves the CPU: parked first if it is off or stopped (as a static CPU
 * parks it), then saved whole; only then does it count as parked for a stop or reset. */
static void switch_out(struct cpu *c, struct vcpu *vc)
{
	u32 st = __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE);

	if (st == VCPU_OFF || st == VCPU_STOPPED) {
		arch_vcpu_park(vc);
	}
	irqchip_vcpu_here(vc->vm, vc->id, false);
	arch_vcpu_save(vc);
	c->vcpu = NULL;
	__atomic_store_n(&vc->parked, true, __ATOMIC_SEQ_CST);
}

/* A vCPU turned on (PSCI CPU_ON) or reset since it last ran starts afresh, whether it
 * comes onto the CPU or is still resident (a reset from its own vCPU, PSCI SYSTEM_RESET,
 * leaves it on the CPU): everything its saved or live state held is reset. False if it was
 * not pending (it goes on from where it was). Inlined at both calls: as a call it cost the
 * vCPU switch 13 instructions (bench: 896 -> 909). */
static inline __attribute__((always_inline)) bool start_pending(struct cpu *c, struct sched_host *h,
								struct vcpu *vc)
{
	u32 st = __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE);

	if (st != VCPU_ON_PENDING) {
		return false;
	}
	arch_vcpu_start(vc);
	arch_vcpu_share(vc);
	snapshot_vcpu_started(vc);
	vc->blocked = false;
	/* Only if nobody stopped it meanwhile (VM stop or reset). */
	__atomic_compare_exchange_n(&vc->state, &st, VCPU_RUNNING, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
	if (vc->id == 0) {
		shared_health(c, h); /* arm its watchdog */
	}
	return true;
}

/* vc becomes the resident vCPU: false if it may not run after all (a stop or pause raced:
 * the Dekker pair with vm_quiesce, parked stored before the state is read). */
static bool switch_in(struct cpu *c, struct sched_host *h, struct vcpu *vc)
{
	__atomic_store_n(&vc->parked, false, __ATOMIC_SEQ_CST);
	if (!vcpu_can_run(vc)) {
		__atomic_store_n(&vc->parked, true, __ATOMIC_SEQ_CST);
		return false;
	}
	c->vcpu = vc;
	trace_event(TRACE_SWITCH, 0, (u8)vc->vm->id, (u8)vc->id, 0);
	irqchip_vcpu_here(vc->vm, vc->id, true);
	if (!start_pending(c, h, vc)) {
		arch_vcpu_restore(vc);
		if (h->last_ran[vc->vm->id] && h->last_ran[vc->vm->id] != vc) {
			arch_tlb_flush_guest_s1();
		}
	}
	h->last_ran[vc->vm->id] = vc;
	return true;
}

/* WFE: give way to the others for one pick (the policy decides among them). */
static int pick_yield(struct sched_host *h, u64 now, u64 *until)
{
	int cur = h->s.current, next;

	if (cur == SCHED_IDLE || !h->s.ent[cur].runnable) {
		return sched_pick(&h->s, now, until);
	}
	sched_set_runnable(&h->s, cur, false, now);
	next = sched_pick(&h->s, now, until);
	sched_set_runnable(&h->s, cur, true, now);
	return next == SCHED_IDLE ? sched_pick(&h->s, now, until) : next;
}

/*
 * The direct wake: the hypervisor timer's refresh has just woken a vCPU that preempts
 * (sched_hyp_timer), and since then no other interrupt was taken on this CPU and no
 * request came, so a second refresh would find nothing new; the pick follows at once.
 * Anything another CPU changes after it comes with a kick, which the next exit or the
 * idle wait sees.
 */
static bool direct_wake(struct cpu *c, struct sched_host *h)
{
	bool fresh = h->wake && c->irq_count == h->wake_irqs &&
		     !__atomic_load_n(&c->requests, __ATOMIC_ACQUIRE);

	h->wake = false;
	return fresh;
}

static __attribute__((noreturn)) void shared_run(struct cpu *c, struct sched_host *h)
{
	for (;;) {
		u64 now, until;
		struct vcpu *vc;
		int next;

		bool fresh = direct_wake(c, h);

		if (__atomic_load_n(&c->requests, __ATOMIC_ACQUIRE)) {
			sched_handle_requests(
			    c); /* none: no exchange (a new one comes with a kick) */
		}
		now = arch_counter();
		if (!fresh) {
			shared_refresh(c, h, now);
		}
		next = h->yield ? pick_yield(h, now, &until) : sched_pick(&h->s, now, &until);
		h->yield = false;
		h->resched = false;
		h->until = until;
		vc = next == SCHED_IDLE ? NULL : h->vc[next];
		if (c->vcpu && c->vcpu != vc) {
			switch_out(c, c->vcpu);
		}
		shared_timer_program(c, h);
		if (vc && c->vcpu == vc) {
			start_pending(c, h, vc); /* reset while resident: it starts here */
		} else if (vc && !switch_in(c, h, vc)) {
			continue; /* a stop or pause raced: pick again */
		}
		if (vc) {
			if (vm_vcpu_runnable(vc)) {
				irqchip_flush(vc->vm, vc->id);
				trace_event(TRACE_ENTRY, 0, (u8)vc->vm->id, (u8)vc->id, 1);
				arch_vcpu_enter(vc, c->stack_top);
			}
			continue; /* the next refresh sees it cannot run */
		}
		arch_idle_wait();
		arch_irq_poll();
	}
}

bool sched_exit_resched(struct cpu *c)
{
	struct sched_host *h = c->sched;

	if (!h->resched) {
		shared_refresh(c, h, arch_counter());
	}
	return h->resched;
}

/* wake-lead-us: a vCPU in WFI whose timer (unmasked, its PPI enabled) is due in (now, now +
 * lead] waits on the CPU for it instead of blocking (away_wants_cpu woke it that early);
 * false, at once, for a timer further away, already past or none. */
static bool lead_wait(struct vcpu *vc, u64 lead)
{
	u64 t = arch_vcpu_live_timer_deadline(irqchip_timers_enabled(vc->vm, vc->id));
	u64 now = arch_counter();

	if (!t || t <= now || t - now > lead) {
		return false;
	}
	arch_vcpu_wait_until(t);
	return true;
}

void sched_vcpu_wfx(struct vcpu *vc, bool wfe)
{
	struct sched_host *h = cpu_sched(cpu_this());

	if (!h) {
		return;
	}
	if (wfe) {
		h->yield = true;
		h->resched = true;
	} else if (!irqchip_vcpu_pending(vc->vm, vc->id) && !arch_irq_pending()) {
		/* Woken wake-lead-us ahead of its timer (away_wants_cpu): it waits for it here,
		 * on the CPU with its state restored, so the interrupt comes by the resident
		 * path at its deadline, not after a switch that a neighbour's trap in progress
		 * can delay. */
		if (h->lead && lead_wait(vc, h->lead)) {
			return;
		}
		vc->blocked = true;
		h->resched = true;
	}
}

_Static_assert(sizeof(struct sched_host) <= 4096, "one page per shared CPU");

/* After every VM is created: a CPU with a policy (a /scheduling/cpu@N node, docs/CONFIG.md
 * "Scheduling") becomes shared, even with one vCPU (a partition CPU runs it only in its
 * windows). Its host state comes from the page pool, so a static system pays nothing for it.
 * Entities come in the configuration's order, VM index then vCPU index (sched_cpu_setup). */
int sched_setup(void)
{
	for (u32 p = 0; TESSERA_FEAT_SCHED && p < CONFIG_MAX_PCPUS; p++) {
		struct sched_host *h;

		if (system_config.sched[p].kind == SCHED_STATIC) {
			continue;
		}
		h = page_alloc();
		if (!h) {
			return -1;
		}
		if (sched_cpu_setup(&h->s, &system_config, p, arch_counter_freq(), arch_counter()) <
		    0) {
			return -1;
		}
		for (u32 e = 0; e < h->s.count; e++) {
			struct vcpu *vc = &vms[h->s.ent[e].vm].vcpus[h->s.ent[e].vcpu];

			vc->sched_ent = (int)e;
			h->vc[e] = vc;
		}
		h->until = SCHED_FOREVER;
		h->lead =
		    sched_us_to_ticks(system_config.sched[p].wake_lead_us, arch_counter_freq());
		cpus[p].vcpu = NULL;
		cpus[p].sched = h;
	}
	return 0;
}

bool sched_vcpu_stats(const struct vcpu *vc, struct sched_ent *out)
{
	const struct sched_host *h = vc->pcpu < CONFIG_MAX_PCPUS ? cpus[vc->pcpu].sched : NULL;

	if (!h || vc->sched_ent < 0 || (u32)vc->sched_ent >= h->s.count) {
		return false;
	}
	*out = h->s.ent[vc->sched_ent]; /* another CPU's counters: a snapshot, not atomic */
	return true;
}

bool cpu_has_work(const struct cpu *c)
{
	return c->vcpu || c->sched;
}

/* ---- every CPU ---- */

void sched_handle_requests(struct cpu *c)
{
	/* Requests mean "look again": the state they refer to is in the vCPU or VM. */
	u32 req = __atomic_exchange_n(&c->requests, 0, __ATOMIC_ACQ_REL);

	if (req & CPU_REQ_CKPT) {
		checkpoint_work();
	}
	if (req & CPU_REQ_HEALTH) {
		if (cpu_sched(c)) {
			shared_health(c, c->sched);
		} else {
			health_timer(c);
		}
	}
}

void sched_hyp_timer(struct cpu *c)
{
	struct sched_host *h = cpu_sched(c);

	if (!h) {
		health_timer(c); /* watchdogs and pending restarts live on this timer */
		return;
	}
	u64 now = arch_counter();

	if (h->health_at && now >= h->health_at) {
		shared_health(c, h);
	}
	if (now >= h->until) {
		/* The policy's instant: a pick follows before any vCPU runs, and its refresh
		 * wakes the blocked vCPUs whose deadline came; no need to refresh twice. */
		h->resched = true;
	} else {
		shared_refresh(c, h, now); /* wakes blocked vCPUs whose deadline came */
		h->wake = h->resched;
		h->wake_irqs = c->irq_count;
	}
	if (h->resched) {
		arch_hyp_timer_cancel(); /* the pick on the way out programs it again */
	} else {
		shared_timer_program(c, h);
	}
}

void sched_device_irq(u32 intid)
{
	if (intid == system_platform.uart_intid) {
		console_poll_input();
	} else {
		mgmt_irq(intid); /* ignores any INTID but its own */
	}
}

void sched_run(void)
{
	struct cpu *c = cpu_this();

	if (cpu_sched(c)) {
		shared_run(c, c->sched);
	}
	for (;;) {
		struct vcpu *vc = c->vcpu;

		sched_handle_requests(c);
		if (vc) {
			u32 st = __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE);

			if (st == VCPU_ON_PENDING) {
				gdb_vcpu_return(vc, false); /* a fresh start: nothing to restore */
				arch_vcpu_start(vc);
				snapshot_vcpu_started(vc); /* a restored vCPU takes its state */
				/* Only if nobody stopped it meanwhile (VM stop or reset). */
				__atomic_compare_exchange_n(&vc->state, &st, VCPU_RUNNING, false,
							    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
				if (vc->id == 0) {
					health_timer(c); /* arm its watchdog on its home CPU */
				}
			}
			__atomic_store_n(&vc->parked, false, __ATOMIC_SEQ_CST);
			if (vm_vcpu_runnable(vc)) {
				snapshot_vcpu_here(vc);	   /* a capture's save, then a debugger's */
				gdb_vcpu_return(vc, true); /* a debugger had its state */
				irqchip_flush(vc->vm, vc->id);
				trace_event(TRACE_ENTRY, 0, (u8)vc->vm->id, (u8)vc->id, 1);
				arch_vcpu_enter(vc, c->stack_top);
			}
			if (__atomic_load_n(&vc->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING) {
				gdb_vcpu_return(vc, false);
				arch_vcpu_park(vc); /* off or stopped: silence its timer and LRs */
			}
			/* Paused: its timer, LRs and EL1 state stay as they are for resume, in
			 * the hardware unless a debugger or a snapshot asks for them (then in
			 * vc->arch). */
			gdb_vcpu_leave(vc);
			snapshot_vcpu_paused(vc);
			__atomic_store_n(&vc->parked, true, __ATOMIC_RELEASE);
		}
		arch_idle_wait();
		arch_irq_poll();
	}
}
