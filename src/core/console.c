/* SPDX-License-Identifier: MIT */
/*
 * Console multiplexer.
 *
 * Output. All VMs and the hypervisor share the physical UART. Every line
 * carries its source: "[<vm name>] text" for a VM, "[tessera] text" for the
 * hypervisor, and ends in "\r\n". Each line is written under one spinlock,
 * so lines from different CPUs never interleave.
 * - A VM's output is buffered per line (CONSOLE_LINE_MAX = 200 bytes) and
 *   printed when it ends ('\n') or the buffer fills (a longer line is split).
 *   '\r' and NUL bytes are dropped; other bytes, escape sequences included,
 *   pass through unchanged.
 * - The focused VM (the one that gets keyboard input) is the exception: its
 *   bytes are printed as they come, so a shell prompt without a newline
 *   ("# ") and the echo of what you type appear at once. Its prefix is
 *   printed once per line. When another line must go out while the focused
 *   VM's line is unfinished, that line is erased first ("\r" ESC[K), and the
 *   unfinished part is printed again with its prefix right after, so the
 *   prompt always stays at the bottom and appears once, never cut short.
 * - A VM that is not focused keeps its unfinished line (a prompt) buffered
 *   until the line ends, the VM gets the focus, or console_vm_flush(). A VM
 *   that loses the focus in mid-line prints that line once more, complete,
 *   when it ends.
 * - Hypervisor messages: console_printf() / console_log() format up to
 *   CONSOLE_MSG_MAX bytes (the rest is cut); each line goes to the hypervisor's
 *   log (core/hyplog.c, with its level and time) and, when the UART's level
 *   includes it (hyplog_on_uart), to the UART with "[tessera] ".
 *
 * Input. Bytes from the physical UART go to the focused VM (the first VM at boot),
 * except Ctrl-T (0x14), which starts a command:
 *   Ctrl-T 1..9     focus VM 1..9 (as listed; an unknown number is refused)
 *   Ctrl-T n        focus the next VM (cycling)
 *   Ctrl-T l        list the VMs: "[tessera] console: 1:alpha* 2:beta(stopped)",
 *                   '*' = focused, a VM that is not running shows its state
 *   Ctrl-T h or ?   one line of help
 *   Ctrl-T Ctrl-T   send one Ctrl-T to the focused VM
 * A focus change prints "[tessera] console -> <name>" followed by whatever
 * the newly focused VM had left unfinished. Input never stops: what the focused VM
 * cannot take (its UART keeps a backlog, core/console_vm.c) is dropped and counted there;
 * typing to a VM that is not running says so once ("[tessera] console: 'x' is stopped:
 * input dropped"), again only after it ran or the focus moved.
 *
 * History. Every byte a VM sends is also kept, unchanged ('\r', NUL and escape
 * sequences included), in its ring of CONSOLE_RING_SIZE bytes for management clients
 * (`tessera ctl console`, the dashboard), which read it by position with
 * console_ring_read(); when the ring is full the oldest byte is dropped. The physical UART
 * is not affected by what the clients do.
 *
 * Redraw. The unfinished line printed again after another line is the text of the
 * focused VM's line with its escape sequences left out: a sequence can be a query the
 * terminal answers (ESC[6n, the cursor position busybox asks for), and each redraw would
 * then type the answer into the VM. Sequences are printed once, as the VM sends them.
 *
 * Locking: one spinlock (innermost in the order of vm.h) guards the state
 * and the physical UART. The VM-name and VM-count callbacks run under it;
 * console_vm_rx() is called after it is released, so the VM's UART may call
 * back into console_vm_putc().
 */
#include "console.h"
#include "config.h"
#include "lib.h"
#include "spinlock.h"

#ifdef TESSERA_CONSOLE_UNIT
/* The unit test that includes this file provides the sink. */
static void console_hw_write(const char *s, size_t n);
static inline void console_hw_putc(char c)
{
	console_hw_write(&c, 1);
}
#else
#include "pl011.h"
static void console_hw_write(const char *s, size_t n)
{
	pl011_write(s, n);
}
static inline void console_hw_putc(char c)
{
	pl011_putc(c);
}
#endif

