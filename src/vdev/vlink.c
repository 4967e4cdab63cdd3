/* SPDX-License-Identifier: MIT */
/*
 * The virtio link base (docs/VIRTIO.md): one table of links of every kind,
 * each with its lock and two ends, and what every kind does the same way:
 * building the devices, finding the one a VM's access hits, resetting a VM's
 * devices, and the transport callbacks into a VM's RAM and vGIC (through the
 * core's vlink_env, whose irq is the lifecycle-protocol bracket). What moves
 * between the ends is the kind's: vlink_console.c, vlink_net.c.
 */
#include "lib.h"
#include "vlink_int.h"

static struct vlink links[CONFIG_MAX_VIRTIO];
static u32 link_count;
static const struct vlink_env *vlink_env;

void *vlink_xlate(void *ctx, u64 gpa, u64 size)
{
	const struct vlink_end *e = ctx;

	return vlink_env->xlate(e->vm, gpa, size);
}

void vlink_irq(void *ctx, bool level)
{
	const struct vlink_end *e = ctx;

	vlink_env->irq(e->vm, e->intid, level);
}

static const struct vlink_kind *vlink_kind_of(u32 type)
{
	switch (type) {
	case CONFIG_VIRTIO_CONSOLE:
		return &vlink_console_kind;
	case CONFIG_VIRTIO_NET:
		return &vlink_net_kind;
	default:
		return NULL; /* the config check knows no other type */
	}
}

void vlink_setup(const struct config *cfg, const struct vlink_env *env)
{
	vlink_env = env;
	link_count = 0;
	for (u32 i = 0; i < cfg->virtio_count && i < CONFIG_MAX_VIRTIO; i++) {
		const struct virtio_cfg *vc = &cfg->virtio[i];
		const struct vlink_kind *k = vlink_kind_of(vc->type);
		struct vlink *l;

		if (!k) {
			continue;
		}
		l = &links[link_count++];
		memset(l, 0, sizeof(*l));
		spin_init(&l->lock);
		l->index = i;
		for (u32 s = 0; s < 2; s++) {
			struct vlink_end *e = &l->end[s];

			e->link = l;
			e->side = s;
			e->vm = vc->ends[s].vm;
			e->ipa = vc->ends[s].ipa;
			e->intid = vc->ends[s].intid;
			vmmio_init(&e->dev, vc->type, k->features, 2, k->ops, e);
		}
	}
}

bool vlink_mmio(u32 vm, u64 ipa, u32 size, bool write, u64 *val)
{
	for (u32 i = 0; i < link_count; i++) {
		struct vlink *l = &links[i];

		for (u32 s = 0; s < 2; s++) {
			struct vlink_end *e = &l->end[s];

			if (e->vm != vm || ipa < e->ipa || ipa - e->ipa >= VMMIO_WINDOW_SIZE ||
			    size > VMMIO_WINDOW_SIZE - (ipa - e->ipa)) {
				continue;
			}
			spin_lock(&l->lock);
			vmmio_access(&e->dev, ipa - e->ipa, size, write, val);
			spin_unlock(&l->lock);
			return true;
		}
	}
	return false;
}

void vlink_vm_reset(u32 vm)
{
	for (u32 i = 0; i < link_count; i++) {
		struct vlink *l = &links[i];

		spin_lock(&l->lock);
		for (u32 s = 0; s < 2; s++) {
			if (l->end[s].vm == vm) {
				vmmio_reset(&l->end[s].dev);
			}
		}
		spin_unlock(&l->lock);
	}
}

struct vlink *vlink_nth(u32 type, u32 n)
{
	for (u32 i = 0; i < link_count; i++) {
		if (links[i].end[0].dev.device_id == type && n-- == 0) {
			return &links[i];
		}
	}
	return NULL;
}
