/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the config validator (src/core/config*.c): the input
 * is a config DTB. It is parsed against platform_default() and against the
 * platform its own /platform node describes (as `tessera check` does). For a
 * config that is accepted, the promises docs/CONFIG.md makes are checked
 * (each a rule isolation rests on: RAM inside the board and outside the
 * hypervisor, no RAM or CPU shared between VMs, only SPIs no one else owns),
 * then every VM is laid out (config_vm_layout) with a small fake image of the
 * VM's format and the layout must lie inside the VM's own RAM.
 */
#include <string.h>

#include "config.h"
#include "fuzz_input.h"
#include "lib.h"

static u8 image[0x400];

/* ELF64 (one PT_LOAD at ipa), Linux arm64 Image header, or raw bytes. */
static u64 fake_image(enum image_format fmt, ipa_t ipa)
{
	memset(image, 0, sizeof(image));
	if (fmt == IMAGE_AUTO || fmt == IMAGE_ELF) {
		memcpy(image,
		       "\x7f"
		       "ELF\x02\x01\x01",
		       7);
		le16_store(image + 16, 2);	 /* ET_EXEC */
		le16_store(image + 18, 183);	 /* EM_AARCH64 */
		le32_store(image + 20, 1);	 /* EV_CURRENT */
		le64_store(image + 24, ipa);	 /* e_entry */
		le64_store(image + 32, 64);	 /* e_phoff */
		le16_store(image + 52, 64);	 /* e_ehsize */
		le16_store(image + 54, 56);	 /* e_phentsize */
		le16_store(image + 56, 1);	 /* e_phnum */
		le32_store(image + 64, 1);	 /* PT_LOAD */
		le32_store(image + 68, 5);	 /* R+X */
		le64_store(image + 72, 0x200);	 /* p_offset */
		le64_store(image + 80, ipa);	 /* p_vaddr */
		le64_store(image + 88, ipa);	 /* p_paddr */
		le64_store(image + 96, 0x200);	 /* p_filesz */
		le64_store(image + 104, 0x4000); /* p_memsz */
		le64_store(image + 112, 0x1000); /* p_align */
	} else if (fmt == IMAGE_LINUX) {
		le64_store(image + 8, 0x80000);	      /* text_offset */
		le64_store(image + 16, 0x200000);     /* image_size */
		le32_store(image + 0x38, 0x644d5241); /* "ARM\x64" */
	}
	return sizeof(image);
}

static bool overlaps(u64 a, u64 as, u64 b, u64 bs)
{
	return a < b + bs && b < a + as;
}

static void check_vm(const struct platform *p, const struct config *cfg, u32 i)
{
	const struct vm_cfg *vm = &cfg->vms[i];

	FUZZ_ASSERT(memchr(vm->name, 0, sizeof(vm->name)) != NULL);
	FUZZ_ASSERT(memchr(vm->image, 0, sizeof(vm->image)) != NULL);
	FUZZ_ASSERT(vm->vcpu_count >= 1 && vm->vcpu_count <= CONFIG_MAX_VCPUS);
	FUZZ_ASSERT(vm->mem_count >= 1 && vm->mem_count <= CONFIG_MAX_MEM);
	FUZZ_ASSERT(vm->dev_count <= CONFIG_MAX_DEVS);
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		FUZZ_ASSERT(vm->cpus[v] < p->cpu_count);
		/* A physical CPU runs at most one vCPU, of one VM. */
		for (u32 j = 0; j <= i; j++) {
			for (u32 w = 0; w < cfg->vms[j].vcpu_count; w++) {
				FUZZ_ASSERT((j == i && w == v) ||
					    cfg->vms[j].cpus[w] != vm->cpus[v]);
			}
		}
	}
	for (u32 m = 0; m < vm->mem_count; m++) {
		const struct mem_cfg *r = &vm->mem[m];
		bool in_ram = false;

		FUZZ_ASSERT(r->size > 0 && r->phys + r->size > r->phys);
		for (u32 b = 0; b < p->ram_count; b++) {
			in_ram |= r->phys >= p->ram[b].base &&
				  r->phys + r->size <= p->ram[b].base + p->ram[b].size;
		}
		FUZZ_ASSERT(in_ram);
		FUZZ_ASSERT(!overlaps(r->phys, r->size, p->hyp_base, p->hyp_end - p->hyp_base));
		for (u32 j = 0; j <= i; j++) {
			for (u32 n = 0; n < cfg->vms[j].mem_count; n++) {
				const struct mem_cfg *o = &cfg->vms[j].mem[n];
				FUZZ_ASSERT((j == i && n == m) ||
					    !overlaps(r->phys, r->size, o->phys, o->size));
			}
		}
	}
	for (u32 d = 0; d < vm->dev_count; d++) {
		const struct dev_cfg *dev = &vm->devs[d];

		FUZZ_ASSERT(dev->irq_count <= CONFIG_MAX_DEV_IRQS);
		for (u32 f = 0; f < p->irqchip_count; f++) {
			FUZZ_ASSERT(!overlaps(dev->base, dev->size, p->irqchip[f].base,
					      p->irqchip[f].size));
		}
		FUZZ_ASSERT(!overlaps(dev->base, dev->size, p->uart_base, p->uart_size));
		for (u32 k = 0; k < dev->irq_count; k++) {
			FUZZ_ASSERT(dev->irqs[k] >= 32 && dev->irqs[k] < p->intid_limit);
			FUZZ_ASSERT(dev->irqs[k] <= CONFIG_MAX_INTID);
			FUZZ_ASSERT(dev->irqs[k] != p->uart_intid);
		}
	}
}

