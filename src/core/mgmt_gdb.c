/* SPDX-License-Identifier: MIT */
/*
 * The management command "gdb NAME OP[,ARG...]" (docs/MANAGEMENT.md, docs/DEBUGGING.md):
 * what `tessera ctl gdb` translates gdb's remote protocol into. One argument, fields split
 * at commas, numbers in hex:
 *   attach | detach | halt | cont | status | step,V | regs,V | setreg,V,N,LO[,HI]
 *   read,V,v|p,ADDR,LEN | write,V,v|p,ADDR,HEX | hbreak,ADDR,1|0 | watch,ADDR,LEN,KIND,1|0
 * V is a vCPU index, v|p a virtual (that vCPU's stage 1) or guest-physical address. Only a
 * VM whose config says `debug;` may be attached; registers and memory only while it is
 * halted (every vCPU saved); memory only inside the VM's own stage 2, RAM only. Every
 * field comes from outside: parsed strictly and range-checked.
 */
#include "gdb.h"
#include "health.h"
#include "lib.h"
#include "mem.h"
#include "mgmt_int.h"
#include "sched_loop.h"

#define GDB_FIELDS   6
#define GDB_READ_MAX 64 /* bytes per read: 128 hex digits in one response line */

struct gdb_args {
	char buf[MGMT_LINE_MAX + 1];
	char *f[GDB_FIELDS];
	u32 n;
};

static bool split_fields(const char *arg, struct gdb_args *a)
{
	size_t len = strlen(arg);
	char *s = a->buf;

	if (len >= sizeof(a->buf)) {
		return false;
	}
	memcpy(a->buf, arg, len + 1);
	a->n = 0;
	for (;;) {
		if (a->n == GDB_FIELDS) {
			return false;
		}
		a->f[a->n++] = s;
		while (*s && *s != ',') {
			s++;
		}
		if (!*s) {
			return true;
		}
		*s++ = '\0';
	}
}

static bool parse_hex(const char *s, u64 *v)
{
	u64 x = 0;
	u32 n = 0;

	for (; *s; s++, n++) {
		u32 d = (*s >= '0' && *s <= '9')   ? (u32)(*s - '0')
			: (*s >= 'a' && *s <= 'f') ? (u32)(*s - 'a' + 10)
			: (*s >= 'A' && *s <= 'F') ? (u32)(*s - 'A' + 10)
						   : 16;

		if (d > 15 || n == 16) {
			return false;
		}
		x = x << 4 | d;
	}
	*v = x;
	return n > 0;
}

static s32 hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	return (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* Field i as a vCPU index of vm. */
static struct vcpu *field_vcpu(struct vm *vm, const struct gdb_args *a, u32 i)
{
	u64 v;

	if (i >= a->n || !parse_hex(a->f[i], &v) || v >= vm->vcpu_count || v >= CONFIG_MAX_VCPUS) {
		return NULL;
	}
	return &vm->vcpus[v];
}

static void kick_all(struct vm *vm)
{
	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		cpu_request(vm->vcpus[v].pcpu, CPU_REQ_WAKE);
	}
}

/* Pauses vm (if running) for the debugger; the vCPUs save themselves (gdb_vcpu_leave). */
static bool halt_vm(struct mgmt_out *o, struct vm *vm)
{
	u32 none = GDB_STOP_NONE;

	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) == VM_RUNNING && vm_pause(vm) != 0) {
		mgmt_err(o, "wrong-state", "VM %s could not be halted", vm->cfg->name);
		return false;
	}
	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_PAUSED) {
		mgmt_err(o, "wrong-state", "VM %s is %s", vm->cfg->name,
			 vm_state_name(__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE)));
		return false;
	}
	__atomic_compare_exchange_n(&vm->gdb.stop_reason, &none, GDB_STOP_HALT, false,
				    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	kick_all(vm); /* a VM paused before the attach: its vCPUs save themselves now */
	return true;
}

/* Lets a halted VM run on, its vCPUs with the debugger's debug registers (or, detached,
 * their own); a fresh watchdog period, as after a management resume. */
static void run_vm(struct vm *vm)
{
	__atomic_store_n(&vm->gdb.stop_reason, GDB_STOP_NONE, __ATOMIC_RELEASE);
	health_heartbeat(vm);
	if (vm_resume(vm) == 0) {
		cpu_request(vm->vcpus[0].pcpu, CPU_REQ_HEALTH);
		kick_all(vm);
	}
}

