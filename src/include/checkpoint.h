/* SPDX-License-Identifier: MIT */
/*
 * In-memory checkpoints and rollback (core/checkpoint.c, docs/SNAPSHOT.md "Checkpoints").
 * A VM with checkpoint-memory keeps its last checkpoint there: the device state (the
 * snapshot stream without memory sections) and a copy of its memory. After a checkpoint
 * the VM's memory is write-protected in stage 2; the first write to a page since records it
 * in a dirty bitmap and makes the page writable (arch_ckpt_*), so the next checkpoint copies
 * only the pages written since the last, and a rollback copies only those back.
 *
 * This is its own minimal dirty tracking, separate from the migration's (issue 14 item 5):
 * to be unified with it.
 */
#ifndef TESSERA_CHECKPOINT_H
#define TESSERA_CHECKPOINT_H

#include "abi.h"
#include "tessera_features.h"
#include "types.h"

struct vm;
struct vcpu;

#define CKPT_STATE_MAX (60ULL * 1024) /* room for the device-state stream */
#define CKPT_HDR_SIZE  (4ULL * 1024)  /* the checkpoint's own header page */
#define CKPT_ERR_MAX   120

/* Bytes of checkpoint-memory a VM with mem_bytes of memory (RAM and flash) needs: its
 * header, the device state, the dirty bitmap (a bit per 4 KiB page, whole pages) and the
 * memory's copy. The config checks it (config_checkpoint.c) with this same formula. */
static inline u64 checkpoint_meta_size(u64 mem_bytes)
{
	u64 bits = (mem_bytes / 4096 + 7) / 8;

	return CKPT_HDR_SIZE + CKPT_STATE_MAX + (bits + 4095) / 4096 * 4096;
}

struct ckpt_result {
	u64 seq;	 /* checkpoints taken so far */
	u64 pages;	 /* pages copied */
	u64 total_pages; /* pages of the VM's memory */
	u64 us;		 /* time it took (counter) */
	bool full;	 /* every page copied (the first, or memory rewritten since) */
};

/* Management CPU, operation lock held (or CPU 0's request handler): 0 or -1 with err. */
int checkpoint_take(struct vm *vm, struct ckpt_result *r, char *err);
/* The VM (running, paused or stopped) runs from its last checkpoint: its memory, vCPUs and
 * devices as they were then. */
int checkpoint_rollback(struct vm *vm, struct ckpt_result *r, char *err);

#if TESSERA_FEAT_SNAPSHOT
/* Health policy rollback (health.c), on the failing VM's CPU: true if a checkpoint exists
 * and a rollback was requested from CPU 0 (the VM is stopped, a restart pending as the
 * fallback should the rollback not happen); false: no checkpoint, the caller restarts. */
bool checkpoint_policy_rollback(struct vm *vm, u32 cause);
/* After checkpoint_policy_rollback said true and the VM was stopped: CPU 0 rolls it back. */
void checkpoint_policy_request(struct vm *vm);
/* TESSERA_HC_CHECKPOINT: a request for CPU 0 (TESSERA_OK), or TESSERA_DENIED. */
long checkpoint_guest_call(struct vcpu *vc);
/* CPU 0, CPU_REQ_CKPT: the checkpoints and rollbacks requested. */
void checkpoint_work(void);
/* Data abort from vc with this syndrome and IPA: true if it was a write to a page the
 * tracking protected (recorded, made writable: the guest retries the access). */
bool checkpoint_write_fault(struct vcpu *vc, u64 ipa);
/* The hypervisor wrote [ipa, ipa+len) of vm's RAM (a virtio link delivering into it, behind
 * its stage 2): those pages are dirty for the next checkpoint or rollback. */
void checkpoint_note_write(struct vm *vm, u64 ipa, u64 len);

/* The architecture's side (AArch64: arch/aarch64/ckpt_s2.c). */
struct arch_vm;
/* [ipa, ipa+size) read-only in stage 2, page by page (blocks split first; the VM is paused
 * or stopped): 0, or -1 without a pool page for a table. */
int arch_ckpt_protect(struct arch_vm *a, u64 ipa, u64 size);
/* After protecting: every CPU's stage-2 TLB entries go. */
void arch_ckpt_flush(void);
/* The page of ipa writable again (on the VM's own CPU): false if it is not a mapped page. */
bool arch_ckpt_unprotect(struct arch_vm *a, u64 ipa);
/* A stage-2 data abort of vc (trap path; syndrome: the arch's, AArch64 ESR_EL2): true if
 * checkpoint_write_fault took it. */
bool arch_ckpt_fault(struct vcpu *vc, u64 syndrome);
#else /* no checkpoints in this build (tessera_features.h): the config checker refuses them */
static inline bool checkpoint_policy_rollback(struct vm *vm, u32 cause)
{
	(void)vm, (void)cause;
	return false;
}
static inline void checkpoint_policy_request(struct vm *vm)
{
	(void)vm;
}
static inline long checkpoint_guest_call(struct vcpu *vc)
{
	(void)vc;
	return TESSERA_NOT_SUPPORTED;
}
static inline void checkpoint_work(void)
{
}
static inline void checkpoint_note_write(struct vm *vm, u64 ipa, u64 len)
{
	(void)vm, (void)ipa, (void)len;
}
static inline bool arch_ckpt_fault(struct vcpu *vc, u64 syndrome)
{
	(void)vc, (void)syndrome;
	return false;
}
#endif

#endif
