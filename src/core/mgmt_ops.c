/* SPDX-License-Identifier: MIT */
/*
 * What the management protocol does (docs/MANAGEMENT.md): the VM commands
 * (start, stop, restart, pause, resume, console), the listings (list, stats,
 * hello, help), and the same VM operations by hypercall for a VM with the
 * manage capability (docs/HYPERCALLS.md TESSERA_HC_MANAGE). The protocol itself
 * (lines, parsing, dispatch, the channel) is mgmt.c.
 */
#include "sched_loop.h"
#include "health.h"
#include "mgmt_int.h"
#include "abi.h"
#include "console.h"
#include "lib.h"
#include "tessera_features.h"
#include "measure.h"
#include "mem.h"
#include "rollback.h"
#include "vlink.h"
#include "../drivers/virtio_console_driver.h"

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

bool mgmt_op_claim(void)
{
	u32 expected = 0;

	return __atomic_compare_exchange_n(&op_busy, &expected, 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

void mgmt_op_release(void)
{
	__atomic_store_n(&op_busy, 0, __ATOMIC_RELEASE);
}

static u64 ticks_to_ms(u64 t)
{
	u64 f = arch_counter_freq();

	return f ? t / f * 1000 + t % f * 1000 / f : 0;
}

struct vm *mgmt_vm_named(const char *name)
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
		traps += vcpu_traps(&vm->vcpus[v]);
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
	mgmt_line(o,
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
	mgmt_line(o, "ok %u vms uptime_ms=%llu", vm_count,
		  (unsigned long long)ticks_to_ms(arch_counter()));
}

/* "net LINK end=E vm=NAME rx_frames=.. rx_bytes=.. tx_frames=.. tx_bytes=.. drop_bad=..
 * drop_nobuf=.. drop_nofit=..": per end of each virtio-net link (docs/VIRTIO.md), the
 * frames that end received (its peer's delivered ones) and what became of those it sent.
 * Bytes are Ethernet bytes, without the virtio-net header. */
static void stats_net(struct mgmt_out *o)
{
	u32 n = 0;

	for (u32 i = 0; i < system_config.virtio_count && i < CONFIG_MAX_VIRTIO; i++) {
		const struct virtio_cfg *vc = &system_config.virtio[i];
		struct vnet_stats st[2];

		if (vc->type != CONFIG_VIRTIO_NET) {
			continue;
		}
		if (!vnet_get_stats(n, 0, &st[0]) || !vnet_get_stats(n, 1, &st[1])) {
			n++;
			continue;
		}
		for (u32 e = 0; e < 2; e++) {
			u32 vm = vc->ends[e].vm;

			mgmt_line(o,
				  "net %s end=%u vm=%s rx_frames=%u rx_bytes=%llu tx_frames=%u "
				  "tx_bytes=%llu drop_bad=%u drop_nobuf=%u drop_nofit=%u",
				  vc->name, e,
				  vm < vm_count && vms[vm].cfg ? vms[vm].cfg->name : "-",
				  st[!e].tx_frames, (unsigned long long)st[!e].tx_bytes,
				  st[e].tx_frames, (unsigned long long)st[e].tx_bytes,
				  st[e].drop_bad, st[e].drop_nobuf, st[e].drop_nofit);
		}
		n++;
	}
}

static u64 ticks_to_us(u64 t)
{
	u64 f = arch_counter_freq();

	return f ? t / f * 1000000 + t % f * 1000000 / f : 0;
}

/* One line per vCPU on a shared CPU: what its CPU's policy counted (issue 13 item 5). */
static void stats_sched(struct mgmt_out *o)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		for (u32 v = 0; v < vms[i].vcpu_count; v++) {
			struct sched_ent e;

			if (!vms[i].cfg || !sched_vcpu_stats(&vms[i].vcpus[v], &e)) {
				continue;
			}
			mgmt_line(o,
				  "vcpu %s.%u cpu=%u used_us=%llu waited_us=%llu switches=%u "
				  "overruns=%u window_misses=%u",
				  vms[i].cfg->name, v, vms[i].vcpus[v].pcpu,
				  (unsigned long long)ticks_to_us(e.used),
				  (unsigned long long)ticks_to_us(e.waited), e.switches, e.overruns,
				  e.window_misses);
		}
	}
}

