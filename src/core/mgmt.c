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
#include "mgmt.h"
#include "abi.h"
#include "console.h"
#include "lib.h"
#include "mem.h"
#include "virtio_mmio.h"
#include "vm.h"
#include "../drivers/virtio_console.h"

#define MGMT_OUT_MAX  256
#define MGMT_ARGS_MAX 4

struct mgmt_out {
	mgmt_write_fn w;
	void *ctx;
	const struct mgmt_parser *p; /* for the request counters in stats */
	bool err;
};

static void out_line(struct mgmt_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One response line; longer output is cut (names and numbers fit easily). */
static void out_line(struct mgmt_out *o, const char *fmt, ...)
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

#define out_err(o, code, ...)                               \
	do {                                                \
		(o)->err = true;                            \
		out_line((o), "err " code " " __VA_ARGS__); \
	} while (0)

/*
 * One VM-changing operation at a time, system-wide, whoever asks (this channel on CPU 0 or a
 * VM with the manage capability on its own CPU). Each waits for the target's vCPUs to leave
 * the guest; two CPUs stopping each other's VMs at once would each wait for the other. A
 * second operation is refused ("err busy" / TESSERA_BUSY) instead.
 */
static u32 op_busy;

_Static_assert(VM_RUNNING == TESSERA_VM_RUNNING && VM_STOPPED == TESSERA_VM_STOPPED &&
		   VM_RESETTING == TESSERA_VM_RESETTING && VM_PAUSED == TESSERA_VM_PAUSED,
	       "TESSERA_MANAGE_STATE returns enum vm_state values");

static bool op_claim(void)
{
	u32 expected = 0;

	return __atomic_compare_exchange_n(&op_busy, &expected, 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static void op_release(void)
{
	__atomic_store_n(&op_busy, 0, __ATOMIC_RELEASE);
}

static u64 ticks_to_ms(u64 t)
{
	u64 f = arch_counter_freq();

	return f ? t / f * 1000 + t % f * 1000 / f : 0;
}

static struct vm *vm_named(const char *name)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		if (vms[i].cfg && strcmp(vms[i].cfg->name, name) == 0) {
			return &vms[i];
		}
	}
	return NULL;
}

/* "vm NAME id=.. state=.. cpus=0,1 mem_mib=.. uptime_ms=.. restarts=.. resets=.. stop=..
 *  exit=R/C traps=.. irqs=.. aborts=.. console_dropped=.." */
static void list_vm(struct mgmt_out *o, const struct vm *vm)
{
	const struct vm_cfg *cfg = vm->cfg;
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	char cpu_list[CONFIG_MAX_VCPUS * 4 + 1] = "";
	char cause[24] = "-";
	u64 mem = 0, traps = 0, irqs = 0, up = 0;
	size_t at = 0;

	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		at += (size_t)fmt_snprintf(cpu_list + at, sizeof(cpu_list) - at, "%s%u",
					   v ? "," : "", cfg->cpus[v]);
		at = MIN(at, sizeof(cpu_list) - 1);
		traps += vm->vcpus[v].trap_count;
		irqs += vm->vcpus[v].irq_count;
	}
	for (u32 i = 0; i < cfg->mem_count && i < CONFIG_MAX_MEM; i++) {
		mem += cfg->mem[i].size;
	}
	if (st == VM_STOPPED) {
		/* Cause names have blanks ("abort storm"): one token per field here. */
		str_copy(cause, health_cause_name(vm->stop_cause), sizeof(cause));
		for (char *c = cause; *c; c++) {
			*c = *c == ' ' ? '-' : *c;
		}
	} else if (st == VM_RUNNING || st == VM_PAUSED) {
		up = ticks_to_ms(arch_counter() - vm->started_at);
	}
	out_line(o,
		 "vm %s id=%u state=%s cpus=%s mem_mib=%llu uptime_ms=%llu restarts=%u "
		 "resets=%llu stop=%s exit=%u/%u traps=%llu irqs=%llu aborts=%llu "
		 "console_dropped=%llu",
		 cfg->name, vm->id, vm->stuck ? "stuck" : vm_state_name(st), cpu_list,
		 (unsigned long long)(mem >> 20), (unsigned long long)up, vm->restarts,
		 (unsigned long long)vm->stats.resets, cause, vm->exit_reason, vm->exit_code,
		 (unsigned long long)traps, (unsigned long long)irqs,
		 (unsigned long long)vm->stats.aborts,
		 (unsigned long long)__atomic_load_n(&vm->uart.rx_dropped, __ATOMIC_RELAXED));
}

