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
#include "crc32.h"
#include "tessera_features.h"
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
	memset(p, 0, sizeof(*p));
}

static void line_reset(struct mgmt_parser *p)
{
	p->len = 0;
	p->overflow = false;
	p->bad = false;
}

static void frame_reset(struct mgmt_parser *p)
{
	p->frame = 0;
	p->esc = false;
	p->frame_bad = false;
	p->fgot = 0;
	p->flen = 0;
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

static u32 le32(const u8 *b)
{
	return (u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24;
}

static void put_le32(u8 *b, u32 v)
{
	b[0] = (u8)v;
	b[1] = (u8)(v >> 8);
	b[2] = (u8)(v >> 16);
	b[3] = (u8)(v >> 24);
}

/*
 * A request frame's payload: the VM's name (u8 length 1..31, the bytes), then what its kind
 * carries. Same rules as the text command it stands for (class, VM name); it takes no
 * operation lock (restore-data and mem-write take none).
 */
static void frame_run(struct mgmt_out *o, u8 kind, const u8 *d, u32 n)
{
	char name[32];
	u32 k = n > 0 ? d[0] : 0;
	struct vm *vm;

	if (kind != 'r' && kind != 'w') {
		mgmt_err(o, "unknown-command", "frame kind 0x%02x (MANAGEMENT.md \"Frames\")", kind);
		return;
	}
	if (MGMT_CLASS_STATE & system_config.mgmt_deny) {
		mgmt_err(o, "denied", "frame '%c' is not allowed on this channel (config /management "
				      "allow)", kind);
		return;
	}
	if (k == 0 || k >= sizeof(name) || k + 1 > n) {
		mgmt_err(o, "bad-args", "frame: a VM name of 1 to 31 bytes first");
		return;
	}
	memcpy(name, d + 1, k);
	name[k] = '\0';
	if (str_nlen(name, sizeof(name)) != k || !(vm = mgmt_vm_named(name))) {
		mgmt_err(o, "unknown-vm", "no VM named in the frame (list shows them)");
		return;
	}
#if TESSERA_FEAT_SNAPSHOT
	if (kind == 'r') {
		mgmt_restore_frame(o, vm, d + 1 + k, n - 1 - k);
	} else {
		mgmt_mem_frame(o, vm, d + 1 + k, n - 1 - k);
	}
#else
	(void)vm;
	mgmt_err(o, "unknown-command", "frame '%c': no snapshots in this build", kind);
#endif
}

/* The frame's last byte came: check it and run it (one final line, like a request line). */
static void frame_done(struct mgmt_parser *p, mgmt_write_fn w, void *ctx)
{
	struct mgmt_out o = {w, ctx, p, false};
	u32 crc = crc32_update(crc32_update(0, p->fhdr, MGMT_FRAME_HDR), p->fbuf, p->flen);

	p->requests++;
	if (p->frame_bad) {
		mgmt_err(&o, "bad-args", "frame: MGMT_ESC (0x10) followed by a byte that is not an "
					 "escape");
	} else if (crc != le32(p->fhdr + MGMT_FRAME_HDR)) {
		mgmt_err(&o, "bad-args", "frame checksum 0x%08x, its bytes give 0x%08x",
			 le32(p->fhdr + MGMT_FRAME_HDR), crc);
	} else {
		frame_run(&o, p->fhdr[0], p->fbuf, p->flen);
	}
	if (o.err) {
		p->errors++;
	}
	frame_reset(p);
}

/* One decoded byte of the frame being received. */
static void frame_put(struct mgmt_parser *p, u8 c, mgmt_write_fn w, void *ctx)
{
	u32 at = p->fgot++;

	if (at < MGMT_FRAME_HDR) {
		p->fhdr[at] = c;
		if (at + 1 < MGMT_FRAME_HDR) {
			return;
		}
		p->flen = le32(p->fhdr + 1);
		if (p->flen == 0 || p->flen > MGMT_FRAME_MAX) {
			struct mgmt_out o = {w, ctx, p, false};

			/* The rest of it cannot be told from what follows: up to a Ctrl-U. */
			p->requests++;
			p->errors++;
			mgmt_err(&o, "too-long", "frame of %u bytes (1 to %u): discarding up to "
						 "the next Ctrl-U", p->flen, MGMT_FRAME_MAX);
			p->frame = 2;
		}
	} else if (at < MGMT_FRAME_HDR + p->flen) {
		p->fbuf[at - MGMT_FRAME_HDR] = c;
	} else {
		p->fhdr[MGMT_FRAME_HDR + (at - MGMT_FRAME_HDR - p->flen)] = c;
		if (at + 1 == MGMT_FRAME_HDR + p->flen + 4) {
			frame_done(p, w, ctx);
		}
	}
}

/* Frame bytes from d[0..n): how many were taken (it stops before a Ctrl-U or at the frame's
 * end). */
static size_t frame_feed(struct mgmt_parser *p, const u8 *d, size_t n, mgmt_write_fn w,
			 void *ctx)
{
	size_t i = 0;

	while (i < n && p->frame == 1) {
		u8 c = d[i];

		if (c == MGMT_KILL) {
			break;
		}
		i++;
		if (p->esc) {
			p->esc = false;
			c ^= 0x20;
			p->frame_bad |= c != MGMT_ESC && c != MGMT_KILL;
		} else if (c == MGMT_ESC) {
			p->esc = true;
			continue;
		} else if (p->fgot >= MGMT_FRAME_HDR && p->fgot < MGMT_FRAME_HDR + p->flen) {
			/* Payload: copy the run up to the next escape, Ctrl-U or its end at once. */
			u32 room = MGMT_FRAME_HDR + p->flen - p->fgot;
			u8 *dst = p->fbuf + (p->fgot - MGMT_FRAME_HDR);
			size_t k = 0;

			dst[k++] = c;
			while (k < room && i < n && d[i] != MGMT_ESC && d[i] != MGMT_KILL) {
				dst[k++] = d[i++];
			}
			p->fgot += (u32)k;
			continue;
		}
		frame_put(p, c, w, ctx);
	}
	return i;
}

void mgmt_feed(struct mgmt_parser *p, const u8 *data, size_t n, mgmt_write_fn w, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		u8 c = data[i];

		if (p->frame == 1 && c != MGMT_KILL) {
			i += frame_feed(p, data + i, n - i, w, ctx) - 1;
		} else if (c == MGMT_KILL) {
			line_reset(p);
			frame_reset(p);
		} else if (p->frame == 2) {
			continue; /* a refused frame: up to the next Ctrl-U */
		} else if (c == MGMT_FRAME && p->len == 0 && !p->overflow) {
			frame_reset(p);
			p->frame = 1;
		} else if (c == '\n') {
			line_done(p, w, ctx);
		} else if (p->overflow) {
			continue; /* the rest of an over-long line */
		} else if (p->len == MGMT_LINE_MAX) {
			p->overflow = true;
		} else {
			p->line[p->len++] = (char)c;
		}
	}
}

/* The payload area of the response frame being built (MGMT_FRAME_MAX bytes); CPU 0 (or the
 * one host thread) only, one frame at a time. */
static u8 out_frame[1 + MGMT_FRAME_HDR + MGMT_FRAME_MAX + 4];

u8 *mgmt_frame_payload(void)
{
	return out_frame + 1 + MGMT_FRAME_HDR;
}

void mgmt_frame_send(struct mgmt_out *o, u8 kind, u32 len)
{
	u8 *crc = out_frame + 1 + MGMT_FRAME_HDR + len;

	out_frame[0] = MGMT_FRAME;
	out_frame[1] = kind;
	put_le32(out_frame + 2, len);
	put_le32(crc, crc32_update(0, out_frame + 1, MGMT_FRAME_HDR + len));
	o->w(o->ctx, (const char *)out_frame, 1 + MGMT_FRAME_HDR + len + 4);
}

/* ---- The hypervisor's channel: a virtio console no VM was given. ---- */

static struct mgmt_parser mgmt_chan;
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
		if (d.intid < 32 || vcon_start(&d, &why) != 0) {
			console_log(LOG_WARN,
				    "management channel: virtio console at 0x%llx unusable (%s)\n",
				    (unsigned long long)d.base,
				    d.intid < 32 ? "no SPI in the DTB" : why);
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
