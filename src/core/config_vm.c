/* SPDX-License-Identifier: MIT */
/*
 * One VM node of the config (docs/CONFIG.md, "VM nodes"). A table names every
 * property this version accepts; anything else is an error, so a typo such as
 * "memroy" fails the check instead of silently booting a VM without RAM.
 * Checks here need only this VM and the platform; config_check.c compares VMs.
 */
#include "config_int.h"
#include "tessera_features.h"
#include "layout.h"
#include "lib.h"

/* A single NUL-terminated string with no embedded NUL, shorter than max. */
static int vm_prop_string(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  char *out, size_t max)
{
	if (len == 0 || val[len - 1] != '\0' || str_nlen((const char *)val, len) != len - 1) {
		return config_fail(c, node, name, "expected one string");
	}
	if (len > max) {
		return config_fail(c, node, name, "string longer than %u characters",
				   (unsigned)(max - 1));
	}
	memcpy(out, val, len);
	return 0;
}

static int vm_prop_addr(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			bool *has, ipa_t *out)
{
	if (len != 8) {
		return config_fail(c, node, name, "expected 2 cells <hi lo>, got %u bytes", len);
	}
	*has = true;
	*out = be64_load(val);
	return 0;
}

static int vm_parse_cpus(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			 void *out)
{
	struct vm_cfg *vm = out;

	if (len == 0 || len % 4 != 0) {
		return config_fail(c, node, name, "expected <cpu ...> (32-bit cells), got %u bytes",
				   len);
	}
	if (len / 4 > CONFIG_MAX_VCPUS) {
		return config_fail(c, node, name, "too many vCPUs (max %u)", CONFIG_MAX_VCPUS);
	}
	vm->vcpu_count = len / 4;
	for (u32 i = 0; i < vm->vcpu_count; i++) {
		vm->cpus[i] = be32_load(val + 4 * i);
		if (vm->cpus[i] >= c->plat->cpu_count) {
			return config_fail(c, node, name, "CPU %u does not exist (platform has %u)",
					   vm->cpus[i], c->plat->cpu_count);
		}
	}
	return 0;
}

static int vm_parse_memory(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	if (len == 0 || len % 16 != 0) {
		return config_fail(c, node, name,
				   "expected <addr-hi addr-lo size-hi size-lo> ..., got %u bytes",
				   len);
	}
	if (len / 16 > CONFIG_MAX_MEM) {
		return config_fail(c, node, name, "too many memory regions (max %u)",
				   CONFIG_MAX_MEM);
	}
	vm->mem_count = len / 16;
	for (u32 i = 0; i < vm->mem_count; i++) {
		vm->mem[i].phys = be64_load(val + 16 * i);
		vm->mem[i].size = be64_load(val + 16 * i + 8);
	}
	return 0;
}

/* Boot flash: one physical RAM region, seen by the guest at guest-physical 0. */
static int vm_parse_flash(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out)
{
	struct vm_cfg *vm = out;

	if (len != 16) {
		return config_fail(c, node, name,
				   "expected <addr-hi addr-lo size-hi size-lo>, got %u bytes", len);
	}
	vm->has_flash = true;
	vm->flash.phys = be64_load(val);
	vm->flash.size = be64_load(val + 8);
	vm->flash.ipa = 0;
	return 0;
}

static int vm_parse_virt_layout(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				u32 len, void *out)
{
	struct vm_cfg *vm = out;

	(void)val;
	if (len != 0) {
		return config_fail(c, node, name, "boolean property takes no value");
	}
	vm->virt_layout = true;
	return 0;
}

static int vm_parse_direct(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	(void)val;
	if (len != 0) {
		return config_fail(c, node, name, "boolean property takes no value");
	}
	vm->direct_interrupts = true;
	return 0;
}

static int vm_parse_incoming(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct vm_cfg *vm = out;

	(void)val;
	if (len != 0) {
		return config_fail(c, node, name, "boolean property takes no value");
	}
	if (!TESSERA_FEAT_SNAPSHOT) {
		return config_feature_missing(c, node, name, "snapshot");
	}
	vm->incoming = true;
	return 0;
}

static int vm_parse_manage(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	(void)val;
	if (len != 0) {
		return config_fail(c, node, name, "boolean property takes no value");
	}
	vm->manage = true;
	return 0;
}

