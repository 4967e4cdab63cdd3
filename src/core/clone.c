/* SPDX-License-Identifier: MIT */
/*
 * tessera ctl clone VM TARGET (docs/SNAPSHOT.md "Clone"): the running or paused VM's state
 * goes into the stopped VM slot TARGET through the snapshot machinery (the capture's stream
 * fed straight into a restore, so the copy passes every check a restore from a file passes),
 * then TARGET gets its own identity (a new generation id, in its DTB and by hypercall) and
 * both run on. Runs on the management CPU with the operation lock held.
 */
#include "clone.h"
#include "generation.h"
#include "lib.h"
#include "mem.h"
#include "snapshot_int.h"

/* "net at 0x.. SPI n" (or "none"): virtio link end n of vm. */
static bool clone_link_desc(const struct vm *vm, u32 n, char *buf, u32 size)
{
	u32 type, intid;
	u64 ipa;

	if (!snap_vlink_end(vm, n, &type, &ipa, &intid)) {
		fmt_snprintf(buf, size, "none");
		return false;
	}
	fmt_snprintf(buf, size, "%s at 0x%llx SPI %u",
		     type == CONFIG_VIRTIO_NET ? "net" : "console", (unsigned long long)ipa, intid);
	return true;
}

/* The same virtio link ends: type, window and interrupt each (the guest's drivers find their
 * devices where the source's were). */
static int clone_links(const struct vm *src, const struct vm *dst, char *err)
{
	char a[48], b[48];

	for (u32 n = 0; n < CONFIG_MAX_VIRTIO; n++) {
		bool has_a = clone_link_desc(src, n, a, sizeof(a));
		bool has_b = clone_link_desc(dst, n, b, sizeof(b));

		if (strcmp(a, b) != 0) {
			fmt_snprintf(err, SNAP_ERR_MAX,
				     "shape differs: virtio device %u is %s in %s, %s in %s", n, a,
				     src->cfg->name, b, dst->cfg->name);
			return -1;
		}
		if (!has_a && !has_b) {
			break;
		}
	}
	return 0;
}

/* Same shape: what the restore's header check compares, said before anything is paused. */
static int clone_shape(const struct vm *src, const struct vm *dst, char *err)
{
	struct snap_regions a, b;

	if (src->vcpu_count != dst->vcpu_count) {
		fmt_snprintf(err, SNAP_ERR_MAX, "shape differs: %s has %u vCPUs, %s has %u",
			     src->cfg->name, src->vcpu_count, dst->cfg->name, dst->vcpu_count);
		return -1;
	}
	snap_regions(src, &a);
	snap_regions(dst, &b);
	for (u32 i = 0; i < MAX(a.n, b.n); i++) {
		if (i >= a.n || i >= b.n || a.r[i].ipa != b.r[i].ipa ||
		    a.r[i].size != b.r[i].size) {
			fmt_snprintf(err, SNAP_ERR_MAX,
				     "shape differs: memory region %u is %llu KiB at 0x%llx in %s, "
				     "%llu KiB at 0x%llx in %s",
				     i, (unsigned long long)(a.r[i].size >> 10),
				     (unsigned long long)a.r[i].ipa, src->cfg->name,
				     (unsigned long long)(b.r[i].size >> 10),
				     (unsigned long long)b.r[i].ipa, dst->cfg->name);
			return -1;
		}
	}
	return clone_links(src, dst, err);
}

static int clone_check(const struct vm *src, const struct vm *dst, char *err)
{
	u32 st = __atomic_load_n(&dst->state, __ATOMIC_ACQUIRE);

	if (src == dst) {
		fmt_snprintf(err, SNAP_ERR_MAX, "a VM cannot be cloned into itself");
		return -1;
	}
	if (st != VM_STOPPED) {
		fmt_snprintf(err, SNAP_ERR_MAX, "target %s is %s (clone needs a stopped target)",
			     dst->cfg->name, vm_state_name(st));
		return -1;
	}
	if (snapshot_refusal(dst, err, SNAP_ERR_MAX)) {
		return -1;
	}
	return clone_shape(src, dst, err);
}

/* The capture's stream into the restore, a page at a time. */
static int clone_pipe(struct vm *src, struct vm *dst, u8 *buf, u64 *bytes, char *err)
{
	u64 pos = 0, at;
	u32 got;

	do {
		if (snapshot_read(src, pos, buf, SNAP_PAGE, &got, err) != 0 ||
		    (got && restore_feed(dst, buf, got, &at, err) != 0)) {
			return -1;
		}
		pos += got;
	} while (got);
	*bytes = pos;
	return 0;
}

int vm_clone(struct vm *src, struct vm *dst, struct clone_result *res, char *err)
{
	u64 total;
	u8 *buf;
	int rc;

	if (clone_check(src, dst, err) != 0) {
		return -1;
	}
	buf = page_alloc();
	if (!buf) {
		fmt_snprintf(err, SNAP_ERR_MAX, "no free page in the hypervisor's pool");
		return -1;
	}
	rc = snapshot_begin(src, &total, err);
	if (rc == 0) {
		char ignore[SNAP_ERR_MAX];

		rc = restore_begin(dst, err);
		if (rc == 0 && clone_pipe(src, dst, buf, &res->bytes, err) != 0) {
			restore_end(dst, ignore); /* incomplete: scrubbed, stopped */
			rc = -1;
		}
		if (rc == 0) {
			/* Its memory is final and it has not run yet: its own identity now. */
			res->dtb_patched = vm_generation_renew(dst);
			res->generation = dst->generation;
			rc = restore_end(dst, err);
		}
		snapshot_end(src, &res->paused_us, ignore);
	}
	page_free(buf);
	return rc;
}
