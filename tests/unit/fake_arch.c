/* SPDX-License-Identifier: MIT */
/* Host fake of the arch interface; see fake_arch.h. */
#include <stdlib.h>
#include <string.h>

#include "fake_arch.h"
#include "arch.h"

_Thread_local u32 fake_cpu;
u32 fake_lr_count = 4;
u64 fake_lr[FAKE_MAX_CPUS][FAKE_MAX_LRS];
u64 fake_hcr[FAKE_MAX_CPUS];
u32 fake_ich_accesses;
u32 fake_kicks[FAKE_LOG_MAX];
u32 fake_kick_count;
struct fake_gic_call fake_gic_log[FAKE_LOG_MAX];
u32 fake_gic_log_len;
void (*fake_kick_hook)(u32 pcpu);

#define LR_STATE(v) ((v)&ICH_LR_STATE_MASK)

/* Out-of-range use of the fake is a test bug: fail loudly rather than index wildly. */
static u32 cpu_idx(void)
{
	if (fake_cpu >= FAKE_MAX_CPUS) {
		abort();
	}
	return fake_cpu;
}

static u32 lr_count(void)
{
	return fake_lr_count > FAKE_MAX_LRS ? FAKE_MAX_LRS : fake_lr_count;
}

void fake_arch_reset(void)
{
	fake_cpu = 0;
	fake_lr_count = 4;
	memset(fake_lr, 0, sizeof(fake_lr));
	memset(fake_hcr, 0, sizeof(fake_hcr));
	memset(fake_ppi_enabled, 0, sizeof(fake_ppi_enabled));
	memset(fake_ppi_line, 0, sizeof(fake_ppi_line));
	fake_ich_accesses = 0;
	fake_kick_count = 0;
	fake_gic_log_len = 0;
}

static void gic_log(enum fake_gic_op op, u32 intid, u32 arg)
{
	/* Atomic: threads playing different CPUs log concurrently (test_lifecycle). */
	u32 n = __atomic_fetch_add(&fake_gic_log_len, 1, __ATOMIC_RELAXED);

	if (n >= FAKE_LOG_MAX) {
		__atomic_fetch_sub(&fake_gic_log_len, 1, __ATOMIC_RELAXED); /* full: capped */
		return;
	}
	{
		struct fake_gic_call *e = &fake_gic_log[n];

		e->op = op;
		e->intid = intid;
		e->arg = arg;
		e->cpu = fake_cpu;
	}
}

u32 fake_gic_count(enum fake_gic_op op, u32 intid)
{
	u32 n = 0;

	for (u32 i = 0; i < fake_gic_log_len; i++) {
		n += fake_gic_log[i].op == op && fake_gic_log[i].intid == intid;
	}
	return n;
}

const struct fake_gic_call *fake_gic_last(enum fake_gic_op op, u32 intid)
{
	for (u32 i = fake_gic_log_len; i > 0; i--) {
		if (fake_gic_log[i - 1].op == op && fake_gic_log[i - 1].intid == intid) {
			return &fake_gic_log[i - 1];
		}
	}
	return NULL;
}

u32 fake_kicks_to(u32 pcpu)
{
	u32 n = 0;

	for (u32 i = 0; i < fake_kick_count && i < FAKE_LOG_MAX; i++) {
		n += fake_kicks[i] == pcpu;
	}
	return n;
}

/* ---- arch.h ---- */

u32 arch_cpu_current(void)
{
	return fake_cpu;
}

void arch_cpu_kick(u32 pcpu)
{
	u32 n = __atomic_fetch_add(&fake_kick_count, 1, __ATOMIC_RELAXED);

	if (n < FAKE_LOG_MAX) {
		fake_kicks[n] = pcpu;
	}
	if (fake_kick_hook) {
		fake_kick_hook(pcpu);
	}
}

u32 arch_gic_lr_count(void)
{
	return lr_count();
}

u64 arch_gic_lr_read(u32 idx)
{
	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);
	return idx < lr_count() ? fake_lr[cpu_idx()][idx] : 0;
}

void arch_gic_lr_write(u32 idx, u64 val)
{
	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);
	if (idx < lr_count()) {
		fake_lr[cpu_idx()][idx] = val;
	}
}

/* ICH_ELRSR_EL2: state invalid and no EOI maintenance outstanding (12.4.4). */
u32 arch_gic_elrsr(void)
{
	u32 m = 0;

	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);

	for (u32 i = 0; i < lr_count(); i++) {
		u64 v = fake_lr[cpu_idx()][i];

		if (!LR_STATE(v) && ((v & ICH_LR_HW) || !(v & ICH_LR_EOI))) {
			m |= 1U << i;
		}
	}
	return m;
}

/* ICH_EISR_EL2: invalid, HW = 0, EOI = 1 (12.4.5). */
u32 arch_gic_eisr(void)
{
	u32 m = 0;

	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);

	for (u32 i = 0; i < lr_count(); i++) {
		u64 v = fake_lr[cpu_idx()][i];

		if (!LR_STATE(v) && !(v & ICH_LR_HW) && (v & ICH_LR_EOI)) {
			m |= 1U << i;
		}
	}
	return m;
}