/* docs/CONFIG.md "Debugging": `tessera ctl gdb` may attach to this VM (docs/DEBUGGING.md). */
static int vm_parse_debug(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out)
{
	struct vm_cfg *vm = out;

	(void)val;
	if (len != 0) {
		return config_fail(c, node, name, "boolean property takes no value");
	}
	if (!TESSERA_FEAT_DEBUG) {
		return config_feature_missing(c, node, name, "debug");
	}
	vm->debug = true;
	return 0;
}

static int vm_parse_image(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_string(c, node, name, val, len, vm->image, sizeof(vm->image));
}

static int vm_parse_initrd(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_string(c, node, name, val, len, vm->initrd, sizeof(vm->initrd));
}

static int vm_parse_bootargs(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_string(c, node, name, val, len, vm->bootargs, sizeof(vm->bootargs));
}

/* U-Boot's boot command: one line of printable ASCII (several commands are separated
 * by ';'), since U-Boot's shell runs it as typed. */
static int vm_parse_uboot_bootcmd(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				  u32 len, void *out)
{
	struct vm_cfg *vm = out;

	char *cmd = vm->uboot_bootcmd;

	if (vm_prop_string(c, node, name, val, len, cmd, sizeof(vm->uboot_bootcmd)) != 0) {
		return -1;
	}
	if (cmd[0] == '\0') {
		return config_fail(c, node, name, "empty boot command");
	}
	for (u32 i = 0; cmd[i] != '\0'; i++) {
		u8 ch = (u8)cmd[i];

		if (ch < 0x20 || ch > 0x7e) {
			return config_fail(c, node, name,
					   "character 0x%02x at offset %u is not printable ASCII",
					   (unsigned)ch, i);
		}
	}
	return 0;
}

static int vm_parse_format(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	static const enum image_format fmts[] = {IMAGE_ELF, IMAGE_RAW, IMAGE_LINUX};
	char s[8];

	if (vm_prop_string(c, node, name, val, len, s, sizeof(s)) == 0) {
		for (u32 i = 0; i < ARRAY_SIZE(fmts); i++) {
			if (strcmp(s, image_format_name(fmts[i])) == 0) {
				vm->image_format = fmts[i];
				return 0;
			}
		}
	}
	return config_fail(c, node, name, "expected \"elf\", \"raw\" or \"linux\"");
}

static int vm_parse_load(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			 void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_addr(c, node, name, val, len, &vm->has_load_addr, &vm->load_addr);
}

static int vm_parse_entry(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_addr(c, node, name, val, len, &vm->has_entry, &vm->entry);
}

static int vm_parse_initrd_addr(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				u32 len, void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_addr(c, node, name, val, len, &vm->has_initrd_addr, &vm->initrd_addr);
}

static int vm_parse_dtb_addr(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_addr(c, node, name, val, len, &vm->has_dtb_addr, &vm->dtb_addr);
}

static int vm_prop_u32(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		       u32 max, u32 *out)
{
	if (len != 4) {
		return config_fail(c, node, name, "expected one 32-bit cell, got %u bytes", len);
	}
	*out = be32_load(val);
	if (*out > max) {
		return config_fail(c, node, name, "%u is larger than the maximum %u", *out, max);
	}
	return 0;
}

static int vm_parse_policy(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	static const char *const names[] = {"stop", "restart", "system-reset", "rollback"};
	char s[16];

	if (vm_prop_string(c, node, name, val, len, s, sizeof(s)) == 0) {
		for (u32 i = 0; i < ARRAY_SIZE(names); i++) {
			if (strcmp(s, names[i]) == 0) {
				vm->policy = (enum vm_policy)i;
				return vm->policy == POLICY_ROLLBACK && !TESSERA_FEAT_SNAPSHOT
					   ? config_feature_missing(c, node, name, "snapshot")
					   : 0;
			}
		}
	}
	return config_fail(c, node, name,
			   "expected \"stop\", \"restart\", \"system-reset\" or \"rollback\"");
}

static int vm_parse_restart_max(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				u32 len, void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_u32(c, node, name, val, len, 1000000, &vm->restart_max);
}

