#!/usr/bin/env bash
# Fuzz regression (`make fuzz-regress`, and a stage of `make test`): builds every
# libFuzzer harness and runs it once over each file of its committed corpus,
# tests/fuzz/corpus/<name>/ (seeds and reproducers of past findings). Prints
# "PASS: fuzz/<name>" or "FAIL: fuzz/<name> (...)" per harness.
# Environment: FUZZ_TARGETS (default: every tests/fuzz/fuzz_*.c), BUILD (default build).
set -u

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

if [ -z "${FUZZ_TARGETS:-}" ]; then
	FUZZ_TARGETS=$(for f in tests/fuzz/fuzz_*.c; do basename "$f" .c; done | sed 's/^fuzz_//')
fi

# Build every harness first, in parallel (the shared objects once); a target that failed
# to build is reported by the loop's own make below.
mkdir -p "$BUILD/fuzz"
make -s -j"$(nproc 2>/dev/null || echo 2)" B="$BUILD" \
	$(for t in $FUZZ_TARGETS; do echo "$BUILD/fuzz/fuzz_$t"; done) >"$BUILD/fuzz/regress_build.log" 2>&1

status=0
for t in $FUZZ_TARGETS; do
	bin=$BUILD/fuzz/fuzz_$t
	log=$BUILD/fuzz/regress_$t.log
	mkdir -p "$BUILD/fuzz"
	if ! make -s "$bin" B="$BUILD" >"$log" 2>&1; then
		tail -n 20 "$log"
		echo "FAIL: fuzz/$t (build failed, see $log; the fuzzers need clang and libclang-rt-14-dev: scripts/deps.sh)"
		status=1
		continue
	fi
	files=(tests/fuzz/corpus/"$t"/*)
	if [ ! -f "${files[0]}" ]; then
		echo "FAIL: fuzz/$t (no corpus in tests/fuzz/corpus/$t)"
		status=1
		continue
	fi
	# Given files (not a directory), libFuzzer runs each once and does not mutate.
	if timeout -k 5 300 "$bin" -timeout=10 "${files[@]}" >>"$log" 2>&1; then
		echo "PASS: fuzz/$t (${#files[@]} inputs)"
	else
		grep -a -E 'invariant failed|ERROR:|runtime error|^Running:' "$log" | tail -n 8
		echo "FAIL: fuzz/$t (see $log)"
		status=1
	fi
done
exit $status
