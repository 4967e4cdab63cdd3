/* SPDX-License-Identifier: MIT */
/* /channels parsing and validation (src/core/config_chan.c) on config DTBs built with the fdt
 * writer: a valid config, and one mutation per rule that must fail where it says. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "fdt.h"
#include "lib.h"

static u8 blob[16384];
static struct config cfg;
static struct config_error err;
static struct platform plat;

/* One end as the tests describe it; name NULL ends the list. */
struct end_spec {
	const char *vm;
	u64 ipa;
	const char *access;
	u32 intid;
	const char *extra; /* an extra (unknown) property, or NULL */
};

struct chan_spec {
	const char *name;
	u64 phys, size;
	struct end_spec ends[5];
};

static void vm_node(struct fdtw *w, const char *name, u32 cpu, u64 base, bool dev)
{
	u64 mem[2] = {base, 0x1000000};

	fdtw_begin_node(w, name);
	fdtw_prop_cells(w, "cpus", &cpu, 1);
	fdtw_prop_reg64(w, "memory", mem, 1);
	fdtw_prop_str(w, "image", "img.bin");
	if (dev) {
		u64 reg[2] = {0x0a000000, 0x1000};
		u32 irq = 48;
		fdtw_begin_node(w, "device@a000000");
		fdtw_prop_reg64(w, "reg", reg, 1);
		fdtw_prop_cells(w, "interrupts", &irq, 1);
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

/* VMs alpha (CPU 0, RAM 0x4800_0000, device@a000000 with IRQ 48), beta (CPU 1, RAM
 * 0x5000_0000), gamma (CPU 2, RAM 0x5200_0000), then the given channels. */
static u32 build(const struct chan_spec *chans, u32 n)
{
	struct fdtw w;
	u32 size = 0;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_begin_node(&w, "vms");
	vm_node(&w, "alpha", 0, 0x48000000, true);
	vm_node(&w, "beta", 1, 0x50000000, false);
	vm_node(&w, "gamma", 2, 0x52000000, false);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "channels");
	for (u32 c = 0; c < n; c++) {
		u64 mem[2] = {chans[c].phys, chans[c].size};

		fdtw_begin_node(&w, chans[c].name);
		fdtw_prop_reg64(&w, "memory", mem, 1);
		for (const struct end_spec *e = chans[c].ends; e->vm; e++) {
			fdtw_begin_node(&w, e->vm);
			fdtw_prop_u64(&w, "address", e->ipa);
			fdtw_prop_str(&w, "access", e->access);
			fdtw_prop_cells(&w, "interrupt", &e->intid, 1);
			if (e->extra) {
				fdtw_prop_str(&w, e->extra, "x");
			}
			fdtw_end_node(&w);
		}
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	return size;
}

static const struct chan_spec good[2] = {
    {"ping",
     0x5f000000,
     0x10000,
     {{"alpha", 0x60000000, "rw", 40, NULL}, {"beta", 0x60000000, "ro", 41, NULL}}},
    {"pong",
     0x5f010000,
     0x2000,
     {{"beta", 0x61000000, "rw", 42, NULL},
      {"alpha", 0x61000000, "rw", 42, NULL},
      {"gamma", 0x40000000, "ro", 50, NULL}}},
};

static void test_valid(void)
{
	u32 size = build(good, 2);

	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), 0);
	if (err.msg[0]) {
		printf("  unexpected error: %s: %s: %s\n", err.node, err.prop, err.msg);
	}
	CHECK_EQ(cfg.chan_count, 2);
	CHECK(strcmp(cfg.chans[0].name, "ping") == 0);
	CHECK_EQ(cfg.chans[0].phys, 0x5f000000);
	CHECK_EQ(cfg.chans[0].size, 0x10000);
	CHECK_EQ(cfg.chans[0].end_count, 2);
	CHECK_EQ(cfg.chans[0].ends[0].vm, 0);
	CHECK_EQ(cfg.chans[0].ends[0].ipa, 0x60000000);
	CHECK(!cfg.chans[0].ends[0].ro);
	CHECK_EQ(cfg.chans[0].ends[0].intid, 40);
	CHECK_EQ(cfg.chans[0].ends[1].vm, 1);
	CHECK(cfg.chans[0].ends[1].ro);
	CHECK_EQ(cfg.chans[1].end_count, 3);
	CHECK_EQ(cfg.chans[1].ends[0].vm, 1); /* ends keep document order */
	CHECK_EQ(cfg.chans[1].ends[2].vm, 2);
	CHECK_EQ(cfg.chans[1].ends[2].ipa, 0x40000000); /* gamma's RAM is at 0x5200_0000 */

	/* No /channels: zero channels. */
	size = build(good, 0);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), 0);
	CHECK_EQ(cfg.chan_count, 0);
}

