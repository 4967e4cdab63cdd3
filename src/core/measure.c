/* SPDX-License-Identifier: MIT */
/*
 * Measured boot and the boot's verification step (measure.h, vboot.h; docs/SECURITY.md).
 * The log is written on CPU 0 during boot only, before any VM runs, and read-only after:
 * its readers (hypercall on any CPU, management channel, a VM restart) take no lock. The
 * re-check before a restart hashes the images the VM is about to be reloaded from.
 */
#include "measure.h"
#include "abi.h"
#include "console.h"
#include "lib.h"
#include "rollback.h"
#include "update.h"
#include "vboot.h"
#include "vm.h"

_Static_assert(MEASURE_HYPERVISOR == TESSERA_MEASURE_HYPERVISOR &&
		   MEASURE_CONFIG == TESSERA_MEASURE_CONFIG &&
		   MEASURE_IMAGE == TESSERA_MEASURE_IMAGE &&
		   MEASURE_INITRD == TESSERA_MEASURE_INITRD && MEASURE_DTB == TESSERA_MEASURE_DTB,
	       "measure kinds are the ABI's");

#if TESSERA_VBOOT
static struct measure_entry mlog[MEASURE_MAX];
static u32 mlog_count;
static u8 mlog_digest[SHA256_DIGEST_SIZE]; /* the running digest, zero before any entry */
static bool measuring, verified;
static u64 verified_version;
/* Every pack entry's SHA-256 (measure_boot), for the VMs' entries (measure_vm). */
static u8 entry_digest[PACK_MAX_ENTRIES][SHA256_DIGEST_SIZE];
static const void *boot_pack;

static BOOT_ONLY void measure_add(u32 kind, u32 vm, const char *name, const u8 *d)
{
	struct sha256_ctx c;
	struct measure_entry *e;

	if (mlog_count >= MEASURE_MAX) {
		return; /* cannot happen: MEASURE_MAX covers every VM's three entries */
	}
	e = &mlog[mlog_count++];
	e->kind = kind;
	e->vm = vm;
	str_copy(e->name, name, sizeof(e->name));
	memcpy(e->sha256, d, SHA256_DIGEST_SIZE);
	sha256_init(&c);
	sha256_update(&c, mlog_digest, sizeof(mlog_digest));
	sha256_update(&c, d, SHA256_DIGEST_SIZE);
	sha256_final(&c, mlog_digest);
}

static BOOT_ONLY int measure_verify(const void *pack, const u8 (*keys)[32], u32 nkeys)
{
	struct vboot_result res;
	char msg[VBOOT_MSG_MAX];
	u64 counter = 0;

	if (vboot_verify(pack, keys, nkeys, (const u8(*)[SHA256_DIGEST_SIZE])entry_digest, &res,
			 msg, sizeof(msg)) != 0) {
		console_printf("verified boot: refused: %s\n", msg);
		return -1;
	}
	if (rollback_available()) { /* rollback_init: setup.c, from the platform DTB */
		counter = rollback_counter();
		if (res.version < counter) {
			console_printf(
			    "verified boot: refused: manifest: version %llu is older than "
			    "the anti-rollback counter %llu\n",
			    (unsigned long long)res.version, (unsigned long long)counter);
			return -1;
		}
	}
	verified = true;
	verified_version = res.version;
	console_printf("verified boot: system image version %llu signed by trusted key %u of %u; "
		       "config and %u image(s) match the manifest; %s %llu\n",
		       (unsigned long long)res.version, res.key + 1, nkeys, res.manifest - 1,
		       rollback_available() ? "anti-rollback counter" : "no anti-rollback store",
		       (unsigned long long)counter);
	return 0;
}

BOOT_ONLY int measure_boot(const void *pack, const u8 (*keys)[32], u32 nkeys, bool measure,
			   const u8 *text_lo, const u8 *text_hi, const u8 *init_lo,
			   const u8 *init_hi)
{
	struct sha256_ctx c;
	u8 d[SHA256_DIGEST_SIZE];

	if (nkeys == 0) {
		console_printf("verified boot: verification off (hypervisor built without "
			       "TRUSTED_KEYS)%s\n",
			       measure ? "; measured boot on" : "");
		if (!measure) {
			return 0;
		}
	}
	vboot_hash_entries(pack, entry_digest);
	if (nkeys && measure_verify(pack, keys, nkeys) != 0) {
		return -1;
	}
	measuring = true;
	boot_pack = pack;
	sha256_init(&c);
	sha256_update(&c, text_lo, (size_t)(text_hi - text_lo));
	sha256_update(&c, init_lo, (size_t)(init_hi - init_lo));
	sha256_final(&c, d);
	measure_add(MEASURE_HYPERVISOR, MEASURE_NO_VM, "tessera", d);
	measure_add(MEASURE_CONFIG, MEASURE_NO_VM, "config.dtb", entry_digest[0]);
	return 0;
}

/* The boot-time digest of the pack entry named name. */
static BOOT_ONLY const u8 *measure_entry_digest(const char *name)
{
	for (u32 i = 0; i < pack_entry_count(boot_pack) && i < PACK_MAX_ENTRIES; i++) {
		struct pack_entry e;

		pack_entry_get(boot_pack, i, &e);
		if (strncmp(e.name, name, sizeof(e.name)) == 0) {
			return entry_digest[i];
		}
	}
	return NULL;
}

