/* SPDX-License-Identifier: MIT */
/*
 * Host CLI `tessera`: one file per subcommand (cmd_check.c, cmd_pack.c,
 * cmd_run.c, cmd_dump.c, cmd_ctl.c with its output in ctl_fmt.c) over a shared
 * loader (load.c) that compiles the config with dtc and validates it with the
 * same src/core/config*.c the hypervisor boots with.
 */
#ifndef TESSERA_TOOL_H
#define TESSERA_TOOL_H

#include <stddef.h>
#include <stdio.h>
#include "config.h"
#include "pack.h"

struct tool_file {
	char name[CONFIG_PATH_MAX]; /* the property string: the pack entry name */
	u8 *data;
	size_t size;
};

struct tool_config {
	const char *dts_path;
	u8 *dtb;
	size_t dtb_size;
	struct platform plat;
	struct config cfg;
	struct vm_layout layout[CONFIG_MAX_VMS];
	u32 file_count;
	struct tool_file files[PACK_MAX_ENTRIES - 2]; /* config.dtb and a manifest besides */
	u64 pack_size;
	bool with_manifest; /* pack_size counts a manifest entry (signed pack) */
};

/* `pack --sign KEY [--version N]` (and the same options of `run`). */
struct tool_sign {
	const char *key_path; /* NULL: unsigned */
	u64 version;
};

/* Compiles, parses and validates dts with every image it names; prints the
 * first problem as "FILE: NODE: PROP: message" to stderr. 0 or -1. */
int tool_load(const char *dts, struct tool_config *tc);
/* The same, sizing the pack for a manifest entry when with_manifest. */
int tool_load_ex(const char *dts, struct tool_config *tc, bool with_manifest);
void tool_free(struct tool_config *tc);
/* File bytes in a malloc'd buffer; 0 or -1 with errno set. */
int tool_read_file(const char *path, u8 **data, size_t *size);
int tool_write_file(const char *path, const void *data, size_t size);
/* The system image for a loaded config, malloc'd (pack.h format); signed with sign's key
 * (the config must have been loaded with_manifest) unless sign is NULL or has no key. */
int tool_build_pack(const struct tool_config *tc, const struct tool_sign *sign, u8 **out,
		    size_t *size);
/* Loads dts and writes its pack to out, signed if sign names a key; 0 or -1 (printed). */
int tool_pack_to(const char *dts, const char *out, struct tool_config *tc,
		 const struct tool_sign *sign);
/* Parses "--sign KEY" / "--version N" at argv[*i] (advancing *i): 1 taken, 0 not one of
 * them, -1 bad value (printed). */
int tool_sign_option(int argc, char **argv, int *i, struct tool_sign *sign);
/* A public key file (tessera keygen's OUT.pub) into key; 0 or -1 (printed). */
int tool_read_public_key(const char *path, u8 key[32]);
/* Ed25519-signs len bytes with the secret key file (tessera keygen); 0 or -1 (printed). */
int tool_sign_bytes(const char *key_path, const void *msg, size_t len, u8 sig[64]);

int cmd_check(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
/* `tessera ctl console VM` (cmd_console.c): exit status as ctl's. */
int ctl_console(const char *sock, const char *vm, long timeout_s);
/* `tessera ctl log [--follow]` (cmd_log.c). */
int ctl_log(const char *sock, bool follow, long timeout_s);
/* `tessera ctl snapshot VM -o FILE`, `tessera ctl restore VM FILE` (ctl_snap.c). */
int ctl_snapshot(const char *sock, const char *vm, const char *path, long timeout_s);
int ctl_restore(const char *sock, const char *vm, const char *path, long timeout_s);
/* `tessera ctl gdb VM --listen HOST:PORT` (cmd_gdb.c): argv[0] is "gdb". Exit status as ctl's. */
int ctl_gdb(const char *sock, int argc, char **argv, long timeout_s);
/* `tessera ctl trace dump -o FILE` (ctl_trace.c): the Chrome JSON trace of every CPU's ring. */
int ctl_trace_dump(const char *sock, int argc, char **argv, long timeout_s);
/* `tessera ctl top` and the exit-rate table of `ctl stats` (ctl_top.c). */
struct ctl_sample;
void ctl_exits_table(FILE *f, const struct ctl_sample *prev, const struct ctl_sample *now);
int ctl_top(const char *sock, int argc, char **argv, long interval_ms, long timeout_s);
int cmd_keygen(int argc, char **argv);
/* `tessera migrate VM --from SOCK_A --to SOCK_B` (cmd_migrate.c, docs/SNAPSHOT.md). */
int cmd_migrate(int argc, char **argv);
/* `tessera pack --update VM ...` and `tessera ctl update VM BUNDLE` (cmd_update.c). */
int cmd_pack_update(int argc, char **argv);
int ctl_update(const char *sock, const char *vm, const char *path, long timeout_s);

#endif