static int vm_parse_backoff(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			    void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_u32(c, node, name, val, len, 60000, &vm->restart_backoff_ms);
}

static int vm_parse_watchdog(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct vm_cfg *vm = out;
	int r = vm_prop_u32(c, node, name, val, len, 3600000, &vm->watchdog_ms);

	if (r == 0 && vm->watchdog_ms != 0 && vm->watchdog_ms < 10) {
		return config_fail(c, node, name, "a watchdog period under 10 ms is not supported");
	}
	return r;
}

static int vm_parse_abort_limit(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				u32 len, void *out)
{
	struct vm_cfg *vm = out;

	return vm_prop_u32(c, node, name, val, len, 0xffffffffU, &vm->abort_limit);
}

static const struct config_prop vm_props[] = {
    {"cpus", vm_parse_cpus, true},
    {"memory", vm_parse_memory, true},
    {"image", vm_parse_image, true},
    {"virt-layout", vm_parse_virt_layout, false},
    {"flash", vm_parse_flash, false},
    {"image-format", vm_parse_format, false},
    {"load-address", vm_parse_load, false},
    {"entry", vm_parse_entry, false},
    {"initrd", vm_parse_initrd, false},
    {"initrd-address", vm_parse_initrd_addr, false},
    {"dtb-address", vm_parse_dtb_addr, false},
    {"bootargs", vm_parse_bootargs, false},
    {"u-boot-bootcmd", vm_parse_uboot_bootcmd, false},
    {"policy", vm_parse_policy, false},
    {"restart-max", vm_parse_restart_max, false},
    {"restart-backoff-ms", vm_parse_backoff, false},
    {"watchdog-ms", vm_parse_watchdog, false},
    {"abort-limit", vm_parse_abort_limit, false},
    {"direct-interrupts", vm_parse_direct, false},
    {"manage", vm_parse_manage, false},
    {"incoming", vm_parse_incoming, false},
    {"debug", vm_parse_debug, false},
    {"priority", config_sched_vm_priority, false},
    {"budget-us", config_sched_vm_budget, false},
    {"period-us", config_sched_vm_period, false},
    {"update-slot-size", config_update_slot, false},
    {"update-trial-ms", config_update_trial, false},
    {"checkpoint-memory", config_ckpt_memory, false},
    {"checkpoint-hypercall", config_ckpt_hypercall, false},
};

static int vm_parse_props(struct cfg_ctx *c, int node, struct vm_cfg *vm)
{
	if (config_parse_props(c, node, vm_props, ARRAY_SIZE(vm_props), vm) != 0) {
		return -1;
	}
	if (vm->has_initrd_addr && !vm->initrd[0]) {
		return config_fail(c, node, "initrd-address", "given without initrd");
	}
	return config_update_check(c, node, vm);
}

bool config_emulated_overlap(const struct vm_cfg *vm, u64 ipa, u64 size,
			     struct config_emul_window *hit)
{
	const struct config_emul_window w[] = {
	    {GUEST_IRQCHIP_NAME, GUEST_IRQCHIP_BASE, GUEST_IRQCHIP_BASE + GUEST_IRQCHIP_SIZE},
	    {GUEST_IRQCHIP_CPU_NAME, GUEST_IRQCHIP_CPU_BASE,
	     GUEST_IRQCHIP_CPU_BASE + GUEST_IRQCHIP_CPU_STRIDE * vm->vcpu_count},
	    {"UART", GUEST_UART_BASE, GUEST_UART_BASE + GUEST_UART_SIZE},
	};

	for (u32 i = 0; i < ARRAY_SIZE(w); i++) {
		if (w[i].end > w[i].base &&
		    range_overlaps(ipa, size, w[i].base, w[i].end - w[i].base)) {
			*hit = w[i];
			return true;
		}
	}
	return false;
}

/*
 * Per-region rules: 4 KiB granule (stage-2 pages; 2 MiB lets stage 2 use block
 * mappings), inside platform RAM, clear of the hypervisor, and the guest view
 * clear of the emulated device window. Regions of this and earlier VMs are
 * compared in config_check.c.
 */
