/* SPDX-License-Identifier: MIT */
/* fmt_snprintf (src/lib/fmt.c): conversions, flags, widths, truncation, return length. */
#include <limits.h>
#include <string.h>
#include "check.h"
#include "lib.h"

static char out[128];

/* Not format-checked, so deliberately odd formats reach fmt_vsnprintf. */
static int fmt_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

#define ODD_IS(want, ...)                                              \
	do {                                                           \
		int n_ = fmt_unchecked(out, sizeof(out), __VA_ARGS__); \
		CHECK(strcmp(out, want) == 0);                         \
		CHECK_EQ(n_, strlen(want));                            \
	} while (0)

#define FMT_IS(want, ...)                                                \
	do {                                                             \
		int n_ = fmt_snprintf(out, sizeof(out), __VA_ARGS__);    \
		CHECK(strcmp(out, want) == 0);                           \
		CHECK_EQ(n_, strlen(want));                              \
		if (strcmp(out, want) != 0)                              \
			printf("  got \"%s\" want \"%s\"\n", out, want); \
	} while (0)

static void test_conversions(void)
{
	FMT_IS("hello", "hello");
	FMT_IS("42 -7 0", "%d %i %d", 42, -7, 0);
	FMT_IS("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
	FMT_IS("4294967295", "%u", UINT_MAX);
	FMT_IS("ff FF 0", "%x %X %x", 255u, 255u, 0u);
	FMT_IS("deadbeef", "%x", 0xdeadbeefu);
	FMT_IS("-9223372036854775808", "%lld", LLONG_MIN);
	FMT_IS("18446744073709551615", "%llu", ULLONG_MAX);
	FMT_IS("ffffffffffffffff", "%lx", ULONG_MAX);
	FMT_IS("123456789012", "%zu", (size_t)123456789012ULL);
	FMT_IS("-5", "%ld", -5L);
	FMT_IS("0x1000", "%p", (void *)0x1000);
	FMT_IS("abc x %", "%s %c %%", "abc", 'x');
	ODD_IS("(null)", "%s", (char *)NULL);
	ODD_IS("%q", "%q");
	ODD_IS("end%", "end%");
}

static void test_widths(void)
{
	FMT_IS("   42", "%5d", 42);
	FMT_IS("42   |", "%-5d|", 42);
	FMT_IS("00042", "%05d", 42);
	FMT_IS("-0042", "%05d", -42);
	FMT_IS("  -42", "%5d", -42);
	FMT_IS("0000beef", "%08x", 0xbeefu);
	ODD_IS("0x0000ff", "%08p", (void *)0xff);
	FMT_IS("   ab", "%5s", "ab");
	FMT_IS("ab   |", "%-5s|", "ab");
	ODD_IS("ab   |", "%-05s|", "ab"); /* '-' overrides '0' */
	FMT_IS("    x", "%5c", 'x');
	FMT_IS("abcdef", "%3s", "abcdef"); /* width is a minimum */
	FMT_IS("   7", "%*d", 4, 7);
	FMT_IS("7   |", "%*d|", -4, 7);
	FMT_IS("0000000000000000000000000001", "%028lu", 1UL);
}

static void test_truncation(void)
{
	char small[6];
	int n;

	memset(small, 'Z', sizeof(small));
	n = fmt_snprintf(small, sizeof(small), "%s-%d", "abcdef", 123);
	CHECK_EQ(n, 10);
	CHECK(strcmp(small, "abcde") == 0);

	memset(small, 'Z', sizeof(small));
	n = fmt_snprintf(small, 1, "%d", 12345);
	CHECK_EQ(n, 5);
	CHECK_EQ(small[0], '\0');
	CHECK_EQ(small[1], 'Z'); /* nothing written past size */

	n = fmt_snprintf(NULL, 0, "%08x", 1u);
	CHECK_EQ(n, 8);
	memset(small, 'Z', sizeof(small));
	n = fmt_snprintf(small, 0, "abc");
	CHECK_EQ(n, 3);
	CHECK_EQ(small[0], 'Z');

	n = fmt_snprintf(small, sizeof(small), "%5s", "x");
	CHECK_EQ(n, 5);
	CHECK(strcmp(small, "    x") == 0);
	n = fmt_snprintf(small, sizeof(small), "%6s", "x");
	CHECK_EQ(n, 6);
	CHECK(strcmp(small, "     ") == 0);
}

static void test_str_helpers(void)
{
	char b[4];

	CHECK_EQ(str_nlen("abc", 10), 3);
	CHECK_EQ(str_nlen("abc", 2), 2);
	CHECK_EQ(str_nlen("", 5), 0);
	CHECK_EQ(str_copy(b, "abcdef", sizeof(b)), 6);
	CHECK(strcmp(b, "abc") == 0);
	CHECK_EQ(str_copy(b, "ab", sizeof(b)), 2);
	CHECK(strcmp(b, "ab") == 0);
	b[0] = 'Q';
	CHECK_EQ(str_copy(b, "ab", 0), 2);
	CHECK_EQ(b[0], 'Q');
}

int main(void)
{
	RUN(test_conversions);
	RUN(test_widths);
	RUN(test_truncation);
	RUN(test_str_helpers);
	CHECK_MAIN_END();
}
