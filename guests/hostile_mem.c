/* SPDX-License-Identifier: MIT */
/*
 * hostile_mem: a guest that reaches for memory it was not given. Every load,
 * store and instruction fetch below must end in an abort taken by the guest
 * itself (what unbacked physical addresses give on hardware), never in data:
 *  - every 4 KiB page of a band just below and just above its RAM, in every
 *    access form (byte..doubleword, ldp/stp and writeback forms, which carry no
 *    valid syndrome (ESR_EL2.ISV = 0) so the hypervisor cannot emulate them);
 *  - the hypervisor's DTB, image and system image (real addresses only when the
 *    VM has an identity layout: hostile_mem_id), the neighbour's RAM (bootargs
 *    victim=<phys> victim_size=<n>), every 2 MiB of platform RAM not its own;
 *  - QEMU virt's devices nobody gave it (flash, GIC ITS, other CPUs'
 *    redistributors, RTC, fw_cfg, GPIO, secure UART, SMMU, 32 virtio-mmio slots,
 *    platform bus, PCIe windows and ECAM, low and high) and IPAs beyond its range;
 *  - instruction fetches from devices, the neighbour and the hypervisor.
 * A faulting load must leave its destination (and writeback base) untouched.
 * Fresh RAM past the image must read as zero (no stale data).
 */
#include "kit.h"

#ifndef HOSTILE_MEM_NAME
#define HOSTILE_MEM_NAME "hostile_mem"
#endif

#define PAGE	      0x1000ULL
#define BAND_PAGES    16U
#define SENTINEL      0x5ca1ab1edeadbeefULL
#define STALE_SCAN    0x100000ULL /* 1 MiB of fresh RAM past the image */
#define PLATFORM_RAM  0x40000000ULL
#define PLATFORM_SIZE 0x40000000ULL
#define RAM_STEP      0x200000ULL
#define STRICT_LIMIT  (1ULL << 40) /* below: stage-2 range, SEA; above: any abort */
#define EC_IABT_CUR   0x21U

static const void *fdt;
static u64 ram_base, ram_size;

/* "key=0x<hex>" in args (kit_arg_u64 is decimal only), or 0. */
static u64 arg_hex(const char *args, const char *key)
{
	const char *p = kit_strstr(args, key);
	u64 v = 0;

	if (!p)
		return 0;
	p += strlen(key);
	if (p[0] != '0' || p[1] != 'x')
		return 0;
	for (p += 2;; p++) {
		u32 d;
		if (*p >= '0' && *p <= '9')
			d = (u32)(*p - '0');
		else if (*p >= 'a' && *p <= 'f')
			d = (u32)(*p - 'a' + 10);
		else
			return v;
		v = v << 4 | d;
	}
}

static bool own_ram(u64 addr)
{
	return addr >= ram_base && addr - ram_base < ram_size;
}

/* Outcome of one access that must fault. Returns true if it did as required. */
static bool must_abort(u64 addr, enum kit_acc op, bool strict, char *why, size_t n)
{
	u64 val = SENTINEL, esr = 0;
	bool ok = kit_access(addr, op, &val, &esr);
	bool load = op < KIT_W8;

	if (ok) {
		fmt_snprintf(why, n, "%s 0x%lx succeeded val=0x%lx", kit_acc_name(op), addr, val);
		return false;
	}
	if (ESR_EC(esr) != EC_DABT_CUR || (strict && ESR_DFSC(esr) != DFSC_SEA)) {
		fmt_snprintf(why, n, "%s 0x%lx esr=0x%lx", kit_acc_name(op), addr, esr);
		return false;
	}
	if (load && val != SENTINEL) {
		fmt_snprintf(why, n, "%s 0x%lx aborted but returned 0x%lx", kit_acc_name(op), addr,
			     val);
		return false;
	}
	return true;
}

/* A read and a write of the first word of addr; one PASS/FAIL line. */
static void probe(const char *name, u64 addr)
{
	char what[96], why[96] = "";

	if (own_ram(addr)) {
		test_fact("%s=skipped(own ram 0x%lx)", name, addr);
		return;
	}
	if (dt_reg_covers(fdt, addr)) {
		test_fact("%s=skipped(in dtb 0x%lx)", name, addr);
		return;
	}
	bool strict = addr < STRICT_LIMIT;
	bool ok = must_abort(addr, KIT_R32, strict, why, sizeof(why)) &&
		  must_abort(addr, KIT_W32, strict, why, sizeof(why));
	fmt_snprintf(what, sizeof(what), "%s 0x%lx aborts", name, addr);
	test_check(ok, what, "%s", why);
}

