/* SPDX-License-Identifier: MIT */
/*
 * Host stand-ins for what src/core/mgmt.c calls: the VM operations of
 * core/vm.c (state changes only, logged), health, the console focus and the
 * virtio console transport. Included by exactly one file of a test binary
 * (tests/unit/test_mgmt.c, tests/fuzz/fuzz_mgmt.c), after mgmt.c itself.
 */
#ifndef TESSERA_MGMT_FAKE_H
#define TESSERA_MGMT_FAKE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "console.h"
#include "mgmt.h"
#include "vm.h"
#include "../../src/drivers/virtio_console.h"

struct cpu cpus[CONFIG_MAX_PCPUS];
struct vm vms[CONFIG_MAX_VMS];
u32 vm_count;
bool vm_stay_on;
struct config system_config;
struct platform system_platform;

/* Calls, as "op:vm" words separated by blanks. */
static char fake_ops[2048];
static u64 fake_now = 62500000ULL * 10; /* 10 s at 62.5 MHz */
static u32 fake_focus;
static u32 fake_heartbeats;
static u32 fake_health_requests;

static void fake_op(const char *op, const struct vm *vm)
{
	size_t n = strlen(fake_ops);

	snprintf(fake_ops + n, sizeof(fake_ops) - n, "%s%s:%s", n ? " " : "", op,
		 vm ? vm->cfg->name : "-");
}

static const char *const fake_causes[STOP_CAUSE_COUNT] = {
    "system-off",  "crash",	    "management",   "watchdog",
    "abort storm", "guest failure", "restart limit"};

const char *health_cause_name(u32 cause)
{
	return cause < STOP_CAUSE_COUNT ? fake_causes[cause] : "?";
}

void health_heartbeat(struct vm *vm)
{
	(void)vm;
	fake_heartbeats++;
}

void cpu_request(u32 pcpu, u32 req)
{
	(void)pcpu;
	if (req & CPU_REQ_HEALTH) {
		fake_health_requests++;
	}
}

static bool fake_claim(struct vm *vm, u32 from, u32 to)
{
	if (vm->state != from) {
		return false;
	}
	vm->state = to;
	return true;
}

int vm_pause(struct vm *vm)
{
	fake_op("pause", vm);
	return fake_claim(vm, VM_RUNNING, VM_PAUSED) ? 0 : -1;
}

int vm_resume(struct vm *vm)
{
	fake_op("resume", vm);
	return fake_claim(vm, VM_PAUSED, VM_RUNNING) ? 0 : -1;
}

void vm_stop(struct vm *vm, enum vm_stop_cause cause)
{
	fake_op("stop", vm);
	if (fake_claim(vm, VM_RUNNING, VM_STOPPED)) {
		vm->stop_cause = cause;
	}
}

void vm_reset(struct vm *vm)
{
	fake_op("reset", vm);
	if (vm->state == VM_RUNNING) {
		vm->stats.resets++;
		vm->started_at = fake_now;
	}
}

int vm_restart(struct vm *vm)
{
	fake_op("restart", vm);
	if (!fake_claim(vm, VM_STOPPED, VM_RUNNING)) {
		return -1;
	}
	vm->stats.resets++;
	vm->started_at = fake_now;
	return 0;
}

int console_set_focus(u32 vm_id)
{
	if (vm_id >= vm_count) {
		return -1;
	}
	fake_focus = vm_id;
	return 0;
}

static char fake_console[4096];

void console_printf(const char *fmt, ...)
{
	size_t n = strlen(fake_console);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(fake_console + n, sizeof(fake_console) - n, fmt, ap);
	va_end(ap);
}

u64 arch_counter(void)
{
	return fake_now;
}

u64 arch_counter_freq(void)
{
	return 62500000ULL;
}

/* The transport: a list of devices vcon_find reports, bytes vcon_poll delivers. */
static struct vcon_dev fake_devs[4];
static u32 fake_dev_count;
static int fake_started = -1;  /* index of the device vcon_start was given */
static bool fake_started_edge; /* and whether it was to configure its SPI as edge */
static const u8 *fake_rx;
static size_t fake_rx_len;
static char fake_tx[8192];
static size_t fake_tx_len;

int vcon_find(const struct platform *plat, u32 index, struct vcon_dev *out)
{
	(void)plat;
	if (index >= fake_dev_count) {
		return -1;
	}
	*out = fake_devs[index];
	return 0;
}

int vcon_start(const struct vcon_dev *dev, const char **why)
{
	for (u32 i = 0; i < fake_dev_count; i++) {
		if (fake_devs[i].base == dev->base) {
			fake_started = (int)i;
			fake_started_edge = dev->edge;
		}
	}
	*why = "";
	return 0;
}

void vcon_poll(void (*rx)(void *ctx, const u8 *data, size_t n), void *ctx)
{
	if (fake_rx_len) {
		rx(ctx, fake_rx, fake_rx_len);
	}
	fake_rx_len = 0;
}

void vcon_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n && fake_tx_len < sizeof(fake_tx) - 1; i++) {
		fake_tx[fake_tx_len++] = s[i];
	}
	fake_tx[fake_tx_len] = '\0';
}

u64 vcon_dropped(void)
{
	return 0;
}

static struct vm_cfg fake_cfgs[CONFIG_MAX_VMS];

/* Two VMs: alpha (CPUs 0,1; 32 MiB in two regions) running, beta (CPU 2; 16 MiB) running. */
static void fake_system(void)
{
	memset(vms, 0, sizeof(vms));
	memset(cpus, 0, sizeof(cpus));
	memset(fake_cfgs, 0, sizeof(fake_cfgs));
	memset(&system_platform, 0, sizeof(system_platform));
	memset(&system_config, 0, sizeof(system_config));
	fake_ops[0] = '\0';
	fake_console[0] = '\0';
	fake_tx_len = 0;
	fake_tx[0] = '\0';
	fake_heartbeats = 0;
	fake_health_requests = 0;
	fake_focus = 0;
	vm_stay_on = false;
	system_platform.cpu_count = 4;
	vm_count = 2;
	str_copy(fake_cfgs[0].name, "alpha", CONFIG_NAME_MAX);
	fake_cfgs[0].vcpu_count = 2;
	fake_cfgs[0].cpus[0] = 0;
	fake_cfgs[0].cpus[1] = 1;
	fake_cfgs[0].mem_count = 2;
	fake_cfgs[0].mem[0].size = 16ULL << 20;
	fake_cfgs[0].mem[1].size = 16ULL << 20;
	str_copy(fake_cfgs[1].name, "beta", CONFIG_NAME_MAX);
	fake_cfgs[1].vcpu_count = 1;
	fake_cfgs[1].cpus[0] = 2;
	fake_cfgs[1].mem_count = 1;
	fake_cfgs[1].mem[0].size = 16ULL << 20;
	for (u32 i = 0; i < vm_count; i++) {
		struct vm *vm = &vms[i];

		vm->id = i;
		vm->cfg = &fake_cfgs[i];
		vm->vcpu_count = fake_cfgs[i].vcpu_count;
		vm->state = VM_RUNNING;
		vm->started_at = fake_now - 62500000ULL * 2; /* up 2 s */
		for (u32 v = 0; v < vm->vcpu_count; v++) {
			vm->vcpus[v].vm = vm;
			vm->vcpus[v].id = v;
			vm->vcpus[v].pcpu = fake_cfgs[i].cpus[v];
			cpus[fake_cfgs[i].cpus[v]].vcpu = &vm->vcpus[v];
		}
	}
}

#endif