struct bad {
	const char *what;
	void (*mutate)(struct chan_spec *c); /* c[0], c[1] start as 'good' */
	const char *node, *prop, *frag;
};

static void m_unknown_vm(struct chan_spec *c)
{
	c[0].ends[1].vm = "delta";
}
static void m_vm_twice(struct chan_spec *c)
{
	c[0].ends[1].vm = "ALPHA";
}
static void m_one_end(struct chan_spec *c)
{
	c[0].ends[1].vm = NULL;
}
static void m_five_ends(struct chan_spec *c)
{
	c[1].ends[3] = (struct end_spec){"beta", 0x62000000, "rw", 60, NULL};
}
static void m_size0(struct chan_spec *c)
{
	c[0].size = 0;
}
static void m_unaligned(struct chan_spec *c)
{
	c[0].size = 0x1800;
}
static void m_outside(struct chan_spec *c)
{
	c[0].phys = 0x80000000;
}
static void m_hyp(struct chan_spec *c)
{
	c[0].phys = 0x40200000;
}
static void m_vm_ram(struct chan_spec *c)
{
	c[0].phys = 0x48ff0000;
}
static void m_chan_mem(struct chan_spec *c)
{
	c[1].phys = 0x5f00f000;
}
static void m_win_ram(struct chan_spec *c)
{
	c[0].ends[0].ipa = 0x48ff0000;
}
static void m_win_dev(struct chan_spec *c)
{
	c[0].ends[0].ipa = 0x09ff8000;
}
static void m_win_devwin(struct chan_spec *c)
{
	c[0].ends[1].ipa = 0x08000000;
}
static void m_win_chan(struct chan_spec *c)
{
	c[1].ends[1].ipa = 0x6000f000; /* alpha's ping window ends at 0x6001_0000 */
}
static void m_win_unaligned(struct chan_spec *c)
{
	c[0].ends[0].ipa = 0x60000010;
}
static void m_win_huge(struct chan_spec *c)
{
	c[0].ends[0].ipa = 0x7ffffff000ULL;
}
static void m_irq_sgi(struct chan_spec *c)
{
	c[0].ends[0].intid = 15;
}
static void m_irq_big(struct chan_spec *c)
{
	c[0].ends[0].intid = 288;
}
static void m_irq_uart(struct chan_spec *c)
{
	c[0].ends[1].intid = 33;
}
static void m_irq_pt(struct chan_spec *c)
{
	c[0].ends[0].intid = 48;
}
static void m_irq_chan(struct chan_spec *c)
{
	c[1].ends[0].intid = 41; /* beta already uses 41 for ping */
}
static void m_access(struct chan_spec *c)
{
	c[0].ends[0].access = "rwx";
}
static void m_unknown_prop(struct chan_spec *c)
{
	c[0].ends[1].extra = "irq";
}
static void m_chan_name(struct chan_spec *c)
{
	c[0].name = "ping@5f000000";
}

