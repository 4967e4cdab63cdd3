/* SPDX-License-Identifier: MIT */
/*
 * isolate: the isolation probe. It reaches for things a VM must not have and
 * states the outcome Tessera must produce:
 *  - loads/stores outside its RAM and its devices (just below and just past
 *    its /memory, far RAM, the real GIC ITS, the GIC distributor's unused
 *    neighbourhood, redistributors of vCPUs it lacks, QEMU's RTC and first
 *    virtio-mmio slot) -> synchronous external abort (ESR_EL1.EC 0x25,
 *    DFSC 0x10), as hardware would give; addresses its DTB describes are skipped;
 *  - PSCI CPU_ON of a vCPU it does not have -> INVALID_PARAMETERS;
 *  - an SPI nobody gave it, enabled and made pending -> no storm, still alive;
 *  - hypercalls it may not make -> an error code.
 * The addresses probed are ones QEMU virt leaves unbacked, so on bare QEMU they abort
 * too and every check passes there as well (tests/system/guests_bare.sh requires it).
 */
#include "kit.h"

#define FOREIGN_SPI    100U
#define PROBE_PATTERN  0x5a5a5a5aU
#define BAD_CHANNEL    0xffffU
#define UNKNOWN_HC     (TESSERA_HC_BASE + 0xffU)
#define AFF1_CPU_MPIDR 0x100U

static const void *fdt;
static u64 ram_base, ram_size;
static volatile u32 spi_hits;

static void probe(const char *name, u64 addr)
{
	char what[64];
	fmt_snprintf(what, sizeof(what), "%s 0x%lx aborts", name, addr);
	if (addr >= ram_base && addr - ram_base < ram_size) {
		test_fact("%s=skipped(own ram)", name);
		return;
	}
	if (dt_reg_covers(fdt, addr)) {
		test_fact("%s=skipped(in dtb)", name);
		return;
	}
	u64 esr_r = 0, esr_w = 0;
	u32 val = 0;
	bool read_ok = kit_probe_read(addr, &val, &esr_r);
	bool write_ok = kit_probe_write(addr, PROBE_PATTERN, &esr_w);
	bool r_sea = !read_ok && ESR_EC(esr_r) == EC_DABT_CUR && ESR_DFSC(esr_r) == DFSC_SEA;
	bool w_sea = !write_ok && ESR_EC(esr_w) == EC_DABT_CUR && ESR_DFSC(esr_w) == DFSC_SEA;
	test_fact("%s=read:%s(0x%lx) write:%s(0x%lx)", name, read_ok ? "ok" : "abort",
		  read_ok ? (u64)val : esr_r, write_ok ? "ok" : "abort", esr_w);
	test_check(r_sea && w_sea, what, "read esr=0x%lx val=0x%x, write esr=0x%lx", esr_r, val,
		   esr_w);
}

static void spi_irq(u32 intid)
{
	(void)intid;
	spi_hits++;
}

static void foreign_spi(void)
{
	u32 lines = gic_nr_lines();
	if (lines <= 32) {
		test_fact("foreign_spi=skipped(no spis)");
		return;
	}
	u32 intid = MIN(FOREIGN_SPI, lines - 1);
	gic_set_handler(intid, spi_irq);
	gic_route_spi(intid, kit_cpu_id());
	gic_enable(intid);
	gic_set_pending(intid);
	kit_irq_on();
	timer_delay(timer_freq() / 100);
	kit_irq_off();
	gic_disable(intid);
	gic_clear_pending(intid);
	test_fact("foreign_spi=%u hits=%u lines=%u", intid, spi_hits, lines);
	test_check(spi_hits <= 1, "foreign SPI contained", "hits=%u", spi_hits);
}

int main(u64 dtb)
{
	test_begin("isolate");
	fdt = (const void *)(uintptr_t)dtb;
	u64 mpidr[KIT_MAX_CPUS];
	u32 ncpu = dt_cpus(fdt, mpidr, KIT_MAX_CPUS);
	bool mem = dt_memory(fdt, &ram_base, &ram_size);
	test_fact("start ram=0x%lx+0x%lx cpus=%u", ram_base, ram_size, ncpu);
	if (!test_check(mem && ram_size > 0 && ncpu > 0, "dtb memory and cpus", "mem=%d cpus=%u",
			mem, ncpu))
		test_done();

	if (ram_base >= 8)
		probe("below_ram", ram_base - 8);
	probe("above_ram", ram_base + ram_size);
	probe("far_ram", 0x100000000ULL);
	probe("hyp_image", LAYOUT_HYP_BASE);
	probe("gic_its", 0x08080000ULL);
	probe("gicd_gap", GUEST_GICD_BASE + GUEST_GICD_SIZE);
	probe("gicr_beyond", GUEST_GICR_BASE + ncpu * GUEST_GICR_STRIDE);
	probe("uart_gap", GUEST_UART_BASE + GUEST_UART_SIZE);
	probe("rtc", 0x09010000ULL);
	probe("virtio_mmio", 0x0a000000ULL);

	s64 r = psci_cpu_on(ncpu, (u64)(uintptr_t)kit_secondary_entry, 0);
	test_fact("cpu_on_missing=%ld", r);
	test_check(r == PSCI_RET_INVALID_PARAMS, "cpu_on of a missing vcpu -> INVALID_PARAMETERS",
		   "ret=%ld", r);
	r = psci_cpu_on(AFF1_CPU_MPIDR, (u64)(uintptr_t)kit_secondary_entry, 0);
	test_check(r == PSCI_RET_INVALID_PARAMS, "cpu_on of aff1 cpu -> INVALID_PARAMETERS",
		   "ret=%ld", r);

	foreign_spi();

	r = hyp_notify(BAD_CHANNEL);
	test_fact("notify_bad_channel=%ld", r);
	test_check(r < 0, "notify of a channel not ours refused", "ret=%ld", r);
	r = (s64)kit_hvc(UNKNOWN_HC, 0, 0, 0).x0;
	test_check(r == TESSERA_NOT_SUPPORTED, "unknown hypercall -> NOT_SUPPORTED", "ret=%ld", r);
	test_done();
}
