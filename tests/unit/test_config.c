/* SPDX-License-Identifier: MIT */
/* config_parse / config_platform / config_vm_layout on config DTBs built with the fdt writer. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "config.h"
#include "fdt.h"
#include "layout.h"
#include "lib.h"
#include "platform.h"

static u8 blob[16384];
static struct config cfg;
static struct config_error err;
static struct platform plat;

static void begin(struct fdtw *w, const char *compat)
{
	fdtw_init(w, blob, sizeof(blob));
	fdtw_begin_node(w, "");
	fdtw_prop_str(w, "compatible", compat);
	fdtw_begin_node(w, "vms");
}

static u32 finish(struct fdtw *w)
{
	u32 size = 0;

	fdtw_end_node(w); /* vms */
	fdtw_end_node(w); /* root */
	CHECK_EQ(fdtw_finish(w, &size), 0);
	return size;
}

/* Opens a VM node with the three required properties; the caller closes it. */
static void vm_open(struct fdtw *w, const char *name, u32 cpu, u64 base, u64 size)
{
	u64 mem[2] = {base, size};

	fdtw_begin_node(w, name);
	fdtw_prop_cells(w, "cpus", &cpu, 1);
	fdtw_prop_reg64(w, "memory", mem, 1);
	fdtw_prop_str(w, "image", "img.bin");
}

static void vm_simple(struct fdtw *w, const char *name, u32 cpu, u64 base)
{
	vm_open(w, name, cpu, base, 0x1000000);
	fdtw_end_node(w);
}

static void dev_node(struct fdtw *w, const char *name, u64 base, u64 size, const u32 *irqs, u32 n)
{
	u64 reg[2] = {base, size};

	fdtw_begin_node(w, name);
	fdtw_prop_reg64(w, "reg", reg, 1);
	if (n) {
		fdtw_prop_cells(w, "interrupts", irqs, n);
	}
	fdtw_end_node(w);
}

static void test_valid(void)
{
	struct fdtw w;
	u64 mem[4] = {0x50000000, 0x200000, 0x54000000, 0x400000};
	u32 cpus[2] = {2, 1}, irqs[2] = {40, 41};
	u64 reg[2] = {0x0a000000, 0x1000}, flash[2] = {0x4c000000, 0x2000000};
	u32 size;

	begin(&w, "tessera,config-v1");
	vm_open(&w, "alpha", 0, 0x48000000, 0x4000000);
	fdtw_prop_empty(&w, "virt-layout");
	fdtw_prop_str(&w, "bootargs", "console=ttyAMA0");
	fdtw_prop_str(&w, "image-format", "raw");
	fdtw_prop_u64(&w, "load-address", 0x40080000);
	fdtw_prop_reg64(&w, "flash", flash, 1);
	fdtw_prop_str(&w, "u-boot-bootcmd", "booti 0x44000000 0x46200000:0x1000 ${fdtcontroladdr}");
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "beta");
	fdtw_prop_cells(&w, "cpus", cpus, 2);
	fdtw_prop_reg64(&w, "memory", mem, 2);
	fdtw_prop_str(&w, "image", "beta.elf");
	fdtw_prop_str(&w, "initrd", "rd.cpio");
	fdtw_begin_node(&w, "device@a000000");
	fdtw_prop_reg64(&w, "reg", reg, 1);
	fdtw_prop_cells(&w, "interrupts", irqs, 2);
	fdtw_prop(&w, "compatible", "a,b\0c", 6);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	size = finish(&w);

	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), 0);
	CHECK_EQ(cfg.vm_count, 2);
	CHECK(strcmp(cfg.vms[0].name, "alpha") == 0);
	CHECK_EQ(cfg.vms[0].vcpu_count, 1);
	CHECK(cfg.vms[0].virt_layout);
	CHECK_EQ(cfg.vms[0].mem[0].phys, 0x48000000);
	CHECK_EQ(cfg.vms[0].mem[0].ipa, GUEST_VIRT_RAM_BASE);
	CHECK_EQ(cfg.vms[0].image_format, IMAGE_RAW);
	CHECK(cfg.vms[0].has_load_addr && cfg.vms[0].load_addr == 0x40080000);
	CHECK(!cfg.vms[0].has_entry);
	CHECK(cfg.vms[0].has_flash);
	CHECK_EQ(cfg.vms[0].flash.phys, 0x4c000000);
	CHECK_EQ(cfg.vms[0].flash.size, 0x2000000);
	CHECK_EQ(cfg.vms[0].flash.ipa, 0);
	CHECK(!cfg.vms[1].has_flash);
	CHECK(strcmp(cfg.vms[0].bootargs, "console=ttyAMA0") == 0);
	CHECK(strcmp(cfg.vms[0].uboot_bootcmd,
		     "booti 0x44000000 0x46200000:0x1000 ${fdtcontroladdr}") == 0);
	CHECK_EQ(cfg.vms[1].uboot_bootcmd[0], '\0');
	CHECK(strcmp(cfg.vms[1].name, "beta") == 0);
	CHECK_EQ(cfg.vms[1].vcpu_count, 2);
	CHECK_EQ(cfg.vms[1].cpus[0], 2);
	CHECK_EQ(cfg.vms[1].cpus[1], 1);
	CHECK_EQ(cfg.vms[1].mem_count, 2);
	CHECK_EQ(cfg.vms[1].mem[1].ipa, 0x54000000); /* identity without virt-layout */
	CHECK(strcmp(cfg.vms[1].image, "beta.elf") == 0);
	CHECK(strcmp(cfg.vms[1].initrd, "rd.cpio") == 0);
	CHECK_EQ(cfg.vms[1].dev_count, 1);
	CHECK(strcmp(cfg.vms[1].devs[0].name, "device@a000000") == 0);
	CHECK_EQ(cfg.vms[1].devs[0].base, 0x0a000000);
	CHECK_EQ(cfg.vms[1].devs[0].irq_count, 2);
	CHECK_EQ(cfg.vms[1].devs[0].irqs[1], 41);
	CHECK_EQ(cfg.vms[1].devs[0].compatible_len, 6);
	CHECK(memcmp(cfg.vms[1].devs[0].compatible, "a,b\0c", 6) == 0);
}

