/* SPDX-License-Identifier: MIT */
/* VM cloning (core/clone.c, docs/SNAPSHOT.md "Clone"). */
#ifndef TESSERA_CLONE_H
#define TESSERA_CLONE_H

#include "snapshot.h"
#include "types.h"

struct clone_result {
	u64 bytes;	/* the stream's size */
	u64 paused_us;	/* how long the source was paused */
	u64 generation; /* the copy's new generation id */
	bool dtb_patched;
};

/* Copies src (running or paused, capturable: snapshot_refusal) into the stopped VM dst of
 * the same shape and starts dst with a new generation id; src goes on as it was. 0, or -1
 * with err (dst stays stopped, src as it was). Management CPU, operation lock held. */
int vm_clone(struct vm *src, struct vm *dst, struct clone_result *res, char *err);

#endif
