/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the emulated GICv3 (src/arch/aarch64/vgic/vgic*.c) on the fake arch
 * (tests/unit/fake_arch.c). The input is a program: a byte choosing how many
 * list registers the CPUs have, then operations, each an opcode byte and its
 * operands, on a 4-vCPU VM (vCPU v on physical CPU v) with two pass-through
 * SPIs. Guest-side operations follow the real trap path (traps.c): a trap runs
 * vgic_sync, the emulation, then vgic_flush on the vCPU's own CPU; acks and
 * EOIs act on the simulated list registers as the guest's CPU interface would.
 *
 * After every operation (what a hostile guest must never achieve):
 * - memory around the VM's vGIC (guard bytes) and a neighbour VM's vGIC are
 *   unchanged, and the VM's lock is free;
 * - every list register holds a valid vINTID of this VM, HW = 1 only for its
 *   pass-through SPIs and PPIs with pINTID == vINTID, and the neighbour's CPUs'
 *   list registers stay empty;
 * - physical GIC calls name only this VM's pass-through SPIs (or the INTID the
 *   hypervisor itself just delivered), routes only to this VM's CPUs, and kicks
 *   only go to this VM's CPUs;
 * - model state stays in range (SPI targets, SGI source bitmaps).
 */
#include <string.h>

#include "arch.h"
#include "fake_arch.h"
#include "fuzz_input.h"
#include "vgic.h"

#define NV	 4U
#define HW_SPI_A 40U
#define HW_SPI_B 77U
#define GUARD	 0xa5
#define GICD_WIN 0x10000ULL
#define GICR_WIN (NV * 0x20000ULL)

enum op {
	OP_DIST_READ,
	OP_DIST_WRITE,
	OP_REDIST_READ,
	OP_REDIST_WRITE,
	OP_SGI1R,
	OP_RAISE,
	OP_SET_LEVEL,
	OP_HW_IRQ,
	OP_TRAP, /* an exit with nothing to emulate (e.g. a timer tick) */
	OP_MAINT,
	OP_ACK,
	OP_EOI,
	OP_QUIESCE,
	OP_RESET,
	OP_HW_SPI, /* a pass-through SPI fires (vdev_hw_irq) */
	OP_COUNT,
};

static struct {
	u8 guard0[64];
	struct vgic g;
	u8 guard1[64];
	struct vgic_cpu cpus[NV];
	u8 guard2[64];
	struct vgic n; /* the neighbour VM: never touched by the program */
	struct vgic_cpu ncpus[NV];
	u8 guard3[64];
} a;
static struct vgic n_snap;
static struct vgic_cpu ncpus_snap[NV];

static bool is_hw_spi(u32 intid)
{
	return intid == HW_SPI_A || intid == HW_SPI_B;
}

static void vm_reset(void)
{
	const u32 pcpus[NV] = {0, 1, 2, 3};

	vgic_init(&a.g, a.cpus, NV, pcpus);
	vgic_assign_hw_spi(&a.g, HW_SPI_A);
	vgic_assign_hw_spi(&a.g, HW_SPI_B);
}

static void setup(u32 nlr)
{
	const u32 npcpus[NV] = {4, 5, 6, 7};

	fake_arch_reset();
	fake_lr_count = nlr;
	memset(&a, GUARD, sizeof(a));
	spin_init(&a.g.lock); /* once, as vgic_create: a reset (vgic_init) keeps the lock */
	spin_init(&a.n.lock);
	/* The scheduler's flag survives vgic_init (a VM reset); a new VM's starts clear (.bss). */
	for (u32 v = 0; v < NV; v++) {
		a.cpus[v].away = false;
		a.ncpus[v].away = false;
	}
	vm_reset();
	vgic_init(&a.n, a.ncpus, NV, npcpus);
	vgic_assign_hw_spi(&a.n, 100);
	n_snap = a.n;
	memcpy(ncpus_snap, a.ncpus, sizeof(ncpus_snap));
	for (u32 v = 0; v < NV; v++) {
		fake_cpu = v;
		vgic_flush(&a.g, v);
	}
	fake_gic_log_len = 0; /* the neighbour's set-up is not the program's doing */
	fake_kick_count = 0;
}