struct bad_case {
	const char *what;
	void (*build)(struct fdtw *w);
	const char *node, *prop, *frag;
};

static void b_unknown_cpu(struct fdtw *w)
{
	vm_simple(w, "alpha", 9, 0x48000000);
}

static void b_cpu_twice(struct fdtw *w)
{
	vm_simple(w, "alpha", 1, 0x48000000);
	vm_simple(w, "beta", 1, 0x50000000);
}

static void b_cpu_twice_same(struct fdtw *w)
{
	u32 c[2] = {3, 3};
	u64 m[2] = {0x50000000, 0x100000};
	vm_simple(w, "alpha", 0, 0x48000000);
	fdtw_begin_node(w, "beta");
	fdtw_prop_cells(w, "cpus", c, 2);
	fdtw_prop_reg64(w, "memory", m, 1);
	fdtw_prop_str(w, "image", "x");
	fdtw_end_node(w);
}

static void b_outside_ram(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x7ff00000, 0x200000);
	fdtw_end_node(w);
}

static void b_unaligned(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1800);
	fdtw_end_node(w);
}

static void b_wraps(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0xfffffffffffff000ULL, 0x2000);
	fdtw_end_node(w);
}

static void b_overlap_vms(struct fdtw *w)
{
	vm_simple(w, "alpha", 0, 0x48000000);
	vm_simple(w, "beta", 1, 0x48fff000);
}

static void b_overlap_hyp(struct fdtw *w)
{
	vm_simple(w, "alpha", 0, 0x40000000);
}

static void b_dev_twice(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@a000000", 0xa000000, 0x1000, NULL, 0);
	fdtw_end_node(w);
	vm_open(w, "beta", 1, 0x50000000, 0x1000000);
	dev_node(w, "device@a000000", 0xa000000, 0x1000, NULL, 0);
	fdtw_end_node(w);
}

static void b_irq_twice(struct fdtw *w)
{
	u32 a = 50, b[2] = {51, 50};
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@a000000", 0xa000000, 0x1000, &a, 1);
	fdtw_end_node(w);
	vm_open(w, "beta", 1, 0x50000000, 0x1000000);
	dev_node(w, "device@a001000", 0xa001000, 0x1000, b, 2);
	fdtw_end_node(w);
}

static void b_irq_uart(struct fdtw *w)
{
	u32 a = 33;
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@a000000", 0xa000000, 0x1000, &a, 1);
	fdtw_end_node(w);
}

static void b_irq_ppi(struct fdtw *w)
{
	u32 a = 27;
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@a000000", 0xa000000, 0x1000, &a, 1);
	fdtw_end_node(w);
}

static void b_dev_uart(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@9000000", 0x9000000, 0x1000, NULL, 0);
	fdtw_end_node(w);
}

static void b_dev_gic(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@8010000", 0x8010000, 0x100000, NULL, 0);
	fdtw_end_node(w);
}

static void b_dev_ram(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@60000000", 0x60000000, 0x1000, NULL, 0);
	fdtw_end_node(w);
}

static void b_dup_name(struct fdtw *w)
{
	vm_simple(w, "web", 0, 0x48000000);
	vm_simple(w, "WEB", 1, 0x50000000);
}

static void b_long_name(struct fdtw *w)
{
	vm_simple(w, "abcdefghijklmnopqrstuvwxyz012345", 0, 0x48000000); /* 32 chars */
}

static void b_missing_memory(struct fdtw *w)
{
	u32 c = 0;
	fdtw_begin_node(w, "alpha");
	fdtw_prop_cells(w, "cpus", &c, 1);
	fdtw_prop_str(w, "image", "x");
	fdtw_end_node(w);
}

static void b_missing_image(struct fdtw *w)
{
	u32 c = 0;
	u64 m[2] = {0x48000000, 0x100000};
	fdtw_begin_node(w, "alpha");
	fdtw_prop_cells(w, "cpus", &c, 1);
	fdtw_prop_reg64(w, "memory", m, 1);
	fdtw_end_node(w);
}