_Static_assert((CONSOLE_RING_SIZE & (CONSOLE_RING_SIZE - 1)) == 0, "ring size: a power of 2");

struct console_vm {
	char buf[CONSOLE_LINE_MAX];
	u32 len;
	bool told_stopped; /* "is stopped: input dropped" said since it last took input */
};

static spinlock_t con_lock;
static struct console_vm con_vms[CONFIG_MAX_VMS];
static u32 con_focus;	/* VM receiving input and printing unbuffered */
static bool con_open;	/* the focused VM's unfinished line is on the wire */
static bool con_escape; /* Ctrl-T seen, next byte is a command */
/* Each VM's output history: con_ring_end[vm] bytes were ever sent. Only bytes below that
 * position are ever read, each written before, so the rings need no zeroing: they are kept
 * out of .bss (NOINIT), which boot would otherwise spend 32 KiB of stores on. */
static u64 con_ring_end[CONFIG_MAX_VMS];
static u8 con_ring[CONFIG_MAX_VMS][CONSOLE_RING_SIZE] NOINIT;

BOOT_ONLY void console_init(void)
{
	spin_init(&con_lock);
	memset(con_vms, 0, sizeof(con_vms));
	memset(con_ring_end, 0, sizeof(con_ring_end));
	con_focus = 0;
	con_open = false;
	con_escape = false;
}

static void con_puts(const char *s)
{
	console_hw_write(s, strlen(s));
}

/* VMs known to core, never more than we have buffers for. */
static u32 con_count(void)
{
	return MIN(console_vm_count(), (u32)CONFIG_MAX_VMS);
}

static void con_put_name(u32 vm)
{
	const char *name = console_vm_name(vm);
	size_t n = name ? str_nlen(name, CONFIG_NAME_MAX - 1) : 0;

	if (n == 0) {
		char tmp[16];

		fmt_snprintf(tmp, sizeof(tmp), "vm%u", vm + 1);
		con_puts(tmp);
		return;
	}
	console_hw_write(name, n);
}

static void con_prefix(u32 vm)
{
	con_puts("[");
	con_put_name(vm);
	con_puts("] ");
}

/* Takes the focused VM's unfinished line off the wire before another line goes out (it stays
 * in its buffer, and con_restore() prints it again after that line): carriage return and
 * ECMA-48 EL (ESC [ K, erase to the end of the line). A terminal shows the line once, below
 * the one that broke in, never a cut-off copy of it; a log is read the same way
 * (tests/system/uart-text). A line longer than the terminal is wide leaves its first rows. */
static void con_interrupt(void)
{
	if (con_open) {
		con_puts("\r\x1b[K");
		con_open = false;
	}
}

/* Ends the focused VM's unfinished line on the wire for good: it stays visible as it is
 * (the VM is being flushed, or loses the focus and prints the line complete when it ends). */
static void con_break(void)
{
	if (con_open) {
		con_puts("\r\n");
		con_open = false;
	}
}

/* Writes a buffered line again with its escape sequences left out (ECMA-48: ESC '['
 * parameters and intermediates up to a final byte 0x40..0x7e; ESC, intermediates 0x20..0x2f,
 * then one final byte otherwise). An unfinished sequence at the end is left out too. */
static void con_write_plain(const char *buf, u32 len)
{
	u32 start = 0, i = 0;

	while (i < len) {
		if (buf[i] != 0x1b) {
			i++;
			continue;
		}
		console_hw_write(buf + start, i - start);
		i++;
		if (i < len && buf[i] == '[') {
			for (i++; i < len && ((u8)buf[i] < 0x40 || (u8)buf[i] > 0x7e); i++) {
			}
		} else {
			for (; i < len && (u8)buf[i] >= 0x20 && (u8)buf[i] <= 0x2f; i++) {
			}
		}
		i = MIN(i + 1, len); /* the final byte */
		start = i;
	}
	console_hw_write(buf + start, len - start);
}

/* Puts the focused VM's unfinished line (if any) back on the wire, without its escape
 * sequences: they were printed once already, and a query (ESC[6n) would be answered again. */
