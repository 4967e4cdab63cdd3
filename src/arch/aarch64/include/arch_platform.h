/* SPDX-License-Identifier: MIT */
/*
 * The board this architecture port runs on, as the hypervisor and every guest see it:
 * AArch64 on QEMU virt (docs/CONFIG.md). Included through layout.h, which says what each
 * name means; another architecture's src/arch/<arch>/include/arch_platform.h defines the
 * same names for its board (RISC-V virt: RAM at 0x8000_0000, an NS16550 UART, PLIC IDs).
 * Physical layout, from the bottom of RAM:
 *   0x4000_0000  platform DTB written by QEMU (up to 2 MiB)
 *   0x4020_0000  tessera.elf (text, data, bss, page pool, stacks), up to 14 MiB
 *   0x4100_0000  system image (tessera pack) loaded with -device loader
 */
#ifndef TESSERA_ARCH_PLATFORM_H
#define TESSERA_ARCH_PLATFORM_H

#define LAYOUT_RAM_BASE	    0x40000000ULL
#define LAYOUT_PLATFORM_DTB 0x40000000ULL
#define LAYOUT_HYP_BASE	    0x40200000ULL
#define LAYOUT_HYP_LIMIT    0x41000000ULL
#define LAYOUT_PACK_BASE    0x41000000ULL

/* What every guest sees (guest-physical), mirroring QEMU virt. */
#define GUEST_UART_BASE	    0x09000000ULL
#define GUEST_UART_SIZE	    0x1000ULL
#define GUEST_UART_INTID    33U /* GIC SPI 1 */
#define GUEST_VIRT_RAM_BASE 0x40000000ULL
/* Its interrupt controller's windows (irqchip.h), the vGIC's (a GICv3): the distributor,
 * and one redistributor (RD_base + SGI_base frames) per vCPU; with the names the config's
 * overlap errors give them. */
#define GUEST_IRQCHIP_BASE	 0x08000000ULL
#define GUEST_IRQCHIP_SIZE	 0x10000ULL
#define GUEST_IRQCHIP_NAME	 "GIC distributor"
#define GUEST_IRQCHIP_CPU_BASE	 0x080a0000ULL
#define GUEST_IRQCHIP_CPU_STRIDE 0x20000ULL
#define GUEST_IRQCHIP_CPU_NAME	 "GIC redistributors"
/* What a VM's images are (core/image.c): ELF files for this machine (the AArch64 ELF ABI:
 * e_machine EM_AARCH64), and a Linux kernel Image, whose header carries this magic at
 * offset 0x38 (Documentation/arch/arm64/booting.rst); with the names errors give them. */
#define GUEST_ELF_MACHINE      183U
#define GUEST_ELF_MACHINE_NAME "AArch64"
#define GUEST_LINUX_MAGIC      0x644d5241U /* "ARM\x64" */
#define GUEST_LINUX_IMAGE_NAME "Linux arm64 Image"
#define GUEST_LINUX_MAGIC_NAME "ARM\\x64"

/* The hypervisor's own interrupt controller on the board (core/platform.c finds its node in
 * the platform DTB by this compatible string, then the arch reads it: platform_irq.c), with
 * the name config errors give it, and its frames on QEMU virt for `tessera check`
 * (platform_default: the distributor, the whole redistributor window up to the UART, not only
 * 4 frames, since nothing in it may be passed through, and the ITS). */
#define PLATFORM_IRQCHIP_COMPATIBLE "arm,gic-v3"
#define PLATFORM_IRQCHIP_NAME	    "GIC"
#define PLATFORM_DEFAULT_IRQCHIP_FRAMES                             \
	{                                                           \
		{0x08000000ULL, 0x10000ULL, "distributor"},         \
		    {0x080a0000ULL, 0xf60000ULL, "redistributors"}, \
		    {0x08080000ULL, 0x20000ULL, "frame"},           \
	}
#define PLATFORM_DEFAULT_INTID_LIMIT 288U /* QEMU virt: 256 SPIs */
/* The first interrupt ID a device may have (pass-through, channels, virtio links, the
 * management channel): the GIC's SPIs start at 32 (below: SGIs and PPIs, per CPU). */
#define PLATFORM_FIRST_SHARED_INTID 32U

/* QEMU virt's GIC, UART, RTC, fw_cfg, GPIO, ... span, once reserved wholesale in every VM.
 * The config now reserves exactly what each VM has emulated (its GICD, its vCPUs' GICR
 * frames, its UART: config_emulated_overlap()) plus what the hypervisor owns physically.
 * Kept for guests/hostile_mem.c, which probes the address just past it. */
#define GUEST_DEV_WINDOW_BASE 0x08000000ULL
#define GUEST_DEV_WINDOW_SIZE 0x01100000ULL /* 0x0800_0000 .. 0x0910_0000 */

/* The CPU's hint for one iteration of a wait for another CPU (spin_lock, arch_cpu_relax):
 * here, beside the board's facts, because every wait loop needs it inline and this is the
 * one arch header core may include that includes nothing (layout.h). A compiler barrier
 * too. Host builds (unit tests, tools) have a plain compiler barrier. */
#ifndef TESSERA_HOST
#define PLATFORM_CPU_RELAX() __asm__ volatile("yield" ::: "memory")
#else
#define PLATFORM_CPU_RELAX() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif

#endif