static void b_wrong_size(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_u32(w, "entry", 0x48000000);
	fdtw_end_node(w);
}

static void b_unterminated(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop(w, "bootargs", "abc", 3);
	fdtw_end_node(w);
}

static void b_unknown_prop(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_u32(w, "cpu", 1);
	fdtw_end_node(w);
}

static void b_dup_prop(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_str(w, "image", "again");
	fdtw_end_node(w);
}

static void b_too_many_vms(struct fdtw *w)
{
	char name[8];
	for (u32 i = 0; i < 9; i++) {
		snprintf(name, sizeof(name), "vm%u", i);
		vm_simple(w, name, i, 0x48000000 + i * 0x1000000ULL);
	}
}

static void b_too_many_vcpus(struct fdtw *w)
{
	u32 c[9] = {0, 1, 2, 3, 4, 5, 6, 7, 0};
	fdtw_begin_node(w, "alpha");
	fdtw_prop_cells(w, "cpus", c, 9);
	fdtw_end_node(w);
}

static void b_too_many_regions(struct fdtw *w)
{
	u64 m[10];
	for (u32 i = 0; i < 5; i++) {
		m[2 * i] = 0x48000000 + i * 0x200000ULL;
		m[2 * i + 1] = 0x200000;
	}
	fdtw_begin_node(w, "alpha");
	fdtw_prop_reg64(w, "memory", m, 5);
	fdtw_end_node(w);
}

static void b_bootcmd_empty(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_str(w, "u-boot-bootcmd", "");
	fdtw_end_node(w);
}

static void b_bootcmd_newline(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_str(w, "u-boot-bootcmd", "echo a\nreset");
	fdtw_end_node(w);
}

static void b_bootcmd_utf8(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_str(w, "u-boot-bootcmd", "echo \xc3\xa9");
	fdtw_end_node(w);
}

static void b_bootcmd_list(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop(w, "u-boot-bootcmd", "boot\0reset", 11);
	fdtw_end_node(w);
}

static void b_bootcmd_long(struct fdtw *w)
{
	char cmd[CONFIG_BOOTCMD_MAX + 1];

	memset(cmd, 'x', sizeof(cmd) - 1);
	cmd[sizeof(cmd) - 1] = '\0';
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	fdtw_prop_str(w, "u-boot-bootcmd", cmd);
	fdtw_end_node(w);
}

static void b_none(struct fdtw *w)
{
	(void)w;
}

