/* SPDX-License-Identifier: MIT */
/* Reading the board from the platform DTB (QEMU's, or a real board's). */
#ifndef TESSERA_PLATFORM_H
#define TESSERA_PLATFORM_H

#include "config.h"

/* Fills plat from the DTB: RAM, CPUs (hardware ids), the interrupt controller's frames
 * (arch_platform_irqchip), the console PL011 and its interrupt. Returns 0, or -1 with *why
 * set. */
int platform_from_dtb(const void *dtb, size_t avail, struct platform *plat, const char **why);
/* Fills plat's flash_base/size from the platform DTB's "cfi-flash" node (0 if none). */
void platform_find_flash(const void *dtb, size_t avail, struct platform *plat);
/* End of the RAM bank that contains addr (0 if none). */
paddr_t platform_ram_end(const struct platform *plat, paddr_t addr);

#endif
