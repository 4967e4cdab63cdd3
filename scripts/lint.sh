#!/usr/bin/env bash
# Lint gate (`make lint`, and the last stage of `make test`):
#   - clang-format --dry-run --Werror on every C file in the tree (the repo's
#     .clang-format); fix with `make format`.
#   - cppcheck on src/ tools/ guests/; justified suppressions live in
#     scripts/cppcheck.supp (one reason per entry), or inline as
#     `// cppcheck-suppress <id>` next to the line, with a reason.
# Prints "PASS: lint/clang-format" / "FAIL: lint/clang-format (...)" and the same
# for lint/cppcheck; exits 1 if either failed.
set -u

cd "$(dirname "$0")/.." || exit 1

MAX_SHOWN=40
status=0

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
	# -Isrc/arch/aarch64 as in the Makefile's flags, so cppcheck sees the same
	# headers the compiler does.
	out=$(cppcheck --quiet --enable=warning,style,performance,portability \
		--error-exitcode=1 --inline-suppr --std=c11 -Isrc/include -Isrc/arch/aarch64 \
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

lint_format || status=1
lint_cppcheck || status=1
exit $status
