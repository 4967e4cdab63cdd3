/* SPDX-License-Identifier: MIT */
/*
 * rtc: a board device passed through (tests/system/passthrough_rtc.test, config
 * tests/system/configs/passthrough_rtc.dts). QEMU virt's PL031 real-time clock at
 * 0x0901_0000 (INTID 34) and PL061 GPIO at 0x0903_0000 sit next to the emulated UART; the
 * config gives them to this VM. Two roles from bootargs:
 *  (default)     the owner: the generated DTB describes both devices; their PrimeCell IDs
 *                read back as a PL031 and a PL061 (the real devices, not an emulation);
 *                RTCDR holds a plausible Unix time (after 2020-01-01, QEMU's RTC follows
 *                the host clock) and advances; a match interrupt set two seconds ahead
 *                arrives through the vGIC once, on time, and is cleared at the device;
 *  role=absent   a VM without them: no such DTB nodes and both windows abort.
 * PL031 registers: ARM DDI 0224 (PrimeCell RTC TRM) 3.2; PL061: ARM DDI 0190 3.2.
 */
#include "kit.h"

#define RTC_BASE  0x09010000ULL /* must match the config */
#define GPIO_BASE 0x09030000ULL
#define RTC_INTID 34U /* SPI 2 */

#define RTCDR	0x000 /* data: seconds */
#define RTCMR	0x004 /* match */
#define RTCCR	0x00c /* control: bit 0 starts the counter */
#define RTCIMSC 0x010 /* interrupt mask set/clear */
#define RTCRIS	0x014 /* raw interrupt status */
#define RTCMIS	0x018 /* masked interrupt status */
#define RTCICR	0x01c /* interrupt clear */

#define EPOCH_2020 1577836800U /* 2020-01-01T00:00:00Z */
#define EPOCH_2100 4102444800U /* sanity bound: a u32 clock with garbage in it */

static volatile u32 irqs, mis_seen, time_at_irq;

static void rtc_irq(u32 intid)
{
	(void)intid;
	mis_seen = mmio_read32(RTC_BASE + RTCMIS);
	time_at_irq = mmio_read32(RTC_BASE + RTCDR);
	mmio_write32(RTC_BASE + RTCICR, 1); /* drop the level before the EOI */
	irqs++;
}

/* PrimeCell peripheral and cell ID registers (0xfe0..0xffc): one byte each. */
static u64 primecell_id(u64 base)
{
	u64 id = 0;

	for (u32 i = 0; i < 8; i++)
		id |= (u64)(mmio_read32(base + 0xfe0 + 4 * i) & 0xff) << (8 * i);
	return id;
}

/* True if the DTB bytes contain s (a crude but independent look at node names). */
static bool dtb_has_bytes(const void *dtb, const char *s)
{
	const u8 *b = dtb;
	u32 total = be32_load(b + 4), n = (u32)strlen(s);

	for (u32 i = 0; i + n <= total; i++)
		if (!memcmp(b + i, s, n))
			return true;
	return false;
}

/* reg of the DTB node /name (2 address + 2 size cells, as Tessera writes them). */
static bool dev_reg(const void *dtb, const char *path, u64 *base, u64 *size)
{
	u32 len = 0;
	const u8 *reg = dt_prop(dtb, path, "reg", &len);

	if (!reg || len != 16)
		return false;
	*base = be64_load(reg);
	*size = be64_load(reg + 8);
	return true;
}

static void check_dtb(const void *dtb)
{
	u64 base = 0, size = 0;
	u32 len = 0;
	const u8 *irq;
	const char *compat;
	bool ok;

	ok = dev_reg(dtb, "/rtc", &base, &size);
	test_check(ok && base == RTC_BASE && size == 0x1000, "DTB describes the RTC",
		   "found=%d base=0x%lx size=0x%lx", ok, base, size);
	compat = dt_prop(dtb, "/rtc", "compatible", &len);
	test_check(compat && len > 9 && !strcmp(compat, "arm,pl031"), "RTC compatible arm,pl031",
		   "len=%u", len);
	irq = dt_prop(dtb, "/rtc", "interrupts", &len);
	test_check(irq && len == 12 && be32_load(irq) == 0 && be32_load(irq + 4) == RTC_INTID - 32,
		   "RTC interrupt is SPI 2", "len=%u", len);
	test_check(dt_prop(dtb, "/rtc", "clocks", &len) != NULL &&
		       dt_prop(dtb, "/rtc", "clock-names", NULL) != NULL,
		   "PrimeCell RTC has its apb_pclk", "no clocks property");
	test_check(!dtb_has_bytes(dtb, "@9010000@"), "node name has one unit address",
		   "rtc@9010000@9010000 in the DTB");
	ok = dev_reg(dtb, "/gpio", &base, &size);
	test_check(ok && base == GPIO_BASE && size == 0x1000, "DTB describes the GPIO",
		   "found=%d base=0x%lx size=0x%lx", ok, base, size);
}

