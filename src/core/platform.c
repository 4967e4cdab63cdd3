/* SPDX-License-Identifier: MIT */
/*
 * Platform discovery from the DTB the firmware (QEMU) hands over. Nothing
 * about the board is hard-coded except where it is looked for: memory nodes,
 * /cpus, the interrupt controller's node (the board's PLATFORM_IRQCHIP_COMPATIBLE, read by
 * the arch: arch_platform_irqchip) and the PL011 named by /chosen/stdout-path. Interrupt
 * specifiers are the arch's to decode (arch_platform_irq).
 */
#include "platform.h"
#include "arch.h"
#include "fdt.h"
#include "hyplog.h"
#include "layout.h"
#include "lib.h"

/* The nodes the board is read from, found in one pass over the DTB (fdt_walk_props). */
struct plat_scan {
	const struct fdt *f;
	struct platform *p;
	int root, cpus, chosen, irqchip, pl011, pl011_parent;
	u32 ac, sc; /* the root's cells */
};

/* The properties plat_visit reads of every node. */
enum { PROP_COMPATIBLE, PROP_DEVICE_TYPE, PROP_REG, PROP_INTERRUPTS, PLAT_PROPS };
static const char *const plat_props[PLAT_PROPS] = {"compatible", "device_type", "reg",
						   "interrupts"};

/* A /memory node (device_type "memory", child of the root): its banks, in order. */
static void read_memory(const struct plat_scan *s, const void *const *v, const u32 *len)
{
	struct platform *p = s->p;
	const char *type = v[PROP_DEVICE_TYPE];

	if (!type || len[PROP_DEVICE_TYPE] != sizeof("memory") || strcmp(type, "memory") != 0) {
		return;
	}
	for (u32 i = 0; p->ram_count < CONFIG_MAX_RAM; i++) {
		u64 base, size;

		if (!fdt_reg_value(v[PROP_REG], len[PROP_REG], s->ac, s->sc, i, &base, &size)) {
			break;
		}
		if (size) {
			p->ram[p->ram_count].base = base;
			p->ram[p->ram_count].size = size;
			p->ram_count++;
		}
	}
}

/* fdt_path's match for one path component: the whole name, or the part before '@'. */
static bool plat_name_is(const char *nm, const char *want)
{
	size_t n = strlen(want);

	return strncmp(nm, want, n) == 0 && (nm[n] == '\0' || nm[n] == '@');
}

/* A "virtio,mmio" node: its first window (in its parent's cells) and SPI. */
static void read_virtio(const struct plat_scan *s, int parent, const void *const *v, const u32 *len)
{
	struct platform *p = s->p;
	/* The root's own cells are at hand; a parentless node (the root) takes the defaults. */
	u32 ac = parent == s->root ? s->ac : parent >= 0 ? fdt_address_cells(s->f, parent) : 2;
	u32 sc = parent == s->root ? s->sc : parent >= 0 ? fdt_size_cells(s->f, parent) : 1;
	u32 i = p->virtio_count;

	if (i == PLATFORM_MAX_VIRTIO || !fdt_reg_value(v[PROP_REG], len[PROP_REG], ac, sc, 0,
						       &p->virtio[i].base, &p->virtio[i].size)) {
		return;
	}
	/* A shared interrupt, or none. */
	p->virtio[i].intid =
	    arch_platform_irq(v[PROP_INTERRUPTS], len[PROP_INTERRUPTS], true, &p->virtio[i].edge);
	p->virtio_count++;
}

/* The compatibles the board is read from (fdt_compat_mask's bits: COMPAT_*). */
static const char *const plat_compats[] = {PLATFORM_IRQCHIP_COMPATIBLE, "arm,pl011", "virtio,mmio"};
#define COMPAT_IRQCHIP BIT(0)
#define COMPAT_PL011   BIT(1)
#define COMPAT_VIRTIO  BIT(2)

/* fdt_walk_props visitor: records the first of each node the board is read from, in document
 * order from the root itself (as fdt_find_compatible searched). The walk reads every token
 * of the DTB once: the boot reads it with the MMU and caches off. */
static int plat_visit(void *ctx, int n, int parent, const char *nm, const void *const *v,
		      const u32 *len)
{
	struct plat_scan *s = ctx;
	const char *compat = v[PROP_COMPATIBLE];

	if (parent >= 0 && parent == s->root) {
		read_memory(s, v, len);
		if (s->cpus < 0 && plat_name_is(nm, "cpus")) {
			s->cpus = n;
		} else if (s->chosen < 0 && plat_name_is(nm, "chosen")) {
			s->chosen = n;
		}
	}
	u32 has =
	    fdt_compat_mask(compat, len[PROP_COMPATIBLE], plat_compats, ARRAY_SIZE(plat_compats));

	if (s->irqchip < 0 && (has & COMPAT_IRQCHIP)) {
		s->irqchip = n;
	}
	if (s->pl011 < 0 && (has & COMPAT_PL011)) {
		s->pl011 = n;
		s->pl011_parent = parent;
	}
	if (has & COMPAT_VIRTIO) {
		read_virtio(s, parent, v, len);
	}
	return 0;
}

