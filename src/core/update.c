/* SPDX-License-Identifier: MIT */
/*
 * Signed single-VM updates (update.h, docs/SECURITY.md "Signed updates").
 *
 * Slots: a VM's slot 0 is its image in the system image; slots 1 and 2 are update-slot-size
 * bytes each in the hypervisor's flash bank (update_format.h), read in place (the flash is
 * in read-array mode between operations, mapped as Device memory: aligned accesses only,
 * which -mstrict-align and the byte-wise parsers keep).
 *
 * State log: the erase block below the anti-rollback counter holds 32-byte records, appended
 * in order, each its four words and their complements (a record torn by a power cut fails
 * the check and is ignored; erased flash is all ones and ends the scan):
 *   word 0 "TUPD" (0x44505554), word 1 vm | slot << 8 | state << 16 | previous << 24,
 *   words 2-3 the version (little-endian u64), words 4-7 the complements of words 0-3.
 * A VM's last record says what it boots: CONFIRMED -> that slot; TRIAL -> the previous one
 * (the power went off before the new image confirmed). A full block is erased and restarted
 * with each VM's current slot; a power cut in between boots the system images' (documented).
 *
 * Concurrency: flash is written only under the management operation claim (mgmt_op_claim:
 * the channel's commands on CPU 0, TESSERA_HC_UPDATE_CONFIRM on the VM's CPU); the trial
 * flag and the slot a VM runs change under update_lock, so a confirm and a rollback (on the
 * VM's CPU: failure or trial timer) cannot both win.
 */
#include "update.h"

#if TESSERA_VBOOT
#include "sched_loop.h"
#include "abi.h"
#include "cfi_flash.h"
#include "console.h"
#include "health.h"
#include "lib.h"
#include "mgmt_int.h"
#include "spinlock.h"
#include "update_int.h"
#include "vboot.h"
#include "vm.h"

#define REC_SIZE  32U
#define REC_MAGIC 0x44505554U /* "TUPD" */
#define REC_COUNT ((u32)(UPDATE_BLOCK_SIZE / REC_SIZE))

enum { REC_TRIAL = 1, REC_CONFIRMED = 2 };

struct update_rec {
	u32 vm, slot, state, prev;
	u64 version;
};

struct update_slot {
	const u8 *image;
	u64 size;
	u64 version;
	u8 sha256[SHA256_DIGEST_SIZE];
};

struct update_vm {
	paddr_t flash[UPDATE_SLOTS]; /* [1], [2]: slot bases; [0] unused */
	struct update_slot slot[UPDATE_SLOTS];
	u32 active;   /* the slot it runs (or will at its next reload) */
	u32 loaded;   /* the slot vm->image and vm->layout describe */
	u32 previous; /* during a trial: where a rollback goes */
	bool trial;
	bool booted_slot; /* its first boot came from a flash slot */
	u64 trial_end;	  /* counter value */
	u64 floor;	  /* highest version confirmed in the log */
};

static struct update_vm uvm[CONFIG_MAX_VMS];
static paddr_t log_base;		    /* 0: no flash bank, updates off */
static const u8 (*trusted)[VBOOT_KEY_SIZE]; /* the keys bundles must be signed with */
static u32 trusted_count;
static spinlock_t update_lock;
/* The boot's reading of the log: each VM's last record. */
static struct update_rec boot_last[CONFIG_MAX_VMS];
static bool boot_has[CONFIG_MAX_VMS];

/* ---- the state log ---- */

static void rec_words(const struct update_rec *r, u32 w[8])
{
	w[0] = REC_MAGIC;
	w[1] = (r->vm & 0xff) | (r->slot & 0xff) << 8 | (r->state & 0xff) << 16 |
	       (r->prev & 0xff) << 24;
	w[2] = (u32)r->version;
	w[3] = (u32)(r->version >> 32);
	for (u32 i = 0; i < 4; i++) {
		w[4 + i] = ~w[i];
	}
}

/* Record i: 1 valid (*r), 0 torn or foreign, -1 erased (the end). */
static int rec_read(u32 i, struct update_rec *r)
{
	paddr_t a = log_base + (u64)i * REC_SIZE;
	u32 w[8];
	bool erased = true;

	for (u32 k = 0; k < 8; k++) {
		w[k] = cfi_flash_read32(a + 4 * k);
		erased = erased && w[k] == ~0U;
	}
	if (erased) {
		return -1;
	}
	for (u32 k = 0; k < 4; k++) {
		if (w[4 + k] != ~w[k]) {
			return 0;
		}
	}
	if (w[0] != REC_MAGIC) {
		return 0;
	}
	r->vm = w[1] & 0xff;
	r->slot = (w[1] >> 8) & 0xff;
	r->state = (w[1] >> 16) & 0xff;
	r->prev = w[1] >> 24;
	r->version = w[2] | (u64)w[3] << 32;
	return r->slot < UPDATE_SLOTS && r->prev < UPDATE_SLOTS &&
	       (r->state == REC_TRIAL || r->state == REC_CONFIRMED);
}

