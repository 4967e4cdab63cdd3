/* SPDX-License-Identifier: MIT */
/*
 * Generates each VM's DTB (its boot protocol passes the address: x0 on arm64). Bindings
 * follow the kernel's Documentation/devicetree/bindings for arm,pl011, fixed-clock and
 * virtio,mmio. What is the architecture's (CPU nodes and how they start, the interrupt
 * controller, the timer, interrupt specifiers) arch_vm_dtb_nodes and
 * arch_vm_dtb_interrupts write (arch.h; src/arch/aarch64/guest_dtb.c).
 */
#include "fdt.h"
#include "layout.h"
#include "lib.h"
#include "virtio_spec.h"
#include "vm_dtb.h"
#include "generation.h"

static void node_name(char *buf, size_t size, const char *base, u64 addr)
{
	fmt_snprintf(buf, size, "%s@%llx", base, (unsigned long long)addr);
}

static void dtb_memory(struct fdtw *w, const struct vm_cfg *cfg)
{
	char name[40];

	for (u32 i = 0; i < cfg->mem_count; i++) {
		u64 reg[2] = {cfg->mem[i].ipa, cfg->mem[i].size};

		node_name(name, sizeof(name), "memory", cfg->mem[i].ipa);
		fdtw_begin_node(w, name);
		fdtw_prop_str(w, "device_type", "memory");
		fdtw_prop_reg64(w, "reg", reg, 1);
		fdtw_end_node(w);
	}
}

static void dtb_uart(struct fdtw *w)
{
	char name[40];
	u64 reg[2] = {GUEST_UART_BASE, GUEST_UART_SIZE};
	u32 intid = GUEST_UART_INTID;
	u32 clocks[2] = {VM_DTB_PHANDLE_CLK, VM_DTB_PHANDLE_CLK};

	fdtw_begin_node(w, "apb-pclk");
	fdtw_prop_str(w, "compatible", "fixed-clock");
	fdtw_prop_u32(w, "#clock-cells", 0);
	fdtw_prop_u32(w, "clock-frequency", 24000000);
	fdtw_prop_str(w, "clock-output-names", "clk24mhz");
	fdtw_prop_u32(w, "phandle", VM_DTB_PHANDLE_CLK);
	fdtw_end_node(w);

	node_name(name, sizeof(name), "pl011", GUEST_UART_BASE);
	fdtw_begin_node(w, name);
	fdtw_prop(w, "compatible", "arm,pl011\0arm,primecell", 23);
	fdtw_prop_reg64(w, "reg", reg, 1);
	arch_vm_dtb_interrupts(w, &intid, 1, false);
	fdtw_prop_cells(w, "clocks", clocks, 2);
	fdtw_prop(w, "clock-names", "uartclk\0apb_pclk", 17);
	fdtw_end_node(w);
}

/* True if the NUL-separated compatible list holds c. */
static bool dev_compatible(const struct dev_cfg *dev, const char *c)
{
	for (u32 i = 0; i < dev->compatible_len && dev->compatible[i];) {
		const char *s = &dev->compatible[i];
		u32 n = (u32)str_nlen(s, dev->compatible_len - i);

		if (strcmp(s, c) == 0) {
			return true;
		}
		i += n + 1;
	}
	return false;
}

/*
 * Pass-through devices, at their physical address. The node keeps the config's node name
 * (its unit address matches reg: config_vm.c checks it). An AMBA PrimeCell (PL031 RTC,
 * PL061 GPIO, ...) also gets the "apb_pclk" clock Linux's AMBA bus needs before it reads
 * the peripheral ID, the same fixed clock as the PL011's.
 */
static void dtb_devices(struct fdtw *w, const struct vm_cfg *cfg)
{
	char name[48];

	for (u32 d = 0; d < cfg->dev_count; d++) {
		const struct dev_cfg *dev = &cfg->devs[d];
		u64 reg[2] = {dev->base, dev->size};

		if (strchr(dev->name, '@')) {
			str_copy(name, dev->name, sizeof(name));
		} else {
			node_name(name, sizeof(name), "device", dev->base);
		}
		fdtw_begin_node(w, name);
		if (dev->compatible[0]) {
			fdtw_prop(w, "compatible", dev->compatible, dev->compatible_len);
		}
		fdtw_prop_reg64(w, "reg", reg, 1);
		if (dev->irq_count) {
			arch_vm_dtb_interrupts(w, dev->irqs, dev->irq_count, false);
		}
		if (dev_compatible(dev, "arm,primecell")) {
			fdtw_prop_u32(w, "clocks", VM_DTB_PHANDLE_CLK);
			fdtw_prop_str(w, "clock-names", "apb_pclk");
		}
		fdtw_end_node(w);
	}
}

