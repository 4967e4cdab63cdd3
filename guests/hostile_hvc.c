/* SPDX-License-Identifier: MIT */
/*
 * hostile_hvc: hypercall and PSCI abuse (SMCCC DEN0028, PSCI DEN0022).
 *  - every function ID of 0xC600_00xx (Tessera), 0x8400_00xx and 0xC400_00xx
 *    (PSCI) with random arguments, through HVC and SMC: unknown IDs must return
 *    NOT_SUPPORTED (-1), and no call may hand back anything but its result
 *    (x1..x3 unchanged or zero for unknown IDs, x4..x7 preserved: SMCCC 1.1);
 *    SYSTEM_OFF/SYSTEM_RESET/CPU_OFF (and SYSTEM_RESET2) are left for the end;
 *  - CPU_ON of CPUs it does not have (other VMs' CPU numbers, Aff1..3) -> -2,
 *    of itself -> ALREADY_ON, of its second vCPU twice -> ALREADY_ON/ON_PENDING,
 *    with entry points outside its RAM, unaligned or wrapping -> INVALID_ADDRESS;
 *  - SMC with firmware IDs (SiP, OEM, trusted OS, Arm architecture workarounds,
 *    yielding calls) -> NOT_SUPPORTED;
 *  - HVC with non-zero immediates still answers;
 *  - the standard queries Tessera answers on its fastest path (SMCCC_VERSION,
 *    SMCCC_ARCH_FEATURES, PSCI_VERSION, PSCI_FEATURES of every PSCI ID and more,
 *    MIGRATE_INFO_TYPE) give the SMCCC/PSCI answers over HVC and SMC, whatever the
 *    upper halves of x0 and x1, and change no register but x0;
 *  - at the end: vCPU 0 powers itself off with CPU_OFF over SMC and vCPU 1, seeing
 *    it OFF, reports DONE and stops the VM with SYSTEM_OFF.
 */
#include "kit.h"

#define SEED	    0x5eed0000c0ffeeULL
#define PSCI_RESET2 0x84000012U
#define BAD_MPIDR_N 7U

static u64 ram_base, ram_size;
static volatile u32 second_ran, second_release;

static bool skipped_fid(u32 fid)
{
	u32 f = fid & ~0x40000000U; /* the SMC32 and SMC64 variants alike */
	return f == PSCI_CPU_OFF || f == PSCI_SYSTEM_OFF || f == PSCI_SYSTEM_RESET ||
	       f == PSCI_RESET2;
}

static bool known_fid(u32 fid)
{
	if (fid >= TESSERA_HC_BASE && fid < TESSERA_HC_BASE + TESSERA_HC_COUNT)
		return true;
	switch (fid) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND_64:
	case PSCI_CPU_ON_64:
	case PSCI_CPU_ON_32:
	case PSCI_AFFINITY_INFO_64:
	case PSCI_AFFINITY_INFO_32:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_FEATURES:
		return true;
	default:
		return false;
	}
}

/* One call with random arguments; returns false (and says why) if the answer is wrong. */
static bool random_call(bool smc, u32 fid, char *why, size_t n)
{
	u64 in[8], r[8];
	for (u32 i = 0; i < 8; i++)
		in[i] = kit_rand();
	in[0] = (in[0] & ~0xffffffffULL) | fid; /* upper half of x0: ignored (SMCCC 2.5) */
	u32 f = fid & ~0x40000000U;
	if (f == PSCI_CPU_ON_32)
		in[1] |= 0x80; /* never a vCPU of ours: random entries must not start one */
	if (fid == TESSERA_HC_EXIT_STATUS)
		in[1] = TESSERA_EXIT_NORMAL;
	memcpy(r, in, sizeof(r));
	kit_smccc(smc, r);
	for (u32 i = 4; i < 8; i++) {
		if (r[i] != in[i]) {
			fmt_snprintf(why, n, "%s 0x%x clobbered x%u", smc ? "smc" : "hvc", fid, i);
			return false;
		}
	}
	if (known_fid(fid))
		return true;
	if ((s64)r[0] != TESSERA_NOT_SUPPORTED) {
		fmt_snprintf(why, n, "%s 0x%x -> 0x%lx", smc ? "smc" : "hvc", fid, r[0]);
		return false;
	}
	for (u32 i = 1; i < 4; i++) {
		if (r[i] != in[i] && r[i] != 0) {
			fmt_snprintf(why, n, "%s 0x%x x%u=0x%lx (was 0x%lx)", smc ? "smc" : "hvc",
				     fid, i, r[i], in[i]);
			return false;
		}
	}
	return true;
}

