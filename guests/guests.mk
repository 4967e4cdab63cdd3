# Bare-metal test guests (included from the top Makefile: CC_T, B and WARN come from there).
# Each guest is guests/<name>.c linked with the kit (guests/kit) and the shared
# freestanding helpers from src/lib into $(B)/guests/<name>.elf at 0x4020_0000 (see guest.ld).

# Every guests/*.c is one guest: add a file, get a guest.
GUEST_NAMES := $(basename $(notdir $(wildcard guests/*.c)))
# The target's flags come from the architecture (ARCH_GUEST_CFLAGS, src/arch/$(ARCH)/arch.mk);
# the kit includes its public headers and the private ones the guests test against
# (arch_gic.h, fw_abi.h: the interrupt controller's windows and IDs, the firmware calls).
GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdlib $(ARCH_GUEST_CFLAGS) \
	-fno-asynchronous-unwind-tables -fno-stack-protector -fno-pic $(WARN) \
	-Isrc/include -Isrc/arch/$(ARCH)/include -Isrc/arch/$(ARCH) -Iguests/kit
# One RWX segment is fine here: the guest runs with its MMU off.
GUEST_LDFLAGS := -static -nostdlib -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
	-T guests/kit/guest.ld

GUEST_KIT_SRC := $(wildcard guests/kit/*.c guests/kit/*.S)
GUEST_LIB_SRC := src/lib/fmt.c src/lib/str.c src/lib/string.c
GUEST_KIT_OBJ := $(patsubst guests/kit/%,$(B)/guests/kit/%.o,$(basename $(GUEST_KIT_SRC))) \
	$(patsubst src/lib/%.c,$(B)/guests/lib/%.o,$(GUEST_LIB_SRC))
GUEST_ELFS := $(patsubst %,$(B)/guests/%.elf,$(GUEST_NAMES))

guests: $(GUEST_ELFS)

$(B)/guests/kit/%.o: guests/kit/%.c
	@mkdir -p $(dir $@)
	$(CC_T) $(GUEST_CFLAGS) -MMD -c $< -o $@
$(B)/guests/kit/%.o: guests/kit/%.S
	@mkdir -p $(dir $@)
	$(CC_T) $(GUEST_CFLAGS) -MMD -c $< -o $@
$(B)/guests/lib/%.o: src/lib/%.c
	@mkdir -p $(dir $@)
	$(CC_T) $(GUEST_CFLAGS) -MMD -c $< -o $@
$(B)/guests/%.o: guests/%.c
	@mkdir -p $(dir $@)
	$(CC_T) $(GUEST_CFLAGS) -MMD -c $< -o $@

# Variants of guests/update.c for the signed-update test (tests/system/update.sh): the
# version each prints and what it does then (UPDATE_MODE, see the source).
UPD_v6 := -DVERSION=6
UPD_v10 := -DVERSION=10 -DUPDATE_MODE=2
UPD_v11 := -DVERSION=11 -DUPDATE_MODE=2
UPD_crash := -DVERSION=7 -DUPDATE_MODE=1
UPD_noconfirm := -DVERSION=8 -DUPDATE_MODE=2
UPD_fail := -DVERSION=9 -DUPDATE_MODE=3
UPD_hang := -DVERSION=12 -DUPDATE_MODE=4
UPDATE_VARIANTS := $(patsubst UPD_%,$(B)/guests/update_%.elf,$(filter UPD_%,$(.VARIABLES)))
# (Its headers as prerequisites: the variants' .d files are not included, make would try to
# remake them with its built-in link rule.)
$(B)/guests/update_%.o: guests/update.c guests/kit/kit.h src/include/abi.h
	@mkdir -p $(dir $@)
	$(CC_T) $(GUEST_CFLAGS) $(UPD_$*) -MMD -c $< -o $@
# Segments 4 KiB-aligned in the file: bundles stream over the management channel.
$(B)/guests/update.elf $(UPDATE_VARIANTS): GUEST_LDFLAGS += -Wl,-z,max-page-size=4096
guests: $(UPDATE_VARIANTS)

$(B)/guests/%.elf: $(B)/guests/%.o $(GUEST_KIT_OBJ) guests/kit/guest.ld
	$(CC_T) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $< $(GUEST_KIT_OBJ) -lgcc

.PRECIOUS: $(B)/guests/%.o $(GUEST_KIT_OBJ)

-include $(GUEST_KIT_OBJ:.o=.d) $(GUEST_ELFS:.elf=.d)

# Raw binaries (objcopy -O binary) for the raw-image boot test: load address and entry come
# from the config.
OBJCOPY_T ?= $(CROSS)objcopy
$(B)/guests/%.bin: $(B)/guests/%.elf
	$(OBJCOPY_T) -O binary $< $@

guests: $(B)/guests/hello.bin