static void cmd_list(struct mgmt_out *o, char **argv)
{
	(void)argv;
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		list_vm(o, &vms[i]);
	}
	/* The time of this sample: a client computes rates from two of them. */
	out_line(o, "ok %u vms uptime_ms=%llu", vm_count,
		 (unsigned long long)ticks_to_ms(arch_counter()));
}

/* "net LINK end=E vm=NAME tx_frames=.. drop_bad=.. drop_nobuf=.. drop_nofit=..": per end
 * of each virtio-net link (docs/VIRTIO.md), what became of the frames that end sent. */
static void stats_net(struct mgmt_out *o)
{
	u32 n = 0;

	for (u32 i = 0; i < system_config.virtio_count && i < CONFIG_MAX_VIRTIO; i++) {
		const struct virtio_cfg *vc = &system_config.virtio[i];

		if (vc->type != CONFIG_VIRTIO_NET) {
			continue;
		}
		for (u32 e = 0; e < 2; e++) {
			struct vnet_stats st;
			u32 vm = vc->ends[e].vm;

			if (!vnet_get_stats(n, e, &st)) {
				continue;
			}
			out_line(o,
				 "net %s end=%u vm=%s tx_frames=%u drop_bad=%u drop_nobuf=%u "
				 "drop_nofit=%u",
				 vc->name, e,
				 vm < vm_count && vms[vm].cfg ? vms[vm].cfg->name : "-",
				 st.tx_frames, st.drop_bad, st.drop_nobuf, st.drop_nofit);
		}
		n++;
	}
}

static void cmd_stats(struct mgmt_out *o, char **argv)
{
	u32 running = 0;

	(void)argv;
	for (u32 i = 0; i < system_platform.cpu_count && i < CONFIG_MAX_PCPUS; i++) {
		const struct vcpu *vc = cpus[i].vcpu;

		if (vc && vc->vm && vc->vm->cfg) {
			out_line(o, "cpu %u irqs=%llu vm=%s vcpu=%u", i,
				 (unsigned long long)cpus[i].irq_count, vc->vm->cfg->name, vc->id);
		} else {
			out_line(o, "cpu %u irqs=%llu vm=- vcpu=-", i,
				 (unsigned long long)cpus[i].irq_count);
		}
	}
	stats_net(o);
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		running += __atomic_load_n(&vms[i].state, __ATOMIC_ACQUIRE) == VM_RUNNING;
	}
	out_line(o,
		 "ok uptime_ms=%llu free_pages=%u vms=%u running=%u requests=%llu errors=%llu "
		 "dropped=%llu",
		 (unsigned long long)ticks_to_ms(arch_counter()), mem_free_pages(), vm_count,
		 running, (unsigned long long)o->p->requests, (unsigned long long)o->p->errors,
		 (unsigned long long)vcon_dropped());
}

/* "hello [TOKEN]": the protocol version, and the token back so a client can tell this
 * answer from answers to requests sent before it. */
static void cmd_hello(struct mgmt_out *o, char **argv)
{
	if (argv[1]) {
		out_line(o, "ok tessera-mgmt %u %s", MGMT_VERSION, argv[1]);
	} else {
		out_line(o, "ok tessera-mgmt %u", MGMT_VERSION);
	}
}

static void cmd_help(struct mgmt_out *o, char **argv)
{
	(void)argv;
	out_line(o, "ok commands: hello help list stats start stop restart pause resume "
		    "console (NAME for the last six)");
}