BOOT_ONLY void measure_vm(const struct vm *vm)
{
	const struct vm_layout *l = &vm->layout;
	const u8 *d;
	paddr_t pa;

	if (!measuring) {
		return;
	}
	d = update_boot_digest(vm); /* booted from an update slot: that image's */
	if (d) {
		measure_add(MEASURE_IMAGE, vm->id, "update slot", d);
	}
	d = d ? NULL : measure_entry_digest(vm->cfg->image);
	if (d) {
		measure_add(MEASURE_IMAGE, vm->id, vm->cfg->image, d);
	}
	d = vm->cfg->initrd[0] ? measure_entry_digest(vm->cfg->initrd) : NULL;
	if (d) {
		measure_add(MEASURE_INITRD, vm->id, vm->cfg->initrd, d);
	}
	/* The DTB as generated (its header's totalsize), where the VM finds it. */
	if (config_vm_ipa_to_phys(vm->cfg, l->dtb_ipa, l->dtb_max, &pa)) {
		const u8 *dtb = (const u8 *)(uintptr_t)pa;
		u8 dtb_sum[SHA256_DIGEST_SIZE];

		sha256(dtb, MIN((u64)be32_load(dtb + 4), l->dtb_max), dtb_sum);
		measure_add(MEASURE_DTB, vm->id, "generated", dtb_sum);
	}
}

static int measure_recheck(const struct vm *vm, const struct measure_entry *e)
{
	const u8 *data = e->kind == MEASURE_IMAGE ? vm->image : vm->initrd;
	u64 size = e->kind == MEASURE_IMAGE ? vm->image_size : vm->initrd_size;
	u8 d[SHA256_DIGEST_SIZE];

	sha256(data, size, d);
	if (memcmp(d, e->sha256, sizeof(d)) != 0) {
		console_printf("VM %u '%s': %s \"%s\": SHA-256 does not match the manifest: not "
			       "reloaded\n",
			       vm->id, vm->cfg->name, measure_kind_name(e->kind), e->name);
		return -1;
	}
	return 0;
}

int measure_recheck_vm(const struct vm *vm)
{
	if (!verified) {
		return 0; /* without keys a restart reloads as it always did */
	}
	for (u32 i = 0; i < mlog_count; i++) {
		const struct measure_entry *e = &mlog[i];

		if (e->vm == vm->id && (e->kind == MEASURE_IMAGE || e->kind == MEASURE_INITRD) &&
		    measure_recheck(vm, e) != 0) {
			return -1;
		}
	}
	return 0;
}

bool measure_enabled(void)
{
	return measuring;
}

u32 measure_count(void)
{
	return mlog_count;
}

const struct measure_entry *measure_get(u32 i)
{
	return i < mlog_count ? &mlog[i] : NULL;
}

void measure_digest(u8 out[SHA256_DIGEST_SIZE])
{
	memcpy(out, mlog_digest, SHA256_DIGEST_SIZE);
}

bool measure_verified(u64 *version)
{
	*version = verified_version;
	return verified;
}

const char *measure_kind_name(u32 kind)
{
	static const char *const names[] = {"?", "hypervisor", "config", "image", "initrd", "dtb"};

	return kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

void measure_hex(const u8 d[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (u32 i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * SHA256_DIGEST_SIZE] = '\0';
}

/* The index-th entry VM vm may read: the global ones and its own, in log order. */
static const struct measure_entry *measure_visible(u32 vm, u64 index)
{
	u64 seen = 0;

	for (u32 i = 0; i < mlog_count; i++) {
		if (mlog[i].vm != MEASURE_NO_VM && mlog[i].vm != vm) {
			continue;
		}
		if (seen++ == index) {
			return &mlog[i];
		}
	}
	return NULL;
}

s64 measure_guest_call(u32 vm, u64 *x)
{
	u64 index = x[1], half = x[2];
	const struct measure_entry *e;
	const u8 *d;
	s64 ret;

	if (!measuring) {
		return TESSERA_NOT_SUPPORTED;
	}
	if (half > 1) {
		return TESSERA_INVALID;
	}
	if (index == TESSERA_MEASURE_DIGEST) {
		d = mlog_digest;
		ret = mlog_count;
	} else {
		e = measure_visible(vm, index);
		if (!e) {
			return TESSERA_INVALID;
		}
		d = e->sha256;
		ret = e->kind;
	}
	x[1] = le64_load(d + 16 * half);
	x[2] = le64_load(d + 16 * half + 8);
	return ret;
}
#else
/* Built without TRUSTED_KEYS or MEASURED_BOOT=1: today's boot, and it says so. */
BOOT_ONLY int measure_boot(const void *pack, const u8 (*keys)[32], u32 nkeys, bool measure,
			   const u8 *text_lo, const u8 *text_hi, const u8 *init_lo,
			   const u8 *init_hi)
{
	(void)pack;
	(void)keys;
	(void)nkeys;
	(void)measure;
	(void)text_lo;
	(void)text_hi;
	(void)init_lo;
	(void)init_hi;
	console_printf("verified boot: verification off (hypervisor built without "
		       "TRUSTED_KEYS)\n");
	return 0;
}
#endif