/* The first erased record, REC_COUNT if none; a never-formatted (zero-filled) block counts
 * as full, so that the first write erases it. */
static u32 log_free(void)
{
	struct update_rec r;

	if (cfi_flash_read32(log_base) == 0 && cfi_flash_read32(log_base + 4) == 0) {
		return REC_COUNT;
	}
	for (u32 i = 0; i < REC_COUNT; i++) {
		if (rec_read(i, &r) < 0) {
			return i;
		}
	}
	return REC_COUNT;
}

static int rec_write(u32 i, const struct update_rec *r)
{
	paddr_t a = log_base + (u64)i * REC_SIZE;
	u32 w[8];
	int rc = 0;

	rec_words(r, w);
	for (u32 k = 0; k < 8; k++) {
		rc |= cfi_flash_program32(a + 4 * k, w[k]);
	}
	return rc;
}

/* Erases the log and writes each VM's current slot back (every slot but 0 as confirmed:
 * a VM on trial keeps its previous one). */
static int log_compact(u32 *next)
{
	u32 n = 0;

	if (cfi_flash_erase(log_base) != 0) {
		return -1;
	}
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		const struct update_vm *u = &uvm[i];
		u32 s = u->trial ? u->previous : u->active;
		struct update_rec r = {i, s, REC_CONFIRMED, 0, u->slot[s].version};

		if (s != 0 && rec_write(n++, &r) != 0) {
			return -1;
		}
	}
	*next = n;
	return 0;
}

static int log_append(const struct update_rec *r)
{
	u32 i = log_free();

	if (i == REC_COUNT && log_compact(&i) != 0) {
		return -1;
	}
	return rec_write(i, r);
}

/* ---- slots ---- */

static bool update_enabled(const struct vm *vm)
{
	return log_base && vm->cfg->update_slot_size;
}

/* Slot bases: below the log, each VM with slots takes two, in config order. */
static void update_place(struct vm *vm)
{
	paddr_t top = log_base;

	for (u32 i = 0; i <= vm->id && i < vm_count; i++) {
		top -= 2ULL * system_config.vms[i].update_slot_size;
	}
	uvm[vm->id].flash[1] = top;
	uvm[vm->id].flash[2] = top + vm->cfg->update_slot_size;
}

/* Verifies the bundle in flash slot s of vm (bounded by the slot) and records its image. */
static int slot_load(struct vm *vm, u32 s, u64 size, char *msg, size_t msg_size)
{
	struct update_vm *u = &uvm[vm->id];
	const u8 *b = (const u8 *)(uintptr_t)u->flash[s];
	struct update_header h;

	if (size == 0) {
		memcpy(&h, b, sizeof(h)); /* aligned: the slot is */
		size = h.image_size <= vm->cfg->update_slot_size
			   ? UPDATE_BUNDLE_SIZE(h.image_size)
			   : (u64)vm->cfg->update_slot_size + 4;
	}
	if (size > vm->cfg->update_slot_size) {
		fmt_snprintf(msg, msg_size, "bundle larger than the slot (0x%x bytes)",
			     vm->cfg->update_slot_size);
		return -1;
	}
	if (update_bundle_verify(b, size, trusted, trusted_count, &h, msg, msg_size) != 0) {
		return -1;
	}
	if (strcmp(h.vm, vm->cfg->name) != 0) {
		fmt_snprintf(msg, msg_size, "bundle is for VM \"%s\"", h.vm);
		return -1;
	}
	u->slot[s].image = b + UPDATE_DATA_OFFSET;
	u->slot[s].size = h.image_size;
	u->slot[s].version = h.version;
	memcpy(u->slot[s].sha256, h.image_sha256, SHA256_DIGEST_SIZE);
	return 0;
}

/* ---- boot ---- */

