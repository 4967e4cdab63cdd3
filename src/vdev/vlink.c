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

void vlink_wrote(void *ctx, const void *p, u32 n)
{
	const struct vlink_end *e = ctx;

	if (vlink_env->wrote) {
		vlink_env->wrote(e->vm, p, n);
	}
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
				l->end[s].dev.frozen = false;
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

/* ---- snapshots (docs/SNAPSHOT.md "The virtio sections") ---- */

_Static_assert(VLINK_SNAP_SIZE == 48U + VMMIO_SNAP_SIZE, "section layout");
_Static_assert(VLINK_BUF <= 4096U, "pending bytes fit the one-page staging buffer");

/* VM vm's n-th end (config order), or NULL. */
static struct vlink_end *vlink_vm_end(u32 vm, u32 n)
{
	for (u32 i = 0; i < link_count; i++) {
		for (u32 s = 0; s < 2; s++) {
			if (links[i].end[s].vm == vm && n-- == 0) {
				return &links[i].end[s];
			}
		}
	}
	return NULL;
}

u32 vlink_vm_ends(u32 vm)
{
	u32 n = 0;

	while (vlink_vm_end(vm, n)) {
		n++;
	}
	return n;
}

void vlink_vm_freeze(u32 vm)
{
	struct vlink_end *e;

	for (u32 n = 0; (e = vlink_vm_end(vm, n)) != NULL; n++) {
		spin_lock(&e->link->lock);
		e->dev.frozen = true;
		spin_unlock(&e->link->lock);
	}
}

void vlink_vm_thaw(u32 vm)
{
	struct vlink_end *e;

	for (u32 n = 0; (e = vlink_vm_end(vm, n)) != NULL; n++) {
		const struct vlink_kind *k = vlink_kind_of(e->dev.device_id);

		spin_lock(&e->link->lock);
		e->dev.frozen = false;
		vlink_irq(e, e->dev.isr != 0);
		if (k && k->kick) {
			k->kick(e);
		}
		spin_unlock(&e->link->lock);
	}
}

/* The config space as the driver reads it, 8 bytes (net: mac, status; console: none). */
static void vlink_config(struct vlink_end *e, u8 *out)
{
	for (u32 i = 0; i < 8; i++) {
		out[i] = e->dev.ops->config_byte ? e->dev.ops->config_byte(&e->dev, i) : 0;
	}
}

u32 vlink_snap_put(u32 vm, u32 n, u8 *out, u8 *pend)
{
	struct vlink_end *e = vlink_vm_end(vm, n);
	const struct vlink_kind *k;
	u32 count = 0, tx_off = 0;

	memset(out, 0, VLINK_SNAP_SIZE);
	if (!e) {
		return 0;
	}
	k = vlink_kind_of(e->dev.device_id);
	spin_lock(&e->link->lock);
	le32_store(out, VLINK_SNAP_VERSION);
	le32_store(out + 4, e->dev.device_id);
	le32_store(out + 8, (u32)e->ipa);
	le32_store(out + 12, (u32)(e->ipa >> 32));
	le32_store(out + 16, e->intid);
	le32_store(out + 20, e->link->index);
	le32_store(out + 24, e->side);
	if (k && k->snap_put) {
		count = k->snap_put(e, pend, &tx_off);
	}
	le32_store(out + 28, tx_off);
	le32_store(out + 32, count);
	vlink_config(e, out + 40);
	vmmio_snap_put(&e->dev, out + 48);
	spin_unlock(&e->link->lock);
	return count;
}

/* The link's part of a section: the end's shape, the kind's rules. */
static const char *vlink_snap_check(struct vlink_end *e, const u8 *in)
{
	const struct vlink_kind *k = vlink_kind_of(e->dev.device_id);
	u64 ipa = le32_load(in + 8) | (u64)le32_load(in + 12) << 32;
	u32 tx_off = le32_load(in + 28), pending = le32_load(in + 32);
	/* The transmit queue's QueueReady word in the transport's part. */
	u32 tx_ready = le32_load(in + 48 + 32 + VMMIO_SNAP_QUEUE * 1 + 4);

	if (le32_load(in) != VLINK_SNAP_VERSION) {
		return "layout version is not 1";
	}
	if (le32_load(in + 4) != e->dev.device_id) {
		return "device type differs from the VM's (console, net)";
	}
	if (ipa != e->ipa || le32_load(in + 16) != e->intid) {
		return "window address or interrupt differs from the VM's";
	}
	if (le32_load(in + 36) != 0) {
		return "reserved word not zero";
	}
	if (!k || !k->snap_put) {
		if (tx_off || pending) {
			return "transmit progress or pending bytes on a device that holds none";
		}
	} else if (pending > VLINK_BUF) {
		return "more pending bytes than the link holds";
	} else if (tx_off && tx_ready != 1) {
		return "transmit progress on a queue that is not ready";
	}
	if (e->dev.ops->config_byte == NULL) {
		for (u32 i = 0; i < 8; i++) {
			if (in[40 + i]) {
				return "config space bytes on a device without one";
			}
		}
	}
	return NULL;
}

int vlink_snap_get(u32 vm, u32 n, const u8 *in, u32 *pending, const char **why)
{
	struct vlink_end *e = vlink_vm_end(vm, n);
	const struct vlink_kind *k;
	u8 cfg[8];

	*pending = 0;
	if (!e) {
		*why = "the VM has no such virtio device";
		return -1;
	}
	k = vlink_kind_of(e->dev.device_id);
	spin_lock(&e->link->lock);
	e->dev.frozen = true; /* the peer leaves it alone until the thaw */
	*why = vlink_snap_check(e, in);
	if (*why || vmmio_snap_get(&e->dev, in + 48, why) != 0) {
		spin_unlock(&e->link->lock);
		return -1;
	}
	if (k && k->snap_tx) {
		k->snap_tx(e, le32_load(in + 28));
	}
	/* The driver read another config space (another end's MAC: a clone, or a restore into
	 * another slot): a configuration change (4.2.2: ConfigGeneration, InterruptStatus bit
	 * 1), so that it reads it again. The line follows at the thaw. */
	vlink_config(e, cfg);
	if (memcmp(cfg, in + 40, sizeof(cfg)) != 0 && (e->dev.status & VIRTIO_STATUS_DRIVER_OK)) {
		e->dev.config_gen++;
		e->dev.isr |= VMMIO_INT_CONFIG;
	}
	spin_unlock(&e->link->lock);
	*pending = le32_load(in + 32);
	return 0;
}

void vlink_snap_pending(u32 vm, u32 n, const u8 *p, u32 len)
{
	struct vlink_end *e = vlink_vm_end(vm, n);
	const struct vlink_kind *k = e ? vlink_kind_of(e->dev.device_id) : NULL;

	if (k && k->snap_pending) {
		spin_lock(&e->link->lock);
		k->snap_pending(e, p, MIN(len, VLINK_BUF));
		spin_unlock(&e->link->lock);
	}
}
