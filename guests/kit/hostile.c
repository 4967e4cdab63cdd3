/* SPDX-License-Identifier: MIT */
/*
 * Helpers for the hostile guests (guests/hostile_*.c): a deterministic PRNG,
 * a "catch everything" synchronous-exception mode, loads/stores of every
 * width and form that report the abort they took, SMCCC calls with x0..x7 in
 * and out, and a flat stage-1 mapping so unaligned accesses reach the
 * hypervisor (with the MMU off every access is Device memory and an unaligned
 * one faults at stage 1 in the guest itself, ARM ARM B2.5.2).
 */
#include "kit.h"

#define SPSR_IL	       BIT(20)
#define EC_ILLEGAL     0x0eU
#define EC_IABT_LOW_EL 0x20U
#define EC_IABT_CUR_EL 0x21U

static u64 rand_state = 0x9e3779b97f4a7c15ULL;
static volatile u32 catch_armed[KIT_MAX_CPUS];
static volatile u32 catch_count[KIT_MAX_CPUS];
static volatile u64 catch_esr[KIT_MAX_CPUS];
static volatile u64 catch_far[KIT_MAX_CPUS];

void kit_rand_seed(u64 seed)
{
	rand_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

/* xorshift64* (Vigna 2016): deterministic, so a failing case is reproducible. */
u64 kit_rand(void)
{
	u64 x = rand_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rand_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* While armed, every synchronous exception is recorded and stepped over:
 *  - illegal execution state (EC 0x0E, after an illegal ERET): PSTATE.IL is cleared
 *    and the instruction at ELR retried (ARM ARM D1.4.4);
 *  - instruction aborts: return to x30 (the probe branched there with BLR);
 *  - anything else: skip the 4-byte instruction that raised it. */
static bool catch_hook(struct kit_frame *f, u64 esr, u64 far)
{
	u32 cpu = kit_cpu_id();
	u32 ec = (u32)ESR_EC(esr);

	if (cpu >= KIT_MAX_CPUS || !catch_armed[cpu])
		return false;
	if (catch_count[cpu]++ == 0) {
		catch_esr[cpu] = esr;
		catch_far[cpu] = far;
	}
	if (ec == EC_ILLEGAL)
		f->spsr &= ~(u64)SPSR_IL;
	else if (ec == EC_IABT_CUR_EL || ec == EC_IABT_LOW_EL)
		f->elr = f->x[30];
	else
		f->elr += 4;
	return true;
}

void kit_catch_begin(void)
{
	u32 cpu = kit_cpu_id();

	kit_set_sync_hook(catch_hook);
	catch_count[cpu] = 0;
	catch_esr[cpu] = 0;
	catch_far[cpu] = 0;
	__atomic_store_n(&catch_armed[cpu], 1, __ATOMIC_SEQ_CST);
}

u32 kit_catch_end(u64 *esr, u64 *far)
{
	u32 cpu = kit_cpu_id();

	__atomic_store_n(&catch_armed[cpu], 0, __ATOMIC_SEQ_CST);
	if (esr)
		*esr = catch_esr[cpu];
	if (far)
		*far = catch_far[cpu];
	return catch_count[cpu];
}

#define LD(insn, reg) __asm__ volatile(insn " %" reg "0, [%1]" : "+r"(v) : "r"(addr) : "memory")
#define ST(insn, reg) __asm__ volatile(insn " %" reg "0, [%1]" ::"r"(v), "r"(addr) : "memory")

bool kit_access(u64 addr, enum kit_acc op, u64 *val, u64 *esr)
{
	u64 v = val ? *val : 0, v2 = v, base = addr;

	kit_catch_begin();
	switch (op) {
	case KIT_R8:
		LD("ldrb", "w");
		break;
	case KIT_R16:
		LD("ldrh", "w");
		break;
	case KIT_R32:
		LD("ldr", "w");
		break;
	case KIT_R64:
		LD("ldr", "x");
		break;
	case KIT_RPAIR: /* load pair: ESR_EL2.ISV is 0, the hypervisor cannot emulate it */
		__asm__ volatile("ldp %0, %1, [%2]" : "+r"(v), "+r"(v2) : "r"(addr) : "memory");
		break;
	case KIT_RPOST: /* post-indexed (writeback): ISV is 0 as well */
		__asm__ volatile("ldr %w0, [%1], #4" : "+r"(v), "+r"(base) : : "memory");
		break;
	case KIT_W8:
		ST("strb", "w");
		break;
	case KIT_W16:
		ST("strh", "w");
		break;
	case KIT_W32:
		ST("str", "w");
		break;
	case KIT_W64:
		ST("str", "x");
		break;
	case KIT_WPAIR:
		__asm__ volatile("stp %0, %1, [%2]" ::"r"(v), "r"(v2), "r"(addr) : "memory");
		break;
	case KIT_WPOST:
		__asm__ volatile("str %w1, [%0], #4" : "+r"(base) : "r"(v) : "memory");
		break;
	default:
		break;
	}
	u64 e = 0;
	u32 n = kit_catch_end(&e, NULL);
	/* A faulting load must leave its destination (and a writeback base) untouched:
	 * report a changed pair half or base through the value so callers see it. */
	if (n && (op == KIT_RPAIR && v2 != (val ? *val : 0)))
		v = v2;
	// cppcheck-suppress knownConditionTrueFalse ; base is an in/out operand of the asm
	if (n && (op == KIT_RPOST || op == KIT_WPOST) && base != addr)
		v = ~0ULL;
	if (val)
		*val = v;
	if (esr)
		*esr = n ? e : 0;
	return n == 0;
}

const char *kit_acc_name(enum kit_acc op)
{
	static const char *const names[] = {"r8", "r16", "r32", "r64", "rpair", "rpost",
					    "w8", "w16", "w32", "w64", "wpair", "wpost"};
	return (u32)op < ARRAY_SIZE(names) ? names[op] : "?";
}

#define SMCCC_CALL(insn)                                                                      \
	__asm__ volatile("ldp x0, x1, [%0]\n\tldp x2, x3, [%0, #16]\n\t"                      \
			 "ldp x4, x5, [%0, #32]\n\tldp x6, x7, [%0, #48]\n\t" insn "\n\t"     \
			 "stp x0, x1, [%0]\n\tstp x2, x3, [%0, #16]\n\t"                      \
			 "stp x4, x5, [%0, #32]\n\tstp x6, x7, [%0, #48]" ::"r"(r)            \
			 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", \
			   "x11", "x12", "x13", "x14", "x15", "x16", "x17", "memory")

/* x0..x7 loaded from and stored back to r[] around the call; x8..x17 may be
 * clobbered (SMCCC 1.0 allows it). The base register is outside x0..x17. */
void kit_smccc(bool smc, u64 r[8])
{
	if (smc)
		SMCCC_CALL("smc #0");
	else
		SMCCC_CALL("hvc #0");
}

/* One level-1 table (4 KiB granule, T0SZ 32: 4 GiB, lookup starts at level 1;
 * ARM ARM D8.2): 1 GiB blocks, identity. 0-1 GiB (devices, GIC) and 1-2 GiB (RAM)
 * are Normal Non-cacheable so unaligned accesses are allowed; 2-4 GiB Device. */
static u64 flat_l1[512] __attribute__((aligned(4096)));

#define MAIR_VAL    0x4400ULL /* attr0 Device-nGnRnE, attr1 Normal NC */
#define PTE_BLOCK   1ULL
#define PTE_ATTR(i) ((u64)(i) << 2)
#define PTE_AF	    BIT(10)
#define PTE_XN	    (BIT(53) | BIT(54))
#define TCR_T0SZ_32 32ULL
#define TCR_EPD1    BIT(23)
#define SCTLR_M	    BIT(0)
#define ONE_GIB	    0x40000000ULL

void kit_mmu_flat(bool on)
{
	if (!on) {
		sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) & ~(u64)SCTLR_M);
		isb();
		__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
		return;
	}
	for (u32 i = 0; i < 4; i++) {
		u64 attr = i < 2 ? PTE_ATTR(1) : PTE_ATTR(0) | PTE_XN;
		flat_l1[i] = (u64)i * ONE_GIB | attr | PTE_AF | PTE_BLOCK;
	}
	dsb_sy();
	sysreg_write(mair_el1, MAIR_VAL);
	sysreg_write(tcr_el1, TCR_T0SZ_32 | TCR_EPD1);
	sysreg_write(ttbr0_el1, (u64)(uintptr_t)flat_l1);
	isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh\n\tisb" ::: "memory");
	sysreg_write(sctlr_el1, sysreg_read(sctlr_el1) | SCTLR_M);
	isb();
}