BOOT_ONLY void update_init(const struct platform *p, const u8 (*keys)[32], u32 nkeys)
{
	struct update_rec r;

	spin_init(&update_lock);
	log_base = 0;
	trusted = keys;
	trusted_count = nkeys;
	if (!nkeys || p->flash_size < UPDATE_RESERVED_SIZE) {
		return;
	}
	log_base = p->flash_base + p->flash_size - UPDATE_RESERVED_SIZE;
	cfi_flash_read_mode(log_base);
	if (cfi_flash_read32(log_base) == 0 && cfi_flash_read32(log_base + 4) == 0) {
		return; /* never formatted: no records */
	}
	for (u32 i = 0; i < REC_COUNT; i++) {
		int k = rec_read(i, &r);

		if (k < 0) {
			break;
		}
		if (k == 0 || r.vm >= CONFIG_MAX_VMS) {
			continue;
		}
		boot_last[r.vm] = r;
		boot_has[r.vm] = true;
		if (r.state == REC_CONFIRMED && r.version > uvm[r.vm].floor) {
			uvm[r.vm].floor = r.version;
		}
	}
}

BOOT_ONLY void update_boot_image(struct vm *vm, const u8 **image, u64 *size)
{
	struct update_vm *u = &uvm[vm->id];
	const struct update_rec *r = &boot_last[vm->id];
	char msg[VBOOT_MSG_MAX];
	u32 s;

	u->slot[0].image = *image;
	u->slot[0].size = *size;
	measure_verified(&u->slot[0].version);
	if (!update_enabled(vm)) {
		return;
	}
	update_place(vm);
	if (!boot_has[vm->id]) {
		return;
	}
	s = r->state == REC_TRIAL ? r->prev : r->slot;
	if (r->state == REC_TRIAL) {
		console_log(LOG_WARN,
			    "VM '%s': update to version %llu (slot %u) was on trial at power-off: "
			    "booting its previous image (slot %u)\n",
			    vm->cfg->name, (unsigned long long)r->version, r->slot, s);
	}
	if (s == 0) {
		return;
	}
	if (slot_load(vm, s, 0, msg, sizeof(msg)) != 0) {
		console_log(LOG_ERROR, "VM '%s': update slot %u: %s: booting the system image's\n",
			    vm->cfg->name, s, msg);
		return;
	}
	u->active = u->loaded = s;
	u->booted_slot = true;
	*image = u->slot[s].image;
	*size = u->slot[s].size;
	console_printf("VM '%s': boots version %llu from update slot %u\n", vm->cfg->name,
		       (unsigned long long)u->slot[s].version, s);
}

const u8 *update_boot_digest(const struct vm *vm)
{
	const struct update_vm *u = &uvm[vm->id];

	return u->booted_slot ? u->slot[u->active].sha256 : NULL;
}

/* ---- reload, trial, rollback ---- */

static int update_switch(struct vm *vm, u32 s)
{
	struct update_vm *u = &uvm[vm->id];
	struct config_error err;
	struct vm_layout l;

	if (config_vm_layout(vm->cfg, u->slot[s].image, u->slot[s].size, vm->initrd_size, &l,
			     &err) != 0) {
		console_log(LOG_ERROR, "VM %u '%s': slot %u image: %s\n", vm->id, vm->cfg->name, s,
			    err.msg);
		return -1;
	}
	vm->image = u->slot[s].image;
	vm->image_size = u->slot[s].size;
	vm->layout = l;
	u->loaded = s;
	return 0;
}

int update_reload(struct vm *vm)
{
	struct update_vm *u = &uvm[vm->id];
	u8 d[SHA256_DIGEST_SIZE];
	u32 s;

	spin_lock(&update_lock);
	s = u->active;
	spin_unlock(&update_lock);
	if (s != u->loaded && update_switch(vm, s) != 0) {
		return -1;
	}
	if (s == 0) {
		return measure_recheck_vm(vm);
	}
	sha256(vm->image, vm->image_size, d);
	if (memcmp(d, u->slot[s].sha256, sizeof(d)) != 0) {
		console_log(LOG_ERROR,
			    "VM %u '%s': update slot %u: SHA-256 does not match its signed header: "
			    "not reloaded\n",
			    vm->id, vm->cfg->name, s);
		return -1;
	}
	return 0;
}

/* Boots vm again on the slot it should run, whatever state it is in (not on trial for a
 * rollback: its CPU's failure or timer path; on CPU 0 for a commit). */
static void update_restart(struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st == VM_PAUSED) {
		vm_resume(vm);
		st = VM_RUNNING;
	}
	if (st == VM_RUNNING) {
		vm_reset(vm);
	} else if (st == VM_STOPPED) {
		vm->restart_at = 0;
		vm_restart(vm);
	}
	cpu_request(vm->vcpus[0].pcpu, CPU_REQ_HEALTH); /* arm the trial / watchdog */
}

