/* SPDX-License-Identifier: MIT */
/*
 * Health monitoring: a VM fails by crashing (faulting on its own exception
 * vector), by missing its watchdog, by an abort storm beyond its configured
 * limit, or by powering off after reporting a failure exit status. Its policy
 * then decides: stop it, restart it (up to restart-max times, with a doubling
 * back-off), or reset the whole machine. A requested shutdown (SYSTEM_OFF
 * with a normal status) is never a failure, so a crash is never confused with
 * a shutdown.
 *
 * Timers: each VM's watchdog and pending restart live on the EL2 timer of the
 * CPU that runs its vCPU 0, so no VM's health work ever interrupts another
 * VM's CPU.
 */
#include "sched_loop.h"
#include "health.h"
#include "abi.h"
#include "checkpoint.h"
#include "console.h"
#include "trace.h"
#include "update.h"
#include "vm.h"

/* Policy rollback: how long CPU 0 has to roll the VM back before its restart (fallback). */
#define ROLLBACK_WAIT_MS 1000U

static const char *const cause_names[STOP_CAUSE_COUNT] = {
    "system-off",  "crash",	    "management",   "watchdog",
    "abort storm", "guest failure", "restart limit"};

const char *health_cause_name(u32 cause)
{
	return cause < STOP_CAUSE_COUNT ? cause_names[cause] : "?";
}

static u64 ms_to_ticks(u64 ms)
{
	return ms * arch_counter_freq() / 1000;
}

static u64 health_own_deadline(const struct vm *vm)
{
	if (vm->restart_at) {
		return vm->restart_at;
	}
	if (vm->cfg->watchdog_ms && vm->state == VM_RUNNING) {
		return vm->last_heartbeat + ms_to_ticks(vm->cfg->watchdog_ms);
	}
	return 0;
}

/* The counter value at which vm's health needs looking at again, 0 if never: its restart or
 * watchdog, or the end of an update's trial (update.h). */
static u64 health_deadline(const struct vm *vm)
{
	u64 d = health_own_deadline(vm), t = update_deadline(vm);

	return t && (!d || t < d) ? t : d;
}

/* Re-arms the EL2 timer of the current CPU for the VM of its vCPU 0. A shared CPU's timer
 * also serves its scheduler and other VMs: it recomputes the earliest deadline itself. */
static void health_arm(struct vm *vm)
{
	struct cpu *c = cpu_this();
	u64 deadline;

	if (c->sched) {
		cpu_request(c->id, CPU_REQ_HEALTH);
		return;
	}
	deadline = health_deadline(vm);
	if (deadline) {
		arch_hyp_timer_set(deadline);
	} else {
		arch_hyp_timer_cancel();
	}
}

static bool on_home_cpu(const struct vm *vm)
{
	return vm->vcpus[0].pcpu == arch_cpu_current();
}

/* After vm_stop_for_restart: the pending restart's timer on the VM's home CPU. */
static void health_arm_restart(struct vm *vm)
{
	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_STOPPED ||
	    !__atomic_load_n(&vm->restart_at, __ATOMIC_ACQUIRE)) {
		return; /* stopped or reset by someone else first: theirs wins */
	}
	if (on_home_cpu(vm)) {
		health_arm(vm);
	} else {
		cpu_request(vm->vcpus[0].pcpu, CPU_REQ_HEALTH);
	}
}

void health_vm_started(struct vm *vm)
{
	vm->started_at = arch_counter();
	vm->last_heartbeat = vm->started_at;
	vm->run_aborts = 0;
	vm->exit_reason = TESSERA_EXIT_NORMAL;
	vm->exit_code = 0;
}

void health_heartbeat(struct vm *vm)
{
	/* Lazy: the timer looks at this when it fires; nothing to reprogram here. */
	__atomic_store_n(&vm->last_heartbeat, arch_counter(), __ATOMIC_RELAXED);
}

