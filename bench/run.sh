#!/usr/bin/env bash
# Tessera benchmarks (`make bench`): path lengths, guest overhead, boot and footprint.
#
# Every run uses QEMU TCG with -icount shift=4,sleep=off: one CNTVCT tick is one
# executed instruction (any CPU, any EL), so guest-measured figures are exact
# path lengths and repeat bit for bit. Each benchmark guest (guests/bench_*.c)
# runs under Tessera (bench/configs/*.dts) and, where it makes sense, directly
# on bare QEMU in the same run for a baseline.
#
# Output: the results table on stdout, build/bench.json, docs/PERFORMANCE.md, and
# every console log in build/bench/. Exit status 1 if a benchmark did not produce
# its figures (a missed goal is reported in the table, not as a failure).
#
# Environment: QEMU (default qemu-system-aarch64), CPU (default cortex-a57),
# TIMEOUT (seconds per QEMU run, default 120), DOC (default docs/PERFORMANCE.md).
set -u

cd "$(dirname "$0")/.." || exit 1

QEMU=${QEMU:-qemu-system-aarch64}
CPU=${CPU:-cortex-a57}
TIMEOUT=${TIMEOUT:-120}
DOC=${DOC:-docs/PERFORMANCE.md}
TESSERA=build/tools/tessera
OUT=build/bench
JSON=build/bench.json
ICOUNT="shift=4,sleep=off"
errors=()

mkdir -p "$OUT" || exit 1
for f in "$TESSERA" build/tessera.elf build/guests/bench_lat.elf build/guests/bench_work.elf \
	build/guests/bench_boot.elf build/guests/bench_rt.elf; do
	[ -f "$f" ] || {
		echo "bench: $f missing: run 'make all'" >&2
		exit 1
	}
done

# run_hyp NAME: boot bench/configs/NAME.dts under Tessera with icount; log to $OUT/hyp_NAME.log.
run_hyp()
{
	local log=$OUT/hyp_$1.log
	echo "bench: tessera $1" >&2
	timeout -k 5 $((TIMEOUT + 30)) "$TESSERA" run "bench/configs/$1.dts" --cpu "$CPU" --icount \
		--timeout "$TIMEOUT" --pack "$OUT/$1.img" </dev/null 2>&1 | tr -d '\r' >"$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || errors+=("tessera run $1: exit status $rc (see $log)")
}

# run_bare GUEST SMP MEM: boot build/guests/GUEST.elf on bare QEMU (EL1, no hypervisor).
run_bare()
{
	local log=$OUT/bare_$1.log
	echo "bench: bare $1" >&2
	timeout -k 5 "$TIMEOUT" "$QEMU" -M virt,gic-version=3 -cpu "$CPU" -smp "$2" -m "$3" \
		-nographic -kernel "build/guests/$1.elf" -icount "$ICOUNT" </dev/null 2>&1 |
		tr -d '\r' >"$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || errors+=("bare $1: exit status $rc (see $log)")
}

