/* SPDX-License-Identifier: MIT */
/*
 * Signed single-VM update bundles and where the hypervisor keeps them (docs/SECURITY.md
 * "Signed updates", docs/MANAGEMENT.md "update"). Shared by the hypervisor, `tessera pack
 * --update` and the unit tests. All integers little-endian.
 *
 * A bundle: a 256-byte header, the Ed25519 signature of those 256 bytes, then the image,
 * zero-padded to a multiple of 4 bytes (the flash is programmed in 32-bit words). The header
 * names the VM and carries the version and the image's SHA-256, so the signature covers all
 * of it; the image is trusted only once its hash matches the signed one.
 */
#ifndef TESSERA_UPDATE_FORMAT_H
#define TESSERA_UPDATE_FORMAT_H

#include "types.h"

#define UPDATE_MAGIC	      "TESSUPD1"
#define UPDATE_FORMAT	      1U
#define UPDATE_HEADER_SIZE    256U
#define UPDATE_SIGNATURE_SIZE 64U
#define UPDATE_DATA_OFFSET    (UPDATE_HEADER_SIZE + UPDATE_SIGNATURE_SIZE)
#define UPDATE_VM_NAME_MAX    64U
#define UPDATE_IMAGE_NAME_MAX 120U
#define UPDATE_BUNDLE_SIZE(n) (((u64)UPDATE_DATA_OFFSET + (n) + 3) & ~3ULL)

struct update_header {
	char magic[8];			   /* UPDATE_MAGIC */
	u32 format;			   /* UPDATE_FORMAT */
	u32 header_size;		   /* UPDATE_HEADER_SIZE */
	u64 version;			   /* must be above the VM's running and confirmed ones */
	u64 image_size;			   /* bytes of image after the signature */
	char vm[UPDATE_VM_NAME_MAX];	   /* the VM it is for, NUL-terminated */
	char image[UPDATE_IMAGE_NAME_MAX]; /* what it was built from (information only) */
	u8 image_sha256[32];
	u8 reserved[8]; /* zero */
};

/*
 * The hypervisor's flash bank (struct platform flash_base/size), from its end: the
 * anti-rollback counter (one erase block, rollback.h), the update state log (one block,
 * core/update.c), then each VM's two slots of update-slot-size bytes, in config order.
 */
#define UPDATE_BLOCK_SIZE    0x40000ULL /* one erase block of QEMU virt's flash */
#define UPDATE_RESERVED_SIZE (2 * UPDATE_BLOCK_SIZE)

/*
 * Checks a whole bundle of size bytes: header fields, the signature by one of
 * keys[0..nkeys), then the image's SHA-256. 0 with *h filled in, or -1 with msg naming what
 * failed ("bundle: ...", "signature matches no trusted key", "image: SHA-256 ...").
 */
int update_bundle_verify(const u8 *bundle, u64 size, const u8 (*keys)[32], u32 nkeys,
			 struct update_header *h, char *msg, size_t msg_size);

#endif
