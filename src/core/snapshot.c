/* SPDX-License-Identifier: MIT */
/*
 * VM snapshots: the format's shape (docs/SNAPSHOT.md), what may be captured, the capture
 * (pause, every vCPU's state saved by its own CPU, the stream produced piece by piece while
 * the VM stays paused, resume with its virtual time shifted by the pause) and the hooks the
 * per-CPU loop calls. The restore parser is snapshot_restore.c. Runs on the management CPU
 * (mgmt_snap.c), one capture at a time; the vCPUs' CPUs only answer requests in vcpu.snap.
 */
#include "snapshot_int.h"
#include "abi.h"
#include "console.h"
#include "health.h"
#include "lib.h"
#include "mem.h"
#include "sched_loop.h"
#include "vlink.h"

#define SAVE_WAIT_MS 1000 /* a paused vCPU's CPU answers in microseconds; this is a fault */

_Static_assert(CONFIG_MAX_VIRTIO *VLINK_SNAP_SIZE <= SNAP_PAGE && VLINK_BUF <= SNAP_PAGE,
	       "every virtio section fits the capture's one page, pending bytes the stage page");

const u8 snap_magic[8] = {'T', 'E', 'S', 'S', 'N', 'A', 'P', 0};

u64 snap_ticks_us(u64 t)
{
	u64 f = arch_counter_freq();

	return f ? t / f * 1000000 + t % f * 1000000 / f : 0;
}

void snap_regions(const struct vm *vm, struct snap_regions *out)
{
	const struct vm_cfg *cfg = vm->cfg;

	memset(out, 0, sizeof(*out));
	for (u32 i = 0; i < cfg->mem_count && i < CONFIG_MAX_MEM; i++) {
		out->r[out->n].ipa = cfg->mem[i].ipa;
		out->r[out->n].size = cfg->mem[i].size;
		out->r[out->n++].phys = cfg->mem[i].phys;
	}
	if (cfg->has_flash) {
		out->r[out->n].ipa = cfg->flash.ipa;
		out->r[out->n].size = cfg->flash.size;
		out->r[out->n++].phys = cfg->flash.phys;
	}
}

void snap_plan(const struct vm *vm, u32 regions, struct snap_plan *out)
{
	u32 n = 0;

#define PLAN(t, i)                           \
	do {                                 \
		out->s[n].type = (u8)(t);    \
		out->s[n++].index = (u8)(i); \
	} while (0)
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		PLAN(SEC_VCPU, v);
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		PLAN(SEC_IRQCHIP_CPU, v);
	}
	PLAN(SEC_IRQCHIP, 0);
	PLAN(SEC_UART, 0);
	PLAN(SEC_UART_BACKLOG, 0);
	PLAN(SEC_HEALTH, 0);
	for (u32 e = 0; e < vlink_vm_ends(vm->id) && e < CONFIG_MAX_VIRTIO; e++) {
		PLAN(SEC_VIRTIO, e);
		PLAN(SEC_VIRTIO_PENDING, e);
	}
	for (u32 r = 0; r < regions; r++) {
		PLAN(SEC_MEM, r);
	}
	PLAN(SEC_END, 0);
#undef PLAN
	out->n = n;
}

void snap_header_shape(const struct vm *vm, u8 *hdr)
{
	struct snap_regions rg;

	snap_regions(vm, &rg);
	memset(hdr, 0, SNAP_HDR_SIZE);
	memcpy(hdr, snap_magic, sizeof(snap_magic));
	le32_store(hdr + SH_FORMAT, SNAP_FORMAT);
	le32_store(hdr + SH_ABI, TESSERA_ABI_VERSION);
	le32_store(hdr + SH_SIZE, SNAP_HDR_SIZE);
	le32_store(hdr + SH_VCPUS, vm->vcpu_count);
	le32_store(hdr + SH_REGIONS, rg.n);
	le32_store(hdr + SH_ARCH, ARCH_VCPU_STATE_SIZE);
	le32_store(hdr + SH_VIRTIO, vlink_vm_ends(vm->id));
	le64_store(hdr + SH_FREQ, arch_counter_freq());
	str_copy((char *)hdr + SH_DEVS, SNAP_DEVICES, SNAP_DEVS_LEN);
	for (u32 i = 0; i < rg.n; i++) {
		le64_store(hdr + SH_REGION + 16 * i, rg.r[i].ipa);
		le64_store(hdr + SH_REGION + 16 * i + 8, rg.r[i].size);
	}
}