# field LOG NAME KEY [VM]: KEY (min|med|max|samples) of "BENCH NAME:" in LOG (of VM's
# lines when given); empty if missing.
field()
{
	local pre="(\\[[^]]*\\] )?"
	[ $# -ge 4 ] && pre="\\[$4\\] "
	grep -a -E "^${pre}BENCH $2: " "$1" | head -n 1 | sed -n -E "s/.* $3=([0-9]+).*/\\1/p"
}

T0=$SECONDS
run_hyp lat
run_bare bench_lat 2 128M
run_hyp work
run_bare bench_work 1 256M
run_hyp boot1
run_hyp boot4
run_bare bench_boot 1 128M
run_hyp rt_solo
run_hyp rt_storm
run_hyp rt_spin
ELAPSED=$((SECONDS - T0))

# ---- collect -------------------------------------------------------------------
L=$OUT/hyp_lat.log B=$OUT/bare_bench_lat.log
declare -A H BM # "<key>.<min|med|max|samples>" for Tessera / bare metal
put()
{ # put ARRAY KEY LOG NAME [VM]
	local -n arr=$1
	local k v
	for k in min med max samples; do
		v=$(field "$3" "$4" "$k" ${5+"$5"})
		arr[$2.$k]=$v
		[ -n "$v" ] || [ "$k" != med ] || errors+=("no BENCH $4 in $3")
	done
}
for n in hvc svc vtimer gicd_write gicd_read sgi_self ipi_cross uart_write; do
	put H "$n" "$L" "$n"
	[ "$n" = hvc ] || put BM "$n" "$B" "$n"
done
put H work "$OUT/hyp_work.log" work_total
put BM work "$OUT/bare_bench_work.log" work_total
put H boot1 "$OUT/hyp_boot1.log" boot_entry
put BM boot "$OUT/bare_bench_boot.log" boot_entry
boot4_max=0
for vm in b0 b1 b2 b3; do
	v=$(field "$OUT/hyp_boot4.log" boot_entry med "$vm")
	if [ -z "$v" ]; then
		errors+=("boot4: no boot_entry from $vm")
	elif [ "$v" -gt "$boot4_max" ]; then
		boot4_max=$v
	fi
done
H[boot4.med]=$boot4_max
put H rt_solo "$OUT/hyp_rt_solo.log" rt_timer rt
put H rt_storm "$OUT/hyp_rt_storm.log" rt_timer rt
put H rt_spin "$OUT/hyp_rt_spin.log" rt_timer rt
sum_h=$(grep -a -o "checksum=0x[0-9a-f]*" "$OUT/hyp_work.log")
sum_b=$(grep -a -o "checksum=0x[0-9a-f]*" "$OUT/bare_bench_work.log")
[ -n "$sum_h" ] && [ "$sum_h" = "$sum_b" ] || errors+=("workload checksums differ: '$sum_h' vs '$sum_b'")

# Footprint: sections of tessera.elf; per-VM RAM from the stage-2 builder and the vm slot.
sec()
{
	aarch64-linux-gnu-size -A build/tessera.elf | awk -v s="$1" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }'
}
F_TEXT=$(sec .text) F_RODATA=$(sec .rodata) F_DATA=$(sec .data) F_BSS=$(sec .bss)
F_TR=$((F_TEXT + F_RODATA))
VMS_HEX=$(aarch64-linux-gnu-nm -S build/tessera.elf | awk '$4 == "vms" { print $2 }')
VMS_BYTES=$((16#${VMS_HEX:-0}))
MAX_VMS=$(sed -n -E 's/^#define CONFIG_MAX_VMS[[:space:]]+([0-9]+).*/\1/p' src/include/config.h)
VM_SLOT=$((VMS_BYTES / ${MAX_VMS:-8}))
S2_PAGES=""
if gcc -std=gnu11 -O1 -DTESSERA_HOST -Isrc/include -Isrc/arch/aarch64 -o "$OUT/s2pages" \
	bench/s2pages.c src/arch/aarch64/stage2.c src/core/mem.c 2>"$OUT/s2pages.err"; then
	# The bench VMs: 32 MiB at IPA 0x4000_0000 (virt-layout), physical 0x4800_0000.
	S2_PAGES=$("$OUT/s2pages" 0x40000000 0x2000000)
fi

# ---- table ---------------------------------------------------------------------
ROWS=() # "figure|tessera|bare|overhead|goal|met|key"
fmt3()
{ # fmt3 ARRAY KEY: "med" or "med (min..max)"
	local -n a=$1
	local med=${a[$2.med]-} min=${a[$2.min]-} max=${a[$2.max]-}
	if [ -z "$med" ]; then
		echo "missing"
	elif [ -z "$min" ] || { [ "$min" = "$med" ] && [ "$max" = "$med" ]; }; then
		echo "$med"
	else
		echo "$med ($min..$max)"
	fi
}
verdict()
{ # verdict COND-STATUS
	if [ "$1" = "" ]; then echo "n/a"; elif [ "$1" -eq 1 ]; then echo "yes"; else echo "**NO**"; fi
}
ok_le()
{ # ok_le VALUE LIMIT -> 1/0, or empty if VALUE is missing
	[ -n "$1" ] || return 0
	[ "$1" -le "$2" ] && echo 1 || echo 0
}
extra()
{ # extra KEY -> Tessera med - bare med
	local h=${H[$1.med]-} b=${BM[$1.med]-}
	[ -n "$h" ] && [ -n "$b" ] && echo $((h - b))
}
row() { ROWS+=("$1|$2|$3|$4|$5|$6|$7"); }

row "null hypercall round trip (HVC -> EL2 -> back)" "$(fmt3 H hvc)" "n/a (no EL2)" "-" "<= 60" \
	"$(verdict "$(ok_le "${H[hvc.med]-}" 60)")" hvc
row "EL1 exception round trip, SVC -> ERET (reference)" "$(fmt3 H svc)" "$(fmt3 BM svc)" \
	"+$(extra svc)" "measured" "-" svc
x=$(extra vtimer)
row "virtual timer IRQ latency (deadline -> handler)" "$(fmt3 H vtimer)" "$(fmt3 BM vtimer)" \
	"+$x" "<= +80" "$(verdict "$(ok_le "$x" 80)")" vtimer
row "trapped GIC distributor write (GICD_ISENABLER)" "$(fmt3 H gicd_write)" "$(fmt3 BM gicd_write)" \
	"+$(extra gicd_write)" "<= 300" "$(verdict "$(ok_le "${H[gicd_write.med]-}" 300)")" gicd_write
row "trapped GIC distributor read (GICD_TYPER)" "$(fmt3 H gicd_read)" "$(fmt3 BM gicd_read)" \
	"+$(extra gicd_read)" "measured" "-" gicd_read
x=$(extra sgi_self)
row "self-IPI (SGI) latency (ICC_SGI1R write -> handler)" "$(fmt3 H sgi_self)" "$(fmt3 BM sgi_self)" \
	"+$x" "<= +300" "$(verdict "$(ok_le "$x" 300)")" sgi_self
row "cross-vCPU IPI latency (CPU 0 -> CPU 1 in WFI)" "$(fmt3 H ipi_cross)" "$(fmt3 BM ipi_cross)" \
	"+$(extra ipi_cross)" "measured" "-" ipi_cross
row "emulated UART byte write (UARTDR store)" "$(fmt3 H uart_write)" "$(fmt3 BM uart_write)" \
	"+$(extra uart_write)" "measured" "-" uart_write
row "channel doorbell / message round trip between VMs" "not yet measured (no channels yet)" "-" "-" \
	"measured" "n/a" channel
row "boot: QEMU start to first guest instruction, 1 VM" "${H[boot1.med]-missing}" "${BM[boot.med]-missing}" \
	"+$(( ${H[boot1.med]:-0} - ${BM[boot.med]:-0} ))" "<= 5,000,000" "$(verdict "$(ok_le "${H[boot1.med]-}" 5000000)")" boot1
row "boot: QEMU start to first guest instruction, 4 VMs (last VM)" "${H[boot4.med]-missing}" \
	"${BM[boot.med]-missing}" "+$(( ${H[boot4.med]:-0} - ${BM[boot.med]:-0} ))" "<= 5,000,000" "$(verdict "$(ok_le "${H[boot4.med]-}" 5000000)")" boot4
W_PCT=""
if [ -n "${H[work.med]-}" ] && [ -n "${BM[work.med]-}" ]; then
	W_PCT=$(awk -v h="${H[work.med]}" -v b="${BM[work.med]}" 'BEGIN { printf "%+.4f %%", (h - b) * 100 / b }')
	W_OK=$(awk -v h="${H[work.med]}" -v b="${BM[work.med]}" 'BEGIN { print ((h - b) * 1000 <= b * 5) ? 1 : 0 }')
fi
row "guest CPU+memory workload (compute + 64 MiB pointer chase), instructions" "$(fmt3 H work)" \
	"$(fmt3 BM work)" "${W_PCT:--}" "<= +0.5 %" "$(verdict "${W_OK-}")" work
RT_OK=""
[ -n "${H[rt_storm.max]-}" ] && [ -n "${H[rt_solo.max]-}" ] && RT_OK=$(ok_le "${H[rt_storm.max]}" "${H[rt_solo.max]}")
row "RT guest timer latency max, neighbour storms IRQs+HVCs+MMIO (baseline: solo max)" \
	"${H[rt_storm.max]-missing}" "${H[rt_solo.max]-missing} (solo)" \
	"+$(( ${H[rt_storm.max]:-0} - ${H[rt_solo.max]:-0} ))" "= solo max" "$(verdict "$RT_OK")" rt_storm
row "RT guest timer latency max, neighbour spins without traps (baseline: solo max)" \
	"${H[rt_spin.max]-missing}" "${H[rt_solo.max]-missing} (solo)" \
	"+$(( ${H[rt_spin.max]:-0} - ${H[rt_solo.max]:-0} ))" "measured" "-" rt_spin
row "Linux boot to init marker, VM vs bare (wall-time ratio)" "not yet measured (no Linux guest yet)" \
	"-" "-" "<= 1.15" "n/a" linux
row "footprint: text + rodata of tessera.elf (bytes)" "$F_TR" "-" "-" "<= 65,536" \
	"$(verdict "$(ok_le "$F_TR" 65536)")" footprint
row "footprint: text / rodata / data / bss (bytes)" "$F_TEXT / $F_RODATA / $F_DATA / $F_BSS" "-" "-" \
	"measured" "-" sections
PERVM="${S2_PAGES:-?} stage-2 table pages ($(( ${S2_PAGES:-0} * 4096 )) B) + ${VM_SLOT} B static vm slot"
row "hypervisor RAM per extra VM (32 MiB RAM, 1 vCPU)" "$PERVM" "-" "-" "measured" "-" per_vm

print_table()
{ # print_table: markdown table of ROWS
	echo "| figure (instructions unless noted) | Tessera | bare metal | overhead | goal | met? |"
	echo "| --- | ---: | ---: | ---: | --- | --- |"
	local r f t b o g m
	for r in "${ROWS[@]}"; do
		IFS='|' read -r f t b o g m _ <<<"$r"
		echo "| $f | $t | $b | $o | $g | $m |"
	done
}

QEMU_VER=$("$QEMU" --version | head -n 1)
GIT_REV=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
TABLE=$(print_table)
echo
echo "$TABLE"
echo
echo "QEMU: $QEMU_VER; -cpu $CPU; -icount $ICOUNT; runs took ${ELAPSED}s"

# ---- build/bench.json ------------------------------------------------------------
jnum() { [ -n "${1-}" ] && echo "$1" || echo null; }
jstats()
{ # jstats ARRAY KEY
	local -n a=$1
	if [ -z "${a[$2.med]-}" ]; then
		echo null
	else
		echo "{\"min\": $(jnum "${a[$2.min]-}"), \"med\": $(jnum "${a[$2.med]-}"), \"max\": $(jnum "${a[$2.max]-}"), \"samples\": $(jnum "${a[$2.samples]-}")}"
	fi
}
jstr() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
{
	echo "{"
	echo "  \"qemu\": $(jstr "$QEMU_VER"), \"cpu\": $(jstr "$CPU"), \"icount\": $(jstr "$ICOUNT"),"
	echo "  \"git\": $(jstr "$GIT_REV"), \"seconds\": $ELAPSED,"
	echo "  \"errors\": [$(for e in ${errors[@]+"${errors[@]}"}; do printf '%s, ' "$(jstr "$e")"; done | sed 's/, $//')],"
	echo "  \"figures\": ["
	n=0
	for r in "${ROWS[@]}"; do
		IFS='|' read -r f t b o g m k <<<"$r"
		n=$((n + 1))
		sep=","
		[ $n -eq ${#ROWS[@]} ] && sep=""
		echo "    {\"key\": $(jstr "$k"), \"figure\": $(jstr "$f"), \"tessera\": $(jstr "$t"), \"bare\": $(jstr "$b"), \"overhead\": $(jstr "$o"), \"goal\": $(jstr "$g"), \"met\": $(jstr "${m//\*/}"), \"tessera_stats\": $(jstats H "$k"), \"bare_stats\": $(jstats BM "$k")}$sep"
	done
	echo "  ],"
	echo "  \"footprint\": {\"text\": $F_TEXT, \"rodata\": $F_RODATA, \"data\": $F_DATA, \"bss\": $F_BSS, \"vm_slot\": $VM_SLOT, \"stage2_pages_per_vm\": $(jnum "$S2_PAGES")}"
	echo "}"
} >"$JSON"

# ---- docs/PERFORMANCE.md -----------------------------------------------------------
{
	cat <<EOF
# Tessera performance

Generated by \`make bench\` (\`bench/run.sh\`); do not edit by hand. Machine-readable copy:
\`build/bench.json\`. Console logs of every run: \`build/bench/\`.

- QEMU: $QEMU_VER, \`-M virt,gic-version=3 -cpu $CPU -icount $ICOUNT\`
  (\`virtualization=on\` under Tessera)
- Tessera commit: $GIT_REV (plus any uncommitted changes in the tree that was measured)

## Results

$TABLE

Tessera and bare-metal columns are medians; "(a..b)" gives min..max when they differ.
"Overhead" is Tessera minus bare metal (for the workload: relative). A goal marked **NO** is
missed: the number is what the hypervisor does today, not a tuned benchmark.

## Method

- **Exact path lengths.** QEMU TCG with \`-icount shift=4,sleep=off\`: every instruction advances
  virtual time by 16 ns and CNTFRQ is 62.5 MHz, so one CNTVCT tick is one executed instruction,
  at any exception level and on any CPU. Guests time a path with \`isb; mrs cntvct_el0\` before
  and after; the cost of that pair (2) is subtracted where a figure is "instructions between
  two reads". Results repeat bit for bit: all inputs (sample counts, deadlines, seeds) are fixed.
- **Baseline in the same run.** Each benchmark guest also boots directly on QEMU at EL1, no
  hypervisor (\`qemu-system-aarch64 -M virt,gic-version=3 -kernel build/guests/bench_x.elf\`),
  with the same CPU model and icount setting.
- **Samples.** \`bench_lat\`: 16 warm-up samples discarded, then 256 measured, per figure.
  \`bench_rt\`: 10 warm-up timer interrupts, then 200 at 1 kHz. \`bench_work\`: 3 rounds.
  Goals are checked against the median, except the real-time figure (its max).
- **Guests** (\`guests/bench_*.c\`, on the guest kit; output \`BENCH <name>: min= med= max= samples=\`):
  - \`bench_lat\` (one VM, 2 vCPUs; \`bench/configs/lat.dts\`): HVC \`TESSERA_HC_VERSION\`; SVC into an
    EL1 vector table whose entries only ERET (the architectural floor of an exception round
    trip); virtual timer with CVAL 3000..3999 ticks ahead while the CPU spins with IRQs
    unmasked, latency = handler's first counter read - CVAL (the guest kit's IRQ entry path
    is included on both sides); one \`GICD_ISENABLER1\` store (INTID 33) and one
    \`GICD_TYPER\` load; self-SGI from the \`ICC_SGI1R_EL1\` write to the handler; SGI from
    vCPU 0 to vCPU 1 sleeping in WFI, to its handler; one PL011 \`UARTDR\` store.
    Bare metal has no EL2 (no \`virtualization=on\`), so the hypercall has no bare figure; the
    SVC row is the reference.
  - \`bench_work\` (one VM, 128 MiB; \`bench/configs/work.dts\`): 2,000,000 xorshift64* steps plus
    one full pointer chase over a 64 MiB array of u64 indices at RAM + 16 MiB (stride
    permutation), 3 rounds; "instructions" counts everything the machine executed
    meanwhile, hypervisor included. Both runs must print the same checksum.
  - \`bench_boot\` (\`boot1.dts\`, \`boot4.dts\`): the kit's first instruction reads CNTVCT
    (\`kit_entry_counter\`): instructions from QEMU reset to this VM's first instruction, for
    all CPUs together (CNTVOFF is 0). With 4 VMs the figure is the last VM to start, and it
    includes the instructions the already-running VMs executed meanwhile.
  - \`bench_rt\` (\`rt_solo.dts\`, \`rt_storm.dts\`, \`rt_spin.dts\`): a 1 kHz virtual-timer VM on CPU 0,
    alone, next to a VM on CPU 1 that for 300 ms issues back-to-back HVCs, trapped GICD
    writes and self-SGIs ("storm"), or next to one that only computes ("spin": what a busy
    neighbour costs in the emulator itself, which runs the CPUs round-robin on one thread).
- **Footprint**: \`aarch64-linux-gnu-size -A build/tessera.elf\` (.bss includes the 2 MiB page
  pool and the stacks). Hypervisor RAM per extra VM: the hypervisor reports nothing about it, so
  \`bench/s2pages.c\` runs Tessera's own stage-2 builder (\`src/arch/aarch64/stage2.c\`) on the
  host for a 32 MiB VM; the static \`struct vm\` slot is \`sizeof(vms) / CONFIG_MAX_VMS\` from the
  symbol table and is reserved in .bss for all $MAX_VMS slots whether used or not. vCPU state and
  per-VM vGIC/vPL011 state live inside that slot.
- **Not yet measured**: Linux boot ratio (no Linux guest yet) and channel round trip (no
  channels yet).
EOF
	if [ ${#errors[@]} -gt 0 ]; then
		echo
		echo "## Problems in this run"
		echo
		for e in "${errors[@]}"; do echo "- $e"; done
	fi
} >"$DOC"

echo "bench: wrote $JSON and $DOC"
if [ ${#errors[@]} -gt 0 ]; then
	printf 'bench: ERROR: %s\n' "${errors[@]}" >&2
	exit 1
fi
exit 0
