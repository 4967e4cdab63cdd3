/* SPDX-License-Identifier: MIT */
/*
 * The restore side of a snapshot (docs/SNAPSHOT.md): a stopped VM is claimed and scrubbed,
 * then a stream from a hostile source is parsed as it arrives. The header is checked
 * against the VM's configured shape (format, ABI, vCPUs, memory regions, devices, counter
 * frequency); each section must be the one the shape says comes next, with the length its
 * kind has (memory: one tag per page of the region, data only behind a data tag, written
 * only inside the region); its SHA-256 is checked before its content is used. Any refusal
 * scrubs the VM again and leaves it stopped: a VM never runs half a snapshot.
 */
#include "snapshot_int.h"
#include "abi.h"
#include "console.h"
#include "health.h"
#include "layout.h"
#include "lib.h"
#include "mem.h"
#include "sched_loop.h"
#include "vlink.h"

enum rs_phase { R_HDR, R_SEC_HDR, R_PAYLOAD, R_HASH, R_DONE };

static struct restore {
	struct vm *vm;
	bool migrate; /* restore_begin_migrate: the stream has no memory sections */
	u64 pos;
	enum rs_phase phase;
	struct snap_plan plan;
	struct snap_regions rg;
	u32 sec, have;
	u64 len, got; /* the current section's payload length, bytes of it taken */
	struct sha256_ctx sha;
	u8 buf[SNAP_HDR_SIZE]; /* header, section header or hash being gathered */
	u8 *stage;	       /* pool page: a fixed-size payload being gathered */
	u8 uart[VPL011_SNAP_SIZE];
	u8 health[SNAP_HEALTH_SIZE];
	struct arch_vcpu *vstate[CONFIG_MAX_VCPUS]; /* pool pages, for the vCPUs' starts */
	u32 vmode[CONFIG_MAX_VCPUS];
	u64 ventry[CONFIG_MAX_VCPUS], vctx[CONFIG_MAX_VCPUS];
	u64 page; /* memory: page of the region; data pending for it, bytes of it taken */
	bool page_data;
	u32 page_at;
	bool state_only; /* no memory sections: the VM's memory is the caller's (checkpoint.c) */
	u32 format;	 /* the stream's format version (1: no virtio sections) */
	u32 vpending;	 /* pending bytes the last virtio section announced */
	u8 *vpend[CONFIG_MAX_VIRTIO]; /* pool pages: each end's pending bytes, for restore_end */
	u32 vplen[CONFIG_MAX_VIRTIO];
} rs;

static const char *const sec_names[] = {"?",
					"vcpu",
					IRQCHIP_SNAP_CPU_NAME,
					IRQCHIP_SNAP_NAME,
					"uart",
					"uart-backlog",
					"health",
					"memory",
					"end",
					"virtio",
					"virtio-pending"};

static const char *sec_name(u32 type)
{
	return type < ARRAY_SIZE(sec_names) ? sec_names[type] : "?";
}

static void scrub(struct vm *vm)
{
	for (u32 i = 0; i < rs.rg.n; i++) {
		arch_memzero(rs.rg.r[i].phys, rs.rg.r[i].size);
	}
	vm_devices_reset(vm);
	/* Its virtio ends too: a refused stream may have installed (and frozen) some of them
	 * (found by fuzz_snapshot). The peers' ends and the link's bytes for them stay. */
	vlink_vm_reset(vm->id);
}

static void rs_free(void)
{
	for (u32 v = 0; v < CONFIG_MAX_VCPUS; v++) {
		if (rs.vstate[v]) {
			page_free(rs.vstate[v]);
		}
	}
	if (rs.stage) {
		page_free(rs.stage);
	}
	for (u32 n = 0; n < CONFIG_MAX_VIRTIO; n++) {
		if (rs.vpend[n]) {
			page_free(rs.vpend[n]);
		}
	}
	memset(&rs, 0, sizeof(rs));
}

