/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the generated VM DTB (src/core/vm_dtb.c), read back with the FDT
 * reader: what a VM is told about its memory, CPUs, console and initrd, and the
 * U-Boot /config node that `u-boot-bootcmd` adds (docs/CONFIG.md). system_config (the
 * fake machine's) stays empty: no channels, no virtio links.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "fdt.h"
#include "generation.h"
#include "vm.h"
#include "vm_dtb.h"

static u8 dtb[VM_DTB_MAX];
static struct vm_cfg cfg;
static struct vm vm;

/* A 2-vCPU VM with 256 MiB at 0x4000_0000 and a 1 MiB initrd at 0x4400_0000. */
static void setup(const char *bootcmd)
{
	memset(&cfg, 0, sizeof(cfg));
	memset(&vm, 0, sizeof(vm));
	strcpy(cfg.name, "uboot");
	strcpy(cfg.bootargs, "console=ttyAMA0");
	strcpy(cfg.uboot_bootcmd, bootcmd);
	cfg.vcpu_count = 2;
	cfg.mem_count = 1;
	cfg.mem[0].phys = 0x50000000;
	cfg.mem[0].ipa = 0x40000000;
	cfg.mem[0].size = 0x10000000;
	vm.id = 3;
	vm.cfg = &cfg;
	vm.vcpu_count = 2;
	vm.layout.initrd_ipa = 0x44000000;
	vm.initrd_size = 0x100000;
}

static void build(struct fdt *fdt)
{
	memset(dtb, 0, sizeof(dtb));
	CHECK_EQ(vm_dtb_build(&vm, dtb, sizeof(dtb)), 0);
	CHECK_EQ(fdt_init(fdt, dtb, sizeof(dtb)), 0);
	CHECK_EQ(fdt_check_struct(fdt), 0);
}

static void test_basics(void)
{
	struct fdt fdt;
	int root, chosen, mem;
	u32 v;
	u64 a, s;

	setup("");
	build(&fdt);
	root = fdt_root(&fdt);
	CHECK(fdt_is_compatible(&fdt, root, "tessera,vm"));
	CHECK(strcmp(fdt_prop_str(&fdt, root, "tessera,vm-name"), "uboot") == 0);
	CHECK(fdt_prop_u32(&fdt, root, "tessera,vm-id", &v) && v == 3);
	mem = fdt_path(&fdt, "/memory@40000000");
	CHECK(fdt_reg(&fdt, mem, 2, 2, 0, &a, &s) && a == 0x40000000 && s == 0x10000000);
	CHECK(fdt_path(&fdt, "/cpus/cpu@1") >= 0);
	CHECK_EQ(fdt_path(&fdt, "/cpus/cpu@2"), FDT_ERR_NOTFOUND);
	chosen = fdt_path(&fdt, "/chosen");
	CHECK(strcmp(fdt_prop_str(&fdt, chosen, "bootargs"), "console=ttyAMA0") == 0);
	CHECK(strcmp(fdt_prop_str(&fdt, chosen, "stdout-path"), "/pl011@9000000") == 0);
	CHECK(fdt_prop_u64(&fdt, chosen, "linux,initrd-start", &a) && a == 0x44000000);
	CHECK(fdt_prop_u64(&fdt, chosen, "linux,initrd-end", &a) && a == 0x44100000);
	/* No u-boot-bootcmd: no /config node, U-Boot keeps its environment's bootcmd. */
	CHECK_EQ(fdt_path(&fdt, "/config"), FDT_ERR_NOTFOUND);
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* The generation id: in the DTB as built, then patched in place (a clone's new identity);
 * a blob without it where the generator puts it is left alone. */
static void test_generation(void)
{
	struct fdt fdt;
	u64 g = 0;
	u8 copy[128];

	setup("");
	vm.generation = 0x0123456789abcdefULL;
	build(&fdt);
	CHECK(fdt_prop_u64(&fdt, fdt_root(&fdt), VM_GENERATION_PROP, &g) &&
	      g == 0x0123456789abcdefULL);
	CHECK(vm_generation_patch(dtb, sizeof(dtb), 0xfedcba9876543210ULL));
	CHECK_EQ(fdt_init(&fdt, dtb, sizeof(dtb)), 0);
	CHECK(fdt_prop_u64(&fdt, fdt_root(&fdt), VM_GENERATION_PROP, &g) &&
	      g == 0xfedcba9876543210ULL);
	CHECK(strcmp(fdt_prop_str(&fdt, fdt_root(&fdt), "compatible"), "tessera,vm") == 0);
	/* Only the first 128 bytes readable: patched (the name's check needs the strings). */
	memcpy(copy, dtb, sizeof(copy));
	CHECK(vm_generation_patch(copy, sizeof(copy), 1));
	CHECK(!vm_generation_patch(copy, 39, 1));
	/* Another first property (its name differs): refused, nothing written. */
	dtb[be32(dtb + 12) + be32(dtb + be32(dtb + 8) + 16)] ^= 1;
	CHECK(!vm_generation_patch(dtb, sizeof(dtb), 7));
	dtb[0] ^= 1; /* no FDT magic */
	CHECK(!vm_generation_patch(dtb, sizeof(dtb), 7));
}

static void test_uboot_bootcmd(void)
{
	static const char cmd[] = "booti 0x44000000 0x46200000:0x107d53 ${fdtcontroladdr}";
	struct fdt fdt;
	int root, config, c;
	const char *name;
	const void *val;
	u32 len, n = 0;

	setup(cmd);
	build(&fdt);
	root = fdt_root(&fdt);
	config = fdt_path(&fdt, "/config");
	CHECK(config >= 0);
	CHECK_EQ(fdt_parent(&fdt, config), root);
	CHECK(fdt_prop_str(&fdt, config, "bootcmd") != NULL &&
	      strcmp(fdt_prop_str(&fdt, config, "bootcmd"), cmd) == 0);
	/* Exactly that one property, NUL-terminated, and no child nodes. */
	for (c = fdt_first_prop(&fdt, config); c >= 0; c = fdt_next_prop(&fdt, c), n++) {
		CHECK_EQ(fdt_prop_at(&fdt, c, &name, &val, &len), 0);
		CHECK(strcmp(name, "bootcmd") == 0);
		CHECK_EQ(len, sizeof(cmd));
	}
	CHECK_EQ(n, 1);
	CHECK_EQ(fdt_first_child(&fdt, config), FDT_ERR_NOTFOUND);
	/* The rest of the tree is unchanged. */
	CHECK(strcmp(fdt_prop_str(&fdt, fdt_path(&fdt, "/chosen"), "bootargs"),
		     "console=ttyAMA0") == 0);
	CHECK(fdt_path(&fdt, "/pl011@9000000") >= 0);
}

int main(void)
{
	RUN(test_basics);
	RUN(test_generation);
	RUN(test_uboot_bootcmd);
	CHECK_MAIN_END();
}
