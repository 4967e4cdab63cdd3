/* SPDX-License-Identifier: MIT */
/* Direct interrupts (docs/CONFIG.md "Direct interrupts"): see direct.c. */
#ifndef TESSERA_DIRECT_H
#define TESSERA_DIRECT_H

#include "types.h"
#include "vm.h"

/* On the vCPU's CPU, after its EL1 reset: hands the physical Group-1 CPU interface
 * over to the guest. Only for a VM whose config has direct-interrupts. */
void direct_enter(struct vcpu *vc);
/* On the vCPU's CPU when it is parked for good (off, stopped, reset): takes it back. */
void direct_exit(struct vcpu *vc);
/* True while this CPU's guest owns the physical Group-1 interface. */
bool direct_active(void);
/* Handles this CPU's Group-0 (hypervisor) interrupts; false if not in direct mode. */
bool direct_poll(void);
/* Trapped ICC_SGI1R_EL1 write; false if this CPU is not in direct mode. */
bool direct_sgi1r(struct vcpu *vc, u64 val);
/* Around the idle WFI: the guest's pending interrupts must not wake the CPU. */
u64 direct_idle_mask(void);
void direct_idle_unmask(u64 saved);

#endif
