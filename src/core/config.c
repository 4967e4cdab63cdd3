/* SPDX-License-Identifier: MIT */
/*
 * Config DTB root walk (bindings: docs/CONFIG.md). The same code validates a
 * config in `tessera check` and at boot, so both accept exactly the same set.
 * Fail fast but clean: the first problem is reported and *cfg is zeroed, so a
 * half-parsed config can never be used.
 */
#include "config_int.h"
#include "layout.h"
#include "lib.h"

void platform_default(struct platform *plat)
{
	memset(plat, 0, sizeof(*plat));
	plat->cpu_count = 4;
	for (u32 i = 0; i < plat->cpu_count; i++) {
		plat->cpu_hwid[i] = i; /* QEMU virt: Aff0 = CPU index */
	}
	plat->ram_count = 1;
	plat->ram[0].base = LAYOUT_RAM_BASE;
	plat->ram[0].size = SZ_1G;
	plat->hyp_base = LAYOUT_RAM_BASE;
	plat->hyp_end = LAYOUT_PACK_BASE; /* the caller adds the system image */
	static const struct platform board = {.irqchip = PLATFORM_DEFAULT_IRQCHIP_FRAMES};

	/* The board's interrupt controller frames (arch_platform.h), up to the first empty. */
	for (u32 i = 0; i < PLATFORM_MAX_IRQCHIP_FRAMES && board.irqchip[i].size; i++) {
		plat->irqchip[i] = board.irqchip[i];
		plat->irqchip_count = i + 1;
	}
	plat->uart_base = 0x09000000ULL;
	plat->uart_size = 0x1000ULL;
	plat->uart_intid = 33;
	plat->flash_base = 0x04000000ULL; /* QEMU virt's second flash bank */
	plat->flash_size = 0x04000000ULL;
	plat->intid_limit = PLATFORM_DEFAULT_INTID_LIMIT;
}