/* Refuses the stream: nothing of it stays in the VM, which is stopped. */
static int rs_abort(void)
{
	struct vm *vm = rs.vm;

	if (vm) {
		scrub(vm);
		__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
	}
	rs_free();
	return -1;
}

void restore_forget(void)
{
	memset(&rs, 0, sizeof(rs));
}

static int rs_begin(struct vm *vm, char *err, bool state_only);

int restore_begin(struct vm *vm, char *err)
{
	return rs_begin(vm, err, false);
}

int restore_begin_state(struct vm *vm, char *err)
{
	return rs_begin(vm, err, true);
}

static int rs_begin(struct vm *vm, char *err, bool state_only)
{
	u32 st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);

	if (snapshot_refusal(vm, err, SNAP_ERR_MAX)) {
		return -1;
	}
	if (rs.vm) {
		rs_abort(); /* abandoned by its client (or this VM's own earlier attempt) */
		st = __atomic_load_n(&vm->state, __ATOMIC_ACQUIRE);
	}
	if (st != VM_STOPPED || !vm_claim(vm, VM_STOPPED, VM_RESETTING)) {
		fmt_snprintf(err, SNAP_ERR_MAX, "VM %s is %s (restore needs a stopped VM)",
			     vm->cfg->name, vm_state_name(st));
		return -1;
	}
	vm_wait_users(vm);
	rs.vm = vm;
	rs.stage = page_alloc();
	rs.state_only = state_only;
	snap_regions(vm, &rs.rg);
	snap_plan(vm, state_only ? 0 : rs.rg.n, &rs.plan);
	if (!rs.stage) {
		fmt_snprintf(err, SNAP_ERR_MAX, "no free page in the hypervisor's pool");
		return rs_abort();
	}
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		__atomic_store_n(&vm->vcpus[v].snap, 0, __ATOMIC_RELEASE);
	}
	if (state_only) {
		vm_devices_reset(vm); /* its memory stays: the caller puts it in place */
		vlink_vm_reset(vm->id);
	} else {
		scrub(vm);
	}
	return 0;
}

int restore_begin_migrate(struct vm *vm, char *err)
{
	if (snapshot_unmovable(vm, err, SNAP_ERR_MAX) || restore_begin(vm, err) != 0) {
		return -1;
	}
	rs.migrate = true;
	snap_plan(vm, 0, &rs.plan);
	return 0;
}

int restore_cancel(const struct vm *vm)
{
	if (rs.vm != vm) {
		return -1;
	}
	rs_abort();
	return 0;
}

bool restore_migrating(const struct vm *vm)
{
	return rs.vm == vm && rs.migrate && rs.pos == 0;
}

/* ---- the header ---- */

static int check_regions(const struct vm *vm, const u8 *h, const u8 *want, char *err)
{
	for (u32 i = 0; i < rs.rg.n; i++) {
		u64 ipa = le64_load(h + SH_REGION + 16 * i),
		    size = le64_load(h + SH_REGION + 16 * i + 8);

		if (ipa != rs.rg.r[i].ipa || size != rs.rg.r[i].size) {
			fmt_snprintf(err, SNAP_ERR_MAX,
				     "memory size differs: region %u is %llu KiB at 0x%llx in the "
				     "snapshot, %llu KiB at 0x%llx in VM %s",
				     i, (unsigned long long)(size >> 10), (unsigned long long)ipa,
				     (unsigned long long)(rs.rg.r[i].size >> 10),
				     (unsigned long long)rs.rg.r[i].ipa, vm->cfg->name);
			return -1;
		}
	}
	/* Everything else in the shape (unused regions, reserved bytes) must match exactly. */
	if (memcmp(h + SH_REGION, want + SH_REGION, SNAP_HDR_HASHED - SH_REGION) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX, "header: reserved or unused fields are not zero");
		return -1;
	}
	return 0;
}

