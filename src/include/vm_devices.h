/* SPDX-License-Identifier: MIT */
/*
 * Core's side of a VM's virtual devices (prefix vdev_; the device models themselves are in
 * src/vdev/): the emulated MMIO windows (core/mmio_dispatch.c), the virtio links' VM
 * environment (core/vm_links.c) and the pass-through SPI owners (core/passthru.c).
 */
#ifndef TESSERA_VM_DEVICES_H
#define TESSERA_VM_DEVICES_H

#include "vm.h"

/* core/mmio_dispatch.c: emulated MMIO. 1: emulated; 0: nothing there or refused, nothing
 * changed (the caller aborts). links false (the trap fast path): the vGIC and vPL011 windows
 * only, -1 for any other address. */
int vdev_mmio(struct vcpu *vc, ipa_t ipa, u32 size, bool write, u64 *val, bool links);
/* The trap fast path's aligned 32-bit access at ipa (val: the value stored, or the value
 * loaded): 1 done; VDEV_WORD_QUIET done, and no interrupt of the VM changed (a vPL011
 * access that left its line as it was: the caller need not refill list registers); 0 if it
 * is not one of the accesses this does (the vGIC's hot registers, anything in the vPL011),
 * with nothing changed: vdev_mmio then. */
#define VDEV_WORD_QUIET 2
int vdev_mmio_word(struct vcpu *vc, ipa_t ipa, bool write, u32 *val);
void vdev_uart_update_irq(struct vm *vm);
/* core/vm_links.c: virtio links (docs/VIRTIO.md): puts vm's virtio devices in the reset
 * state. */
void vdev_virtio_reset(struct vm *vm);
/* Host test fixtures only (tests/unit/fixture.c): the next boot builds the links again from
 * its configuration. */
void vdev_virtio_forget(void);
/* core/passthru.c: a pass-through SPI fired: true if a VM owns it (then it was injected). */
bool vdev_hw_irq(u32 intid);
/* The console glue (core/console_vm.c) is declared in console.h. */

#endif
