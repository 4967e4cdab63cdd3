/* SPDX-License-Identifier: MIT */
/*
 * Signed single-VM updates on the host (docs/SECURITY.md "Signed updates"):
 * `tessera pack --update VM --sign KEY --version N [CONFIG.dts] [--image FILE] -o BUNDLE`
 * writes a bundle (update_format.h) with VM's image (the one CONFIG.dts names, or FILE; with
 * a config the image is laid out in the VM's RAM as the hypervisor will);
 * `tessera ctl update VM BUNDLE` streams it over the management channel (update-begin,
 * update-data lines, update-commit) and prints the hypervisor's verdict.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "mgmt.h"
#include "ctl_xfer.h"
#include "mgmt_client.h"
#include "sha256.h"
#include "tessera.h"
#include "update_format.h"

struct update_opts {
	const char *vm, *dts, *image, *out;
	struct tool_sign sign;
};

static int update_args(int argc, char **argv, struct update_opts *o)
{
	for (int i = 1; i < argc; i++) {
		int s = tool_sign_option(argc, argv, &i, &o->sign);

		if (s < 0) {
			return -1;
		} else if (s > 0) {
			continue;
		} else if (strcmp(argv[i], "--update") == 0 && i + 1 < argc) {
			o->vm = argv[++i];
		} else if (strcmp(argv[i], "--image") == 0 && i + 1 < argc) {
			o->image = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
			o->out = argv[++i];
		} else if (!o->dts && argv[i][0] != '-') {
			o->dts = argv[i];
		} else {
			return -1;
		}
	}
	return o->vm && o->out && o->sign.key_path && (o->dts || o->image) ? 0 : -1;
}

/* The VM's config entry, its image bytes (FILE, or what the config names) into *data. */
static int update_image(const struct update_opts *o, struct tool_config *tc, u8 **data,
			size_t *size, const char **name)
{
	const struct vm_cfg *vm = NULL;

	*name = o->image;
	if (o->dts) {
		if (tool_load(o->dts, tc) != 0) {
			return -1;
		}
		for (u32 i = 0; i < tc->cfg.vm_count && !vm; i++) {
			vm = strcmp(tc->cfg.vms[i].name, o->vm) == 0 ? &tc->cfg.vms[i] : NULL;
		}
		if (!vm) {
			fprintf(stderr, "%s: no VM named \"%s\"\n", o->dts, o->vm);
			return -1;
		}
		if (!vm->update_slot_size) {
			fprintf(stderr,
				"%s: /vms/%s has no update-slot-size: it cannot be updated\n",
				o->dts, o->vm);
			return -1;
		}
		*name = o->image ? o->image : vm->image;
	}
	if (!o->image) {
		for (u32 i = 0; i < tc->file_count; i++) {
			if (strcmp(tc->files[i].name, vm->image) == 0) {
				*size = tc->files[i].size;
				*data = malloc(*size);
				return *data ? (memcpy(*data, tc->files[i].data, *size), 0) : -1;
			}
		}
		return -1;
	}
	if (tool_read_file(o->image, data, size) != 0) {
		fprintf(stderr, "%s: %s\n", o->image, strerror(errno));
		return -1;
	}
	if (vm) {
		struct vm_layout l;
		struct config_error err;
		const struct tool_file *rd = NULL;

		for (u32 i = 0; i < tc->file_count && vm->initrd[0]; i++) {
			rd = strcmp(tc->files[i].name, vm->initrd) == 0 ? &tc->files[i] : rd;
		}
		if (config_vm_layout(vm, *data, *size, rd ? rd->size : 0, &l, &err) != 0) {
			fprintf(stderr, "%s: %s: %s: %s\n", o->image, err.node, err.prop, err.msg);
			return -1;
		}
	}
	return 0;
}

static int update_write(const struct update_opts *o, const u8 *img, size_t size, const char *name)
{
	u64 total = UPDATE_BUNDLE_SIZE(size);
	u8 *b = calloc(1, total);
	struct update_header h;
	int rc = -1;

	if (!b) {
		return -1;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, UPDATE_MAGIC, sizeof(h.magic));
	h.format = UPDATE_FORMAT;
	h.header_size = UPDATE_HEADER_SIZE;
	h.version = o->sign.version;
	h.image_size = size;
	snprintf(h.vm, sizeof(h.vm), "%s", o->vm);
	snprintf(h.image, sizeof(h.image), "%s", name);
	sha256(img, size, h.image_sha256);
	memcpy(b, &h, sizeof(h));
	memcpy(b + UPDATE_DATA_OFFSET, img, size);
	if (tool_sign_bytes(o->sign.key_path, b, UPDATE_HEADER_SIZE, b + UPDATE_HEADER_SIZE) == 0) {
		rc = tool_write_file(o->out, b, total);
		if (rc != 0) {
			fprintf(stderr, "%s: %s\n", o->out, strerror(errno));
		} else {
			printf("wrote %s (%llu bytes: VM %s, version %llu, image %s, signed with "
			       "%s)\n",
			       o->out, (unsigned long long)total, o->vm,
			       (unsigned long long)o->sign.version, name, o->sign.key_path);
		}
	}
	free(b);
	return rc;
}

int cmd_pack_update(int argc, char **argv)
{
	struct update_opts o;
	struct tool_config *tc;
	const char *name = NULL;
	u8 *img = NULL;
	size_t size = 0;
	int rc;

	memset(&o, 0, sizeof(o));
	if (update_args(argc, argv, &o) != 0) {
		fprintf(stderr, "usage: tessera pack --update VM --sign KEY --version N "
				"[CONFIG.dts] [--image FILE] -o BUNDLE\n"
				"       (the image: FILE, or the one CONFIG.dts gives VM)\n");
		return 2;
	}
	if (strlen(o.vm) >= UPDATE_VM_NAME_MAX) {
		fprintf(stderr, "VM name \"%s\" too long\n", o.vm);
		return 2;
	}
	tc = calloc(1, sizeof(*tc));
	if (!tc) {
		return 1;
	}
	rc = update_image(&o, tc, &img, &size, &name);
	if (rc == 0 && strlen(name) >= UPDATE_IMAGE_NAME_MAX) {
		name = "image"; /* information only */
	}
	if (rc == 0) {
		rc = update_write(&o, img, size, name);
	}
	free(img);
	tool_free(tc);
	free(tc);
	return rc == 0 ? 0 : 1;
}

/* ---- tessera ctl update VM BUNDLE (the stream: ctl_update.c) ---- */

int ctl_update(const char *sock, const char *vm, const char *path, long timeout_s)
{
	char msg[1200];
	u8 *b;
	size_t size;
	int rc;

	if (tool_read_file(path, &b, &size) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return CTL_EXIT_ERR;
	}
	rc = ctl_update_from(sock, vm, b, size, timeout_s, msg, sizeof(msg));
	if (rc != CTL_EXIT_CONN) {
		printf("%s\n", msg);
	}
	free(b);
	return rc;
}