static void cmd_start(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st != VM_STOPPED) {
		out_err(o, "wrong-state", "VM %s is %s (start needs a stopped VM)", vm->cfg->name,
			vm_state_name(st));
		return;
	}
	vm->restart_at = 0; /* started by hand: a pending policy restart is moot */
	if (vm_restart(vm) != 0) {
		st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
		out_err(o, "wrong-state", "VM %s could not be started (now %s)", vm->cfg->name,
			vm_state_name(st));
		return;
	}
	out_line(o, "ok started %s", vm->cfg->name);
}

/* Gives a paused VM its CPUs back with a fresh watchdog period (a pause is not a hang). */
static void resume_vm(struct vm *vm)
{
	health_heartbeat(vm);
	if (vm_resume(vm) == 0) {
		cpu_request(vm->vcpus[0].pcpu, CPU_REQ_HEALTH); /* re-arm its watchdog */
	}
}

static void cmd_stop(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st == VM_STOPPED && vm->restart_at) {
		vm->restart_at = 0; /* stopped, waiting for its back-off: make it final */
		out_line(o, "ok stopped %s (pending restart cancelled)", vm->cfg->name);
		return;
	}
	if (st == VM_PAUSED) {
		resume_vm(vm); /* vm_stop takes a running VM; it parks the vCPUs at once */
	} else if (st != VM_RUNNING) {
		out_err(o, "wrong-state", "VM %s is %s (stop needs a running or paused VM)",
			vm->cfg->name, vm_state_name(st));
		return;
	}
	vm_stop(vm, STOP_MANAGEMENT);
	st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	if (vm->stuck) {
		out_err(o, "stuck", "VM %s: a vCPU never left the guest; left stuck",
			vm->cfg->name);
		return;
	}
	if (st != VM_STOPPED || vm->stop_cause != STOP_MANAGEMENT) {
		out_err(o, "wrong-state", "VM %s changed state meanwhile (now %s)", vm->cfg->name,
			vm_state_name(st));
		return;
	}
	out_line(o, "ok stopped %s", vm->cfg->name);
}

static void cmd_restart(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st == VM_STOPPED) {
		cmd_start(o, vm);
		return;
	}
	if (st == VM_PAUSED) {
		resume_vm(vm);
	} else if (st != VM_RUNNING) {
		out_err(o, "wrong-state", "VM %s is %s", vm->cfg->name, vm_state_name(st));
		return;
	}
	vm_reset(vm);
	st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	if (st != VM_RUNNING) {
		out_err(o, "wrong-state", "VM %s did not restart (now %s)", vm->cfg->name,
			vm_state_name(st));
		return;
	}
	out_line(o, "ok restarted %s", vm->cfg->name);
}

static void cmd_pause(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st != VM_RUNNING || vm_pause(vm) != 0) {
		out_err(o, "wrong-state", "VM %s is %s (pause needs a running VM)", vm->cfg->name,
			vm_state_name(__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE)));
		return;
	}
	out_line(o, "ok paused %s", vm->cfg->name);
}

static void cmd_resume(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st != VM_PAUSED) {
		out_err(o, "wrong-state", "VM %s is %s (resume needs a paused VM)", vm->cfg->name,
			vm_state_name(st));
		return;
	}
	resume_vm(vm);
	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING) {
		out_err(o, "wrong-state", "VM %s changed state meanwhile", vm->cfg->name);
		return;
	}
	out_line(o, "ok resumed %s", vm->cfg->name);
}

static void cmd_console(struct mgmt_out *o, struct vm *vm)
{
	if (console_set_focus(vm->id) != 0) {
		out_err(o, "unknown-vm", "VM %s has no console", vm->cfg->name);
		return;
	}
	out_line(o, "ok console %s", vm->cfg->name);
}