static void con_restore(void)
{
	struct console_vm *v = &con_vms[con_focus];

	if (!con_open && v->len > 0) {
		con_prefix(con_focus);
		con_write_plain(v->buf, v->len);
		con_open = true;
	}
}

/* A complete line of a VM that is not focused. */
static void con_emit_line(u32 vm)
{
	struct console_vm *v = &con_vms[vm];

	con_interrupt();
	con_prefix(vm);
	console_hw_write(v->buf, v->len);
	con_puts("\r\n");
	v->len = 0;
	con_restore();
}

static void con_focused_putc(char c)
{
	struct console_vm *v = &con_vms[con_focus];

	if (!con_open) {
		con_prefix(con_focus);
		con_write_plain(v->buf, v->len);
		con_open = true;
	}
	if (c == '\n') {
		con_puts("\r\n");
		con_open = false;
		v->len = 0;
		return;
	}
	console_hw_write(&c, 1);
	v->buf[v->len++] = c;
	if (v->len == CONSOLE_LINE_MAX) {
		con_puts("\r\n");
		con_open = false;
		v->len = 0;
	}
}

/* Lock held: console_vm_putc's byte c of VM vm_id, other than the usual one. */
static __attribute__((noinline)) void con_vm_putc(u32 vm_id, char c)
{
	struct console_vm *v = &con_vms[vm_id];

	if (c == '\r' || c == '\0') {
		/* kept in the history only */
	} else if (vm_id == con_focus) {
		con_focused_putc(c);
	} else if (c == '\n') {
		con_emit_line(vm_id);
	} else {
		v->buf[v->len++] = c;
		if (v->len == CONSOLE_LINE_MAX) {
			con_emit_line(vm_id);
		}
	}
}

void console_vm_putc(u32 vm_id, char c)
{
	struct console_vm *v;

	if (vm_id >= CONFIG_MAX_VMS) {
		return;
	}
	v = &con_vms[vm_id];
	spin_lock(&con_lock);
	con_ring[vm_id][con_ring_end[vm_id]++ & (CONSOLE_RING_SIZE - 1)] = (u8)c;
	if (vm_id == con_focus && con_open && (u8)c > '\r' && v->len + 1 < CONSOLE_LINE_MAX) {
		/* The usual byte (UARTDR store): the focused VM's line is on the wire and goes
		 * on; what con_focused_putc does for it, straight to the UART. */
		v->buf[v->len++] = c;
		console_hw_putc(c);
	} else {
		con_vm_putc(vm_id, c);
	}
	spin_unlock(&con_lock);
}

u32 console_ring_read(u32 vm_id, u64 *from, u8 *buf, u32 max, u64 *end, u64 *dropped)
{
	u64 first, at, last;
	u32 n = 0;

	*end = 0;
	*dropped = 0;
	if (vm_id >= CONFIG_MAX_VMS) {
		return 0;
	}
	spin_lock(&con_lock);
	last = con_ring_end[vm_id];
	*end = last;
	first = last > CONSOLE_RING_SIZE ? last - CONSOLE_RING_SIZE : 0;
	at = *from < first || *from > last ? first : *from;
	for (; n < max && at + n < last; n++) {
		buf[n] = con_ring[vm_id][(at + n) & (CONSOLE_RING_SIZE - 1)];
	}
	spin_unlock(&con_lock);
	*from = at;
	*dropped = first;
	return n;
}

void console_vm_flush(u32 vm_id)
{
	if (vm_id >= CONFIG_MAX_VMS) {
		return;
	}
	spin_lock(&con_lock);
	if (vm_id == con_focus) {
		con_break();
		con_vms[vm_id].len = 0;
	} else if (con_vms[vm_id].len > 0) {
		con_emit_line(vm_id);
	}
	spin_unlock(&con_lock);
}

/* Lock held. Prints msg as "[tessera] " lines; a final '\n' is optional. */
static void con_message(const char *msg)
{
	con_interrupt();
	do {
		const char *nl = strchr(msg, '\n');
		size_t n = nl ? (size_t)(nl - msg) : strlen(msg);

		con_puts("[tessera] ");
		console_hw_write(msg, n);
		con_puts("\r\n");
		msg = nl ? nl + 1 : msg + n;
	} while (*msg != '\0');
	con_restore();
}