static void cmd_stats(struct mgmt_out *o, char **argv)
{
	u32 running = 0;

	(void)argv;
	for (u32 i = 0; i < system_platform.cpu_count && i < CONFIG_MAX_PCPUS; i++) {
		const struct vcpu *vc = cpus[i].vcpu;

		if (vc && vc->vm && vc->vm->cfg) {
			mgmt_line(o, "cpu %u irqs=%llu vm=%s vcpu=%u", i,
				  (unsigned long long)cpus[i].irq_count, vc->vm->cfg->name, vc->id);
		} else {
			mgmt_line(o, "cpu %u irqs=%llu vm=- vcpu=-", i,
				  (unsigned long long)cpus[i].irq_count);
		}
	}
	stats_sched(o);
	stats_net(o);
	mgmt_stats_exits(o);
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		running += __atomic_load_n(&vms[i].state, __ATOMIC_ACQUIRE) == VM_RUNNING;
	}
	mgmt_line(o,
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
		mgmt_line(o, "ok tessera-mgmt %u %s", MGMT_VERSION, argv[1]);
	} else {
		mgmt_line(o, "ok tessera-mgmt %u", MGMT_VERSION);
	}
}

static void cmd_help(struct mgmt_out *o, char **argv)
{
	(void)argv;
	/* One response line: at most MGMT_OUT_MAX bytes (tests/unit/test_mgmt.c). */
	mgmt_line(o, "ok commands: hello help list stats measurements confirm start stop restart "
		     "pause resume console[-read|-write] log"
#if TESSERA_FEAT_DEBUG
		     " gdb"
#endif
#if TESSERA_FEAT_TRACE
		     " trace"
#endif
#if TESSERA_FEAT_SNAPSHOT
		     " snapshot-begin|read|end restore-begin|data|end clone checkpoint rollback"
#endif
#if TESSERA_VBOOT
		     " update-begin|data|commit|confirm|status"
#endif
		     " (MANAGEMENT.md)");
}

/* "confirm": the running, verified system image is good: raise the anti-rollback counter
 * to its version (rollback.h), so that no older image boots again. Forward only. */
static void cmd_confirm(struct mgmt_out *o, char **argv)
{
	u64 version, before, after;

	(void)argv;
	if (!measure_verified(&version)) {
		mgmt_err(o, "not-verified",
			 "the running system image was not verified (hypervisor built without "
			 "TRUSTED_KEYS): nothing to confirm");
		return;
	}
	if (!rollback_available()) {
		mgmt_err(o, "no-store", "this board has no anti-rollback store (flash bank)");
		return;
	}
	/* Flash is written under the operation claim (a VM's update confirm writes it too). */
	if (!mgmt_op_claim()) {
		mgmt_err(o, "busy", "another management operation is in progress: retry");
		return;
	}
	if (rollback_confirm(version, &before, &after) != 0) {
		mgmt_op_release();
		mgmt_err(o, "flash", "writing the anti-rollback counter failed (now %llu)",
			 (unsigned long long)rollback_counter());
		return;
	}
	mgmt_op_release();
	if (after != before) {
		console_printf("anti-rollback counter %llu -> %llu (version %llu confirmed)\n",
			       (unsigned long long)before, (unsigned long long)after,
			       (unsigned long long)version);
	}
	mgmt_line(o, "ok confirmed version=%llu counter=%llu was=%llu", (unsigned long long)version,
		  (unsigned long long)after, (unsigned long long)before);
}

/* "measure I kind=K vm=NAME sha256=HEX name=NAME" per entry of the measured-boot log
 * (measure.h: written at boot, read-only since), then its running digest. */
static void cmd_measurements(struct mgmt_out *o, char **argv)
{
	char hex[2 * SHA256_DIGEST_SIZE + 1];
	u8 d[SHA256_DIGEST_SIZE];
	u64 version;
	bool verified = measure_verified(&version);

	(void)argv;
	if (!measure_enabled()) {
		mgmt_err(o, "off",
			 "measured boot is off (hypervisor built without TRUSTED_KEYS or "
			 "MEASURED_BOOT=1)");
		return;
	}
	for (u32 i = 0; i < measure_count(); i++) {
		const struct measure_entry *e = measure_get(i);

		measure_hex(e->sha256, hex);
		mgmt_line(
		    o, "measure %u kind=%s vm=%s sha256=%s name=%s", i, measure_kind_name(e->kind),
		    e->vm < vm_count && vms[e->vm].cfg ? vms[e->vm].cfg->name : "-", hex, e->name);
	}
	measure_digest(d);
	measure_hex(d, hex);
	mgmt_line(o, "ok %u measurements digest=%s verified=%s version=%llu", measure_count(), hex,
		  verified ? "yes" : "no", (unsigned long long)version);
}

