/* SPDX-License-Identifier: MIT */
/*
 * /channels (docs/CONFIG.md, "Channels"): named shared-memory regions between
 * two to four VMs, each end with its own guest window, stage-2 rights and
 * notification SPI. Parsed after /vms so every end can be checked against the
 * VM it names. A channel's memory is the one exception to "a byte of RAM
 * belongs to at most one VM", so it must be clear of every VM's own RAM, of
 * the hypervisor and of every other channel; the windows and interrupts must
 * fit into each end VM's guest-physical map and vGIC without a clash.
 */
#include "config_int.h"
#include "layout.h"
#include "lib.h"

/* Stage 2 translates a 39-bit IPA space (arch/aarch64/stage2.h, STAGE2_IPA_BITS). */
#define CHAN_IPA_LIMIT (1ULL << 39)

static int chan_plain_name(struct cfg_ctx *c, int node, const char *what)
{
	const char *name = fdt_name(&c->fdt, node);

	if (name[0] == '\0' || strchr(name, '@')) {
		return config_fail(c, node, NULL, "%s node name must be plain (no unit address)",
				   what);
	}
	if (str_nlen(name, CONFIG_NAME_MAX) >= CONFIG_NAME_MAX) {
		return config_fail(c, node, NULL, "%s name longer than %u characters", what,
				   CONFIG_NAME_MAX - 1);
	}
	return 0;
}

/* Physical memory: granule, platform RAM, clear of the hypervisor, every VM and channel. */
static int chan_check_memory(struct cfg_ctx *c, const struct chan_cfg *ch)
{
	const struct platform *p = c->plat;
	const unsigned long long b = ch->phys, s = ch->size;

	if (ch->size == 0 || ch->phys + ch->size < ch->phys) {
		return config_fail(c, ch->node, "memory", "0x%llx+0x%llx is empty or wraps", b, s);
	}
	if (!IS_ALIGNED(ch->phys, SZ_4K) || !IS_ALIGNED(ch->size, SZ_4K)) {
		return config_fail(c, ch->node, "memory", "0x%llx+0x%llx is not 4 KiB aligned", b,
				   s);
	}
	if (!config_in_ram(p, ch->phys, ch->size)) {
		return config_fail(c, ch->node, "memory", "0x%llx+0x%llx is outside platform RAM",
				   b, s);
	}
	if (range_overlaps(ch->phys, ch->size, p->hyp_base, p->hyp_end - p->hyp_base)) {
		return config_fail(c, ch->node, "memory",
				   "0x%llx+0x%llx overlaps the hypervisor range 0x%llx..0x%llx "
				   "(" LAYOUT_HYP_RANGE_HOLDS ")",
				   b, s, (unsigned long long)p->hyp_base,
				   (unsigned long long)p->hyp_end);
	}
	for (u32 k = 0; k < c->cfg->vm_count; k++) {
		const struct vm_cfg *vm = &c->cfg->vms[k];
		for (u32 j = 0; j < vm->mem_count; j++) {
			if (range_overlaps(ch->phys, ch->size, vm->mem[j].phys, vm->mem[j].size)) {
				return config_fail(c, ch->node, "memory",
						   "0x%llx+0x%llx overlaps memory of VM %s", b, s,
						   vm->name);
			}
		}
		if (vm->has_flash &&
		    range_overlaps(ch->phys, ch->size, vm->flash.phys, vm->flash.size)) {
			return config_fail(c, ch->node, "memory",
					   "0x%llx+0x%llx overlaps the flash of VM %s", b, s,
					   vm->name);
		}
		if (vm->has_ckpt &&
		    range_overlaps(ch->phys, ch->size, vm->ckpt.phys, vm->ckpt.size)) {
			return config_fail(c, ch->node, "memory",
					   "0x%llx+0x%llx overlaps the checkpoint memory of VM %s",
					   b, s, vm->name);
		}
	}
	for (u32 k = 0; k < c->cfg->chan_count; k++) {
		const struct chan_cfg *o = &c->cfg->chans[k];
		if (range_overlaps(ch->phys, ch->size, o->phys, o->size)) {
			return config_fail(c, ch->node, "memory",
					   "0x%llx+0x%llx overlaps the memory of channel %s", b, s,
					   o->name);
		}
	}
	return 0;
}