int config_check_region(struct cfg_ctx *c, int node, const char *prop, const struct mem_cfg *m)
{
	const struct platform *plat = c->plat;
	unsigned long long b = m->phys, s = m->size;

	if (m->size == 0 || m->phys + m->size < m->phys) {
		return config_fail(c, node, prop, "region 0x%llx+0x%llx is empty or wraps", b, s);
	}
	if (!IS_ALIGNED(m->phys, SZ_4K) || !IS_ALIGNED(m->size, SZ_4K)) {
		return config_fail(c, node, prop, "region 0x%llx+0x%llx is not 4 KiB aligned", b,
				   s);
	}
	if (!config_in_ram(plat, m->phys, m->size)) {
		return config_fail(c, node, prop, "region 0x%llx+0x%llx is outside platform RAM", b,
				   s);
	}
	if (range_overlaps(m->phys, m->size, plat->hyp_base, plat->hyp_end - plat->hyp_base)) {
		return config_fail(c, node, prop,
				   "region 0x%llx+0x%llx overlaps the hypervisor range "
				   "0x%llx..0x%llx (" LAYOUT_HYP_RANGE_HOLDS ")",
				   b, s, (unsigned long long)plat->hyp_base,
				   (unsigned long long)plat->hyp_end);
	}
	return 0;
}

/* The flash window [0, size) in the guest: below the emulated devices, clear of RAM. */
static int vm_check_flash(struct cfg_ctx *c, int node, const struct vm_cfg *vm)
{
	const unsigned long long s = vm->flash.size;
	struct config_emul_window w;

	if (config_check_region(c, node, "flash", &vm->flash) != 0) {
		return -1;
	}
	if (config_emulated_overlap(vm, 0, vm->flash.size, &w)) {
		return config_fail(c, node, "flash",
				   "guest window 0x0+0x%llx overlaps the VM's emulated %s "
				   "0x%llx..0x%llx",
				   s, w.what, w.base, w.end);
	}
	for (u32 i = 0; i < vm->mem_count; i++) {
		if (range_overlaps(0, vm->flash.size, vm->mem[i].ipa, vm->mem[i].size)) {
			return config_fail(c, node, "flash",
					   "guest window 0x0+0x%llx overlaps guest RAM 0x%llx", s,
					   (unsigned long long)vm->mem[i].ipa);
		}
	}
	return 0;
}

static int vm_check_memory(struct cfg_ctx *c, int node, struct vm_cfg *vm)
{
	ipa_t next = GUEST_VIRT_RAM_BASE;
	struct config_emul_window w;

	for (u32 i = 0; i < vm->mem_count; i++) {
		struct mem_cfg *m = &vm->mem[i];
		unsigned long long s = m->size;

		if (config_check_region(c, node, "memory", m) != 0) {
			return -1;
		}
		m->ipa = vm->virt_layout ? next : m->phys;
		next += m->size;
		if (config_emulated_overlap(vm, m->ipa, m->size, &w)) {
			return config_fail(c, node, "memory",
					   "guest RAM 0x%llx+0x%llx overlaps the VM's emulated %s "
					   "0x%llx..0x%llx",
					   (unsigned long long)m->ipa, s, w.what, w.base, w.end);
		}
	}
	return vm->has_flash ? vm_check_flash(c, node, vm) : 0;
}

/* Unit address "name@HEX": must name the reg base, as DTSpec 2.2.1 requires. */
static bool vm_unit_matches(const char *name, u64 base)
{
	const char *at = strchr(name, '@');
	u64 v = 0;

	if (!at || !at[1]) {
		return false;
	}
	for (const char *p = at + 1; *p; p++) {
		u32 d;
		if (*p >= '0' && *p <= '9') {
			d = (u32)(*p - '0');
		} else if (*p >= 'a' && *p <= 'f') {
			d = (u32)(*p - 'a' + 10);
		} else if (*p >= 'A' && *p <= 'F') {
			d = (u32)(*p - 'A' + 10);
		} else {
			return false;
		}
		if (v >> 60) {
			return false;
		}
		v = (v << 4) | d;
	}
	return v == base;
}