static int check_header(const u8 *h, char *err)
{
	const struct vm *vm = rs.vm;
	u8 want[SNAP_HDR_SIZE], hash[SHA256_DIGEST_SIZE];
	u32 v;

	snap_header_shape(vm, want);
	le32_store(want + SH_FLAGS, rs.migrate || rs.state_only ? SNAP_F_NO_MEMORY : 0);
	sha256(h, SNAP_HDR_HASHED, hash);
	if (memcmp(h, snap_magic, sizeof(snap_magic)) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX, "not a Tessera snapshot (magic)");
	} else if (memcmp(hash, h + SNAP_HDR_HASHED, sizeof(hash)) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX, "hash of the header differs: corrupted stream");
	} else if ((v = le32_load(h + SH_FORMAT)) != SNAP_FORMAT && v != 1) {
		fmt_snprintf(err, SNAP_ERR_MAX, "format version %u, this hypervisor reads 1 and %u",
			     v, SNAP_FORMAT);
	} else if (v == 1 && le32_load(want + SH_VIRTIO) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX,
			     "format version 1 has no virtio state, and VM %s has a virtio link",
			     vm->cfg->name);
	} else if ((v = le32_load(h + SH_ABI)) != TESSERA_ABI_VERSION) {
		fmt_snprintf(err, SNAP_ERR_MAX, "hypervisor ABI 0x%x, this hypervisor's is 0x%x", v,
			     TESSERA_ABI_VERSION);
	} else if (le32_load(h + SH_SIZE) != SNAP_HDR_SIZE ||
		   le32_load(h + SH_ARCH) != ARCH_VCPU_STATE_SIZE) {
		fmt_snprintf(err, SNAP_ERR_MAX, "header or vCPU state size differs");
	} else if ((v = le32_load(h + SH_VCPUS)) != vm->vcpu_count) {
		fmt_snprintf(err, SNAP_ERR_MAX,
			     "CPUs differ: the snapshot has %u vCPUs, VM %s has %u", v,
			     vm->cfg->name, vm->vcpu_count);
	} else if ((v = le32_load(h + SH_REGIONS)) != rs.rg.n) {
		fmt_snprintf(err, SNAP_ERR_MAX,
			     "memory differs: the snapshot has %u regions, VM %s has %u", v,
			     vm->cfg->name, rs.rg.n);
	} else if ((v = le32_load(h + SH_VIRTIO)) != le32_load(want + SH_VIRTIO)) {
		fmt_snprintf(err, SNAP_ERR_MAX,
			     "virtio devices differ: the snapshot has %u, VM %s has %u", v,
			     vm->cfg->name, le32_load(want + SH_VIRTIO));
	} else if (memcmp(h + SH_DEVS, want + SH_DEVS, SNAP_DEVS_LEN) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX, "devices differ: the snapshot's are not \"%s\"",
			     SNAP_DEVICES);
	} else if ((v = le32_load(h + SH_FLAGS)) != le32_load(want + SH_FLAGS)) {
		if (rs.migrate || rs.state_only) {
			fmt_snprintf(err, SNAP_ERR_MAX,
				     "not a stream without memory (flags 0x%x): migrate-in and "
				     "rollback take one",
				     v);
		} else {
			fmt_snprintf(err, SNAP_ERR_MAX,
				     "a migration stream (flags 0x%x) needs migrate-in first", v);
		}
	} else if (le64_load(h + SH_FREQ) != arch_counter_freq()) {
		fmt_snprintf(err, SNAP_ERR_MAX, "counter frequency %llu Hz, this board's is %llu",
			     (unsigned long long)le64_load(h + SH_FREQ),
			     (unsigned long long)arch_counter_freq());
	} else {
		rs.format = le32_load(h + SH_FORMAT);
		return check_regions(vm, h, want, err);
	}
	return -1;
}

/* ---- sections ---- */

static u64 fixed_len(u32 type)
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
		return le32_load(rs.uart + 44); /* checked against VPL011_BACKLOG with the UART */
	case SEC_HEALTH:
		return SNAP_HEALTH_SIZE;
	case SEC_VIRTIO:
		return VLINK_SNAP_SIZE;
	case SEC_VIRTIO_PENDING:
		return rs.vpending; /* checked against VLINK_BUF with the virtio section */
	default:
		return 0;
	}
}

