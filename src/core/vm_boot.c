/* SPDX-License-Identifier: MIT */
/*
 * VM construction at boot (boot-only: src/init-objects.txt, released with .init): every VM
 * is validated (config, images, layouts, stage-2 tables) before any guest memory is
 * written, so a bad config boots nothing; then each is loaded and its DTB generated once
 * (the copy vm.c puts back on a restart).
 */
#include "vm_devices.h"
#include "sched_loop.h"
#include "health.h"
#include "chan.h"
#include "bootprof.h"
#include "console.h"
#include "lib.h"
#include "measure.h"
#include "mem.h"
#include "pack.h"
#include "generation.h"
#include "update.h"
#include "vm.h"
#include "vm_dtb.h"
#include "vm_int.h"

static int vm_find_images(struct vm *vm, const void *pack, struct config_error *err)
{
	const struct vm_cfg *cfg = vm->cfg;

	memset(err, 0, sizeof(*err));
	fmt_snprintf(err->node, sizeof(err->node), "/vms/%s", cfg->name);
	if (pack_find(pack, cfg->image, &vm->image, &vm->image_size) != 0) {
		str_copy(err->prop, "image", sizeof(err->prop));
		fmt_snprintf(err->msg, sizeof(err->msg), "\"%s\" is not in the system image",
			     cfg->image);
		return -1;
	}
	update_boot_image(vm, &vm->image, &vm->image_size); /* a confirmed update's, if any */
	vm->initrd = NULL;
	vm->initrd_size = 0;
	if (cfg->initrd[0] && pack_find(pack, cfg->initrd, &vm->initrd, &vm->initrd_size) != 0) {
		str_copy(err->prop, "initrd", sizeof(err->prop));
		fmt_snprintf(err->msg, sizeof(err->msg), "\"%s\" is not in the system image",
			     cfg->initrd);
		return -1;
	}
	return config_vm_layout(cfg, vm->image, vm->image_size, vm->initrd_size, &vm->layout, err);
}

static int vm_map(struct vm *vm, struct config_error *err)
{
	const struct vm_cfg *cfg = vm->cfg;
	struct arch_vm *a = &vm->arch;
	int r = arch_vm_init(a, vm->id + 1); /* hardware VM ids from 1 */

	for (u32 i = 0; r == 0 && i < cfg->mem_count; i++) {
		r = arch_vm_map(a, cfg->mem[i].ipa, cfg->mem[i].phys, cfg->mem[i].size,
				ARCH_MAP_NORMAL);
	}
	if (r == 0 && cfg->has_flash) { /* boot flash: RAM at guest-physical 0, read-write */
		r = arch_vm_map(a, 0, cfg->flash.phys, cfg->flash.size, ARCH_MAP_NORMAL);
	}
	for (u32 i = 0; r == 0 && i < cfg->dev_count; i++) {
		r = arch_vm_map(a, cfg->devs[i].base, cfg->devs[i].base,
				ALIGN_UP(cfg->devs[i].size, SZ_4K), ARCH_MAP_DEVICE);
	}
	/* Channel memory: into exactly its end VMs, with each end's rights (core/chan.c). */
	for (u32 c = 0; r == 0 && c < system_config.chan_count; c++) {
		const struct chan_cfg *ch = &system_config.chans[c];

		for (u32 e = 0; r == 0 && e < ch->end_count; e++) {
			if (ch->ends[e].vm == vm->id) {
				r = arch_vm_map(a, ch->ends[e].ipa, ch->phys, ch->size,
						ARCH_MAP_NORMAL |
						    (ch->ends[e].ro ? ARCH_MAP_RO : 0));
			}
		}
	}
	chan_vm_init(vm);
	if (r != 0) {
		fmt_snprintf(err->msg, sizeof(err->msg),
			     "cannot build its address space (hypervisor page pool exhausted)");
		return -1;
	}
	return 0;
}

/* Builds the VM's DTB into its RAM (boot only: vm_dtb.c and the FDT writer are in .init)
 * and keeps a copy in hypervisor pages for restarts. */
