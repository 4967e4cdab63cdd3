/* SPDX-License-Identifier: MIT */
/*
 * Internal to the snapshot code (snapshot.c: format, capture, the vCPU hooks;
 * snapshot_restore.c: the restore parser). The format is docs/SNAPSHOT.md's; every number
 * in a stream is little-endian.
 */
#ifndef TESSERA_SNAPSHOT_INT_H
#define TESSERA_SNAPSHOT_INT_H

#include "sha256.h"
#include "snapshot.h"
#include "irqchip.h"
#include "vm.h"
#include "vpl011.h"

#define SNAP_FORMAT	 2U /* 1: the same without virtio sections (still read) */
#define SNAP_HDR_SIZE	 256U
#define SNAP_HDR_HASHED	 224U /* the header's SHA-256 covers its first 224 bytes */
#define SNAP_SEC_HDR	 16U  /* u32 type, u32 index, u64 payload length */
#define SNAP_PAGE	 4096U
#define SNAP_MAX_REGIONS (CONFIG_MAX_MEM + 1) /* RAM regions, then the boot flash */
#define SNAP_NAME_LEN	 32U
#define SNAP_DEVS_LEN	 48U
#define SNAP_DEVICES	 "gicv3 pl011" /* the emulated devices a capturable VM has */

/* Header offsets. */
#define SH_FORMAT  8
#define SH_ABI	   12
#define SH_SIZE	   16
#define SH_VCPUS   20
#define SH_REGIONS 24
#define SH_ARCH	   28
#define SH_FREQ	   32
#define SH_TOTAL   40
#define SH_NAME	   48
#define SH_DEVS	   80
#define SH_REGION  128 /* SNAP_MAX_REGIONS x {u64 guest-physical base, u64 size} */
#define SH_FLAGS   208 /* u32: SNAP_F_* */
#define SH_VIRTIO  212 /* u32: virtio link ends (format 2) */

/* A migration stream: no memory sections (the pages went ahead, mem-write). */
#define SNAP_F_NO_MEMORY 1U

enum snap_sec {
	SEC_VCPU = 1,	    /* index: vCPU */
	SEC_IRQCHIP_CPU,    /* index: vCPU (AArch64: its redistributor and private interrupts;
			       "vgic-cpu") */
	SEC_IRQCHIP,	    /* the shared part (AArch64: distributor and SPIs; "vgic-dist") */
	SEC_UART,	    /* registers, receive FIFO, counters */
	SEC_UART_BACKLOG,   /* console input waiting behind the FIFO */
	SEC_HEALTH,	    /* exit status, uptime, abort count */
	SEC_MEM,	    /* index: region; per page a tag (0 zero, 1 data) and its data */
	SEC_END,	    /* empty: the stream is complete */
	SEC_VIRTIO,	    /* index: the VM's virtio link end (config order): its device */
	SEC_VIRTIO_PENDING, /* index: as SEC_VIRTIO: bytes it sent the link still holds */
};

#define SNAP_VCPU_SIZE	 (24U + ARCH_VCPU_STATE_SIZE) /* state, 0, entry, context, arch */
#define SNAP_HEALTH_SIZE 48U
#define SNAP_VCPU_OFF	 0U
#define SNAP_VCPU_RUN	 1U
#define SNAP_VCPU_START	 2U /* turned on, not yet started: entry and context */

_Static_assert(SNAP_VCPU_SIZE <= SNAP_PAGE && IRQCHIP_SNAP_SIZE <= SNAP_PAGE &&
		   VPL011_BACKLOG <= SNAP_PAGE,
	       "each fixed-size section fits the one-page staging buffer");

/* The sections of a VM's stream, in stream order. */
struct snap_plan {
	u32 n;
	struct {
		u8 type, index;
	} s[2 * CONFIG_MAX_VCPUS + 5 + 2 * CONFIG_MAX_VIRTIO + SNAP_MAX_REGIONS];
};

/* A VM's memory as a stream lists it. */
struct snap_regions {
	u32 n;
	struct {
		u64 ipa, size;
		paddr_t phys;
	} r[SNAP_MAX_REGIONS];
};

/* The first 8 bytes of every stream: "TESSNAP" and a zero byte. */
extern const u8 snap_magic[8];

void snap_regions(const struct vm *vm, struct snap_regions *out);
void snap_plan(const struct vm *vm, u32 regions, struct snap_plan *out);
/* The header a VM of this shape has (everything but total size, name and hash). */
void snap_header_shape(const struct vm *vm, u8 *hdr);
bool snap_page_zero(paddr_t pa);
/* The n-th virtio link end of vm in config order (its link's type, window, SPI); false past
 * the last. */
bool snap_vlink_end(const struct vm *vm, u32 n, u32 *type, u64 *ipa, u32 *intid);
/* Counter ticks in microseconds. */
u64 snap_ticks_us(u64 t);

#endif
