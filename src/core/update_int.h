/* SPDX-License-Identifier: MIT */
/*
 * Internal to the update code: what the management commands (mgmt_update.c) and the
 * hypercall ask of core/update.c. All but update_status_get and update_unavailable write
 * flash: the caller holds the management operation claim (mgmt_op_claim).
 */
#ifndef TESSERA_UPDATE_INT_H
#define TESSERA_UPDATE_INT_H

#include "update.h"

#define UPDATE_SLOTS 3U /* 0: the system image's; 1, 2: flash */

/* Why vm cannot be updated at all (no keys, no flash, no slots), or NULL. */
const char *update_unavailable(const struct vm *vm);
void update_status_get(const struct vm *vm, struct update_status *st);
/* Starts receiving a bundle of size bytes for vm: erases the slot it does not run from. */
int update_begin(struct vm *vm, u64 size, u32 *slot, char *msg, size_t msg_size);
/* The next n bytes (a multiple of 4) of the bundle; *received: bytes so far. */
int update_data(struct vm *vm, const u8 *data, u32 n, u64 *received, char *msg, size_t msg_size);
/* Verifies the received bundle; if good, records the trial and restarts vm on it. */
int update_commit(struct vm *vm, u64 *version, u32 *slot, char *msg, size_t msg_size);
/* Ends vm's trial: the new image stays (recorded in flash). */
int update_confirm(struct vm *vm, u64 *version, char *msg, size_t msg_size);

#endif
