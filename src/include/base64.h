/* SPDX-License-Identifier: MIT */
/* Base64 (RFC 4648 section 4, with padding) for the management protocol's binary data. */
#ifndef TESSERA_BASE64_H
#define TESSERA_BASE64_H

#include "types.h"

/* Encodes n bytes into out (room for 4 * ((n + 2) / 3) + 1), NUL-terminated; its length. */
size_t b64_encode(const u8 *in, size_t n, char *out);
/* Decodes a NUL-terminated string (a multiple of 4 characters, '=' only at the end) into out
 * (room for 3 * strlen / 4); the byte count, or -1 for anything else. */
long b64_decode(const char *in, u8 *out, size_t room);

#endif
