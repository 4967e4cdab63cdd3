/* SPDX-License-Identifier: MIT */
/*
 * A whole system for the unit tests, booted by the real core on the fake machine
 * (fake_arch.h): the fixture writes a config DTB with the fdt writer and a system image
 * ("pack") holding it and one raw image per VM, and hands them to vm_create_all, as
 * setup.c does at boot. Guest RAM is host memory mapped at its physical address
 * (0x4200_0000 up: the hypervisor is identity-mapped, so phys == pointer).
 */
#ifndef TESSERA_FIXTURE_H
#define TESSERA_FIXTURE_H

#include "vm.h"

#define FX_RAM_BASE  0x40000000ULL
#define FX_RAM_SIZE  0x08000000ULL /* 128 MiB, mapped once */
#define FX_VM_BASE   0x42000000ULL /* VM i's RAM: FX_VM_BASE + i * FX_VM_SIZE */
#define FX_VM_SIZE   0x00200000ULL
#define FX_CHAN_BASE 0x47000000ULL /* channel c's memory: FX_CHAN_BASE + c * 64 KiB */
#define FX_IMAGE_LEN 256	   /* each VM's raw image: FX_IMAGE_LEN bytes of 0x10 + vm */

struct fx_vm {
	const char *name;
	u32 cpu_count; /* its vCPUs run on CPUs first_cpu, first_cpu + 1, ... */
	u32 first_cpu;
	const char *policy; /* NULL: the default ("stop") */
	u32 restart_max;    /* written only when policy is "restart" */
	u32 backoff_ms;
	u32 watchdog_ms;
	u32 abort_limit;
	/* Scheduling (docs/CONFIG.md): priority != 0 gives the VM that priority and puts every
	 * CPU it uses under policy "priority" (quantum FX_QUANTUM_US), so VMs with a priority on
	 * one CPU share it. */
	u32 priority;
	u32 wake_lead_us; /* with priority: wake-lead-us of its CPUs (0: none; the largest wins) */
};
#define FX_QUANTUM_US 1000

/* A channel between VM a and VM b; each end raises intid in the other. */
struct fx_chan {
	u32 a, b;
	u32 intid;
};

/* A virtio link (docs/VIRTIO.md) between VM a and VM b: link k has its window at
 * 0x0a000000 + k * 0x1000 and SPI 48 + k in both. type: CONFIG_VIRTIO_CONSOLE or _NET. */
struct fx_link {
	u32 a, b;
	u32 type;
};
/* The links of the next fx_boot (none unless set). */
extern const struct fx_link *fx_links;
extern u32 fx_link_count;

/*
 * Resets the fake machine (every CPU up), the page pool and the console, builds and boots
 * the system, then runs every CPU that has a vCPU once, so each VM's vCPU 0 is in its
 * guest. 0, or -1 (printed) if vm_create_all refused it.
 */
int fx_boot(const struct fx_vm *v, u32 n, const struct fx_chan *c, u32 chans);
/* The host pointer of guest-physical address pa of VM vm (RAM only). */
u8 *fx_ram(u32 vm, u64 off);

#endif
