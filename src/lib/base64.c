/* SPDX-License-Identifier: MIT */
/* Base64, RFC 4648 section 4 (the standard alphabet, '=' padding). */
#include "base64.h"
#include "lib.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encode(const u8 *in, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		u32 v = (u32)in[i] << 16;

		v |= i + 1 < n ? (u32)in[i + 1] << 8 : 0;
		v |= i + 2 < n ? in[i + 2] : 0;
		out[o++] = b64_alphabet[(v >> 18) & 63];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64_alphabet[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 26;
	}
	if (c >= '0' && c <= '9') {
		return c - '0' + 52;
	}
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

long b64_decode(const char *in, u8 *out, size_t room)
{
	size_t len = strlen(in), o = 0;

	if (len % 4 != 0) {
		return -1;
	}
	for (size_t i = 0; i < len; i += 4) {
		int a = b64_value(in[i]), b = b64_value(in[i + 1]);
		int c = in[i + 2] == '=' ? 0 : b64_value(in[i + 2]);
		int d = in[i + 3] == '=' ? 0 : b64_value(in[i + 3]);
		u32 pad = (u32)(in[i + 2] == '=') + (u32)(in[i + 3] == '=');
		u32 v;

		if (a < 0 || b < 0 || c < 0 || d < 0 || (pad && i + 4 != len) ||
		    (in[i + 2] == '=' && in[i + 3] != '=') || o + 3 - pad > room) {
			return -1;
		}
		v = (u32)a << 18 | (u32)b << 12 | (u32)c << 6 | (u32)d;
		out[o++] = (u8)(v >> 16);
		if (pad < 2) {
			out[o++] = (u8)(v >> 8);
		}
		if (pad < 1) {
			out[o++] = (u8)v;
		}
	}
	return (long)o;
}