static int vm_dev_props(struct cfg_ctx *c, int node, struct dev_cfg *d)
{
	bool has_reg = false;

	for (int cur = fdt_first_prop(&c->fdt, node); cur >= 0; cur = fdt_next_prop(&c->fdt, cur)) {
		const char *name;
		const void *vp;
		const u8 *val;
		u32 len;

		if (fdt_prop_at(&c->fdt, cur, &name, &vp, &len) != 0) {
			return config_fail(c, node, NULL, "malformed property");
		}
		val = vp;
		if (strcmp(name, "reg") == 0) {
			if (len != 16) {
				return config_fail(c, node, name,
						   "expected <addr-hi addr-lo size-hi size-lo>");
			}
			d->base = be64_load(val);
			d->size = be64_load(val + 8);
			has_reg = true;
		} else if (strcmp(name, "interrupts") == 0) {
			if (len == 0 || len % 4 != 0) {
				return config_fail(c, node, name, "expected <intid ...>");
			}
			if (len / 4 > CONFIG_MAX_DEV_IRQS) {
				return config_fail(c, node, name, "too many interrupts (max %u)",
						   CONFIG_MAX_DEV_IRQS);
			}
			d->irq_count = len / 4;
			for (u32 i = 0; i < d->irq_count; i++) {
				d->irqs[i] = be32_load(val + 4 * i);
			}
		} else if (strcmp(name, "compatible") == 0) {
			if (len == 0 || val[len - 1] != '\0' || len > sizeof(d->compatible)) {
				return config_fail(c, node, name, "expected strings (max %u bytes)",
						   (unsigned)sizeof(d->compatible));
			}
			memcpy(d->compatible, val, len);
			d->compatible_len = len;
		} else if (strcmp(name, "phandle") != 0) {
			return config_fail(c, node, name, "unknown property");
		}
	}
	if (!has_reg) {
		return config_fail(c, node, "reg", "missing required property");
	}
	return 0;
}

/* The hypervisor's own devices (physical): its interrupt controller, every frame of it, its
 * UART and its flash bank. */
static int vm_check_dev_hyp(struct cfg_ctx *c, int node, const struct dev_cfg *d)
{
	const struct platform *p = c->plat;
	const unsigned long long b = d->base, s = d->size;
	const unsigned long long ub = p->uart_base, ue = p->uart_base + p->uart_size;

	for (u32 i = 0; i < p->irqchip_count && i < PLATFORM_MAX_IRQCHIP_FRAMES; i++) {
		const unsigned long long fb = p->irqchip[i].base, fe = fb + p->irqchip[i].size;

		if (range_overlaps(d->base, d->size, p->irqchip[i].base, p->irqchip[i].size)) {
			return config_fail(
			    c, node, "reg",
			    "0x%llx+0x%llx overlaps the hypervisor's " PLATFORM_IRQCHIP_NAME
			    " (%s 0x%llx..0x%llx)",
			    b, s, p->irqchip[i].what, fb, fe);
		}
	}
	if (range_overlaps(d->base, d->size, p->uart_base, p->uart_size)) {
		return config_fail(c, node, "reg",
				   "0x%llx+0x%llx is the hypervisor's UART (0x%llx..0x%llx)", b, s,
				   ub, ue);
	}
	if (p->flash_size && range_overlaps(d->base, d->size, p->flash_base, p->flash_size)) {
		const unsigned long long flb = p->flash_base, fle = p->flash_base + p->flash_size;

		return config_fail(c, node, "reg",
				   "0x%llx+0x%llx overlaps the hypervisor's flash bank "
				   "(anti-rollback counter, 0x%llx..0x%llx)",
				   b, s, flb, fle);
	}
	return 0;
}

/*
 * A pass-through device is mapped at its physical address in the guest: it must be none of
 * the hypervisor's devices, none of the VM's emulated windows (config_emulated_overlap: only
 * what this VM has, so QEMU virt's RTC, GPIO, ... next to them can be given), no RAM, and
 * its interrupts must be SPIs that are neither the hypervisor's nor the VM's virtual UART's.
 */
