#!/usr/bin/env bash
# Lint gate (`make lint`, and the last stage of `make test`):
#   - clang-format --dry-run --Werror on every C file in the tree (the repo's
#     .clang-format); fix with `make format`.
#   - cppcheck on src/ tools/ guests/; justified suppressions live in
#     scripts/cppcheck.supp (one reason per entry), or inline as
#     `// cppcheck-suppress <id>` next to the line, with a reason.
#   - clang-tidy (Debian clang-tidy 14) on every C file under src/, with the
#     checks of the repo's .clang-tidy (each check turned off says why there);
#     a finding that is wrong for one line is silenced on that line with
#     `// NOLINT(<check>)` and a reason. Any diagnostic fails.
#   - scripts/check-arch-line.sh: no core/vdev/lib file includes an arch header, nor names
#     an architecture-specific identifier outside its short allowlist.
# Prints "PASS: lint/<check>" or "FAIL: lint/<check> (...)" for clang-format,
# cppcheck and clang-tidy; exits 1 if any failed.
set -u

cd "$(dirname "$0")/.." || exit 1

MAX_SHOWN=40
status=0

# The architecture the Makefile builds for, its private include directories and its
# clang-tidy target (src/arch/$ARCH/arch.mk): ARCH, ARCH_INC, ARCH_TIDY_FLAGS.
vars=$(make -s --no-print-directory arch-vars) || {
	echo "FAIL: lint (make arch-vars failed)"
	exit 1
}
eval "$vars"
read -r -a arch_inc <<<"$ARCH_INC"
read -r -a arch_tidy <<<"$ARCH_TIDY_FLAGS"

# c_files: the C sources and headers to check, one per line. From git: tracked
# files plus new ones not yet added (not ignored), so a file is checked before
# its first commit; outside a git checkout (or if git refuses it): find.
c_files()
{
	local list
	if list=$(git ls-files --cached --others --exclude-standard -- '*.c' '*.h' 2>/dev/null); then
		printf '%s\n' "$list" | grep -v '^build/' | while IFS= read -r f; do
			[ -f "$f" ] && printf '%s\n' "$f"
		done
	else
		find . -path ./build -prune -o -path ./.git -prune -o \
			-type f \( -name '*.c' -o -name '*.h' \) -print | sed 's|^\./||' | sort
	fi
}

lint_format()
{
	local files=() bad=() f out diag=""
	if ! command -v clang-format >/dev/null 2>&1; then
		echo "FAIL: lint/clang-format (clang-format not installed: run scripts/deps.sh)"
		return 1
	fi
	while IFS= read -r f; do
		[ -n "$f" ] && files+=("$f")
	done < <(c_files)
	for f in ${files[@]+"${files[@]}"}; do
		if ! out=$(clang-format --dry-run --Werror "$f" 2>&1); then
			bad+=("$f")
			diag+="$out"$'\n'
		fi
	done
	if [ ${#bad[@]} -eq 0 ]; then
		echo "PASS: lint/clang-format"
		return 0
	fi
	echo "FAIL: lint/clang-format (${#bad[@]} of ${#files[@]} files not formatted: run 'make format')"
	printf '    %s\n' "${bad[@]}"
	printf '%s' "$diag" | head -n "$MAX_SHOWN" | sed 's/^/    | /'
	return 1
}

lint_cppcheck()
{
	local dirs=() d out rc
	if ! command -v cppcheck >/dev/null 2>&1; then
		echo "FAIL: lint/cppcheck (cppcheck not installed: run scripts/deps.sh)"
		return 1
	fi
	for d in src tools guests; do
		[ -d "$d" ] && dirs+=("$d")
	done
	if [ ${#dirs[@]} -eq 0 ]; then
		echo "PASS: lint/cppcheck"
		return 0
	fi
	# The arch's include directories as in the Makefile's flags (INC_ARCH), so cppcheck
	# sees the same headers the compiler does.
	out=$(cppcheck --quiet --enable=warning,style,performance,portability \
		--error-exitcode=1 --inline-suppr --std=c11 -Isrc/include "-Isrc/arch/$ARCH/include" "${arch_inc[@]}" \
		--suppress=missingIncludeSystem --suppressions-list=scripts/cppcheck.supp \
		--template='{file}:{line}: {severity}: {message} [{id}]' \
		"${dirs[@]}" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "PASS: lint/cppcheck"
		return 0
	fi
	echo "FAIL: lint/cppcheck ($(printf '%s\n' "$out" | grep -c ': \(error\|warning\|style\|performance\|portability\): ') findings, exit $rc)"
	printf '%s\n' "$out" | head -n "$MAX_SHOWN" | sed 's/^/    | /'
	return 1
}

# clang-tidy sees each file as the hypervisor build compiles it (Makefile TFLAGS): the
# target architecture (ARCH_TIDY_FLAGS), freestanding, no TESSERA_HOST. That is the one
# configuration every file under src/ compiles in: src/arch/$ARCH has inline assembly
# (system registers) that a host target cannot parse, while src/lib, src/core and src/vdev
# build both ways and their host-only lines are just <string.h>. Only the compiler's own
# freestanding headers are needed, so clang needs no sysroot for the target. (-Werror is
# left out: clang-tidy reports compiler warnings as clang-diagnostic-* anyway, and gcc's -W
# flags are not all clang's.) Files of another architecture's directory are left out.
TIDY_FLAGS=(-std=gnu11 "${arch_tidy[@]}"
	-ffreestanding -fno-builtin -Wall -Wextra -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Isrc/include "-Isrc/arch/$ARCH/include" "${arch_inc[@]}")

lint_tidy()
{
	local tidy files=() f out rc diags n
	tidy=$(command -v clang-tidy-14 || command -v clang-tidy) || {
		echo "FAIL: lint/clang-tidy (clang-tidy not installed: run scripts/deps.sh)"
		return 1
	}
	while IFS= read -r f; do
		case $f in
		src/arch/"$ARCH"/*.c) files+=("$f") ;;
		src/arch/*) ;;
		src/*.c) files+=("$f") ;;
		esac
	done < <(c_files)
	if [ ${#files[@]} -eq 0 ]; then
		echo "PASS: lint/clang-tidy"
		return 0
	fi
	# One file per process, one process per CPU (the analyzer dominates: ~1 s a file).
	out=$(printf '%s\0' "${files[@]}" | xargs -0 -P "$(nproc)" -I {} \
		"$tidy" --quiet --config-file=.clang-tidy {} -- "${TIDY_FLAGS[@]}" 2>&1)
	rc=$?
	# A finding in a header is reported once per file including it: count it once.
	diags=$(printf '%s\n' "$out" | sed "s|^$PWD/||" |
		grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' | sort -u)
	n=$(printf '%s' "$diags" | grep -c . || true)
	if [ "$n" -eq 0 ] && [ $rc -eq 0 ]; then
		echo "PASS: lint/clang-tidy (${#files[@]} files)"
		return 0
	fi
	echo "FAIL: lint/clang-tidy ($n findings in ${#files[@]} files, exit $rc)"
	if [ "$n" -eq 0 ]; then
		printf '%s\n' "$out" | head -n "$MAX_SHOWN" | sed 's/^/    | /'
	else
		printf '%s\n' "$diags" | head -n "$MAX_SHOWN" | sed 's/^/    | /'
	fi
	return 1
}

lint_format || status=1
lint_cppcheck || status=1
lint_tidy || status=1
scripts/check-arch-line.sh || status=1
exit $status
