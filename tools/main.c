/* SPDX-License-Identifier: MIT */
/* `tessera`: host CLI for Tessera configurations and system images. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tessera.h"

/* `tessera dashboard ...`: runs tessera-dashboard from this program's directory (its own
 * binary, built by `make dashboard`, so the CLI itself needs no HTTP library). */
static int cmd_dashboard(int argc, char **argv)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;

	(void)argc;
	if (n <= 0) {
		perror("tessera dashboard: /proc/self/exe");
		return 2;
	}
	path[n] = '\0';
	slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "tessera-dashboard");
	argv[0] = path;
	execv(path, argv);
	fprintf(stderr, "tessera dashboard: cannot run %s: %s (build it: make dashboard)\n", path,
		strerror(errno));
	return 2;
}

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
    {"check", cmd_check, "check FILE.dts [-v]          validate a config and its images"},
    {"pack", cmd_pack,
     "pack FILE.dts -o OUT.img [--sign KEY] [--version N]   build the system image (signed)"},
    {"keygen", cmd_keygen, "keygen OUT                   Ed25519 key pair OUT.key, OUT.pub"},
    {"run", cmd_run,
     "run FILE.dts [--cpu MODEL] [--icount] [--timeout S] [--pack IMG] [--hyp ELF] [--mgmt "
     "SOCKET] [--log-level L] [--sign KEY] [--version N] [--image IMG] [--flash FILE] [-- QEMU "
     "ARGS]"},
    {"ctl", cmd_ctl, "ctl --socket PATH [--json] COMMAND [ARGS] | --raw   manage a running system"},
    {"migrate", cmd_migrate,
     "migrate VM --from SOCK_A --to SOCK_B [--timeout S]   live migration between two boards"},
    {"dump", cmd_dump, "dump IMG [--key PUB]         list a system image's entries (verify it)"},
    {"dashboard", cmd_dashboard,
     "dashboard --mgmt SOCKET [--listen ADDR:PORT] [--token T]   web page (make dashboard)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tessera COMMAND ...\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		fprintf(f, "  tessera %s\n", commands[i].usage);
	}
	fprintf(f, "  tessera help                         this list (also --help, -h)\n"
		   "`tessera ctl --help` describes ctl's options; docs/MANAGEMENT.md its "
		   "commands.\n");
}

static bool is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "help") == 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; argc >= 2 && i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	if (argc >= 2) {
		fprintf(stderr, "tessera: unknown command \"%s\"\n", argv[1]);
	}
	usage(stderr);
	return 2;
}
