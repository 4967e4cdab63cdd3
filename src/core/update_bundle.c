/* SPDX-License-Identifier: MIT */
/*
 * Verification of a signed update bundle (update_format.h). The bytes come from the
 * management channel, so every field is checked before it is used, and the signature
 * before the image's hash is trusted. Pure: the hypervisor runs it on the bundle in flash,
 * the unit tests on bundles `tessera pack --update` writes.
 */
#include "update_format.h"
#include "ed25519.h"
#include "lib.h"
#include "sha256.h"

_Static_assert(sizeof(struct update_header) == UPDATE_HEADER_SIZE, "update header layout");

static bool update_zero(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

static const char *update_header_fault(const struct update_header *h, u64 size)
{
	u64 n = str_nlen(h->vm, sizeof(h->vm));

	if (memcmp(h->magic, UPDATE_MAGIC, sizeof(h->magic)) != 0 || h->format != UPDATE_FORMAT ||
	    h->header_size != UPDATE_HEADER_SIZE) {
		return "not a Tessera update bundle (magic, format or header size)";
	}
	if (n == 0 || n == sizeof(h->vm) ||
	    str_nlen(h->image, sizeof(h->image)) == sizeof(h->image)) {
		return "VM or image name empty or not terminated";
	}
	if (!update_zero(h->reserved, sizeof(h->reserved))) {
		return "reserved header bytes are not zero";
	}
	if (h->image_size == 0 || h->image_size > size ||
	    UPDATE_BUNDLE_SIZE(h->image_size) != size) {
		return "image size does not match the bundle's size";
	}
	return NULL;
}

int update_bundle_verify(const u8 *bundle, u64 size, const u8 (*keys)[32], u32 nkeys,
			 struct update_header *h, char *msg, size_t msg_size)
{
	const char *why;
	u8 d[SHA256_DIGEST_SIZE];
	u32 k;

	if (size < UPDATE_DATA_OFFSET) {
		fmt_snprintf(msg, msg_size, "bundle: %llu bytes, shorter than its header",
			     (unsigned long long)size);
		return -1;
	}
	memcpy(h, bundle, sizeof(*h));
	why = update_header_fault(h, size);
	if (why) {
		fmt_snprintf(msg, msg_size, "bundle: %s", why);
		return -1;
	}
	for (k = 0; k < nkeys; k++) {
		if (ed25519_verify(bundle + UPDATE_HEADER_SIZE, bundle, UPDATE_HEADER_SIZE,
				   keys[k]) == 0) {
			break;
		}
	}
	if (k == nkeys) {
		fmt_snprintf(msg, msg_size, "signature matches no trusted key (%u known)", nkeys);
		return -1;
	}
	sha256(bundle + UPDATE_DATA_OFFSET, h->image_size, d);
	if (memcmp(d, h->image_sha256, sizeof(d)) != 0) {
		fmt_snprintf(msg, msg_size, "image: SHA-256 does not match the signed header");
		return -1;
	}
	return 0;
}