static void cmd_start(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st != VM_STOPPED) {
		mgmt_err(o, "wrong-state", "VM %s is %s (start needs a stopped VM)", vm->cfg->name,
			 vm_state_name(st));
		return;
	}
	vm->restart_at = 0; /* started by hand: a pending policy restart is moot */
	if (vm_restart(vm) != 0) {
		st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
		mgmt_err(o, "wrong-state", "VM %s could not be started (now %s)", vm->cfg->name,
			 vm_state_name(st));
		return;
	}
	mgmt_line(o, "ok started %s", vm->cfg->name);
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
		mgmt_line(o, "ok stopped %s (pending restart cancelled)", vm->cfg->name);
		return;
	}
	if (st == VM_PAUSED) {
		resume_vm(vm); /* vm_stop takes a running VM; it parks the vCPUs at once */
	} else if (st != VM_RUNNING) {
		mgmt_err(o, "wrong-state", "VM %s is %s (stop needs a running or paused VM)",
			 vm->cfg->name, vm_state_name(st));
		return;
	}
	vm_stop(vm, STOP_MANAGEMENT);
	st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	if (vm->stuck) {
		mgmt_err(o, "stuck", "VM %s: a vCPU never left the guest; left stuck",
			 vm->cfg->name);
		return;
	}
	if (st != VM_STOPPED || vm->stop_cause != STOP_MANAGEMENT) {
		mgmt_err(o, "wrong-state", "VM %s changed state meanwhile (now %s)", vm->cfg->name,
			 vm_state_name(st));
		return;
	}
	mgmt_line(o, "ok stopped %s", vm->cfg->name);
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
		mgmt_err(o, "wrong-state", "VM %s is %s", vm->cfg->name, vm_state_name(st));
		return;
	}
	vm_reset(vm);
	st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	if (st != VM_RUNNING) {
		mgmt_err(o, "wrong-state", "VM %s did not restart (now %s)", vm->cfg->name,
			 vm_state_name(st));
		return;
	}
	mgmt_line(o, "ok restarted %s", vm->cfg->name);
}

static void cmd_pause(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st != VM_RUNNING || vm_pause(vm) != 0) {
		mgmt_err(o, "wrong-state", "VM %s is %s (pause needs a running VM)", vm->cfg->name,
			 vm_state_name(__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE)));
		return;
	}
	mgmt_line(o, "ok paused %s", vm->cfg->name);
}

static void cmd_resume(struct mgmt_out *o, struct vm *vm)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (st != VM_PAUSED) {
		mgmt_err(o, "wrong-state", "VM %s is %s (resume needs a paused VM)", vm->cfg->name,
			 vm_state_name(st));
		return;
	}
	resume_vm(vm);
	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING) {
		mgmt_err(o, "wrong-state", "VM %s changed state meanwhile", vm->cfg->name);
		return;
	}
	mgmt_line(o, "ok resumed %s", vm->cfg->name);
}

static void cmd_console(struct mgmt_out *o, struct vm *vm)
{
	if (console_set_focus(vm->id) != 0) {
		mgmt_err(o, "unknown-vm", "VM %s has no console", vm->cfg->name);
		return;
	}
	mgmt_line(o, "ok console %s", vm->cfg->name);
}