static int vm_dtb_save(struct vm *vm)
{
	const struct vm_layout *l = &vm->layout;
	paddr_t pa;

	vm->generation = vm_generation_new(vm);
	if (!config_vm_ipa_to_phys(vm->cfg, l->dtb_ipa, l->dtb_max, &pa) ||
	    vm_dtb_build(vm, vm_phys_ptr(pa), l->dtb_max) != 0) {
		return -1;
	}
	const u8 *dtb = vm_phys_ptr(pa);
	u32 size = ((u32)dtb[4] << 24) | ((u32)dtb[5] << 16) | ((u32)dtb[6] << 8) | dtb[7];

	if (size > VM_DTB_SAVE_PAGES * (u32)SZ_4K) {
		console_log(LOG_ERROR, "VM %u '%s': generated DTB of %u bytes is over %u\n", vm->id,
			    vm->cfg->name, size, VM_DTB_SAVE_PAGES * (u32)SZ_4K);
		return -1;
	}
	for (u32 off = 0, i = 0; off < size; off += (u32)SZ_4K, i++) {
		vm->dtb_pages[i] = page_alloc();
		if (!vm->dtb_pages[i]) {
			return -1;
		}
		memcpy(vm->dtb_pages[i], dtb + off,
		       size - off < (u32)SZ_4K ? size - off : (u32)SZ_4K);
	}
	vm->dtb_size = size;
	arch_dcache_clean(pa, size);
	return 0;
}

/* The first boot's load (RAM not yet used by anyone), in two profiled phases. */
static int vm_first_load(struct vm *vm)
{
	if (vm_load_images(vm, false) != 0) {
		return -1;
	}
	bootprof_lap(BOOTPROF_LOAD);
	return vm_dtb_save(vm);
}

int vm_create_all(const void *pack, struct config_error *err)
{
	const u8 *dtb;
	u64 dtb_size;

	memset(err, 0, sizeof(*err));
	if (pack_find(pack, "config.dtb", &dtb, &dtb_size) != 0) {
		str_copy(err->msg, "system image has no config.dtb", sizeof(err->msg));
		return -1;
	}
	if (config_parse(dtb, dtb_size, &system_platform, &system_config, err) != 0) {
		return -1;
	}
	bootprof_lap(BOOTPROF_CONFIG);
	vm_count = system_config.vm_count;
	for (u32 i = 0; i < vm_count; i++) {
		vms[i].id = i;
		vms[i].cfg = &system_config.vms[i];
		vms[i].vcpu_count = system_config.vms[i].vcpu_count;
		if (vm_find_images(&vms[i], pack, err) != 0 || vm_map(&vms[i], err) != 0) {
			return -1;
		}
	}
	bootprof_lap(BOOTPROF_LAYOUT);
	/* Everything checked: only now write guest memory and bind vCPUs to CPUs. */
	for (u32 i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];

		vm_devices_create(vm);
		for (u32 v = 0; v < vm->vcpu_count; v++) {
			vm->vcpus[v].vm = vm;
			vm->vcpus[v].id = v;
			vm->vcpus[v].pcpu = vm->cfg->cpus[v];
			vm->vcpus[v].parked = true;
			vm->vcpus[v].sched_ent = -1;
			cpus[vm->cfg->cpus[v]].vcpu = &vm->vcpus[v];
		}
		vm_devices_reset(vm);
		vdev_virtio_reset(vm);
		bootprof_lap(BOOTPROF_DEVICES);
		if (vm_first_load(vm) != 0) {
			fmt_snprintf(err->node, sizeof(err->node), "/vms/%s", vm->cfg->name);
			str_copy(err->msg, "loading the VM failed", sizeof(err->msg));
			return -1;
		}
		bootprof_lap(BOOTPROF_DTB);
		measure_vm(vm);
		if (vm->cfg->incoming) {
			/* A slot for a migrated VM (docs/CONFIG.md "incoming"): waits, stopped. */
			vm->state = VM_STOPPED;
			console_printf("VM %u '%s': incoming slot, waiting for migrate-in\n", i,
				       vm->cfg->name);
			continue;
		}
		vm_boot_vcpus(vm);
		console_printf("VM %u '%s': %u vCPU(s), entry 0x%llx, DTB at 0x%llx\n", i,
			       vm->cfg->name, vm->vcpu_count, (unsigned long long)vm->layout.entry,
			       (unsigned long long)vm->layout.dtb_ipa);
		bootprof_lap(BOOTPROF_PRINT);
	}
	if (sched_setup() != 0) {
		str_copy(err->msg, "scheduler: more vCPUs on one CPU than it can host",
			 sizeof(err->msg));
		return -1;
	}
	return 0;
}