static void owner(const void *dtb)
{
	u64 id, freq = timer_freq(), end;
	u32 t0, t1, match;

	check_dtb(dtb);

	id = primecell_id(RTC_BASE);
	test_fact("rtc_id=0x%016lx", id);
	/* PL031: part 0x031, designer 0x41 (ARM); PrimeCell cell ID 0xb105f00d. */
	test_check((id & 0xfffff) == 0x41031 && (id >> 32) == 0xb105f00dU, "RTC is a PL031",
		   "id=0x%lx", id);
	id = primecell_id(GPIO_BASE);
	test_fact("gpio_id=0x%016lx", id);
	test_check((id & 0xfffff) == 0x41061 && (id >> 32) == 0xb105f00dU, "GPIO is a PL061",
		   "id=0x%lx", id);

	if (!(mmio_read32(RTC_BASE + RTCCR) & 1))
		mmio_write32(RTC_BASE + RTCCR, 1);
	t0 = mmio_read32(RTC_BASE + RTCDR);
	test_fact("time=%u", t0);
	test_check(t0 > EPOCH_2020 && t0 < EPOCH_2100, "RTC time after 2020-01-01", "RTCDR=%u", t0);

	/* The host clock ticks within a second; allow five of guest time. */
	end = timer_now() + 5 * freq;
	do {
		t1 = mmio_read32(RTC_BASE + RTCDR);
	} while (t1 == t0 && timer_now() < end);
	test_fact("time_next=%u", t1);
	test_check(t1 > t0 && t1 - t0 <= 2, "RTC time advances", "%u -> %u", t0, t1);

	/* Match interrupt two seconds ahead, through the HW-linked pass-through SPI. */
	gic_set_handler(RTC_INTID, rtc_irq);
	gic_route_spi(RTC_INTID, kit_cpu_id());
	gic_enable(RTC_INTID);
	mmio_write32(RTC_BASE + RTCICR, 1);
	match = mmio_read32(RTC_BASE + RTCDR) + 2;
	mmio_write32(RTC_BASE + RTCMR, match);
	mmio_write32(RTC_BASE + RTCIMSC, 1);
	end = timer_now() + 10 * freq;
	kit_irq_on();
	while (!irqs && timer_now() < end)
		;
	/* Give a wrongly re-asserted level a moment to fire again. */
	timer_delay(freq / 10);
	kit_irq_off();
	mmio_write32(RTC_BASE + RTCIMSC, 0);
	gic_disable(RTC_INTID);
	test_fact("irqs=%u match=%u time_at_irq=%u mis=0x%x", irqs, match, time_at_irq, mis_seen);
	test_check(irqs == 1, "one RTC match interrupt", "got %u", irqs);
	test_check(irqs && (mis_seen & 1) && time_at_irq >= match, "interrupt on the match",
		   "mis=0x%x time=%u match=%u", mis_seen, time_at_irq, match);
	test_check((mmio_read32(RTC_BASE + RTCRIS) & 1) == 0, "interrupt cleared at the device",
		   "RTCRIS=0x%x", mmio_read32(RTC_BASE + RTCRIS));
}

static void absent(const void *dtb)
{
	u64 base, size, esr = 0;
	u32 v = 0;

	test_check(!dev_reg(dtb, "/rtc", &base, &size) && !dev_reg(dtb, "/gpio", &base, &size),
		   "no RTC or GPIO in the DTB", "found one");
	test_check(!kit_probe_read(RTC_BASE + RTCDR, &v, &esr) && ESR_EC(esr) == EC_DABT_CUR,
		   "RTC window aborts", "read 0x%x esr=0x%lx", v, esr);
	esr = 0;
	test_check(!kit_probe_read(GPIO_BASE, &v, &esr) && ESR_EC(esr) == EC_DABT_CUR,
		   "GPIO window aborts", "read 0x%x esr=0x%lx", v, esr);
}

int main(u64 dtb)
{
	const void *d = (const void *)(uintptr_t)dtb;
	bool is_absent;

	test_begin("rtc");
	if (!test_check(dtb && dt_valid(d), "DTB in x0", "x0=0x%lx", dtb))
		test_done();
	is_absent = kit_strstr(dt_bootargs(d), "role=absent") != NULL;
	test_fact("role=%s", is_absent ? "absent" : "owner");
	if (is_absent)
		absent(d);
	else
		owner(d);
	test_done();
}