/* ICH_MISR_EL2 (12.4.8): EOI [0], U [1], NP [3]. */
u32 arch_gic_misr(void)
{
	u64 hcr = fake_hcr[cpu_idx()];
	u32 valid = 0, pending = 0, m = 0;

	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);

	for (u32 i = 0; i < lr_count(); i++) {
		u64 st = LR_STATE(fake_lr[cpu_idx()][i]);

		valid += st != 0;
		pending += (st & ICH_LR_PENDING) != 0;
	}
	if (arch_gic_eisr()) {
		m |= 1U << 0;
	}
	if ((hcr & ICH_HCR_UIE) && valid <= 1) {
		m |= 1U << 1;
	}
	if ((hcr & ICH_HCR_NPIE) && !pending) {
		m |= 1U << 3;
	}
	return m;
}

u64 arch_gic_hcr_read(void)
{
	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);
	return fake_hcr[cpu_idx()];
}

void arch_gic_hcr_write(u64 val)
{
	__atomic_fetch_add(&fake_ich_accesses, 1, __ATOMIC_RELAXED);
	fake_hcr[cpu_idx()] = val;
}

void arch_gic_irq_enable(u32 intid, bool enable)
{
	gic_log(enable ? FAKE_GIC_ENABLE : FAKE_GIC_DISABLE, intid, 0);
}

void arch_gic_irq_route(u32 intid, u32 pcpu)
{
	gic_log(FAKE_GIC_ROUTE, intid, pcpu);
}

void arch_gic_irq_priority(u32 intid, u8 prio)
{
	gic_log(FAKE_GIC_PRIORITY, intid, prio);
}

void arch_gic_irq_deactivate(u32 intid)
{
	gic_log(FAKE_GIC_DEACTIVATE, intid, 0);
}

void arch_gic_direct_redist_write(u32 pcpu, u32 off, u32 size, u64 val)
{
	/* No VM has direct-interrupts in the unit tests: the hypervisor ignores it too. */
	(void)pcpu;
	(void)off;
	(void)size;
	(void)val;
}

u32 fake_ppi_enabled[FAKE_MAX_CPUS];
u32 fake_ppi_line[FAKE_MAX_CPUS];

void arch_gic_ppi_enable(u32 pcpu, u32 intid, bool enable)
{
	if (pcpu < FAKE_MAX_CPUS && intid >= 16 && intid < 32) {
		fake_ppi_enabled[pcpu] = enable ? (fake_ppi_enabled[pcpu] | (1U << intid))
						: (fake_ppi_enabled[pcpu] & ~(1U << intid));
	}
}

void arch_gic_ppi_enables(u32 pcpu, u32 on, u32 off)
{
	const u32 ppis = 0xffff0000U;

	if (pcpu < FAKE_MAX_CPUS) {
		fake_ppi_enabled[pcpu] = (fake_ppi_enabled[pcpu] | (on & ppis)) & ~(off & ppis);
	}
}

bool arch_gic_ppi_pending(u32 pcpu, u32 intid)
{
	return pcpu < FAKE_MAX_CPUS && intid < 32 && (fake_ppi_line[pcpu] & (1U << intid));
}

/* ---- the guest side of the virtual CPU interface ---- */

u32 fake_guest_ack(void)
{
	int best = -1;
	u32 best_prio = 0x100;

	for (u32 i = 0; i < lr_count(); i++) {
		u64 v = fake_lr[cpu_idx()][i];
		u32 prio = (u32)(v >> ICH_LR_PRIO_SHIFT) & 0xff;

		if (LR_STATE(v) == ICH_LR_PENDING && prio < best_prio) {
			best = (int)i;
			best_prio = prio;
		}
	}
	if (best < 0) {
		return 1023;
	}
	fake_lr[cpu_idx()][best] = (fake_lr[cpu_idx()][best] & ~ICH_LR_STATE_MASK) | ICH_LR_ACTIVE;
	return (u32)(fake_lr[cpu_idx()][best] & ICH_LR_VINTID_MASK);
}

bool fake_guest_eoi(u32 intid)
{
	for (u32 i = 0; i < lr_count(); i++) {
		u64 *v = &fake_lr[cpu_idx()][i];

		if ((*v & ICH_LR_VINTID_MASK) == intid && (*v & ICH_LR_ACTIVE)) {
			*v &= ~ICH_LR_ACTIVE; /* active+pending -> pending */
			if (*v & ICH_LR_HW) {
				gic_log(FAKE_GIC_GUEST_DIR, intid,
					(u32)((*v & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT));
			}
			return true;
		}
	}
	return false;
}

u32 fake_lr_valid_count(void)
{
	u32 n = 0;

	for (u32 i = 0; i < lr_count(); i++) {
		n += LR_STATE(fake_lr[cpu_idx()][i]) != 0;
	}
	return n;
}

int fake_lr_find(u32 intid)
{
	for (u32 i = 0; i < lr_count(); i++) {
		u64 v = fake_lr[cpu_idx()][i];

		if (LR_STATE(v) && (v & ICH_LR_VINTID_MASK) == intid) {
			return (int)i;
		}
	}
	return -1;
}
