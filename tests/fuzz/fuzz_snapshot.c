/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the snapshot restore parser (src/core/snapshot_restore.c, with the
 * vGIC, vPL011, vCPU and virtio link checks it calls): a stream from a hostile source
 * restored into VM alpha of a system the real core booted on the fake machine
 * (tests/unit/fixture.h), alpha joined to beta by a virtio console and a virtio-net link.
 * Input: a mode byte, then either the stream itself or (mode bit 1) XOR patches to a valid
 * stream the harness builds for alpha's shape (u16 offset, u8 value each); with mode bit 0
 * the harness then recomputes every hash the stream declares, so mutations get past the
 * SHA-256 checks to the shape and value checks behind them. Fed in chunks of 1..96 bytes
 * (mode bits 2..7 choose the size), as restore-data lines carry it.
 * Invariants: the VM ends running (accepted) or stopped (refused); refused, its RAM is all
 * zero, every pool page is back and alpha's virtio ends are reset and not frozen; the
 * neighbour VM's RAM and virtio devices are never touched; accepted, the state is in range
 * (SPI targets, UART counts, the vCPU's PSTATE mode; every ready queue of alpha's ends has a
 * power-of-two size up to 64, its areas inside alpha's RAM and equal indices, and its ends
 * are thawed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/core/snapshot_int.h"
#include "fake_arch.h"
#include "fixture.h"
#include "fuzz_input.h"
#include "lib.h"
#include "mem.h"
#include "vlink.h"
#include "../../src/vdev/vlink_int.h"

static const struct fx_vm sys[2] = {
    {.name = "alpha", .cpu_count = 1, .first_cpu = 1},
    {.name = "beta", .cpu_count = 1, .first_cpu = 2},
};

static const struct fx_link links[2] = {
    {.a = 0, .b = 1, .type = CONFIG_VIRTIO_CONSOLE},
    {.a = 0, .b = 1, .type = CONFIG_VIRTIO_NET},
};

#define MAX_STREAM (64 * 1024)
static u8 stream[MAX_STREAM];

static u8 *put_section(u8 *p, u32 type, u32 index, const u8 *payload, u64 len)
{
	le32_store(p, type);
	le32_store(p + 4, index);
	le64_store(p + 8, len);
	if (payload) {
		memcpy(p + SNAP_SEC_HDR, payload, len);
	} else {
		memset(p + SNAP_SEC_HDR, 0, len);
	}
	return p + SNAP_SEC_HDR + len + SHA256_DIGEST_SIZE; /* hash: fix_hashes */
}

/* Alpha's end n as a driver that set it up would leave it: DRIVER_OK, two ready 8-entry
 * queues in its RAM with 3 chains used each; the console end with 5 bytes held. */
static u32 virtio_template(u32 n, u8 *sec, u8 *pend)
{
	u64 ram = FX_VM_BASE;
	bool con = n == 0;

	vlink_snap_put(0, n, sec, pend);
	le32_store(sec + 32, con ? 5 : 0);
	memcpy(pend, "hello", 5);
	le32_store(sec + 48, 0xf);
	le64_store(sec + 72, (1ULL << 32) | (con ? 0 : 0x10020)); /* VERSION_1 (+ MAC, STATUS) */
	for (u32 q = 0; q < 2; q++) {
		u8 *o = sec + 80 + 40 * q;

		le32_store(o, 8);
		le32_store(o + 4, 1);
		le64_store(o + 8, ram + 0x1000 + 0x3000 * q);
		le64_store(o + 16, ram + 0x2000 + 0x3000 * q);
		le64_store(o + 24, ram + 0x3000 + 0x3000 * q);
		le32_store(o + 32, 0x00030003);
	}
	return con ? 5 : 0;
}

/* A valid stream for alpha: zeroed device state, vCPU 0 running in EL1h, one data page,
 * its two virtio ends live. */
static size_t build_template(void)
{
	struct vm *vm = &vms[0];
	struct snap_regions rg;
	struct snap_plan pl;
	static u8 mem[SNAP_PAGE + 2048];
	u8 vcpu[SNAP_VCPU_SIZE] = {0};
	static u8 dist[VGIC_SNAP_DIST_SIZE];
	u8 *p = stream + SNAP_HDR_SIZE;
	static u8 vsec[VLINK_SNAP_SIZE], vpend[VLINK_BUF];
	u32 vcount = 0;

	snap_regions(vm, &rg);
	snap_plan(vm, rg.n, &pl);
	snap_header_shape(vm, stream);
	le32_store(vcpu, SNAP_VCPU_RUN);
	vcpu[24 + 32 * 8] = 0xc5; /* the saved PSTATE: EL1h, interrupts masked */
	le32_store(dist + 4, vm->vcpu_count);
	for (u32 i = 0; i < pl.n; i++) {
		u32 t = pl.s[i].type, ix = pl.s[i].index;

		if (t == SEC_MEM) {
			u64 pages = rg.r[ix].size / SNAP_PAGE;
			u64 len = pages + SNAP_PAGE;

			if (pages + SNAP_PAGE > sizeof(mem) + pages) {
				return 0;
			}
			le32_store(p, t);
			le32_store(p + 4, ix);
			le64_store(p + 8, len);
			memset(p + SNAP_SEC_HDR, 0, len);
			p[SNAP_SEC_HDR + 1] = 1; /* page 1 has data */
			memset(p + SNAP_SEC_HDR + 2, 0x5a, SNAP_PAGE);
			p += SNAP_SEC_HDR + len + SHA256_DIGEST_SIZE;
			continue;
		}
		if (t == SEC_VIRTIO) {
			vcount = virtio_template(ix, vsec, vpend);
			p = put_section(p, t, ix, vsec, VLINK_SNAP_SIZE);
			continue;
		}
		if (t == SEC_VIRTIO_PENDING) {
			p = put_section(p, t, ix, vpend, vcount);
			continue;
		}
		p = put_section(p, t, ix,
				t == SEC_VCPU	   ? vcpu
				: t == SEC_IRQCHIP ? dist
						   : NULL,
				t == SEC_VCPU	       ? SNAP_VCPU_SIZE
				: t == SEC_IRQCHIP_CPU ? VGIC_SNAP_CPU_SIZE
				: t == SEC_IRQCHIP     ? VGIC_SNAP_DIST_SIZE
				: t == SEC_UART	       ? VPL011_SNAP_SIZE
				: t == SEC_HEALTH      ? SNAP_HEALTH_SIZE
						       : 0);
	}
	le64_store(stream + SH_TOTAL, (u64)(p - stream));
	return (size_t)(p - stream);
}

/* Every hash the stream declares, recomputed where its section fits. */
static void fix_hashes(u8 *s, size_t n)
{
	size_t at = SNAP_HDR_SIZE;

	if (n < SNAP_HDR_SIZE) {
		return;
	}
	sha256(s, SNAP_HDR_HASHED, s + SNAP_HDR_HASHED);
	while (at + SNAP_SEC_HDR <= n) {
		u64 len = le64_load(s + at + 8);

		if (len > n || at + SNAP_SEC_HDR + len + SHA256_DIGEST_SIZE > n) {
			return;
		}
		sha256(s + at, SNAP_SEC_HDR + len, s + at + SNAP_SEC_HDR + len);
		at += SNAP_SEC_HDR + len + SHA256_DIGEST_SIZE;
	}
}

static u64 ram_sum(u32 vm)
{
	u8 h[SHA256_DIGEST_SIZE];

	sha256(fx_ram(vm, 0), FX_VM_SIZE, h);
	return le64_load(h);
}

static bool ram_zero(u32 vm)
{
	const u8 *p = fx_ram(vm, 0);

	for (u64 i = 0; i < FX_VM_SIZE; i++) {
		if (p[i]) {
			return false;
		}
	}
	return true;
}

/* Alpha's ends after an accepted restore: thawed, every ready queue sane and in its RAM. */
static void check_links_accepted(void)
{
	for (u32 k = 0; k < 2; k++) {
		const struct vmmio_dev *d = &vlink_nth(links[k].type, 0)->end[0].dev;

		FUZZ_ASSERT(!d->frozen && (d->isr & ~3U) == 0);
		for (u32 q = 0; q < VMMIO_MAX_QUEUES; q++) {
			const struct vmmio_queue *vq = &d->q[q];
			const u8 *lo = fx_ram(0, 0), *hi = fx_ram(0, FX_VM_SIZE);

			if (!vq->ready) {
				FUZZ_ASSERT(vq->desc == NULL && vq->last_avail == 0);
				continue;
			}
			FUZZ_ASSERT(vq->num && vq->num <= VMMIO_QUEUE_MAX &&
				    !(vq->num & (vq->num - 1)));
			FUZZ_ASSERT((const u8 *)vq->desc >= lo &&
				    (const u8 *)(vq->desc + vq->num) <= hi);
			FUZZ_ASSERT(vq->avail >= lo && vq->avail + 6 + 2 * vq->num <= hi);
			FUZZ_ASSERT(vq->used >= lo && vq->used + 6 + 8 * vq->num <= hi);
			FUZZ_ASSERT(vq->last_avail == vq->used_idx);
		}
	}
}

/* Alpha's ends after a refused restore: reset, not frozen. */
static void check_links_refused(void)
{
	for (u32 k = 0; k < 2; k++) {
		const struct vmmio_dev *d = &vlink_nth(links[k].type, 0)->end[0].dev;

		FUZZ_ASSERT(!d->frozen && d->status == 0 && d->isr == 0);
		FUZZ_ASSERT(!d->q[0].ready && !d->q[1].ready);
	}
}

/* Beta's ends as a stream would carry them: each device, then the bytes it sent. */
#define BETA_LINKS (2 * (VLINK_SNAP_SIZE + VLINK_BUF))
static void beta_links(u8 *out)
{
	memset(out, 0, BETA_LINKS);
	for (u32 k = 0; k < 2; k++) {
		u8 *o = out + k * (VLINK_SNAP_SIZE + VLINK_BUF);

		vlink_snap_put(1, k, o, o + VLINK_SNAP_SIZE);
	}
}

static void check_accepted(struct vm *vm)
{
	const struct vcpu *vc = &vm->vcpus[0];

	for (u32 n = 0; n < VGIC_MAX_SPIS; n++) {
		FUZZ_ASSERT(vm->irqchip.vgic.spi[n].target < vm->vcpu_count);
	}
	FUZZ_ASSERT(vm->uart.rx_count <= VPL011_FIFO && vm->uart.bl_count <= VPL011_BACKLOG);
	if (vc->snap_state) {
		u64 m = vc->snap_state->regs.spsr & 0x1f;

		FUZZ_ASSERT(m == 0 || m == 4 || m == 5);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct vm *vm;
	char err[SNAP_ERR_MAX];
	size_t n = 0;
	u64 beta, pos = 0;
	u32 free_before, chunk;
	struct fin in;
	u8 mode;
	bool ok;

	static u8 beta_before[BETA_LINKS], beta_after[BETA_LINKS];

	fx_links = links;
	fx_link_count = 2;
	FUZZ_ASSERT(fx_boot(sys, 2, NULL, 0) == 0);
	fake_cpu = 3;
	/* Time moves (1 ms a counter read): a bounded wait for another CPU, which nothing runs
	 * here, ends as it would with that CPU stuck, instead of spinning for ever. */
	fake_m.tick = FAKE_MS;
	vm = &vms[0];
	vm_stop(vm, STOP_MANAGEMENT);
	FUZZ_ASSERT(vm->state == VM_STOPPED);
	memset(fx_ram(1, 0), 0xa5, FX_VM_SIZE);
	beta = ram_sum(1);
	beta_links(beta_before);
	fin_init(&in, data, size);
	mode = fin_u8(&in);
	chunk = 1 + (mode >> 2) % 96;
	if (mode & 2) {
		n = build_template();
		while (fin_more(&in)) {
			u16 off = fin_u16(&in);

			stream[off % n] ^= fin_u8(&in);
		}
	} else {
		n = MIN(size > 0 ? size - 1 : 0, sizeof(stream));
		memcpy(stream, data + (size > 0 ? 1 : 0), n);
	}
	if (mode & 1) {
		fix_hashes(stream, n);
	}
	free_before = mem_free_pages();
	FUZZ_ASSERT(restore_begin(vm, err) == 0);
	ok = true;
	for (size_t at = 0; at < n && ok; at += chunk) {
		ok = restore_feed(vm, stream + at, (u32)MIN((size_t)chunk, n - at), &pos, err) == 0;
	}
	ok = ok && restore_end(vm, err) == 0;
	if (getenv("FUZZ_SNAPSHOT_VERBOSE")) {
		fprintf(stderr, "snapshot: %s\n", ok ? "accepted" : err);
	}
	if (ok) {
		FUZZ_ASSERT(vm->state == VM_RUNNING);
		check_accepted(vm);
		check_links_accepted();
	} else {
		FUZZ_ASSERT(vm->state == VM_STOPPED);
		FUZZ_ASSERT(ram_zero(0));
		FUZZ_ASSERT(mem_free_pages() == free_before);
		FUZZ_ASSERT(strlen(err) > 0 && strlen(err) < SNAP_ERR_MAX);
		check_links_refused();
	}
	FUZZ_ASSERT(ram_sum(1) == beta);
	beta_links(beta_after);
	FUZZ_ASSERT(memcmp(beta_before, beta_after, sizeof(beta_before)) == 0);
	return 0;
}
