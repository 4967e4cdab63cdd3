/* SPDX-License-Identifier: MIT */
/*
 * hostile_sysreg: system registers and instructions a guest must not get.
 *  - writes with nonsense values: set/way cache maintenance (trapped, a no-op for
 *    the guest), PMU (PMCR_EL0, PMCNTENSET_EL0, PMEVCNTR0_EL0, ...: trapped, read as
 *    zero) and debug registers (MDSCR_EL1, DBGB*, DBGW*, OSLAR/OSDLR: the vCPU's own,
 *    not trapped; no exception, and zeros written back read as zero);
 *  - ID registers: SVE, SME, pointer authentication, MTE, AMU, PMU, EL2 reported
 *    absent (also on -cpu max); writes to read-only ID registers UNDEFINED;
 *  - UNDEFINED at EL1: udf, EL2 registers (HCR_EL2, VTTBR_EL2, VBAR_EL2, ...),
 *    EL2 TLB/AT operations, SP_EL1, AMU, implementation-defined registers; SVE,
 *    SME and PAC instructions after the guest enabled them at EL1;
 *  - ERET to EL2, EL3 or AArch32 EL1 (SPSR games): an illegal exception return,
 *    so the next instruction takes an Illegal Execution State exception at EL1.
 * Each must raise the exception hardware would (ESR_EL1.EC shown) in the guest.
 */
#include "kit.h"

#define EC_UNKNOWN  0x00U
#define EC_ILLEGAL  0x0eU
#define CPACR_FPEN  (3ULL << 20)
#define CPACR_ZEN   (3ULL << 16)
#define CPACR_SMEN  (3ULL << 24)
#define SCTLR_ENIA  BIT(31)
#define SPSR_MASKED 0x3c0ULL /* D, A, I, F */
#define NONSENSE    0xa5a5a5a5ffffffffULL
#define FIELD(v, s) (((v) >> (s)) & 0xf)

static u32 caught;
static u64 caught_esr;

#define TRY(insn, ...)                                     \
	do {                                               \
		kit_catch_begin();                         \
		__asm__ volatile(insn ::__VA_ARGS__);      \
		caught = kit_catch_end(&caught_esr, NULL); \
	} while (0)

static void expect_undef(const char *what)
{
	char w[96];
	fmt_snprintf(w, sizeof(w), "%s -> UNDEFINED", what);
	test_check(caught == 1 && ESR_EC(caught_esr) == EC_UNKNOWN, w, "caught=%u esr=0x%lx",
		   caught, caught_esr);
}

static void expect_quiet(const char *what)
{
	char w[96];
	fmt_snprintf(w, sizeof(w), "%s -> no exception", what);
	test_check(caught == 0, w, "caught=%u esr=0x%lx", caught, caught_esr);
}

static void set_way(void)
{
	u64 v = NONSENSE;
	TRY("dc isw, %0\n\tdc csw, %0\n\tdc cisw, %0\n\tdc isw, xzr\n\tdc cisw, %1", "r"(v),
	    "r"(~v));
	expect_quiet("DC ISW/CSW/CISW with nonsense set/way");
}

static void debug_pmu(void)
{
	u64 v = NONSENSE, r;
	TRY("msr mdscr_el1, %0", "r"(v));
	expect_quiet("msr mdscr_el1");
	TRY("msr dbgbcr0_el1, %0\n\tmsr dbgbvr0_el1, %0", "r"(v));
	expect_quiet("msr dbgbcr0_el1/dbgbvr0_el1");
	TRY("msr dbgwcr0_el1, %0\n\tmsr dbgwvr0_el1, %0", "r"(v));
	expect_quiet("msr dbgwcr0_el1/dbgwvr0_el1");
	TRY("msr oslar_el1, %0", "r"(v));
	expect_quiet("msr oslar_el1");
	TRY("msr osdlr_el1, %0", "r"(v));
	expect_quiet("msr osdlr_el1");
	TRY("msr mdccint_el1, %0", "r"(v));
	expect_quiet("msr mdccint_el1");
	/* DBGCLAIMSET_EL1 is left out: QEMU 7.2 does not implement it (UNDEFINED at EL1
	 * before any EL2 trap, also on bare QEMU). */
	/* The debug registers are the guest's own (not trapped): clear what was written. */
	kit_catch_begin();
	sysreg_write(osdlr_el1, 0);
	sysreg_write(oslar_el1, 0);
	isb();
	sysreg_write(mdscr_el1, 0);
	sysreg_write(dbgbcr0_el1, 0);
	sysreg_write(dbgbvr0_el1, 0);
	sysreg_write(dbgwcr0_el1, 0);
	sysreg_write(dbgwvr0_el1, 0);
	sysreg_write(mdccint_el1, 0);
	isb();
	u64 md = sysreg_read(mdscr_el1), bc = sysreg_read(dbgbcr0_el1);
	u64 wv = sysreg_read(dbgwvr0_el1), mi = sysreg_read(mdccint_el1);
	caught = kit_catch_end(&caught_esr, NULL);
	test_check(caught == 0 && !(md | bc | wv | mi),
		   "debug registers written back to zero read as zero",
		   "caught=%u mdscr=0x%lx dbgbcr0=0x%lx dbgwvr0=0x%lx mdccint=0x%lx", caught, md,
		   bc, wv, mi);

	TRY("msr pmcr_el0, %0\n\tmsr pmcntenset_el0, %0\n\tmsr pmevcntr0_el0, %0\n\t"
	    "msr pmevtyper0_el0, %0\n\tmsr pmccntr_el0, %0\n\tmsr pmintenset_el1, %0\n\t"
	    "msr pmuserenr_el0, %0\n\tmsr pmovsset_el0, %0\n\tmsr pmselr_el0, %0\n\t"
	    "msr pmxevcntr_el0, %0\n\tmsr pmswinc_el0, %0",
	    "r"(v));
	expect_quiet("PMU register writes (PMCR, PMCNTENSET, PMEVCNTR0, ...)");
	kit_catch_begin();
	r = sysreg_read(pmcr_el0);
	r |= sysreg_read(pmcntenset_el0);
	r |= sysreg_read(pmevcntr0_el0);
	r |= sysreg_read(pmccntr_el0);
	r |= sysreg_read(pmovsset_el0);
	caught = kit_catch_end(&caught_esr, NULL);
	test_check(caught == 0 && r == 0, "PMU registers read as zero", "caught=%u or=0x%lx",
		   caught, r);
}

