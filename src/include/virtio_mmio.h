/* SPDX-License-Identifier: MIT */
/*
 * Device side of the virtio 1.x MMIO transport (Virtio 1.2, section 4.2.2:
 * modern interface, Version register 2) and a split-virtqueue walker (2.7)
 * that reads a VM's descriptors through a translation callback. Everything a
 * driver writes is hostile: a bad queue layout, descriptor, chain or state
 * transition marks the device DEVICE_NEEDS_RESET (2.1.2) and raises a
 * configuration-change interrupt, and the device then does nothing until the
 * driver resets it. No VIRTIO_F_INDIRECT_DESC, no VIRTIO_F_EVENT_IDX.
 *
 * The transport knows nothing of VMs: its owner provides translation
 * (guest-physical -> pointer, only inside that VM's RAM), the interrupt line
 * and the device type's hooks (vmmio_ops). It compiles on the host for unit
 * tests. Locking is the owner's: every call here runs under its lock.
 */
#ifndef TESSERA_VIRTIO_MMIO_H
#define TESSERA_VIRTIO_MMIO_H

#include "types.h"
#include "virtio_spec.h"

#define VMMIO_MAX_QUEUES 2
#define VMMIO_QUEUE_MAX	 64 /* QueueNumMax: a power of two */

/* One buffer of a validated chain, already translated. */
struct vmmio_seg {
	u8 *ptr;
	u32 len;
	bool write; /* device-writable */
};

/* A chain taken from the available ring by vmmio_vq_peek, snapshotted: the driver may
 * rewrite its descriptors afterwards, the device only uses this copy. */
struct vmmio_chain {
	u16 head;
	u32 nseg;
	u32 rd_len; /* bytes in the device-readable part */
	u32 wr_len; /* bytes in the device-writable part */
	/* The device's vmmio_ops.wrote and ctx, for vmmio_chain_write. */
	void (*dev_wrote)(void *ctx, const void *p, u32 n);
	void *ctx;
	struct vmmio_seg seg[VMMIO_QUEUE_MAX];
};

struct vmmio_queue {
	u32 num;
	bool ready;
	u64 desc_gpa, driver_gpa, device_gpa;
	/* Set when the queue becomes ready, after checking each area is in guest RAM. */
	struct virtq_desc *desc;
	u8 *avail; /* flags, idx, ring[num] (le16) */
	u8 *used;  /* flags, idx, ring[num] of {id le32, len le32} */
	u16 last_avail;
	u16 used_idx;
	u32 gen; /* bumped each time the queue is reset (QueueReady = 0, device reset) */
};

struct vmmio_dev;

struct vmmio_ops {
	/* Pointer to guest-physical [gpa, gpa+size) if wholly inside the VM's RAM, else NULL. */
	void *(*xlate)(void *ctx, u64 gpa, u64 size);
	/* The interrupt line is now level (InterruptStatus != 0). */
	void (*irq)(void *ctx, bool level);
	/* The driver notified queue q (already checked: DRIVER_OK, no NEEDS_RESET, ready). */
	void (*notify)(struct vmmio_dev *d, u32 q);
	/* The driver reset the device (Status = 0) or the device was reset from outside. */
	void (*reset)(struct vmmio_dev *d);
	/* Device-specific config space byte (0 if NULL or beyond it). */
	u8 (*config_byte)(struct vmmio_dev *d, u32 off);
	/* The device wrote n bytes at p (a pointer xlate gave) into guest RAM; may be NULL. */
	void (*wrote)(void *ctx, const void *p, u32 n);
};

struct vmmio_dev {
	u32 device_id;
	u64 features; /* offered; VIRTIO_F_VERSION_1 is always added */
	u32 nqueues;
	const struct vmmio_ops *ops;
	void *ctx;
	/* Driver-visible state. */
	u32 status;
	u32 isr;
	u32 dev_feat_sel, drv_feat_sel, queue_sel;
	u64 drv_features;
	u32 config_gen;
	struct vmmio_queue q[VMMIO_MAX_QUEUES];
	/* Diagnostics. */
	u32 errors;
	const char *last_error;
	/* Set by the owner while the device's VM is being captured or restored (its RAM and
	 * device state must stand still): the walker then finds no chain to take. */
	bool frozen;
};

/* Sets up a device (reset state). */
void vmmio_init(struct vmmio_dev *d, u32 device_id, u64 features, u32 nqueues,
		const struct vmmio_ops *ops, void *ctx);
/* Back to the reset state (driver wrote Status 0, or the VM was reset). */
void vmmio_reset(struct vmmio_dev *d);
/* Register access at off (< VMMIO_WINDOW_SIZE). Registers are 32-bit wide; narrower or
 * wider accesses read as zero and are ignored, except in the config space. */
void vmmio_access(struct vmmio_dev *d, u64 off, u32 size, bool write, u64 *val);
/* True if the driver is running the device: DRIVER_OK and not NEEDS_RESET. */
bool vmmio_live(const struct vmmio_dev *d);
/* Marks the device broken: NEEDS_RESET + configuration-change interrupt. */
void vmmio_fail(struct vmmio_dev *d, const char *why);

/*
 * Next available chain of queue q, validated and translated into *c but not consumed:
 * 1 if one, 0 if the ring is empty (or the queue/device is not live), -1 if the
 * driver broke the rules (device now NEEDS_RESET).
 */
int vmmio_vq_peek(struct vmmio_dev *d, u32 q, struct vmmio_chain *c);
/* Copies from the readable part at off / into the writable part at off; bytes done. */
u32 vmmio_chain_read(const struct vmmio_chain *c, u32 off, void *dst, u32 n);
u32 vmmio_chain_write(const struct vmmio_chain *c, u32 off, const void *src, u32 n);
/* Consumes the chain peeked last and puts it in the used ring with `written` bytes.
 * Returns true if the driver wants an interrupt for it (caller may batch, then call
 * vmmio_vq_interrupt once). */
bool vmmio_vq_complete(struct vmmio_dev *d, u32 q, const struct vmmio_chain *c, u32 written);
/* Used buffers were added: InterruptStatus bit 0 and the line. */
void vmmio_vq_interrupt(struct vmmio_dev *d);

/*
 * Snapshots (docs/SNAPSHOT.md, section "virtio"): the driver-visible state, VMMIO_SNAP_SIZE
 * bytes, little-endian: u32 Status, InterruptStatus, DeviceFeaturesSel, DriverFeaturesSel,
 * QueueSel, ConfigGeneration, u64 DriverFeatures, then per queue (VMMIO_MAX_QUEUES) u32
 * QueueNum, u32 QueueReady, u64 descriptor, driver and device area, u16 next available
 * index, u16 used index, u32 0.
 */
#define VMMIO_SNAP_QUEUE 40U
#define VMMIO_SNAP_SIZE	 (32U + VMMIO_MAX_QUEUES * VMMIO_SNAP_QUEUE)
void vmmio_snap_put(const struct vmmio_dev *d, u8 *out);
/*
 * Loads a state from a hostile stream into a device in the reset state: only what a driver's
 * writes could have made (a ready queue is mapped again exactly as QueueReady = 1 does, so
 * its areas lie wholly in the VM's RAM; the indices agree). 0, or -1 with *why (the device
 * stays reset). No interrupt is raised: the owner sets the line from InterruptStatus.
 */
int vmmio_snap_get(struct vmmio_dev *d, const u8 *in, const char **why);

#endif
