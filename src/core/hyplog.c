/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's log: a ring of HYPLOG_ENTRIES fixed-size lines under one lock. Lines are
 * numbered from 0 since boot; a reader asks for a number and learns when it was too old
 * (the number of the oldest line kept is the count of lines dropped). Writers are any CPU
 * (console_log), readers the management channel on CPU 0, which copies one line at a time
 * and formats it outside the lock. Lock order: the log lock is taken on its own, never
 * with another lock held (console_log adds the line before it takes the console lock).
 */
#include "hyplog.h"
#include "arch.h"
#include "lib.h"
#include "spinlock.h"

static spinlock_t log_lock = SPINLOCK_INIT;
/* Only lines below log_next are read, each written before: no zeroing needed (NOINIT). */
static struct hyplog_entry log_ring[HYPLOG_ENTRIES] NOINIT;
static u64 log_next; /* the number the next line gets */
static u32 log_uart_level = LOG_INFO;

void hyplog_reset(void)
{
	spin_lock(&log_lock);
	log_next = 0;
	spin_unlock(&log_lock);
	hyplog_set_uart_level(LOG_INFO);
}

void hyplog_add(enum log_level level, const char *text, size_t n)
{
	struct hyplog_entry *e;
	u64 now = arch_counter();

	n = MIN(n, (size_t)HYPLOG_TEXT_MAX);
	spin_lock(&log_lock);
	e = &log_ring[log_next % HYPLOG_ENTRIES];
	e->seq = log_next++;
	e->time = now;
	e->level = (u8)(level < LOG_LEVELS ? level : LOG_INFO);
	memcpy(e->text, text, n);
	e->text[n] = '\0';
	e->len = (u8)n;
	spin_unlock(&log_lock);
}

bool hyplog_read(u64 *seq, struct hyplog_entry *e, u64 *next, u64 *dropped)
{
	u64 first;
	bool ok;

	spin_lock(&log_lock);
	first = log_next > HYPLOG_ENTRIES ? log_next - HYPLOG_ENTRIES : 0;
	if (*seq < first || *seq > log_next) {
		*seq = first;
	}
	ok = *seq < log_next;
	if (ok) {
		*e = log_ring[*seq % HYPLOG_ENTRIES];
		/* Made printable here, not when logged: the boot's lines cost only a copy. */
		for (u32 i = 0; i < e->len; i++) {
			u8 c = (u8)e->text[i];

			e->text[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
	}
	*next = log_next;
	*dropped = first;
	spin_unlock(&log_lock);
	return ok;
}

void hyplog_set_uart_level(enum log_level level)
{
	__atomic_store_n(&log_uart_level, (u32)level, __ATOMIC_RELAXED);
}

bool hyplog_on_uart(enum log_level level)
{
	return (u32)level <= __atomic_load_n(&log_uart_level, __ATOMIC_RELAXED);
}

const char *hyplog_level_name(u32 level)
{
	static const char *const names[LOG_LEVELS] = {"error", "warn", "info"};

	return level < LOG_LEVELS ? names[level] : "?";
}