static const struct bad bads[] = {
    {"unknown VM", m_unknown_vm, "/channels/ping/delta", "", "no VM named \"delta\""},
    {"VM twice", m_vm_twice, "/channels/ping/ALPHA", "", "already an end of this channel"},
    {"one end", m_one_end, "/channels/ping", "", "needs 2 to 4 ends, found 1"},
    {"VM twice as a 4th end", m_five_ends, "/channels/pong/beta", "", "VM beta is already an end"},
    {"size 0", m_size0, "/channels/ping", "memory", "empty or wraps"},
    {"size unaligned", m_unaligned, "/channels/ping", "memory", "not 4 KiB aligned"},
    {"outside RAM", m_outside, "/channels/ping", "memory", "outside platform RAM"},
    {"hypervisor", m_hyp, "/channels/ping", "memory", "overlaps the hypervisor"},
    {"VM RAM", m_vm_ram, "/channels/ping", "memory", "overlaps memory of VM alpha"},
    {"channel memory", m_chan_mem, "/channels/pong", "memory",
     "overlaps the memory of channel ping"},
    {"window on RAM", m_win_ram, "/channels/ping/alpha", "address",
     "overlaps the guest RAM of VM alpha"},
    {"window on device", m_win_dev, "/channels/ping/alpha", "address",
     "overlaps device device@a000000 of VM alpha"},
    {"window in device window", m_win_devwin, "/channels/ping/beta", "address",
     "overlaps the emulated GIC distributor 0x8000000..0x8010000 of VM beta"},
    {"window on channel", m_win_chan, "/channels/pong/alpha", "address",
     "overlaps the window of channel ping in VM alpha"},
    {"window unaligned", m_win_unaligned, "/channels/ping/alpha", "address", "not 4 KiB aligned"},
    {"window beyond IPA", m_win_huge, "/channels/ping/alpha", "address", "39-bit"},
    {"IRQ an SGI", m_irq_sgi, "/channels/ping/alpha", "interrupt", "IRQ 15 is not an SPI"},
    {"IRQ past the SPIs", m_irq_big, "/channels/ping/alpha", "interrupt", "IRQ 288 is not an SPI"},
    {"IRQ UART", m_irq_uart, "/channels/ping/beta", "interrupt", "UART interrupt"},
    {"IRQ pass-through", m_irq_pt, "/channels/ping/alpha", "interrupt",
     "pass-through IRQ of device device@a000000"},
    {"IRQ twice in a VM", m_irq_chan, "/channels/pong/beta", "interrupt",
     "IRQ 41 already used by channel ping in VM beta"},
    {"bad access", m_access, "/channels/ping/alpha", "access", "expected \"rw\" or \"ro\""},
    {"unknown property", m_unknown_prop, "/channels/ping/beta", "irq", "unknown property"},
    {"channel unit address", m_chan_name, "/channels/ping@5f000000", "", "must be plain"},
};

static void test_bad(void)
{
	for (u32 i = 0; i < ARRAY_SIZE(bads); i++) {
		struct chan_spec c[2];
		u32 size;
		int rc;

		memcpy(c, good, sizeof(c));
		bads[i].mutate(c);
		size = build(c, 2);
		memset(&cfg, 0xa5, sizeof(cfg));
		rc = config_parse(blob, size, &plat, &cfg, &err);
		if (rc != -1 || strcmp(err.node, bads[i].node) != 0 ||
		    strcmp(err.prop, bads[i].prop) != 0 || !strstr(err.msg, bads[i].frag)) {
			printf("  case '%s': rc %d node '%s' prop '%s' msg '%s'\n", bads[i].what,
			       rc, err.node, err.prop, err.msg);
			check_failures++;
		}
		CHECK_EQ(cfg.chan_count, 0); /* nothing partial survives */
		CHECK_EQ(cfg.vm_count, 0);
	}
}

/* Properties of /channels itself, and a missing memory property. */
static void test_structure(void)
{
	struct fdtw w;
	u32 size = 0;
	u64 mem[2] = {0x48000000, 0x1000000};
	u32 cpu = 0;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_begin_node(&w, "vms");
	fdtw_begin_node(&w, "alpha");
	fdtw_prop_cells(&w, "cpus", &cpu, 1);
	fdtw_prop_reg64(&w, "memory", mem, 1);
	fdtw_prop_str(&w, "image", "img.bin");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "channels");
	fdtw_prop_u32(&w, "count", 1);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), -1);
	CHECK(strcmp(err.node, "/channels") == 0 && strcmp(err.prop, "count") == 0);

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_begin_node(&w, "vms");
	fdtw_begin_node(&w, "alpha");
	fdtw_prop_cells(&w, "cpus", &cpu, 1);
	fdtw_prop_reg64(&w, "memory", mem, 1);
	fdtw_prop_str(&w, "image", "img.bin");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "channels");
	fdtw_begin_node(&w, "ping");
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), -1);
	CHECK(strcmp(err.node, "/channels/ping") == 0 && strcmp(err.prop, "memory") == 0 &&
	      strstr(err.msg, "missing required property"));
}

int main(void)
{
	platform_default(&plat);
	plat.hyp_end = 0x41400000;
	RUN(test_valid);
	RUN(test_bad);
	RUN(test_structure);
	CHECK_MAIN_END();
}
