# libFuzzer harnesses (tests/fuzz/fuzz_*.c), included by the top Makefile.
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="fdt vgic"]
#       runs each harness for FUZZ_SECONDS; new inputs go to build/fuzz/corpus/<name>
#       (the committed seeds in tests/fuzz/corpus/<name> are read, never written),
#       crashes to build/fuzz/crashes/<name>/.
#   make fuzz-regress
#       builds each harness and runs it once over its committed corpus
#       (tests/fuzz/regress.sh; also a stage of `make test`).
# Harnesses build with Debian's clang (-fsanitize=fuzzer needs libclang-rt-14-dev;
# scripts/deps.sh installs both) against the same sources as the unit tests.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_B := $(B)/fuzz
FUZZ_ALL := fdt config vgic vpl011 image pack hypercall virtio ed25519 snapshot gdbrsp
FUZZ_TARGETS ?= $(FUZZ_ALL)
FUZZ_FLAGS := -std=gnu11 -O1 -g $(WARN) -DTESSERA_HOST $(INC_ARCH) \
	-Itests/unit -Itests/fuzz -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# The hypercall harness links the arch's call dispatcher and firmware interface (AArch64:
# SMCCC and PSCI) with stubs of the VM layer.
FUZZ_EXTRA_hypercall := $(ARCH_FUZZ_CALLS_C) src/core/guest_calls.c \
	src/core/measure.c \
	src/core/rollback.c src/drivers/cfi_flash.c
# The gdb remote protocol harness tests the host CLI's parser (tools/gdb_rsp.c).
FUZZ_EXTRA_gdbrsp := tools/gdb_rsp.c
# The Ed25519 harness checks ours against Debian's libsodium (libsodium-dev).
FUZZ_EXTRA_ed25519 := -lsodium

.PHONY: fuzz fuzz-build fuzz-regress

# The code under test is compiled once with coverage and sanitizers (fuzzer-no-link) and
# linked into every harness; only the harness itself is compiled per target.
FUZZ_OBJ_FLAGS := $(subst -fsanitize=fuzzer$(comma),-fsanitize=fuzzer-no-link$(comma),$(FUZZ_FLAGS))
# The device harnesses link the device models without the core (their console is a buffer,
# console_sink.c); the management harness links the whole core on the fake machine, as the
# unit tests do.
FUZZ_OBJ := $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(UNIT_LIB_C) tests/fuzz/console_sink.c)
FUZZ_CORE_OBJ := $(patsubst %.c,$(FUZZ_B)/obj/%.o,$(UNIT_LIB_C) $(UNIT_CORE_C))
FUZZ_LINK = $(if $(filter mgmt snapshot,$*),$(FUZZ_CORE_OBJ),$(FUZZ_OBJ))

.SECONDARY: $(FUZZ_OBJ) $(FUZZ_CORE_OBJ)

$(FUZZ_B)/obj/%.o: %.c $(UNIT_HDRS) tests/fuzz/fuzz.mk
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_OBJ_FLAGS) -c $< -o $@

$(FUZZ_B)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_input.h $(FUZZ_OBJ) $(FUZZ_CORE_OBJ) \
		$(UNIT_HDRS) $(FUZZ_EXTRA_hypercall) $(FUZZ_EXTRA_gdbrsp) tools/gdb_rsp.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LINK) $(FUZZ_EXTRA_$*)

fuzz-build: $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_B)/corpus/$$t $(FUZZ_B)/crashes/$$t; \
		echo "== fuzz $$t for $(FUZZ_SECONDS)s"; \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(FUZZ_B)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 -artifact_prefix=$(FUZZ_B)/crashes/$$t/ \
			$(FUZZ_B)/corpus/$$t tests/fuzz/corpus/$$t 2>&1 | tee $(FUZZ_B)/$$t.log \
			| grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)' \
			|| true; \
		if grep -q -E 'ERROR: (AddressSanitizer|libFuzzer)|runtime error|invariant failed' \
			$(FUZZ_B)/$$t.log; then \
			echo "fuzz $$t: FOUND A CRASH, see $(FUZZ_B)/$$t.log and $(FUZZ_B)/crashes/$$t/"; \
			exit 1; \
		fi; \
	done

fuzz-regress:
	@tests/fuzz/regress.sh