/* Logs each line of msg (before the console lock: the log lock is never nested), then prints
 * it if the UART shows this level. */
static void con_log_message(u32 level, const char *msg)
{
	const char *s = msg;

	do {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		hyplog_add((enum log_level)level, s, n);
		s = nl ? nl + 1 : s + n;
	} while (*s != '\0');
	if (hyplog_on_uart((enum log_level)level)) {
		spin_lock(&con_lock);
		con_message(msg);
		spin_unlock(&con_lock);
	}
}

void console_log(u32 level, const char *fmt, ...)
{
	char msg[CONSOLE_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	con_log_message(level, msg);
}

/* Lock held. */
static void con_set_focus(u32 vm)
{
	con_break();
	con_focus = vm;
	con_vms[vm].told_stopped = false;
	con_puts("[tessera] console -> ");
	con_put_name(vm);
	con_puts("\r\n");
	con_restore();
}

int console_set_focus(u32 vm_id)
{
	int r = -1;

	spin_lock(&con_lock);
	if (vm_id < con_count()) {
		con_set_focus(vm_id);
		r = 0;
	}
	spin_unlock(&con_lock);
	return r;
}

/* Lock held. "[tessera] console: 1:alpha* 2:beta" */
static void con_list(void)
{
	u32 count = con_count();

	con_interrupt();
	con_puts("[tessera] console:");
	for (u32 i = 0; i < count; i++) {
		char num[16];

		fmt_snprintf(num, sizeof(num), " %u:", i + 1);
		con_puts(num);
		con_put_name(i);
		if (i == con_focus) {
			con_puts("*");
		}
		const char *st = console_vm_state(i);
		if (strcmp(st, "running") != 0) {
			con_puts("(");
			con_puts(st);
			con_puts(")");
		}
	}
	con_puts("\r\n");
	con_restore();
}

/* Lock held. One byte after Ctrl-T; returns true if it is to be sent to the VM. */
static bool con_command(u8 c)
{
	u32 count = con_count();

	if (c >= '1' && c <= '9') {
		u32 vm = (u32)(c - '1');

		if (vm < count) {
			con_set_focus(vm);
		} else {
			char msg[48];

			fmt_snprintf(msg, sizeof(msg), "console: no VM %c (Ctrl-T l lists them)",
				     c);
			con_message(msg);
		}
	} else if (c == 'n') {
		if (count > 0) {
			con_set_focus(con_focus + 1 < count ? con_focus + 1 : 0);
		}
	} else if (c == 'l') {
		con_list();
	} else if (c == 'h' || c == '?') {
		con_message("console: Ctrl-T then 1-9 focus VM, n next VM, l list, h help, "
			    "Ctrl-T send Ctrl-T");
	} else if (c == CONSOLE_ESCAPE) {
		return true;
	} else {
		con_message("console: unknown command (Ctrl-T h for help)");
	}
	return false;
}

/* After a byte went to VM vm: says once that a VM that is not running takes no input. */
static void con_rx_result(u32 vm, enum console_rx r)
{
	struct console_vm *v = &con_vms[vm];

	if (r != CONSOLE_RX_STOPPED) {
		v->told_stopped = false;
		return;
	}
	if (!v->told_stopped) {
		char msg[96];

		v->told_stopped = true;
		spin_lock(&con_lock);
		fmt_snprintf(msg, sizeof(msg),
			     "console: '%s' is %s: input dropped (Ctrl-T l lists VMs)",
			     console_vm_name(vm), console_vm_state(vm));
		con_message(msg);
		spin_unlock(&con_lock);
	}
}

void console_input(u8 c)
{
	bool send;
	u32 vm;

	spin_lock(&con_lock);
	if (con_escape) {
		con_escape = false;
		send = con_command(c);
	} else if (c == CONSOLE_ESCAPE) {
		con_escape = true;
		send = false;
	} else {
		send = true;
	}
	vm = con_focus;
	if (vm >= con_count()) {
		send = false; /* no VM (yet): input has nowhere to go */
	}
	spin_unlock(&con_lock);
	if (send) {
		con_rx_result(vm, console_vm_rx(vm, c));
	}
}
