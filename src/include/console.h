/* SPDX-License-Identifier: MIT */
/*
 * Console multiplexer: every VM's emulated UART and the hypervisor's own
 * messages share the physical UART, one prefixed line at a time; input goes to
 * the focused VM, with Ctrl-T escape commands. Behaviour documented at the top
 * of core/console.c.
 */
#ifndef TESSERA_CONSOLE_H
#define TESSERA_CONSOLE_H

#include "hyplog.h"
#include "types.h"

#define CONSOLE_LINE_MAX 200  /* a VM line longer than this is split */
#define CONSOLE_MSG_MAX	 256  /* one console_printf() call, after formatting */
#define CONSOLE_ESCAPE	 0x14 /* Ctrl-T */
/* Bytes of each VM's output kept for management clients (a power of two): the newest
 * CONSOLE_RING_SIZE bytes, as the VM sent them; older ones are dropped and counted. */
#define CONSOLE_RING_SIZE 4096

/* Back to the boot state: no buffered output, focus on VM 0. */
void console_init(void);

/* A byte transmitted by a VM (its emulated UART's UARTDR; vpl011.c calls it). */
void console_vm_putc(u32 vm_id, char c);
/* Ends a VM's unfinished line (e.g. when it stops), so nothing it printed is lost. */
void console_vm_flush(u32 vm_id);

/*
 * Reads VM vm_id's output history (its ring, docs/MANAGEMENT.md "console-read"). Bytes are
 * numbered from 0 since boot. Copies up to max bytes starting at position *from into buf
 * and returns their count; *from is first moved to the oldest byte still kept if it is
 * older than that (or beyond the newest: a client of an earlier boot). *end receives the
 * position after the newest byte, *dropped how many bytes the ring ever dropped (= the
 * oldest position kept). An unknown VM reads as empty.
 */
u32 console_ring_read(u32 vm_id, u64 *from, u8 *buf, u32 max, u64 *end, u64 *dropped);

/* A hypervisor message of level LOG_INFO: each line of the result goes to the log (hyplog.h)
 * and, if the UART's level includes it, to the UART as "[tessera] <line>". */
#define console_printf(...) console_log(LOG_INFO, __VA_ARGS__)
/* The same at a given level (enum log_level): LOG_ERROR, LOG_WARN or LOG_INFO. */
void console_log(u32 level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One byte received from the physical UART: escape commands or the focused VM. */
void console_input(u8 c);
/* Gives the input focus to a VM (as Ctrl-T <n> does); 0, or -1 if there is no such VM. */
int console_set_focus(u32 vm_id);

/*
 * Provided by core (console_vm.c). The first two are called with the console lock
 * held, so they must not print or take a lock; console_vm_rx() is called
 * without it. console_poll_input() feeds the physical UART's bytes to
 * console_input() (physical UART interrupt).
 */
const char *console_vm_name(u32 vm_id);
u32 console_vm_count(void);
/* "running", "stopped", "resetting" or "paused" (lock held: reads the state only). */
const char *console_vm_state(u32 vm_id);
enum console_rx {
	CONSOLE_RX_OK,	    /* queued for the VM */
	CONSOLE_RX_DROPPED, /* the VM's input backlog is full: dropped and counted there */
	CONSOLE_RX_STOPPED, /* the VM is not running: nothing takes input */
};
enum console_rx console_vm_rx(u32 vm_id, u8 c);
void console_poll_input(void);

#endif