static bool guard_ok(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != GUARD) {
			return false;
		}
	}
	return true;
}

static void check(u32 hyp_intid)
{
	FUZZ_ASSERT(guard_ok(a.guard0, sizeof(a.guard0)));
	FUZZ_ASSERT(guard_ok(a.guard1, sizeof(a.guard1)));
	FUZZ_ASSERT(guard_ok(a.guard2, sizeof(a.guard2)));
	FUZZ_ASSERT(guard_ok(a.guard3, sizeof(a.guard3)));
	FUZZ_ASSERT(memcmp(&a.n, &n_snap, sizeof(n_snap)) == 0);
	FUZZ_ASSERT(memcmp(a.ncpus, ncpus_snap, sizeof(ncpus_snap)) == 0);
	FUZZ_ASSERT(a.g.lock.next == a.g.lock.owner);
	FUZZ_ASSERT(a.g.vcpu_count == NV);

	for (u32 c = 0; c < FAKE_MAX_CPUS; c++) {
		for (u32 i = 0; i < FAKE_MAX_LRS; i++) {
			u64 lr = fake_lr[c][i];
			u32 vintid = (u32)(lr & ICH_LR_VINTID_MASK);

			if (c >= NV || i >= fake_lr_count) {
				FUZZ_ASSERT(lr == 0); /* not this VM's CPUs, or no such LR */
				continue;
			}
			if (!(lr & ICH_LR_STATE_MASK)) {
				continue;
			}
			FUZZ_ASSERT(vintid < VGIC_NR_PRIVATE + VGIC_MAX_SPIS);
			FUZZ_ASSERT(lr & ICH_LR_GROUP1);
			if (lr & ICH_LR_HW) {
				u32 pintid =
				    (u32)((lr & ICH_LR_PINTID_MASK) >> ICH_LR_PINTID_SHIFT);
				FUZZ_ASSERT(pintid == vintid);
				FUZZ_ASSERT(is_hw_spi(vintid) || (vintid >= 16 && vintid < 32));
				FUZZ_ASSERT(!(lr & ICH_LR_EOI));
			}
		}
	}
	for (u32 i = 0; i < fake_gic_log_len; i++) {
		const struct fake_gic_call *e = &fake_gic_log[i];

		if (e->op == FAKE_GIC_DEACTIVATE || e->op == FAKE_GIC_GUEST_DIR) {
			FUZZ_ASSERT(is_hw_spi(e->intid) || e->intid == hyp_intid ||
				    (e->intid >= 16 && e->intid < 32));
		} else {
			FUZZ_ASSERT(is_hw_spi(e->intid));
		}
		if (e->op == FAKE_GIC_ROUTE) {
			FUZZ_ASSERT(e->arg < NV);
		}
	}
	for (u32 i = 0; i < fake_kick_count && i < FAKE_LOG_MAX; i++) {
		FUZZ_ASSERT(fake_kicks[i] < NV);
	}
	for (u32 s = 0; s < VGIC_MAX_SPIS; s++) {
		FUZZ_ASSERT(a.g.spi[s].target < NV);
	}
	for (u32 v = 0; v < NV; v++) {
		for (u32 i = 0; i < 16; i++) {
			FUZZ_ASSERT((a.cpus[v].priv[i].sgi_src & ~((1U << NV) - 1)) == 0);
		}
	}
}

/* A guest access that traps on vCPU v's own CPU. */
static void trap_enter(u32 v)
{
	fake_cpu = v;
	vgic_sync(&a.g, v);
}

static void trap_leave(u32 v)
{
	fake_cpu = v;
	vgic_flush(&a.g, v);
}

static u32 size_of(u8 b)
{
	return 1U << (b & 3);
}

/* An offset and size the trap decoder could pass: inside the window, any alignment. */
static u64 win_off(u64 raw, u32 size, u64 win)
{
	return raw % (win - size + 1);
}

