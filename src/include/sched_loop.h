/* SPDX-License-Identifier: MIT */
/* The per-CPU loop and interrupt routing policy (core/sched.c). */
#ifndef TESSERA_SCHED_LOOP_H
#define TESSERA_SCHED_LOOP_H

#include "vm.h"

/* core/sched.c: per-CPU loop; never returns. */
void sched_run(void) __attribute__((noreturn));
/* Called on this CPU's trap path when requests are pending. */
void sched_handle_requests(struct cpu *c);
/* Interrupt routing policy (core decides, arch only acknowledges): this CPU's hypervisor
 * timer fired; a physical SPI of one of the hypervisor's own devices (console UART,
 * management channel) fired. Never called inside a lifecycle access section. */
void sched_hyp_timer(struct cpu *c);
void sched_device_irq(u32 intid);
void cpu_request(u32 pcpu, u32 req);

#endif
