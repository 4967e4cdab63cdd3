/* SPDX-License-Identifier: MIT */
/* VM failure detection and policies (core/health.c; docs/CONFIG.md "Health"). */
#ifndef TESSERA_HEALTH_H
#define TESSERA_HEALTH_H

#include "vm.h"

/* core/health.c: failure detection and policies. */
void health_vm_started(struct vm *vm);
void health_failure(struct vm *vm, enum vm_stop_cause cause);
void health_heartbeat(struct vm *vm);
void health_abort(struct vm *vm);
void health_timer(struct cpu *c); /* this CPU's hypervisor timer fired */
/* Does what is due for vm now (restart, watchdog failure); returns the counter value at
 * which to look again, 0 for never. On the CPU of its vCPU 0 (shared CPUs: sched.c). */
u64 health_vm_timer(struct vm *vm);
const char *health_cause_name(u32 cause);

#endif
