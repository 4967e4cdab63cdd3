/* SPDX-License-Identifier: MIT */
/*
 * Where a VM's kernel, initrd and DTB go (docs/CONFIG.md, "Guest memory
 * layout"), following the Linux arm64 boot protocol (booting.rst): the DTB is
 * 8-byte aligned and kept out of the kernel's way, the initrd sits below it.
 */
#include "config_int.h"
#include "lib.h"

bool config_vm_ipa_to_phys(const struct vm_cfg *vm, ipa_t ipa, u64 size, paddr_t *phys)
{
	for (u32 i = 0; i < vm->mem_count && i < CONFIG_MAX_MEM; i++) {
		const struct mem_cfg *m = &vm->mem[i];
		/* One region only: with virt-layout, neighbouring regions are contiguous
		 * in the guest but not in host memory, and loaders copy to one address. */
		if (size != 0 && range_within(ipa, size, m->ipa, m->size)) {
			if (phys) {
				*phys = m->phys + (ipa - m->ipa);
			}
			return true;
		}
	}
	/* The boot flash: a region like the others, at guest-physical 0. */
	if (vm->has_flash && size != 0 && range_within(ipa, size, 0, vm->flash.size)) {
		if (phys) {
			*phys = vm->flash.phys + ipa;
		}
		return true;
	}
	return false;
}

/* The error itself, not config_fail_path: a signed update lays out its image after boot
 * (core/update.c), when config.c's boot-only code is gone. */
static int layout_error(const struct vm_cfg *vm, struct config_error *err, const char *prop,
			const char *msg)
{
	fmt_snprintf(err->node, sizeof(err->node), "/vms/%s", vm->name);
	str_copy(err->prop, prop, sizeof(err->prop));
	str_copy(err->msg, msg, sizeof(err->msg));
	return -1;
}

static int layout_fail(const struct vm_cfg *vm, struct config_error *err, const char *prop,
		       const char *msg, u64 a, u64 s)
{
	char m[sizeof(err->msg)];

	fmt_snprintf(m, sizeof(m), "%s (0x%llx+0x%llx)", msg, (unsigned long long)a,
		     (unsigned long long)s);
	return layout_error(vm, err, prop, m);
}

/* Default DTB place: the top VM_DTB_MAX bytes of the highest region, as far
 * from a kernel loaded near the base as possible; 64 KiB alignment satisfies
 * booting.rst's 8 bytes. The initrd then goes directly below it. */
static bool layout_default_dtb(const struct vm_cfg *vm, ipa_t *dtb)
{
	const struct mem_cfg *top = NULL;

	for (u32 i = 0; i < vm->mem_count; i++) {
		if (!top || vm->mem[i].ipa > top->ipa) {
			top = &vm->mem[i];
		}
	}
	if (!top || top->size < VM_DTB_MAX) {
		return false;
	}
	*dtb = top->ipa + top->size - VM_DTB_MAX;
	return true;
}

static int layout_kernel(const struct vm_cfg *vm, const u8 *image, u64 image_size,
			 struct vm_layout *out, struct config_error *err)
{
	const char *why = "";
	struct image_info *k = &out->kernel;

	if (image_probe(image, image_size, vm->image_format, vm->mem[0].ipa, vm->has_load_addr,
			vm->load_addr, vm->has_entry, vm->entry, k, &why) != 0) {
		return layout_error(vm, err, "image", why);
	}
	for (u32 i = 0; i < k->seg_count; i++) {
		if (!config_vm_ipa_to_phys(vm, k->seg[i].ipa, k->seg[i].mem_size, NULL)) {
			return layout_fail(vm, err, "image", "image does not fit in the VM's RAM",
					   k->seg[i].ipa, k->seg[i].mem_size);
		}
	}
	out->entry = k->entry;
	return 0;
}

/* True if [a, a+s) overlaps any kernel segment. */
static bool layout_hits_kernel(const struct image_info *k, u64 a, u64 s)
{
	for (u32 i = 0; i < k->seg_count; i++) {
		if (range_overlaps(a, s, k->seg[i].ipa, k->seg[i].mem_size)) {
			return true;
		}
	}
	return false;
}

static int layout_dtb(const struct vm_cfg *vm, struct vm_layout *out, struct config_error *err)
{
	out->dtb_max = VM_DTB_MAX;
	if (vm->has_dtb_addr) {
		out->dtb_ipa = vm->dtb_addr;
		if (!IS_ALIGNED(out->dtb_ipa, 8)) {
			return layout_fail(vm, err, "dtb-address", "DTB must be 8-byte aligned",
					   out->dtb_ipa, VM_DTB_MAX);
		}
	} else if (!layout_default_dtb(vm, &out->dtb_ipa)) {
		return layout_fail(vm, err, "memory", "no room for the DTB in the highest region",
				   vm->mem[0].ipa, VM_DTB_MAX);
	}
	if (!config_vm_ipa_to_phys(vm, out->dtb_ipa, VM_DTB_MAX, NULL)) {
		return layout_fail(vm, err, "dtb-address", "DTB area does not fit in the VM's RAM",
				   out->dtb_ipa, VM_DTB_MAX);
	}
	if (layout_hits_kernel(&out->kernel, out->dtb_ipa, VM_DTB_MAX)) {
		return layout_fail(vm, err, vm->has_dtb_addr ? "dtb-address" : "image",
				   "DTB area overlaps the kernel", out->dtb_ipa, VM_DTB_MAX);
	}
	return 0;
}

static int layout_initrd(const struct vm_cfg *vm, u64 initrd_size, struct vm_layout *out,
			 struct config_error *err)
{
	u64 s = initrd_size;

	out->initrd_size = initrd_size;
	if (!vm->initrd[0]) {
		return 0;
	}
	if (s == 0) {
		return layout_fail(vm, err, "initrd", "initrd is empty", 0, 0);
	}
	if (vm->has_initrd_addr) {
		out->initrd_ipa = vm->initrd_addr;
	} else if (s > out->dtb_ipa) {
		return layout_fail(vm, err, "initrd", "initrd does not fit below the DTB",
				   out->dtb_ipa, s);
	} else {
		out->initrd_ipa = ALIGN_DOWN(out->dtb_ipa - s, SZ_4K);
	}
	if (!config_vm_ipa_to_phys(vm, out->initrd_ipa, s, NULL)) {
		return layout_fail(vm, err, "initrd", "initrd does not fit in the VM's RAM",
				   out->initrd_ipa, s);
	}
	if (layout_hits_kernel(&out->kernel, out->initrd_ipa, s)) {
		return layout_fail(vm, err, "initrd", "initrd does not fit: overlaps the kernel",
				   out->initrd_ipa, s);
	}
	if (range_overlaps(out->initrd_ipa, s, out->dtb_ipa, VM_DTB_MAX)) {
		return layout_fail(vm, err, "initrd", "initrd overlaps the DTB area",
				   out->initrd_ipa, s);
	}
	return 0;
}

int config_vm_layout(const struct vm_cfg *vm, const u8 *image, u64 image_size, u64 initrd_size,
		     struct vm_layout *out, struct config_error *err)
{
	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (vm->mem_count == 0) {
		return layout_fail(vm, err, "memory", "VM has no memory", 0, 0);
	}
	if (layout_kernel(vm, image, image_size, out, err) != 0 || layout_dtb(vm, out, err) != 0 ||
	    layout_initrd(vm, initrd_size, out, err) != 0) {
		return -1;
	}
	return 0;
}