/* The window and interrupt of end e (VM vm) against that VM and its earlier channels. */
static int chan_check_end(struct cfg_ctx *c, const struct chan_cfg *ch,
			  const struct chan_end_cfg *e)
{
	const struct vm_cfg *vm = &c->cfg->vms[e->vm];
	const unsigned long long a = e->ipa, s = ch->size;
	struct config_emul_window w;

	if (!IS_ALIGNED(e->ipa, SZ_4K)) {
		return config_fail(c, e->node, "address", "0x%llx is not 4 KiB aligned", a);
	}
	if (e->ipa + ch->size < e->ipa || e->ipa + ch->size > CHAN_IPA_LIMIT) {
		return config_fail(c, e->node, "address",
				   "window 0x%llx+0x%llx is beyond the 39-bit guest-physical space",
				   a, s);
	}
	if (config_emulated_overlap(vm, e->ipa, ch->size, &w)) {
		return config_fail(c, e->node, "address",
				   "window 0x%llx+0x%llx overlaps the emulated %s 0x%llx..0x%llx "
				   "of VM %s",
				   a, s, w.what, w.base, w.end, vm->name);
	}
	for (u32 i = 0; i < vm->mem_count; i++) {
		if (range_overlaps(e->ipa, ch->size, vm->mem[i].ipa, vm->mem[i].size)) {
			return config_fail(c, e->node, "address",
					   "window 0x%llx+0x%llx overlaps the guest RAM of VM %s",
					   a, s, vm->name);
		}
	}
	if (vm->has_flash && range_overlaps(e->ipa, ch->size, 0, vm->flash.size)) {
		return config_fail(c, e->node, "address",
				   "window 0x%llx+0x%llx overlaps the flash of VM %s", a, s,
				   vm->name);
	}
	for (u32 i = 0; i < vm->dev_count; i++) {
		const struct dev_cfg *d = &vm->devs[i];
		if (range_overlaps(e->ipa, ch->size, d->base, d->size)) {
			return config_fail(c, e->node, "address",
					   "window 0x%llx+0x%llx overlaps device %s of VM %s", a, s,
					   d->name, vm->name);
		}
		for (u32 j = 0; j < d->irq_count; j++) {
			if (d->irqs[j] == e->intid) {
				return config_fail(
				    c, e->node, "interrupt",
				    "IRQ %u is pass-through IRQ of device %s of VM %s", e->intid,
				    d->name, vm->name);
			}
		}
	}
	for (u32 k = 0; k < c->cfg->chan_count; k++) {
		const struct chan_cfg *o = &c->cfg->chans[k];
		for (u32 j = 0; j < o->end_count; j++) {
			const struct chan_end_cfg *oe = &o->ends[j];
			if (oe->vm != e->vm) {
				continue;
			}
			if (range_overlaps(e->ipa, ch->size, oe->ipa, o->size)) {
				return config_fail(c, e->node, "address",
						   "window 0x%llx+0x%llx overlaps the window of "
						   "channel %s in VM %s",
						   a, s, o->name, vm->name);
			}
			if (oe->intid == e->intid) {
				return config_fail(c, e->node, "interrupt",
						   "IRQ %u already used by channel %s in VM %s",
						   e->intid, o->name, vm->name);
			}
		}
	}
	return 0;
}

static int chan_end_address(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			    void *out)
{
	struct chan_end_cfg *e = out;

	if (len != 8) {
		return config_fail(c, node, name, "expected 2 cells <hi lo>, got %u bytes", len);
	}
	e->ipa = be64_load(val);
	return 0;
}

static int chan_end_access(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct chan_end_cfg *e = out;

	if (len == 3 && memcmp(val, "rw", 3) == 0) {
		e->ro = false;
	} else if (len == 3 && memcmp(val, "ro", 3) == 0) {
		e->ro = true;
	} else {
		return config_fail(c, node, name, "expected \"rw\" or \"ro\"");
	}
	return 0;
}

