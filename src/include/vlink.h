/* SPDX-License-Identifier: MIT */
/*
 * Virtio links (docs/VIRTIO.md): a configured /virtio entry joins two VMs with
 * one emulated virtio-mmio device in each, a console (src/vdev/vlink_console.c)
 * or a network card (src/vdev/vlink_net.c). src/vdev/vlink.c owns what every
 * kind shares: the link table, each link's lock, the MMIO lookup, setup and the
 * per-VM reset. Core reaches the links only through this header.
 */
#ifndef TESSERA_VLINK_H
#define TESSERA_VLINK_H

#include "config.h"
#include "tessera_features.h"
#include "types.h"

struct vmmio_dev;

/* Bytes a console link holds in the hypervisor per direction when the receiver has no
 * buffers. */
#define VLINK_BUF 4096U

/* A link end's snapshot section (docs/SNAPSHOT.md "The virtio sections"): 48 bytes of the
 * link's, then the transport's VMMIO_SNAP_SIZE (112). */
#define VLINK_SNAP_SIZE	   160U
#define VLINK_SNAP_VERSION 1U

/*
 * What the core provides: a VM's RAM and its vGIC. irq runs on whichever CPU pumps the
 * link (either end's), so it brackets the peer's vGIC with the lifecycle protocol
 * (vm_access_begin/end): the one such bracket of the virtio links.
 */
struct vlink_env {
	/* Pointer to guest-physical [gpa, gpa+size) of VM vm if wholly in its RAM, else NULL. */
	void *(*xlate)(u32 vm, u64 gpa, u64 size);
	/* Drives SPI intid of VM vm (level-sensitive). */
	void (*irq)(u32 vm, u32 intid, bool level);
	/* The link wrote n bytes at p (from xlate) into VM vm's RAM; may be NULL. */
	void (*wrote)(u32 vm, const void *p, u32 n);
};

/* Per end of a net link: what happened to the frames this end transmitted (what it received
 * is its peer's tx_frames and tx_bytes). */
struct vnet_stats {
	u64 tx_bytes;	/* Ethernet bytes (no virtio-net header) of the tx_frames */
	u32 tx_frames;	/* delivered into the peer's receive buffer */
	u32 drop_bad;	/* malformed: shorter than header + 14 or longer than header + 1518 */
	u32 drop_nobuf; /* the peer had no receive buffer (not running, or all in use) */
	u32 drop_nofit; /* the peer's next receive buffer is smaller than header + frame */
};

#if TESSERA_FEAT_VIRTIO
/* Builds the links of cfg (its virtio entries, every kind), every device in the reset
 * state. The MAC of end e of a net link that is virtio entry l is 52:54:00:7e:l:e. */
void vlink_setup(const struct config *cfg, const struct vlink_env *env);
/* An access by VM vm at ipa: false if no virtio window of vm is there. */
bool vlink_mmio(u32 vm, u64 ipa, u32 size, bool write, u64 *val);
/* VM vm was reset: its devices go back to the reset state (console bytes in flight are
 * kept). */
void vlink_vm_reset(u32 vm);

/* Counters of end `end` of the n-th net link (in config order); false if none. */
bool vnet_get_stats(u32 n, u32 end, struct vnet_stats *out);

/*
 * Snapshots (docs/SNAPSHOT.md "The virtio sections"). A VM's ends are numbered in config
 * order (a VM is at most one end of a link). The far end is never captured: a capture or a
 * restore freezes only this VM's ends (the link then neither takes from nor delivers into
 * them; a console's bytes for them wait, a net frame for them is dropped as with no receive
 * buffer) and the thaw reconnects them to the link as it is then.
 */
u32 vlink_vm_ends(u32 vm);
void vlink_vm_freeze(u32 vm);
/* Unfreezes VM vm's ends, sets each interrupt line from InterruptStatus and moves what waits
 * (console bytes both ways, frames the VM queued). The VM is running or paused. */
void vlink_vm_thaw(u32 vm);
/* End n of frozen VM vm: its section (VLINK_SNAP_SIZE bytes) into out and the bytes it sent
 * that the link still holds for the peer into pend (VLINK_BUF); returns their count. */
u32 vlink_snap_put(u32 vm, u32 n, u8 *out, u8 *pend);
/* A section from a hostile stream into end n of VM vm (being restored: its devices reset):
 * checked against the end's configured shape and what a driver could have made, then
 * installed, the end frozen until vlink_vm_thaw. *pending: the count of bytes the section
 * announces (vlink_snap_pending). 0, or -1 with *why (the end stays reset). */
int vlink_snap_get(u32 vm, u32 n, const u8 *in, u32 *pending, const char **why);
/* The bytes end n had sent that waited for its peer at the capture replace what the link
 * holds from that end now (the restored run's output; the abandoned run's is dropped). */
void vlink_snap_pending(u32 vm, u32 n, const u8 *p, u32 len);
#else /* no virtio links in this build (tessera_features.h): the config checker refuses them */
static inline void vlink_setup(const struct config *cfg, const struct vlink_env *env)
{
	(void)cfg, (void)env;
}
static inline bool vlink_mmio(u32 vm, u64 ipa, u32 size, bool write, u64 *val)
{
	(void)vm, (void)ipa, (void)size, (void)write, (void)val;
	return false;
}
static inline void vlink_vm_reset(u32 vm)
{
	(void)vm;
}
static inline bool vnet_get_stats(u32 n, u32 end, struct vnet_stats *out)
{
	(void)n, (void)end, (void)out;
	return false;
}
static inline u32 vlink_vm_ends(u32 vm)
{
	(void)vm;
	return 0;
}
static inline void vlink_vm_freeze(u32 vm)
{
	(void)vm;
}
static inline void vlink_vm_thaw(u32 vm)
{
	(void)vm;
}
static inline u32 vlink_snap_put(u32 vm, u32 n, u8 *out, u8 *pend)
{
	(void)vm, (void)n, (void)out, (void)pend;
	return 0;
}
static inline int vlink_snap_get(u32 vm, u32 n, const u8 *in, u32 *pending, const char **why)
{
	(void)vm, (void)n, (void)in, (void)pending;
	*why = "no virtio links in this build";
	return -1;
}
static inline void vlink_snap_pending(u32 vm, u32 n, const u8 *p, u32 len)
{
	(void)vm, (void)n, (void)p, (void)len;
}
#endif

#endif