bool snap_page_zero(paddr_t pa)
{
	const u64 *p = (const u64 *)(uintptr_t)pa;
	u64 acc = 0;

	for (u32 i = 0; i < SNAP_PAGE / 8; i++) {
		acc |= p[i];
	}
	return acc == 0;
}

/* ---- what may be captured ---- */

bool snap_vlink_end(const struct vm *vm, u32 n, u32 *type, u64 *ipa, u32 *intid)
{
	for (u32 i = 0; i < system_config.virtio_count && i < CONFIG_MAX_VIRTIO; i++) {
		const struct virtio_cfg *l = &system_config.virtio[i];

		for (u32 e = 0; e < 2; e++) {
			if (l->ends[e].vm == vm->id && n-- == 0) {
				*type = l->type;
				*ipa = l->ends[e].ipa;
				*intid = l->ends[e].intid;
				return true;
			}
		}
	}
	return false;
}

const char *snapshot_unmovable(const struct vm *vm, char *buf, u32 size)
{
	u32 type, intid;
	u64 ipa;

	if (snap_vlink_end(vm, 0, &type, &ipa, &intid)) {
		fmt_snprintf(buf, size,
			     "VM %s has a virtio link: its peer stays on this board (a migration "
			     "would join the link to another VM)",
			     vm->cfg->name);
		return buf;
	}
	return NULL;
}

const char *snapshot_refusal(const struct vm *vm, char *buf, u32 size)
{
	const struct vm_cfg *cfg = vm->cfg;

	if (cfg->dev_count) {
		fmt_snprintf(
		    buf, size,
		    "VM %s has pass-through device %s: its hardware state cannot be captured",
		    cfg->name, cfg->devs[0].name);
		return buf;
	}
	for (u32 c = 0; c < CONFIG_MAX_CHANS; c++) {
		if (vm->chans[c].peer_count) {
			fmt_snprintf(
			    buf, size,
			    "VM %s is an end of channel %u: the other end's state is another "
			    "VM's",
			    cfg->name, c);
			return buf;
		}
	}
	if (__atomic_load_n(&vm->gdb.attached, __ATOMIC_ACQUIRE)) {
		fmt_snprintf(buf, size,
			     "VM %s has a debugger attached: its debug registers are the "
			     "debugger's (detach first)",
			     cfg->name);
		return buf;
	}
	if (cfg->direct_interrupts) {
		fmt_snprintf(
		    buf, size,
		    "VM %s has direct-interrupts: its interrupt state is in the physical GIC",
		    cfg->name);
		return buf;
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		u32 p = vm->vcpus[v].pcpu;

		if (p == 0 || (p < CONFIG_MAX_PCPUS && cpus[p].sched)) {
			fmt_snprintf(buf, size,
				     "VM %s: vCPU %u is on %s CPU %u (snapshots need static CPUs "
				     "other than CPU 0, the management CPU)",
				     cfg->name, v, p == 0 ? "the management" : "shared", p);
			return buf;
		}
	}
	return NULL;
}

/* ---- the vCPUs' CPUs ---- */

void snapshot_vcpu_save(struct vcpu *vc)
{
	if (__atomic_load_n(&vc->snap, __ATOMIC_ACQUIRE) & VCPU_SNAP_SAVED) {
		return;
	}
	irqchip_sync(vc->vm, vc->id); /* what the guest did to its LRs, into the model */
	arch_vcpu_save(vc);
	__atomic_store_n(&vc->snap, VCPU_SNAP_SAVED, __ATOMIC_RELEASE);
}

void snapshot_vcpu_reload(struct vcpu *vc)
{
	arch_vcpu_restore(vc);
	__atomic_store_n(&vc->snap, 0, __ATOMIC_RELEASE);
}

