/* SPDX-License-Identifier: MIT */
/* Channel doorbells (core/chan.c; docs/CONFIG.md "Channels"). */
#ifndef TESSERA_CHAN_H
#define TESSERA_CHAN_H

#include "vm.h"

/* core/chan.c: channels. Fills vm->chans from the config (at VM creation). */
void chan_vm_init(struct vm *vm);
/* TESSERA_HC_CHANNEL_NOTIFY: raises every other end's SPI; TESSERA_OK/INVALID/DENIED. */
s64 chan_notify(struct vm *vm, u64 id);

#endif
