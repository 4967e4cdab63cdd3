/* SPDX-License-Identifier: MIT */
/* The device tree a VM boots with: exactly what it has, nothing else. */
#ifndef TESSERA_VM_DTB_H
#define TESSERA_VM_DTB_H

#include "vm.h"

int vm_dtb_build(const struct vm *vm, void *buf, u64 size);

#endif
