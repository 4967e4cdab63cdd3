/* SPDX-License-Identifier: MIT */
/*
 * /virtio (docs/VIRTIO.md, "Configuration"): links between two VMs made of one
 * emulated virtio-mmio device in each, a console (type "console") or a network
 * card (type "net"). Parsed after /vms and /channels, so
 * every end is checked against its VM's RAM, pass-through devices and IRQs,
 * channel windows and IRQs, and the other virtio devices of that VM. The
 * window is 4 KiB (one stage-2 page, never mapped: every access traps).
 */
#include "config_int.h"
#include "tessera_features.h"
#include "layout.h"
#include "lib.h"

/* Stage 2 translates a 39-bit IPA space (arch/aarch64/stage2.h). */
#define VIRTIO_IPA_LIMIT (1ULL << 39)

/* The window of end e against everything else in its VM's guest-physical map. */
static int virtio_check_window(struct cfg_ctx *c, const struct virtio_end_cfg *e)
{
	const struct vm_cfg *vm = &c->cfg->vms[e->vm];
	const unsigned long long a = e->ipa, s = CONFIG_VIRTIO_WINDOW;
	struct config_emul_window w;

	if (!IS_ALIGNED(e->ipa, SZ_4K)) {
		return config_fail(c, e->node, "address", "0x%llx is not 4 KiB aligned", a);
	}
	if (e->ipa + s < e->ipa || e->ipa + s > VIRTIO_IPA_LIMIT) {
		return config_fail(c, e->node, "address",
				   "window 0x%llx+0x%llx is beyond the 39-bit guest-physical space",
				   a, s);
	}
	if (config_emulated_overlap(vm, e->ipa, s, &w)) {
		return config_fail(c, e->node, "address",
				   "window 0x%llx+0x%llx overlaps the emulated %s 0x%llx..0x%llx "
				   "of VM %s",
				   a, s, w.what, w.base, w.end, vm->name);
	}
	for (u32 i = 0; i < vm->mem_count; i++) {
		if (range_overlaps(e->ipa, s, vm->mem[i].ipa, vm->mem[i].size)) {
			return config_fail(c, e->node, "address",
					   "window 0x%llx+0x%llx overlaps the guest RAM of VM %s",
					   a, s, vm->name);
		}
	}
	if (vm->has_flash && range_overlaps(e->ipa, s, vm->flash.ipa, vm->flash.size)) {
		return config_fail(c, e->node, "address",
				   "window 0x%llx+0x%llx overlaps the flash of VM %s", a, s,
				   vm->name);
	}
	for (u32 i = 0; i < vm->dev_count; i++) {
		const struct dev_cfg *d = &vm->devs[i];
		if (range_overlaps(e->ipa, s, d->base, ALIGN_UP(d->size, SZ_4K))) {
			return config_fail(c, e->node, "address",
					   "window 0x%llx+0x%llx overlaps device %s of VM %s", a, s,
					   d->name, vm->name);
		}
	}
	for (u32 k = 0; k < c->cfg->chan_count; k++) {
		const struct chan_cfg *ch = &c->cfg->chans[k];
		for (u32 j = 0; j < ch->end_count; j++) {
			if (ch->ends[j].vm == e->vm &&
			    range_overlaps(e->ipa, s, ch->ends[j].ipa, ch->size)) {
				return config_fail(c, e->node, "address",
						   "window 0x%llx+0x%llx overlaps the window of "
						   "channel %s in VM %s",
						   a, s, ch->name, vm->name);
			}
		}
	}
	return 0;
}

/* The interrupt of end e against the UART and every other SPI its VM has. */
static int virtio_check_irq(struct cfg_ctx *c, const struct virtio_end_cfg *e)
{
	const struct platform *p = c->plat;
	const struct vm_cfg *vm = &c->cfg->vms[e->vm];

	if (e->intid < PLATFORM_FIRST_SHARED_INTID || e->intid >= p->intid_limit ||
	    e->intid > CONFIG_MAX_INTID) {
		return config_fail(c, e->node, "interrupt", "IRQ %u is not an SPI (%u..%u)",
				   e->intid, PLATFORM_FIRST_SHARED_INTID,
				   MIN(p->intid_limit - 1, CONFIG_MAX_INTID));
	}
	if (e->intid == p->uart_intid || e->intid == GUEST_UART_INTID) {
		return config_fail(c, e->node, "interrupt", "IRQ %u is the UART interrupt",
				   e->intid);
	}
	for (u32 i = 0; i < vm->dev_count; i++) {
		for (u32 j = 0; j < vm->devs[i].irq_count; j++) {
			if (vm->devs[i].irqs[j] == e->intid) {
				return config_fail(
				    c, e->node, "interrupt",
				    "IRQ %u is pass-through IRQ of device %s of VM %s", e->intid,
				    vm->devs[i].name, vm->name);
			}
		}
	}
	for (u32 k = 0; k < c->cfg->chan_count; k++) {
		const struct chan_cfg *ch = &c->cfg->chans[k];
		for (u32 j = 0; j < ch->end_count; j++) {
			if (ch->ends[j].vm == e->vm && ch->ends[j].intid == e->intid) {
				return config_fail(c, e->node, "interrupt",
						   "IRQ %u already used by channel %s in VM %s",
						   e->intid, ch->name, vm->name);
			}
		}
	}
	return 0;
}

