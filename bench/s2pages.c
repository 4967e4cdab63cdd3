/* SPDX-License-Identifier: MIT */
/*
 * Host helper for bench/run.sh: how many stage-2 table pages the hypervisor's
 * own builder (src/arch/aarch64/stage2.c, from the shared page pool) uses for
 * one VM's RAM. Usage: s2pages IPA SIZE [IPA SIZE ...] (hex or decimal).
 * The hypervisor prints nothing about its page use, so we run the same code here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mem.h"
#include "stage2.h"

int main(int argc, char **argv)
{
	struct stage2 s2;

	mem_init();
	if (argc < 3 || argc % 2 == 0 || stage2_init(&s2) != 0) {
		fprintf(stderr, "usage: s2pages IPA SIZE [IPA SIZE ...]\n");
		return 2;
	}
	for (int i = 1; i + 1 < argc; i += 2) {
		u64 ipa = strtoull(argv[i], NULL, 0), size = strtoull(argv[i + 1], NULL, 0);
		/* Physical address: any 2 MiB-aligned address keeps the block choice the same. */
		if (stage2_map(&s2, ipa, ipa + 0x8000000ULL, size, STAGE2_NORMAL) != 0) {
			fprintf(stderr, "s2pages: map failed\n");
			return 1;
		}
	}
	printf("%u\n", s2.table_pages);
	return 0;
}
