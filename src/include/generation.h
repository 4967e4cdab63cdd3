/* SPDX-License-Identifier: MIT */
/*
 * A VM's generation id (core/generation.c, docs/SNAPSHOT.md "Clone"): a 64-bit value that
 * changes when the VM's state is duplicated (tessera ctl clone gives the copy a new one), so
 * a guest can tell that it may be one of two copies and re-seed its randomness, like VM
 * generation ids on other hypervisors. The guest reads it by TESSERA_HC_GENERATION_ID and in
 * its DTB: `tessera,generation-id` (u64), always the root node's first property, so that it
 * sits at a fixed offset of the struct block and can be patched without an FDT parser (the
 * parser is boot-only code).
 */
#ifndef TESSERA_GENERATION_H
#define TESSERA_GENERATION_H

#include "types.h"

struct vm;

#define VM_GENERATION_PROP "tessera,generation-id"

/* A fresh value for vm (never 0, different from any earlier one of this boot). */
u64 vm_generation_new(const struct vm *vm);
/* Gives vm a new generation id and writes it into the DTB in its RAM (if the guest left it
 * where it was put and intact) and into the copy kept for restarts. True if the RAM copy was
 * patched. */
bool vm_generation_renew(struct vm *vm);
/* Writes gen into an FDT blob the generator made (the property is the root's first): false,
 * changing nothing, if the blob (avail bytes readable) does not have it there. */
bool vm_generation_patch(u8 *blob, u64 avail, u64 gen);

#endif