static int chan_end_intid(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out)
{
	const struct platform *p = c->plat;
	struct chan_end_cfg *e = out;

	if (len != 4) {
		return config_fail(c, node, name, "expected one cell <intid>, got %u bytes", len);
	}
	e->intid = be32_load(val);
	if (e->intid < PLATFORM_FIRST_SHARED_INTID || e->intid >= p->intid_limit ||
	    e->intid > CONFIG_MAX_INTID) {
		return config_fail(c, node, name, "IRQ %u is not an SPI (%u..%u)", e->intid,
				   PLATFORM_FIRST_SHARED_INTID,
				   MIN(p->intid_limit - 1, CONFIG_MAX_INTID));
	}
	if (e->intid == p->uart_intid || e->intid == GUEST_UART_INTID) {
		return config_fail(c, node, name, "IRQ %u is the UART interrupt", e->intid);
	}
	return 0;
}

/* An end (a child of the channel named after its VM): all required, nothing else. */
static const struct config_prop chan_end_props[] = {
    {"address", chan_end_address, true},
    {"access", chan_end_access, true},
    {"interrupt", chan_end_intid, true},
};

static int chan_parse_ends(struct cfg_ctx *c, struct chan_cfg *ch)
{
	int child;

	for (child = fdt_first_child(&c->fdt, ch->node); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		const char *name = fdt_name(&c->fdt, child);
		struct chan_end_cfg *e;
		int vm = config_find_vm(c->cfg, name);

		if (vm < 0) {
			return config_fail(c, child, NULL, "no VM named \"%s\"", name);
		}
		for (u32 j = 0; j < ch->end_count; j++) {
			if (ch->ends[j].vm == (u32)vm) {
				return config_fail(c, child, NULL,
						   "VM %s is already an end of this channel",
						   c->cfg->vms[vm].name);
			}
		}
		if (ch->end_count == CONFIG_MAX_ENDS) {
			return config_fail(c, child, NULL, "too many ends (max %u)",
					   CONFIG_MAX_ENDS);
		}
		e = &ch->ends[ch->end_count];
		e->vm = (u32)vm;
		e->node = child;
		if (config_parse_props(c, child, chan_end_props, ARRAY_SIZE(chan_end_props), e) !=
		    0) {
			return -1;
		}
		ch->end_count++;
	}
	if (child != FDT_ERR_NOTFOUND) {
		return config_fail(c, ch->node, NULL, "malformed DTB: %s", fdt_strerror(child));
	}
	if (ch->end_count < 2) {
		return config_fail(c, ch->node, NULL, "a channel needs 2 to %u ends, found %u",
				   CONFIG_MAX_ENDS, ch->end_count);
	}
	return 0;
}

static int chan_parse_memory(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct chan_cfg *ch = out;

	if (len != 16) {
		return config_fail(c, node, name, "expected <addr-hi addr-lo size-hi size-lo>");
	}
	ch->phys = be64_load(val);
	ch->size = be64_load(val + 8);
	return 0;
}

/* The channel node itself; its children are the ends. */
static const struct config_prop chan_props[] = {
    {"memory", chan_parse_memory, true},
};

/* One channel node into cfg->chans[cfg->chan_count]; counted only when fully valid. */
static int chan_parse_one(struct cfg_ctx *c, int node)
{
	struct chan_cfg *ch = &c->cfg->chans[c->cfg->chan_count];

	memset(ch, 0, sizeof(*ch));
	ch->node = node;
	if (chan_plain_name(c, node, "channel") != 0) {
		return -1;
	}
	str_copy(ch->name, fdt_name(&c->fdt, node), sizeof(ch->name));
	if (config_parse_props(c, node, chan_props, ARRAY_SIZE(chan_props), ch) != 0 ||
	    chan_check_memory(c, ch) != 0 || chan_parse_ends(c, ch) != 0) {
		return -1;
	}
	for (u32 i = 0; i < ch->end_count; i++) {
		if (chan_check_end(c, ch, &ch->ends[i]) != 0) {
			return -1;
		}
	}
	c->cfg->chan_count++;
	return 0;
}

int config_chan_parse(struct cfg_ctx *c, int node)
{
	return config_parse_children(c, node, &c->cfg->chan_count, CONFIG_MAX_CHANS, "channels",
				     chan_parse_one);
}
