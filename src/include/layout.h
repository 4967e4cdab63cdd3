/* SPDX-License-Identifier: MIT */
/*
 * Fixed physical layout conventions for QEMU virt (documented in docs/CONFIG.md).
 * RAM starts at 0x4000_0000. The bottom of RAM belongs to the hypervisor:
 *   0x4000_0000  platform DTB written by QEMU (up to 2 MiB)
 *   0x4020_0000  tessera.elf (text, data, bss, page pool, stacks), up to 14 MiB
 *   0x4100_0000  system image (tessera pack) loaded with -device loader
 * Everything from RAM base to the end of the system image (rounded up to 2 MiB)
 * is reserved; guests get memory above it. The boot banner and the config
 * checker call it "the hypervisor range" and list what it holds with
 * LAYOUT_HYP_RANGE_HOLDS, so both name one range the same way.
 */
#ifndef TESSERA_LAYOUT_H
#define TESSERA_LAYOUT_H

#define LAYOUT_RAM_BASE	       0x40000000ULL
#define LAYOUT_PLATFORM_DTB    0x40000000ULL
#define LAYOUT_HYP_BASE	       0x40200000ULL
#define LAYOUT_HYP_LIMIT       0x41000000ULL
#define LAYOUT_PACK_BASE       0x41000000ULL
#define LAYOUT_HYP_RANGE_HOLDS "platform DTB, hypervisor image, system image"

/* What every guest sees (guest-physical), mirroring QEMU virt. Its interrupt controller and
 * the Arm interrupt IDs are the architecture's: src/arch/aarch64/include/arch_gic.h. */
#define GUEST_UART_BASE	    0x09000000ULL
#define GUEST_UART_SIZE	    0x1000ULL
#define GUEST_UART_INTID    33U /* SPI 1 */
#define GUEST_VIRT_RAM_BASE 0x40000000ULL
/* QEMU virt's GIC, UART, RTC, fw_cfg, GPIO, ... span, once reserved wholesale in every VM.
 * The config now reserves exactly what each VM has emulated (its GICD, its vCPUs' GICR
 * frames, its UART: config_emulated_overlap()) plus what the hypervisor owns physically.
 * Kept for guests/hostile_mem.c, which probes the address just past it. */
#define GUEST_DEV_WINDOW_BASE 0x08000000ULL
#define GUEST_DEV_WINDOW_SIZE 0x01100000ULL /* 0x0800_0000 .. 0x0910_0000 */

#endif