static void step(struct fin *in)
{
	u8 opb = fin_u8(in);
	u32 v = fin_u8(in) % NV;
	u32 hyp_intid = 1024; /* none */
	u64 val;
	u32 w;

	fake_gic_log_len = 0;
	fake_kick_count = 0;
	switch (opb % OP_COUNT) {
	case OP_DIST_READ:
	case OP_DIST_WRITE: {
		bool write = opb % OP_COUNT == OP_DIST_WRITE;
		u32 size = size_of(fin_u8(in));
		u64 off = win_off(fin_u16(in), size, GICD_WIN);

		val = write ? fin_u64(in) : 0x5a5a5a5a5a5a5a5aULL;
		trap_enter(v);
		/* As trap_dabt: a word access to a hot register takes the word function. */
		w = (u32)val;
		if (size != 4 || !vgic_dist_word(&a.g, off, write, &w)) {
			(void)vgic_dist_access(&a.g, v, off, size, write, &val);
		}
		trap_leave(v);
		break;
	}
	case OP_REDIST_READ:
	case OP_REDIST_WRITE: {
		bool write = opb % OP_COUNT == OP_REDIST_WRITE;
		u32 size = size_of(fin_u8(in));
		u64 off = win_off(fin_u32(in), size, GICR_WIN);

		val = write ? fin_u64(in) : 0x5a5a5a5a5a5a5a5aULL;
		trap_enter(v);
		w = (u32)val;
		if (size != 4 || !vgic_redist_word(&a.g, off, write, &w)) {
			(void)vgic_redist_access(&a.g, v, off, size, write, &val);
		}
		trap_leave(v);
		break;
	}
	case OP_SGI1R:
		val = fin_u64(in);
		trap_enter(v);
		vgic_sgi1r(&a.g, v, val);
		trap_leave(v);
		break;
	case OP_RAISE:
		/* Device side (emulated UART line, CPU_ON paths): from any CPU. */
		fake_cpu = fin_u8(in) % NV;
		vgic_raise(&a.g, v, fin_u16(in) % 1024);
		break;
	case OP_SET_LEVEL: {
		u32 intid = fin_u16(in) % 1024;

		fake_cpu = fin_u8(in) % NV;
		vgic_set_level(&a.g, v, intid, fin_u8(in) & 1);
		break;
	}
	case OP_HW_IRQ:
		/* A physical interrupt taken on vCPU v's CPU: an exit, then delivery. */
		hyp_intid = fin_u16(in) % 1024;
		trap_enter(v);
		vgic_hw_irq(&a.g, v, hyp_intid);
		trap_leave(v);
		break;
	case OP_HW_SPI: {
		/* vdev_hw_irq(): delivered to the SPI's current target from its CPU. */
		u32 intid = fin_u8(in) & 1 ? HW_SPI_B : HW_SPI_A;
		u32 t = a.g.spi[intid - VGIC_NR_PRIVATE].target;

		trap_enter(t);
		vgic_hw_irq(&a.g, t, intid);
		trap_leave(t);
		break;
	}
	case OP_TRAP:
		trap_enter(v);
		trap_leave(v);
		break;
	case OP_MAINT:
		trap_enter(v);
		vgic_maintenance(&a.g, v);
		trap_leave(v);
		break;
	case OP_ACK:
		fake_cpu = v;
		(void)fake_guest_ack();
		break;
	case OP_EOI: {
		u32 i = fin_u8(in) % fake_lr_count;

		fake_cpu = v;
		(void)fake_guest_eoi((u32)(fake_lr[v][i] & ICH_LR_VINTID_MASK));
		break;
	}
	case OP_QUIESCE:
		/* vCPU parked (CPU_OFF, stop): on its own CPU, no flush after. */
		trap_enter(v);
		vgic_vcpu_quiesce(&a.g, v);
		trap_leave(v);
		break;
	case OP_RESET:
		for (u32 c = 0; c < NV; c++) {
			trap_enter(c);
			vgic_vcpu_quiesce(&a.g, c);
		}
		vm_reset();
		for (u32 c = 0; c < NV; c++) {
			trap_leave(c);
		}
		break;
	default:
		break;
	}
	check(hyp_intid);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct fin in;

	fin_init(&in, data, size);
	setup(1 + fin_u8(&in) % FAKE_MAX_LRS);
	check(1024);
	for (u32 n = 0; fin_more(&in) && n < 4096; n++) {
		step(&in);
	}
	return 0;
}
