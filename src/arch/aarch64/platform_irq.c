/* SPDX-License-Identifier: MIT */
/*
 * What the platform DTB says about the GICv3 (arch.h, arch_platform_*; core/platform.c reads
 * the rest of the board and calls these): its frames, and interrupt specifiers in its
 * binding (<type number flags>: type 0 = SPI, INTID 32 + number; 1 = PPI, 16 + number;
 * flags 1 = rising edge). Boot-only (src/arch/aarch64/init-objects.txt).
 */
#include "arch.h"
#include "config.h"
#include "fdt.h"
#include "lib.h"

/* One frame more; false if the table is full. */
static bool add_frame(struct platform *p, paddr_t base, u64 size, const char *what)
{
	if (p->irqchip_count == PLATFORM_MAX_IRQCHIP_FRAMES) {
		return false;
	}
	p->irqchip[p->irqchip_count].base = base;
	p->irqchip[p->irqchip_count].size = size;
	p->irqchip[p->irqchip_count++].what = what;
	return true;
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

	for (u32 i = 2; fdt_reg(f, gic, ac, sc, i, &base, &size); i++) {
		if (!add_frame(p, base, size, "frame")) {
			return -1;
		}
	}
	for (n = fdt_first_child(f, gic); n >= 0; n = fdt_next_sibling(f, n)) {
		for (u32 i = 0; fdt_reg(f, n, cac, csc, i, &base, &size); i++) {
			if (!add_frame(p, base, size, "frame")) {
				return -1;
			}
		}
	}
	return n == FDT_ERR_NOTFOUND ? 0 : -1;
}

int arch_platform_irqchip(const struct fdt *f, int node, u32 ac, u32 sc, struct platform *p,
			  const char **why)
{
	u64 base[2], size[2];

	p->irqchip_count = 0;
	if (node < 0 || !fdt_reg(f, node, ac, sc, 0, &base[0], &size[0]) ||
	    !fdt_reg(f, node, ac, sc, 1, &base[1], &size[1])) {
		*why = "no GICv3 (run QEMU with node-version=3)";
		return -1;
	}
	add_frame(p, base[0], size[0], "distributor");
	add_frame(p, base[1], size[1], "redistributors");
	if (read_gic_other(f, node, p, ac, sc) != 0) {
		*why = "malformed GIC node or more than 8 other GIC frames (ITS, CPU interfaces)";
		return -1;
	}
	return 0;
}

u32 arch_platform_irq(const u8 *spec, u32 len, bool shared_only, bool *edge)
{
	u32 type, num;

	*edge = false;
	if (!spec || len < 12) {
		return 0;
	}
	type = be32_load(spec);
	num = be32_load(spec + 4);
	if (shared_only) {
		if (type != 0 || num >= 988) {
			return 0;
		}
		*edge = (be32_load(spec + 8) & 0xf) == 1;
	}
	return (type == 0 ? 32 : 16) + num;
}