static bool need_halted(struct mgmt_out *o, const struct vm *vm)
{
	if (!vm->gdb.attached) {
		mgmt_err(o, "wrong-state", "no debugger attached to VM %s (gdb NAME attach)",
			 vm->cfg->name);
		return false;
	}
	if (!gdb_vm_halted(vm)) {
		mgmt_err(o, "wrong-state", "VM %s is not halted (gdb NAME status)", vm->cfg->name);
		return false;
	}
	return true;
}

static void op_attach(struct mgmt_out *o, struct vm *vm)
{
	if (!vm->cfg->debug) {
		mgmt_err(o, "denied",
			 "VM %s may not be debugged: its config node has no \"debug;\" property",
			 vm->cfg->name);
		return;
	}
	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		struct vcpu *vc = &vm->vcpus[v];

		/* Where the guest's own debug registers go while the debugger has the real ones:
		 * once per vCPU, kept for later attaches. */
		if (!vc->gdb_guest) {
			vc->gdb_guest = page_alloc();
		}
		if (!vc->gdb_guest) {
			mgmt_err(o, "no-memory", "no hypervisor page left for VM %s's debug state",
				 vm->cfg->name);
			return;
		}
	}
	vm->gdb.attached = true;
	if (halt_vm(o, vm)) {
		mgmt_line(o, "ok attached %s vcpus=%u", vm->cfg->name, vm->vcpu_count);
	}
}

static void op_detach(struct mgmt_out *o, struct vm *vm)
{
	if (!need_halted(o, vm)) {
		return;
	}
	memset(vm->gdb.bp, 0, sizeof(vm->gdb.bp));
	memset(vm->gdb.wp, 0, sizeof(vm->gdb.wp));
	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		arch_gdb_debug_release(&vm->vcpus[v]);
	}
	vm->gdb.attached = false;
	run_vm(vm);
	mgmt_line(o, "ok detached %s", vm->cfg->name);
}

static void op_cont(struct mgmt_out *o, struct vm *vm)
{
	if (!need_halted(o, vm)) {
		return;
	}
	for (u32 v = 0; v < vm->vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
		arch_gdb_debug_regs(&vm->vcpus[v], false);
	}
	run_vm(vm);
	mgmt_line(o, "ok running %s", vm->cfg->name);
}

static void op_step(struct mgmt_out *o, struct vm *vm, struct vcpu *vc)
{
	if (!need_halted(o, vm)) {
		return;
	}
	if (vc->state != VCPU_RUNNING) {
		mgmt_err(o, "wrong-state", "vCPU %u of VM %s is not on", vc->id, vm->cfg->name);
		return;
	}
	arch_gdb_debug_regs(vc, true);
	__atomic_store_n(&vm->gdb.stop_reason, GDB_STOP_NONE, __ATOMIC_RELEASE);
	__atomic_store_n(&vc->gdb_step, true, __ATOMIC_SEQ_CST);
	cpu_request(vc->pcpu, CPU_REQ_WAKE | CPU_REQ_RESCHED);
	mgmt_line(o, "ok stepping %s %u", vm->cfg->name, vc->id);
}

static void op_status(struct mgmt_out *o, const struct vm *vm)
{
	mgmt_line(o, "ok gdb %s attached=%u halted=%u state=%s stop=%u vcpu=%x addr=%llx",
		  vm->cfg->name, vm->gdb.attached ? 1U : 0U, gdb_vm_halted(vm) ? 1U : 0U,
		  vm_state_name(__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE)),
		  __atomic_load_n(&vm->gdb.stop_reason, __ATOMIC_ACQUIRE), vm->gdb.stop_vcpu,
		  (unsigned long long)vm->gdb.stop_addr);
}

static void op_regs(struct mgmt_out *o, const struct vcpu *vc)
{
	for (u32 n = 0; n < GDB_REG_COUNT; n++) {
		u64 lo, hi;

		if (arch_gdb_reg_get(vc, n, &lo, &hi)) {
			mgmt_line(o, "r %x %llx %llx", n, (unsigned long long)lo,
				  (unsigned long long)hi);
		}
	}
	mgmt_line(o, "ok regs %u", vc->id);
}

static void op_setreg(struct mgmt_out *o, struct vcpu *vc, const struct gdb_args *a)
{
	u64 n, lo, hi = 0;

	if (a->n < 4 || a->n > 5 || !parse_hex(a->f[2], &n) || !parse_hex(a->f[3], &lo) ||
	    (a->n == 5 && !parse_hex(a->f[4], &hi)) || n >= GDB_REG_COUNT ||
	    !arch_gdb_reg_set(vc, (u32)n, lo, hi)) {
		mgmt_err(o, "bad-args", "setreg,V,N,LO[,HI]: no such register or bad value");
		return;
	}
	mgmt_line(o, "ok setreg");
}