void snapshot_vcpu_adopt(struct vcpu *vc)
{
	const struct arch_vcpu *a = vc->snap_state;

	/* A start begins afresh: a state saved for an earlier capture is stale (a request to
	 * save, from a capture under way, stays: the paused loop answers it). */
	__atomic_fetch_and(&vc->snap, ~(u32)VCPU_SNAP_SAVED, __ATOMIC_ACQ_REL);
	if (a) {
		vc->snap_state = NULL;
		arch_vcpu_adopt(vc, a);
		page_free((void *)(uintptr_t)a);
	}
}

void snapshot_vcpu_forget(struct vcpu *vc)
{
	if (vc->snap_state) {
		page_free((void *)(uintptr_t)vc->snap_state);
		vc->snap_state = NULL;
	}
}

/* ---- capture ---- */

enum cap_phase { P_HDR, P_SEC_HDR, P_PAYLOAD, P_HASH, P_DONE };

static struct capture {
	struct vm *vm;
	bool was_running, no_mem;
	u64 paused_at, pos, total;
	struct snap_plan plan;
	struct snap_regions rg;
	u32 sec;
	enum cap_phase phase;
	u8 *irqc;    /* pool page: every interrupt-controller section, taken at the pause */
	u8 *backlog; /* pool page: the UART's backlog bytes */
	u8 *stage;   /* pool page: the vCPU section being sent */
	u8 *vio;     /* pool page: every virtio section, taken at the pause */
	u8 *vpend[CONFIG_MAX_VIRTIO]; /* pool pages: each end's pending bytes (if any) */
	u32 vcount[CONFIG_MAX_VIRTIO];
	bool frozen; /* the VM's virtio ends are frozen (vlink_vm_freeze) */
	u32 bl_count;
	u8 uart[VPL011_SNAP_SIZE];
	u8 health[SNAP_HEALTH_SIZE];
	u8 hdr[SNAP_HDR_SIZE];
	u8 hash[SHA256_DIGEST_SIZE];
	const u8 *piece;
	u32 piece_len, piece_at;
	struct sha256_ctx sha;
	u64 page;
	u8 tag;
	bool page_data; /* the current page's data is next (its tag was sent) */
} cap;

static u64 sec_len(const struct capture *c, u32 type, u32 index, u64 *nonzero)
{
	switch (type) {
	case SEC_VCPU:
		return SNAP_VCPU_SIZE;
	case SEC_IRQCHIP_CPU:
		return IRQCHIP_SNAP_CPU_SIZE;
	case SEC_IRQCHIP:
		return IRQCHIP_SNAP_SIZE;
	case SEC_UART:
		return VPL011_SNAP_SIZE;
	case SEC_UART_BACKLOG:
		return c->bl_count;
	case SEC_HEALTH:
		return SNAP_HEALTH_SIZE;
	case SEC_VIRTIO:
		return VLINK_SNAP_SIZE;
	case SEC_VIRTIO_PENDING:
		return c->vcount[index];
	case SEC_MEM: {
		u64 pages = c->rg.r[index].size / SNAP_PAGE, n = 0;

		for (u64 p = 0; p < pages; p++) {
			n += !snap_page_zero(c->rg.r[index].phys + p * SNAP_PAGE);
		}
		*nonzero += n;
		return pages + n * SNAP_PAGE;
	}
	default:
		return 0;
	}
}

static void cap_free(void)
{
	u8 *pages[] = {cap.irqc, cap.backlog, cap.stage, cap.vio};

	for (u32 i = 0; i < ARRAY_SIZE(pages); i++) {
		if (pages[i]) {
			page_free(pages[i]);
		}
	}
	for (u32 i = 0; i < CONFIG_MAX_VIRTIO; i++) {
		if (cap.vpend[i]) {
			page_free(cap.vpend[i]);
		}
	}
	if (cap.frozen) {
		vlink_vm_thaw(cap.vm->id); /* the link moves on: what waited for it, and from it */
	}
	memset(&cap, 0, sizeof(cap));
}

