/* SPDX-License-Identifier: MIT */
/* `tessera check FILE.dts [-v]`: validates a config and its images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tessera.h"

static void check_print_vm(const struct vm_cfg *vm, const struct vm_layout *l)
{
	printf("  %s: %u vCPU(s) on CPU", vm->name, vm->vcpu_count);
	for (u32 i = 0; i < vm->vcpu_count; i++) {
		printf("%s%u", i ? "," : " ", vm->cpus[i]);
	}
	printf("\n");
	for (u32 i = 0; i < vm->mem_count; i++) {
		printf("    RAM  guest 0x%llx  host 0x%llx  size 0x%llx\n",
		       (unsigned long long)vm->mem[i].ipa, (unsigned long long)vm->mem[i].phys,
		       (unsigned long long)vm->mem[i].size);
	}
	if (vm->has_flash) {
		printf("    FLASH guest 0x0  host 0x%llx  size 0x%llx\n",
		       (unsigned long long)vm->flash.phys, (unsigned long long)vm->flash.size);
	}
	printf("    image %s (%s) at 0x%llx..0x%llx entry 0x%llx\n", vm->image,
	       image_format_name(l->kernel.fmt), (unsigned long long)l->kernel.lo,
	       (unsigned long long)l->kernel.hi, (unsigned long long)l->entry);
	if (vm->initrd[0]) {
		printf("    initrd %s at 0x%llx size 0x%llx\n", vm->initrd,
		       (unsigned long long)l->initrd_ipa, (unsigned long long)l->initrd_size);
	}
	printf("    dtb at 0x%llx\n", (unsigned long long)l->dtb_ipa);
	for (u32 i = 0; i < vm->dev_count; i++) {
		printf("    device %s 0x%llx+0x%llx, %u IRQ(s)\n", vm->devs[i].name,
		       (unsigned long long)vm->devs[i].base, (unsigned long long)vm->devs[i].size,
		       vm->devs[i].irq_count);
	}
}

static void check_print_platform(const struct platform *p)
{
	printf("  platform: %u CPU(s), RAM", p->cpu_count);
	for (u32 i = 0; i < p->ram_count; i++) {
		printf("%s0x%llx size 0x%llx", i ? ", " : " ", (unsigned long long)p->ram[i].base,
		       (unsigned long long)p->ram[i].size);
	}
	printf("\n");
	/* Everything from the platform DTB to the end of the system image (layout.h). */
	printf("  hypervisor reserved 0x%llx..0x%llx (platform DTB, hypervisor, system image)\n",
	       (unsigned long long)p->hyp_base, (unsigned long long)p->hyp_end);
}

static const char *check_vm_name(const struct config *cfg, u32 vm)
{
	return vm < cfg->vm_count ? cfg->vms[vm].name : "?";
}

static void check_print_links(const struct config *cfg)
{
	for (u32 i = 0; i < cfg->chan_count; i++) {
		const struct chan_cfg *ch = &cfg->chans[i];

		printf("  channel %s (id %u): host 0x%llx size 0x%llx, %u ends\n", ch->name, i,
		       (unsigned long long)ch->phys, (unsigned long long)ch->size, ch->end_count);
		for (u32 e = 0; e < ch->end_count; e++) {
			printf("    %s: guest 0x%llx %s, interrupt %u\n",
			       check_vm_name(cfg, ch->ends[e].vm),
			       (unsigned long long)ch->ends[e].ipa, ch->ends[e].ro ? "ro" : "rw",
			       ch->ends[e].intid);
		}
	}
	for (u32 i = 0; i < cfg->virtio_count; i++) {
		const struct virtio_cfg *v = &cfg->virtio[i];

		printf("  virtio link %s (%s)\n", v->name,
		       v->type == CONFIG_VIRTIO_NET	  ? "net"
		       : v->type == CONFIG_VIRTIO_CONSOLE ? "console"
							  : "?");
		for (u32 e = 0; e < 2; e++) {
			printf("    %s: guest 0x%llx size 0x%llx, interrupt %u\n",
			       check_vm_name(cfg, v->ends[e].vm),
			       (unsigned long long)v->ends[e].ipa, CONFIG_VIRTIO_WINDOW,
			       v->ends[e].intid);
		}
	}
}

