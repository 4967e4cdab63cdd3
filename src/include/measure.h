/* SPDX-License-Identifier: MIT */
/*
 * Measured boot (docs/SECURITY.md "Verified and measured boot"): the log of what the
 * hypervisor booted, SHA-256 of each piece, in boot order: its own image as loaded, the
 * config, then per VM its image, initrd and generated DTB; and a running digest extended
 * like a TPM PCR, d = SHA-256(d || m), from 32 zero bytes. Kept when the hypervisor is
 * built with trusted keys or MEASURED_BOOT=1 (vboot.h); empty otherwise. Read by VMs
 * (TESSERA_HC_MEASUREMENT, their own entries and the global ones) and the management
 * channel ("measurements", all of them). Written only at boot, on CPU 0, before any VM
 * runs: readers need no lock.
 */
#ifndef TESSERA_MEASURE_H
#define TESSERA_MEASURE_H

#include "config.h"
#include "lib.h"
#include "pack.h"
#include "sha256.h"

/*
 * TESSERA_VBOOT: the hypervisor verifies and measures (built with TRUSTED_KEYS or
 * MEASURED_BOOT=1: the Makefile generates $(B)/gen/vboot_config.h). Without it everything
 * below but measure_boot is an inline stub, so the default build keeps none of it resident.
 * Host builds (unit tests, fuzzing) and the linters, which have no generated header, see
 * the whole of it.
 */
#if !defined(TESSERA_HOST) && __has_include("vboot_config.h")
#include "vboot_config.h"
#else
#define TESSERA_VBOOT 1
#endif

/* Entry kinds; the values are the ABI's (abi.h TESSERA_MEASURE_KIND_*). */
enum measure_kind {
	MEASURE_HYPERVISOR = 1,
	MEASURE_CONFIG = 2,
	MEASURE_IMAGE = 3,
	MEASURE_INITRD = 4,
	MEASURE_DTB = 5,
};

#define MEASURE_NO_VM 0xffffffffU /* vm of the global entries */
#define MEASURE_MAX   (2 + 3 * CONFIG_MAX_VMS)

struct measure_entry {
	u32 kind; /* enum measure_kind */
	u32 vm;	  /* VM index, or MEASURE_NO_VM */
	char name[PACK_NAME_MAX];
	u8 sha256[SHA256_DIGEST_SIZE];
};

struct vm;

/*
 * The boot's first step on a checked system image, before anything is parsed or copied:
 * with keys, verifies it (vboot_verify) and prints why it refuses; with keys or measure,
 * records the hypervisor's own image [text_lo, text_hi) + [init_lo, init_hi) and the
 * config; without either, prints "verification off". 0, or -1: boot nothing.
 */
int measure_boot(const void *pack, const u8 (*keys)[32], u32 nkeys, bool measure, const u8 *text_lo,
		 const u8 *text_hi, const u8 *init_lo, const u8 *init_hi);
#if TESSERA_VBOOT
/* Records a VM's image and initrd (hashed by measure_boot) and its generated DTB. */
void measure_vm(const struct vm *vm);
/* Before a restart reloads a VM: its image and initrd hashed again and compared with the
 * log. 0 if they match (or nothing is measured), -1 (printed) if not. */
int measure_recheck_vm(const struct vm *vm);

bool measure_enabled(void);
u32 measure_count(void);
/* Entry i < measure_count(), or NULL. */
const struct measure_entry *measure_get(u32 i);
void measure_digest(u8 out[SHA256_DIGEST_SIZE]);
/* The manifest version of a verified image, and whether it was verified. */
bool measure_verified(u64 *version);
const char *measure_kind_name(u32 kind);
/* 64 lowercase hex digits and a NUL. */
void measure_hex(const u8 d[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1]);
/* TESSERA_HC_MEASUREMENT for VM vm (docs/HYPERCALLS.md): x[1] index, x[2] half; returns x0
 * and sets x[1], x[2]. */
s64 measure_guest_call(u32 vm, u64 *x);
#else
static inline void measure_vm(const struct vm *vm)
{
	(void)vm;
}
static inline int measure_recheck_vm(const struct vm *vm)
{
	(void)vm;
	return 0;
}
static inline bool measure_enabled(void)
{
	return false;
}
static inline u32 measure_count(void)
{
	return 0;
}
static inline const struct measure_entry *measure_get(u32 i)
{
	(void)i;
	return NULL;
}
static inline void measure_digest(u8 out[SHA256_DIGEST_SIZE])
{
	memset(out, 0, SHA256_DIGEST_SIZE);
}
static inline bool measure_verified(u64 *version)
{
	*version = 0;
	return false;
}
static inline const char *measure_kind_name(u32 kind)
{
	(void)kind;
	return "?";
}
static inline void measure_hex(const u8 d[SHA256_DIGEST_SIZE], char out[2 * SHA256_DIGEST_SIZE + 1])
{
	(void)d;
	out[0] = '\0';
}
static inline s64 measure_guest_call(u32 vm, u64 *x)
{
	(void)vm;
	(void)x;
	return -1; /* TESSERA_NOT_SUPPORTED */
}
#endif

#endif