/* Asks every vCPU's CPU to save its state (the VM is paused) and waits for all. */
static bool cap_save_all(struct vm *vm)
{
	u64 ms = arch_counter_freq() / 1000, start = arch_counter();

	for (u32 v = 0; v < vm->vcpu_count; v++) {
		__atomic_fetch_or(&vm->vcpus[v].snap, VCPU_SNAP_SAVE, __ATOMIC_SEQ_CST);
		cpu_request(vm->vcpus[v].pcpu, CPU_REQ_WAKE);
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		while (!(__atomic_load_n(&vm->vcpus[v].snap, __ATOMIC_ACQUIRE) & VCPU_SNAP_SAVED)) {
			if (arch_counter() - start > SAVE_WAIT_MS * ms) {
				return false;
			}
			arch_cpu_relax();
		}
	}
	return true;
}

/* The virtio ends' sections and pending bytes (the ends are frozen). False: no pool page. */
static bool cap_take_links(struct capture *c, struct vm *vm)
{
	for (u32 n = 0; n < vlink_vm_ends(vm->id) && n < CONFIG_MAX_VIRTIO; n++) {
		c->vcount[n] = vlink_snap_put(vm->id, n, c->vio + n * VLINK_SNAP_SIZE, c->stage);
		if (c->vcount[n]) {
			c->vpend[n] = page_alloc();
			if (!c->vpend[n]) {
				return false;
			}
			memcpy(c->vpend[n], c->stage, c->vcount[n]);
		}
	}
	return true;
}

static void cap_take_devices(struct capture *c, struct vm *vm)
{
	u8 *h = c->health;
	u64 now = c->paused_at;

	for (u32 v = 0; v < vm->vcpu_count; v++) {
		irqchip_snap_cpu_put(vm, v, c->irqc + v * IRQCHIP_SNAP_CPU_SIZE);
	}
	irqchip_snap_put(vm, c->irqc + vm->vcpu_count * IRQCHIP_SNAP_CPU_SIZE);
	c->bl_count = vpl011_snap_put(&vm->uart, c->uart, c->backlog);
	memset(h, 0, SNAP_HEALTH_SIZE);
	le32_store(h, vm->exit_reason);
	le32_store(h + 4, vm->exit_code);
	le64_store(h + 8, now - vm->started_at);
	le64_store(h + 16, vm->run_aborts);
	le64_store(h + 24, vm->restarts);
	le64_store(h + 32, vm->stats.resets);
	le64_store(h + 40, vm->stats.hypercalls);
}

static void cap_sizes(struct capture *c, struct vm *vm, u64 *nonzero)
{
	u64 total = SNAP_HDR_SIZE;

	snap_plan(vm, c->no_mem ? 0 : c->rg.n, &c->plan);
	for (u32 i = 0; i < c->plan.n; i++) {
		total += SNAP_SEC_HDR + SHA256_DIGEST_SIZE +
			 sec_len(c, c->plan.s[i].type, c->plan.s[i].index, nonzero);
	}
	c->total = total;
	snap_header_shape(vm, c->hdr);
	le64_store(c->hdr + SH_TOTAL, total);
	str_copy((char *)c->hdr + SH_NAME, vm->cfg->name, SNAP_NAME_LEN);
	le32_store(c->hdr + SH_FLAGS, c->no_mem ? SNAP_F_NO_MEMORY : 0);
	sha256(c->hdr, SNAP_HDR_HASHED, c->hdr + SNAP_HDR_HASHED);
}

static void cap_undo(struct vm *vm)
{
	if (cap.was_running) {
		health_heartbeat(vm);
		vm_resume(vm);
	}
	cap_free();
}

