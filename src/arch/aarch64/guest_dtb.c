/* SPDX-License-Identifier: MIT */
/*
 * The Arm nodes of a VM's DTB (arch.h: arch_vm_dtb_nodes, arch_vm_dtb_interrupts; core/vm_dtb.c
 * writes the rest): its CPUs, started with PSCI over HVC, its GICv3 and the Arm generic
 * timer, and GICv3 interrupt specifiers. Bindings follow the kernel's
 * Documentation/devicetree/bindings for arm,gic-v3, arm,armv8-timer and arm,psci-1.0.
 */
#include "arch_gic.h"
#include "fdt.h"
#include "lib.h"
#include "vm.h"
#include "vm_dtb.h"

/* Interrupt specifier cells (arm,gic-v3): type, number, flags. */
#define GIC_SPI	       0
#define GIC_PPI	       1
#define IRQ_LEVEL_HIGH 4
#define IRQ_EDGE       1 /* rising edge */
#define IRQ_PPI_FLAGS  0x04

static void dtb_cpus(struct fdtw *w, const struct vm *vm)
{
	char name[24];

	fdtw_begin_node(w, "cpus");
	fdtw_prop_u32(w, "#address-cells", 1);
	fdtw_prop_u32(w, "#size-cells", 0);
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		fmt_snprintf(name, sizeof(name), "cpu@%u", v);
		fdtw_begin_node(w, name);
		fdtw_prop_str(w, "device_type", "cpu");
		fdtw_prop_str(w, "compatible", "arm,armv8");
		fdtw_prop_u32(w, "reg", v);
		fdtw_prop_str(w, "enable-method", "psci");
		fdtw_end_node(w);
	}
	fdtw_end_node(w);

	fdtw_begin_node(w, "psci");
	fdtw_prop(w, "compatible", "arm,psci-1.0\0arm,psci-0.2", 26);
	fdtw_prop_str(w, "method", "hvc");
	fdtw_end_node(w);
}

static void dtb_gic_timer(struct fdtw *w, const struct vm *vm)
{
	char name[40];
	u64 reg[4] = {GUEST_GICD_BASE, GUEST_GICD_SIZE, GUEST_GICR_BASE,
		      GUEST_GICR_STRIDE * vm->vcpu_count};
	/* Secure phys, non-secure phys, virtual, hypervisor timer PPIs (13, 14, 11, 10). */
	u32 timer[12] = {GIC_PPI, 13, IRQ_PPI_FLAGS, GIC_PPI, 14, IRQ_PPI_FLAGS,
			 GIC_PPI, 11, IRQ_PPI_FLAGS, GIC_PPI, 10, IRQ_PPI_FLAGS};

	fmt_snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)GUEST_GICD_BASE);
	fdtw_begin_node(w, name);
	fdtw_prop_str(w, "compatible", "arm,gic-v3");
	fdtw_prop_u32(w, "#interrupt-cells", 3);
	fdtw_prop_u32(w, "#address-cells", 2);
	fdtw_prop_u32(w, "#size-cells", 2);
	fdtw_prop_empty(w, "interrupt-controller");
	fdtw_prop_u32(w, "#redistributor-regions", 1);
	fdtw_prop_reg64(w, "reg", reg, 2);
	fdtw_prop_u32(w, "phandle", VM_DTB_PHANDLE_INTC);
	fdtw_end_node(w);

	fdtw_begin_node(w, "timer");
	fdtw_prop_str(w, "compatible", "arm,armv8-timer");
	fdtw_prop_cells(w, "interrupts", timer, 12);
	fdtw_prop_empty(w, "always-on");
	fdtw_end_node(w);
}

void arch_vm_dtb_nodes(struct fdtw *w, const struct vm *vm)
{
	dtb_cpus(w, vm);
	dtb_gic_timer(w, vm);
}

void arch_vm_dtb_interrupts(struct fdtw *w, const u32 *intids, u32 n, bool edge)
{
	u32 cells[3 * CONFIG_MAX_DEV_IRQS];
	u32 k = 0;

	for (u32 i = 0; i < n && k < ARRAY_SIZE(cells); i++) {
		bool spi = intids[i] >= 32;

		cells[k++] = spi ? GIC_SPI : GIC_PPI;
		cells[k++] = intids[i] - (spi ? 32 : 16);
		cells[k++] = edge ? IRQ_EDGE : IRQ_LEVEL_HIGH;
	}
	fdtw_prop_cells(w, "interrupts", cells, k);
}
