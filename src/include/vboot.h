/* SPDX-License-Identifier: MIT */
/*
 * Verified boot (docs/SECURITY.md "Verified and measured boot"): checks a system image's
 * manifest (pack.h) against trusted Ed25519 public keys, then every entry's SHA-256 against
 * the manifest. Pure functions over a pack that pack_check accepted: the hypervisor runs
 * them once at boot (core/measure.c), the host CLI and the unit tests run the same code.
 */
#ifndef TESSERA_VBOOT_H
#define TESSERA_VBOOT_H

#include "pack.h"
#include "sha256.h"

#define VBOOT_KEY_SIZE 32
#define VBOOT_MSG_MAX  200

/* The keys `make TRUSTED_KEYS=a.pub,b.pub` builds in (generated $(B)/gen/trusted_keys.c),
 * and whether the hypervisor measures the boot (on with keys, or MEASURED_BOOT=1). */
extern const u8 vboot_trusted_keys[][VBOOT_KEY_SIZE];
extern const u32 vboot_trusted_key_count;
extern const bool vboot_measured_boot;

/* SHA-256 of every entry of a checked pack, in entry order. */
void vboot_hash_entries(const void *pack, u8 digest[][SHA256_DIGEST_SIZE]);

/* What a good manifest says. */
struct vboot_result {
	u64 version;  /* the manifest's version */
	u32 key;      /* index of the key that verified it */
	u32 manifest; /* the manifest's entry index (the last one) */
};

/*
 * Verifies a checked pack: the manifest's signature by one of keys[0..nkeys), then that it
 * lists exactly the pack's other entries (name, size) with digest[] as their SHA-256
 * (vboot_hash_entries). 0 and *res, or -1 with msg naming what failed: "system image is
 * not signed", "manifest: ...", "config \"config.dtb\": ...", "image \"NAME\": ...".
 */
int vboot_verify(const void *pack, const u8 (*keys)[VBOOT_KEY_SIZE], u32 nkeys,
		 const u8 (*digest)[SHA256_DIGEST_SIZE], struct vboot_result *res, char *msg,
		 size_t msg_size);

#endif
