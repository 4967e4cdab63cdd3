/* SPDX-License-Identifier: MIT */
/* kit_printf: src/lib/fmt.c formats into a buffer; one lock keeps lines of different CPUs apart. */
#include "kit.h"

static spinlock_t print_lock = SPINLOCK_INIT;

void kit_vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	int n = fmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < 0 ? 0 : MIN((size_t)n, sizeof(buf) - 1);

	/* Mask IRQs while holding the lock so a handler on this CPU cannot deadlock on it. */
	u64 daif = sysreg_read(daif);
	kit_irq_off();
	spin_lock(&print_lock);
	uart_write(buf, len);
	spin_unlock(&print_lock);
	sysreg_write(daif, daif);
}

void kit_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kit_vprintf(fmt, ap);
	va_end(ap);
}
