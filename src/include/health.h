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
const char *health_cause_name(u32 cause);

#endif
