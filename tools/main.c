/* SPDX-License-Identifier: MIT */
/* `tessera`: host CLI for Tessera configurations and system images. */
#include <stdio.h>
#include <string.h>

#include "tessera.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
} commands[] = {
    {"check", cmd_check, "check FILE.dts [-v]          validate a config and its images"},
    {"pack", cmd_pack, "pack FILE.dts -o OUT.img     build the system image"},
    {"run", cmd_run,
     "run FILE.dts [--cpu MODEL] [--icount] [--timeout S] [--pack IMG] [--hyp ELF] [--mgmt "
     "SOCKET] [-- QEMU ARGS]"},
    {"ctl", cmd_ctl, "ctl --socket PATH COMMAND [ARGS] | --raw   manage a running system"},
    {"dump", cmd_dump, "dump IMG                     list a system image's entries"},
};

static int usage(void)
{
	fprintf(stderr, "usage: tessera COMMAND ...\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		fprintf(stderr, "  tessera %s\n", commands[i].usage);
	}
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		return usage();
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			return commands[i].fn(argc - 1, argv + 1);
		}
	}
	return usage();
}