static int cap_begin(struct vm *vm, bool no_mem, u64 *total, char *err)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	u64 nonzero = 0;

	if (snapshot_refusal(vm, err, SNAP_ERR_MAX)) {
		return -1;
	}
	if (st != VM_RUNNING && st != VM_PAUSED) {
		fmt_snprintf(err, SNAP_ERR_MAX,
			     "VM %s is %s (a snapshot needs a running or paused VM)", vm->cfg->name,
			     vm_state_name(st));
		return -1;
	}
	if (cap.vm) {
		snapshot_end(cap.vm, &nonzero, err); /* abandoned by its client: finish it */
	}
	cap.irqc = page_alloc();
	cap.backlog = page_alloc();
	cap.stage = page_alloc();
	cap.vio = page_alloc();
	if (!cap.irqc || !cap.backlog || !cap.stage || !cap.vio) {
		cap_free();
		fmt_snprintf(err, SNAP_ERR_MAX, "no free page in the hypervisor's pool");
		return -1;
	}
	cap.vm = vm;
	cap.no_mem = no_mem;
	cap.was_running = st == VM_RUNNING;
	if (cap.was_running && vm_pause(vm) != 0) {
		cap_free();
		fmt_snprintf(err, SNAP_ERR_MAX, "VM %s could not be paused", vm->cfg->name);
		return -1;
	}
	cap.paused_at = arch_counter();
	/* The peer's CPU must not write into the VM's RAM or devices while they are read. */
	vlink_vm_freeze(vm->id);
	cap.frozen = true;
	if (!cap_save_all(vm)) {
		cap_undo(vm);
		fmt_snprintf(err, SNAP_ERR_MAX, "a vCPU of %s did not save its state",
			     vm->cfg->name);
		return -1;
	}
	snap_regions(vm, &cap.rg);
	if (!cap_take_links(&cap, vm)) {
		cap_undo(vm);
		fmt_snprintf(err, SNAP_ERR_MAX, "no free page in the hypervisor's pool");
		return -1;
	}
	cap_take_devices(&cap, vm);
	cap_sizes(&cap, vm, &nonzero);
	cap.phase = P_HDR;
	*total = cap.total;
	return 0;
}

int snapshot_begin(struct vm *vm, u64 *total, char *err)
{
	return cap_begin(vm, false, total, err);
}

int snapshot_begin_state(struct vm *vm, u64 *total, char *err)
{
	return cap_begin(vm, true, total, err);
}

void snapshot_drop(const struct vm *vm)
{
	if (cap.vm == vm) {
		cap_free();
	}
}

void snapshot_forget_all(void)
{
	memset(&cap, 0, sizeof(cap));
	restore_forget();
}

/* The payload of a fixed-size section. */
static const u8 *cap_payload(struct capture *c, u32 type, u32 index)
{
	struct vm *vm = c->vm;

	switch (type) {
	case SEC_VCPU: {
		const struct vcpu *vc = &vm->vcpus[index];
		u32 st = __atomic_load_n(&vc->state, __ATOMIC_ACQUIRE);

		memset(c->stage, 0, SNAP_VCPU_SIZE);
		le32_store(c->stage, st == VCPU_RUNNING	     ? SNAP_VCPU_RUN
				     : st == VCPU_ON_PENDING ? SNAP_VCPU_START
							     : SNAP_VCPU_OFF);
		le64_store(c->stage + 8, vc->on_entry);
		le64_store(c->stage + 16, vc->on_ctx);
		arch_vcpu_export(&vc->arch, c->paused_at, (struct arch_vcpu *)(c->stage + 24));
		return c->stage;
	}
	case SEC_IRQCHIP_CPU:
		return c->irqc + index * IRQCHIP_SNAP_CPU_SIZE;
	case SEC_IRQCHIP:
		return c->irqc + vm->vcpu_count * IRQCHIP_SNAP_CPU_SIZE;
	case SEC_UART:
		return c->uart;
	case SEC_UART_BACKLOG:
		return c->backlog;
	case SEC_VIRTIO:
		return c->vio + index * VLINK_SNAP_SIZE;
	case SEC_VIRTIO_PENDING:
		return c->vpend[index] ? c->vpend[index] : c->vio; /* none: 0 bytes of anything */
	default:
		return c->health;
	}
}

static void cap_piece(struct capture *c, const u8 *p, u32 n, bool hashed)
{
	c->piece = p;
	c->piece_len = n;
	c->piece_at = 0;
	if (hashed) {
		sha256_update(&c->sha, p, n);
	}
}

/* The next memory piece: a page's tag, then its data if it is not all zero. */
static void cap_mem_piece(struct capture *c, u32 region)
{
	paddr_t pa = c->rg.r[region].phys + c->page * SNAP_PAGE;

	if (c->page == c->rg.r[region].size / SNAP_PAGE) {
		c->phase = P_HASH;
		cap_piece(c, NULL, 0, false);
	} else if (c->page_data) {
		cap_piece(c, (const u8 *)(uintptr_t)pa, SNAP_PAGE, true);
		c->page_data = false;
		c->page++;
	} else {
		c->tag = snap_page_zero(pa) ? 0 : 1;
		cap_piece(c, &c->tag, 1, true);
		c->page_data = c->tag != 0;
		c->page += c->tag == 0;
	}
}

