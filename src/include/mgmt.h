/* SPDX-License-Identifier: MIT */
/*
 * Management channel: a line-based, versioned text protocol that controls the
 * VMs from outside the guests (docs/MANAGEMENT.md). The protocol (parser and
 * commands) is independent of its transport and runs on the host in unit tests
 * and the fuzz harness; in the hypervisor the transport is a virtio console
 * (drivers/virtio_console_driver.c) whose interrupt goes to CPU 0.
 */
#ifndef TESSERA_MGMT_H
#define TESSERA_MGMT_H

#include "types.h"

struct platform;

#define MGMT_VERSION  1
#define MGMT_LINE_MAX 128  /* request bytes before the '\n' */
#define MGMT_OUT_MAX  256  /* bytes of one response line, its newline included */
#define MGMT_KILL     0x15 /* Ctrl-U: discard the unfinished line (clients resync with it) */

/* Receives response bytes; each call holds one or more complete lines. */
typedef void (*mgmt_write_fn)(void *ctx, const char *s, size_t n);

struct mgmt_parser {
	char line[MGMT_LINE_MAX + 1];
	u32 len;
	bool overflow; /* the line passed MGMT_LINE_MAX: discard up to its '\n' */
	bool bad;      /* the line holds a byte that is not printable ASCII */
	u64 requests;  /* lines executed (including rejected ones) */
	u64 errors;    /* of which answered with "err" */
};

void mgmt_parser_reset(struct mgmt_parser *p);
/* Feeds received bytes; every complete request line is executed and answered through w. */
void mgmt_feed(struct mgmt_parser *p, const u8 *data, size_t n, mgmt_write_fn w, void *ctx);

/*
 * The hypervisor's channel (the transport glue in core/mgmt.c, hypervisor only).
 * mgmt_init() looks for a virtio console among the board's (platform_from_dtb) that no VM was
 * given and starts it; mgmt_irq() serves its interrupt (any other intid is
 * ignored). Both run on CPU 0.
 */
void mgmt_init(const struct platform *plat);
void mgmt_irq(u32 intid);
bool mgmt_present(void);

struct vm;
/* TESSERA_HC_MANAGE from a VM (docs/HYPERCALLS.md): op on VM index target. DENIED without the
 * manage capability, INVALID for itself or a bad index/op, BUSY if another management
 * operation runs, WRONG_STATE if the command was refused; for STATE the target's state. */
s64 mgmt_guest_call(struct vm *caller, u64 op, u64 target);

#endif