static bool update_rollback(struct vm *vm, const char *why)
{
	struct update_vm *u = &uvm[vm->id];
	u32 from;

	spin_lock(&update_lock);
	if (!u->trial) {
		spin_unlock(&update_lock);
		return false;
	}
	from = u->active;
	u->active = u->previous;
	u->trial = false;
	spin_unlock(&update_lock);
	console_log(LOG_WARN,
		    "VM %u '%s': update to version %llu (slot %u) rolled back (%s): restarting "
		    "on version %llu (slot %u)\n",
		    vm->id, vm->cfg->name, (unsigned long long)u->slot[from].version, from, why,
		    (unsigned long long)u->slot[u->active].version, u->active);
	update_restart(vm);
	return true;
}

bool update_on_failure(struct vm *vm, u32 cause)
{
	return update_rollback(vm, health_cause_name(cause));
}

u64 update_deadline(const struct vm *vm)
{
	const struct update_vm *u = &uvm[vm->id];

	return __atomic_load_n(&u->trial, __ATOMIC_ACQUIRE) ? u->trial_end : 0;
}

void update_timer(struct vm *vm, u64 now)
{
	if (update_deadline(vm) && now >= uvm[vm->id].trial_end) {
		char why[48];

		fmt_snprintf(why, sizeof(why), "not confirmed within %u ms",
			     vm->cfg->update_trial_ms);
		update_rollback(vm, why);
	}
}

/* ---- what the management channel and the hypercall do (update_int.h) ---- */

static struct {
	struct vm *vm; /* NULL: no update being received */
	u32 slot;
	u64 size, received;
} sess;

void update_status_get(const struct vm *vm, struct update_status *st)
{
	const struct update_vm *u = &uvm[vm->id];
	u64 now = arch_counter(), f = arch_counter_freq();

	spin_lock(&update_lock);
	st->enabled = update_enabled(vm);
	st->active = u->active;
	st->version = u->slot[u->active].version;
	st->trial = u->trial;
	st->previous = u->previous;
	st->trial_left_ms =
	    u->trial && u->trial_end > now && f ? (u->trial_end - now) * 1000 / f : 0;
	spin_unlock(&update_lock);
}

const char *update_unavailable(const struct vm *vm)
{
	if (!trusted_count) {
		return "the hypervisor was built without TRUSTED_KEYS: no update can be verified";
	}
	if (!log_base) {
		return "this board has no flash bank for update slots";
	}
	if (!vm->cfg->update_slot_size) {
		return "the VM has no update-slot-size in the config";
	}
	return NULL;
}

int update_begin(struct vm *vm, u64 size, u32 *slot, char *msg, size_t msg_size)
{
	struct update_vm *u = &uvm[vm->id];
	u32 s;

	if (u->trial) {
		fmt_snprintf(msg, msg_size,
			     "VM %s is on trial with version %llu: confirm it or "
			     "let it roll back first",
			     vm->cfg->name, (unsigned long long)u->slot[u->active].version);
		return -1;
	}
	if (size < UPDATE_DATA_OFFSET || size % 4 || size > vm->cfg->update_slot_size) {
		fmt_snprintf(msg, msg_size,
			     "size %llu: a bundle is a multiple of 4 bytes, %u..0x%x (the slot)",
			     (unsigned long long)size, UPDATE_DATA_OFFSET,
			     vm->cfg->update_slot_size);
		return -1;
	}
	s = u->active == 1 ? 2 : 1; /* the slot it does not run from */
	sess.vm = NULL;
	for (u64 off = 0; off < size; off += UPDATE_BLOCK_SIZE) {
		if (cfi_flash_erase(u->flash[s] + off) != 0) {
			fmt_snprintf(msg, msg_size, "erasing slot %u failed", s);
			return -1;
		}
	}
	sess.vm = vm;
	sess.slot = s;
	sess.size = size;
	sess.received = 0;
	*slot = s;
	return 0;
}

int update_data(struct vm *vm, const u8 *data, u32 n, u64 *received, char *msg, size_t msg_size)
{
	paddr_t a;

	if (sess.vm != vm) {
		fmt_snprintf(msg, msg_size, "no update of VM %s is being received (update-begin)",
			     vm->cfg->name);
		return -1;
	}
	if (n % 4 || n > sess.size - sess.received) {
		fmt_snprintf(msg, msg_size, "%u bytes: chunks are multiples of 4 within the size",
			     n);
		return -1;
	}
	a = uvm[vm->id].flash[sess.slot] + sess.received;
	for (u32 i = 0; i < n; i += 4) {
		if (cfi_flash_program32(a + i, le32_load(data + i)) != 0) {
			sess.vm = NULL;
			fmt_snprintf(msg, msg_size, "programming slot %u failed: update abandoned",
				     sess.slot);
			return -1;
		}
	}
	sess.received += n;
	*received = sess.received;
	return 0;
}