static void b_dev_its(struct fdtw *w)
{
	vm_open(w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(w, "device@8080000", 0x8080000, 0x1000, NULL, 0);
	fdtw_end_node(w);
}

static const struct bad_case bad_cases[] = {
    {"unknown cpu", b_unknown_cpu, "/vms/alpha", "cpus", "CPU 9 does not exist"},
    {"cpu twice", b_cpu_twice, "/vms/beta", "cpus", "CPU 1 already used by VM alpha"},
    {"cpu twice same vm", b_cpu_twice_same, "/vms/beta", "cpus", "CPU 3 given twice"},
    {"outside ram", b_outside_ram, "/vms/alpha", "memory", "outside platform RAM"},
    {"unaligned", b_unaligned, "/vms/alpha", "memory", "not 4 KiB aligned"},
    {"wraps", b_wraps, "/vms/alpha", "memory", "wraps"},
    {"overlap vms", b_overlap_vms, "/vms/beta", "memory", "overlaps memory of VM alpha"},
    {"overlap hyp", b_overlap_hyp, "/vms/alpha", "memory",
     "region 0x40000000+0x1000000 overlaps the hypervisor range 0x40000000..0x41000000 "
     "(" LAYOUT_HYP_RANGE_HOLDS ")"},
    {"dev twice", b_dev_twice, "/vms/beta/device@a000000", "reg", "already given to VM alpha"},
    {"irq twice", b_irq_twice, "/vms/beta/device@a001000", "interrupts",
     "IRQ 50 already given to VM alpha"},
    {"irq uart", b_irq_uart, "/vms/alpha/device@a000000", "interrupts", "UART interrupt"},
    {"irq ppi", b_irq_ppi, "/vms/alpha/device@a000000", "interrupts", "not an SPI"},
    {"dev uart", b_dev_uart, "/vms/alpha/device@9000000", "reg", "hypervisor's UART"},
    {"dev gic", b_dev_gic, "/vms/alpha/device@8010000", "reg", "hypervisor's GIC"},
    {"dev ram", b_dev_ram, "/vms/alpha/device@60000000", "reg", "overlaps RAM"},
    {"dev its", b_dev_its, "/vms/alpha/device@8080000", "reg",
     "0x8080000+0x1000 overlaps the hypervisor's GIC (frame 0x8080000..0x80a0000)"},
    {"dup name", b_dup_name, "/vms/WEB", "", "duplicate VM name"},
    {"long name", b_long_name, "/vms/abcdefghijklmnopqrstuvwxyz012345", "", "longer than 31"},
    {"missing memory", b_missing_memory, "/vms/alpha", "memory", "missing required property"},
    {"missing image", b_missing_image, "/vms/alpha", "image", "missing required property"},
    {"wrong size", b_wrong_size, "/vms/alpha", "entry", "expected 2 cells"},
    {"unterminated", b_unterminated, "/vms/alpha", "bootargs", "expected one string"},
    {"unknown prop", b_unknown_prop, "/vms/alpha", "cpu", "unknown property"},
    {"dup prop", b_dup_prop, "/vms/alpha", "image", "given twice"},
    {"too many vms", b_too_many_vms, "/vms/vm8", "", "too many VMs"},
    {"too many vcpus", b_too_many_vcpus, "/vms/alpha", "cpus", "too many vCPUs"},
    {"too many regions", b_too_many_regions, "/vms/alpha", "memory", "too many memory regions"},
    {"no vms", b_none, "/vms", "", "no VMs defined"},
    {"bootcmd empty", b_bootcmd_empty, "/vms/alpha", "u-boot-bootcmd", "empty boot command"},
    {"bootcmd newline", b_bootcmd_newline, "/vms/alpha", "u-boot-bootcmd",
     "character 0x0a at offset 6 is not printable ASCII"},
    {"bootcmd utf8", b_bootcmd_utf8, "/vms/alpha", "u-boot-bootcmd",
     "character 0xc3 at offset 5 is not printable ASCII"},
    {"bootcmd list", b_bootcmd_list, "/vms/alpha", "u-boot-bootcmd", "expected one string"},
    {"bootcmd long", b_bootcmd_long, "/vms/alpha", "u-boot-bootcmd",
     "string longer than 255 characters"},
};

static void test_bad_configs(void)
{
	struct platform big = plat;

	big.cpu_count = 8; /* so too-many-VMs is reached before a CPU clash */
	for (u32 i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *b = &bad_cases[i];
		struct fdtw w;
		u32 size;
		int rc;

		begin(&w, "tessera,config-v1");
		b->build(&w);
		size = finish(&w);
		memset(&cfg, 0xa5, sizeof(cfg));
		rc = config_parse(blob, size, &big, &cfg, &err);
		if (rc != -1 || strcmp(err.node, b->node) != 0 || strcmp(err.prop, b->prop) != 0 ||
		    !strstr(err.msg, b->frag)) {
			printf("  case '%s': rc %d node '%s' prop '%s' msg '%s'\n", b->what, rc,
			       err.node, err.prop, err.msg);
			check_failures++;
		}
		CHECK_EQ(cfg.vm_count, 0); /* nothing partial survives */
	}
}

static void test_root(void)
{
	struct fdtw w;
	u32 size;

	begin(&w, "tessera,config-v2");
	vm_simple(&w, "alpha", 0, 0x48000000);
	size = finish(&w);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), -1);
	CHECK(strcmp(err.node, "/") == 0 && strcmp(err.prop, "compatible") == 0);

	/* No /vms node at all. */
	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), -1);
	CHECK(strcmp(err.node, "/vms") == 0 && strstr(err.msg, "missing node"));

	/* Not a DTB, and a truncated one. */
	memset(blob, 0x5a, 256);
	CHECK_EQ(config_parse(blob, 256, &plat, &cfg, &err), -1);
	CHECK(strstr(err.msg, "not a valid DTB") != NULL);
	begin(&w, "tessera,config-v1");
	vm_simple(&w, "alpha", 0, 0x48000000);
	size = finish(&w);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), 0);
	CHECK_EQ(config_parse(blob, size - 8, &plat, &cfg, &err), -1);
	CHECK_EQ(cfg.vm_count, 0);
}

static void test_platform(void)
{
	struct fdtw w;
	struct platform p;
	u64 ram[4] = {0x40000000, 0x20000000, 0x80000000, 0x10000000};
	u32 size;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_begin_node(&w, "platform");
	fdtw_prop_reg64(&w, "memory", ram, 2);
	fdtw_prop_u32(&w, "cpus", 2);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	CHECK_EQ(config_platform(blob, size, &p, &err), 0);
	CHECK_EQ(p.cpu_count, 2);
	CHECK_EQ(p.ram_count, 2);
	CHECK_EQ(p.ram[1].base, 0x80000000);
	CHECK_EQ(p.uart_intid, 33);
	CHECK_EQ(p.hyp_end, LAYOUT_PACK_BASE);

	/* RAM that leaves out the hypervisor is refused. */
	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_begin_node(&w, "platform");
	fdtw_prop_reg64(&w, "memory", ram + 2, 1);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	CHECK_EQ(config_platform(blob, size, &p, &err), -1);
	CHECK(strstr(err.msg, "the hypervisor range 0x40000000..0x41000000 (" LAYOUT_HYP_RANGE_HOLDS
			      ")") != NULL);

	/* QEMU virt's GIC ITS is reserved with the GIC. */
	platform_default(&p);
	CHECK_EQ(p.irqchip_count, 3);
	CHECK_EQ(p.irqchip[2].base, 0x08080000);
	CHECK_EQ(p.irqchip[2].size, 0x20000);
}