static void sweep(u32 base, const char *name)
{
	for (u32 conduit = 0; conduit < 2; conduit++) {
		char why[96] = "", what[96];
		u32 bad = 0, calls = 0;
		for (u32 k = 0; k < 256; k++) {
			u32 fid = base + k;
			if (skipped_fid(fid))
				continue;
			char w[96];
			calls++;
			if (!random_call(conduit, fid, w, sizeof(w)) && bad++ == 0)
				memcpy(why, w, sizeof(why));
		}
		fmt_snprintf(what, sizeof(what), "%s 0x%x..0x%x over %s: %u calls answered", name,
			     base, base + 255, conduit ? "SMC" : "HVC", calls);
		test_check(bad == 0, what, "%u bad, first: %s", bad, why);
	}
}

static void second_main(u64 ctx)
{
	(void)ctx;
	__atomic_store_n(&second_ran, 1, __ATOMIC_SEQ_CST);
	/* Stay on until vCPU 0 has tried CPU_ON again, so that call must see it on. */
	u64 end = timer_now() + timer_freq();
	while (!__atomic_load_n(&second_release, __ATOMIC_SEQ_CST) && timer_now() < end)
		;
}

static s64 cpu_on(bool smc, u64 mpidr, u64 entry)
{
	u64 r[8] = {PSCI_CPU_ON_64, mpidr, entry, 0, 0, 0, 0, 0};
	kit_smccc(smc, r);
	return (s64)r[0];
}

static void psci_abuse(u32 ncpu)
{
	u64 entry = (u64)(uintptr_t)kit_secondary_entry;
	static const u64 bad_mpidr[BAD_MPIDR_N] = {
	    2, 3, 0xff, 0x100, 0x10000, 0x100000000ULL, 0xff00ffffffULL,
	};
	u32 bad = 0;
	for (u32 i = 0; i < BAD_MPIDR_N; i++) {
		for (u32 smc = 0; smc < 2; smc++) {
			s64 r = cpu_on(smc, bad_mpidr[i] + (bad_mpidr[i] < ncpu ? ncpu : 0), entry);
			if (r != PSCI_RET_INVALID_PARAMS) {
				test_fact("cpu_on 0x%lx -> %ld", bad_mpidr[i], r);
				bad++;
			}
		}
	}
	test_check(bad == 0, "CPU_ON of CPUs not ours (other VMs' numbers, Aff1..3) -> -2",
		   "%u bad", bad);
	s64 r = cpu_on(false, 0, entry);
	test_check(r == PSCI_RET_ALREADY_ON, "CPU_ON of itself -> ALREADY_ON", "ret=%ld", r);
	r = cpu_on(true, sysreg_read(mpidr_el1), entry);
	test_check(r == PSCI_RET_ALREADY_ON, "CPU_ON of its own MPIDR_EL1 value over SMC -> -4",
		   "ret=%ld", r);

	const u64 ram_end = ram_base + ram_size;
	const u64 bad_entry[] = {
	    0,
	    ram_base - 4,
	    ram_end,
	    ram_end - 2,
	    entry + 2,
	    entry + 1,
	    LAYOUT_HYP_BASE + ram_size,
	    GUEST_GICD_BASE,
	    0x0a000000ULL,
	    ~0ULL - 3,
	    ~0ULL,
	    1ULL << 48,
	};
	bad = 0;
	for (u32 i = 0; i < ARRAY_SIZE(bad_entry); i++) {
		if (bad_entry[i] >= ram_base && bad_entry[i] < ram_end && !(bad_entry[i] & 3))
			continue; /* would be a valid entry */
		r = cpu_on(i & 1, 1, bad_entry[i]);
		if (r != PSCI_RET_INVALID_ADDRESS) {
			test_fact("cpu_on entry 0x%lx -> %ld", bad_entry[i], r);
			bad++;
		}
	}
	test_check(bad == 0, "CPU_ON with entry outside RAM, unaligned or wrapping -> -9", "%u bad",
		   bad);
	r = psci_affinity_info(1);
	test_check(r == 1, "vCPU 1 still OFF after the refused CPU_ONs", "affinity=%ld", r);

	r = kit_cpu_start(1, second_main, 0);
	s64 again = cpu_on(true, 1, entry);
	__atomic_store_n(&second_release, 1, __ATOMIC_SEQ_CST);
	test_check(r == 0 && (again == PSCI_RET_ALREADY_ON || again == PSCI_RET_ON_PENDING),
		   "CPU_ON of vCPU 1 twice -> 0 then ALREADY_ON/ON_PENDING", "first=%ld second=%ld",
		   r, again);
	u64 end = timer_now() + timer_freq();
	while (timer_now() < end && !(second_ran && psci_affinity_info(1) == 1))
		;
	test_check(second_ran && psci_affinity_info(1) == 1,
		   "vCPU 1 ran at its entry and powered itself off", "ran=%u affinity=%ld",
		   second_ran, psci_affinity_info(1));
	r = psci_affinity_info(0x100);
	test_check(r == PSCI_RET_INVALID_PARAMS, "AFFINITY_INFO of a CPU not ours -> -2", "ret=%ld",
		   r);
}

