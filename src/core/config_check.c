/* SPDX-License-Identifier: MIT */
/*
 * Cross-VM rules (docs/CONFIG.md, "Validation"): static partitioning means a
 * byte of RAM, a device window and an interrupt each belong to at most one VM
 * (who may share a physical CPU is decided in config_sched.c, after /scheduling).
 * VM number idx is compared with every earlier VM and with its own earlier
 * entries, so the error names the second claimant.
 */
#include "config_int.h"
#include "lib.h"

static char config_lower(char ch)
{
	return (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
}

bool config_same_name(const char *a, const char *b)
{
	for (; *a && config_lower(*a) == config_lower(*b); a++, b++) {
	}
	return config_lower(*a) == config_lower(*b);
}

int config_find_vm(const struct config *cfg, const char *name)
{
	for (u32 i = 0; i < cfg->vm_count; i++) {
		if (config_same_name(cfg->vms[i].name, name)) {
			return (int)i;
		}
	}
	return -1;
}

/* The VM's RAM regions, then its flash (docs/CONFIG.md "Flash"): both claim physical RAM. */
static u32 config_vm_regions(const struct vm_cfg *vm, struct mem_cfg *out)
{
	u32 n = 0;

	for (u32 i = 0; i < vm->mem_count && i < CONFIG_MAX_MEM; i++) {
		out[n++] = vm->mem[i];
	}
	if (vm->has_flash) {
		out[n++] = vm->flash;
	}
	if (vm->has_ckpt) {
		out[n++] = vm->ckpt;
	}
	return n;
}

static int config_check_mem(struct cfg_ctx *c, const struct vm_cfg *vm)
{
	struct mem_cfg r[CONFIG_MAX_MEM + 2], o_r[CONFIG_MAX_MEM + 2];
	u32 n = config_vm_regions(vm, r);

	for (u32 i = 0; i < n; i++) {
		const struct mem_cfg *m = &r[i];
		const char *prop = i < vm->mem_count			 ? "memory"
				   : i == vm->mem_count && vm->has_flash ? "flash"
									 : "checkpoint-memory";

		for (u32 j = 0; j < i; j++) {
			if (range_overlaps(m->phys, m->size, r[j].phys, r[j].size)) {
				return config_fail(
				    c, vm->node, prop,
				    "region 0x%llx+0x%llx overlaps region %u of this VM",
				    (unsigned long long)m->phys, (unsigned long long)m->size, j);
			}
		}
		for (u32 k = 0; k < c->cfg->vm_count && &c->cfg->vms[k] != vm; k++) {
			const struct vm_cfg *o = &c->cfg->vms[k];
			u32 on = config_vm_regions(o, o_r);

			for (u32 j = 0; j < on; j++) {
				if (range_overlaps(m->phys, m->size, o_r[j].phys, o_r[j].size)) {
					return config_fail(
					    c, vm->node, prop,
					    "region 0x%llx+0x%llx overlaps memory of "
					    "VM %s",
					    (unsigned long long)m->phys,
					    (unsigned long long)m->size, o->name);
				}
			}
		}
	}
	return 0;
}

/* Device windows and IRQs of dev d against VM o (only o's first n devices). */
static int config_check_dev_vs(struct cfg_ctx *c, const struct dev_cfg *d, const struct vm_cfg *o,
			       u32 n)
{
	for (u32 j = 0; j < n; j++) {
		const struct dev_cfg *e = &o->devs[j];
		if (range_overlaps(d->base, d->size, e->base, e->size)) {
			return config_fail(
			    c, d->node, "reg",
			    "device window 0x%llx+0x%llx already given to VM %s (%s)",
			    (unsigned long long)d->base, (unsigned long long)d->size, o->name,
			    e->name);
		}
		for (u32 a = 0; a < d->irq_count; a++) {
			for (u32 b = 0; b < e->irq_count; b++) {
				if (d->irqs[a] == e->irqs[b]) {
					return config_fail(c, d->node, "interrupts",
							   "IRQ %u already given to VM %s (%s)",
							   d->irqs[a], o->name, e->name);
				}
			}
		}
	}
	return 0;
}

static int config_check_devs(struct cfg_ctx *c, const struct vm_cfg *vm)
{
	for (u32 i = 0; i < vm->dev_count; i++) {
		const struct dev_cfg *d = &vm->devs[i];
		for (u32 a = 0; a < d->irq_count; a++) {
			for (u32 b = 0; b < a; b++) {
				if (d->irqs[a] == d->irqs[b]) {
					return config_fail(c, d->node, "interrupts",
							   "IRQ %u given twice", d->irqs[a]);
				}
			}
		}
		if (config_check_dev_vs(c, d, vm, i) != 0) {
			return -1;
		}
		for (u32 k = 0; k < c->cfg->vm_count && &c->cfg->vms[k] != vm; k++) {
			const struct vm_cfg *o = &c->cfg->vms[k];
			if (config_check_dev_vs(c, d, o, o->dev_count) != 0) {
				return -1;
			}
		}
	}
	return 0;
}

int config_check_vm(struct cfg_ctx *c, u32 idx)
{
	const struct vm_cfg *vm = &c->cfg->vms[idx];

	for (u32 k = 0; k < idx; k++) {
		if (config_same_name(c->cfg->vms[k].name, vm->name)) {
			return config_fail(
			    c, vm->node, NULL,
			    "duplicate VM name (names compare case-insensitively: %s)",
			    c->cfg->vms[k].name);
		}
	}
	if (config_check_mem(c, vm) != 0) {
		return -1;
	}
	return config_check_devs(c, vm);
}