static void id_regs(void)
{
	u64 pfr0 = sysreg_read(id_aa64pfr0_el1), pfr1 = sysreg_read(id_aa64pfr1_el1);
	u64 isar1 = sysreg_read(id_aa64isar1_el1), isar2 = sysreg_read(S3_0_C0_C6_2);
	u64 zfr0 = sysreg_read(S3_0_C0_C4_4), smfr0 = sysreg_read(S3_0_C0_C4_5);
	u64 dfr0 = sysreg_read(id_aa64dfr0_el1);
	test_fact("id pfr0=0x%lx pfr1=0x%lx isar1=0x%lx isar2=0x%lx zfr0=0x%lx dfr0=0x%lx", pfr0,
		  pfr1, isar1, isar2, zfr0, dfr0);
	test_check(FIELD(pfr0, 32) == 0 && zfr0 == 0, "ID: no SVE", "pfr0=0x%lx zfr0=0x%lx", pfr0,
		   zfr0);
	test_check(FIELD(pfr1, 24) == 0 && smfr0 == 0, "ID: no SME", "pfr1=0x%lx", pfr1);
	test_check(FIELD(isar1, 4) == 0 && FIELD(isar1, 8) == 0 && FIELD(isar1, 24) == 0 &&
		       FIELD(isar1, 28) == 0 && FIELD(isar2, 8) == 0 && FIELD(isar2, 12) == 0,
		   "ID: no pointer authentication", "isar1=0x%lx isar2=0x%lx", isar1, isar2);
	test_check(FIELD(pfr1, 8) == 0, "ID: no MTE", "pfr1=0x%lx", pfr1);
	test_check(FIELD(pfr0, 44) == 0 && FIELD(pfr0, 8) == 0, "ID: no AMU, no EL2", "pfr0=0x%lx",
		   pfr0);
	test_check(FIELD(dfr0, 8) == 0, "ID: no PMU", "dfr0=0x%lx", dfr0);

	u64 v = NONSENSE;
	TRY("msr S3_0_C0_C4_0, %0", "r"(v));
	expect_undef("write ID_AA64PFR0_EL1");
	TRY("msr S3_0_C0_C6_1, %0", "r"(v));
	expect_undef("write ID_AA64ISAR1_EL1");
	TRY("msr S3_0_C0_C0_0, %0", "r"(v));
	expect_undef("write MIDR_EL1");
	TRY("msr S3_0_C0_C7_0, %0", "r"(v));
	expect_undef("write ID_AA64MMFR0_EL1");
}

