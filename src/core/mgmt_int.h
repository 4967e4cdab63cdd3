/* SPDX-License-Identifier: MIT */
/*
 * Internal to the management code: the protocol side (mgmt.c: parser, dispatch,
 * the hypervisor's channel) and the operations it runs (mgmt_ops.c: the VM
 * commands, statistics, and the same operations by hypercall).
 */
#ifndef TESSERA_MGMT_INT_H
#define TESSERA_MGMT_INT_H

#include "mgmt.h"
#include "vm.h"

/* Where a command's response lines go. */
struct mgmt_out {
	mgmt_write_fn w;
	void *ctx;
	const struct mgmt_parser *p; /* for the request counters in stats */
	bool err;
};

/* One response line; longer output is cut (names and numbers fit easily). */
void mgmt_line(struct mgmt_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The final "err <code> <message>" line of a failed command. */
#define mgmt_err(o, code, ...)                               \
	do {                                                 \
		(o)->err = true;                             \
		mgmt_line((o), "err " code " " __VA_ARGS__); \
	} while (0)

/* Request frames (mgmt_frame.c): back to no frame; the bytes of the frame being received
 * from d[0..n) (d[0] is not MGMT_KILL), how many were taken. */
void mgmt_frame_reset(struct mgmt_parser *p);
size_t mgmt_frame_feed(struct mgmt_parser *p, const u8 *d, size_t n, mgmt_write_fn w, void *ctx);
/* A response frame (mgmt.h "Frames"): mgmt_frame_payload() is where its payload goes (up to
 * MGMT_FRAME_MAX bytes), mgmt_frame_send() adds the header and CRC and writes it. */
u8 *mgmt_frame_payload(void);
void mgmt_frame_send(struct mgmt_out *o, u8 kind, u32 len);

/* A command: global (no VM) or on a named VM (MGMT_CMD_VM). */
#define MGMT_CMD_VM	  0x1  /* takes NAME: run.on_vm */
#define MGMT_CMD_ARG	  0x2  /* global, with one optional argument ("hello [TOKEN]") */
#define MGMT_CMD_NO_CLAIM 0x4  /* changes no VM state: no operation lock */
#define MGMT_CMD_VM_ARG	  0x8  /* NAME and exactly one more argument: run.on_vm_arg */
#define MGMT_CMD_ARGV	  0x10 /* global, checks its own arguments (up to 3): "trace" */
struct mgmt_cmd {
	const char *name;
	union {
		void (*global)(struct mgmt_out *o, char **argv);
		void (*on_vm)(struct mgmt_out *o, struct vm *vm);
		void (*on_vm_arg)(struct mgmt_out *o, struct vm *vm, const char *arg);
	} run;
	u32 flags;
	u32 cls; /* MGMT_CLASS_* (config.h) the channel's /management allow must name; 0: always */
};
extern const struct mgmt_cmd mgmt_commands[];
extern const u32 mgmt_command_count;

struct vm *mgmt_vm_named(const char *name);

/* The console and log commands (mgmt_console.c, docs/MANAGEMENT.md): the per-VM output
 * history, input to a VM's UART, and the hypervisor's log. */
void mgmt_console_read(struct mgmt_out *o, struct vm *vm, const char *from);
void mgmt_console_write(struct mgmt_out *o, struct vm *vm, const char *hex);
void mgmt_log(struct mgmt_out *o, char **argv);
/* The snapshot commands (mgmt_snap.c, docs/SNAPSHOT.md). */
void mgmt_snapshot_begin(struct mgmt_out *o, struct vm *vm);
void mgmt_snapshot_read(struct mgmt_out *o, struct vm *vm, const char *pos);
void mgmt_snapshot_end(struct mgmt_out *o, struct vm *vm);
void mgmt_restore_begin(struct mgmt_out *o, struct vm *vm);
void mgmt_restore_data(struct mgmt_out *o, struct vm *vm, const char *b64);
void mgmt_restore_end(struct mgmt_out *o, struct vm *vm);
/* snapshot-fetch NAME POS: the stream from POS as one frame 's'; frame 'r': restore data. */
void mgmt_snapshot_fetch(struct mgmt_out *o, struct vm *vm, const char *pos);
void mgmt_restore_frame(struct mgmt_out *o, struct vm *vm, const u8 *d, u32 n);
/* The live-migration commands (mgmt_migrate.c, docs/SNAPSHOT.md "Live migration"). */
void mgmt_dirty_start(struct mgmt_out *o, struct vm *vm);
void mgmt_dirty_collect(struct mgmt_out *o, struct vm *vm, const char *from);
void mgmt_dirty_stop(struct mgmt_out *o, struct vm *vm);
void mgmt_mem_read(struct mgmt_out *o, struct vm *vm, const char *arg);
void mgmt_mem_write(struct mgmt_out *o, struct vm *vm, const char *arg);
/* mem-fetch NAME P[+N]: pages as one frame 'm'; frame 'w': pages into a migrating slot. */
void mgmt_mem_fetch(struct mgmt_out *o, struct vm *vm, const char *arg);
void mgmt_mem_frame(struct mgmt_out *o, struct vm *vm, const u8 *d, u32 n);
void mgmt_migrate_in(struct mgmt_out *o, struct vm *vm);
void mgmt_migrate_cancel(struct mgmt_out *o, struct vm *vm);
void mgmt_migrate_done(struct mgmt_out *o, struct vm *vm);
void mgmt_snapshot_begin_state(struct mgmt_out *o, struct vm *vm);
void mgmt_clone(struct mgmt_out *o, struct vm *vm, const char *target);
void mgmt_checkpoint(struct mgmt_out *o, struct vm *vm);
void mgmt_rollback(struct mgmt_out *o, struct vm *vm);
/* "gdb NAME OP[,ARG...]": a debugger's requests (mgmt_gdb.c, docs/DEBUGGING.md). */
void mgmt_gdb(struct mgmt_out *o, struct vm *vm, const char *arg);
/* The update commands (mgmt_update.c, docs/MANAGEMENT.md "Signed updates"); built with
 * TESSERA_VBOOT only (measure.h). */
void mgmt_update_begin(struct mgmt_out *o, struct vm *vm, const char *arg);
void mgmt_update_data(struct mgmt_out *o, struct vm *vm, const char *hex);
void mgmt_update_commit(struct mgmt_out *o, struct vm *vm);
void mgmt_update_confirm(struct mgmt_out *o, struct vm *vm);
void mgmt_update_status(struct mgmt_out *o, struct vm *vm);
/* A decimal u64 of 1..20 digits without overflow; false otherwise. */
bool mgmt_parse_u64(const char *s, u64 *v);

/* The exit statistics lines of stats (mgmt_stats.c) and the trace commands (mgmt_trace.c:
 * "trace start|stop|read CPU FROM"). */
void mgmt_stats_exits(struct mgmt_out *o);
void mgmt_trace(struct mgmt_out *o, char **argv);

/* One VM-changing operation at a time, system-wide (mgmt_ops.c explains why). */
bool mgmt_op_claim(void);
void mgmt_op_release(void);

#endif
