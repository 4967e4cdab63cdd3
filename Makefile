# Tessera build. `make` builds the hypervisor, the host CLI and the guests;
# `make run` runs the demo; `make test` runs every test. Both install missing
# Debian packages first (scripts/deps.sh).

# `make` alone builds everything, whatever rule comes first below.
.DEFAULT_GOAL := all

# The target architecture: the one place it is named. Its directory src/arch/$(ARCH)/ holds
# its code and its arch.mk: cross compiler, target flags, private include directories, which
# of its files are hot, cold, boot-only or part of a feature (docs/ARCHITECTURE.md,
# CONTRIBUTING.md "porting to a new architecture").
ARCH := aarch64
$(if $(wildcard src/arch/$(ARCH)/arch.mk),,$(error ARCH=$(ARCH): no src/arch/$(ARCH)/arch.mk))
include src/arch/$(ARCH)/arch.mk
CC_T := $(CROSS)gcc
OBJCOPY_T := $(CROSS)objcopy
SIZE_T := $(CROSS)size
HOSTCC ?= gcc
B := build
comma := ,

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# Target (hypervisor) flags: freestanding, and the arch's (ARCH_TFLAGS, arch.mk).
OPT := -Os
# TEXTRA: extra target flags for a variant build in its own B (bench/run.sh builds
# B=build/share TEXTRA=-DTESSERA_SHARE_STATS for the cross-CPU sharing counters).
TEXTRA ?=
# No padding of functions, loops and branch targets: it costs resident bytes (1.7 KiB) and, on
# the in-order cores this runs on, buys little; instruction counts (`make bench`) are the same.
ALIGN := -falign-functions=4 -falign-jumps=1 -falign-loops=1 -falign-labels=1
TFLAGS = -std=gnu11 $(OPT) $(ALIGN) $(LTO) $(TEXTRA) -g -fomit-frame-pointer $(WARN) -ffreestanding -nostdlib -fno-builtin $(ARCH_TFLAGS) \
	-fno-asynchronous-unwind-tables -fno-unwind-tables \
	-fno-stack-protector -fno-pic -fno-pie -fno-common -ffunction-sections -fdata-sections \
	$(TINC)
# The arch line, enforced by the compiler: core, vdev and lib see src/include and only the
# public part of the architecture (src/arch/$(ARCH)/include: arch_types.h and
# arch_platform.h, nothing else: scripts/check-arch-line.sh); the architecture's own headers
# (ARCH_INC: sysreg.h, gicv3.h, stage2.h, arch_gic.h, the vGIC's vgic/*.h, ...) are on the
# include path of src/arch/$(ARCH)/ and src/drivers/ only, so core code that reaches into
# them does not compile. Host builds (unit tests, fuzzing, the CLI) test arch code too and
# see both.
INC_CORE := -Isrc/include -Isrc/arch/$(ARCH)/include
INC_ARCH := $(INC_CORE) $(ARCH_INC)
TINC = $(INC_CORE) -I$(B)/gen
$(B)/hyp/src/arch/%: TINC = $(INC_ARCH) -I$(B)/gen
$(B)/hyp/src/drivers/%: TINC = $(INC_ARCH) -I$(B)/gen
HFLAGS := -std=gnu11 -O1 -g $(WARN) -DTESSERA_HOST $(INC_ARCH)
SANITIZE ?= -fsanitize=address,undefined -fno-sanitize-recover=undefined