static void firmware_smc(void)
{
	static const u32 fids[] = {
	    0x82000000, 0x82000001, 0x8200ffff, 0xc2000000, 0x83000000, 0xc3000000,
	    0xb2000000, 0xb200ffff, 0xf2000000, 0xbf00ff01, 0x80008000, 0x80007fff,
	    0x80003fff, 0x8000ff00, 0x85000000, 0x86000000, 0xc5000000, 0xc7000000,
	    0x02000000, 0x32000000, 0x7f000000, 0xffffffff, 0xc6010000, 0xc600ff00,
	};
	u32 bad = 0;
	for (u32 i = 0; i < ARRAY_SIZE(fids); i++) {
		for (u32 smc = 0; smc < 2; smc++) {
			u64 r[8] = {fids[i], 1, 2, 3, 4, 5, 6, 7};
			kit_smccc(smc, r);
			if ((s64)r[0] != TESSERA_NOT_SUPPORTED || r[4] != 4 || r[7] != 7) {
				test_fact("%s 0x%x -> 0x%lx", smc ? "smc" : "hvc", fids[i], r[0]);
				bad++;
			}
		}
	}
	test_check(bad == 0, "firmware IDs (SiP, OEM, trusted OS, arch, yielding) -> NOT_SUPPORTED",
		   "%u bad", bad);
	u64 r[8] = {SMCCC_VERSION, 0, 0, 0, 0, 0, 0, 0};
	kit_smccc(true, r);
	test_check(r[0] == 0x10001, "SMCCC_VERSION over SMC -> 1.1", "ret=0x%lx", r[0]);
}

/* What PSCI_FEATURES must say about fid (PSCI 1.1 5.1.14): 0 for the functions Tessera
 * implements (for CPU_SUSPEND: its feature flags, 0) and for SMCCC_VERSION, else -1. */
static s64 psci_features_expected(u32 fid)
{
	static const u32 implemented[] = {
	    PSCI_VERSION,    PSCI_CPU_SUSPEND_64,   PSCI_CPU_OFF,	   PSCI_CPU_ON_64,
	    PSCI_CPU_ON_32,  PSCI_AFFINITY_INFO_64, PSCI_AFFINITY_INFO_32, PSCI_MIGRATE_INFO_TYPE,
	    PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET,	    PSCI_FEATURES,	   SMCCC_VERSION,
	};
	for (u32 i = 0; i < ARRAY_SIZE(implemented); i++)
		if (fid == implemented[i])
			return 0;
	return -1;
}

/* One query with junk in the upper halves of x0 and x1; false if x0 is not want or any
 * of x1..x7 changed. */
static bool query_ok(bool smc, u32 fid, u32 arg, s64 want, char *why, size_t n)
{
	u64 in[8], r[8];
	for (u32 i = 0; i < 8; i++)
		in[i] = kit_rand();
	in[0] = (in[0] & ~0xffffffffULL) | fid;
	in[1] = (in[1] & ~0xffffffffULL) | arg; /* an SMC32 call's argument is w1 */
	memcpy(r, in, sizeof(r));
	kit_smccc(smc, r);
	for (u32 i = 1; i < 8; i++) {
		if (r[i] != in[i]) {
			fmt_snprintf(why, n, "%s 0x%x(0x%x) changed x%u", smc ? "smc" : "hvc", fid,
				     arg, i);
			return false;
		}
	}
	if ((s64)r[0] != want) {
		fmt_snprintf(why, n, "%s 0x%x(0x%x) -> 0x%lx, want 0x%lx", smc ? "smc" : "hvc", fid,
			     arg, r[0], (u64)want);
		return false;
	}
	return true;
}

