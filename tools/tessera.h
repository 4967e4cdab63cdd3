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
	struct tool_file files[PACK_MAX_ENTRIES - 1];
	u64 pack_size;
};

/* Compiles, parses and validates dts with every image it names; prints the
 * first problem as "FILE: NODE: PROP: message" to stderr. 0 or -1. */
int tool_load(const char *dts, struct tool_config *tc);
void tool_free(struct tool_config *tc);
/* File bytes in a malloc'd buffer; 0 or -1 with errno set. */
int tool_read_file(const char *path, u8 **data, size_t *size);
int tool_write_file(const char *path, const void *data, size_t size);
/* The system image for a loaded config, malloc'd (pack.h format). */
int tool_build_pack(const struct tool_config *tc, u8 **out, size_t *size);
/* Loads dts and writes its pack to out; 0 or -1 (message printed). */
int tool_pack_to(const char *dts, const char *out, struct tool_config *tc);

int cmd_check(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_ctl(int argc, char **argv);
/* `tessera ctl console VM` (cmd_console.c): exit status as ctl's. */
int ctl_console(const char *sock, const char *vm, long timeout_s);
/* `tessera ctl log [--follow]` (cmd_log.c). */
int ctl_log(const char *sock, bool follow, long timeout_s);

#endif
