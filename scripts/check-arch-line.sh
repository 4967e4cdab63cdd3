#!/usr/bin/env bash
# check-arch-line.sh: the arch line cannot regress (issue 11; docs/ARCHITECTURE.md
# "The arch line"). Three checks:
#  - includes: no file of src/core, src/vdev, src/lib or src/include may include a header of
#    src/arch/ (the public src/arch/<arch>/include/ ones included) unless it is in ALLOW
#    below, each with what it needs. The private arch headers (sysreg.h, gicv3.h, stage2.h,
#    ...) do not even compile there (Makefile INC_CORE); this catches the public ones.
#  - names: no code there names an architecture (ARCH_WORDS below) outside NAMES_ALLOW.
#  - the build: only the Makefile's ARCH line names an architecture.
# Prints "PASS: lint/arch-line" or "FAIL: lint/arch-line (...)" and each finding; exits 1 on
# a finding (or an allowlist entry gone stale).
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

# Names. No code of core, vdev, lib or src/include names an architecture: an identifier
# (comments, string literals and #include lines aside) none of whose '_'-separated words,
# lower-cased, is one of ARCH_WORDS: the Arm ones (GIC and its frames and interrupt kinds,
# SMCCC, PSCI, HVC/SMC, exception levels, system registers) and, so the next port stays as
# clean, RISC-V's (SBI, PLIC/AIA, harts, H-extension CSRs). Core speaks of an interrupt
# controller (irqchip), a CPU's hardware id, a Tessera call, a trapped register; the arch
# gives its own names to what core shows (arch_exit_lines, IRQCHIP_SNAP_*_NAME,
# PLATFORM_IRQCHIP_NAME). NAMES_ALLOW: file:identifier entries, each with its reason; it may
# only shrink, and a stale entry fails.
ARCH_WORDS="gic gicd gicr gicv gicv3 vgic smccc psci hvc smc el0 el1 el2 el3 aarch64 arm64
	sysreg sysregs mpidr esr elr spsr vttbr hcr tpidr ich icc sgi sgis ppi ppis spi spis
	cntv cntp cnthp cntvoff riscv riscv64 rv64 sbi plic aplic imsic hart harts hgatp hstatus
	vsstatus"
NAMES_ALLOW="
"
names=$(find src/core src/vdev src/lib src/include -type f \( -name '*.c' -o -name '*.h' \) -print0 |
	sort -z | xargs -0 perl -e '
	my %w = map { $_ => 1 } split " ", shift;
	for my $f (@ARGV) {
		open(my $fh, "<", $f) or die "$f: $!";
		local $/;
		my $s = <$fh>;
		# Blank comments and literals, keeping the newlines (line numbers).
		$s =~ s{(/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"|\x27(?:\\.|[^\x27\\\n])*\x27)}
		       { (my $m = $1) =~ s/[^\n]/ /g; $m }gse;
		my $n = 0;
		for my $l (split /\n/, $s, -1) {
			$n++;
			next if $l =~ /^\s*#\s*include\b/;
			while ($l =~ /\b([A-Za-z_]\w*)\b/g) {
				my $id = $1;
				print "$f:$id:$n\n" if grep { $w{$_} } split /_+/, lc $id;
			}
		}
	}' "$ARCH_WORDS") || bad+=("the identifier scan failed (perl)")
while IFS=: read -r f id line; do
	[ -n "$f" ] || continue
	if printf '%s\n' "$NAMES_ALLOW" | grep -qxF "$f:$id"; then
		seen+=("$f:$id")
	else
		bad+=("$f:$line: '$id' is an architecture's name (core/vdev/lib must not name one)")
	fi
done <<<"$names"
for a in $NAMES_ALLOW; do
	printf '%s\n' "${seen[@]+"${seen[@]}"}" | grep -qxF "$a" ||
		bad+=("$a is allowed but no longer named: drop it from NAMES_ALLOW in $0")
done

# Instructions. Core, vdev, lib and src/include hold no inline assembly: an instruction is an
# architecture's name too, and the identifier scan above does not see inside asm strings.
# The arch supplies what core needs (arch.h hooks; PLATFORM_CPU_RELAX in arch_platform.h).
while IFS= read -r hit; do
	bad+=("$hit: inline assembly outside src/arch (add an arch.h hook)")
done < <(grep -nHE '(^|[^A-Za-z0-9_])(__asm__|__asm|asm)[[:space:]]*(volatile|__volatile__)?[[:space:]]*\(' \
	$(find src/core src/vdev src/lib src/include -type f \( -name '*.c' -o -name '*.h' \) | sort) |
	grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)')

# The build names the architecture once: ARCH in the Makefile (comments aside). Everything else that builds,
# lints or tests the tree for it (the guests, the fuzz harnesses, the lint) takes $(ARCH) or
# the arch's own arch.mk, so a port is a directory and an ARCH value.
while IFS= read -r hit; do
	bad+=("$hit: names an architecture (use \$(ARCH), or the arch's arch.mk)")
done < <(grep -nHiE 'aarch64|arm64|armv8|riscv' Makefile guests/guests.mk tests/fuzz/fuzz.mk \
	scripts/lint.sh src/init-objects.txt | grep -vE '^[^:]+:[0-9]+:[[:space:]]*#' |
	grep -vE '^Makefile:[0-9]+:ARCH := [a-z0-9_]+$')

if [ ${#bad[@]} -eq 0 ]; then
	echo "PASS: lint/arch-line"
	exit 0
fi
echo "FAIL: lint/arch-line (core/vdev/lib reach into or name an architecture: add an arch.h hook instead)"
printf '    %s\n' "${bad[@]}"
exit 1