static int check_sec_hdr(const u8 *h, char *err)
{
	u32 type = le32_load(h), index = le32_load(h + 4);
	u32 want_t = rs.plan.s[rs.sec].type, want_i = rs.plan.s[rs.sec].index;
	u64 len = le64_load(h + 8);

	if (type != want_t || index != want_i) {
		fmt_snprintf(err, SNAP_ERR_MAX, "section %u is %s %u, the VM's shape wants %s %u",
			     rs.sec, sec_name(type), index, sec_name(want_t), want_i);
		return -1;
	}
	if (type == SEC_MEM) {
		u64 pages = rs.rg.r[index].size / SNAP_PAGE;

		if (len < pages || len > pages * (SNAP_PAGE + 1)) {
			fmt_snprintf(err, SNAP_ERR_MAX,
				     "memory region %u: length %llu out of range", index,
				     (unsigned long long)len);
			return -1;
		}
	} else if (len != fixed_len(type)) {
		fmt_snprintf(err, SNAP_ERR_MAX, "section %s %u: length %llu, expected %llu",
			     sec_name(type), index, (unsigned long long)len,
			     (unsigned long long)fixed_len(type));
		return -1;
	}
	rs.len = len;
	rs.got = 0;
	rs.page = 0;
	rs.page_data = false;
	rs.page_at = 0;
	sha256_init(&rs.sha);
	sha256_update(&rs.sha, h, SNAP_SEC_HDR);
	return 0;
}

static int apply_vcpu(u32 v, const u8 *p, const char **why)
{
	u32 mode = le32_load(p);

	if (mode > SNAP_VCPU_START || le32_load(p + 4) != 0) {
		*why = "power state out of range";
		return -1;
	}
	rs.vmode[v] = mode;
	rs.ventry[v] = le64_load(p + 8);
	rs.vctx[v] = le64_load(p + 16);
	if (mode != SNAP_VCPU_RUN) {
		return 0;
	}
	rs.vstate[v] = page_alloc();
	if (!rs.vstate[v]) {
		*why = "no free page in the hypervisor's pool";
		return -1;
	}
	memcpy(rs.vstate[v], p + 24, ARCH_VCPU_STATE_SIZE);
	return arch_vcpu_import(rs.vstate[v], why);
}

/* A verified fixed-size section goes into the VM (or is kept for restore_end). */
static int apply(u32 type, u32 index, const u8 *p, const char **why)
{
	struct vm *vm = rs.vm;

	switch (type) {
	case SEC_VCPU:
		return apply_vcpu(index, p, why);
	case SEC_IRQCHIP_CPU:
		return irqchip_snap_cpu_get(vm, index, p, why);
	case SEC_IRQCHIP:
		return irqchip_snap_get(vm, p, why);
	case SEC_UART:
		memcpy(rs.uart, p, VPL011_SNAP_SIZE);
		if (le32_load(p + 44) > VPL011_BACKLOG) {
			*why = "backlog longer than the UART's";
			return -1;
		}
		return 0;
	case SEC_UART_BACKLOG:
		return vpl011_snap_get(&vm->uart, rs.uart, p, (u32)rs.len, why);
	case SEC_HEALTH:
		memcpy(rs.health, p, SNAP_HEALTH_SIZE);
		return 0;
	case SEC_VIRTIO:
		/* Installed at once, frozen: the peer leaves it alone until restore_end. */
		return vlink_snap_get(vm->id, index, p, &rs.vpending, why);
	case SEC_VIRTIO_PENDING:
		rs.vplen[index] = (u32)rs.len;
		if (rs.len) {
			rs.vpend[index] = page_alloc();
			if (!rs.vpend[index]) {
				*why = "no free page in the hypervisor's pool";
				return -1;
			}
			memcpy(rs.vpend[index], p, (size_t)rs.len);
		}
		return 0;
	default:
		return 0;
	}
}

