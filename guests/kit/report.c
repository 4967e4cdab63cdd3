/* SPDX-License-Identifier: MIT */
/*
 * Machine-checkable test output (grepped by tests/system):
 *   TEST <guest>: <key>=<value> ...     facts
 *   PASS <guest>: <what>                one per passed check
 *   FAIL <guest>: <what> (<detail>)     one per failed check
 *   DONE <guest>: passed=<n> failed=<m> last line, then exit status + SYSTEM_OFF
 */
#include "kit.h"

static const char *guest = "guest";
static u32 passed, failed;

void test_begin(const char *name)
{
	guest = name;
}

const char *test_name(void)
{
	return guest;
}

void test_fact(const char *fmt, ...)
{
	char buf[200];
	va_list ap;
	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kit_printf("TEST %s: %s\n", guest, buf);
}

bool test_check(bool ok, const char *what, const char *detail_fmt, ...)
{
	if (ok) {
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
		kit_printf("PASS %s: %s\n", guest, what);
		return true;
	}
	char buf[160];
	va_list ap;
	va_start(ap, detail_fmt);
	fmt_vsnprintf(buf, sizeof(buf), detail_fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
	kit_printf("FAIL %s: %s (%s)\n", guest, what, buf);
	return false;
}

void test_done(void)
{
	u32 p = __atomic_load_n(&passed, __ATOMIC_RELAXED);
	u32 f = __atomic_load_n(&failed, __ATOMIC_RELAXED);
	kit_printf("DONE %s: passed=%u failed=%u\n", guest, p, f);
	kit_exit(f ? TESSERA_EXIT_TEST_FAILED : TESSERA_EXIT_NORMAL, f);
}

void kit_exit(u32 reason, u32 code)
{
	/* NOT_SUPPORTED on bare QEMU: nothing else to do about it. */
	(void)hyp_exit_status(reason, code);
	psci_system_off();
}

const char *kit_strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++) {
		if (!strncmp(hay, needle, n))
			return hay;
	}
	return n ? NULL : hay;
}

u64 kit_arg_u64(const char *args, const char *key, u64 def)
{
	const char *p = kit_strstr(args, key);
	if (!p)
		return def;
	p += strlen(key);
	if (*p < '0' || *p > '9')
		return def;
	u64 v = 0;
	while (*p >= '0' && *p <= '9' && v < 1000000000ULL)
		v = v * 10 + (u64)(*p++ - '0');
	return v;
}