/* Every page of [base, base + pages * 4 KiB): read and write its first and last word. */
static void band(const char *name, u64 base, u32 pages)
{
	char why[96] = "";
	u32 bad = 0, tried = 0;

	for (u32 i = 0; i < pages; i++) {
		u64 p = base + i * PAGE;
		if (own_ram(p) || dt_reg_covers(fdt, p))
			continue;
		char w[96];
		static const enum kit_acc ops[] = {KIT_R32, KIT_W32, KIT_R64, KIT_W64};
		for (u32 k = 0; k < ARRAY_SIZE(ops); k++) {
			u64 a = p + (k & 2 ? PAGE - 8 : 0);
			tried++;
			if (!must_abort(a, ops[k], true, w, sizeof(w)) && bad++ == 0)
				memcpy(why, w, sizeof(why));
		}
	}
	test_fact("%s=0x%lx pages=%u accesses=%u bad=%u", name, base, pages, tried, bad);
	char what[96];
	fmt_snprintf(what, sizeof(what), "%s: every page aborts", name);
	test_check(tried > 0 && bad == 0, what, "%u bad, first: %s", bad, why);
}

/* Every access form at addr. */
static void forms(const char *name, u64 addr)
{
	char why[96] = "", what[96];
	u32 bad = 0;

	for (u32 op = 0; op < KIT_ACC_COUNT; op++) {
		char w[96];
		if (!must_abort(addr, (enum kit_acc)op, true, w, sizeof(w)) && bad++ == 0)
			memcpy(why, w, sizeof(why));
	}
	fmt_snprintf(what, sizeof(what), "%s 0x%lx: every access form aborts, nothing loaded", name,
		     addr);
	test_check(bad == 0, what, "%u bad, first: %s", bad, why);
}

/* Branches to addr; the instruction abort returns to the caller through x30. */
static void fetch(const char *name, u64 addr)
{
	char what[96];
	u64 esr = 0;

	if (own_ram(addr)) {
		test_fact("fetch_%s=skipped(own ram)", name);
		return;
	}
	kit_catch_begin();
	__asm__ volatile("blr %0" ::"r"(addr)
			 : "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11",
			   "x12", "x13", "x14", "x15", "x16", "x17", "x30", "memory", "cc");
	u32 n = kit_catch_end(&esr, NULL);
	fmt_snprintf(what, sizeof(what), "fetch from %s 0x%lx aborts", name, addr);
	test_check(n == 1 && ESR_EC(esr) == EC_IABT_CUR && ESR_DFSC(esr) == DFSC_SEA, what,
		   "caught=%u esr=0x%lx", n, esr);
}

static void platform_ram(void)
{
	char why[96] = "";
	u32 bad = 0, tried = 0;

	for (u64 a = PLATFORM_RAM; a < PLATFORM_RAM + PLATFORM_SIZE; a += RAM_STEP) {
		if (own_ram(a) || own_ram(a + RAM_STEP - 8))
			continue;
		char w[96];
		tried += 2;
		if (!must_abort(a, KIT_R64, true, w, sizeof(w)) && bad++ == 0)
			memcpy(why, w, sizeof(why));
		if (!must_abort(a + RAM_STEP - 8, KIT_W64, true, w, sizeof(w)) && bad++ == 0)
			memcpy(why, w, sizeof(why));
	}
	test_fact("platform_ram accesses=%u bad=%u", tried, bad);
	test_check(bad == 0, "every 2 MiB of platform RAM not ours aborts", "%u bad, first: %s",
		   bad, why);
}

static void stale_scan(void)
{
	u64 start = ALIGN_UP((u64)(uintptr_t)__image_end, PAGE);
	u64 end = MIN(start + STALE_SCAN, ram_base + ram_size);
	u64 nonzero = 0, first = 0;

	for (u64 a = start; a < end; a += 8) {
		u64 v = *(volatile const u64 *)(uintptr_t)a;
		if (v && nonzero++ == 0)
			first = a;
	}
	test_fact("stale_scan=0x%lx-0x%lx nonzero=%lu", start, end, nonzero);
	test_check(nonzero == 0, "fresh RAM past the image reads as zero",
		   "%lu non-zero words, first at 0x%lx", nonzero, first);
}