void health_abort(struct vm *vm)
{
	vm->run_aborts++;
	if (vm->cfg->abort_limit && vm->run_aborts == (u64)vm->cfg->abort_limit + 1) {
		health_failure(vm, STOP_ABORTS);
	}
}

void health_failure(struct vm *vm, enum vm_stop_cause cause)
{
	const struct vm_cfg *cfg = vm->cfg;
	u64 delay_ms;

	console_log(LOG_WARN, "VM %u '%s' failed (%s)\n", vm->id, cfg->name,
		    health_cause_name(cause));
	trace_event(TRACE_HEALTH, (u8)cause, (u8)vm->id, 0, vm->restarts);
	if (update_on_failure(vm, cause)) {
		return; /* an update on trial failed: back to the previous image, not the policy */
	}
	switch (cfg->policy) {
	case POLICY_SYSTEM_RESET:
		console_log(LOG_WARN, "policy system-reset: resetting the machine\n");
		arch_machine_reset();
	case POLICY_ROLLBACK:
		if (checkpoint_policy_rollback(vm, cause)) {
			/* Stopped with a restart pending, the fallback should CPU 0 not roll it
			 * back first (the rollback cancels it). */
			vm_stop_for_restart(vm, cause,
					    arch_counter() + ms_to_ticks(ROLLBACK_WAIT_MS));
			checkpoint_policy_request(vm);
			health_arm_restart(vm);
			return;
		}
		__attribute__((fallthrough));
	case POLICY_RESTART:
		if (vm->restarts >= cfg->restart_max) {
			console_log(LOG_WARN, "VM '%s': no restarts left (%u of %u used)\n",
				    cfg->name, vm->restarts, cfg->restart_max);
			vm_stop(vm, STOP_RESTART_LIMIT);
			return;
		}
		vm->restarts++;
		delay_ms = (u64)cfg->restart_backoff_ms << MIN(vm->restarts - 1, 10U);
		console_printf("policy restart: restart %u of %u in %llu ms\n", vm->restarts,
			       cfg->restart_max, (unsigned long long)delay_ms);
		if (delay_ms == 0) {
			vm_reset(vm);
			return;
		}
		vm_stop_for_restart(vm, cause, arch_counter() + ms_to_ticks(delay_ms));
		health_arm_restart(vm);
		return;
	case POLICY_STOP:
	default:
		vm_stop(vm, cause);
		return;
	}
}

u64 health_vm_timer(struct vm *vm)
{
	u64 now = arch_counter();

	update_timer(vm, now); /* an update's trial that ran out: rolled back */
	if (vm->restart_at && now >= vm->restart_at &&
	    __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_RESETTING) {
		/* Its stop is still waiting for a CPU (vm_stop_for_restart sets restart_at
		 * first): look again in a millisecond rather than lose the restart; a stop
		 * that gave up (stuck) never completes, and nothing restarts it. */
		if (__atomic_load_n(&vm->stuck, __ATOMIC_ACQUIRE)) {
			vm->restart_at = 0;
			return 0;
		}
		return now + ms_to_ticks(1);
	}
	if (vm->restart_at && now >= vm->restart_at) {
		vm->restart_at = 0;
		vm_restart(vm);
	} else if (!vm->restart_at && vm->cfg->watchdog_ms && vm->state == VM_RUNNING &&
		   now >= __atomic_load_n(&vm->last_heartbeat, __ATOMIC_RELAXED) +
			      ms_to_ticks(vm->cfg->watchdog_ms)) {
		health_failure(vm, STOP_WATCHDOG);
	}
	return health_deadline(vm);
}

/* On the CPU of a VM's vCPU 0: its EL2 timer fired, or a request asked to re-arm it. */
void health_timer(struct cpu *c)
{
	u64 deadline = 0;

	if (c->vcpu && c->vcpu->id == 0) {
		deadline = health_vm_timer(c->vcpu->vm);
	}
	if (deadline) {
		arch_hyp_timer_set(deadline);
	} else {
		arch_hyp_timer_cancel();
	}
}