# Build-time feature selection (docs/CONFIG.md "Build profiles"): PROFILE=full (the default,
# what the tests run) or minimal, or FEATURES=... directly (any subset of FEATURES_ALL).
# A feature left out: its files below are not built, $(B)/gen/features_config.h sets its
# TESSERA_FEAT_<NAME> to 0 (src/include/tessera_features.h: stubs, commands, config checks).
# A new feature: a name here, its files in FEATURE_FILES_<name>, its switch in src/include/tessera_features.h.
FEATURES_ALL := debug trace snapshot virtio sched
PROFILE ?= full
FEATURES_full := $(FEATURES_ALL)
FEATURES_minimal :=
$(if $(filter undefined,$(origin FEATURES_$(PROFILE))),$(error PROFILE=$(PROFILE): no such profile (full, minimal)))
FEATURES ?= $(FEATURES_$(PROFILE))
$(if $(filter-out $(FEATURES_ALL),$(FEATURES)),$(error FEATURES: unknown feature(s) $(filter-out $(FEATURES_ALL),$(FEATURES)) (known: $(FEATURES_ALL))))
FEATURE_FILES_debug := src/core/gdb.c src/core/mgmt_gdb.c $(ARCH_FEATURE_FILES_debug)
FEATURE_FILES_trace := src/core/trace.c src/core/mgmt_trace.c
FEATURE_FILES_sched := src/core/sched_policy.c src/core/sched_setup.c $(ARCH_FEATURE_FILES_sched)
FEATURE_FILES_virtio := src/vdev/virtio_mmio.c src/vdev/vlink.c src/vdev/vlink_console.c \
	src/vdev/vlink_net.c
FEATURE_FILES_snapshot := src/core/snapshot.c src/core/snapshot_restore.c src/core/mgmt_snap.c \
	src/vdev/vpl011_snap.c src/core/clone.c src/core/checkpoint.c src/core/vm_dirty.c \
	src/core/mgmt_migrate.c $(ARCH_FEATURE_FILES_snapshot)
FEATURES_OFF := $(filter-out $(FEATURES),$(FEATURES_ALL))
# A file listed by several features is built when any of them is on.
FEATURES_OFF_C := $(filter-out $(foreach f,$(FEATURES),$(FEATURE_FILES_$(f))), \
	$(foreach f,$(FEATURES_OFF),$(FEATURE_FILES_$(f))))
FEATURES_H := $(B)/gen/features_config.h