/* Memory bytes: per page a tag, then 4 KiB of data behind a data tag. Returns bytes used. */
static u32 feed_mem(const u8 *d, u32 n, char *err)
{
	u32 index = rs.plan.s[rs.sec].index, k;
	u64 pages = rs.rg.r[index].size / SNAP_PAGE;

	if (!rs.page_data) {
		if (rs.page == pages || d[0] > 1) {
			fmt_snprintf(err, SNAP_ERR_MAX, "memory region %u page %llu: %s", index,
				     (unsigned long long)rs.page,
				     rs.page == pages ? "past the region's end" : "bad page tag");
			return 0;
		}
		sha256_update(&rs.sha, d, 1);
		rs.page_data = d[0] == 1;
		rs.page += d[0] == 0;
		return 1;
	}
	k = (u32)MIN((u64)n, (u64)(SNAP_PAGE - rs.page_at));
	memcpy((u8 *)(uintptr_t)(rs.rg.r[index].phys + rs.page * SNAP_PAGE + rs.page_at), d, k);
	sha256_update(&rs.sha, d, k);
	rs.page_at += k;
	if (rs.page_at == SNAP_PAGE) {
		rs.page_at = 0;
		rs.page_data = false;
		rs.page++;
	}
	return k;
}

/* Gathers into dst up to want bytes; true once it holds them all. */
static bool gather(u8 *dst, u32 want, const u8 **d, u32 *n)
{
	u32 k = MIN(*n, want - rs.have);

	memcpy(dst + rs.have, *d, k);
	rs.have += k;
	*d += k;
	*n -= k;
	return rs.have == want;
}

static int section_done(char *err)
{
	u32 type = rs.plan.s[rs.sec].type, index = rs.plan.s[rs.sec].index;
	u8 hash[SHA256_DIGEST_SIZE];
	const char *why = NULL;

	sha256_final(&rs.sha, hash);
	if (memcmp(hash, rs.buf, sizeof(hash)) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX, "hash of section %s %u differs: corrupted stream",
			     sec_name(type), index);
		return -1;
	}
	if (type == SEC_MEM && (rs.page != rs.rg.r[index].size / SNAP_PAGE || rs.page_data)) {
		fmt_snprintf(err, SNAP_ERR_MAX, "memory region %u: length does not cover its pages",
			     index);
		return -1;
	}
	if (type != SEC_MEM && apply(type, index, rs.stage, &why) != 0) {
		fmt_snprintf(err, SNAP_ERR_MAX, "section %s %u: %s", sec_name(type), index, why);
		return -1;
	}
	rs.sec++;
	rs.phase = type == SEC_END ? R_DONE : R_SEC_HDR;
	return 0;
}

static int feed_payload(const u8 **d, u32 *n, char *err)
{
	u32 type = rs.plan.s[rs.sec].type;

	if (type == SEC_MEM) {
		u32 k = (u32)MIN((u64)*n, rs.len - rs.got);
		u32 used = k ? feed_mem(*d, k, err) : 0;

		if (k && !used) {
			return -1;
		}
		rs.got += used;
		*d += used;
		*n -= used;
	} else if (gather(rs.stage, (u32)rs.len, d, n)) {
		sha256_update(&rs.sha, rs.stage, (size_t)rs.len);
		rs.got = rs.len;
	}
	if (rs.got == rs.len) {
		rs.phase = R_HASH;
		rs.have = 0;
	}
	return 0;
}