/* The checks that must pass before anything changes: the bundle, its VM, its version. */
static int update_check(struct vm *vm, u32 s, char *msg, size_t msg_size)
{
	struct update_vm *u = &uvm[vm->id];
	u64 running = u->slot[u->active].version;
	u64 v;

	if (slot_load(vm, s, sess.size, msg, msg_size) != 0) {
		return -1;
	}
	v = u->slot[s].version;
	if (v <= running || v <= u->floor) {
		fmt_snprintf(msg, msg_size,
			     "version %llu is not newer than the running %llu and the confirmed "
			     "%llu (anti-rollback)",
			     (unsigned long long)v, (unsigned long long)running,
			     (unsigned long long)u->floor);
		return -1;
	}
	return 0;
}

int update_commit(struct vm *vm, u64 *version, u32 *slot, char *msg, size_t msg_size)
{
	struct update_vm *u = &uvm[vm->id];
	struct config_error err;
	struct vm_layout l;
	u32 s = sess.slot;
	struct update_rec r;

	if (sess.vm != vm || sess.received != sess.size) {
		fmt_snprintf(msg, msg_size,
			     "no complete update of VM %s received (%llu of %llu "
			     "bytes)",
			     vm->cfg->name, (unsigned long long)(sess.vm == vm ? sess.received : 0),
			     (unsigned long long)(sess.vm == vm ? sess.size : 0));
		return -1;
	}
	sess.vm = NULL;
	if (update_check(vm, s, msg, msg_size) != 0) {
		return -1;
	}
	if (config_vm_layout(vm->cfg, u->slot[s].image, u->slot[s].size, vm->initrd_size, &l,
			     &err) != 0) {
		fmt_snprintf(msg, msg_size, "image does not fit the VM: %s", err.msg);
		return -1;
	}
	r = (struct update_rec){vm->id, s, REC_TRIAL, u->active, u->slot[s].version};
	if (log_append(&r) != 0) {
		fmt_snprintf(msg, msg_size, "writing the update state log failed");
		return -1;
	}
	spin_lock(&update_lock);
	u->previous = u->active;
	u->active = s;
	u->trial_end = arch_counter() + (u64)vm->cfg->update_trial_ms * arch_counter_freq() / 1000;
	__atomic_store_n(&u->trial, true, __ATOMIC_RELEASE);
	spin_unlock(&update_lock);
	console_printf("VM %u '%s': update to version %llu verified (slot %u): restarting on it, "
		       "trial of %u ms\n",
		       vm->id, vm->cfg->name, (unsigned long long)u->slot[s].version, s,
		       vm->cfg->update_trial_ms);
	update_restart(vm);
	*version = u->slot[s].version;
	*slot = s;
	return 0;
}

int update_confirm(struct vm *vm, u64 *version, char *msg, size_t msg_size)
{
	struct update_vm *u = &uvm[vm->id];
	struct update_rec r;
	int rc = 0;

	spin_lock(&update_lock);
	if (!u->trial) {
		spin_unlock(&update_lock);
		fmt_snprintf(msg, msg_size, "VM %s is not on trial (nothing to confirm)",
			     vm->cfg->name);
		return -1;
	}
	r = (struct update_rec){vm->id, u->active, REC_CONFIRMED, u->previous,
				u->slot[u->active].version};
	if (log_append(&r) != 0) {
		fmt_snprintf(msg, msg_size, "writing the update state log failed");
		rc = -1;
	} else {
		__atomic_store_n(&u->trial, false, __ATOMIC_RELEASE);
		u->floor = MAX(u->floor, r.version);
	}
	spin_unlock(&update_lock);
	if (rc == 0) {
		console_printf("VM %u '%s': update to version %llu confirmed (slot %u)\n", vm->id,
			       vm->cfg->name, (unsigned long long)r.version, r.slot);
		*version = r.version;
	}
	return rc;
}

s64 update_guest_confirm(struct vm *vm)
{
	char msg[VBOOT_MSG_MAX];
	u64 version;
	int rc;

	if (!update_enabled(vm)) {
		return TESSERA_NOT_SUPPORTED;
	}
	if (!__atomic_load_n(&uvm[vm->id].trial, __ATOMIC_ACQUIRE)) {
		return TESSERA_WRONG_STATE;
	}
	if (!mgmt_op_claim()) {
		return TESSERA_BUSY;
	}
	rc = update_confirm(vm, &version, msg, sizeof(msg));
	mgmt_op_release();
	return rc == 0 ? TESSERA_OK : TESSERA_WRONG_STATE;
}

#endif