/* Guest address addr of vCPU vc (virtual or guest-physical) -> host-physical. */
static bool mem_translate(const struct vcpu *vc, bool virt, u64 addr, u64 *pa, bool *w)
{
	u64 ipa = addr;

	if (virt && !arch_gdb_va_to_ipa(vc, addr, &ipa)) {
		return false;
	}
	return arch_gdb_ipa_to_pa(vc->vm, ipa, pa, w);
}

/* Each byte translated on its own page (4 KiB: never larger than any mapping's). */
static bool mem_byte(const struct vcpu *vc, bool virt, u64 addr, u8 **p, bool write)
{
	u64 pa;
	bool w;

	if (!mem_translate(vc, virt, addr, &pa, &w) || (write && !w)) {
		return false;
	}
	*p = (u8 *)(uintptr_t)pa;
	return true;
}

static bool mem_kind(const struct gdb_args *a, bool *virt)
{
	*virt = a->f[2][0] == 'v';
	return a->f[2][1] == '\0' && (a->f[2][0] == 'v' || a->f[2][0] == 'p');
}

static void op_read(struct mgmt_out *o, const struct vcpu *vc, const struct gdb_args *a)
{
	char hex[2 * GDB_READ_MAX + 1];
	u64 addr, len;
	bool virt;

	if (a->n != 5 || !mem_kind(a, &virt) || !parse_hex(a->f[3], &addr) ||
	    !parse_hex(a->f[4], &len) || len == 0 || len > GDB_READ_MAX || addr + len < addr) {
		mgmt_err(o, "bad-args", "read,V,v|p,ADDR,LEN (LEN 1..%x)", GDB_READ_MAX);
		return;
	}
	for (u64 i = 0; i < len; i++) {
		u8 *p;

		if (!mem_byte(vc, virt, addr + i, &p, false)) {
			mgmt_err(o, "fault", "0x%llx is not mapped in VM %s",
				 (unsigned long long)(addr + i), vc->vm->cfg->name);
			return;
		}
		fmt_snprintf(hex + 2 * i, 3, "%02x", *(volatile u8 *)p);
	}
	mgmt_line(o, "mem %s", hex);
	mgmt_line(o, "ok read %llx", (unsigned long long)len);
}

static void op_write(struct mgmt_out *o, const struct vcpu *vc, const struct gdb_args *a)
{
	const char *hex;
	size_t n;
	u64 addr;
	bool virt;

	if (a->n != 5 || !mem_kind(a, &virt) || !parse_hex(a->f[3], &addr)) {
		mgmt_err(o, "bad-args", "write,V,v|p,ADDR,HEX");
		return;
	}
	hex = a->f[4];
	n = strlen(hex);
	if (n == 0 || (n & 1) || addr + n / 2 < addr) {
		mgmt_err(o, "bad-args", "write: an even, non-zero number of hex digits");
		return;
	}
	/* Everything checked before the first byte is written: all or nothing. */
	for (size_t i = 0; i < n; i++) {
		u8 *p;

		if (hex_digit(hex[i]) < 0) {
			mgmt_err(o, "bad-args", "write: not a hex digit at %u", (u32)i);
			return;
		}
		if (!(i & 1) && !mem_byte(vc, virt, addr + i / 2, &p, true)) {
			mgmt_err(o, "fault", "0x%llx is not writable RAM of VM %s",
				 (unsigned long long)(addr + i / 2), vc->vm->cfg->name);
			return;
		}
	}
	for (size_t i = 0; i < n / 2; i++) {
		u8 *p;

		if (!mem_byte(vc, virt, addr + i, &p, true)) {
			break; /* checked above: cannot happen while the VM is halted */
		}
		*(volatile u8 *)p =
		    (u8)((u32)hex_digit(hex[2 * i]) << 4 | (u32)hex_digit(hex[2 * i + 1]));
		/* Breakpoints are instructions: visible to instruction fetch at once. */
		arch_gdb_sync_icache((u64)(uintptr_t)p, 1);
	}
	mgmt_line(o, "ok write %llx", (unsigned long long)(n / 2));
}

static void op_hbreak(struct mgmt_out *o, struct vm *vm, const struct gdb_args *a)
{
	u64 addr, on;
	u32 slots = arch_gdb_hw_count(false);

	if (a->n != 3 || !parse_hex(a->f[1], &addr) || !parse_hex(a->f[2], &on) || on > 1 ||
	    !addr || (addr & 3)) {
		mgmt_err(o, "bad-args", "hbreak,ADDR,1|0 (ADDR non-zero, 4-byte aligned)");
		return;
	}
	for (u32 i = 0; i < slots; i++) {
		if (vm->gdb.bp[i] == (on ? 0 : addr)) {
			vm->gdb.bp[i] = on ? addr : 0;
			mgmt_line(o, "ok hbreak %u", i);
			return;
		}
	}
	mgmt_err(o, "no-space", "%s", on ? "every hardware breakpoint is in use" : "not set");
}