static void config_set_error(struct config_error *err, const char *node, const char *prop,
			     const char *fmt, va_list ap)
{
	str_copy(err->node, node, sizeof(err->node));
	str_copy(err->prop, prop ? prop : "", sizeof(err->prop));
	fmt_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int config_fail_path(struct config_error *err, const char *node, const char *prop, const char *fmt,
		     ...)
{
	va_list ap;

	va_start(ap, fmt);
	config_set_error(err, node, prop, fmt, ap);
	va_end(ap);
	return -1;
}

int config_fail(struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
{
	char path[sizeof(c->err->node)];
	va_list ap;

	if (node < 0 || fdt_node_path(&c->fdt, node, path, sizeof(path)) != 0) {
		str_copy(path, "/", sizeof(path));
	}
	va_start(ap, fmt);
	config_set_error(c->err, path, prop, fmt, ap);
	va_end(ap);
	return -1;
}

int config_feature_missing(struct cfg_ctx *c, int node, const char *prop, const char *feature)
{
	return config_fail(
	    c, node, prop,
	    "needs feature \"%s\", which this hypervisor was built without "
	    "(make PROFILE=full, or FEATURES with %s: docs/CONFIG.md \"Build profiles\")",
	    feature, feature);
}

bool config_in_ram(const struct platform *plat, u64 base, u64 size)
{
	for (u32 i = 0; i < plat->ram_count && i < CONFIG_MAX_RAM; i++) {
		if (range_within(base, size, plat->ram[i].base, plat->ram[i].size)) {
			return true;
		}
	}
	return false;
}

static int config_open(struct cfg_ctx *c, const void *dtb, size_t size)
{
	int rc = fdt_init(&c->fdt, dtb, size);

	if (rc == 0) {
		rc = fdt_check_struct(&c->fdt);
	}
	if (rc != 0) {
		return config_fail_path(c->err, "/", NULL, "not a valid DTB: %s", fdt_strerror(rc));
	}
	return 0;
}

/* Optional /platform node: memory = <hi lo hi lo>..., cpus = <N>. */
static int config_platform_node(struct cfg_ctx *c, int node, struct platform *plat)
{
	for (int cur = fdt_first_prop(&c->fdt, node); cur >= 0; cur = fdt_next_prop(&c->fdt, cur)) {
		const char *name;
		const void *val;
		u32 len;

		if (fdt_prop_at(&c->fdt, cur, &name, &val, &len) != 0) {
			return config_fail(c, node, NULL, "malformed property");
		}
		if (strcmp(name, "cpus") == 0) {
			u32 n = len == 4 ? be32_load(val) : 0;
			if (len != 4) {
				return config_fail(c, node, name, "expected one cell <N>");
			}
			if (n == 0 || n > CONFIG_MAX_PCPUS) {
				return config_fail(c, node, name, "CPU count %u not in 1..%u", n,
						   CONFIG_MAX_PCPUS);
			}
			plat->cpu_count = n;
			for (u32 i = 0; i < n; i++) {
				plat->cpu_hwid[i] = i;
			}
		} else if (strcmp(name, "memory") == 0) {
			const u8 *v = val;
			if (len == 0 || len % 16 != 0) {
				return config_fail(
				    c, node, name,
				    "expected <addr-hi addr-lo size-hi size-lo> ...");
			}
			if (len / 16 > CONFIG_MAX_RAM) {
				return config_fail(c, node, name, "too many RAM ranges (max %u)",
						   CONFIG_MAX_RAM);
			}
			plat->ram_count = len / 16;
			for (u32 i = 0; i < plat->ram_count; i++) {
				plat->ram[i].base = be64_load(v + 16 * i);
				plat->ram[i].size = be64_load(v + 16 * i + 8);
				if (plat->ram[i].size == 0 ||
				    plat->ram[i].base + plat->ram[i].size < plat->ram[i].base) {
					return config_fail(c, node, name,
							   "RAM range %u is empty or wraps", i);
				}
			}
		} else {
			return config_fail(c, node, name, "unknown property");
		}
	}
	if (!config_in_ram(plat, plat->hyp_base, plat->hyp_end - plat->hyp_base)) {
		return config_fail(
		    c, node, "memory",
		    "RAM must include the hypervisor range 0x%llx..0x%llx (" LAYOUT_HYP_RANGE_HOLDS
		    ")",
		    (unsigned long long)plat->hyp_base, (unsigned long long)plat->hyp_end);
	}
	return 0;
}

int config_platform(const void *dtb, size_t size, struct platform *plat, struct config_error *err)
{
	struct cfg_ctx c = {.plat = plat, .err = err};
	int node;

	memset(err, 0, sizeof(*err));
	platform_default(plat);
	if (config_open(&c, dtb, size) != 0) {
		return -1;
	}
	node = fdt_subnode(&c.fdt, fdt_root(&c.fdt), "platform");
	if (node < 0) {
		return 0; /* QEMU virt defaults */
	}
	return config_platform_node(&c, node, plat);
}

/* Root: compatible, then only the nodes this version knows. */
static int config_check_root(struct cfg_ctx *c, int root)
{
	int child;

	if (!fdt_is_compatible(&c->fdt, root, CONFIG_COMPATIBLE)) {
		return config_fail(c, root, "compatible", "expected \"" CONFIG_COMPATIBLE "\"");
	}
	for (child = fdt_first_child(&c->fdt, root); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		const char *name = fdt_name(&c->fdt, child);

		if (strcmp(name, "platform") != 0 && strcmp(name, "vms") != 0 &&
		    strcmp(name, "channels") != 0 && strcmp(name, "virtio") != 0 &&
		    strcmp(name, "scheduling") != 0 && strcmp(name, "management") != 0) {
			return config_fail(c, child, NULL,
					   "unknown node (this version knows /platform, /vms, "
					   "/channels, /virtio, /scheduling, /management)");
		}
	}
	return 0;
}

/* /management's "allow": the command classes the management channel may use. */
static int mgmt_parse_allow(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			    void *out)
{
	static const struct {
		const char *name;
		u32 bit;
	} classes[] = {
	    {"read", MGMT_CLASS_READ},		 {"console", MGMT_CLASS_CONSOLE},
	    {"lifecycle", MGMT_CLASS_LIFECYCLE}, {"state", MGMT_CLASS_STATE},
	    {"debug", MGMT_CLASS_DEBUG},	 {"update", MGMT_CLASS_UPDATE},
	};
	u32 allow = 0, at = 0;

	if (len == 0 || val[len - 1] != '\0') {
		return config_fail(c, node, name,
				   "expected strings: command classes (read, console, lifecycle, "
				   "state, debug, update)");
	}
	while (at < len) {
		const char *s = (const char *)val + at;
		u32 n = (u32)strlen(s), i;

		for (i = 0; i < ARRAY_SIZE(classes) && strcmp(s, classes[i].name) != 0; i++) {
		}
		if (i == ARRAY_SIZE(classes)) {
			return config_fail(
			    c, node, name,
			    "unknown command class \"%s\" (read, console, lifecycle, "
			    "state, debug, update)",
			    s);
		}
		if (allow & classes[i].bit) {
			return config_fail(c, node, name, "\"%s\" given twice", s);
		}
		allow |= classes[i].bit;
		at += n + 1;
	}
	*(u32 *)out = MGMT_CLASS_ALL & ~allow;
	return 0;
}

int config_mgmt_parse(struct cfg_ctx *c, int node)
{
	static const struct config_prop props[] = {{"allow", mgmt_parse_allow, true}};

	if (node < 0) {
		c->cfg->mgmt_deny = 0;
		return 0;
	}
	if (fdt_first_child(&c->fdt, node) >= 0) {
		return config_fail(c, fdt_first_child(&c->fdt, node), NULL, "unknown node");
	}
	return config_parse_props(c, node, props, ARRAY_SIZE(props), &c->cfg->mgmt_deny);
}

int config_parse_children(struct cfg_ctx *c, int node, const u32 *count, u32 max, const char *what,
			  int (*one)(struct cfg_ctx *c, int child))
{
	int prop = fdt_first_prop(&c->fdt, node);
	int child;

	if (prop >= 0) {
		const char *name = "";
		const void *val;
		u32 len;

		fdt_prop_at(&c->fdt, prop, &name, &val, &len);
		return config_fail(c, node, name, "unknown property");
	}
	for (child = fdt_first_child(&c->fdt, node); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		if (*count == max) {
			return config_fail(c, child, NULL, "too many %s (max %u)", what, max);
		}
		if (one(c, child) != 0) {
			return -1;
		}
	}
	if (child != FDT_ERR_NOTFOUND) {
		return config_fail(c, node, NULL, "malformed DTB: %s", fdt_strerror(child));
	}
	return 0;
}

int config_parse_props(struct cfg_ctx *c, int node, const struct config_prop *props, u32 count,
		       void *out)
{
	u32 seen = 0;

	for (int cur = fdt_first_prop(&c->fdt, node); cur >= 0; cur = fdt_next_prop(&c->fdt, cur)) {
		const char *name;
		const void *val;
		u32 len, i;

		if (fdt_prop_at(&c->fdt, cur, &name, &val, &len) != 0) {
			return config_fail(c, node, NULL, "malformed property");
		}
		for (i = 0; i < count && strcmp(name, props[i].name) != 0; i++) {
		}
		if (i == count) {
			if (strcmp(name, "phandle") == 0) {
				continue; /* dtc adds it when a label is referenced */
			}
			return config_fail(c, node, name, "unknown property");
		}
		if (seen & (1U << i)) {
			return config_fail(c, node, name, "property given twice");
		}
		seen |= 1U << i;
		if (props[i].parse(c, node, name, val, len, out) != 0) {
			return -1;
		}
	}
	for (u32 i = 0; i < count; i++) {
		if (props[i].required && !(seen & (1U << i))) {
			return config_fail(c, node, props[i].name, "missing required property");
		}
	}
	return 0;
}

static int config_vm_one(struct cfg_ctx *c, int node)
{
	struct config *cfg = c->cfg;

	if (config_vm_parse(c, node, &cfg->vms[cfg->vm_count]) != 0) {
		return -1;
	}
	cfg->vm_count++;
	return config_check_vm(c, cfg->vm_count - 1);
}

static int config_walk_vms(struct cfg_ctx *c, int vms)
{
	if (config_parse_children(c, vms, &c->cfg->vm_count, CONFIG_MAX_VMS, "VMs",
				  config_vm_one) != 0) {
		return -1;
	}
	if (c->cfg->vm_count == 0) {
		return config_fail(c, vms, NULL, "no VMs defined");
	}
	return 0;
}

static int config_parse_tree(struct cfg_ctx *c, const void *dtb, size_t size)
{
	int root, vms, chans, virtio;

	if (config_open(c, dtb, size) != 0) {
		return -1;
	}
	root = fdt_root(&c->fdt);
	if (root < 0) {
		return config_fail(c, -1, NULL, "malformed DTB: %s", fdt_strerror(root));
	}
	if (config_check_root(c, root) != 0) {
		return -1;
	}
	vms = fdt_subnode(&c->fdt, root, "vms");
	if (vms < 0) {
		return config_fail_path(c->err, "/vms", NULL, "missing node");
	}
	if (config_walk_vms(c, vms) != 0) {
		return -1;
	}
	/* Policies name VMs, and decide which vCPUs may share a CPU. */
	if (config_sched_parse(c, fdt_subnode(&c->fdt, root, "scheduling")) != 0) {
		return -1;
	}
	/* Channels name VMs, so they come after every VM is known. */
	chans = fdt_subnode(&c->fdt, root, "channels");
	if (chans >= 0 && config_chan_parse(c, chans) != 0) {
		return -1;
	}
	if (config_mgmt_parse(c, fdt_subnode(&c->fdt, root, "management")) != 0) {
		return -1;
	}
	/* Virtio links are checked against VMs and channels. */
	virtio = fdt_subnode(&c->fdt, root, "virtio");
	if (virtio >= 0 && config_virtio_parse(c, virtio) != 0) {
		return -1;
	}
	return config_direct_check(c);
}

int config_parse(const void *dtb, size_t size, const struct platform *plat, struct config *cfg,
		 struct config_error *err)
{
	struct cfg_ctx c = {.plat = plat, .cfg = cfg, .err = err};

	memset(cfg, 0, sizeof(*cfg));
	memset(err, 0, sizeof(*err));
	if (config_parse_tree(&c, dtb, size) != 0) {
		memset(cfg, 0, sizeof(*cfg));
		return -1;
	}
	return 0;
}

void config_format_error(char *buf, size_t size, const char *file, const struct config_error *err)
{
	const char *f = file ? file : "";
	const char *fsep = f[0] ? ": " : "";
	const char *node = err->node[0] ? err->node : "/";

	if (err->prop[0]) {
		fmt_snprintf(buf, size, "%s%s%s: %s: %s", f, fsep, node, err->prop, err->msg);
	} else {
		fmt_snprintf(buf, size, "%s%s%s: %s", f, fsep, node, err->msg);
	}
}