/* A QEMU-virt-like platform DTB: RAM, 2 CPUs, a GICv3 with its extra reg entries and
 * its_count ITS children (reg in the GIC's own 2+2 cells), a PL011 on /chosen. */
static u32 platform_dtb(u32 extra_regs, u32 its_count)
{
	struct fdtw w;
	u64 mem[2] = {0x40000000, 0x40000000};
	u64 gic[2 * 6] = {0x08000000, 0x10000, 0x080a0000, 0xf60000, 0x08010000, 0x10000,
			  0x08030000, 0x10000, 0x08040000, 0x10000,  0x08050000, 0x10000};
	u64 uart[2] = {0x09000000, 0x1000};
	u32 uart_irq[3] = {0, 1, 4};
	char name[32];
	u32 size = 0;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_begin_node(&w, "chosen");
	fdtw_prop_str(&w, "stdout-path", "/pl011@9000000");
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "memory@40000000");
	fdtw_prop_str(&w, "device_type", "memory");
	fdtw_prop_reg64(&w, "reg", mem, 1);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "cpus");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 0);
	for (u32 i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		fdtw_begin_node(&w, name);
		fdtw_prop_str(&w, "device_type", "cpu");
		fdtw_prop_u32(&w, "reg", i);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "intc@8000000");
	fdtw_prop_str(&w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_empty(&w, "ranges");
	fdtw_prop_reg64(&w, "reg", gic, 2 + extra_regs);
	for (u32 i = 0; i < its_count; i++) {
		u64 its[2] = {0x08080000 + 0x20000ULL * i, 0x20000};

		snprintf(name, sizeof(name), "its@%llx", (unsigned long long)its[0]);
		fdtw_begin_node(&w, name);
		fdtw_prop_str(&w, "compatible", "arm,gic-v3-its");
		fdtw_prop_reg64(&w, "reg", its, 1);
		fdtw_end_node(&w);
	}
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "pl011@9000000");
	fdtw_prop(&w, "compatible", "arm,pl011\0arm,primecell", 23);
	fdtw_prop_reg64(&w, "reg", uart, 1);
	fdtw_prop_cells(&w, "interrupts", uart_irq, 3);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	return size;
}

/* The board's GIC frames beyond GICD and GICR (here an ITS and GICC/GICH/GICV) are
 * reserved; a GIC with more of them than the table holds fails closed. */
static void test_platform_dtb(void)
{
	struct platform p;
	const char *why = NULL;
	u32 size;

	size = platform_dtb(0, 1);
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), 0);
	CHECK_EQ(p.irqchip[0].base, 0x08000000);
	CHECK_EQ(p.irqchip[1].size, 0xf60000);
	CHECK_EQ(p.uart_intid, 33);
	CHECK_EQ(p.irqchip_count, 3);
	CHECK_EQ(p.irqchip[2].base, 0x08080000);
	CHECK_EQ(p.irqchip[2].size, 0x20000);

	size = platform_dtb(3, 2);
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), 0);
	CHECK_EQ(p.irqchip_count, 7);
	CHECK_EQ(p.irqchip[2].base, 0x08010000);
	CHECK_EQ(p.irqchip[4].base, 0x08040000);
	CHECK_EQ(p.irqchip[6].base, 0x080a0000);

	size =
	    platform_dtb(4, PLATFORM_MAX_IRQCHIP_FRAMES - 2 - 3); /* 9 frames besides GICD, GICR */
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), -1);
	CHECK(why && strstr(why, "GIC"));
}

/* A board read in one pass (platform.c plat_visit): boot options from /chosen/bootargs, the
 * PL011 named by stdout-path even when another comes first, and every virtio-mmio window in
 * document order with its parent's cells (one under a bus with 1-cell addresses). */