HYP_C := $(filter-out $(FEATURES_OFF_C),$(wildcard src/lib/*.c src/core/*.c src/vdev/*.c) $(ARCH_C) \
	$(wildcard src/drivers/*.c))
HYP_S := $(ARCH_S)
HYP_OBJ := $(patsubst %.c,$(B)/hyp/%.o,$(HYP_C)) $(patsubst %.S,$(B)/hyp/%.o,$(HYP_S))
# Code is built for size (OPT above); the paths `make bench` measures (vectors, traps, emul,
# vGIC, vPL011, hypercalls, GIC, the vCPU switch) are built -O2 (FAST_C below), and so is the
# FDT reader (boot time: -Os does not inline its token loop's helpers). COLD_C: files of
# HOT_C (link-time optimised with the trap paths) that stay -Os all the same.
COLD_C := $(wildcard src/core/config*.c) src/core/image.c src/core/pack.c src/core/platform.c \
	src/core/vm.c src/core/vm_dtb.c src/core/mgmt.c src/core/mgmt_ops.c src/core/mgmt_console.c \
	src/core/mgmt_snap.c src/core/snapshot.c src/core/snapshot_restore.c src/lib/base64.c \
	src/core/mgmt_migrate.c src/core/vm_dirty.c \
	src/core/console.c src/core/hyplog.c src/core/health.c \
	src/core/mem.c src/core/lifecycle.c src/lib/fdt_write.c src/lib/fmt.c \
	src/lib/sha256.c src/lib/str.c $(ARCH_COLD_C) src/drivers/virtio_console_driver.c src/core/measure.c \
	src/core/vboot.c src/core/rollback.c src/drivers/cfi_flash.c src/core/mgmt_gdb.c src/core/gdb.c \
	src/core/mgmt_stats.c src/core/mgmt_trace.c \
	src/core/update.c src/core/update_bundle.c src/core/mgmt_update.c
$(patsubst %.c,$(B)/hyp/%.o,$(COLD_C)): OPT := -Os
# The objects on the trap paths are optimised together at link time (LTO), so the small
# helpers they call across files (cpu_this, the GIC accessors, vdev_mmio, ...) are inlined;
# console.c (-Os all the same) and pl011.c: a guest's UARTDR store prints its byte.
# Boot-only objects stay out (checked below): tessera.ld places them in .init.* by file name.
HOT_C := $(ARCH_HOT_C) src/vdev/vpl011.c \
	src/core/mmio_dispatch.c src/core/vm_links.c src/core/passthru.c src/core/console_vm.c \
	src/core/guest_calls.c src/core/vm.c src/core/sched.c src/core/sched_policy.c \
	src/core/health.c src/core/chan.c src/core/console.c src/drivers/pl011.c
$(patsubst %.c,$(B)/hyp/%.o,$(HOT_C)): LTO := -flto
# Everything else is built for size too (OPT above), except what a measured path runs
# (FAST_C) and the link itself: the LTO objects' code is generated there.
FAST_C := $(HOT_C) $(ARCH_FAST_C) src/core/sched_policy.c src/lib/string.c \
	src/lib/fdt.c src/drivers/pl011.c src/core/mgmt_frame.c src/lib/crc32.c
$(patsubst %.c,$(B)/hyp/%.o,$(filter-out $(COLD_C),$(FAST_C))): OPT := -O2
# private: not inherited by the objects the link depends on.
$(B)/tessera.elf: private OPT := -O2
# The boot-only objects: one list (src/init-objects.txt, and the arch's own boot-only files
# in src/arch/$(ARCH)/init-objects.txt, the same format), from which the linker script's
# lines are generated ($(B)/tessera.ld) and which scripts/check-init.sh checks the ELF
# against. Linker-script patterns are "*core/config.o": the path under src/, as .o.
INIT_LISTS := src/init-objects.txt src/arch/$(ARCH)/init-objects.txt
INIT_C := $(filter-out $(FEATURES_OFF_C),$(shell sed -e 's/\#.*//' $(INIT_LISTS)))
INIT_PAT := $(patsubst src/%.c,*%.o,$(INIT_C))
$(if $(filter-out $(HYP_C),$(INIT_C)),$(error $(INIT_LISTS): no such source: $(filter-out $(HYP_C),$(INIT_C))))
$(if $(filter $(INIT_C),$(HOT_C)),$(error $(INIT_LISTS): boot-only objects cannot be in HOT_C (LTO): $(filter $(INIT_C),$(HOT_C))))
$(HYP_OBJ): Makefile src/arch/$(ARCH)/arch.mk

# Verified boot (docs/SECURITY.md): TRUSTED_KEYS=a.pub,b.pub (from `tessera keygen`) builds
# those Ed25519 public keys into the hypervisor, which then boots only system images signed by
# one of them, and keeps a measurement log; MEASURED_BOOT=1 keeps the log without keys.
# Either defines TESSERA_VBOOT ($(B)/gen/vboot_config.h, measure.h); without, the code stays
# out of the image. The generated files change only when the settings do, and then every
# object is rebuilt (bench/run.sh and tests/system/vboot.sh use B=build/vboot for theirs).
TRUSTED_KEYS ?=
MEASURED_BOOT ?= 0
KEYS_C := $(B)/gen/trusted_keys.c
VBOOT_H := $(B)/gen/vboot_config.h
VBOOT_ON := $(if $(strip $(TRUSTED_KEYS)),1,$(if $(filter 1,$(MEASURED_BOOT)),1,0))
HYP_OBJ += $(B)/hyp/gen/trusted_keys.o
# Signed updates (core/update.c) verify a bundle and lay its image out after boot: in a
# verified-boot build the signature code and the image layout stay resident.
ifeq ($(VBOOT_ON),1)
INIT_C := $(filter-out src/core/config_layout.c src/core/image.c src/lib/ed25519.c \
	src/lib/sha512.c,$(INIT_C))
INIT_PAT := $(patsubst src/%.c,*%.o,$(INIT_C))
endif
.PHONY: FORCE
FORCE:
$(VBOOT_H): FORCE
	@mkdir -p $(dir $@)
	@printf '/* Generated by the Makefile from TRUSTED_KEYS and MEASURED_BOOT. */\n#define TESSERA_VBOOT %s\n' \
		"$(VBOOT_ON)" >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(HYP_OBJ): $(VBOOT_H)
$(FEATURES_H): FORCE
	@mkdir -p $(dir $@)
	@{ printf '/* Generated by the Makefile from FEATURES (%s). */\n' "$(strip $(FEATURES))"; \
	  for f in $(FEATURES_ALL); do \
		case " $(FEATURES) " in *" $$f "*) v=1;; *) v=0;; esac; \
		printf '#define TESSERA_FEAT_%s %s\n' "$$(echo $$f | tr a-z A-Z)" $$v; \
	  done; } >$@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(HYP_OBJ): $(FEATURES_H)