static void standard_queries(void)
{
	static const u32 arch_args[] = {0x80000000, 0x80000001, 0x80000002, 0x80008000,
					0x80007fff, 0x8000ffff, 0x84000000, 0xc6000000,
					0x00000000, 0xffffffff, 0x00000001, 0x80000100};
	static const u32 other_args[] = {0x80000000, 0x80000001, 0xc6000000, 0xc6000003,
					 0,	     0xffffffff, 0x84000100, 0xc4000100,
					 0x8400000b, 0x88000000, 0x04000000, 0xc4000000};
	for (u32 smc = 0; smc < 2; smc++) {
		char why[96] = "", w[96];
		u32 bad = 0, calls = 0;
		const char *via = smc ? "SMC" : "HVC";
#define Q(fid, arg, want)                                                       \
	do {                                                                    \
		calls++;                                                        \
		if (!query_ok(smc, fid, arg, want, w, sizeof(w)) && bad++ == 0) \
			memcpy(why, w, sizeof(why));                            \
	} while (0)
		Q(SMCCC_VERSION, 0, 0x10001);
		Q(PSCI_VERSION, 0, 0x10001);
		Q(PSCI_MIGRATE_INFO_TYPE, 0, 2);
		Q(TESSERA_HC_VERSION, 0, (s64)TESSERA_ABI_VERSION);
		for (u32 i = 0; i < ARRAY_SIZE(arch_args); i++)
			Q(SMCCC_ARCH_FEATURES, arch_args[i],
			  arch_args[i] <= 0x80000001 && arch_args[i] >= 0x80000000 ? 0 : -1);
		for (u32 k = 0; k < 256; k++) {
			Q(PSCI_FEATURES, 0x84000000 + k, psci_features_expected(0x84000000 + k));
			Q(PSCI_FEATURES, 0xc4000000 + k, psci_features_expected(0xc4000000 + k));
		}
		for (u32 i = 0; i < ARRAY_SIZE(other_args); i++)
			Q(PSCI_FEATURES, other_args[i], psci_features_expected(other_args[i]));
#undef Q
		char what[96];
		fmt_snprintf(what, sizeof(what),
			     "standard queries over %s: %u answers as SMCCC/PSCI say, x1..x7 kept",
			     via, calls);
		test_check(bad == 0, what, "%u bad, first: %s", bad, why);
	}
}

static void hvc_immediates(void)
{
	register u64 x0 __asm__("x0");
	u32 ok = 0;
#define HVC_IMM(imm)                                                                           \
	x0 = PSCI_VERSION;                                                                     \
	__asm__ volatile("hvc #" #imm                                                          \
			 : "+r"(x0)                                                            \
			 :                                                                     \
			 : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", \
			   "x12", "x13", "x14", "x15", "x16", "x17", "memory");                \
	ok += x0 == 0x10001;
	HVC_IMM(1)
	HVC_IMM(0x4242)
	HVC_IMM(0xffff)
#undef HVC_IMM
	test_check(ok == 3, "HVC with non-zero immediates answered", "ok=%u", ok);
}

static void finisher(u64 ctx)
{
	(void)ctx;
	u64 end = timer_now() + timer_freq() * 5;
	s64 a;
	while ((a = psci_affinity_info(0)) != 1 && timer_now() < end)
		;
	test_check(a == 1, "vCPU 0 powered off by CPU_OFF over SMC; vCPU 1 carries on",
		   "affinity=%ld", a);
	test_done();
}

int main(u64 dtb)
{
	const void *fdt = (const void *)(uintptr_t)dtb;
	u64 mpidr[KIT_MAX_CPUS];

	test_begin("hostile_hvc");
	kit_rand_seed(SEED);
	u32 ncpu = dt_cpus(fdt, mpidr, KIT_MAX_CPUS);
	bool mem = dt_memory(fdt, &ram_base, &ram_size);
	test_fact("ram=0x%lx+0x%lx cpus=%u", ram_base, ram_size, ncpu);
	if (!test_check(mem && ncpu == 2, "two vCPUs and RAM", "mem=%d cpus=%u", mem, ncpu))
		test_done();

	sweep(TESSERA_HC_BASE, "Tessera");
	sweep(0x84000000U, "PSCI SMC32");
	sweep(0xC4000000U, "PSCI SMC64");
	psci_abuse(ncpu);
	firmware_smc();
	hvc_immediates();
	standard_queries();

	/* The end: vCPU 1 waits for vCPU 0 to be OFF, then reports and stops the VM. */
	s64 r = kit_cpu_start(1, finisher, 0);
	if (!test_check(r == 0, "start vCPU 1 for the finish", "ret=%ld", r))
		test_done();
	u64 off[8] = {PSCI_CPU_OFF, 0, 0, 0, 0, 0, 0, 0};
	kit_smccc(true, off);
	test_check(false, "CPU_OFF returned", "ret=%ld", (s64)off[0]);
	test_done();
}