static u32 platform_dtb2(const char *bootargs, const char *stdout_path)
{
	struct fdtw w;
	u64 mem[2] = {0x40000000, 0x40000000};
	u64 gic[4] = {0x08000000, 0x10000, 0x080a0000, 0xf60000};
	u64 uart0[2] = {0x09040000, 0x1000}, uart1[2] = {0x09000000, 0x1000};
	u64 vio0[2] = {0x0a000000, 0x200};
	u32 vio1_reg[2] = {0x0a000200, 0x200};
	u32 irq0[3] = {0, 1, 4}, irq1[3] = {0, 8, 4}, virq0[3] = {0, 16, 1}, virq1[3] = {0, 17, 4};
	u32 size = 0;

	fdtw_init(&w, blob, sizeof(blob));
	fdtw_begin_node(&w, "");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_begin_node(&w, "memory@40000000");
	fdtw_prop_str(&w, "device_type", "memory");
	fdtw_prop_reg64(&w, "reg", mem, 1);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "virtio_mmio@a000000");
	fdtw_prop_str(&w, "compatible", "virtio,mmio");
	fdtw_prop_reg64(&w, "reg", vio0, 1);
	fdtw_prop_cells(&w, "interrupts", virq0, 3);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "soc");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 1);
	fdtw_begin_node(&w, "virtio_mmio@a000200");
	fdtw_prop_str(&w, "compatible", "virtio,mmio");
	fdtw_prop_cells(&w, "reg", vio1_reg, 2);
	fdtw_prop_cells(&w, "interrupts", virq1, 3);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "pl011@9040000");
	fdtw_prop_str(&w, "compatible", "arm,pl011");
	fdtw_prop_reg64(&w, "reg", uart0, 1);
	fdtw_prop_cells(&w, "interrupts", irq1, 3);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "pl011@9000000");
	fdtw_prop_str(&w, "compatible", "arm,pl011");
	fdtw_prop_reg64(&w, "reg", uart1, 1);
	fdtw_prop_cells(&w, "interrupts", irq0, 3);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "intc@8000000");
	fdtw_prop_str(&w, "compatible", "arm,gic-v3");
	fdtw_prop_reg64(&w, "reg", gic, 2);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "cpus");
	fdtw_prop_u32(&w, "#address-cells", 1);
	fdtw_prop_u32(&w, "#size-cells", 0);
	fdtw_begin_node(&w, "cpu@0");
	fdtw_prop_str(&w, "device_type", "cpu");
	fdtw_prop_u32(&w, "reg", 0);
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	fdtw_begin_node(&w, "chosen");
	if (bootargs) {
		fdtw_prop_str(&w, "bootargs", bootargs);
	}
	if (stdout_path) {
		fdtw_prop_str(&w, "stdout-path", stdout_path);
	}
	fdtw_end_node(&w);
	fdtw_end_node(&w);
	CHECK_EQ(fdtw_finish(&w, &size), 0);
	return size;
}

static void test_platform_walk(void)
{
	struct platform p;
	const char *why = NULL;
	u32 size;

	size = platform_dtb2("console=ttyAMA0 tessera.verbose", "/pl011@9000000:115200n8");
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), 0);
	CHECK(p.verbose);
	CHECK_EQ(p.ram_count, 1);
	CHECK_EQ(p.cpu_count, 1);
	CHECK_EQ(p.irqchip[0].base, 0x08000000);
	CHECK_EQ(p.uart_base, 0x09000000); /* the stdout-path one, not the first */
	CHECK_EQ(p.uart_intid, 33);
	CHECK_EQ(p.virtio_count, 2);
	CHECK_EQ(p.virtio[0].base, 0x0a000000);
	CHECK_EQ(p.virtio[0].size, 0x200);
	CHECK_EQ(p.virtio[0].intid, 48);
	CHECK(p.virtio[0].edge);
	CHECK_EQ(p.virtio[1].base, 0x0a000200); /* 1-cell reg under /soc */
	CHECK_EQ(p.virtio[1].size, 0x200);
	CHECK_EQ(p.virtio[1].intid, 49);
	CHECK(!p.virtio[1].edge);

	/* "tessera.verbose" only as a whole word; no stdout-path: the first PL011. */
	size = platform_dtb2("tessera.verbose=0 xtessera.verbose", NULL);
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), 0);
	CHECK(!p.verbose);
	CHECK_EQ(p.uart_base, 0x09040000);
	CHECK_EQ(p.uart_intid, 40);

	/* A stdout-path that names no node falls back to the first PL011 too. */
	size = platform_dtb2(NULL, "/serial@1234");
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), 0);
	CHECK(!p.verbose);
	CHECK_EQ(p.uart_base, 0x09040000);
	size = platform_dtb2(NULL, "/pl011@9000000");
	CHECK_EQ(platform_from_dtb(blob, size, &p, &why), 0);
	CHECK_EQ(p.uart_base, 0x09000000);
}