$(KEYS_C): FORCE
	@mkdir -p $(dir $@)
	@scripts/gen-keys.sh "$(TRUSTED_KEYS)" "$(MEASURED_BOOT)" >$@.tmp || { rm -f $@.tmp; exit 1; }
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(B)/hyp/gen/trusted_keys.o: $(KEYS_C) src/include/vboot.h
	@mkdir -p $(dir $@)
	$(CC_T) $(TFLAGS) -c $< -o $@

# Code shared by the host CLI and unit tests (same sources as the hypervisor).
HOST_LIB_C := $(filter-out src/lib/string.c,$(wildcard src/lib/*.c)) \
	$(wildcard src/core/config*.c src/core/image.c src/core/pack.c src/core/vboot.c) \
	src/core/update_bundle.c
# Unit tests additionally link the virtual devices and stage-2 builder with a fake arch.
UNIT_LIB_C := $(HOST_LIB_C) $(wildcard src/vdev/*.c) $(ARCH_UNIT_C) src/core/mem.c \
	src/core/platform.c src/core/lifecycle.c src/core/trace.c \
	tests/unit/fake_arch.c
# The unit tests also run the whole core (VM construction and lifecycle, health, the per-CPU
# loop, channels, console, management, MMIO dispatch) on the fake machine: the rest of the
# arch interface, the boot-owned globals and the hypervisor's own devices, observable by the
# tests (tests/unit/fake_machine.c), and a fixture that boots a configured system through
# the real vm_create_all (tests/unit/fixture.c).
UNIT_CORE_C := src/core/vm.c src/core/vm_boot.c src/core/bootprof.c src/core/measure.c src/core/rollback.c \
	src/drivers/cfi_flash.c src/core/health.c src/core/sched.c src/core/sched_policy.c \
	src/core/sched_setup.c src/core/chan.c \
	src/core/console.c src/core/hyplog.c src/core/mgmt.c src/core/mgmt_frame.c src/core/mgmt_ops.c \
	src/core/mgmt_console.c \
	src/core/mgmt_snap.c src/core/snapshot.c src/core/snapshot_restore.c \
	src/core/mgmt_migrate.c src/core/vm_dirty.c src/core/clone.c \
	src/core/generation.c src/core/checkpoint.c \
	src/core/vm_dtb.c src/core/mgmt_gdb.c src/core/gdb.c src/core/mgmt_stats.c src/core/mgmt_trace.c \
	src/core/update.c src/core/mgmt_update.c \
	src/core/mmio_dispatch.c src/core/vm_links.c src/core/passthru.c src/core/console_vm.c \
	src/core/guest_calls.c tests/unit/fake_machine.c tests/unit/fixture.c
TOOL_C := $(wildcard tools/*.c)
# The web dashboard (tools/dashboard/): its own program, so the CLI needs no libmicrohttpd;
# the page's libraries come from npm (versions pinned in package-lock.json), vendored into
# build/dashboard/www at build time (nothing from a CDN at run time).
DASH_C := tools/dashboard/dashboard.c tools/mgmt_client.c tools/ctl_fmt.c tools/ctl_snap.c \
	tools/ctl_update.c src/lib/base64.c src/lib/byteorder.c
DASH_WEB := tools/dashboard/web
DASH_NPM := $(B)/dashboard/npm
DASH_WWW := $(B)/dashboard/www
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/test_*.c))

.PHONY: all hyp tools guests linux u-boot run test unit systest bench lint format deps clean dashboard \
	arch-vars
all: hyp tools guests

hyp: $(B)/tessera.elf
tools: $(B)/tools/tessera

$(B)/hyp/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC_T) $(TFLAGS) -MMD -MP -c $< -o $@
$(B)/hyp/%.o: %.S
	@mkdir -p $(dir $@)
	$(CC_T) $(TFLAGS) -MMD -MP -c $< -o $@

$(B)/tessera.ld: src/arch/$(ARCH)/tessera.ld.in $(INIT_LISTS) Makefile src/arch/$(ARCH)/arch.mk $(VBOOT_H)
	@mkdir -p $(dir $@)
	sed -e 's|@INIT_OBJS@|$(INIT_PAT)|g' \
		-e 's|@INIT_TEXT@|$(foreach o,$(INIT_PAT),$(o)(.text .text.*))|' \
		-e 's|@INIT_RODATA@|$(foreach o,$(INIT_PAT),$(o)(.rodata .rodata.*))|' $< >$@.tmp
	@! grep -n '@[A-Z_]*@' $@.tmp || { echo "$<: placeholder left unreplaced" >&2; exit 1; }
	mv $@.tmp $@

$(B)/tessera.elf: $(HYP_OBJ) $(B)/tessera.ld scripts/check-init.sh
	$(CC_T) $(TFLAGS) -static -Wl,--build-id=none -Wl,--gc-sections -Wl,--no-warn-rwx-segments -T $(B)/tessera.ld \
		-o $@ $(HYP_OBJ) -lgcc
	@printf '%s\n' $(INIT_C) >$(B)/init-objects.txt
	@CROSS=$(CROSS) scripts/check-init.sh $@ $(B)/tessera.ld $(B)/init-objects.txt $(B)/hyp || { rm -f $@; exit 1; }
	$(SIZE_T) $@

$(B)/tools/tessera: $(TOOL_C) $(HOST_LIB_C) $(wildcard src/include/*.h tools/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) -Itools -o $@ $(TOOL_C) $(HOST_LIB_C) -lsodium -lz

dashboard: $(B)/tools/tessera-dashboard $(DASH_WWW)/.stamp

$(B)/tools/tessera-dashboard: $(DASH_C) $(wildcard tools/*.h src/include/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) -Itools -o $@ $(DASH_C) -lmicrohttpd -lpthread -lz

# npm ci: exactly the locked versions, checked against their integrity hashes.
$(DASH_NPM)/node_modules/.package-lock.json: $(DASH_WEB)/package.json $(DASH_WEB)/package-lock.json
	@mkdir -p $(DASH_NPM)
	cp $^ $(DASH_NPM)/
	cd $(DASH_NPM) && npm ci --no-audit --no-fund --loglevel=error

$(DASH_WWW)/.stamp: $(DASH_NPM)/node_modules/.package-lock.json $(wildcard $(DASH_WEB)/*.html $(DASH_WEB)/*.js $(DASH_WEB)/*.css)
	@mkdir -p $(DASH_WWW)/vendor
	cp $(DASH_WEB)/index.html $(DASH_WEB)/app.js $(DASH_WEB)/style.css $(DASH_WEB)/trace.html \
		$(DASH_WEB)/trace.js $(DASH_WWW)/
	cp $(DASH_NPM)/node_modules/@xterm/xterm/lib/xterm.js $(DASH_NPM)/node_modules/@xterm/xterm/css/xterm.css \
		$(DASH_NPM)/node_modules/uplot/dist/uPlot.iife.min.js $(DASH_NPM)/node_modules/uplot/dist/uPlot.min.css \
		$(DASH_WWW)/vendor/
	touch $@

# The code under unit test is compiled once (with the sanitizers) and linked into every
# test, not recompiled per test. The lifecycle protocol's concurrency test runs two threads
# under ThreadSanitizer, which needs its own build of the same sources (-Wno-tsan: TSan
# does not model the virtio code's fences, which order guest memory).
TSAN := -fsanitize=thread -pthread -Wno-tsan
UNIT_OBJ := $(patsubst %.c,$(B)/unit/obj/%.o,$(UNIT_LIB_C) $(UNIT_CORE_C))
UNIT_TSAN_OBJ := $(patsubst %.c,$(B)/unit/tsan/%.o,$(UNIT_LIB_C) $(UNIT_CORE_C))
UNIT_HDRS := $(wildcard src/include/*.h src/vdev/*.h src/core/*.h tests/unit/*.h src/arch/$(ARCH)/*.h \
	src/arch/$(ARCH)/*/*.h)

$(B)/unit/obj/%.o: %.c $(UNIT_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) $(SANITIZE) -Itests/unit -c $< -o $@
$(B)/unit/tsan/%.o: %.c $(UNIT_HDRS) Makefile
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) $(TSAN) -Itests/unit -c $< -o $@

