/* SPDX-License-Identifier: MIT */
/*
 * Fixed physical layout conventions of the board (documented in docs/CONFIG.md); the
 * addresses are the architecture port's (arch_platform.h in src/arch/<arch>/include):
 *   LAYOUT_RAM_BASE, LAYOUT_PLATFORM_DTB  the bottom of RAM, where the board's DTB is left
 *   LAYOUT_HYP_BASE .. LAYOUT_HYP_LIMIT   tessera.elf (text, data, bss, page pool, stacks)
 *   LAYOUT_PACK_BASE                      the system image (tessera pack)
 *   GUEST_UART_BASE, _SIZE, _INTID        every guest's UART, and its interrupt ID
 *   GUEST_VIRT_RAM_BASE                   a VM's RAM with `virt-layout`
 *   GUEST_DEV_WINDOW_BASE, _SIZE          the board's device span (guests/hostile_mem.c)
 * Everything from RAM base to the end of the system image (rounded up to 2 MiB)
 * is reserved; guests get memory above it. The boot banner and the config
 * checker call it "the hypervisor range" and list what it holds with
 * LAYOUT_HYP_RANGE_HOLDS, so both name one range the same way.
 */
#ifndef TESSERA_LAYOUT_H
#define TESSERA_LAYOUT_H

#include "arch_platform.h"

#define LAYOUT_HYP_RANGE_HOLDS "platform DTB, hypervisor image, system image"

#endif