static int vm_check_dev(struct cfg_ctx *c, int node, const struct vm_cfg *vm,
			const struct dev_cfg *d)
{
	const struct platform *p = c->plat;
	const unsigned long long b = d->base, s = d->size;
	struct config_emul_window w;

	if (d->size == 0 || d->base + d->size < d->base || !IS_ALIGNED(d->base, SZ_4K) ||
	    !IS_ALIGNED(d->size, SZ_4K)) {
		return config_fail(c, node, "reg", "0x%llx+0x%llx is empty or not 4 KiB aligned", b,
				   s);
	}
	if (!vm_unit_matches(d->name, d->base)) {
		return config_fail(c, node, "reg", "unit address does not match reg 0x%llx", b);
	}
	if (vm_check_dev_hyp(c, node, d) != 0) {
		return -1;
	}
	if (config_emulated_overlap(vm, d->base, d->size, &w)) {
		return config_fail(c, node, "reg",
				   "0x%llx+0x%llx overlaps the VM's emulated %s 0x%llx..0x%llx", b,
				   s, w.what, w.base, w.end);
	}
	for (u32 i = 0; i < p->ram_count && i < CONFIG_MAX_RAM; i++) {
		if (range_overlaps(d->base, d->size, p->ram[i].base, p->ram[i].size)) {
			return config_fail(c, node, "reg", "0x%llx+0x%llx overlaps RAM", b, s);
		}
	}
	for (u32 i = 0; i < vm->mem_count; i++) {
		if (range_overlaps(d->base, d->size, vm->mem[i].ipa, vm->mem[i].size)) {
			return config_fail(c, node, "reg",
					   "0x%llx+0x%llx overlaps the VM's guest RAM", b, s);
		}
	}
	if (vm->has_flash && range_overlaps(d->base, d->size, 0, vm->flash.size)) {
		return config_fail(c, node, "reg", "0x%llx+0x%llx overlaps the VM's flash", b, s);
	}
	for (u32 i = 0; i < d->irq_count; i++) {
		if (d->irqs[i] < PLATFORM_FIRST_SHARED_INTID || d->irqs[i] >= p->intid_limit ||
		    d->irqs[i] > CONFIG_MAX_INTID) {
			return config_fail(c, node, "interrupts", "IRQ %u is not an SPI (%u..%u)",
					   d->irqs[i], PLATFORM_FIRST_SHARED_INTID,
					   p->intid_limit - 1);
		}
		if (d->irqs[i] == p->uart_intid) {
			return config_fail(c, node, "interrupts",
					   "IRQ %u is the hypervisor's UART interrupt", d->irqs[i]);
		}
		if (d->irqs[i] == GUEST_UART_INTID) {
			return config_fail(c, node, "interrupts",
					   "IRQ %u is the interrupt of the VM's emulated UART",
					   d->irqs[i]);
		}
	}
	return 0;
}

static int vm_parse_devices(struct cfg_ctx *c, int node, struct vm_cfg *vm)
{
	int child;

	for (child = fdt_first_child(&c->fdt, node); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		const char *name = fdt_name(&c->fdt, child);
		struct dev_cfg *d;

		if (!strchr(name, '@')) {
			return config_fail(c, child, NULL,
					   "unknown node (devices are named like device@ADDR)");
		}
		if (vm->dev_count == CONFIG_MAX_DEVS) {
			return config_fail(c, child, NULL, "too many devices (max %u)",
					   CONFIG_MAX_DEVS);
		}
		d = &vm->devs[vm->dev_count];
		if (str_nlen(name, CONFIG_NAME_MAX) >= CONFIG_NAME_MAX) {
			return config_fail(c, child, NULL, "node name longer than %u characters",
					   CONFIG_NAME_MAX - 1);
		}
		str_copy(d->name, name, sizeof(d->name));
		d->node = child;
		if (vm_dev_props(c, child, d) != 0 || vm_check_dev(c, child, vm, d) != 0) {
			return -1;
		}
		vm->dev_count++;
	}
	if (child != FDT_ERR_NOTFOUND) {
		return config_fail(c, node, NULL, "malformed DTB: %s", fdt_strerror(child));
	}
	return 0;
}

/*
 * direct-interrupts (docs/CONFIG.md "Direct interrupts"): the guest takes the physical
 * Group-1 interrupts of its CPU itself, so that CPU must be its alone (one vCPU, and not
 * CPU 0, where the hypervisor routes the console and management SPIs), and nothing may
 * need a virtual interrupt injected into it: list registers are not delivered while the
 * guest owns the physical interface (HCR_EL2.IMO = 0). Pass-through SPIs would reach the
 * guest physically but the vGIC mirrors them as HW-linked virtual interrupts: refused too.
 */
