/* SPDX-License-Identifier: MIT */
/*
 * Bulk transfers over the management channel, shared by `tessera ctl` and the dashboard:
 * a VM's snapshot out (ctl_snap.c), a snapshot in (restore) and a signed update bundle in
 * (ctl_update.c). Each opens its own connection. msg receives the final answer ("ok ..." or
 * the hypervisor's "err ...") or why there was none. They return 0, CTL_EXIT_ERR (an "err"
 * answer) or CTL_EXIT_CONN (no answer).
 */
#ifndef TESSERA_CTL_XFER_H
#define TESSERA_CTL_XFER_H

#include <stddef.h>
#include <stdio.h>

/* The snapshot stream of vm into out; name (or NULL) is what msg calls out. */
int ctl_snapshot_to(const char *sock, const char *vm, FILE *out, const char *name, long timeout_s,
		    char *msg, size_t msg_size);
/* Restores the stopped vm from the snapshot d[0..len); name (or NULL) as above. */
int ctl_restore_from(const char *sock, const char *vm, const unsigned char *d, size_t len,
		     const char *name, long timeout_s, char *msg, size_t msg_size);
/* Streams the update bundle b[0..size) for vm and commits it. */
int ctl_update_from(const char *sock, const char *vm, const unsigned char *b, size_t size,
		    long timeout_s, char *msg, size_t msg_size);

#endif
