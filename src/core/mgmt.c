/* SPDX-License-Identifier: MIT */
/*
 * Management protocol, version 1 (docs/MANAGEMENT.md is the reference).
 *
 * Requests are text lines "<command> [args]\n" of at most MGMT_LINE_MAX bytes
 * (a final '\r' is dropped); every non-empty line gets one response: zero or
 * more data lines, then exactly one "ok ..." or "err <code> <message>" line.
 * - Empty (or all-blank) lines are ignored, without a response.
 * - A line longer than MGMT_LINE_MAX: "err too-long", the rest up to its '\n'
 *   is discarded.
 * - A line with a byte that is not printable ASCII (NUL, control bytes,
 *   bytes >= 0x7f; tab counts as a blank): "err bad-args".
 * - MGMT_KILL (Ctrl-U) discards the unfinished line silently: a client sends
 *   it first, so whatever an earlier client left unfinished (the transport
 *   cannot tell connections apart) never runs glued to its request.
 * - A truncated line stays buffered until its '\n' (or a Ctrl-U) comes.
 * The parser keeps no other state, so no input can wedge it; everything a
 * command prints is bounded (one line per VM or CPU).
 *
 * Commands run on CPU 0 from the channel's interrupt, with the same VM
 * operations the health policies use (core/vm.c), so they race with nothing
 * those do not already handle: each state change is claimed atomically and a
 * lost race is reported as "err wrong-state".
 */
#include "mgmt_int.h"
#include "console.h"
#include "layout.h"
#include "lib.h"
#include "vm.h"
#include "../drivers/virtio_console_driver.h"

#define MGMT_ARGS_MAX 4

/* One response line; longer output is cut (names and numbers fit easily). */
void mgmt_line(struct mgmt_out *o, const char *fmt, ...)
{
	char buf[MGMT_OUT_MAX];
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	fmt_vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	buf[n++] = '\n';
	o->w(o->ctx, buf, n);
}

/* Splits line in place at blanks; returns the word count (more than max: max + 1). */
static u32 split_words(char *line, char **argv, u32 max)
{
	u32 n = 0;
	char *s = line;

	for (;;) {
		while (*s == ' ' || *s == '\t') {
			*s++ = '\0';
		}
		if (*s == '\0') {
			return n;
		}
		if (n == max) {
			return max + 1;
		}
		argv[n++] = s;
		while (*s && *s != ' ' && *s != '\t') {
			s++;
		}
	}
}