static int vm_check_direct(struct cfg_ctx *c, const struct vm_cfg *vm)
{
	if (!vm->direct_interrupts) {
		return 0;
	}
	if (vm->vcpu_count != 1) {
		return config_fail(c, vm->node, "direct-interrupts",
				   "needs exactly one vCPU (the VM owns its whole CPU), got %u",
				   vm->vcpu_count);
	}
	if (vm->cpus[0] == 0) {
		return config_fail(c, vm->node, "direct-interrupts",
				   "not on CPU 0 (it takes the hypervisor's console and management "
				   "interrupts)");
	}
	for (u32 d = 0; d < vm->dev_count; d++) {
		if (vm->devs[d].irq_count) {
			return config_fail(c, vm->devs[d].node, "interrupts",
					   "not with direct-interrupts (device interrupts are "
					   "injected through the vGIC)");
		}
	}
	return 0;
}

/* incoming (docs/CONFIG.md): the slot takes a migrated VM's state, so it must be a VM
 * whose state a restore can set (docs/SNAPSHOT.md "What can be captured"): vCPUs on CPUs
 * other than the management CPU 0, no pass-through device, no direct-interrupts. */
static int vm_check_incoming(struct cfg_ctx *c, const struct vm_cfg *vm)
{
	if (!vm->incoming) {
		return 0;
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		if (vm->cpus[v] == 0) {
			return config_fail(c, vm->node, "incoming",
					   "vCPU %u is on CPU 0 (the management CPU): a migrated "
					   "state cannot be restored there",
					   v);
		}
	}
	if (vm->dev_count || vm->direct_interrupts) {
		return config_fail(c, vm->node, "incoming",
				   "not with %s (its state cannot be migrated)",
				   vm->dev_count ? "a pass-through device" : "direct-interrupts");
	}
	return 0;
}

int config_direct_check(struct cfg_ctx *c)
{
	const struct config *cfg = c->cfg;

	for (u32 i = 0; i < cfg->chan_count; i++) {
		for (u32 e = 0; e < cfg->chans[i].end_count; e++) {
			const struct chan_end_cfg *end = &cfg->chans[i].ends[e];

			if (end->vm < cfg->vm_count && cfg->vms[end->vm].direct_interrupts) {
				return config_fail(
				    c, end->node, NULL,
				    "VM '%s' has direct-interrupts: a channel doorbell "
				    "needs virtual interrupt injection",
				    cfg->vms[end->vm].name);
			}
		}
	}
	for (u32 i = 0; i < cfg->virtio_count; i++) {
		for (u32 e = 0; e < 2; e++) {
			const struct virtio_end_cfg *end = &cfg->virtio[i].ends[e];

			if (end->vm < cfg->vm_count && cfg->vms[end->vm].direct_interrupts) {
				return config_fail(c, end->node, NULL,
						   "VM '%s' has direct-interrupts: a virtio device "
						   "needs virtual interrupt injection",
						   cfg->vms[end->vm].name);
			}
		}
	}
	return 0;
}

int config_vm_parse(struct cfg_ctx *c, int node, struct vm_cfg *vm)
{
	const char *name = fdt_name(&c->fdt, node);

	memset(vm, 0, sizeof(*vm));
	vm->node = node;
	if (name[0] == '\0' || strchr(name, '@')) {
		return config_fail(c, node, NULL, "VM node name must be plain (no unit address)");
	}
	if (str_nlen(name, CONFIG_NAME_MAX) >= CONFIG_NAME_MAX) {
		return config_fail(c, node, NULL, "VM name longer than %u characters",
				   CONFIG_NAME_MAX - 1);
	}
	str_copy(vm->name, name, sizeof(vm->name));
	vm->restart_max = 3;
	if (vm_parse_props(c, node, vm) != 0 || vm_check_memory(c, node, vm) != 0 ||
	    config_ckpt_check(c, node, vm) != 0) {
		return -1;
	}
	if (vm_parse_devices(c, node, vm) != 0) {
		return -1;
	}
	return vm_check_direct(c, vm) != 0 ? -1 : vm_check_incoming(c, vm);
}