static void undefined(void)
{
	u64 v = NONSENSE;
	TRY("udf #0");
	expect_undef("udf #0");
	TRY("udf #0xffff");
	expect_undef("udf #0xffff");
	TRY("msr hcr_el2, %0", "r"(v));
	expect_undef("msr hcr_el2");
	TRY("mrs %0, hcr_el2", "r"(v));
	expect_undef("mrs hcr_el2");
	TRY("msr vttbr_el2, %0", "r"(v));
	expect_undef("msr vttbr_el2");
	TRY("msr vbar_el2, %0", "r"(v));
	expect_undef("msr vbar_el2");
	TRY("msr sctlr_el2, %0", "r"(v));
	expect_undef("msr sctlr_el2");
	TRY("msr cntvoff_el2, %0", "r"(v));
	expect_undef("msr cntvoff_el2");
	TRY("msr cnthctl_el2, %0", "r"(v));
	expect_undef("msr cnthctl_el2");
	TRY("mrs %0, esr_el2", "r"(v));
	expect_undef("mrs esr_el2");
	TRY("msr S3_4_C12_C9_5, %0", "r"(v)); /* ICC_SRE_EL2 */
	expect_undef("msr icc_sre_el2");
	TRY("msr S3_4_C12_C11_0, %0", "r"(v)); /* ICH_HCR_EL2 */
	expect_undef("msr ich_hcr_el2");
	TRY("msr S3_4_C12_C12_0, %0", "r"(v)); /* ICH_LR0_EL2 */
	expect_undef("msr ich_lr0_el2");
	TRY("tlbi alle2");
	expect_undef("tlbi alle2");
	TRY("at s1e2r, %0", "r"(v));
	expect_undef("at s1e2r");
	TRY("msr sp_el1, %0", "r"(v));
	expect_undef("msr sp_el1");
	TRY("mrs %0, S3_3_C13_C2_5", "r"(v)); /* AMCNTENSET0_EL0 */
	expect_undef("mrs amcntenset0_el0");
	/* Implementation defined (CPUACTLR_EL1 on the A57): HCR_EL2.TIDCP traps it on
	 * hardware; QEMU 7.2 ignores TIDCP and implements it RAZ/WI, also acceptable. */
	TRY("msr S3_1_C15_C2_0, %0", "r"(v));
	if (caught) {
		expect_undef("msr implementation-defined S3_1_C15_C2_0");
	} else {
		kit_catch_begin();
		u64 back = sysreg_read(S3_1_C15_C2_0);
		caught = kit_catch_end(&caught_esr, NULL);
		test_fact("impdef_write=accepted read_back=0x%lx caught=%u", back, caught);
		test_check(caught || back == 0,
			   "msr implementation-defined S3_1_C15_C2_0 -> UNDEFINED or RAZ/WI",
			   "read back 0x%lx", back);
	}
	TRY("mrs %0, S3_0_C15_C0_0", "r"(v));
	expect_undef("mrs implementation-defined S3_0_C15_C0_0");

	/* Features the hypervisor does not switch, enabled at EL1 first so only EL2 can
	 * refuse them: they must look absent (UNDEFINED), not trap with their own EC. */
	u64 cpacr = sysreg_read(cpacr_el1), sctlr = sysreg_read(sctlr_el1);
	sysreg_write(cpacr_el1, cpacr | CPACR_FPEN | CPACR_ZEN | CPACR_SMEN);
	sysreg_write(sctlr_el1, sctlr | SCTLR_ENIA);
	isb();
	TRY(".inst 0x04bf5020"); /* rdvl x0, #1 */
	expect_undef("SVE rdvl");
	TRY(".inst 0xd503477f"); /* smstart */
	expect_undef("SME smstart");
	TRY(".inst 0xdac10020"); /* pacia x0, x1 */
	expect_undef("PAC pacia");
	sysreg_write(sctlr_el1, sctlr);
	sysreg_write(cpacr_el1, cpacr);
	isb();
}

/* ERET with an SPSR naming an EL (or state) EL1 may not return to: an illegal
 * exception return (ARM ARM D1.4.4) keeps EL1 and sets PSTATE.IL, and the next
 * instruction takes an Illegal Execution State exception (EC 0x0E). */
static void eret_games(void)
{
	static const struct {
		u64 m;
		const char *name;
	} modes[] = {{0x9, "EL2h"},	    {0x8, "EL2t"},	   {0xd, "EL3h"},
		     {0x13, "AArch32 SVC"}, {0x1a, "AArch32 HYP"}, {0x6, "reserved EL1 mode"}};
	for (u32 i = 0; i < ARRAY_SIZE(modes); i++) {
		u64 spsr = SPSR_MASKED | modes[i].m;
		kit_catch_begin();
		__asm__ volatile("adr x9, 1f\n\t"
				 "msr elr_el1, x9\n\t"
				 "msr spsr_el1, %0\n\t"
				 "isb\n\t"
				 "eret\n"
				 "1:\tnop" ::"r"(spsr)
				 : "x9", "memory");
		caught = kit_catch_end(&caught_esr, NULL);
		u32 el = (u32)((sysreg_read(CurrentEL) >> 2) & 3);
		char w[96];
		fmt_snprintf(w, sizeof(w), "ERET to %s -> illegal state at EL1", modes[i].name);
		test_check(caught == 1 && ESR_EC(caught_esr) == EC_ILLEGAL && el == 1, w,
			   "caught=%u esr=0x%lx el=%u", caught, caught_esr, el);
	}
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin("hostile_sysreg");
	u64 midr = sysreg_read(midr_el1);
	test_fact("midr=0x%lx", midr);
	set_way();
	debug_pmu();
	id_regs();
	undefined();
	eret_games();
	test_done();
}