static void mgmt_execute(char *line, struct mgmt_out *o)
{
	char *argv[MGMT_ARGS_MAX + 1] = {NULL};
	u32 argc = split_words(line, argv, MGMT_ARGS_MAX);
	const struct mgmt_cmd *cmd = NULL;
	struct vm *vm;

	if (argc == 0) {
		return; /* blank line: no response (the caller does not count it) */
	}
	for (u32 i = 0; i < mgmt_command_count && !cmd; i++) {
		cmd = strcmp(argv[0], mgmt_commands[i].name) == 0 ? &mgmt_commands[i] : NULL;
	}
	if (!cmd) {
		mgmt_err(o, "unknown-command", "\"%s\" (help lists the commands)", argv[0]);
	} else if (cmd->cls & system_config.mgmt_deny) {
		mgmt_err(o, "denied",
			 "\"%s\" is not allowed on this channel (config /management allow)",
			 argv[0]);
	} else if (cmd->flags & MGMT_CMD_ARGV) {
		if (argc > MGMT_ARGS_MAX) {
			mgmt_err(o, "bad-args", "%s: too many arguments", argv[0]);
			return;
		}
		cmd->run.global(o, argv);
	} else if (!(cmd->flags & MGMT_CMD_VM)) {
		/* hello and log take an optional argument (a token, a line number). */
		if (argc > ((cmd->flags & MGMT_CMD_ARG) ? 2U : 1U)) {
			if (cmd->flags & MGMT_CMD_ARG) {
				mgmt_err(o, "bad-args", "usage: %s [%s]", argv[0],
					 argv[0][0] == 'l' ? "FROM" : "TOKEN"); /* log, hello */
			} else {
				mgmt_err(o, "bad-args", "%s takes no arguments", argv[0]);
			}
			return;
		}
		cmd->run.global(o, argv);
	} else if (argc != ((cmd->flags & MGMT_CMD_VM_ARG) ? 3U : 2U)) {
		/* console-read NAME FROM, console-write NAME HEX */
		mgmt_err(o, "bad-args", "usage: %s NAME%s", argv[0],
			 !(cmd->flags & MGMT_CMD_VM_ARG) ? ""
			 : argv[0][0] == 'g'		 ? " OP[,ARG...]" /* gdb */
			 : strcmp(argv[0], "clone") == 0 ? " TARGET"
			 : argv[0][8] == 'r' || argv[0][0] == 'd'
			     ? " FROM" /* console-read, dirty-collect */
			 : strncmp(argv[0], "snapshot-", 9) == 0 ? " POS" /* read, fetch */
			 : strncmp(argv[0], "mem-", 4) == 0 && argv[0][4] != 'w' ? " P[+N]"
			 : strcmp(argv[0], "mem-write") == 0	? " P:OFF:BASE64|P:z"
			 : strcmp(argv[0], "update-begin") == 0 ? " SIZE"
								: " HEX");
	} else if (!(vm = mgmt_vm_named(argv[1]))) {
		mgmt_err(o, "unknown-vm", "no VM named \"%s\" (list shows them)", argv[1]);
	} else if (cmd->flags & MGMT_CMD_VM_ARG) {
		cmd->run.on_vm_arg(o, vm, argv[2]); /* reads or feeds a device: no claim */
	} else if (cmd->flags & MGMT_CMD_NO_CLAIM) {
		cmd->run.on_vm(o, vm);
	} else if (!mgmt_op_claim()) {
		mgmt_err(o, "busy", "another management operation is in progress: retry");
	} else {
		cmd->run.on_vm(o, vm);
		mgmt_op_release();
	}
}

void mgmt_parser_reset(struct mgmt_parser *p)
{
	memset(p, 0, offsetof(struct mgmt_parser, fbuf)); /* fbuf: see mgmt.h */
}

static void line_reset(struct mgmt_parser *p)
{
	p->len = 0;
	p->overflow = false;
	p->bad = false;
}

static bool line_blank(const char *s, u32 n)
{
	for (u32 i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t') {
			return false;
		}
	}
	return true;
}

/* A complete line (without its '\n') is in p->line[0..len). */
static void line_done(struct mgmt_parser *p, mgmt_write_fn w, void *ctx)
{
	struct mgmt_out o = {w, ctx, p, false};

	if (p->overflow) {
		p->requests++;
		mgmt_err(&o, "too-long", "request longer than %u bytes", MGMT_LINE_MAX);
	} else {
		u32 bad_at = 0;

		if (p->len > 0 && p->line[p->len - 1] == '\r') {
			p->len--;
		}
		for (u32 i = 0; i < p->len && !p->bad; i++) {
			u8 c = (u8)p->line[i];

			if ((c < 0x20 && c != '\t') || c >= 0x7f) {
				p->bad = true;
				bad_at = i;
			}
		}
		p->line[p->len] = '\0';
		if (p->bad) {
			p->requests++;
			mgmt_err(&o, "bad-args", "byte 0x%02x at column %u is not printable ASCII",
				 (u8)p->line[bad_at], bad_at + 1);
		} else if (!line_blank(p->line, p->len)) {
			p->requests++;
			mgmt_execute(p->line, &o);
		}
	}
	if (o.err) {
		p->errors++;
	}
	line_reset(p);
}

void mgmt_feed(struct mgmt_parser *p, const u8 *data, size_t n, mgmt_write_fn w, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		u8 c = data[i];

		if (c == MGMT_KILL) {
			line_reset(p);
			mgmt_frame_reset(p);
		} else if (p->frame == 1) {
			i += mgmt_frame_feed(p, data + i, n - i, w, ctx) - 1;
		} else if (p->frame == 2 || (p->overflow && c != '\n')) {
			continue; /* a refused frame (up to the next Ctrl-U), an over-long line */
		} else if (c == MGMT_FRAME && p->len == 0) {
			mgmt_frame_reset(p);
			p->frame = 1;
		} else if (c == '\n') {
			line_done(p, w, ctx);
		} else if (p->len == MGMT_LINE_MAX) {
			p->overflow = true;
		} else {
			p->line[p->len++] = (char)c;
		}
	}
}