static void cap_section_start(struct capture *c)
{
	u32 type = c->plan.s[c->sec].type, index = c->plan.s[c->sec].index;
	u64 nonzero = 0;
	u64 len =
	    type == SEC_MEM ? c->rg.r[index].size / SNAP_PAGE : sec_len(c, type, index, &nonzero);

	if (type == SEC_MEM) {
		/* Counted again (the VM is paused: the same pages), for the header's length. */
		len = sec_len(c, type, index, &nonzero);
	}
	le32_store(c->hdr, type);
	le32_store(c->hdr + 4, index);
	le64_store(c->hdr + 8, len);
	sha256_init(&c->sha);
	cap_piece(c, c->hdr, SNAP_SEC_HDR, true);
	c->page = 0;
	c->page_data = false;
	c->phase = P_PAYLOAD;
}

/* Moves to the stream's next piece. */
static void cap_next(struct capture *c)
{
	u32 type, index;

	switch (c->phase) {
	case P_HDR:
		cap_piece(c, c->hdr, SNAP_HDR_SIZE, false);
		c->phase = P_SEC_HDR;
		return;
	case P_SEC_HDR:
		if (c->sec == c->plan.n) {
			c->phase = P_DONE;
			cap_piece(c, NULL, 0, false);
			return;
		}
		cap_section_start(c);
		return;
	case P_PAYLOAD:
		type = c->plan.s[c->sec].type;
		index = c->plan.s[c->sec].index;
		if (type == SEC_MEM) {
			cap_mem_piece(c, index);
			return;
		}
		cap_piece(c, cap_payload(c, type, index), (u32)sec_len(c, type, index, NULL), true);
		c->phase = P_HASH;
		return;
	case P_HASH:
		sha256_final(&c->sha, c->hash);
		cap_piece(c, c->hash, SHA256_DIGEST_SIZE, false);
		c->sec++;
		c->phase = P_SEC_HDR;
		return;
	default:
		cap_piece(c, NULL, 0, false);
		return;
	}
}

int snapshot_read(struct vm *vm, u64 pos, u8 *buf, u32 max, u32 *got, char *err)
{
	u32 n = 0;

	if (cap.vm != vm) {
		fmt_snprintf(err, SNAP_ERR_MAX, "no snapshot of %s in progress (snapshot-begin)",
			     vm->cfg->name);
		return -1;
	}
	if (pos != cap.pos) {
		fmt_snprintf(err, SNAP_ERR_MAX, "position %llu: the stream is at %llu",
			     (unsigned long long)pos, (unsigned long long)cap.pos);
		return -1;
	}
	while (n < max && cap.phase != P_DONE) {
		u32 k;

		if (cap.piece_at == cap.piece_len) {
			cap_next(&cap);
			continue;
		}
		k = MIN(max - n, cap.piece_len - cap.piece_at);
		memcpy(buf + n, cap.piece + cap.piece_at, k);
		cap.piece_at += k;
		n += k;
	}
	cap.pos += n;
	*got = n;
	return 0;
}

int snapshot_end(struct vm *vm, u64 *paused_us, char *err)
{
	u64 now = arch_counter();

	if (cap.vm != vm) {
		fmt_snprintf(err, SNAP_ERR_MAX, "no snapshot of %s in progress", vm->cfg->name);
		return -1;
	}
	/* The guest's virtual time stood still while it was paused (docs/SNAPSHOT.md). */
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		if (__atomic_load_n(&vm->vcpus[v].snap, __ATOMIC_ACQUIRE) & VCPU_SNAP_SAVED) {
			arch_vcpu_time_shift(&vm->vcpus[v].arch, now - cap.paused_at);
		}
	}
	*paused_us = snap_ticks_us(now - cap.paused_at);
	cap_undo(vm);
	return 0;
}
