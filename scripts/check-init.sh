#!/usr/bin/env bash
# check-init.sh ELF [LDSCRIPT INIT_LIST OBJ_DIR]: the build's guard for the boot-only
# sections (the linker script the Makefile generates from src/arch/<arch>/tessera.ld.in).
# .init.text/.init.rodata are handed to the page pool after boot (mem_release_init), so
# nothing resident may refer into them once boot is over. Fails (exit 1) if resident code
# branches to or takes the address of anything in [__init_start, __init_end), or resident
# constants/data hold such an address, except from the functions listed in BOOT_ONLY: those
# are resident but only ever run on CPU 0 before the release.
# With INIT_LIST (src/init-objects.txt, the one list of boot-only sources) it also fails if
# a function of a listed object (OBJ_DIR/<path>.o) is not in .init, unless the linker
# script names it to stay resident (*(.text.NAME)): a list entry the linker script's
# patterns do not match would otherwise leave its code resident without a word.
set -u
ELF=${1:?usage: check-init.sh ELF [LDSCRIPT INIT_LIST OBJ_DIR]}
LDS=${2:-}
INIT_LIST=${3:-}
OBJ_DIR=${4:-}
CROSS=${CROSS:-aarch64-linux-gnu-} # the Makefile passes its own (src/arch/$ARCH/arch.mk)

# Resident functions that run only during boot (setup_cpu_main: calls primary_boot, itself
# in .init (core/boot.c, src/init-objects.txt), and releases .init after it returns;
# sched_setup is called from vm_create_all alone, core/vm_boot.c), and mem_release_init,
# which takes the section bounds to free the pages.
BOOT_ONLY="setup_cpu_main sched_setup mem_release_init"

sym()
{
	"${CROSS}nm" "$ELF" | awk -v s="$1" '$3 == s { print $1 }'
}
lo=$(sym __init_start)
hi=$(sym __init_end)
[ -n "$lo" ] && [ -n "$hi" ] || {
	echo "check-init: no __init_start/__init_end in $ELF" >&2
	exit 1
}
# Addresses are compared as 16-digit lowercase hex strings, forced to string comparison
# with an "x" prefix (portable awk has no hex input).
lo=$(printf '%016x' $((16#$lo)))
hi=$(printf '%016x' $((16#$hi)))
bad=0

# Code: every direct branch and adr/adrp target in the resident sections.
out=$("${CROSS}objdump" -d --no-show-raw-insn -j .text "$ELF" | awk -v lo="$lo" -v hi="$hi" \
	-v allow=" $(echo $BOOT_ONLY) " '
	function hex16(h) { while (length(h) < 16) h = "0" h; return h }
	/^[0-9a-f]+ <.*>:$/ { fn = $2; gsub(/[<>:]/, "", fn); next }
	/^ +[0-9a-f]+:/ {
		if (match($0, /[ \t,]([0-9a-f]+) <[^>]+>/)) {
			s = substr($0, RSTART + 1, RLENGTH - 1)
			split(s, p, " ")
			a = hex16(p[1])
			if ("x" a >= "x" lo && "x" a < "x" hi && index(allow, " " fn " ") == 0)
				print fn ": " $0
		}
	}')
if [ -n "$out" ]; then
	echo "check-init: resident code refers into .init:" >&2
	echo "$out" >&2
	bad=1
fi

# Data: 8-byte words in resident constants and data that point into .init (tables of
# function pointers or strings).
for s in .rodata .data; do
	tmp=$(mktemp)
	"${CROSS}objcopy" -O binary --only-section="$s" "$ELF" "$tmp" 2>/dev/null
	hits=$(od -An -v -t x8 -w8 "$tmp" | awk -v lo="$lo" -v hi="$hi" \
		'{ if ("x" $1 >= "x" lo && "x" $1 < "x" hi) print "0x" $1 }')
	rm -f "$tmp"
	if [ -n "$hits" ]; then
		echo "check-init: $s holds addresses in .init: $(echo $hits)" >&2
		bad=1
	fi
done
# The boot-only objects: every function they define lies in .init (the ELF's symbol of that
# name; a static name also defined in a resident file passes if any copy is in .init).
if [ -n "$INIT_LIST" ]; then
	keep=" $(grep -o '\*(\.text\.[A-Za-z0-9_]*)' "$LDS" | sed 's/^\*(\.text\.//; s/)$//' | tr '\n' ' ') "
	elfsyms=$(mktemp)
	"${CROSS}nm" "$ELF" | awk '$2 ~ /^[Tt]$/ { print $3, $1 }' >"$elfsyms"
	n=0
	for src in $(sed -e 's/#.*//' "$INIT_LIST"); do
		obj=$OBJ_DIR/${src%.c}.o
		if [ ! -f "$obj" ]; then
			echo "check-init: $INIT_LIST names $src, but there is no $obj" >&2
			bad=1
			continue
		fi
		n=$((n + 1))
		out=$("${CROSS}nm" --defined-only "$obj" | awk '$2 ~ /^[Tt]$/ { print $3 }' |
			awk -v lo="$lo" -v hi="$hi" -v keep="$keep" -v f="$elfsyms" '
			function hex16(h) { while (length(h) < 16) h = "0" h; return h }
			BEGIN { while ((getline l < f) > 0) { split(l, p, " "); a = "x" hex16(p[2])
				if (a >= "x" lo && a < "x" hi) init[p[1]] = 1; else res[p[1]] = 1 } }
			(($1 in res) && !($1 in init) && index(keep, " " $1 " ") == 0) { print $1 }')
		if [ -n "$out" ]; then
			echo "check-init: boot-only $src has resident functions: $(echo $out)" >&2
			bad=1
		fi
	done
	rm -f "$elfsyms"
	if [ "$n" -eq 0 ]; then
		echo "check-init: no boot-only objects in $INIT_LIST" >&2
		bad=1
	fi
fi
exit $bad
