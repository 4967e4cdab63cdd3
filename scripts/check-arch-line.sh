#!/usr/bin/env bash
# check-arch-line.sh: the arch line cannot regress (issue 11; docs/ARCHITECTURE.md
# "Remaining Arm in core"). No file of src/core, src/vdev, src/lib or src/include may
# include a header of src/arch/ (the public src/arch/<arch>/include/ ones included) unless
# it is in ALLOW below, the offenders of today, each with what it needs. The private arch
# headers (sysreg.h, gicv3.h, stage2.h, ...) do not even compile there (Makefile INC_CORE);
# this catches the public ones, which do. Prints "PASS: lint/arch-line" or
# "FAIL: lint/arch-line (...)"; exits 1 on a new include (or an ALLOW entry gone stale).
set -u
cd "$(dirname "$0")/.." || exit 1

# file:header. Shrink it, never grow it: a new need is an arch.h (or irqchip.h) hook
# instead. The two left are by design (docs/ARCHITECTURE.md): the arch-owned structs core
# embeds, and the board's addresses.
ALLOW="
src/include/arch.h:arch_types.h
src/include/layout.h:arch_platform.h
"
# The public arch include directory (on core's and vdev's include path) holds exactly
# those two: anything else there would compile in core again.
PUBLIC="arch_platform.h arch_types.h"

arch_hdrs=$(find src/arch -name '*.h' -printf '%f\n' | sort -u)
bad=()
seen=()
while IFS= read -r f; do
	while IFS= read -r h; do
		if printf '%s\n' "$arch_hdrs" | grep -qxF "$h"; then
			if printf '%s\n' "$ALLOW" | grep -qxF "$f:$h"; then
				seen+=("$f:$h")
			else
				bad+=("$f includes $h")
			fi
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done < <(find src/core src/vdev src/lib src/include -type f \( -name '*.c' -o -name '*.h' \) | sort)

for d in src/arch/*/include; do
	have=$(find "$d" -type f -printf '%f\n' | sort | tr '\n' ' ' | sed 's/ $//')
	[ "$have" = "$PUBLIC" ] || bad+=("$d holds '$have', not exactly '$PUBLIC'")
done
for a in $ALLOW; do
	printf '%s\n' "${seen[@]+"${seen[@]}"}" | grep -qxF "$a" ||
		bad+=("$a is allowed but no longer included: drop it from ALLOW in $0")
done
if [ ${#bad[@]} -eq 0 ]; then
	echo "PASS: lint/arch-line"
	exit 0
fi
echo "FAIL: lint/arch-line (core/vdev/lib reach into src/arch: add an arch.h hook instead)"
printf '    %s\n' "${bad[@]}"
exit 1