const struct mgmt_cmd mgmt_commands[] = {
    {"hello", {.global = cmd_hello}, MGMT_CMD_ARG, 0},
    {"help", {.global = cmd_help}, 0, 0},
    {"list", {.global = cmd_list}, 0, MGMT_CLASS_READ},
    {"stats", {.global = cmd_stats}, 0, MGMT_CLASS_READ},
    {"measurements", {.global = cmd_measurements}, 0, MGMT_CLASS_READ},
    {"confirm", {.global = cmd_confirm}, 0, MGMT_CLASS_UPDATE},
    {"start", {.on_vm = cmd_start}, MGMT_CMD_VM, MGMT_CLASS_LIFECYCLE},
    {"stop", {.on_vm = cmd_stop}, MGMT_CMD_VM, MGMT_CLASS_LIFECYCLE},
    {"restart", {.on_vm = cmd_restart}, MGMT_CMD_VM, MGMT_CLASS_LIFECYCLE},
    {"pause", {.on_vm = cmd_pause}, MGMT_CMD_VM, MGMT_CLASS_LIFECYCLE},
    {"resume", {.on_vm = cmd_resume}, MGMT_CMD_VM, MGMT_CLASS_LIFECYCLE},
    {"console", {.on_vm = cmd_console}, MGMT_CMD_VM | MGMT_CMD_NO_CLAIM, MGMT_CLASS_CONSOLE},
    {"console-read",
     {.on_vm_arg = mgmt_console_read},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_READ},
    {"console-write",
     {.on_vm_arg = mgmt_console_write},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_CONSOLE},
    {"log", {.global = mgmt_log}, MGMT_CMD_ARG, MGMT_CLASS_READ},
#if TESSERA_FEAT_SNAPSHOT /* tessera_features.h: a compiled-out feature's commands are unknown */
    {"snapshot-begin", {.on_vm = mgmt_snapshot_begin}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"snapshot-read",
     {.on_vm_arg = mgmt_snapshot_read},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_STATE},
    {"snapshot-fetch",
     {.on_vm_arg = mgmt_snapshot_fetch},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_STATE},
    {"snapshot-end", {.on_vm = mgmt_snapshot_end}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"restore-begin", {.on_vm = mgmt_restore_begin}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"restore-data",
     {.on_vm_arg = mgmt_restore_data},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_STATE},
    {"restore-end", {.on_vm = mgmt_restore_end}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"snapshot-begin-state", {.on_vm = mgmt_snapshot_begin_state}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"dirty-start", {.on_vm = mgmt_dirty_start}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"dirty-collect",
     {.on_vm_arg = mgmt_dirty_collect},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_STATE},
    {"dirty-stop", {.on_vm = mgmt_dirty_stop}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"mem-read", {.on_vm_arg = mgmt_mem_read}, MGMT_CMD_VM | MGMT_CMD_VM_ARG, MGMT_CLASS_STATE},
    {"mem-fetch", {.on_vm_arg = mgmt_mem_fetch}, MGMT_CMD_VM | MGMT_CMD_VM_ARG, MGMT_CLASS_STATE},
    {"mem-write", {.on_vm_arg = mgmt_mem_write}, MGMT_CMD_VM | MGMT_CMD_VM_ARG, MGMT_CLASS_STATE},
    {"migrate-in", {.on_vm = mgmt_migrate_in}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"migrate-cancel", {.on_vm = mgmt_migrate_cancel}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"migrate-done", {.on_vm = mgmt_migrate_done}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"clone", {.on_vm_arg = mgmt_clone}, MGMT_CMD_VM | MGMT_CMD_VM_ARG, MGMT_CLASS_STATE},
    {"checkpoint", {.on_vm = mgmt_checkpoint}, MGMT_CMD_VM, MGMT_CLASS_STATE},
    {"rollback", {.on_vm = mgmt_rollback}, MGMT_CMD_VM, MGMT_CLASS_STATE},
#endif
#if TESSERA_FEAT_DEBUG
    {"gdb", {.on_vm_arg = mgmt_gdb}, MGMT_CMD_VM | MGMT_CMD_VM_ARG, MGMT_CLASS_DEBUG},
#endif
#if TESSERA_FEAT_TRACE
    {"trace", {.global = mgmt_trace}, MGMT_CMD_ARGV, MGMT_CLASS_DEBUG},
#endif
#if TESSERA_VBOOT
    {"update-begin",
     {.on_vm_arg = mgmt_update_begin},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_UPDATE},
    {"update-data",
     {.on_vm_arg = mgmt_update_data},
     MGMT_CMD_VM | MGMT_CMD_VM_ARG,
     MGMT_CLASS_UPDATE},
    {"update-commit", {.on_vm = mgmt_update_commit}, MGMT_CMD_VM, MGMT_CLASS_UPDATE},
    {"update-confirm", {.on_vm = mgmt_update_confirm}, MGMT_CMD_VM, MGMT_CLASS_UPDATE},
    {"update-status",
     {.on_vm = mgmt_update_status},
     MGMT_CMD_VM | MGMT_CMD_NO_CLAIM,
     MGMT_CLASS_READ},
#endif
};
const u32 mgmt_command_count = ARRAY_SIZE(mgmt_commands);

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
	if (!mgmt_op_claim()) {
		return TESSERA_BUSY;
	}
	ops[op](&o, vm);
	mgmt_op_release();
	console_printf("VM %s (manage): %s\n", caller->cfg->name, line);
	return o.err ? TESSERA_WRONG_STATE : TESSERA_OK;
}
