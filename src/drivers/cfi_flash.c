/* SPDX-License-Identifier: MIT */
/*
 * CFI NOR flash, Intel/Sharp basic command set (as QEMU's pflash_cfi01 implements it):
 * 0x40 word program, 0x20/0xD0 block erase, 0x70 read status (bit 7 ready, bits 5/4/1
 * erase/program error, locked), 0x50 clear status, 0xFF read array. Commands are written
 * to both x16 devices of the 32-bit bank at once (0x00NN00NN). The flash lies in the first
 * GiB, which the hypervisor maps as Device memory (setup.c): volatile 32-bit accesses in
 * program order are all it needs.
 */
#include "cfi_flash.h"

#define CFI_CMD(c)	 ((u32)(c) | ((u32)(c) << 16))
#define CFI_PROGRAM	 CFI_CMD(0x40)
#define CFI_ERASE	 CFI_CMD(0x20)
#define CFI_CONFIRM	 CFI_CMD(0xd0)
#define CFI_STATUS	 CFI_CMD(0x70)
#define CFI_CLEAR_STATUS CFI_CMD(0x50)
#define CFI_READ_ARRAY	 CFI_CMD(0xff)
#define CFI_SR_READY	 CFI_CMD(0x80)
#define CFI_SR_ERRORS	 CFI_CMD(0x3a) /* erase, program, VPP, block-locked errors */
#define CFI_POLL_LIMIT	 100000000U

static volatile u32 *cfi_ptr(paddr_t addr)
{
	return (volatile u32 *)(uintptr_t)addr;
}

/* Waits for the operation at addr to finish; back in read-array mode either way. */
static int cfi_wait(paddr_t addr)
{
	u32 sr = 0;

	for (u32 i = 0; i < CFI_POLL_LIMIT; i++) {
		*cfi_ptr(addr) = CFI_STATUS;
		sr = *cfi_ptr(addr);
		if ((sr & CFI_SR_READY) == CFI_SR_READY) {
			break;
		}
	}
	*cfi_ptr(addr) = CFI_CLEAR_STATUS;
	*cfi_ptr(addr) = CFI_READ_ARRAY;
	return (sr & CFI_SR_READY) == CFI_SR_READY && !(sr & CFI_SR_ERRORS) ? 0 : -1;
}

void cfi_flash_read_mode(paddr_t addr)
{
	*cfi_ptr(addr) = CFI_READ_ARRAY;
}

u32 cfi_flash_read32(paddr_t addr)
{
	return *cfi_ptr(addr);
}

int cfi_flash_program32(paddr_t addr, u32 value)
{
	*cfi_ptr(addr) = CFI_PROGRAM;
	*cfi_ptr(addr) = value;
	return cfi_wait(addr);
}

int cfi_flash_erase(paddr_t addr)
{
	*cfi_ptr(addr) = CFI_ERASE;
	*cfi_ptr(addr) = CFI_CONFIRM;
	return cfi_wait(addr);
}
