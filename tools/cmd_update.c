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

/* ---- tessera ctl update VM BUNDLE ---- */

/* Sends one request and reads its final line into line; 0 for "ok", 1 for "err", -1 if no
 * answer. */
static int update_req(struct ctl *c, const char *req, char *line, size_t size)
{
	if (ctl_send(c, req, strlen(req)) != 0) {
		return -1;
	}
	for (;;) {
		if (ctl_line(c, line, size) != 0) {
			return -1;
		}
		if (strncmp(line, "ok", 2) == 0 && (line[2] == ' ' || !line[2])) {
			return 0;
		}
		if (strncmp(line, "err ", 4) == 0) {
			return 1;
		}
	}
}

/* "update-data VM HEX" for bytes [off, off + n) into req; the line's length. */
static size_t update_data_line(char *req, size_t size, const char *vm, const u8 *b, size_t n)
{
	size_t at = (size_t)snprintf(req, size, "update-data %s ", vm);

	for (size_t i = 0; i < n; i++) {
		at += (size_t)snprintf(req + at, size - at, "%02x", b[i]);
	}
	req[at++] = '\n';
	req[at] = '\0';
	return at;
}

/*
 * The update-data lines, UPDATE_WINDOW of them in flight: one round trip per line would
 * take minutes. Each answer must be "ok <bytes so far>"; the hypervisor answers in order.
 */
#define UPDATE_WINDOW 16

static int update_data_all(struct ctl *c, const char *vm, const u8 *b, size_t size, size_t chunk,
			   char *line, size_t line_size)
{
	size_t lines = (size + chunk - 1) / chunk, sent = 0, acked = 0;
	char req[MGMT_LINE_MAX + 2], want[32];

	while (acked < lines) {
		while (sent < lines && sent - acked < UPDATE_WINDOW) {
			size_t off = sent * chunk;
			size_t n =
			    update_data_line(req, sizeof(req), vm, b + off, MIN(chunk, size - off));

			if (ctl_send(c, req, n) != 0) {
				return -1;
			}
			sent++;
		}
		if (ctl_line(c, line, line_size) != 0) {
			return -1;
		}
		snprintf(want, sizeof(want), "ok %zu", MIN((acked + 1) * chunk, size));
		if (strcmp(line, want) != 0) {
			return 1; /* an "err" line (printed by the caller), or out of step */
		}
		acked++;
	}
	return 0;
}

static int update_stream(struct ctl *c, const char *vm, const u8 *b, size_t size)
{
	/* "update-data VM " + hex within MGMT_LINE_MAX, whole 32-bit words. */
	size_t room = (MGMT_LINE_MAX - strlen("update-data  ") - strlen(vm)) / 2;
	size_t chunk = MIN(room, 56) & ~(size_t)3;
	char req[MGMT_LINE_MAX + 2], line[1024];
	int r;

	if (chunk == 0) {
		fprintf(stderr, "tessera ctl update: VM name too long for the protocol's lines\n");
		return CTL_EXIT_ERR;
	}
	snprintf(req, sizeof(req), "update-begin %s %zu\n", vm, size);
	r = update_req(c, req, line, sizeof(line));
	if (r == 0) {
		r = update_data_all(c, vm, b, size, chunk, line, sizeof(line));
	}
	if (r == 0) {
		snprintf(req, sizeof(req), "update-commit %s\n", vm);
		r = update_req(c, req, line, sizeof(line));
	}
	if (r >= 0) {
		printf("%s\n", line);
	}
	return r < 0 ? CTL_EXIT_CONN : r ? CTL_EXIT_ERR : 0;
}

int ctl_update(const char *sock, const char *vm, const char *path, long timeout_s)
{
	struct ctl *c;
	u8 *b;
	size_t size;
	int rc;

	if (tool_read_file(path, &b, &size) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return CTL_EXIT_ERR;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		free(b);
		return CTL_EXIT_CONN;
	}
	c->fd = -1;
	/* Every line is a round trip: the deadline grows with the bundle. */
	c->deadline_ms = now_ms() + timeout_s * 1000L + (long)(size / 56) * 5L;
	if (ctl_connect(c, sock) != 0 || ctl_sync(c, false) != 0) {
		rc = CTL_EXIT_CONN;
	} else {
		rc = update_stream(c, vm, b, size);
	}
	ctl_close(c);
	free(c);
	free(b);
	return rc;
}