/* Pass-through reserves exactly what the VM has emulated and what the hypervisor owns. */
static void test_passthrough(void)
{
	struct platform other = plat;
	struct fdtw w;
	u32 size, rtc_irq = 34, gpio_irq = 39, irq33 = 33;
	u32 two[2] = {0, 1};

	/* QEMU virt's RTC and GPIO next to the emulated UART, in a 2-vCPU VM. */
	begin(&w, "tessera,config-v1");
	vm_open(&w, "alpha", 0, 0x48000000, 0x1000000);
	dev_node(&w, "rtc@9010000", 0x9010000, 0x1000, &rtc_irq, 1);
	dev_node(&w, "gpio@9030000", 0x9030000, 0x1000, &gpio_irq, 1);
	fdtw_end_node(&w);
	size = finish(&w);
	CHECK_EQ(config_parse(blob, size, &plat, &cfg, &err), 0);
	CHECK_EQ(cfg.vms[0].dev_count, 2);
	CHECK_EQ(cfg.vms[0].devs[0].base, 0x9010000);
	CHECK_EQ(cfg.vms[0].devs[0].irqs[0], 34);

	/* A board whose GIC and UART are elsewhere: the VM's own emulated windows remain. */
	other.irqchip[0].base = 0x2f000000;
	other.irqchip[1].base = 0x2f100000;
	other.irqchip[1].size = 0x100000;
	other.irqchip_count = 2;
	other.uart_base = 0x1c090000;
	other.uart_intid = 37;

	begin(&w, "tessera,config-v1");
	fdtw_begin_node(&w, "alpha");
	fdtw_prop_cells(&w, "cpus", two, 2);
	{
		u64 mem[2] = {0x48000000, 0x1000000};
		fdtw_prop_reg64(&w, "memory", mem, 1);
	}
	fdtw_prop_str(&w, "image", "img.bin");
	dev_node(&w, "dev@80e0000", 0x80e0000, 0x20000, NULL, 0); /* past 2 vCPUs' frames */
	dev_node(&w, "dev@8010000", 0x8010000, 0x10000, NULL, 0); /* between GICD and GICR */
	dev_node(&w, "dev@9001000", 0x9001000, 0x1000, NULL, 0);  /* right after the UART */
	fdtw_end_node(&w);
	size = finish(&w);
	CHECK_EQ(config_parse(blob, size, &other, &cfg, &err), 0);

	static const struct {
		u64 base, size;
		u32 irq;
		const char *frag;
	} bad[] = {
	    {0x80c0000, 0x20000, 0,
	     "0x80c0000+0x20000 overlaps the VM's emulated GIC redistributors "
	     "0x80a0000..0x80e0000"},
	    {0x8000000, 0x1000, 0,
	     "0x8000000+0x1000 overlaps the VM's emulated GIC distributor 0x8000000..0x8010000"},
	    {0x9000000, 0x1000, 0,
	     "0x9000000+0x1000 overlaps the VM's emulated UART "
	     "0x9000000..0x9001000"},
	    {0x2f000000, 0x1000, 0,
	     "overlaps the hypervisor's GIC (distributor "
	     "0x2f000000..0x2f010000)"},
	    {0x2f1ff000, 0x1000, 0,
	     "overlaps the hypervisor's GIC (redistributors "
	     "0x2f100000..0x2f200000)"},
	    {0x1c090000, 0x1000, 0, "is the hypervisor's UART (0x1c090000..0x1c091000)"},
	    {0xa000000, 0x1000, 33, "IRQ 33 is the interrupt of the VM's emulated UART"},
	    {0xa000000, 0x1000, 37, "IRQ 37 is the hypervisor's UART interrupt"},
	};
	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		char name[32];
		u64 mem[2] = {0x48000000, 0x1000000};

		snprintf(name, sizeof(name), "dev@%llx", (unsigned long long)bad[i].base);
		begin(&w, "tessera,config-v1");
		fdtw_begin_node(&w, "alpha");
		fdtw_prop_cells(&w, "cpus", two, 2);
		fdtw_prop_reg64(&w, "memory", mem, 1);
		fdtw_prop_str(&w, "image", "img.bin");
		irq33 = bad[i].irq;
		dev_node(&w, name, bad[i].base, bad[i].size, &irq33, bad[i].irq ? 1 : 0);
		fdtw_end_node(&w);
		size = finish(&w);
		if (config_parse(blob, size, &other, &cfg, &err) != -1 ||
		    strcmp(err.prop, bad[i].irq ? "interrupts" : "reg") != 0 ||
		    !strstr(err.msg, bad[i].frag)) {
			printf("  passthrough case %u: node '%s' prop '%s' msg '%s'\n", i, err.node,
			       err.prop, err.msg);
			check_failures++;
		}
	}
}

static void test_format_error(void)
{
	struct config_error e = {"/vms/alpha", "cpus", "CPU 9 does not exist"};
	char buf[256];

	config_format_error(buf, sizeof(buf), "demo.dts", &e);
	CHECK(strcmp(buf, "demo.dts: /vms/alpha: cpus: CPU 9 does not exist") == 0);
	e.prop[0] = '\0';
	config_format_error(buf, sizeof(buf), "demo.dts", &e);
	CHECK(strcmp(buf, "demo.dts: /vms/alpha: CPU 9 does not exist") == 0);
}

static struct vm_cfg layout_vm(void)
{
	struct vm_cfg vm;

	memset(&vm, 0, sizeof(vm));
	str_copy(vm.name, "alpha", sizeof(vm.name));
	vm.mem_count = 2;
	vm.mem[0] = (struct mem_cfg){.phys = 0x48000000, .ipa = 0x40000000, .size = 0x1000000};
	vm.mem[1] = (struct mem_cfg){.phys = 0x60000000, .ipa = 0x41000000, .size = 0x400000};
	return vm;
}

