/* SPDX-License-Identifier: MIT */
/*
 * Ed25519 signature verification (RFC 8032 section 5.1.7), freestanding, no heap, a fixed
 * stack frame. It accepts exactly what libsodium's crypto_sign_verify_detached (1.0.18)
 * accepts, which tests/fuzz/fuzz_ed25519.c checks differentially:
 *   - S must be canonical (S < L);
 *   - A must be a canonical encoding (y < p) of a curve point that is not of small order;
 *   - R must not be of small order (its y, sign bit ignored, is not one of the seven
 *     encodings of a point of order 1, 2, 4 or 8);
 *   - the check is cofactorless: encode([S]B - [k]A) must equal R's 32 bytes, with
 *     k = SHA-512(R || A || M) mod L (so a non-canonical R never matches).
 * Verification handles public data only: it is not constant-time, and needs not be.
 */
#ifndef TESSERA_ED25519_H
#define TESSERA_ED25519_H

#include "types.h"

#define ED25519_PUBLIC_KEY_SIZE 32
#define ED25519_SIGNATURE_SIZE	64

/* 0 if sig is pk's valid signature of msg[0..len), else -1. */
int ed25519_verify(const u8 sig[ED25519_SIGNATURE_SIZE], const void *msg, size_t len,
		   const u8 pk[ED25519_PUBLIC_KEY_SIZE]);

#endif