# Kept between runs (make would delete them as intermediate files and rebuild them).
.SECONDARY: $(UNIT_OBJ) $(UNIT_TSAN_OBJ)

$(B)/unit/test_lifecycle: tests/unit/test_lifecycle.c $(UNIT_TSAN_OBJ) $(UNIT_HDRS)
	$(HOSTCC) $(HFLAGS) $(TSAN) -Itests/unit -o $@ $< $(UNIT_TSAN_OBJ)
$(B)/unit/%: tests/unit/%.c $(UNIT_OBJ) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) $(SANITIZE) -Itests/unit -o $@ $< $(UNIT_OBJ)
# test_vboot signs system images with libsodium, as `tessera pack --sign` does.
$(B)/unit/test_vboot: tests/unit/test_vboot.c $(UNIT_OBJ) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) $(SANITIZE) -Itests/unit -o $@ $< $(UNIT_OBJ) -lsodium
# test_update signs update bundles with libsodium, as `tessera pack --update` does.
$(B)/unit/test_update: tests/unit/test_update.c $(UNIT_OBJ) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) $(SANITIZE) -Itests/unit -o $@ $< $(UNIT_OBJ) -lsodium
# test_crc32 checks the hypervisor's CRC-32 against zlib's, which the host tools use.
$(B)/unit/test_crc32: tests/unit/test_crc32.c $(UNIT_OBJ) $(UNIT_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HFLAGS) $(SANITIZE) -Itests/unit -o $@ $< $(UNIT_OBJ) -lz
# Unit tests that compile in a source file under other names (console.c: its own sink).
$(B)/unit/test_console: src/core/console.c
$(B)/unit/test_ctl: tools/ctl_fmt.c tools/ctl_fmt.h

