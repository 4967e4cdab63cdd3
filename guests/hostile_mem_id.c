/* SPDX-License-Identifier: MIT */
/*
 * hostile_mem_id: hostile_mem linked for an identity-layout VM whose RAM is at
 * physical 0x4800_0000 (tests/system/configs/hostile_mem_id.dts). There the
 * hypervisor's DTB, image and system image and the neighbour's RAM are real
 * addresses the guest can name, so the probes reach the real things.
 */
__asm__(".globl kit_load_addr\n.set kit_load_addr, 0x48000000");
#define HOSTILE_MEM_NAME "hostile_mem_id"
#include "hostile_mem.c"