static void own_control(void)
{
	static volatile u64 cell;
	u64 v = 0x1234, esr = 0;
	bool w = kit_access((u64)(uintptr_t)&cell, KIT_W64, &v, &esr);
	v = 0;
	bool r = kit_access((u64)(uintptr_t)&cell, KIT_R64, &v, &esr);
	test_check(w && r && v == 0x1234, "control: own RAM reads back what was written",
		   "w=%d r=%d v=0x%lx esr=0x%lx", w, r, v, esr);
}

int main(u64 dtb)
{
	test_begin(HOSTILE_MEM_NAME);
	fdt = (const void *)(uintptr_t)dtb;
	u64 mpidr[KIT_MAX_CPUS];
	u32 ncpu = dt_cpus(fdt, mpidr, KIT_MAX_CPUS);
	bool mem = dt_memory(fdt, &ram_base, &ram_size);
	const char *args = dt_bootargs(fdt);
	u64 victim = arg_hex(args, "victim=");
	u64 victim_size = arg_hex(args, "victim_size=");
	test_fact("ram=0x%lx+0x%lx cpus=%u victim=0x%lx+0x%lx image=0x%lx", ram_base, ram_size,
		  ncpu, victim, victim_size, (u64)(uintptr_t)_start);
	if (!test_check(mem && ram_size > 0 && ncpu > 0 && victim_size > 0,
			"dtb memory, cpus and victim", "mem=%d cpus=%u", mem, ncpu))
		test_done();

	own_control();
	u64 ram_end = ram_base + ram_size;
	band("band_below_ram", ram_base - BAND_PAGES * PAGE, BAND_PAGES);
	band("band_above_ram", ram_end, BAND_PAGES);
	forms("below_ram", ram_base - PAGE);
	forms("above_ram", ram_end);
	forms("victim_ram", victim);

	probe("platform_dtb", LAYOUT_PLATFORM_DTB);
	probe("hyp_image", LAYOUT_HYP_BASE);
	probe("hyp_image_mid", LAYOUT_HYP_BASE + 0x100000);
	probe("system_image", LAYOUT_PACK_BASE);
	band("victim_ram_start", victim, BAND_PAGES);
	probe("victim_ram_mid", victim + victim_size / 2);
	probe("victim_ram_top", victim + victim_size - 8);
	platform_ram();

	probe("flash0", 0x0);
	probe("flash1", 0x04000000ULL);
	probe("gicv2_cpuif", 0x08010000ULL);
	probe("gicv2m", 0x08020000ULL);
	probe("gic_its", 0x08080000ULL);
	probe("gic_its_translater", 0x08090000ULL);
	for (u32 n = ncpu; n < 8; n++) {
		char nm[32];
		fmt_snprintf(nm, sizeof(nm), "gicr%u_rd", n);
		probe(nm, GUEST_GICR_BASE + n * GUEST_GICR_STRIDE);
		fmt_snprintf(nm, sizeof(nm), "gicr%u_sgi", n);
		probe(nm, GUEST_GICR_BASE + n * GUEST_GICR_STRIDE + 0x10000);
	}
	probe("gicr_window_top", 0x08ff0000ULL);
	probe("uart_gap", GUEST_UART_BASE + GUEST_UART_SIZE);
	probe("rtc", 0x09010000ULL);
	probe("fw_cfg", 0x09020000ULL);
	probe("gpio", 0x09030000ULL);
	probe("secure_uart", 0x09040000ULL);
	probe("smmu", 0x09050000ULL);
	probe("dev_window_end", GUEST_DEV_WINDOW_BASE + GUEST_DEV_WINDOW_SIZE);
	for (u32 k = 0; k < 32; k++) {
		char nm[32];
		fmt_snprintf(nm, sizeof(nm), "virtio_mmio%u", k);
		probe(nm, 0x0a000000ULL + k * 0x200);
	}
	probe("platform_bus", 0x0c000000ULL);
	probe("pcie_mmio", 0x10000000ULL);
	probe("pcie_pio", 0x3eff0000ULL);
	probe("pcie_ecam", 0x3f000000ULL);
	probe("pcie_ecam_high", 0x4010000000ULL);
	probe("pcie_mmio_high", 0x8000000000ULL);
	probe("ipa_1tb", 1ULL << 40);
	probe("ipa_16tb", 1ULL << 44);
	probe("ipa_top", 0xfffffffff000ULL);

	fetch("flash", 0x0);
	fetch("virtio", 0x0a000000ULL);
	fetch("gicd", GUEST_GICD_BASE);
	fetch("hyp_image", LAYOUT_HYP_BASE);
	fetch("victim_ram", victim);
	fetch("above_ram", ram_end);

	stale_scan();
	test_done();
}