-include guests/guests.mk
-include tests/fuzz/fuzz.mk

deps:
	@scripts/deps.sh

# Debian's arm64 kernel + a busybox initramfs in build/linux/ (cached; needs apt-get).
linux: ; scripts/fetch-linux.sh

# Debian's U-Boot (u-boot-qemu) + the Linux payload it boots, in build/u-boot/ (cached).
u-boot: linux ; scripts/fetch-u-boot.sh

run: deps all linux
	$(B)/tools/tessera run configs/demo.dts

unit: $(UNIT_TESTS)

# The dashboard (npm packages) is built by its own test stage, so a registry that cannot be
# reached fails that stage alone, not the whole suite.
test: deps all unit linux u-boot
	@tests/run_all.sh

bench: deps all linux
	@bench/run.sh

lint:
	@scripts/lint.sh

# The architecture's names for scripts (scripts/lint.sh, check-arch-line.sh): one per line,
# NAME=value, in shell quoting.
arch-vars:
	@printf "ARCH='%s'\nARCH_INC='%s'\nARCH_TIDY_FLAGS='%s'\n" "$(ARCH)" "$(strip $(ARCH_INC))" \
		"$(strip $(ARCH_TIDY_FLAGS))"

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

-include $(HYP_OBJ:.o=.d)
