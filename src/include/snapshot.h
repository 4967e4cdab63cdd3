/* SPDX-License-Identifier: MIT */
/*
 * VM snapshots (core/snapshot.c; the format: docs/SNAPSHOT.md). A capture pauses a VM,
 * has each vCPU's CPU save its whole state, then produces the stream sequentially (header,
 * one hashed section per part, memory with zero pages elided) and resumes the VM with its
 * virtual time shifted by the pause. A restore scrubs a stopped VM of the same shape, parses
 * a stream from a hostile source section by section (every length, index and count checked
 * against the VM's configured shape, every section's SHA-256 before its content is used)
 * and starts the VM from it. One capture and one restore at a time, driven by the management
 * channel (mgmt_snap.c) on CPU 0. Errors are a message in err (NUL-terminated) naming what
 * differs.
 */
#ifndef TESSERA_SNAPSHOT_H
#define TESSERA_SNAPSHOT_H

#include "tessera_features.h"
#include "types.h"

#define SNAP_ERR_MAX 120

struct vm;
struct vcpu;

/* 0 (paused, state saved, stream ready; *total its exact size in bytes) or -1 with err. */
int snapshot_begin(struct vm *vm, u64 *total, char *err);
/* The next up to max bytes of the capture's stream at position *pos (which must be where the
 * last read ended); 0 at the end. -1 if vm is not being captured or pos is wrong. */
int snapshot_read(struct vm *vm, u64 pos, u8 *buf, u32 max, u32 *got, char *err);
/* As snapshot_begin, for a stream without memory sections (the header still describes the
 * VM's memory): a checkpoint (core/checkpoint.c) keeps the memory itself. */
int snapshot_begin_state(struct vm *vm, u64 *total, char *err);
/* Ends the capture: the VM resumes, its virtual time shifted by the pause (*paused_us). */
int snapshot_end(struct vm *vm, u64 *paused_us, char *err);

/* A stopped VM is claimed and scrubbed for a restore: 0 or -1 with err. A restore already in
 * progress (of any VM) is abandoned first: its VM is scrubbed and stopped. */
int restore_begin(struct vm *vm, char *err);
/* As restore_begin for a stream from snapshot_begin_state: the VM's memory is not scrubbed
 * (a refusal still scrubs it); the caller has put the memory in place. */
int restore_begin_state(struct vm *vm, char *err);
/* Stream bytes, in order. -1 with err refuses the stream: the VM is scrubbed and stopped. */
int restore_feed(struct vm *vm, const u8 *data, u32 n, u64 *pos, char *err);
/* The stream is complete and verified: the VM runs from it. -1 with err otherwise (stopped). */
int restore_end(struct vm *vm, char *err);

/* Live migration (mgmt_migrate.c, docs/SNAPSHOT.md "Live migration"): a capture whose
 * stream has no memory sections (header flag "no memory": the pages were sent ahead),
 * ended without a resume (the source slot is stopped next, snapshot_drop); a restore into a
 * VM claimed by restore_begin_migrate, whose memory mem-write fills before the stream.
 * The capture is snapshot_begin_state's (above). */
void snapshot_drop(const struct vm *vm);
int restore_begin_migrate(struct vm *vm, char *err);
/* True while vm is claimed by restore_begin_migrate and no stream byte has come yet. */
bool restore_migrating(const struct vm *vm);
/* Abandons vm's restore (scrubbed, stopped): 0, or -1 if none is in progress for it. */
int restore_cancel(const struct vm *vm);

/* Why vm cannot be captured or restored (a pass-through device, a channel or virtio link to
 * another VM, ...), or NULL. */
const char *snapshot_refusal(const struct vm *vm, char *buf, u32 size);
/* Why vm cannot be migrated to another board beyond snapshot_refusal (a virtio link: its
 * peer would stay behind), or NULL. */
const char *snapshot_unmovable(const struct vm *vm, char *buf, u32 size);

/* Host test fixtures only (tests/unit/fixture.c): the machine is booted again from scratch
 * (VMs and page pool re-initialised): forget any capture or restore of the previous one. */
void snapshot_forget_all(void);
void restore_forget(void);

#if TESSERA_FEAT_SNAPSHOT
/* The vCPU's CPU (core/sched.c), static CPUs: */
void snapshot_vcpu_save(struct vcpu *vc);   /* paused and asked: save, mark saved */
void snapshot_vcpu_reload(struct vcpu *vc); /* saved: restore before the guest runs */
void snapshot_vcpu_adopt(struct vcpu *vc);  /* just started from a restored stream */
/* A boot from the VM's images (reset, restart, start): drops a restored state its vCPU
 * never started with (the VM was stopped first). */
void snapshot_vcpu_forget(struct vcpu *vc);
#else /* no snapshots in this build (tessera_features.h): nothing ever asks a vCPU to save */
static inline void snapshot_vcpu_save(struct vcpu *vc)
{
	(void)vc;
}
static inline void snapshot_vcpu_reload(struct vcpu *vc)
{
	(void)vc;
}
static inline void snapshot_vcpu_adopt(struct vcpu *vc)
{
	(void)vc;
}
static inline void snapshot_vcpu_forget(struct vcpu *vc)
{
	(void)vc;
}
#endif

#include "vm.h"

static inline void snapshot_vcpu_paused(struct vcpu *vc)
{
	if (__atomic_load_n(&vc->snap, __ATOMIC_ACQUIRE) & VCPU_SNAP_SAVE) {
		snapshot_vcpu_save(vc);
	}
}

static inline void snapshot_vcpu_here(struct vcpu *vc)
{
	if (__atomic_load_n(&vc->snap, __ATOMIC_ACQUIRE) & VCPU_SNAP_SAVED) {
		snapshot_vcpu_reload(vc);
	}
}

/* After arch_vcpu_start: a state saved for a capture is stale (a vCPU that was off when
 * the capture saved it, then turned on), a restored one is taken. */
static inline void snapshot_vcpu_started(struct vcpu *vc)
{
	if (vc->snap_state || __atomic_load_n(&vc->snap, __ATOMIC_ACQUIRE)) {
		snapshot_vcpu_adopt(vc);
	}
}

#endif