static void test_ipa_to_phys(void)
{
	struct vm_cfg vm = layout_vm();
	paddr_t pa = 0;

	CHECK(config_vm_ipa_to_phys(&vm, 0x40001000, 0x1000, &pa));
	CHECK_EQ(pa, 0x48001000);
	CHECK(config_vm_ipa_to_phys(&vm, 0x41000000, 0x400000, &pa));
	CHECK_EQ(pa, 0x60000000);
	/* Contiguous in the guest, not in host memory: refused. */
	CHECK(!config_vm_ipa_to_phys(&vm, 0x40fff000, 0x2000, &pa));
	CHECK(!config_vm_ipa_to_phys(&vm, 0x3ffff000, 0x1000, &pa));
	CHECK(!config_vm_ipa_to_phys(&vm, 0xfffffffffffff000ULL, 0x2000, &pa));

	/* Boot flash: its own region at guest-physical 0, refused when absent. */
	CHECK(!config_vm_ipa_to_phys(&vm, 0, 0x1000, &pa));
	vm.has_flash = true;
	vm.flash = (struct mem_cfg){.phys = 0x50000000, .ipa = 0, .size = 0x200000};
	CHECK(config_vm_ipa_to_phys(&vm, 0x1000, 0x1000, &pa));
	CHECK_EQ(pa, 0x50001000);
	CHECK(!config_vm_ipa_to_phys(&vm, 0x1ff000, 0x2000, &pa));
	CHECK(config_vm_ipa_to_phys(&vm, 0x40001000, 0x1000, &pa));
	CHECK_EQ(pa, 0x48001000);
}

static void test_layout(void)
{
	struct vm_cfg vm = layout_vm();
	struct vm_layout l;
	static u8 img[0x3000];

	/* Raw at RAM base; DTB in the top 64 KiB of the highest region; initrd below it. */
	str_copy(vm.initrd, "rd", sizeof(vm.initrd));
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x1800, &l, &err), 0);
	CHECK_EQ(l.kernel.fmt, IMAGE_RAW);
	CHECK_EQ(l.entry, 0x40000000);
	CHECK_EQ(l.dtb_ipa, 0x41400000 - VM_DTB_MAX);
	CHECK_EQ(l.dtb_max, VM_DTB_MAX);
	CHECK_EQ(l.initrd_ipa, 0x41400000 - VM_DTB_MAX - 0x2000);
	CHECK_EQ(l.initrd_size, 0x1800);

	/* Kernel past the end of RAM. */
	vm.has_load_addr = true;
	vm.load_addr = 0x40fff000;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x1000, &l, &err), -1);
	CHECK(strcmp(err.node, "/vms/alpha") == 0 && strcmp(err.prop, "image") == 0);
	CHECK(strstr(err.msg, "does not fit") != NULL);

	/* Initrd placed over the kernel. */
	vm.load_addr = 0x40000000;
	vm.has_initrd_addr = true;
	vm.initrd_addr = 0x40002000;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x1000, &l, &err), -1);
	CHECK(strcmp(err.prop, "initrd") == 0 && strstr(err.msg, "initrd does not fit"));

	/* Initrd too large for its region. */
	vm.initrd_addr = 0x41000000;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x400001, &l, &err), -1);
	CHECK(strstr(err.msg, "initrd does not fit") != NULL);
	/* Fits the region, but runs into the default DTB area at its top. */
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x400000, &l, &err), -1);
	CHECK(strstr(err.msg, "overlaps the DTB") != NULL);

	/* DTB: misaligned, and over the kernel. */
	vm.has_initrd_addr = false;
	vm.has_dtb_addr = true;
	vm.dtb_addr = 0x40800004;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x1000, &l, &err), -1);
	CHECK(strcmp(err.prop, "dtb-address") == 0 && strstr(err.msg, "8-byte"));
	vm.dtb_addr = 0x40001000;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x1000, &l, &err), -1);
	CHECK(strstr(err.msg, "overlaps the kernel") != NULL);
	vm.dtb_addr = 0x40800000;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0x1000, &l, &err), 0);
	CHECK_EQ(l.dtb_ipa, 0x40800000);
	CHECK_EQ(l.initrd_ipa, 0x407ff000);

	/* Firmware in the boot flash: raw at 0, DTB at the base of RAM (U-Boot on QEMU virt). */
	vm.initrd[0] = '\0';
	vm.has_dtb_addr = true;
	vm.dtb_addr = 0x40000000;
	vm.has_load_addr = true;
	vm.load_addr = 0;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0, &l, &err), -1);
	CHECK(strstr(err.msg, "does not fit") != NULL);
	vm.has_flash = true;
	vm.flash = (struct mem_cfg){.phys = 0x50000000, .ipa = 0, .size = 0x200000};
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0, &l, &err), 0);
	CHECK_EQ(l.entry, 0);
	CHECK_EQ(l.dtb_ipa, 0x40000000);
	vm.load_addr = 0x1ff000; /* runs past the end of the flash */
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0, &l, &err), -1);
	vm.has_flash = false;
	vm.has_dtb_addr = false;

	/* A format the bytes do not match. */
	vm.image_format = IMAGE_ELF;
	vm.has_load_addr = false;
	CHECK_EQ(config_vm_layout(&vm, img, sizeof(img), 0, &l, &err), -1);
	CHECK(strstr(err.msg, "not an ELF") != NULL);
}

int main(void)
{
	platform_default(&plat);
	RUN(test_valid);
	RUN(test_bad_configs);
	RUN(test_root);
	RUN(test_platform);
	RUN(test_platform_dtb);
	RUN(test_platform_walk);
	RUN(test_passthrough);
	RUN(test_format_error);
	RUN(test_ipa_to_phys);
	RUN(test_layout);
	CHECK_MAIN_END();
}
