/* SPDX-License-Identifier: MIT */
/*
 * Signed single-VM updates with automatic rollback (core/update.c, docs/SECURITY.md "Signed
 * updates"). A VM with update-slot-size has three places its image can come from: the
 * system image (slot 0, its first one) and two flash slots (1, 2). An update is streamed into
 * the flash slot it does not run from, verified there (trusted keys, VM name, version above
 * the running and every confirmed one) before anything else changes, then the VM restarts
 * on it in a trial: a confirm (hypercall or management) keeps it; a crash, a missed
 * watchdog, a failure exit or the trial time running out puts the previous image back.
 * Which slot a VM boots is kept in a flash log, so a power-off during a trial boots the
 * previous image. Built with TESSERA_VBOOT only (measure.h): without trusted keys there is
 * nothing to verify an update with, and the stubs below keep none of it resident.
 */
#ifndef TESSERA_UPDATE_H
#define TESSERA_UPDATE_H

#include "measure.h"
#include "update_format.h"

struct vm;
struct platform;

#if TESSERA_VBOOT
/* Boot, CPU 0, after rollback_init: finds the state log in the platform's flash bank;
 * bundles must be signed by one of keys[0..nkeys) (the built-in ones, vboot.h). */
void update_init(const struct platform *p, const u8 (*keys)[32], u32 nkeys);
/* Boot, from vm_find_images: the image vm boots from (the system image's unless the state
 * log names a flash slot whose bundle still verifies); *image and *size are replaced. */
void update_boot_image(struct vm *vm, const u8 **image, u64 *size);
/* The SHA-256 of the image vm booted if it came from a flash slot, else NULL (measure_vm). */
const u8 *update_boot_digest(const struct vm *vm);
/* Before a reload (vm_reload_boot, VM quiesced): switches vm to the image it must run now
 * and re-checks that image's hash (measure_recheck_vm for the system image's). 0 or -1. */
int update_reload(struct vm *vm);
/* health_failure: true if vm was on trial and has been rolled back (the failure is
 * handled), false to apply the VM's policy. */
bool update_on_failure(struct vm *vm, u32 cause);
/* The counter value at which vm's trial ends (0: none); health_vm_timer calls
 * update_timer at or after it, which rolls back an unconfirmed VM. */
u64 update_deadline(const struct vm *vm);
void update_timer(struct vm *vm, u64 now);
/* TESSERA_HC_UPDATE_CONFIRM from vm (docs/HYPERCALLS.md). */
s64 update_guest_confirm(struct vm *vm);
#else
static inline void update_init(const struct platform *p, const u8 (*keys)[32], u32 nkeys)
{
	(void)p;
	(void)keys;
	(void)nkeys;
}
static inline void update_boot_image(struct vm *vm, const u8 **image, u64 *size)
{
	(void)vm;
	(void)image;
	(void)size;
}
static inline const u8 *update_boot_digest(const struct vm *vm)
{
	(void)vm;
	return NULL;
}
static inline int update_reload(struct vm *vm)
{
	return measure_recheck_vm(vm);
}
static inline bool update_on_failure(struct vm *vm, u32 cause)
{
	(void)vm;
	(void)cause;
	return false;
}
static inline u64 update_deadline(const struct vm *vm)
{
	(void)vm;
	return 0;
}
static inline void update_timer(struct vm *vm, u64 now)
{
	(void)vm;
	(void)now;
}
static inline s64 update_guest_confirm(struct vm *vm)
{
	(void)vm;
	return -1; /* TESSERA_NOT_SUPPORTED */
}
#endif

/* For the management commands (core/mgmt_update.c). */
enum update_state_kind { UPDATE_NONE = 0, UPDATE_TRIAL, UPDATE_CONFIRMED };
struct update_status {
	bool enabled; /* the VM has slots, and the hypervisor keys and a flash bank */
	u32 active;   /* 0: system image, 1/2: flash slot */
	u64 version;  /* of the active image */
	bool trial;   /* running a new image that has not confirmed yet */
	u32 previous; /* during a trial: where a rollback goes */
	u64 trial_left_ms;
};

#endif
