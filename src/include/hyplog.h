/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's log (core/hyplog.c): every "[tessera]" message line, with its level and
 * the time it was made, in a bounded buffer that the management channel reads
 * (`tessera ctl log`, docs/MANAGEMENT.md "log"). The physical UART shows the lines at or
 * above its level (the boot option tessera.log=error|warn|info, default info).
 */
#ifndef TESSERA_HYPLOG_H
#define TESSERA_HYPLOG_H

#include "types.h"

enum log_level {
	LOG_ERROR, /* the hypervisor or a VM cannot go on as configured */
	LOG_WARN,  /* a VM misbehaved or something was refused; the system goes on */
	LOG_INFO,  /* what happened: boot, VMs started, stopped, paused, restarted */
	LOG_LEVELS
};

#define HYPLOG_ENTRIES	128 /* lines kept; the oldest is dropped (and counted) */
#define HYPLOG_TEXT_MAX 176 /* bytes of one line kept (the rest is cut): a "log" line fits */

struct hyplog_entry {
	u64 seq;			/* 0 for the first line since boot */
	u64 time;			/* arch_counter() when it was logged */
	u8 level;			/* enum log_level */
	u8 len;				/* bytes of text */
	char text[HYPLOG_TEXT_MAX + 1]; /* printable ASCII, NUL-terminated */
};

/* Appends one line (n bytes, no newline; other bytes that are not printable ASCII are
 * kept as '?'). Any CPU; takes the log's own lock, so never call it with the console lock
 * held. */
void hyplog_add(enum log_level level, const char *text, size_t n);

/*
 * Copies the line numbered *seq into e; if that line was dropped already, or is beyond
 * the newest (a client of an earlier boot), the oldest kept one, and *seq says which.
 * false when there is no such line (seq is the next one to come). *next receives the
 * number the next line will get, *dropped how many lines were ever dropped.
 */
bool hyplog_read(u64 *seq, struct hyplog_entry *e, u64 *next, u64 *dropped);

/* The physical UART's level: lines of this level or more severe are printed there. */
void hyplog_set_uart_level(enum log_level level);
bool hyplog_on_uart(enum log_level level);

/* "error", "warn", "info" ("?" otherwise). */
const char *hyplog_level_name(u32 level);

/* Back to the boot state (unit tests). */
void hyplog_reset(void);

#endif
