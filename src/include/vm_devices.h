/* SPDX-License-Identifier: MIT */
/* A VM's emulated MMIO windows and device interrupts (core/vdev.c). */
#ifndef TESSERA_VM_DEVICES_H
#define TESSERA_VM_DEVICES_H

#include "vm.h"

/* core/vdev.c: emulated MMIO. 1: emulated; 0: nothing there or refused, nothing changed
 * (the caller aborts). links false (the trap fast path): the vGIC and vPL011 windows only,
 * -1 for any other address. */
int vdev_mmio(struct vcpu *vc, ipa_t ipa, u32 size, bool write, u64 *val, bool links);
void vdev_uart_update_irq(struct vm *vm);
/* Virtio links (docs/VIRTIO.md): puts vm's virtio devices in the reset state. */
void vdev_virtio_reset(struct vm *vm);
/* A pass-through SPI fired: true if a VM owns it (then it was injected). */
bool vdev_hw_spi(u32 intid);
/* console_poll_input() is declared in console.h. */

#endif
