/* SPDX-License-Identifier: MIT */
/* console_vm_putc() output of the device harnesses (all VMs, in order), NUL-terminated. */
#ifndef TESSERA_CONSOLE_SINK_H
#define TESSERA_CONSOLE_SINK_H

#include "console.h"
#include "types.h"

extern char fake_console_buf[4096];
extern size_t fake_console_len;

#endif