/* ---- The hypervisor's channel: a virtio console no VM was given. ---- */

/* NOINIT: 33 KiB that boot need not zero; mgmt_init resets all but its frame buffer. */
static struct mgmt_parser mgmt_chan NOINIT;
static bool mgmt_on;
static u32 mgmt_intid;
static u32 mgmt_busy;

bool mgmt_present(void)
{
	return mgmt_on;
}

/* The VM that was given the device's window or its interrupt (pass-through), or NULL. */
static const struct vm *mgmt_dev_owner(const struct vcon_dev *d)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		const struct vm_cfg *cfg = vms[i].cfg;

		for (u32 k = 0; cfg && k < cfg->dev_count && k < CONFIG_MAX_DEVS; k++) {
			const struct dev_cfg *dv = &cfg->devs[k];

			if (dv->base < d->base + d->size && d->base < dv->base + dv->size) {
				return &vms[i];
			}
			for (u32 q = 0; q < dv->irq_count && q < CONFIG_MAX_DEV_IRQS; q++) {
				if (d->intid && dv->irqs[q] == d->intid) {
					return &vms[i];
				}
			}
		}
	}
	return NULL;
}

/*
 * Says something only when a virtio console is there, i.e. when someone attached one
 * (`tessera run --mgmt`): a board without any stays silent, since a plain run is not
 * missing anything. `tessera run --mgmt` itself reports a channel that never answers.
 */
BOOT_ONLY void mgmt_init(const struct platform *plat)
{
	struct vcon_dev d;
	const char *why = "";

	mgmt_parser_reset(&mgmt_chan);
	for (u32 i = 0; i < 32; i++) {
		const struct vm *owner;

		if (vcon_find(plat, i, &d) != 0) {
			break;
		}
		owner = mgmt_dev_owner(&d);
		if (owner) {
			/* Given to a VM by the config: it is the VM's, not ours. */
			console_log(LOG_WARN,
				    "virtio console at 0x%llx is VM %s's (pass-through): not a "
				    "management channel\n",
				    (unsigned long long)d.base, owner->cfg->name);
			continue;
		}
		/*
		 * Level-sensitive, whatever the DTB says (QEMU's virt says edge): a virtio-mmio
		 * device holds its line until InterruptACK (Virtio 1.2, 4.2.2), and a client
		 * that connected during boot makes it rise before the GIC is configured. As an
		 * edge that rise is lost and, with the line then never falling, so is every
		 * later one: the channel would never answer. As a level it stays pending.
		 */
		d.edge = false;
		if (d.intid < PLATFORM_FIRST_SHARED_INTID || vcon_start(&d, &why) != 0) {
			console_log(LOG_WARN,
				    "management channel: virtio console at 0x%llx unusable (%s)\n",
				    (unsigned long long)d.base,
				    d.intid < PLATFORM_FIRST_SHARED_INTID ? "no SPI in the DTB"
									  : why);
			return;
		}
		mgmt_intid = d.intid;
		mgmt_on = true;
		vm_stay_on = true;
		console_printf("management channel: virtio console at 0x%llx, INTID %u, protocol "
			       "%u\n",
			       (unsigned long long)d.base, d.intid, MGMT_VERSION);
		return;
	}
}

static void chan_write(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	vcon_write(s, n);
}

static void chan_rx(void *ctx, const u8 *data, size_t n)
{
	mgmt_feed((struct mgmt_parser *)ctx, data, n, chan_write, NULL);
}

void mgmt_irq(u32 intid)
{
	u32 idle = 0;

	if (!mgmt_on || intid != mgmt_intid) {
		return;
	}
	/* Never re-entered (a command that waits must not run another one meanwhile). */
	if (!__atomic_compare_exchange_n(&mgmt_busy, &idle, 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED)) {
		return;
	}
	vcon_poll(chan_rx, &mgmt_chan);
	vcon_flush();
	__atomic_store_n(&mgmt_busy, 0, __ATOMIC_RELEASE);
}