static void op_watch(struct mgmt_out *o, struct vm *vm, const struct gdb_args *a)
{
	u64 addr, len, kind, on;
	u32 slots = arch_gdb_hw_count(true);

	if (a->n != 5 || !parse_hex(a->f[1], &addr) || !parse_hex(a->f[2], &len) ||
	    !parse_hex(a->f[3], &kind) || !parse_hex(a->f[4], &on) || on > 1 || len < 1 ||
	    len > 8 || (addr & 7) + len > 8 || kind < 1 || kind > 3) {
		mgmt_err(o, "bad-args",
			 "watch,ADDR,LEN,KIND,1|0 (within one aligned 8 bytes; KIND 1 write, 2 "
			 "read, 3 access)");
		return;
	}
	for (u32 i = 0; i < slots; i++) {
		struct vm_gdb_wp *w = &vm->gdb.wp[i];

		if (on ? w->len == 0 : (w->len == len && w->addr == addr && w->kind == kind)) {
			w->addr = on ? addr : 0;
			w->kind = on ? (u32)kind : 0;
			w->len = on ? (u32)len : 0;
			mgmt_line(o, "ok watch %u", i);
			return;
		}
	}
	mgmt_err(o, "no-space", "%s", on ? "every watchpoint is in use" : "not set");
}

/* Operations on one vCPU's saved state (regs, setreg, read, write, step). */
static void op_vcpu(struct mgmt_out *o, struct vm *vm, const struct gdb_args *a)
{
	struct vcpu *vc = field_vcpu(vm, a, 1);
	const char *op = a->f[0];

	if (!vc) {
		mgmt_err(o, "bad-args", "%s: no such vCPU (V: 0..%x)", op, vm->vcpu_count - 1);
		return;
	}
	if (strcmp(op, "step") == 0) {
		op_step(o, vm, vc);
	} else if (!need_halted(o, vm)) {
		return;
	} else if (strcmp(op, "regs") == 0) {
		op_regs(o, vc);
	} else if (strcmp(op, "setreg") == 0) {
		op_setreg(o, vc, a);
	} else if (strcmp(op, "read") == 0) {
		op_read(o, vc, a);
	} else {
		op_write(o, vc, a);
	}
}

static void op_run(struct mgmt_out *o, struct vm *vm, const struct gdb_args *a)
{
	const char *op = a->f[0];

	if (strcmp(op, "attach") == 0) {
		op_attach(o, vm);
	} else if (!vm->gdb.attached) {
		mgmt_err(o, "wrong-state", "no debugger attached to VM %s (gdb NAME attach)",
			 vm->cfg->name);
	} else if (strcmp(op, "detach") == 0) {
		op_detach(o, vm);
	} else if (strcmp(op, "halt") == 0) {
		if (halt_vm(o, vm)) {
			mgmt_line(o, "ok halting %s", vm->cfg->name);
		}
	} else if (strcmp(op, "cont") == 0) {
		op_cont(o, vm);
	} else if (strcmp(op, "hbreak") == 0) {
		op_hbreak(o, vm, a);
	} else if (strcmp(op, "watch") == 0) {
		op_watch(o, vm, a);
	} else {
		op_vcpu(o, vm, a);
	}
}

void mgmt_gdb(struct mgmt_out *o, struct vm *vm, const char *arg)
{
	static const char *const ops[] = {"attach", "detach", "halt", "cont",  "status", "step",
					  "regs",   "setreg", "read", "write", "hbreak", "watch"};
	struct gdb_args a = {0};
	bool known = false;

	if (!split_fields(arg, &a)) {
		mgmt_err(o, "bad-args", "gdb NAME OP[,ARG...] (at most %u fields)", GDB_FIELDS);
		return;
	}
	for (u32 i = 0; i < ARRAY_SIZE(ops); i++) {
		known = known || strcmp(a.f[0], ops[i]) == 0;
	}
	if (!known) {
		mgmt_err(o, "bad-args", "gdb: unknown operation \"%s\"", a.f[0]);
		return;
	}
	if (strcmp(a.f[0], "status") == 0) {
		op_status(o, vm);
		return;
	}
	/* Halting and resuming wait for other CPUs, like pause and resume. */
	if (!mgmt_op_claim()) {
		mgmt_err(o, "busy", "another management operation is in progress: retry");
		return;
	}
	op_run(o, vm, &a);
	mgmt_op_release();
}