static const struct {
	const char *name;
	void (*global)(struct mgmt_out *o, char **argv);  /* commands without a VM */
	void (*on_vm)(struct mgmt_out *o, struct vm *vm); /* commands taking NAME */
} commands[] = {
    {"hello", cmd_hello, NULL},	    {"help", cmd_help, NULL},	{"list", cmd_list, NULL},
    {"stats", cmd_stats, NULL},	    {"start", NULL, cmd_start}, {"stop", NULL, cmd_stop},
    {"restart", NULL, cmd_restart}, {"pause", NULL, cmd_pause}, {"resume", NULL, cmd_resume},
    {"console", NULL, cmd_console},
};

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
	struct vm *vm;

	if (argc == 0) {
		return; /* blank line: no response (the caller does not count it) */
	}
	for (u32 i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[0], commands[i].name) != 0) {
			continue;
		}
		if (commands[i].global) {
			/* hello may carry the client's version; nothing else takes arguments. */
			if (commands[i].global == cmd_hello && argc > 2) {
				out_err(o, "bad-args", "usage: hello [TOKEN]");
				return;
			}
			if (commands[i].global != cmd_hello && argc > 1) {
				out_err(o, "bad-args", "%s takes no arguments", argv[0]);
				return;
			}
			commands[i].global(o, argv);
			return;
		}
		if (argc != 2) {
			out_err(o, "bad-args", "usage: %s NAME", argv[0]);
			return;
		}
		vm = vm_named(argv[1]);
		if (!vm) {
			out_err(o, "unknown-vm", "no VM named \"%s\" (list shows them)", argv[1]);
			return;
		}
		if (commands[i].on_vm == cmd_console) {
			cmd_console(o, vm);
		} else if (!op_claim()) {
			out_err(o, "busy", "another management operation is in progress: retry");
		} else {
			commands[i].on_vm(o, vm);
			op_release();
		}
		return;
	}
	out_err(o, "unknown-command", "\"%s\" (help lists the commands)", argv[0]);
}

/* ---- the same operations by hypercall (docs/HYPERCALLS.md TESSERA_HC_MANAGE) ---- */

/* Keeps the first response line for the console log. */
static void guest_out(void *ctx, const char *s, size_t n)
{
	char *line = ctx;
	size_t have = strlen(line);

	for (size_t i = 0; i < n && s[i] != '\n' && have < MGMT_OUT_MAX - 1; i++) {
		line[have++] = s[i];
	}
	line[have] = '\0';
}

s64 mgmt_guest_call(struct vm *caller, u64 op, u64 target)
{
	static void (*const ops[])(struct mgmt_out * o, struct vm * vm) = {
	    [TESSERA_MANAGE_START] = cmd_start,	    [TESSERA_MANAGE_STOP] = cmd_stop,
	    [TESSERA_MANAGE_RESTART] = cmd_restart, [TESSERA_MANAGE_PAUSE] = cmd_pause,
	    [TESSERA_MANAGE_RESUME] = cmd_resume,
	};
	char line[MGMT_OUT_MAX] = "";
	struct mgmt_out o = {.w = guest_out, .ctx = line, .p = NULL, .err = false};
	struct vm *vm;

	if (!caller->cfg->manage) {
		return TESSERA_DENIED;
	}
	/* Itself: PSCI SYSTEM_OFF / SYSTEM_RESET. Indices come from the guest: checked. */
	if (target >= vm_count || target == caller->id || op >= ARRAY_SIZE(ops)) {
		return TESSERA_INVALID;
	}
	vm = &vms[target];
	if (op == TESSERA_MANAGE_STATE) {
		return vm->stuck ? TESSERA_VM_STUCK
				 : (s64)__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	}
	if (!op_claim()) {
		return TESSERA_BUSY;
	}
	ops[op](&o, vm);
	op_release();
	console_printf("VM %s (manage): %s\n", caller->cfg->name, line);
	return o.err ? TESSERA_WRONG_STATE : TESSERA_OK;
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
		out_err(&o, "too-long", "request longer than %u bytes", MGMT_LINE_MAX);
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
			out_err(&o, "bad-args", "byte 0x%02x at column %u is not printable ASCII",
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
			console_printf("virtio console at 0x%llx is VM %s's (pass-through): not a "
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
			console_printf(
			    "management channel: virtio console at 0x%llx unusable (%s)\n",
			    (unsigned long long)d.base, d.intid < 32 ? "no SPI in the DTB" : why);
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
	__atomic_store_n(&mgmt_busy, 0, __ATOMIC_RELEASE);
}
