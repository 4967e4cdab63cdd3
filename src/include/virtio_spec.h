/* SPDX-License-Identifier: MIT */
/*
 * Facts of the virtio 1.x specification (Virtio 1.2, sections cited below) that
 * both sides of a virtio-mmio device use: the register map, status, interrupt
 * and feature bits, the split-virtqueue descriptor, and the console and net
 * device constants. The one definition for the device models (src/vdev/
 * virtio_mmio.c, vlink_*.c), the hypervisor's own driver
 * (src/drivers/virtio_console_driver.c) and the guest kit (guests/kit/virtio.c).
 * Types only from types.h: it compiles in every layer, guests included.
 */
#ifndef TESSERA_VIRTIO_SPEC_H
#define TESSERA_VIRTIO_SPEC_H

#include "types.h"

/* virtio-mmio register map (4.2.2). */
#define VMMIO_MAGIC		0x000
#define VMMIO_VERSION		0x004
#define VMMIO_DEVICE_ID		0x008
#define VMMIO_VENDOR_ID		0x00c
#define VMMIO_DEVICE_FEATURES	0x010
#define VMMIO_DEVICE_FEAT_SEL	0x014
#define VMMIO_DRIVER_FEATURES	0x020
#define VMMIO_DRIVER_FEAT_SEL	0x024
#define VMMIO_QUEUE_SEL		0x030
#define VMMIO_QUEUE_NUM_MAX	0x034
#define VMMIO_QUEUE_NUM		0x038
#define VMMIO_QUEUE_READY	0x044
#define VMMIO_QUEUE_NOTIFY	0x050
#define VMMIO_INTERRUPT_STATUS	0x060
#define VMMIO_INTERRUPT_ACK	0x064
#define VMMIO_STATUS		0x070
#define VMMIO_QUEUE_DESC_LOW	0x080
#define VMMIO_QUEUE_DESC_HIGH	0x084
#define VMMIO_QUEUE_DRIVER_LOW	0x090
#define VMMIO_QUEUE_DRIVER_HIGH 0x094
#define VMMIO_QUEUE_DEVICE_LOW	0x0a0
#define VMMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VMMIO_CONFIG_GEN	0x0fc
#define VMMIO_CONFIG		0x100

#define VMMIO_MAGIC_VALUE 0x74726976U /* "virt" */
#define VMMIO_VENDOR	  0x53534554U /* "TESS" (Tessera's emulated devices) */
#define VMMIO_WINDOW_SIZE 0x200ULL    /* registers + config space */

/* Device IDs (5). */
#define VIRTIO_ID_NET	  1U
#define VIRTIO_ID_CONSOLE 3U

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	 1U
#define VIRTIO_STATUS_DRIVER		 2U
#define VIRTIO_STATUS_DRIVER_OK		 4U
#define VIRTIO_STATUS_FEATURES_OK	 8U
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64U
#define VIRTIO_STATUS_FAILED		 128U

/* InterruptStatus bits (4.2.2). */
#define VMMIO_INT_VRING	 1U
#define VMMIO_INT_CONFIG 2U

/* Feature bits (6). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX     29
#define VIRTIO_F_VERSION_1     32

/* Split virtqueue (2.7). */
#define VIRTQ_DESC_F_NEXT	   1U
#define VIRTQ_DESC_F_WRITE	   2U
#define VIRTQ_DESC_F_INDIRECT	   4U
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1U

struct virtq_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

/* Console (5.3.2, no VIRTIO_CONSOLE_F_MULTIPORT): port 0 only. */
#define VIRTIO_CONSOLE_RXQ 0U /* receiveq */
#define VIRTIO_CONSOLE_TXQ 1U /* transmitq */

/* Net (5.1): queues (5.1.2, no VIRTIO_NET_F_MQ), device features (5.1.3; no offloads, no
 * VIRTIO_NET_F_MRG_RXBUF), status (5.1.4). */
#define VIRTIO_NET_RXQ	     0U /* receiveq1 */
#define VIRTIO_NET_TXQ	     1U /* transmitq1 */
#define VIRTIO_NET_F_MAC     5
#define VIRTIO_NET_F_STATUS  16
#define VIRTIO_NET_S_LINK_UP 1U
/* struct virtio_net_hdr (5.1.6) with VIRTIO_F_VERSION_1: num_buffers is always there. */
#define VNET_HDR_LEN	     12U
#define VNET_HDR_NUM_BUFFERS 10U /* offset of le16 num_buffers */
/* Ethernet frame (without FCS): destination, source, type... up to a 1500-byte payload
 * with one 802.1Q tag. Linux's "small" receive buffers hold exactly this (12 + 1518). */
#define VNET_MIN_FRAME 14U
#define VNET_MAX_FRAME 1518U

#endif
