/* SPDX-License-Identifier: MIT */
/*
 * The anti-rollback counter's store (rollback.h): an append-only log of 16-byte records in
 * one erase block, so that raising the counter only programs bits 1 -> 0 and never erases
 * until the block is full. A record is the value and its complement (two little-endian
 * 64-bit words, four 32-bit flash words); erased flash reads all ones. The counter is the
 * highest valid record: a record torn by a power cut (value and complement disagree) is
 * ignored, and the previous value stands. Records are written in order, so the first erased
 * slot ends the scan. Used by CPU 0 at boot and by the management channel (CPU 0) after.
 */
#include "rollback.h"
#include "cfi_flash.h"

#define ROLLBACK_SLOTS ((u32)(ROLLBACK_STORE_SIZE / ROLLBACK_SLOT_SIZE))

static paddr_t store; /* 0: no store */

bool rollback_init(const struct platform *p)
{
	store = 0;
	if (p->flash_size < ROLLBACK_STORE_SIZE) {
		return false;
	}
	store = p->flash_base + p->flash_size - ROLLBACK_STORE_SIZE;
	cfi_flash_read_mode(store);
	return true;
}

bool rollback_available(void)
{
	return store != 0;
}

static u64 rollback_word64(paddr_t a)
{
	return cfi_flash_read32(a) | ((u64)cfi_flash_read32(a + 4) << 32);
}

/* The highest valid value, and the first erased slot (ROLLBACK_SLOTS if none). */
static u64 rollback_scan(u32 *free_slot)
{
	u64 max = 0;

	*free_slot = ROLLBACK_SLOTS;
	/* A first record of zeros (a zero-filled, never formatted store: QEMU's flash without a
	 * backing file, or a new sparse one) is never written here (the counter starts at 0 and
	 * only moves up): no value, and the first confirm erases the block. */
	if (rollback_word64(store) == 0 && rollback_word64(store + 8) == 0) {
		return 0;
	}
	for (u32 i = 0; i < ROLLBACK_SLOTS; i++) {
		paddr_t a = store + (u64)i * ROLLBACK_SLOT_SIZE;
		u64 v = rollback_word64(a), c = rollback_word64(a + 8);

		if (v == ~0ULL && c == ~0ULL) {
			*free_slot = i;
			break;
		}
		if (c == ~v && v > max) {
			max = v;
		}
	}
	return max;
}

u64 rollback_counter(void)
{
	u32 free_slot;

	return store ? rollback_scan(&free_slot) : 0;
}

static int rollback_write(u32 slot, u64 v)
{
	paddr_t a = store + (u64)slot * ROLLBACK_SLOT_SIZE;

	return cfi_flash_program32(a, (u32)v) | cfi_flash_program32(a + 4, (u32)(v >> 32)) |
	       cfi_flash_program32(a + 8, (u32)~v) | cfi_flash_program32(a + 12, (u32)(~v >> 32));
}

int rollback_confirm(u64 version, u64 *before, u64 *after)
{
	u32 slot;

	if (!store) {
		return -1;
	}
	*before = *after = rollback_scan(&slot);
	if (version <= *before) {
		return 0; /* forward only */
	}
	/* Full (or never formatted): start the block again with the new value. A power cut
	 * between the erase and the write loses the counter (docs/SECURITY.md). */
	if (slot == ROLLBACK_SLOTS) {
		if (cfi_flash_erase(store) != 0) {
			return -1;
		}
		slot = 0;
	}
	if (rollback_write(slot, version) != 0) {
		return -1;
	}
	*after = rollback_scan(&slot);
	return *after == version ? 0 : -1;
}
