/* SPDX-License-Identifier: MIT */
/* The device tree a VM boots with: exactly what it has, nothing else. */
#ifndef TESSERA_VM_DTB_H
#define TESSERA_VM_DTB_H

#include "vm.h"

/* Phandles in a VM's DTB: its interrupt controller (written by arch_vm_dtb_nodes, arch.h)
 * and the fixed clock of its UART and PrimeCell devices. */
#define VM_DTB_PHANDLE_INTC 1
#define VM_DTB_PHANDLE_CLK  2

int vm_dtb_build(const struct vm *vm, void *buf, u64 size);

#endif
