/* SPDX-License-Identifier: MIT */
/* Physical GICv3 driver used by the hypervisor (GICv3 arch spec IHI0069). */
#ifndef TESSERA_GICV3_H
#define TESSERA_GICV3_H

#include "arch_gic.h"
#include "config.h"
#include "types.h"

void gic_init(paddr_t gicd, paddr_t gicr, u64 gicr_size);
/* Per CPU: finds and wakes its redistributor, sets up the CPU and virtual interfaces. */
int gic_cpu_init(u32 cpu, u64 mpidr);
/* Acknowledge (ICC_IAR1_EL1); returns 1023 when nothing is pending. */
u32 gic_ack(void);
/* Priority drop (EOImode = 1: deactivation is separate). */
void gic_eoi(u32 intid);
void gic_deactivate(u32 intid);
void gic_set_cpu_mpidr(u32 cpu, u64 mpidr);
u32 gic_spi_limit(void);
/* RD_base of a CPU's redistributor (its SGI_base frame is 64 KiB above), 0 if unknown. */
paddr_t gic_redist(u32 cpu);
void gic_irq_config_edge(u32 intid, bool edge);
/* Per CPU: the ICC_SGI1R_EL1 value of a kick (SGI 0) to it, 0 if it cannot be kicked. */
extern u64 gic_kick_sgi[CONFIG_MAX_PCPUS];

/* This CPU's redistributor: the active bits of mask among PPIs, which are then deactivated
 * (take), or activated (give): a switched-out vCPU's hardware-linked timer interrupts. */
u32 gic_ppi_active_take(u32 mask);
void gic_ppi_active_give(u32 mask);
/* A physical Group 1 interrupt is pending on this CPU (taken once the guest resumes). */
bool gic_irq_pending(void);

/* The EL1 physical timer's PPI (CNTP_*_EL0), the guest's like INTID_VTIMER. */
#define INTID_PTIMER 30U

#endif