static void check_layout(const struct vm_cfg *vm)
{
	struct vm_layout lay;
	struct config_error err;
	u64 initrd = vm->initrd[0] ? 0x3000 : 0;
	ipa_t base = vm->has_load_addr ? vm->load_addr : vm->mem[0].ipa;
	u64 size = fake_image(vm->image_format, base);

	if (config_vm_layout(vm, image, size, initrd, &lay, &err) != 0) {
		FUZZ_ASSERT(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
		FUZZ_ASSERT(err.msg[0] != 0);
		return;
	}
	/* Everything the loader will write lies in this VM's RAM. */
	const struct image_info *k = &lay.kernel;
	FUZZ_ASSERT(k->hi > k->lo);
	FUZZ_ASSERT(config_vm_ipa_to_phys(vm, k->lo, k->hi - k->lo, NULL) ||
		    vm->mem_count > 1); /* virt-layout kernels may span contiguous regions */
	for (u32 s = 0; s < k->seg_count && s < IMAGE_MAX_SEGMENTS; s++) {
		const struct image_segment *seg = &k->seg[s];
		FUZZ_ASSERT(seg->file_size <= seg->mem_size);
		FUZZ_ASSERT(seg->file_off <= size && seg->file_size <= size - seg->file_off);
		FUZZ_ASSERT(seg->mem_size == 0 ||
			    config_vm_ipa_to_phys(vm, seg->ipa, seg->mem_size, NULL));
	}
	FUZZ_ASSERT(config_vm_ipa_to_phys(vm, lay.dtb_ipa, lay.dtb_max, NULL));
	FUZZ_ASSERT(!overlaps(lay.dtb_ipa, lay.dtb_max, k->lo, k->hi - k->lo));
	if (initrd) {
		FUZZ_ASSERT(lay.initrd_size >= initrd);
		FUZZ_ASSERT(config_vm_ipa_to_phys(vm, lay.initrd_ipa, lay.initrd_size, NULL));
		FUZZ_ASSERT(!overlaps(lay.initrd_ipa, lay.initrd_size, lay.dtb_ipa, lay.dtb_max));
		FUZZ_ASSERT(!overlaps(lay.initrd_ipa, lay.initrd_size, k->lo, k->hi - k->lo));
	}
}

static void parse_with(const u8 *blob, size_t size, const struct platform *p)
{
	static struct config cfg;
	struct config_error err;

	if (config_parse(blob, size, p, &cfg, &err) != 0) {
		char msg[512];

		FUZZ_ASSERT(memchr(err.msg, 0, sizeof(err.msg)) != NULL);
		FUZZ_ASSERT(memchr(err.node, 0, sizeof(err.node)) != NULL);
		FUZZ_ASSERT(memchr(err.prop, 0, sizeof(err.prop)) != NULL);
		FUZZ_ASSERT(err.msg[0] != 0); /* every rejection says why */
		config_format_error(msg, sizeof(msg), "fuzz.dts", &err);
		return;
	}
	FUZZ_ASSERT(cfg.vm_count >= 1 && cfg.vm_count <= CONFIG_MAX_VMS);
	for (u32 i = 0; i < cfg.vm_count; i++) {
		check_vm(p, &cfg, i);
		check_layout(&cfg.vms[i]);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct platform p;
	struct config_error err;
	u8 *blob = malloc(size ? size : 1);

	if (!blob) {
		return 0;
	}
	memcpy(blob, data, size);
	platform_default(&p);
	parse_with(blob, size, &p);
	if (config_platform(blob, size, &p, &err) == 0) {
		FUZZ_ASSERT(p.cpu_count >= 1 && p.cpu_count <= CONFIG_MAX_PCPUS);
		FUZZ_ASSERT(p.ram_count >= 1 && p.ram_count <= CONFIG_MAX_RAM);
		parse_with(blob, size, &p);
	}
	free(blob);
	return 0;
}