/* Against the virtio devices accepted so far (and the other end of this link). */
static int virtio_check_others(struct cfg_ctx *c, const struct virtio_cfg *v, u32 end)
{
	const struct virtio_end_cfg *e = &v->ends[end];
	const struct vm_cfg *vm = &c->cfg->vms[e->vm];

	for (u32 k = 0; k <= c->cfg->virtio_count; k++) {
		const struct virtio_cfg *o = k < c->cfg->virtio_count ? &c->cfg->virtio[k] : v;
		for (u32 j = 0; j < 2; j++) {
			const struct virtio_end_cfg *oe = &o->ends[j];
			if ((o == v && j >= end) || oe->vm != e->vm) {
				continue;
			}
			if (range_overlaps(e->ipa, CONFIG_VIRTIO_WINDOW, oe->ipa,
					   CONFIG_VIRTIO_WINDOW)) {
				return config_fail(
				    c, e->node, "address",
				    "window 0x%llx overlaps virtio device %s in VM %s",
				    (unsigned long long)e->ipa, o->name, vm->name);
			}
			if (oe->intid == e->intid) {
				return config_fail(
				    c, e->node, "interrupt",
				    "IRQ %u already used by virtio device %s in VM %s", e->intid,
				    o->name, vm->name);
			}
		}
	}
	return 0;
}

static int virtio_end_address(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			      void *out)
{
	struct virtio_end_cfg *e = out;

	if (len != 8) {
		return config_fail(c, node, name, "expected one 2-cell value <hi lo>");
	}
	e->ipa = be64_load(val);
	return 0;
}

static int virtio_end_intid(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			    void *out)
{
	struct virtio_end_cfg *e = out;

	if (len != 4) {
		return config_fail(c, node, name, "expected one cell <intid>, got %u bytes", len);
	}
	e->intid = be32_load(val);
	return 0;
}

/* An end (a child of the link named after its VM); the interrupt is checked against the
 * VM once both ends are known (virtio_check_irq). */
static const struct config_prop virtio_end_props[] = {
    {"address", virtio_end_address, true},
    {"interrupt", virtio_end_intid, true},
};

static int virtio_link_type(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			    void *out)
{
	struct virtio_cfg *v = out;

	if (len == 8 && memcmp(val, "console", 8) == 0) {
		v->type = CONFIG_VIRTIO_CONSOLE;
	} else if (len == 4 && memcmp(val, "net", 4) == 0) {
		v->type = CONFIG_VIRTIO_NET;
	} else {
		return config_fail(c, node, name,
				   "unknown type (this version knows \"console\" and \"net\")");
	}
	return 0;
}

/* The link node itself; its children are the two ends. */
static const struct config_prop virtio_link_props[] = {
    {"type", virtio_link_type, true},
};

static int virtio_parse_one(struct cfg_ctx *c, int node)
{
	struct virtio_cfg *v = &c->cfg->virtio[c->cfg->virtio_count];
	const char *lname = fdt_name(&c->fdt, node);
	u32 ends = 0;
	int child;

	if (!TESSERA_FEAT_VIRTIO) {
		return config_feature_missing(c, node, NULL, "virtio");
	}
	memset(v, 0, sizeof(*v));
	v->node = node;
	if (lname[0] == '\0' || strchr(lname, '@') ||
	    str_nlen(lname, CONFIG_NAME_MAX) >= CONFIG_NAME_MAX) {
		return config_fail(c, node, NULL,
				   "virtio link name must be plain and shorter than %u characters",
				   CONFIG_NAME_MAX);
	}
	str_copy(v->name, lname, sizeof(v->name));
	if (config_parse_props(c, node, virtio_link_props, ARRAY_SIZE(virtio_link_props), v) != 0) {
		return -1;
	}
	for (child = fdt_first_child(&c->fdt, node); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		const char *name = fdt_name(&c->fdt, child);
		int vm = config_find_vm(c->cfg, name);
		struct virtio_end_cfg *e;

		if (vm < 0) {
			return config_fail(c, child, NULL, "no VM named \"%s\"", name);
		}
		if (ends >= 2) {
			ends++;
			continue; /* counted for the message below */
		}
		if (ends == 1 && v->ends[0].vm == (u32)vm) {
			return config_fail(c, child, NULL, "VM %s is already an end of this link",
					   c->cfg->vms[vm].name);
		}
		e = &v->ends[ends++];
		e->vm = (u32)vm;
		e->node = child;
		if (config_parse_props(c, child, virtio_end_props, ARRAY_SIZE(virtio_end_props),
				       e) != 0) {
			return -1;
		}
	}
	if (child != FDT_ERR_NOTFOUND) {
		return config_fail(c, node, NULL, "malformed DTB: %s", fdt_strerror(child));
	}
	if (ends != 2) {
		return config_fail(c, node, NULL, "a virtio link needs exactly 2 ends, found %u",
				   ends);
	}
	for (u32 i = 0; i < 2; i++) {
		if (virtio_check_window(c, &v->ends[i]) != 0 ||
		    virtio_check_irq(c, &v->ends[i]) != 0 || virtio_check_others(c, v, i) != 0) {
			return -1;
		}
	}
	c->cfg->virtio_count++;
	return 0;
}

int config_virtio_parse(struct cfg_ctx *c, int node)
{
	return config_parse_children(c, node, &c->cfg->virtio_count, CONFIG_MAX_VIRTIO,
				     "virtio links", virtio_parse_one);
}
