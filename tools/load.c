/* SPDX-License-Identifier: MIT */
/*
 * Loading a config on the host: dtc compiles the .dts, then the shared
 * validator (src/core/config*.c) checks it exactly as the hypervisor will,
 * including the images, which are read relative to the .dts file.
 */
#include <errno.h>
#include <libgen.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layout.h"
#include "lib.h"
#include "tessera.h"

extern char **environ;

int tool_read_file(const char *path, u8 **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		return -1;
	}
	for (;;) {
		if (len == cap) {
			u8 *nb;
			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return -1;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			break;
		}
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return -1;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

int tool_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		return -1;
	}
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Runs `dtc -q -I dts -O dtb -o - path` and collects its output. dtc's own
 * messages go straight to our stderr. */
static int tool_dtc(const char *path, u8 **dtb, size_t *size)
{
	char *argv[] = {"dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", (char *)path, NULL};
	posix_spawn_file_actions_t fa;
	int fds[2], status, rc;
	size_t len = 0, cap = 0;
	u8 *buf = NULL;
	pid_t pid;

	if (pipe(fds) != 0) {
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	rc = posix_spawnp(&pid, "dtc", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		fprintf(stderr, "%s: cannot run dtc: %s (install device-tree-compiler)\n", path,
			strerror(rc));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16384;
			u8 *nb = realloc(buf, cap);
			if (!nb) {
				break;
			}
			buf = nb;
		}
		ssize_t n = read(fds[0], buf + len, cap - len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		len += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len == 0) {
		free(buf);
		fprintf(stderr, "%s: dtc failed\n", path);
		return -1;
	}
	*dtb = buf;
	*size = len;
	return 0;
}

static void tool_error(const struct tool_config *tc, const struct config_error *err)
{
	char line[512];

	config_format_error(line, sizeof(line), tc->dts_path, err);
	fprintf(stderr, "%s\n", line);
}

static struct tool_file *tool_find_file(struct tool_config *tc, const char *name)
{
	for (u32 i = 0; i < tc->file_count; i++) {
		if (strcmp(tc->files[i].name, name) == 0) {
			return &tc->files[i];
		}
	}
	return NULL;
}

/* Reads a file named by a VM property once, however many VMs name it. */
static struct tool_file *tool_get_file(struct tool_config *tc, const struct vm_cfg *vm,
				       const char *prop, const char *name)
{
	struct tool_file *f = tool_find_file(tc, name);
	struct config_error err = {{0}, {0}, {0}};
	char dir[4096], path[8192];

	if (f) {
		return f;
	}
	snprintf(dir, sizeof(dir), "%s", tc->dts_path);
	snprintf(path, sizeof(path), "%s/%s", dirname(dir), name);
	snprintf(err.node, sizeof(err.node), "/vms/%s", vm->name);
	snprintf(err.prop, sizeof(err.prop), "%s", prop);
	if (tc->file_count == ARRAY_SIZE(tc->files)) {
		snprintf(err.msg, sizeof(err.msg), "too many files for one system image (max %zu)",
			 ARRAY_SIZE(tc->files));
		tool_error(tc, &err);
		return NULL;
	}
	f = &tc->files[tc->file_count];
	if (tool_read_file(name[0] == '/' ? name : path, &f->data, &f->size) != 0) {
		fmt_snprintf(err.msg, sizeof(err.msg), "cannot read \"%s\": %s",
			     name[0] == '/' ? name : path, strerror(errno));
		tool_error(tc, &err);
		return NULL;
	}
	snprintf(f->name, sizeof(f->name), "%s", name);
	tc->file_count++;
	return f;
}

/* Same arithmetic as tool_build_pack: header and table, then each entry 4 KiB aligned. */
static u64 tool_pack_size(const struct tool_config *tc)
{
	u64 off = sizeof(struct pack_header) + (1 + tc->file_count) * sizeof(struct pack_entry);

	if (tc->with_manifest) {
		off += sizeof(struct pack_entry);
	}
	off = ALIGN_UP(off, PACK_ALIGN) + ALIGN_UP(tc->dtb_size, PACK_ALIGN);
	for (u32 i = 0; i < tc->file_count; i++) {
		off += ALIGN_UP(tc->files[i].size, PACK_ALIGN);
	}
	if (tc->with_manifest) {
		off += ALIGN_UP(PACK_MANIFEST_SIZE(1 + tc->file_count), PACK_ALIGN);
	}
	return off;
}

static int tool_parse(struct tool_config *tc)
{
	struct config_error err;

	if (config_platform(tc->dtb, tc->dtb_size, &tc->plat, &err) != 0 ||
	    config_parse(tc->dtb, tc->dtb_size, &tc->plat, &tc->cfg, &err) != 0) {
		tool_error(tc, &err);
		return -1;
	}
	return 0;
}

static bool tool_hyp_in_ram(const struct platform *p)
{
	for (u32 i = 0; i < p->ram_count; i++) {
		if (range_within(p->hyp_base, p->hyp_end - p->hyp_base, p->ram[i].base,
				 p->ram[i].size)) {
			return true;
		}
	}
	return false;
}

int tool_load(const char *dts, struct tool_config *tc)
{
	return tool_load_ex(dts, tc, false);
}

int tool_load_ex(const char *dts, struct tool_config *tc, bool with_manifest)
{
	struct config_error err;

	memset(tc, 0, sizeof(*tc));
	tc->dts_path = dts;
	tc->with_manifest = with_manifest;
	if (tool_dtc(dts, &tc->dtb, &tc->dtb_size) != 0 || tool_parse(tc) != 0) {
		return -1;
	}
	for (u32 i = 0; i < tc->cfg.vm_count; i++) {
		const struct vm_cfg *vm = &tc->cfg.vms[i];
		if (!tool_get_file(tc, vm, "image", vm->image) ||
		    (vm->initrd[0] && !tool_get_file(tc, vm, "initrd", vm->initrd))) {
			return -1;
		}
	}
	/* The hypervisor keeps everything up to the end of the system image
	 * (layout.h); now that its size is known, validate again with that. */
	tc->pack_size = tool_pack_size(tc);
	tc->plat.hyp_end = ALIGN_UP(LAYOUT_PACK_BASE + tc->pack_size, SZ_2M);
	if (!tool_hyp_in_ram(&tc->plat)) {
		fprintf(stderr, "%s: system image (%llu bytes) does not fit in platform RAM\n", dts,
			(unsigned long long)tc->pack_size);
		return -1;
	}
	if (config_parse(tc->dtb, tc->dtb_size, &tc->plat, &tc->cfg, &err) != 0) {
		tool_error(tc, &err);
		return -1;
	}
	for (u32 i = 0; i < tc->cfg.vm_count; i++) {
		const struct vm_cfg *vm = &tc->cfg.vms[i];
		const struct tool_file *img = tool_find_file(tc, vm->image);
		const struct tool_file *rd = vm->initrd[0] ? tool_find_file(tc, vm->initrd) : NULL;

		if (config_vm_layout(vm, img->data, img->size, rd ? rd->size : 0, &tc->layout[i],
				     &err) != 0) {
			tool_error(tc, &err);
			return -1;
		}
	}
	return 0;
}

void tool_free(struct tool_config *tc)
{
	for (u32 i = 0; i < tc->file_count; i++) {
		free(tc->files[i].data);
	}
	free(tc->dtb);
	memset(tc, 0, sizeof(*tc));
}