static int read_cpus(const struct fdt *f, struct platform *p, int cpus)
{
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
		p->cpu_hwid[p->cpu_count++] = ac == 1 ? be32_load(reg) : be64_load(reg);
	}
	return p->cpu_count ? 0 : -1;
}

/* path ("/name" or "/name:options", DTSpec 3.6) names the root's child called name. */
static bool path_is_child(const char *path, const char *name)
{
	size_t n = strlen(name);

	return path[0] == '/' && strncmp(path + 1, name, n) == 0 &&
	       (path[1 + n] == '\0' || path[1 + n] == ':');
}

static int read_uart(const struct fdt *f, struct platform *p, const struct plat_scan *s)
{
	const char *path = NULL;
	int n = -1, chosen = s->chosen;
	u32 len, ac = s->ac, sc = s->sc;
	const u8 *irq;
	bool edge;

	if (chosen >= 0) {
		path = fdt_prop_str(f, chosen, "stdout-path");
	}
	if (path && s->pl011 >= 0 && s->pl011_parent == s->root &&
	    path_is_child(path, fdt_name(f, s->pl011))) {
		n = s->pl011; /* "/<name of the first PL011>[:options]": no walk for the path */
	} else if (path) {
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
		n = s->pl011; /* the first in document order */
	}
	if (n < 0 || !fdt_reg(f, n, ac, sc, 0, &p->uart_base, &p->uart_size)) {
		return -1;
	}
	irq = fdt_getprop(f, n, "interrupts", &len);
	p->uart_intid = arch_platform_irq(irq, len, false, &edge);
	return 0;
}

/* Boot options: words of /chosen/bootargs (QEMU -append; `tessera run -v`). Unknown words are
 * ignored: the command line belongs to whoever booted the board. */
static bool bootargs_has(const struct fdt *f, int chosen, const char *word)
{
	const char *s = chosen >= 0 ? fdt_prop_str(f, chosen, "bootargs") : NULL;
	size_t n = strlen(word);

	while (s && *s) {
		size_t len = 0;

		while (s[len] && s[len] != ' ') {
			len++;
		}
		if (len == n && strncmp(s, word, n) == 0) {
			return true;
		}
		s += len + (s[len] == ' ');
	}
	return false;
}

int platform_from_dtb(const void *dtb, size_t avail, struct platform *p, const char **why)
{
	struct fdt f;
	struct plat_scan scan = {&f, p, -1, -1, -1, -1, -1, -1, 0, 0};

	memset(p, 0, sizeof(*p));
	if (fdt_init(&f, dtb, avail) != 0 || fdt_check_struct(&f) != 0) {
		*why = "no valid device tree";
		return -1;
	}
	scan.root = fdt_root(&f);
	scan.ac = fdt_address_cells(&f, scan.root);
	scan.sc = fdt_size_cells(&f, scan.root);
	if (fdt_walk_props(&f, plat_props, PLAT_PROPS, plat_visit, &scan) != 0 ||
	    p->ram_count == 0) {
		*why = "no /memory";
		return -1;
	}
	if (read_cpus(&f, p, scan.cpus) != 0) {
		*why = "no usable /cpus";
		return -1;
	}
	if (arch_platform_irqchip(&f, scan.irqchip, scan.ac, scan.sc, p, why) != 0) {
		return -1;
	}
	if (read_uart(&f, p, &scan) != 0) {
		*why = "no PL011 UART";
		return -1;
	}
	p->hyp_base = p->ram[0].base;
	p->hyp_end = LAYOUT_PACK_BASE;
	p->intid_limit = 1020;
	p->verbose = bootargs_has(&f, scan.chosen, "tessera.verbose");
	/* The UART shows warnings and errors unless told otherwise; the log keeps every line. */
	p->log_level = LOG_WARN;
	if (bootargs_has(&f, scan.chosen, "tessera.log=info")) {
		p->log_level = LOG_INFO;
	} else if (bootargs_has(&f, scan.chosen, "tessera.log=error")) {
		p->log_level = LOG_ERROR;
	}
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

/* The first "cfi-flash" node's last bank (reg window): the hypervisor's (config.h). Looked for
 * only by a hypervisor that verifies (setup.c), so the platform scan stays as it was. */
void platform_find_flash(const void *dtb, size_t avail, struct platform *p)
{
	struct fdt f;
	int n, parent;
	paddr_t base;
	u64 size;

	p->flash_base = 0;
	p->flash_size = 0;
	if (fdt_init(&f, dtb, avail) != 0 || (n = fdt_find_compatible(&f, -1, "cfi-flash")) < 0) {
		return;
	}
	parent = fdt_parent(&f, n);
	for (u32 i = 0; i < 8 && fdt_reg(&f, n, fdt_address_cells(&f, parent),
					 fdt_size_cells(&f, parent), i, &base, &size);
	     i++) {
		p->flash_base = base;
		p->flash_size = size;
	}
}
