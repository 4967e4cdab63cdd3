/* SPDX-License-Identifier: MIT */
/* Boot-CPU start-up, exception dispatch and the abort-catching probes. */
#include "kit.h"

#define FDT_MAGIC_LE 0xedfe0dd0U /* 0xd00dfeed as a little-endian load sees it */

static kit_sync_hook sync_hook;
static volatile u32 probe_active[KIT_MAX_CPUS];
static volatile u64 probe_esr[KIT_MAX_CPUS];
static volatile u32 panicking;
u64 kit_entry_counter;	/* stored by start.S after .bss is zeroed */
u64 kit_entry_pcounter; /* CNTPCT_EL0 at the same instruction (start.S) */
__attribute__((weak)) const bool kit_gic_by_guest = false;

void kit_set_sync_hook(kit_sync_hook hook)
{
	sync_hook = hook;
}

/* The probe's single load/store is the only instruction that can fault while
 * probe_active is set; the sync handler records the ESR and skips it. */
bool kit_probe_read(u64 addr, u32 *val, u64 *esr)
{
	u32 cpu = kit_cpu_id();
	// cppcheck-suppress variableScope ; v is the asm's in/out operand below
	u32 v = 0;
	probe_esr[cpu] = 0;
	probe_active[cpu] = 1;
	__asm__ volatile("ldr %w0, [%1]" : "+r"(v) : "r"(addr) : "memory");
	probe_active[cpu] = 0;
	if (val)
		*val = v;
	if (esr)
		*esr = probe_esr[cpu];
	return probe_esr[cpu] == 0;
}

bool kit_probe_write(u64 addr, u32 val, u64 *esr)
{
	u32 cpu = kit_cpu_id();
	probe_esr[cpu] = 0;
	probe_active[cpu] = 1;
	__asm__ volatile("str %w0, [%1]" ::"r"(val), "r"(addr) : "memory");
	probe_active[cpu] = 0;
	if (esr)
		*esr = probe_esr[cpu];
	return probe_esr[cpu] == 0;
}

static void kit_unhandled(struct kit_frame *f, u64 kind, u64 esr, u64 far)
{
	/* A fault while already dying (e.g. in the UART) must not recurse forever. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		psci_system_off();
	/* Unlocked output: the print lock may be held by the code that faulted. */
	char buf[160];
	int n =
	    fmt_snprintf(buf, sizeof(buf),
			 "KIT: unhandled exception ESR=0x%lx ELR=0x%lx FAR=0x%lx kind=%lu cpu=%u\n",
			 esr, f->elr, far, kind, kit_cpu_id());
	uart_write(buf, MIN((size_t)n, sizeof(buf) - 1));
	kit_exit(TESSERA_EXIT_PANIC, (u32)ESR_EC(esr));
}

/* Called by vectors.S; kind is the vector index (ARM ARM D1.10.2: group * 4 + type). */
void kit_exception(struct kit_frame *f, u64 kind)
{
	u64 type = kind & 3;
	if (type == 1) {
		kit_irq_dispatch();
		return;
	}
	u64 esr = sysreg_read(esr_el1), far = sysreg_read(far_el1);
	if (type == 0) {
		u32 cpu = kit_cpu_id();
		if (probe_active[cpu] && ESR_EC(esr) == EC_DABT_CUR) {
			probe_esr[cpu] = esr;
			probe_active[cpu] = 0;
			f->elr += 4;
			return;
		}
		if (sync_hook && sync_hook(f, esr, far))
			return;
	}
	kit_unhandled(f, kind, esr, far);
}

/* Boot CPU, from start.S with .bss zeroed. */
void kit_boot(u64 x0)
{
	/* Tessera passes the DTB in x0; bare QEMU leaves x0 alone and puts its DTB at the
	 * base of RAM. A probe read keeps a garbage x0 from killing us. */
	u64 dtb = GUEST_VIRT_RAM_BASE;
	u32 magic;
	if (x0 && IS_ALIGNED(x0, 4) && kit_probe_read(x0, &magic, NULL) && magic == FDT_MAGIC_LE)
		dtb = x0;
	uart_init();
	if (!kit_gic_by_guest) {
		gic_init_dist();
		gic_init_cpu();
	}
	int rc = main(dtb);
	kit_exit(rc ? TESSERA_EXIT_TEST_FAILED : TESSERA_EXIT_NORMAL, (u32)rc);
}
