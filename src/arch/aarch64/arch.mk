# AArch64 (EL2, QEMU virt with GICv3): what the build needs to know of this architecture.
# Included by the top Makefile for ARCH=aarch64; a new architecture is a directory
# src/arch/<arch>/ with its own arch.mk defining the same names. Nothing else in the build,
# the guests, the tests or the lint names an architecture (scripts/check-arch-line.sh).

# The cross compiler (Debian's gcc-aarch64-linux-gnu) and the target flags: no FP/SIMD use by
# the hypervisor's C (guest FP state stays in the registers untouched; the one assembly routine
# that uses vector registers, sha256_ce.S, saves and restores each it uses), no unaligned accesses
# (safe before the MMU is on), no outlined atomics (no libgcc helpers at EL2).
CROSS ?= aarch64-linux-gnu-
ARCH_TFLAGS = -march=armv8-a -mno-outline-atomics $(CMODEL) -mgeneral-regs-only -mstrict-align
# The tiny code model: every symbol the code names lies within 1 MiB of it (tessera.ld.in
# places the 2 MiB page pool last), so an address is one ADR instead of ADRP + ADD and a load
# of a global one LDR: smaller code, and no ADRP for the Cortex-A53 erratum 843419 fix to
# give a 4 KiB-aligned veneer section. A build that outgrows it fails to link ("relocation
# truncated to fit"), never silently.
CMODEL := -mcmodel=tiny
# The same target for clang-tidy (scripts/lint.sh) and the guests (guests/guests.mk).
ARCH_TIDY_FLAGS := --target=aarch64-linux-gnu -march=armv8-a -mgeneral-regs-only
ARCH_GUEST_CFLAGS := -march=armv8-a -mgeneral-regs-only -mstrict-align -mno-outline-atomics

# The arch's private include directories: on the path of src/arch/$(ARCH)/ and src/drivers/
# only (the Makefile's INC_ARCH), never core's.
ARCH_INC := -Isrc/arch/$(ARCH) -Isrc/arch/$(ARCH)/vgic

# Its sources, in link order.
ARCH_C := $(wildcard src/arch/$(ARCH)/*.c src/arch/$(ARCH)/vgic/*.c)
ARCH_S := $(wildcard src/arch/$(ARCH)/*.S)

# Its files of each build feature (FEATURES_ALL in the Makefile).
ARCH_FEATURE_FILES_debug := src/arch/$(ARCH)/gdb_arch.c src/arch/$(ARCH)/vcpu_switch.c
ARCH_FEATURE_FILES_sched := src/arch/$(ARCH)/vcpu_switch.c
# vcpu_switch.c (a vCPU's state saved and loaded) serves shared CPUs, snapshots and the
# debugger alike: it is built when any of them is.
ARCH_FEATURE_FILES_snapshot := src/arch/$(ARCH)/vgic/vgic_snap.c src/arch/$(ARCH)/ckpt_s2.c \
	src/arch/$(ARCH)/vcpu_state.c src/arch/$(ARCH)/vcpu_switch.c

# Optimisation classes (the Makefile's COLD_C, HOT_C and FAST_C): -Os; on the trap paths,
# link-time optimised with them and -O2; -O2 only.
ARCH_COLD_C := src/arch/$(ARCH)/psci.c src/arch/$(ARCH)/setup.c src/arch/$(ARCH)/stage2.c \
	src/arch/$(ARCH)/guest_dtb.c
ARCH_HOT_C := src/arch/$(ARCH)/traps.c src/arch/$(ARCH)/emul.c src/arch/$(ARCH)/gicv3.c \
	src/arch/$(ARCH)/inject.c src/arch/$(ARCH)/setup.c src/arch/$(ARCH)/vcpu.c \
	src/arch/$(ARCH)/vgic/vgic.c src/arch/$(ARCH)/vgic/vgic_lr.c \
	src/arch/$(ARCH)/vgic/vgic_mmio.c src/arch/$(ARCH)/vgic/irqchip.c \
	src/arch/$(ARCH)/smccc.c src/arch/$(ARCH)/vcpu_switch.c $(wildcard src/arch/$(ARCH)/direct.c)
ARCH_FAST_C := src/arch/$(ARCH)/vcpu_switch.c

# What the host unit tests (and fuzz harnesses) link of the arch beside the fake one
# (tests/unit/fake_arch.c): the portable models and builders, run on the host.
ARCH_UNIT_C := $(wildcard src/arch/$(ARCH)/vgic/*.c) src/arch/$(ARCH)/stage2.c \
	src/arch/$(ARCH)/ckpt_s2.c src/arch/$(ARCH)/guest_dtb.c src/arch/$(ARCH)/vcpu_state.c \
	src/arch/$(ARCH)/exit_stats.c src/arch/$(ARCH)/platform_irq.c
# The hypercall fuzz harness: the arch's call dispatcher and firmware interface.
ARCH_FUZZ_CALLS_C := src/arch/$(ARCH)/smccc.c src/arch/$(ARCH)/psci.c
