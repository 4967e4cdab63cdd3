/* SPDX-License-Identifier: MIT */
/*
 * What vm.c (resident) shares with vm_boot.c (boot-only, src/init-objects.txt): the first
 * boot builds every VM with the same loader and vCPU start a restart uses.
 */
#ifndef TESSERA_VM_INT_H
#define TESSERA_VM_INT_H

#include "vm.h"

/* Guest-physical RAM is identity mapped at EL2. */
static inline void *vm_phys_ptr(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

/* Copies the VM's image segments and initrd into its RAM; with scrub, its RAM was zeroed
 * before (otherwise each segment's .bss is zeroed here). 0 or -1. */
int vm_load_images(struct vm *vm, bool scrub);

/* Puts vCPU 0 in ON_PENDING, the others OFF, and marks the VM running. */
void vm_boot_vcpus(struct vm *vm);

#endif
