/* SPDX-License-Identifier: MIT */
/*
 * Keys and signatures for verified boot (docs/SECURITY.md), with Debian's libsodium:
 * `tessera keygen OUT` writes OUT.key (the secret key, mode 0600) and OUT.pub (the public
 * key, for `make TRUSTED_KEYS=OUT.pub`); `pack --sign OUT.key` signs a system image's
 * manifest with it. Both files are text: '#' comment lines, then the key in hex (the public
 * key's 32 bytes; the secret key's 64, libsodium's seed || public key).
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "tessera.h"

/* The hex digits of a key file, comments and blanks dropped, into out[n]. 0 or -1. */
static int sign_read_hex(const char *path, u8 *out, size_t n)
{
	char hex[2 * 64 + 1];
	size_t len = 0, size;
	u8 *data;
	bool comment = false, bol = true;

	if (tool_read_file(path, &data, &size) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < size; i++) {
		char c = (char)data[i];

		if (bol && c == '#') {
			comment = true;
		}
		bol = c == '\n';
		if (bol) {
			comment = false;
		}
		if (comment || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			continue;
		}
		if (len == 2 * n) {
			len++; /* too long */
			break;
		}
		hex[len++] = c;
	}
	free(data);
	hex[MIN(len, sizeof(hex) - 1)] = '\0';
	if (len != 2 * n || sodium_hex2bin(out, n, hex, len, NULL, NULL, NULL) != 0) {
		fprintf(stderr, "%s: not a Tessera key file (%zu hex digits expected)\n", path,
			2 * n);
		return -1;
	}
	return 0;
}

int tool_read_public_key(const char *path, u8 key[32])
{
	return sign_read_hex(path, key, 32);
}

int tool_sign_bytes(const char *key_path, const void *msg, size_t len, u8 sig[64])
{
	u8 sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	u8 sk2[crypto_sign_SECRETKEYBYTES];
	int rc = -1;

	if (sodium_init() < 0) {
		fprintf(stderr, "libsodium: initialisation failed\n");
		return -1;
	}
	if (sign_read_hex(key_path, sk, sizeof(sk)) != 0) {
		return -1;
	}
	/* A secret key is seed || public key: a file whose halves disagree is damaged. */
	crypto_sign_seed_keypair(pk, sk2, sk);
	if (sodium_memcmp(sk2, sk, sizeof(sk)) != 0) {
		fprintf(stderr, "%s: damaged secret key (its public half does not match)\n",
			key_path);
	} else {
		crypto_sign_detached(sig, NULL, msg, len, sk);
		rc = 0;
	}
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(sk2, sizeof(sk2));
	return rc;
}

int tool_sign_option(int argc, char **argv, int *i, struct tool_sign *sign)
{
	const char *a = argv[*i];

	if (strcmp(a, "--sign") != 0 && strcmp(a, "--version") != 0) {
		return 0;
	}
	if (*i + 1 >= argc) {
		fprintf(stderr, "%s needs a value\n", a);
		return -1;
	}
	if (strcmp(a, "--sign") == 0) {
		sign->key_path = argv[++*i];
		return 1;
	}
	char *end;
	const char *v = argv[++*i];
	unsigned long long n = strtoull(v, &end, 0);

	if (!*v || *end || v[0] == '-') {
		fprintf(stderr, "--version: \"%s\" is not a number\n", v);
		return -1;
	}
	sign->version = n;
	return 1;
}

/* Creates path exclusively with mode and writes text to it. */
static int sign_write_new(const char *path, mode_t mode, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	size_t len = strlen(text);

	if (fd < 0) {
		fprintf(stderr, "%s: %s%s\n", path, strerror(errno),
			errno == EEXIST ? " (keygen never overwrites a key)" : "");
		return -1;
	}
	if (write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int cmd_keygen(int argc, char **argv)
{
	u8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_SECRETKEYBYTES + 1], path_key[4096], path_pub[4096];
	char text[4096 + 256];
	int rc;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: tessera keygen OUT   (writes OUT.key and OUT.pub)\n");
		return 2;
	}
	if (sodium_init() < 0) {
		return 1;
	}
	snprintf(path_key, sizeof(path_key), "%s.key", argv[1]);
	snprintf(path_pub, sizeof(path_pub), "%s.pub", argv[1]);
	if (access(path_key, F_OK) == 0 || access(path_pub, F_OK) == 0) {
		fprintf(stderr, "%s.key or .pub exists: keygen never overwrites a key\n", argv[1]);
		return 1;
	}
	crypto_sign_keypair(pk, sk);
	sodium_bin2hex(hex, sizeof(hex), sk, sizeof(sk));
	snprintf(text, sizeof(text),
		 "# Tessera Ed25519 secret key (tessera keygen). Signs system images: keep it\n"
		 "# secret, off the target.\n%s\n",
		 hex);
	rc = sign_write_new(path_key, 0600, text);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(hex, sizeof(hex));
	sodium_memzero(text, sizeof(text));
	if (rc != 0) {
		return 1;
	}
	sodium_bin2hex(hex, sizeof(hex), pk, sizeof(pk));
	snprintf(text, sizeof(text),
		 "# Tessera Ed25519 public key (tessera keygen): make TRUSTED_KEYS=%s\n%s\n",
		 path_pub, hex);
	if (sign_write_new(path_pub, 0644, text) != 0) {
		return 1;
	}
	printf("wrote %s (secret: signs system images) and %s (build it in: make "
	       "TRUSTED_KEYS=%s)\n",
	       path_key, path_pub, path_pub);
	return 0;
}