static int feed_one(const u8 **d, u32 *n, char *err)
{
	switch (rs.phase) {
	case R_HDR:
		if (gather(rs.buf, SNAP_HDR_SIZE, d, n)) {
			if (check_header(rs.buf, err) != 0) {
				return -1;
			}
			rs.phase = R_SEC_HDR;
			rs.have = 0;
		}
		return 0;
	case R_SEC_HDR:
		if (gather(rs.buf, SNAP_SEC_HDR, d, n)) {
			if (check_sec_hdr(rs.buf, err) != 0) {
				return -1;
			}
			rs.phase = R_PAYLOAD;
			rs.have = 0;
		}
		return 0;
	case R_PAYLOAD:
		return feed_payload(d, n, err);
	case R_HASH:
		if (gather(rs.buf, SHA256_DIGEST_SIZE, d, n)) {
			rs.have = 0;
			return section_done(err);
		}
		return 0;
	default:
		fmt_snprintf(err, SNAP_ERR_MAX, "data after the end section");
		return -1;
	}
}

int restore_feed(struct vm *vm, const u8 *data, u32 n, u64 *pos, char *err)
{
	if (!rs.vm || rs.vm != vm) {
		fmt_snprintf(err, SNAP_ERR_MAX, "no restore of %s in progress (restore-begin)",
			     vm->cfg->name);
		return -1;
	}
	while (n) {
		u32 before = n;

		if (feed_one(&data, &n, err) != 0) {
			return rs_abort();
		}
		rs.pos += before - n;
	}
	*pos = rs.pos;
	return 0;
}

static void start_vcpus(struct vm *vm)
{
	/* One instant for all: each vCPU's virtual counter continues from its captured value
	 * as of now, so they agree however late each CPU gets to its start (a later start
	 * from each vCPU's own clock left a 2-vCPU Linux with CPU 1's counter behind CPU 0's:
	 * timers on CPU 1 fired late, an RCU stall, migrate_linux.sh 1 run in 3). */
	u64 now = arch_counter();

	for (u32 v = 0; v < vm->vcpu_count; v++) {
		struct vcpu *vc = &vm->vcpus[v];

		if (rs.vstate[v]) {
			arch_vcpu_time_base(rs.vstate[v], now);
		}
		vc->on_entry = rs.ventry[v];
		vc->on_ctx = rs.vctx[v];
		vc->snap_state = rs.vstate[v]; /* the vCPU's start adopts and frees it */
		rs.vstate[v] = NULL;
		__atomic_store_n(&vc->state,
				 rs.vmode[v] == SNAP_VCPU_OFF ? VCPU_OFF : VCPU_ON_PENDING,
				 __ATOMIC_RELEASE);
	}
}

int restore_end(struct vm *vm, char *err)
{
	const u8 *h = rs.health;

	if (!rs.vm || rs.vm != vm) {
		fmt_snprintf(err, SNAP_ERR_MAX, "no restore of %s in progress (restore-begin)",
			     vm->cfg->name);
		return -1;
	}
	if (rs.phase != R_DONE) {
		fmt_snprintf(err, SNAP_ERR_MAX,
			     "stream incomplete: %llu bytes, no end section (section %u of %u)",
			     (unsigned long long)rs.pos, rs.sec, rs.plan.n);
		return rs_abort();
	}
	irqchip_set_level(vm, 0, GUEST_UART_INTID, vpl011_irq_level(&vm->uart));
	for (u32 n = 0; n < vlink_vm_ends(vm->id) && n < CONFIG_MAX_VIRTIO; n++) {
		vlink_snap_pending(vm->id, n, rs.vpend[n], rs.vplen[n]);
	}
	start_vcpus(vm);
	health_vm_started(vm);
	vm->exit_reason = le32_load(h);
	vm->exit_code = le32_load(h + 4);
	vm->started_at -= MIN(le64_load(h + 8), vm->started_at); /* uptime goes on */
	vm->run_aborts = le64_load(h + 16);
	vm->restart_at = 0;
	vm->stuck = false;
	vm->stats.resets++;
	rs_free();
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	/* Its links reconnect: lines from InterruptStatus, what waits moves (docs/SNAPSHOT.md). */
	vlink_vm_thaw(vm->id);
	for (u32 v = 0; v < vm->vcpu_count; v++) {
		cpu_request(vm->vcpus[v].pcpu, CPU_REQ_WAKE);
	}
	return 0;
}
