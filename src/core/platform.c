/* SPDX-License-Identifier: MIT */
/*
 * Platform discovery from the DTB the firmware (QEMU) hands over. Nothing
 * about the board is hard-coded except where it is looked for: memory nodes,
 * /cpus, the "arm,gic-v3" node and the PL011 named by /chosen/stdout-path.
 */
#include "platform.h"
#include "fdt.h"
#include "layout.h"
#include "lib.h"

static int read_memory(const struct fdt *f, struct platform *p, u32 ac, u32 sc)
{
	int root = fdt_root(f);

	p->ram_count = 0;
	for (int n = fdt_first_child(f, root); n >= 0; n = fdt_next_sibling(f, n)) {
		const char *type = fdt_prop_str(f, n, "device_type");

		if (!type || strcmp(type, "memory") != 0) {
			continue;
		}
		for (u32 i = 0; p->ram_count < CONFIG_MAX_RAM; i++) {
			u64 base, size;

			if (!fdt_reg(f, n, ac, sc, i, &base, &size)) {
				break;
			}
			if (size) {
				p->ram[p->ram_count].base = base;
				p->ram[p->ram_count].size = size;
				p->ram_count++;
			}
		}
	}
	return p->ram_count ? 0 : -1;
}

static int read_cpus(const struct fdt *f, struct platform *p)
{
	int cpus = fdt_path(f, "/cpus");
	u32 ac;

	if (cpus < 0) {
		return -1;
	}
	ac = fdt_address_cells(f, cpus);
	p->cpu_count = 0;
	for (int n = fdt_first_child(f, cpus); n >= 0; n = fdt_next_sibling(f, n)) {
		const char *type = fdt_prop_str(f, n, "device_type");
		const u8 *reg;
		u32 len = 0;

		if (!type || strcmp(type, "cpu") != 0 || p->cpu_count >= CONFIG_MAX_PCPUS) {
			continue;
		}
		reg = fdt_getprop(f, n, "reg", &len);
		if (!reg || (ac != 1 && ac != 2) || len < ac * 4) {
			return -1;
		}
		p->cpu_mpidr[p->cpu_count++] = ac == 1 ? be32_load(reg) : be64_load(reg);
	}
	return p->cpu_count ? 0 : -1;
}

static int read_uart(const struct fdt *f, struct platform *p, u32 ac, u32 sc)
{
	const char *path = NULL;
	int n = -1;
	u32 len;
	const u8 *irq;

	int chosen = fdt_path(f, "/chosen");
	if (chosen >= 0) {
		path = fdt_prop_str(f, chosen, "stdout-path");
	}
	if (path) {
		char buf[64];
		size_t i = 0;
		while (path[i] && path[i] != ':' && i + 1 < sizeof(buf)) {
			buf[i] = path[i];
			i++;
		}
		buf[i] = 0;
		n = fdt_path(f, buf);
	}
	if (n < 0 || !fdt_is_compatible(f, n, "arm,pl011")) {
		n = fdt_find_compatible(f, -1, "arm,pl011");
	}
	if (n < 0 || !fdt_reg(f, n, ac, sc, 0, &p->uart_base, &p->uart_size)) {
		return -1;
	}
	irq = fdt_getprop(f, n, "interrupts", &len);
	/* GIC binding: <type number flags>; type 0 = SPI (INTID 32 + n), 1 = PPI (16 + n). */
	if (irq && len >= 12) {
		u32 type = be32_load(irq), num = be32_load(irq + 4);
		p->uart_intid = (type == 0 ? 32 : 16) + num;
	} else {
		p->uart_intid = 0;
	}
	return 0;
}

/*
 * Every GIC frame besides the distributor and the first redistributor region: further reg
 * entries (more redistributor regions, GICC/GICH/GICV) and the reg of each child node (ITS,
 * "arm,gic-v3-its"; the GIC's "ranges" is taken as the identity, as on QEMU virt). None may
 * be passed through, so a frame that does not fit the table fails the boot.
 */
static int read_gic_other(const struct fdt *f, int gic, struct platform *p, u32 ac, u32 sc)
{
	u32 cac = fdt_address_cells(f, gic), csc = fdt_size_cells(f, gic);
	u64 base, size;
	int n;

	p->gic_other_count = 0;
	for (u32 i = 2; fdt_reg(f, gic, ac, sc, i, &base, &size); i++) {
		if (p->gic_other_count == PLATFORM_MAX_GIC_OTHER) {
			return -1;
		}
		p->gic_other[p->gic_other_count].base = base;
		p->gic_other[p->gic_other_count++].size = size;
	}
	for (n = fdt_first_child(f, gic); n >= 0; n = fdt_next_sibling(f, n)) {
		for (u32 i = 0; fdt_reg(f, n, cac, csc, i, &base, &size); i++) {
			if (p->gic_other_count == PLATFORM_MAX_GIC_OTHER) {
				return -1;
			}
			p->gic_other[p->gic_other_count].base = base;
			p->gic_other[p->gic_other_count++].size = size;
		}
	}
	return n == FDT_ERR_NOTFOUND ? 0 : -1;
}

int platform_from_dtb(const void *dtb, size_t avail, struct platform *p, const char **why)
{
	struct fdt f;
	int root, gic;
	u32 ac, sc;

	memset(p, 0, sizeof(*p));
	if (fdt_init(&f, dtb, avail) != 0 || fdt_check_struct(&f) != 0) {
		*why = "no valid device tree";
		return -1;
	}
	root = fdt_root(&f);
	ac = fdt_address_cells(&f, root);
	sc = fdt_size_cells(&f, root);
	if (read_memory(&f, p, ac, sc) != 0) {
		*why = "no /memory";
		return -1;
	}
	if (read_cpus(&f, p) != 0) {
		*why = "no usable /cpus";
		return -1;
	}
	gic = fdt_find_compatible(&f, -1, "arm,gic-v3");
	if (gic < 0 || !fdt_reg(&f, gic, ac, sc, 0, &p->gicd_base, &p->gicd_size) ||
	    !fdt_reg(&f, gic, ac, sc, 1, &p->gicr_base, &p->gicr_size)) {
		*why = "no GICv3 (run QEMU with gic-version=3)";
		return -1;
	}
	if (read_gic_other(&f, gic, p, ac, sc) != 0) {
		*why = "malformed GIC node or more than 8 other GIC frames (ITS, CPU interfaces)";
		return -1;
	}
	if (read_uart(&f, p, ac, sc) != 0) {
		*why = "no PL011 UART";
		return -1;
	}
	p->hyp_base = p->ram[0].base;
	p->hyp_end = LAYOUT_PACK_BASE;
	p->spi_limit = 1020;
	return 0;
}

paddr_t platform_ram_end(const struct platform *p, paddr_t addr)
{
	for (u32 i = 0; i < p->ram_count; i++) {
		if (addr >= p->ram[i].base && addr - p->ram[i].base < p->ram[i].size) {
			return p->ram[i].base + p->ram[i].size;
		}
	}
	return 0;
}
