/* SPDX-License-Identifier: MIT */
/*
 * Tessera hypercall ABI (SMCCC 1.1 fast calls, vendor-specific hypervisor
 * service range, owner 6): HVC #0 with the function ID in w0, arguments in
 * x1..x6, results in x0..x3. Shared by the hypervisor and the guest kit.
 * Documented in docs/HYPERCALLS.md.
 */
#ifndef TESSERA_ABI_H
#define TESSERA_ABI_H

#define TESSERA_HC_BASE		  0xC6000000U
#define TESSERA_HC_VERSION	  0xC6000000U /* -> x0 = (major << 16) | minor */
#define TESSERA_HC_FEATURES	  0xC6000001U /* x1 = function ID -> 0 or NOT_SUPPORTED */
#define TESSERA_HC_VM_ID	  0xC6000002U /* -> x0 = VM index, x1 = vCPU index, x2 = vCPU count */
#define TESSERA_HC_CHANNEL_NOTIFY 0xC6000003U /* x1 = channel id */
#define TESSERA_HC_HEARTBEAT	  0xC6000004U /* watchdog kick */
#define TESSERA_HC_EXIT_STATUS	  0xC6000005U /* x1 = reason, x2 = code: "why I stop" */
#define TESSERA_HC_TRACE	  0xC6000006U /* x1 = marker value, logged with a timestamp */
#define TESSERA_HC_MANAGE	  0xC6000007U /* x1 = operation, x2 = target VM index */
#define TESSERA_HC_MEASUREMENT	  0xC6000008U /* x1 = index, x2 = half -> kind, 16 hash bytes */
#define TESSERA_HC_UPDATE_CONFIRM 0xC6000009U /* the updated image works: end its trial */
#define TESSERA_HC_GENERATION_ID  0xC600000AU /* -> x0 = 0, x1 = the VM's generation id */
#define TESSERA_HC_CHECKPOINT	  0xC600000BU /* take a checkpoint of this VM (asynchronous) */
#define TESSERA_HC_COUNT	  12U

/* TESSERA_HC_MEASUREMENT (docs/HYPERCALLS.md): x1 = this index reads the running digest
 * (x0 = the number of entries in the whole log); x0 of an entry is its kind. */
#define TESSERA_MEASURE_DIGEST	   0xffffffffULL
#define TESSERA_MEASURE_HYPERVISOR 1
#define TESSERA_MEASURE_CONFIG	   2
#define TESSERA_MEASURE_IMAGE	   3
#define TESSERA_MEASURE_INITRD	   4
#define TESSERA_MEASURE_DTB	   5

/* TESSERA_HC_TRACE markers (ASCII "SHARE" + 1 / 0) that open and close the counting window
 * of the benchmark build's cross-CPU sharing counters (share_stats.h); the product build
 * prints them like any marker. */
#define SHARE_MARK_OPEN	 0x5348415245000001ULL
#define SHARE_MARK_CLOSE 0x5348415245000000ULL

/* TESSERA_HC_MANAGE operations (docs/HYPERCALLS.md). STATE returns the target's state. */
#define TESSERA_MANAGE_STATE   0U
#define TESSERA_MANAGE_START   1U
#define TESSERA_MANAGE_STOP    2U
#define TESSERA_MANAGE_RESTART 3U
#define TESSERA_MANAGE_PAUSE   4U
#define TESSERA_MANAGE_RESUME  5U
/* TESSERA_MANAGE_STATE results. */
#define TESSERA_VM_RUNNING   0
#define TESSERA_VM_STOPPED   1
#define TESSERA_VM_RESETTING 2
#define TESSERA_VM_PAUSED    3
#define TESSERA_VM_STUCK     4

#define TESSERA_ABI_MAJOR 1U
#define TESSERA_ABI_MINOR 4U
/* What TESSERA_HC_VERSION returns in x0. */
#define TESSERA_ABI_VERSION ((TESSERA_ABI_MAJOR << 16) | TESSERA_ABI_MINOR)

/* Return codes (SMCCC: negative values in x0). */
#define TESSERA_OK	      0
#define TESSERA_NOT_SUPPORTED (-1)
#define TESSERA_INVALID	      (-2)
#define TESSERA_DENIED	      (-3)
#define TESSERA_WRONG_STATE   (-4) /* the VM is not in a state the operation applies to */
#define TESSERA_BUSY	      (-5) /* another management operation is in progress: retry */

/* Exit reasons for TESSERA_HC_EXIT_STATUS. */
#define TESSERA_EXIT_NORMAL	 0U
#define TESSERA_EXIT_PANIC	 1U
#define TESSERA_EXIT_TEST_FAILED 2U

#endif