/* Each channel this VM is an end of (docs/CONFIG.md "Channels"): its window, its
 * notification SPI (edge: one pulse per TESSERA_HC_CHANNEL_NOTIFY) and the id to notify. */
static void dtb_channels(struct fdtw *w, const struct vm *vm)
{
	const struct config *cfg = &system_config;
	char name[40];

	for (u32 c = 0; c < cfg->chan_count; c++) {
		const struct chan_cfg *ch = &cfg->chans[c];

		for (u32 e = 0; e < ch->end_count; e++) {
			const struct chan_end_cfg *end = &ch->ends[e];
			u64 reg[2] = {end->ipa, ch->size};

			if (end->vm != vm->id) {
				continue;
			}
			node_name(name, sizeof(name), "channel", end->ipa);
			fdtw_begin_node(w, name);
			fdtw_prop_str(w, "compatible", "tessera,channel");
			fdtw_prop_reg64(w, "reg", reg, 1);
			arch_vm_dtb_interrupts(w, &end->intid, 1, true);
			fdtw_prop_u32(w, "tessera,channel-id", c);
			fdtw_prop_str(w, "tessera,name", ch->name);
			fdtw_prop_str(w, "tessera,access", end->ro ? "ro" : "rw");
			fdtw_end_node(w);
		}
	}
}

/* Virtio links (docs/VIRTIO.md): Linux's "virtio,mmio" binding, level-high SPI. */
static void dtb_virtio(struct fdtw *w, const struct vm *vm)
{
	char name[40];

	for (u32 i = 0; i < system_config.virtio_count; i++) {
		for (u32 s = 0; s < 2; s++) {
			const struct virtio_end_cfg *e = &system_config.virtio[i].ends[s];
			u64 reg[2] = {e->ipa, VMMIO_WINDOW_SIZE};

			if (e->vm != vm->id) {
				continue;
			}
			node_name(name, sizeof(name), "virtio_mmio", e->ipa);
			fdtw_begin_node(w, name);
			fdtw_prop_str(w, "compatible", "virtio,mmio");
			fdtw_prop_reg64(w, "reg", reg, 1);
			arch_vm_dtb_interrupts(w, &e->intid, 1, false);
			fdtw_prop_empty(w, "dma-coherent");
			fdtw_end_node(w);
		}
	}
}

static void dtb_chosen(struct fdtw *w, const struct vm *vm)
{
	char path[40];

	node_name(path, sizeof(path), "/pl011", GUEST_UART_BASE);
	fdtw_begin_node(w, "chosen");
	fdtw_prop_str(w, "bootargs", vm->cfg->bootargs);
	fdtw_prop_str(w, "stdout-path", path);
	if (vm->initrd_size) {
		fdtw_prop_u64(w, "linux,initrd-start", vm->layout.initrd_ipa);
		fdtw_prop_u64(w, "linux,initrd-end", vm->layout.initrd_ipa + vm->initrd_size);
	}
	fdtw_end_node(w);
}

/* U-Boot's control-DT binding (its doc/device-tree-bindings/config.txt): U-Boot runs
 * /config/bootcmd after the autoboot countdown instead of its environment's bootcmd. */
static void dtb_uboot_config(struct fdtw *w, const struct vm_cfg *cfg)
{
	if (cfg->uboot_bootcmd[0] == '\0') {
		return;
	}
	fdtw_begin_node(w, "config");
	fdtw_prop_str(w, "bootcmd", cfg->uboot_bootcmd);
	fdtw_end_node(w);
}

int vm_dtb_build(const struct vm *vm, void *buf, u64 size)
{
	struct fdtw w;
	u32 total;

	fdtw_init(&w, buf, size);
	fdtw_begin_node(&w, "");
	/* First: vm_generation_patch finds it at a fixed offset. */
	fdtw_prop_u64(&w, VM_GENERATION_PROP, vm->generation);
	fdtw_prop_str(&w, "compatible", "tessera,vm");
	fdtw_prop_str(&w, "model", "Tessera virtual machine");
	fdtw_prop_u32(&w, "#address-cells", 2);
	fdtw_prop_u32(&w, "#size-cells", 2);
	fdtw_prop_u32(&w, "interrupt-parent", VM_DTB_PHANDLE_INTC);
	fdtw_prop_str(&w, "tessera,vm-name", vm->cfg->name);
	fdtw_prop_u32(&w, "tessera,vm-id", vm->id);
	dtb_chosen(&w, vm);
	dtb_uboot_config(&w, vm->cfg);
	dtb_memory(&w, vm->cfg);
	arch_vm_dtb_nodes(&w, vm);
	dtb_uart(&w);
	dtb_devices(&w, vm->cfg);
	dtb_virtio(&w, vm);
	dtb_channels(&w, vm);
	fdtw_end_node(&w);
	return fdtw_finish(&w, &total);
}
