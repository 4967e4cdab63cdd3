/* SPDX-License-Identifier: MIT */
/* SMCCC HVC conduit (DEN0028 2.x) and the PSCI 1.1 calls guests make (DEN0022 5). */
#include "kit.h"

struct hvc_res kit_hvc(u32 fid, u64 a1, u64 a2, u64 a3)
{
	register u64 x0 __asm__("x0") = fid;
	register u64 x1 __asm__("x1") = a1;
	register u64 x2 __asm__("x2") = a2;
	register u64 x3 __asm__("x3") = a3;
	/* SMCCC 1.0 lets x4..x17 be corrupted; assume the oldest contract. */
	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",
			   "x15", "x16", "x17", "memory");
	struct hvc_res r = {x0, x1, x2, x3};
	return r;
}

s64 psci_version(void)
{
	return (s64)kit_hvc(PSCI_VERSION, 0, 0, 0).x0;
}

s64 psci_cpu_on(u64 mpidr, u64 entry, u64 ctx)
{
	return (s64)kit_hvc(PSCI_CPU_ON_64, mpidr, entry, ctx).x0;
}

s64 psci_cpu_off(void)
{
	return (s64)kit_hvc(PSCI_CPU_OFF, 0, 0, 0).x0;
}

void psci_system_reset(void)
{
	(void)kit_hvc(PSCI_SYSTEM_RESET, 0, 0, 0);
	for (;;) {
		__asm__ volatile("wfi");
	}
}

s64 psci_affinity_info(u64 mpidr)
{
	return (s64)kit_hvc(PSCI_AFFINITY_INFO_64, mpidr, 0, 0).x0;
}

void psci_system_off(void)
{
	kit_hvc(PSCI_SYSTEM_OFF, 0, 0, 0);
	/* Only reached if SYSTEM_OFF is refused: stay quiet forever. */
	kit_irq_off();
	for (;;)
		__asm__ volatile("wfi");
}

static void (*volatile secondary_fn)(u64 ctx);

s64 kit_cpu_start(u64 mpidr, void (*fn)(u64 ctx), u64 ctx)
{
	secondary_fn = fn;
	dsb_sy();
	return psci_cpu_on(mpidr, (u64)(uintptr_t)kit_secondary_entry, ctx);
}

/* Called by start.S on a CPU started by kit_cpu_start, on its own stack. */
void kit_secondary_main(u64 ctx)
{
	if (!kit_gic_by_guest)
		gic_init_cpu();
	void (*fn)(u64) = secondary_fn;
	if (fn)
		fn(ctx);
	psci_cpu_off();
}