static const char *const check_sched_kinds[] = {"static", "priority", "partition"};

/* One line per vCPU on CPU p (in the scheduler's entity order: VM, then vCPU index). */
static u32 check_print_sched_vcpus(const struct config *cfg, u32 p)
{
	enum sched_kind k = cfg->sched[p].kind;
	u32 n = 0;

	for (u32 i = 0; i < cfg->vm_count; i++) {
		const struct vm_cfg *vm = &cfg->vms[i];

		for (u32 j = 0; j < vm->vcpu_count; j++) {
			if (vm->cpus[j] != p) {
				continue;
			}
			n++;
			printf("    %s vCPU %u", vm->name, j);
			if (k == SCHED_PRIORITY) {
				printf(": priority %u", vm->priority);
			}
			if (k == SCHED_PRIORITY && vm->budget_us) {
				printf(", budget %u us every %u us", vm->budget_us, vm->period_us);
			}
			printf("\n");
		}
	}
	return n;
}

static void check_print_sched(const struct config *cfg, const struct platform *plat)
{
	for (u32 p = 0; p < plat->cpu_count && p < CONFIG_MAX_PCPUS; p++) {
		const struct sched_pcpu_cfg *s = &cfg->sched[p];

		printf("  schedule CPU %u: %s", p, check_sched_kinds[s->kind]);
		if (s->kind == SCHED_PRIORITY) {
			printf(", quantum %u us", s->quantum_us);
			if (s->wake_lead_us) {
				printf(", wake lead %u us", s->wake_lead_us);
			}
		} else if (s->kind == SCHED_PARTITION) {
			printf(", major frame %u us", s->major_frame_us);
		}
		printf("\n");
		if (check_print_sched_vcpus(cfg, p) == 0) {
			printf("    (no vCPU)\n");
		}
		for (u32 w = 0; w < s->window_count; w++) {
			const struct sched_window_cfg *win = &s->windows[w];

			printf("    window %u..%u us: %s\n", win->offset_us,
			       win->offset_us + win->duration_us,
			       win->vm >= 0 ? check_vm_name(cfg, (u32)win->vm) : "idle");
		}
	}
}

int cmd_check(int argc, char **argv)
{
	const char *dts = NULL;
	bool verbose = false;
	struct tool_config *tc;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("usage: tessera check FILE.dts [-v]\n"
			       "validates a config and its images; -v prints the platform, the "
			       "hypervisor's reserved range, each VM, channel and virtio link, and "
			       "the "
			       "schedule of each CPU\n");
			return 0;
		}
		if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
		} else if (!dts && argv[i][0] != '-') {
			dts = argv[i];
		} else {
			dts = NULL;
			break;
		}
	}
	if (!dts) {
		fprintf(stderr, "usage: tessera check FILE.dts [-v]\n");
		return 2;
	}
	tc = calloc(1, sizeof(*tc));
	if (!tc) {
		return 1;
	}
	rc = tool_load(dts, tc);
	if (rc == 0) {
		printf("%s: OK (%u VMs)\n", dts, tc->cfg.vm_count);
		if (verbose) {
			check_print_platform(&tc->plat);
		}
		for (u32 i = 0; verbose && i < tc->cfg.vm_count; i++) {
			check_print_vm(&tc->cfg.vms[i], &tc->layout[i]);
		}
		if (verbose) {
			check_print_links(&tc->cfg);
			check_print_sched(&tc->cfg, &tc->plat);
		}
	}
	tool_free(tc);
	free(tc);
	return rc == 0 ? 0 : 1;
}
