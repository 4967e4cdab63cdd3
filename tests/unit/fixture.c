/* SPDX-License-Identifier: MIT */
/* The booted-system fixture of the unit tests; see fixture.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "console.h"
#include "fake_arch.h"
#include "fdt.h"
#include "fixture.h"
#include "vm_devices.h"
#include "vm_dirty.h"
#include "mem.h"
#include "pack.h"
#include "sched_loop.h"
#include "snapshot.h"

#define FX_PACK_MAX (64 * 1024)

static u8 fx_pack[FX_PACK_MAX] __attribute__((aligned(4096)));
static u8 fx_dtb[16384];

static void fx_map_ram(void)
{
	static bool mapped;
	void *p;

	if (mapped) {
		return;
	}
	p = mmap((void *)(uintptr_t)FX_RAM_BASE, FX_RAM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
	if (p != (void *)(uintptr_t)FX_RAM_BASE) {
		perror("fixture: cannot map guest RAM at 0x40000000");
		abort();
	}
	mapped = true;
}

u8 *fx_ram(u32 vm, u64 off)
{
	return (u8 *)(uintptr_t)(FX_VM_BASE + vm * FX_VM_SIZE + off);
}

static void fx_vm_node(struct fdtw *w, u32 i, const struct fx_vm *v)
{
	u64 mem[2] = {FX_VM_BASE + i * FX_VM_SIZE, FX_VM_SIZE};
	u32 cpu_ids[CONFIG_MAX_VCPUS];
	char image[24];

	for (u32 k = 0; k < v->cpu_count; k++) {
		cpu_ids[k] = v->first_cpu + k;
	}
	snprintf(image, sizeof(image), "vm%u.bin", i);
	fdtw_begin_node(w, v->name);
	fdtw_prop_cells(w, "cpus", cpu_ids, v->cpu_count);
	fdtw_prop_reg64(w, "memory", mem, 1);
	fdtw_prop_str(w, "image", image);
	fdtw_prop_str(w, "image-format", "raw");
	if (v->policy) {
		fdtw_prop_str(w, "policy", v->policy);
	}
	if (v->policy && strcmp(v->policy, "restart") == 0) {
		fdtw_prop_cells(w, "restart-max", &v->restart_max, 1);
		fdtw_prop_cells(w, "restart-backoff-ms", &v->backoff_ms, 1);
	}
	if (v->watchdog_ms) {
		fdtw_prop_cells(w, "watchdog-ms", &v->watchdog_ms, 1);
	}
	if (v->abort_limit) {
		fdtw_prop_cells(w, "abort-limit", &v->abort_limit, 1);
	}
	if (v->priority) {
		fdtw_prop_cells(w, "priority", &v->priority, 1);
	}
	fdtw_end_node(w);
}

/* /scheduling: policy "priority" on every CPU a VM with a priority uses. */
static void fx_sched_node(struct fdtw *w, const struct fx_vm *v, u32 n)
{
	bool shared[CONFIG_MAX_PCPUS] = {false}, any = false;
	u32 lead[CONFIG_MAX_PCPUS] = {0};
	const u32 quantum = FX_QUANTUM_US;
	char name[16];

	for (u32 i = 0; i < n; i++) {
		for (u32 k = 0; v[i].priority && k < v[i].cpu_count; k++) {
			if (v[i].first_cpu + k < CONFIG_MAX_PCPUS) {
				shared[v[i].first_cpu + k] = any = true;
				lead[v[i].first_cpu + k] =
				    MAX(lead[v[i].first_cpu + k], v[i].wake_lead_us);
			}
		}
	}
	if (!any) {
		return;
	}
	fdtw_begin_node(w, "scheduling");
	for (u32 p = 0; p < CONFIG_MAX_PCPUS; p++) {
		if (!shared[p]) {
			continue;
		}
		snprintf(name, sizeof(name), "cpu@%u", p);
		fdtw_begin_node(w, name);
		fdtw_prop_str(w, "policy", "priority");
		fdtw_prop_cells(w, "quantum-us", &quantum, 1);
		if (lead[p]) {
			fdtw_prop_cells(w, "wake-lead-us", &lead[p], 1);
		}
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

static void fx_chan_node(struct fdtw *w, u32 k, const struct fx_chan *c, const struct fx_vm *v)
{
	u64 mem[2] = {FX_CHAN_BASE + k * 0x10000ULL, 0x10000};
	char name[24];
	const u32 ends[2] = {c->a, c->b};

	snprintf(name, sizeof(name), "ch%u", k);
	fdtw_begin_node(w, name);
	fdtw_prop_reg64(w, "memory", mem, 1);
	for (u32 e = 0; e < 2; e++) {
		fdtw_begin_node(w, v[ends[e]].name);
		fdtw_prop_u64(w, "address", 0x60000000ULL + k * 0x10000ULL);
		fdtw_prop_str(w, "access", "rw");
		fdtw_prop_cells(w, "interrupt", &c->intid, 1);
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

const struct fx_link *fx_links;
u32 fx_link_count;

static void fx_virtio_node(struct fdtw *w, const struct fx_vm *v)
{
	fdtw_begin_node(w, "virtio");
	for (u32 k = 0; k < fx_link_count; k++) {
		const u32 ends[2] = {fx_links[k].a, fx_links[k].b}, intid = 48 + k;
		char name[24];

		snprintf(name, sizeof(name), "link%u", k);
		fdtw_begin_node(w, name);
		fdtw_prop_str(w, "type", fx_links[k].type == CONFIG_VIRTIO_NET ? "net" : "console");
		for (u32 e = 0; e < 2; e++) {
			fdtw_begin_node(w, v[ends[e]].name);
			fdtw_prop_u64(w, "address", 0x0a000000ULL + k * 0x1000ULL);
			fdtw_prop_cells(w, "interrupt", &intid, 1);
			fdtw_end_node(w);
		}
		fdtw_end_node(w);
	}
	fdtw_end_node(w);
}

static u32 fx_config(const struct fx_vm *v, u32 n, const struct fx_chan *c, u32 chans)
{
	struct fdtw w;
	u32 size = 0;

	fdtw_init(&w, fx_dtb, sizeof(fx_dtb));
	fdtw_begin_node(&w, "");
	fdtw_prop_str(&w, "compatible", "tessera,config-v1");
	fdtw_begin_node(&w, "vms");
	for (u32 i = 0; i < n; i++) {
		fx_vm_node(&w, i, &v[i]);
	}
	fdtw_end_node(&w);
	if (chans) {
		fdtw_begin_node(&w, "channels");
		for (u32 k = 0; k < chans; k++) {
			fx_chan_node(&w, k, &c[k], v);
		}
		fdtw_end_node(&w);
	}
	if (fx_link_count) {
		fx_virtio_node(&w, v);
	}
	fx_sched_node(&w, v, n);
	fdtw_end_node(&w);
	if (fdtw_finish(&w, &size) != 0) {
		abort();
	}
	return size;
}

/* The pack: entry 0 the config, then vm<i>.bin, data on PACK_ALIGN boundaries. */
static void fx_pack_build(u32 dtb_size, u32 n)
{
	struct pack_header *h = (struct pack_header *)fx_pack;
	struct pack_entry *e = (struct pack_entry *)(h + 1);
	u64 off = PACK_ALIGN;

	memset(fx_pack, 0, sizeof(fx_pack));
	memcpy(h->magic, PACK_MAGIC, sizeof(h->magic));
	h->version = PACK_VERSION;
	h->entry_count = n + 1;
	strcpy(h->config_name, "fixture.dts");
	strcpy(e[0].name, "config.dtb");
	e[0].offset = off;
	e[0].size = dtb_size;
	memcpy(fx_pack + off, fx_dtb, dtb_size);
	off += ALIGN_UP(dtb_size, PACK_ALIGN);
	for (u32 i = 0; i < n; i++) {
		snprintf(e[i + 1].name, sizeof(e[i + 1].name), "vm%u.bin", i);
		e[i + 1].offset = off;
		e[i + 1].size = FX_IMAGE_LEN;
		memset(fx_pack + off, 0x10 + (int)i, FX_IMAGE_LEN);
		off += PACK_ALIGN;
	}
	h->total_size = off;
	if (off > sizeof(fx_pack)) {
		abort();
	}
}

int fx_boot(const struct fx_vm *v, u32 n, const struct fx_chan *c, u32 chans)
{
	struct config_error err;
	const char *why = "";

	fx_map_ram();
	fake_machine_reset();
	mem_init();
	console_init();
	memset(cpus, 0, sizeof(cpus));
	memset(vms, 0, sizeof(vms));
	snapshot_forget_all(); /* a capture or restore of the previous boot held its pages */
	vdev_virtio_forget();  /* its links, too */
	vm_dirty_forget_all(); /* so did dirty logging */
	vm_count = 0;
	vm_stay_on = false;
	platform_default(&system_platform);
	system_platform.ram[0].base = FX_RAM_BASE;
	system_platform.ram[0].size = FX_RAM_SIZE;
	system_platform.hyp_end = FX_VM_BASE;
	for (u32 p = 0; p < CONFIG_MAX_PCPUS; p++) {
		cpus[p].id = p;
		if (p < FAKE_MAX_CPUS) {
			fake_m.up[p] = p < system_platform.cpu_count;
		}
	}
	fx_pack_build(fx_config(v, n, c, chans), n);
	if (pack_check(fx_pack, sizeof(fx_pack), &why) != 0) {
		printf("  fixture: bad pack: %s\n", why);
		return -1;
	}
	if (vm_create_all(fx_pack, &err) != 0) {
		printf("  fixture: %s: %s: %s\n", err.node, err.prop, err.msg);
		return -1;
	}
	for (u32 p = 0; p < system_platform.cpu_count && p < FAKE_MAX_CPUS; p++) {
		if (cpu_has_work(&cpus[p])) {
			fake_cpu_run(p);
		}
	}
	fake_cpu = 0;
	return 0;
}
