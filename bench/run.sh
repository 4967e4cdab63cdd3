#!/usr/bin/env bash
# Tessera benchmarks (`make bench`): path lengths, guest overhead, boot and footprint.
#
# Every run but the Linux one uses QEMU TCG with -icount shift=4,sleep=off: one
# CNTVCT tick is one executed instruction (any CPU, any EL), so guest-measured
# figures are exact path lengths and repeat bit for bit. Each benchmark guest
# (guests/bench_*.c) runs under Tessera (bench/configs/*.dts) and, where it makes
# sense, directly on bare QEMU in the same run for a baseline. Debian's Linux boots
# (bench/configs/linux.dts against bare QEMU) LINUX_IC_RUNS times each way under
# icount too (the kernel's clock at "Run /init": the figure with the goal), and
# LINUX_RUNS times each way in wall time (multi-threaded TCG, interleaved, medians
# compared: a secondary, noisy figure); a missing Linux image is a missing figure
# (`make bench` fetches it first with `make linux`).
#
# Output: the results table on stdout, build/bench.json, docs/PERFORMANCE.md, and
# every console log in build/bench/. Exit status 1 if a benchmark did not produce
# its figures (a missed goal is reported in the table, not as a failure); then
# docs/PERFORMANCE.md is left unchanged and the run's report is build/bench/PERFORMANCE.md.
#
# Environment: QEMU (default qemu-system-aarch64), CPU (default cortex-a57),
# TIMEOUT (seconds per QEMU run, default 120), DOC (default docs/PERFORMANCE.md),
# LINUX_RUNS (wall-time boots each way, default 3), LINUX_IC_RUNS (icount boots each way,
# default 2), LINUX_TIMEOUT (seconds per boot, default 60).
set -u

cd "$(dirname "$0")/.." || exit 1
# The UART at level info, as the figures were always measured (boot rows include printing the
# boot lines) and the checks read them; the hypervisor's own default is warn.
export TESSERA_LOG_LEVEL=info

QEMU=${QEMU:-qemu-system-aarch64}
. scripts/qemu-args.sh
CPU=${CPU:-cortex-a57}
TIMEOUT=${TIMEOUT:-120}
DOC=${DOC:-docs/PERFORMANCE.md}
LINUX_RUNS=${LINUX_RUNS:-3}
LINUX_TIMEOUT=${LINUX_TIMEOUT:-60}
LINUX_IC_RUNS=${LINUX_IC_RUNS:-2}
LINUX_DIR=build/linux
LINUX_MARKER="TESSERA-LINUX: init up"
# Must match bench/configs/linux.dts (the bare run boots the same files the same way).
LINUX_ARGS="console=ttyAMA0 earlycon=pl011,0x09000000 rdinit=/init tessera.then=poweroff"
TESSERA=build/tools/tessera
OUT=build/bench
JSON=build/bench.json
ICOUNT="shift=4,sleep=off"
errors=()

mkdir -p "$OUT" || exit 1
for f in "$TESSERA" build/tessera.elf build/guests/bench_lat.elf build/guests/bench_work.elf \
	build/guests/bench_boot.elf build/guests/bench_rt.elf build/guests/bench_chan.elf \
	build/guests/partition.elf build/guests/bench_rollback.elf; do
	[ -f "$f" ] || {
		echo "bench: $f missing: run 'make all'" >&2
		exit 1
	}
done

# run_hyp NAME [TAG OPTION...]: boot bench/configs/NAME.dts under Tessera with icount (and the
# `tessera run` OPTIONs); log to $OUT/hyp_NAME[_TAG].log.
run_hyp()
{
	local name=$1 log=$OUT/hyp_$1${2:+_$2}.log
	shift $(($# > 1 ? 2 : 1))
	echo "bench: tessera $name $*" >&2
	timeout -k 5 $((TIMEOUT + 30)) "$TESSERA" run "bench/configs/$name.dts" --cpu "$CPU" --icount \
		--timeout "$TIMEOUT" --pack "$OUT/$name.img" "$@" </dev/null 2>&1 | tests/system/uart-text >"$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || errors+=("tessera run $1: exit status $rc (see $log)")
}

# run_var TAG CONFIG HYP ICOUNT? [OPTION...]: like run_hyp, for a variant: bench/configs/CONFIG.dts
# under the hypervisor HYP, with icount (1) or with QEMU's multi-threaded TCG in wall time (0),
# and the `tessera run` OPTIONs; log to $OUT/hyp_TAG.log.
run_var()
{
	local log=$OUT/hyp_$1.log ic=()
	[ "$4" = 1 ] && ic=(--icount) || ic=(-- -accel tcg,thread=multi)
	echo "bench: tessera $1" >&2
	timeout -k 5 $((TIMEOUT + 30)) "$TESSERA" run "bench/configs/$2.dts" --cpu "$CPU" --hyp "$3" \
		--timeout "$TIMEOUT" --pack "$OUT/$1.img" "${@:5}" "${ic[@]}" </dev/null 2>&1 | tests/system/uart-text >"$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || errors+=("tessera run $1: exit status $rc (see $log)")
}

# run_bare GUEST SMP MEM: boot build/guests/GUEST.elf on bare QEMU (EL1, no hypervisor).
run_bare()
{
	local log=$OUT/bare_$1.log
	echo "bench: bare $1" >&2
	timeout -k 5 "$TIMEOUT" "$QEMU" -M virt,gic-version=3 -cpu "$CPU" -smp "$2" -m "$3" \
		"${QEMU_BASE_ARGS[@]}" -kernel "build/guests/$1.elf" -icount "$ICOUNT" </dev/null 2>&1 |
		tests/system/uart-text >"$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 0 ] || errors+=("bare $1: exit status $rc (see $log)")
}

# field LOG NAME KEY [VM]: KEY (min|med|max|samples) of "BENCH NAME:" in LOG (of VM's
# lines when given); empty if missing.
field()
{
	local pre="(\\[[^]]*\\] )?"
	[ $# -ge 4 ] && pre="\\[$4\\] "
	# Whole lines only (they end in samples=): the console may show a VM's partial line
	# before another VM's output and the whole line again after it.
	grep -a -E "^${pre}BENCH $2: .*samples=[0-9]+$" "$1" | head -n 1 |
		sed -n -E "s/.* $3=([0-9]+).*/\\1/p"
}

# stamp: copies stdin to stdout, each line prefixed with the wall time it arrived
# (seconds, microsecond resolution), carriage returns dropped.
stamp()
{
	local l
	while IFS= read -r l; do
		printf '%s %s\n' "$EPOCHREALTIME" "${l%$'\r'}"
	done
}

# linux_boot hyp|bare N: one Linux boot, no icount; log (time-stamped) to
# $OUT/linux_<hyp|bare>_N.log. Sets LB_T to the seconds from QEMU's start to the
# init marker, or to nothing. QEMU's start: the "+ qemu-system-aarch64 ..." line that
# `tessera run` prints just before it forks QEMU (after packing, which is not
# timed), or the same line printed by us just before exec for the bare run.
linux_boot()
{
	local log=$OUT/linux_$1_$2.log rc
	echo "bench: linux $1 $2" >&2
	if [ "$1" = hyp ]; then
		timeout -k 5 $((LINUX_TIMEOUT + 30)) "$TESSERA" run bench/configs/linux.dts --cpu "$CPU" \
			--timeout "$LINUX_TIMEOUT" --pack "$OUT/linux.img" </dev/null 2>&1 | stamp >"$log"
		rc=${PIPESTATUS[0]}
	else
		(
			echo "+ $QEMU (bare)"
			exec timeout -k 5 "$LINUX_TIMEOUT" "$QEMU" -M virt,gic-version=3 -cpu "$CPU" -smp 2 \
				-m 256M "${QEMU_BASE_ARGS[@]}" -kernel "$LINUX_DIR/Image" -initrd "$LINUX_DIR/initramfs.cpio.gz" \
				-append "$LINUX_ARGS"
		) </dev/null 2>&1 | stamp >"$log"
		rc=${PIPESTATUS[0]}
	fi
	[ "$rc" -eq 0 ] || errors+=("linux $1 $2: exit status $rc (see $log)")
	LB_T=$(LC_ALL=C awk -v m="$LINUX_MARKER" '
		!s && $2 == "+" { s = $1 }
		s && index($0, m) { printf "%.3f\n", $1 - s; exit }' "$log")
}

# linux_icount hyp|bare N: one Linux boot under -icount (the same files and command line as
# linux_boot); the raw log in $OUT/linux_icount_<hyp|bare>_N.log. Sets LI_T to the kernel's own
# clock (its printk time stamp, seconds of the virtual counter: instructions x 16 ns) at "Run
# /init as init process", or to nothing. QEMU is stopped as soon as that line is out
# (nothing after it is measured; docs/PERFORMANCE.md "Method").
linux_icount()
{
	local log=$OUT/linux_icount_$1_$2.log pid n=0
	echo "bench: linux icount $1 $2" >&2
	if [ "$1" = hyp ]; then
		setsid "$TESSERA" run bench/configs/linux.dts --cpu "$CPU" --icount --timeout "$LINUX_TIMEOUT" \
			--pack "$OUT/linux.img" </dev/null >"$log" 2>&1 &
	else
		setsid "$QEMU" -M virt,gic-version=3 -cpu "$CPU" -smp 2 -m 256M "${QEMU_BASE_ARGS[@]}" \
			-icount "$ICOUNT" -kernel "$LINUX_DIR/Image" -initrd "$LINUX_DIR/initramfs.cpio.gz" \
			-append "$LINUX_ARGS" </dev/null >"$log" 2>&1 &
	fi
	pid=$!
	while [ $n -lt $((LINUX_TIMEOUT * 5)) ] && kill -0 "$pid" 2>/dev/null &&
		! grep -a -q 'Run /init as init process' "$log"; do
		sleep 0.2
		n=$((n + 1))
	done
	kill -TERM -- -"$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	LI_T=$(tests/system/uart-text <"$log" |
		sed -n -E 's/^(\[linux\] )?\[ *([0-9]+\.[0-9]{6})\] Run \/init as init process$/\2/p' | head -n 1)
	[ -n "$LI_T" ] || errors+=("linux icount $1 $2: no 'Run /init' (see $log)")
}

T0=$SECONDS
run_hyp lat
run_bare bench_lat 2 128M
run_hyp lat_direct # direct-interrupts VM (docs/CONFIG.md "Direct interrupts")
run_hyp chan
run_hyp work
run_bare bench_work 1 256M
run_hyp boot1
run_hyp boot1 profile -v # the boot profile (tessera.verbose): one row per phase
run_hyp boot4
run_bare bench_boot 1 128M
# Verified boot (docs/SECURITY.md): the same boot under a hypervisor that trusts the test key,
# the image signed with it (manifest signature, SHA-256 of every entry, measurement log).
VBOOT_HYP=build/vboot/tessera.elf
if make -s B=build/vboot TRUSTED_KEYS=tests/keys/test.pub "$VBOOT_HYP" >"$OUT/vboot_build.log" 2>&1; then
	run_var boot1_vboot boot1 "$VBOOT_HYP" 1 --sign tests/keys/test.key
	run_var boot1_vboot_profile boot1 "$VBOOT_HYP" 1 --sign tests/keys/test.key -v
else
	errors+=("the verified-boot build failed (see $OUT/vboot_build.log)")
fi
run_hyp rt_solo
run_hyp switch # two VMs time-sharing one CPU (issue 13): the vCPU switch
run_hyp partition # two VMs in a cyclic table (issue 13): window-start jitter
run_hyp rt_shared_solo # the RT VM alone on a "priority" CPU (issue 13)
run_hyp rt_share # the RT VM at high priority beside a spinner on one CPU (issue 13)
run_hyp rt_share_nolead # the same without wake-lead-us: the whole preemption path
run_hyp work_share # two compute VMs round-robin on one CPU (issue 13): throughput
# Rollback against a cold restart (issue 14 item 3): the same 64 MiB VM (guests/bench_rollback.c)
# fails after dirtying 1 MiB; policy rollback puts its checkpoint back, policy restart boots it.
run_hyp rollback
run_hyp restart
# The RT VM beside Debian's Linux booting on its CPU (issue 13, bench/configs/rt_linux.dts):
# Linux never stops, so the run is cut after 15 s (exit 124); the RT VM's 210 interrupts
# fall in the first 0.2 s of virtual time, Linux's early boot.
for f in rt_linux rt_linux_nolead; do
	echo "bench: tessera $f" >&2
	timeout -k 5 45 "$TESSERA" run "bench/configs/$f.dts" --cpu "$CPU" --icount --timeout 15 \
		--pack "$OUT/$f.img" </dev/null 2>&1 | tests/system/uart-text >"$OUT/hyp_$f.log"
	[ "${PIPESTATUS[0]}" -eq 124 ] || errors+=("tessera run $f: not cut by its timeout (see $OUT/hyp_$f.log)")
done
# The RT CPU's path during a neighbour storm, counted: the same system under the benchmark
# build of the hypervisor (share_stats.h: every lock and cross-VM access noted per CPU), the
# RT guest opening and closing the window around its sampling loop.
SHARE_HYP=build/share/tessera.elf
if make -s B=build/share TEXTRA=-DTESSERA_SHARE_STATS "$SHARE_HYP" >"$OUT/share_build.log" 2>&1; then
	run_var rt_storm_share rt_storm "$SHARE_HYP" 1
else
	errors+=("the sharing-counter build failed (see $OUT/share_build.log)")
fi
# What tracing costs while it is off (issue 17: at most 2 instructions per exit): the
# latency guest again under a build with the trace hooks compiled out (trace.h,
# TESSERA_NO_TRACE_HOOKS); its trapped exits are compared with the normal build's.
NOTRACE_HYP=build/notrace/tessera.elf
if make -s B=build/notrace TEXTRA=-DTESSERA_NO_TRACE_HOOKS "$NOTRACE_HYP" >"$OUT/notrace_build.log" 2>&1; then
	run_var lat_notrace lat "$NOTRACE_HYP" 1
else
	errors+=("the trace-hooks-out build failed (see $OUT/notrace_build.log)")
fi
# Wall time, multi-threaded TCG: both CPUs really run at once (noisy, secondary figures).
run_var rt_solo_mt rt_solo build/tessera.elf 0
run_var rt_storm_mt rt_storm build/tessera.elf 0
# Live migration between two boards (bench/migrate.sh): wall time, no icount (noisy).
echo "bench: migrate" >&2
OUT=$OUT CPU=$CPU bash bench/migrate.sh >"$OUT/migrate.txt" 2>&1 ||
	errors+=("bench/migrate.sh: a migration failed (see $OUT/migrate.txt)")
LINUX_HYP=() LINUX_BARE=() LINUX_STATE=""
if [ ! -s "$LINUX_DIR/Image" ] || [ ! -s "$LINUX_DIR/initramfs.cpio.gz" ]; then
	LINUX_STATE="missing: no Linux image (make linux)"
else
	# Interleaved, so a slow spell of the host hits both sides alike.
	for i in $(seq 1 "$LINUX_RUNS"); do
		linux_boot hyp "$i"
		[ -n "$LB_T" ] || { errors+=("linux hyp $i: no '$LINUX_MARKER'"); break; }
		LINUX_HYP+=("$LB_T")
		linux_boot bare "$i"
		[ -n "$LB_T" ] || { errors+=("linux bare $i: no '$LINUX_MARKER'"); break; }
		LINUX_BARE+=("$LB_T")
	done
	[ ${#LINUX_HYP[@]} -eq "$LINUX_RUNS" ] && [ ${#LINUX_BARE[@]} -eq "$LINUX_RUNS" ] ||
		LINUX_STATE="missing (a boot failed; see $OUT/linux_*.log)"
fi
# The same boot under -icount: the kernel's clock at "Run /init", a count of instructions.
LINUX_IC_HYP=() LINUX_IC_BARE=() LINUX_IC_STATE=""
if [ ! -s "$LINUX_DIR/Image" ] || [ ! -s "$LINUX_DIR/initramfs.cpio.gz" ]; then
	LINUX_IC_STATE="missing: no Linux image (make linux)"
else
	for i in $(seq 1 "$LINUX_IC_RUNS"); do
		linux_icount hyp "$i"
		[ -n "$LI_T" ] && LINUX_IC_HYP+=("$LI_T")
		linux_icount bare "$i"
		[ -n "$LI_T" ] && LINUX_IC_BARE+=("$LI_T")
	done
	[ ${#LINUX_IC_HYP[@]} -eq "$LINUX_IC_RUNS" ] && [ ${#LINUX_IC_BARE[@]} -eq "$LINUX_IC_RUNS" ] ||
		LINUX_IC_STATE="missing (a boot failed; see $OUT/linux_icount_*.log)"
fi
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
for n in hvc svc vtimer gicd_write gicd_read gicd_prio gicr_write sgi_self ipi_cross uart_fr uart_write; do
	put H "$n" "$L" "$n"
	[ "$n" = hvc ] || put BM "$n" "$B" "$n"
done
for n in psci_version smccc_version smccc_arch_features psci_features migrate_info_type; do
	put H "$n" "$L" "$n"
done
declare -A NT # the same figures under the hooks-out build
for n in hvc vtimer gicd_write gicr_write sgi_self uart_fr; do
	put NT "$n" "$OUT/hyp_lat_notrace.log" "$n"
done
# direct-interrupts: same guest and bare baseline, the VM owns CPU 1's Group-1 interrupts.
put H vtimer_direct "$OUT/hyp_lat_direct.log" vtimer
for k in min med max samples; do BM[vtimer_direct.$k]=${BM[vtimer.$k]-}; done
put H chan_notify "$OUT/hyp_chan.log" chan_notify a
put H chan_roundtrip "$OUT/hyp_chan.log" chan_roundtrip a
for vm in a b; do
	grep -a -q "^\[$vm\] DONE bench_chan: passed=[0-9]* failed=0" "$OUT/hyp_chan.log" ||
		errors+=("bench_chan VM $vm did not pass its checks (see $OUT/hyp_chan.log)")
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
put H boot1_vboot "$OUT/hyp_boot1_vboot.log" boot_entry
grep -a -q "verified boot: system image version 0 signed by trusted key 1 of 1" "$OUT/hyp_boot1_vboot.log" ||
	errors+=("the verified-boot run did not verify its image (see $OUT/hyp_boot1_vboot.log)")
H[bootph_pack_vboot.med]=$(sed -n -E 's/^(\[tessera\] )?BOOT pack: ([0-9]+).*$/\2/p' "$OUT/hyp_boot1_vboot_profile.log")
# Rollback vs cold restart: "TEST bench_rollback: <what> pct=<CNTPCT>" lines, in boot order.
rb_pct()
{ # rb_pct LOG WHAT N -> the Nth "<what> pct=" value, or nothing
	sed -n -E "s/^\[rb\] TEST bench_rollback: $2 pct=([0-9]+)$/\1/p" "$1" | sed -n "$3p"
}
RB_LOG=$OUT/hyp_rollback.log RS_LOG=$OUT/hyp_restart.log
RB_FAIL=$(rb_pct "$RB_LOG" fail 1) RB_BACK=$(rb_pct "$RB_LOG" back 1)
RB_PAGES=$(sed -n -E "s/.*policy rollback: VM 'rb' runs from checkpoint 1 \(([0-9]+) of 16384 pages copied back, [0-9]+ us\).*/\1/p" "$RB_LOG")
if [ -n "$RB_FAIL" ] && [ -n "$RB_BACK" ] && [ "$RB_BACK" -gt "$RB_FAIL" ] && [ -n "$RB_PAGES" ] &&
	[ "$RB_PAGES" -ge 256 ] && [ "$RB_PAGES" -lt 16384 ] &&
	grep -a -q "^\[rb\] DONE bench_rollback: passed=[0-9]* failed=0" "$RB_LOG"; then
	H[rollback.med]=$((RB_BACK - RB_FAIL)) H[rollback_pages.med]=$RB_PAGES
else
	errors+=("the rollback run did not fail, roll back a dirty set of 256+ pages and go on (see $RB_LOG)")
fi
RS_FAIL=$(rb_pct "$RS_LOG" fail 1) RS_BOOT=$(rb_pct "$RS_LOG" boot 2) RS_WARM=$(rb_pct "$RS_LOG" warm 2)
if [ -n "$RS_FAIL" ] && [ -n "$RS_BOOT" ] && [ -n "$RS_WARM" ] && [ "$RS_BOOT" -gt "$RS_FAIL" ] &&
	grep -a -q "VM 0 'rb' resetting" "$RS_LOG"; then
	H[restart.med]=$((RS_BOOT - RS_FAIL)) H[restart_warm.med]=$((RS_WARM - RS_FAIL))
else
	errors+=("the restart run did not fail and boot again (see $RS_LOG)")
fi
# Live migration: "MIGRATE <vm> total_ms= downtime_ms= pages= ..." per run.
for vm in idle busy lidle lbusy; do
	for f in total_ms downtime_ms pages; do
		v=$(grep "^MIGRATE $vm " "$OUT/migrate.txt" 2>/dev/null | sed -n "s/.* $f=\([0-9.]*\).*/\1/p" | sort -n)
		[ -n "$v" ] || continue
		n=$(printf '%s\n' "$v" | wc -l)
		H[mig_${vm}_$f.min]=$(printf '%s\n' "$v" | head -n 1)
		H[mig_${vm}_$f.max]=$(printf '%s\n' "$v" | tail -n 1)
		H[mig_${vm}_$f.med]=$(printf '%s\n' "$v" | sed -n "$(((n + 1) / 2))p")
		H[mig_${vm}_$f.samples]=$n
	done
done
# Boot profile: "BOOT <phase>: <instructions>" lines, in the order CPU 0 runs them.
BOOT_PHASES=()
while read -r ph v; do
	BOOT_PHASES+=("$ph")
	H[bootph_$ph.med]=$v
done < <(sed -n -E 's/^(\[tessera\] )?BOOT ([a-z]+): ([0-9]+)( .*)?$/\2 \3/p' "$OUT/hyp_boot1_profile.log")
[ ${#BOOT_PHASES[@]} -gt 0 ] && [ -n "${H[bootph_total.med]-}" ] ||
	errors+=("no boot profile in $OUT/hyp_boot1_profile.log")
put H rt_solo "$OUT/hyp_rt_solo.log" rt_timer rt
put H rt_shared_solo "$OUT/hyp_rt_shared_solo.log" rt_timer rt
put H rt_share "$OUT/hyp_rt_share.log" rt_timer rt
put H rt_linux "$OUT/hyp_rt_linux.log" rt_timer rt
put H rt_share_nolead "$OUT/hyp_rt_share_nolead.log" rt_timer rt
put H rt_linux_nolead "$OUT/hyp_rt_linux_nolead.log" rt_timer rt
for f in rt_shared_solo rt_share rt_linux rt_share_nolead rt_linux_nolead; do
	grep -a -q "^\[rt\] DONE bench_rt: passed=1 failed=0" "$OUT/hyp_$f.log" ||
		errors+=("the RT VM did not pass its checks (see $OUT/hyp_$f.log)")
done
# Throughput (issue 13): "TEST bench_work: span entry=<counter> end=<counter>" per VM; the
# shared run's joint span (first entry to last end) against twice one VM's span alone.
span_of()
{ # span_of LOG VM -> "entry end"
	sed -n -E "s/^\[$2\] TEST bench_work: span entry=([0-9]+) end=([0-9]+).*/\1 \2/p" "$1" | head -n 1
}
read -r WS_E WS_X <<<"$(span_of "$OUT/hyp_work.log" work)"
read -r W1_E W1_X <<<"$(span_of "$OUT/hyp_work_share.log" w1)"
read -r W2_E W2_X <<<"$(span_of "$OUT/hyp_work_share.log" w2)"
WS_SOLO="" WS_JOINT="" WS_RATIO="" WS_OK=""
if [ -n "${WS_X-}" ] && [ -n "${W1_X-}" ] && [ -n "${W2_X-}" ]; then
	WS_SOLO=$((WS_X - WS_E))
	WS_JOINT=$(((W1_X > W2_X ? W1_X : W2_X) - (W1_E < W2_E ? W1_E : W2_E)))
	WS_RATIO=$(LC_ALL=C awk -v j="$WS_JOINT" -v s="$WS_SOLO" 'BEGIN { printf "%.4f", j / (2 * s) }')
	WS_OK=$(( WS_JOINT * 100 <= 2 * WS_SOLO * 102 ? 1 : 0 ))
	H[work_share.med]=$WS_JOINT BM[work_share.med]=$((2 * WS_SOLO))
else
	errors+=("no bench_work span in $OUT/hyp_work.log or $OUT/hyp_work_share.log")
fi
c1=$(grep -a -o "^\[w1\] TEST bench_work: checksum=0x[0-9a-f]*" "$OUT/hyp_work_share.log" | sed 's/.*=//')
c2=$(grep -a -o "^\[w2\] TEST bench_work: checksum=0x[0-9a-f]*" "$OUT/hyp_work_share.log" | sed 's/.*=//')
[ -n "$c1" ] && [ "$c1" = "$c2" ] && [ "checksum=$c1" = "$(grep -a -o "checksum=0x[0-9a-f]*" "$OUT/hyp_work.log")" ] ||
	errors+=("work_share: the shared VMs' checksums differ from the solo run's (see $OUT/hyp_work_share.log)")
put H switch "$OUT/hyp_switch.log" switch sa
# Time partitions: the worst window start of either VM (each reports its own windows).
put H part_pa "$OUT/hyp_partition.log" partition_jitter pa
put H part_pb "$OUT/hyp_partition.log" partition_jitter pb
for k in min med max samples; do
	a=${H[part_pa.$k]-} b=${H[part_pb.$k]-}
	case $k in
	min) H[partition.$k]=$( [ -n "$a" ] && [ -n "$b" ] && echo $((a < b ? a : b)) ) ;;
	max) H[partition.$k]=$( [ -n "$a" ] && [ -n "$b" ] && echo $((a > b ? a : b)) ) ;;
	samples) H[partition.$k]=$( [ -n "$a" ] && [ -n "$b" ] && echo $((a + b)) ) ;;
	med) H[partition.$k]=$a ;; # pa's windows start after both idle and pb: the median of either
	esac
done
for vm in pa pb; do
	grep -a -q "^\[$vm\] DONE partition: passed=4 failed=0" "$OUT/hyp_partition.log" ||
		errors+=("partition VM $vm did not pass its checks (see $OUT/hyp_partition.log)")
done
put H rt_solo_mt "$OUT/hyp_rt_solo_mt.log" rt_timer rt
put H rt_storm_mt "$OUT/hyp_rt_storm_mt.log" rt_timer rt
for k in rt_solo_mt rt_storm_mt; do
	H[$k.p99]=$(field "$OUT/hyp_$k.log" rt_timer p99 rt)
done
grep -a -q "^\[noisy\] DONE bench_rt: passed=[0-9]* failed=0" "$OUT/hyp_rt_storm_mt.log" ||
	errors+=("the storm VM did not pass its checks in the wall-time run (see $OUT/hyp_rt_storm_mt.log)")
# "share: window cpu=0 objects=N shared_objects=N shared_acquisitions=N overflow=N"
SHARE_LINE=$(grep -a -E "share: window cpu=0 " "$OUT/hyp_rt_storm_share.log" 2>/dev/null | head -n 1)
SH_ACQ=$(sed -n -E 's/.* shared_acquisitions=([0-9]+).*/\1/p' <<<"$SHARE_LINE")
SH_OBJ=$(sed -n -E 's/.* objects=([0-9]+).*/\1/p' <<<"$SHARE_LINE")
SH_SOBJ=$(sed -n -E 's/.* shared_objects=([0-9]+).*/\1/p' <<<"$SHARE_LINE")
SH_OVF=$(sed -n -E 's/.* overflow=([0-9]+).*/\1/p' <<<"$SHARE_LINE")
if [ -z "$SH_ACQ" ]; then
	errors+=("no sharing-counter report from the RT CPU (see $OUT/hyp_rt_storm_share.log)")
elif [ "$SH_OVF" != 0 ]; then
	errors+=("sharing counters overflowed their table ($SH_OVF notes lost)")
fi
grep -a -q "^\[noisy\] DONE bench_rt: passed=[0-9]* failed=0" "$OUT/hyp_rt_storm_share.log" ||
	errors+=("the storm VM did not pass its checks in the counted run (see $OUT/hyp_rt_storm_share.log)")
sum_h=$(grep -a -o "checksum=0x[0-9a-f]*" "$OUT/hyp_work.log")
sum_b=$(grep -a -o "checksum=0x[0-9a-f]*" "$OUT/bare_bench_work.log")
[ -n "$sum_h" ] && [ "$sum_h" = "$sum_b" ] || errors+=("workload checksums differ: '$sum_h' vs '$sum_b'")

# Footprint: sections of tessera.elf; per-VM RAM from the stage-2 builder and the vm slot.
sec()
{
	aarch64-linux-gnu-size -A "${2:-build/tessera.elf}" | awk -v s="$1" '$1 == s { print $2; f = 1 } END { if (!f) print 0 }'
}
F_TEXT=$(sec .text) F_RODATA=$(sec .rodata) F_DATA=$(sec .data)
F_BSS=$(($(sec .bss) + $(sec .pool))) # .pool: the page pool, which the boot does not zero
# Resident after boot: .text + .rodata. Boot-only code and constants (.init.text,
# .init.rodata: the objects in src/init-objects.txt) are handed to the page pool once CPU 0
# has booted.
F_INIT=$(($(sec .init.text) + $(sec .init.rodata)))
F_TR=$((F_TEXT + F_RODATA))
F_IMAGE=$((F_TR + F_INIT))
# What verified boot adds: the TRUSTED_KEYS build (build/vboot, above) keeps SHA-256, Ed25519
# and the update code resident, since restarts and updates verify again.
F_TR_VBOOT=missing
[ -s "$VBOOT_HYP" ] && F_TR_VBOOT=$(($(sec .text "$VBOOT_HYP") + $(sec .rodata "$VBOOT_HYP")))
# The minimal build profile (docs/CONFIG.md "Build profiles"; tests/system/profile_minimal.sh
# boots it): without the debugger, trace, snapshot/migration, virtio links and shared CPUs.
MIN_HYP=build/minimal/tessera.elf F_TR_MIN=missing
if make -s -j2 B=build/minimal PROFILE=minimal "$MIN_HYP" >"$OUT/minimal_build.log" 2>&1; then
	F_TR_MIN=$(($(sec .text "$MIN_HYP") + $(sec .rodata "$MIN_HYP")))
else
	errors+=("the PROFILE=minimal build failed (see $OUT/minimal_build.log)")
fi
# Resident bytes per build feature (FEATURES_ALL): the full build minus a build with every
# feature but that one (make B=build/feat-<f> FEATURES="all but f", kept between runs so only
# what changed is rebuilt). What the features share (a file built when any of them is on,
# such as the vCPU switch) is counted in none of them: the "shared" figure is the full build
# minus the minimal build minus the sum of the features' own figures.
FEATS=$(make -s --no-print-directory -f Makefile -f - feat-list <<<'feat-list: ; @echo $(FEATURES_ALL)' 2>/dev/null)
declare -A FEAT_TR
F_FEAT=missing F_FEAT_JSON=null
if [ -z "$FEATS" ]; then
	errors+=("per-feature footprint: no FEATURES_ALL from the Makefile")
else
	feat_ok=1
	for f in $FEATS; do
		rest=$(tr ' ' '\n' <<<"$FEATS" | grep -vx "$f" | tr '\n' ' ')
		elf=build/feat-$f/tessera.elf
		if make -s -j2 B="build/feat-$f" FEATURES="${rest% }" "$elf" >"$OUT/feat_${f}_build.log" 2>&1; then
			FEAT_TR[$f]=$((F_TR - $(sec .text "$elf") - $(sec .rodata "$elf")))
		else
			errors+=("the build without feature $f failed (see $OUT/feat_${f}_build.log)")
			feat_ok=0
		fi
	done
	if [ "$feat_ok" = 1 ] && [ "$F_TR_MIN" != missing ]; then
		shared=$((F_TR - F_TR_MIN))
		F_FEAT="" F_FEAT_JSON="{"
		for f in $(for f in $FEATS; do echo "${FEAT_TR[$f]} $f"; done | sort -rn | awk '{ print $2 }'); do
			F_FEAT+="$f ${FEAT_TR[$f]} / "
			F_FEAT_JSON+="\"$f\": ${FEAT_TR[$f]}, "
			shared=$((shared - FEAT_TR[$f]))
		done
		F_FEAT+="shared by several features $shared / core without features $F_TR_MIN"
		F_FEAT_JSON+="\"shared\": $shared, \"core\": $F_TR_MIN}"
	fi
fi
# Resident bytes per component: sized text/rodata symbols below __init_start, by the source
# directory their debug info names (LTO keeps it); the rest is string literals, alignment
# and assembly without symbol sizes.
sym() { aarch64-linux-gnu-nm build/tessera.elf | awk -v n="$1" '$3 == n { print $1 }'; }
declare -A COMP
while read -r c v; do COMP[$c]=$v; done < <(aarch64-linux-gnu-nm -S -l --defined-only build/tessera.elf |
	LC_ALL=C awk -v lo="$(sym __hyp_start)" -v hi="$(sym __init_start)" '
	function h(x, i, v) { v = 0; x = tolower(x); for (i = 1; i <= length(x); i++) v = v * 16 + index("0123456789abcdef", substr(x, i, 1)) - 1; return v }
	BEGIN { L = h(lo); H = h(hi) }
	NF >= 4 && $3 ~ /^[tTrR]$/ {
		a = h($1); if (a < L || a >= H) next
		c = "other"
		if (NF >= 5 && match($5, /src\/(core|vdev|arch|lib|drivers)\//)) c = substr($5, RSTART + 4, RLENGTH - 5)
		s[c] += h($2); t += h($2)
	}
	END { for (c in s) print c, s[c]; print "sum", t }')
[ -n "${COMP[sum]-}" ] && [ "${COMP[sum]}" -gt 0 ] || errors+=("per-component footprint: no sized symbols found")
F_COMP="core ${COMP[core]:-0} / vdev ${COMP[vdev]:-0} / arch ${COMP[arch]:-0} / lib ${COMP[lib]:-0} / drivers ${COMP[drivers]:-0} / unattributed $((F_TR - ${COMP[sum]:-0} + ${COMP[other]:-0}))"
VMS_HEX=$(aarch64-linux-gnu-nm -S build/tessera.elf | awk '$4 == "vms" { print $2 }')
VMS_BYTES=$((16#${VMS_HEX:-0}))
MAX_VMS=$(sed -n -E 's/^#define CONFIG_MAX_VMS[[:space:]]+([0-9]+).*/\1/p' src/include/config.h)
VM_SLOT=$((VMS_BYTES / ${MAX_VMS:-8}))
S2_PAGES=""
if gcc -std=gnu11 -O1 -DTESSERA_HOST -Isrc/include -Isrc/arch/aarch64/include -Isrc/arch/aarch64 -o "$OUT/s2pages" \
	bench/s2pages.c src/arch/aarch64/stage2.c src/core/mem.c 2>"$OUT/s2pages.err"; then
	# The bench VMs: 32 MiB at IPA 0x4000_0000 (virt-layout), physical 0x4800_0000.
	S2_PAGES=$("$OUT/s2pages" 0x40000000 0x2000000)
else
	errors+=("bench/s2pages.c did not build (see $OUT/s2pages.err)")
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
ok_lt()
{ # ok_lt VALUE LIMIT -> 1/0, or empty if VALUE is missing
	[ -n "$1" ] || return 0
	[ "$1" -lt "$2" ] && echo 1 || echo 0
}
extra()
{ # extra KEY -> Tessera med - bare med
	local h=${H[$1.med]-} b=${BM[$1.med]-}
	[ -n "$h" ] && [ -n "$b" ] && echo $((h - b))
}
row() { ROWS+=("$1|$2|$3|$4|$5|$6|$7"); }

row "null hypercall round trip (HVC -> EL2 -> back; Tessera's own TESSERA_HC_VERSION, answered in vectors.S before any register is saved)" \
	"$(fmt3 H hvc)" "n/a (no EL2)" "-" "<= 60" "$(verdict "$(ok_le "${H[hvc.med]-}" 60)")" hvc
for n in psci_version smccc_version smccc_arch_features psci_features migrate_info_type; do
	row "standard query HVC round trip (vectors.S, like the null call): ${n^^}" "$(fmt3 H "$n")" "n/a (no EL2)" "-" "<= 60" \
		"$(verdict "$(ok_le "${H[$n.med]-}" 60)")" "$n"
done
row "EL1 exception round trip, SVC -> ERET (reference)" "$(fmt3 H svc)" "$(fmt3 BM svc)" \
	"+$(extra svc)" "measured" "-" svc
x=$(extra vtimer)
row "virtual timer IRQ latency (deadline -> handler)" "$(fmt3 H vtimer)" "$(fmt3 BM vtimer)" \
	"+$x" "<= +80" "$(verdict "$(ok_le "$x" 80)")" vtimer
x=$(extra vtimer_direct)
row "virtual timer IRQ latency, direct-interrupts VM" "$(fmt3 H vtimer_direct)" \
	"$(fmt3 BM vtimer_direct)" "+$x" "<= +80" "$(verdict "$(ok_le "$x" 80)")" vtimer_direct
# Emulated MMIO (issue 12 item 3): every trapped GICD/GICR or vPL011 access <= 200.
mmio_row()
{ # mmio_row KEY FIGURE
	row "$2" "$(fmt3 H "$1")" "$(fmt3 BM "$1")" "+$(extra "$1")" "<= 200" \
		"$(verdict "$(ok_le "${H[$1.med]-}" 200)")" "$1"
}
mmio_row gicd_write "trapped GIC distributor write (GICD_ISENABLER1 store)"
mmio_row gicd_read "trapped GIC distributor read (GICD_TYPER load)"
mmio_row gicd_prio "trapped GIC distributor write (GICD_IPRIORITYR8 word store)"
mmio_row gicr_write "trapped GIC redistributor write (GICR_ISENABLER0 store)"
mmio_row uart_fr "emulated UART register read (UARTFR load)"
mmio_row uart_write "emulated UART byte write (UARTDR store, console output included)"
x=$(extra sgi_self)
row "self-IPI (SGI) latency (ICC_SGI1R write -> handler)" "$(fmt3 H sgi_self)" "$(fmt3 BM sgi_self)" \
	"+$x" "<= +150" "$(verdict "$(ok_le "$x" 150)")" sgi_self
# Tracing off (issue 17): the normal build's median less the hooks-out build's, per exit.
trace_off_row()
{ # trace_off_row KEY WHAT
	local d=
	[ -n "${H[$1.med]-}" ] && [ -n "${NT[$1.med]-}" ] && d=$((H[$1.med] - NT[$1.med]))
	row "tracing off, cost per exit: $2 (this build; the hooks-compiled-out build in the bare column)" \
		"$(fmt3 H "$1")" "$(fmt3 NT "$1")" "+$d" "<= +2" "$(verdict "$(ok_le "$d" 2)")" "trace_off_$1"
}
trace_off_row gicd_write "GICD_ISENABLER1 store (MMIO fast path: vectors.S tests the flag before trap_dabt)"
trace_off_row gicr_write "GICR_ISENABLER0 store (MMIO fast path: vectors.S tests the flag before trap_dabt)"
trace_off_row uart_fr "UARTFR load (MMIO fast path: vectors.S tests the flag before trap_dabt)"
trace_off_row sgi_self "self-SGI (vectors.S before any save)"
trace_off_row vtimer "timer interrupt (vectors.S, the flag folded into the state load)"
trace_off_row hvc "null hypercall (vectors.S, not traced)"
# Issue 12: half of the 836 measured before the interrupt fast path.
row "cross-vCPU IPI latency (CPU 0 -> CPU 1 in WFI)" "$(fmt3 H ipi_cross)" "$(fmt3 BM ipi_cross)" \
	"+$(extra ipi_cross)" "<= 418" "$(verdict "$(ok_le "${H[ipi_cross.med]-}" 418)")" ipi_cross
row "channel doorbell: CHANNEL_NOTIFY round trip seen by the caller (peer VM in WFI)" \
	"$(fmt3 H chan_notify)" "n/a (no EL2)" "-" "< 150" \
	"$(verdict "$(ok_lt "${H[chan_notify.med]-}" 150)")" chan_notify
row "channel message round trip, VM on CPU 0 -> VM on CPU 1 -> back (ring + doorbell each way)" \
	"$(fmt3 H chan_roundtrip)" "n/a (no EL2)" "-" "< 2,000" \
	"$(verdict "$(ok_lt "${H[chan_roundtrip.med]-}" 2000)")" chan_roundtrip
row "vCPU switch between two VMs on one CPU (the policy's preemption: hypervisor timer IRQ, pick, save + restore of the whole vCPU incl. FP, timers, vGIC, debug; last guest instruction -> first of the other)" \
	"$(fmt3 H switch)" "n/a (no EL2)" "-" "<= 1,000" "$(verdict "$(ok_le "${H[switch.med]-}" 1000)")" switch
row "time partitions: window-start jitter, scheduled instant -> first guest instruction in the window (max over 150 windows of two VMs; from idle and from the other VM)" \
	"$(fmt3 H partition)" "n/a (no EL2)" "-" "max <= 2,000" "$(verdict "$(ok_le "${H[partition.max]-}" 2000)")" partition
row "boot: QEMU start to first guest instruction, 1 VM" "${H[boot1.med]-missing}" "${BM[boot.med]-missing}" \
	"+$(( ${H[boot1.med]:-0} - ${BM[boot.med]:-0} ))" "<= 400,000" "$(verdict "$(ok_le "${H[boot1.med]-}" 400000)")" boot1
declare -A BOOT_WHAT=([early]="reset, .bss zeroing, stack, vectors"
	[platform]="platform DTB read in one pass, UART and console"
	[mmu]="EL2 stage-1 tables, MMU and caches on" [pool]="page pool"
	[gic]="GIC distributor, CPU 0's redistributor and interfaces" [pack]="system image check"
	[config]="config DTB parse and validation" [layout]="images located and laid out, stage-2 tables"
	[devices]="vGIC, vPL011, virtio: create and reset" [load]="image copy, .bss zeroing, cache clean"
	[dtb]="the VM's DTB" [print]="console lines" [start]="console IRQ, management channel, CPUs on")
for ph in "${BOOT_PHASES[@]}"; do
	[ "$ph" != total ] || continue
	row "boot phase, 1 VM: $ph (${BOOT_WHAT[$ph]-?})" "${H[bootph_$ph.med]}" "-" "-" "measured" "-" "bootph_$ph"
done
if [ -n "${H[bootph_total.med]-}" ] && [ -n "${H[boot1.med]-}" ]; then
	H[bootph_rest.med]=$((H[boot1.med] - H[bootph_total.med]))
	row "boot phase, 1 VM: rest (.init released, CPU 0's vCPU started and entered; boot row minus the phases)" \
		"${H[bootph_rest.med]}" "-" "-" "measured" "-" bootph_rest
fi
row "boot: QEMU start to first guest instruction, 1 VM, verified boot on (TRUSTED_KEYS, signed image; overhead vs off)" \
	"${H[boot1_vboot.med]-missing}" "-" "+$(( ${H[boot1_vboot.med]:-0} - ${H[boot1.med]:-0} ))" "measured" "-" boot1_vboot
row "boot phase, 1 VM, verified boot on: pack (system image check, SHA-256 of every entry, manifest signature, log)" \
	"${H[bootph_pack_vboot.med]:-missing}" "-" "-" "measured" "-" bootph_pack_vboot
row "boot: QEMU start to first guest instruction, 4 VMs (last VM)" "${H[boot4.med]-missing}" \
	"${BM[boot.med]-missing}" "+$(( ${H[boot4.med]:-0} - ${BM[boot.med]:-0} ))" "<= 1,000,000" "$(verdict "$(ok_le "${H[boot4.med]-}" 1000000)")" boot4
W_PCT=""
if [ -n "${H[work.med]-}" ] && [ -n "${BM[work.med]-}" ]; then
	W_PCT=$(awk -v h="${H[work.med]}" -v b="${BM[work.med]}" 'BEGIN { printf "%+.4f %%", (h - b) * 100 / b }')
	W_OK=$(awk -v h="${H[work.med]}" -v b="${BM[work.med]}" 'BEGIN { print ((h - b) * 1000 <= b * 5) ? 1 : 0 }')
fi
row "guest CPU+memory workload (compute + 64 MiB pointer chase), instructions" "$(fmt3 H work)" \
	"$(fmt3 BM work)" "${W_PCT:--}" "<= +0.5 %" "$(verdict "${W_OK-}")" work
for vm in idle busy lidle lbusy; do
	case $vm in
	idle) what="an idle bare-metal VM (4 MiB, hello ticking)" ;;
	busy) what="a bare-metal VM dirtying memory (4 MiB, snap_compute: 32 pages 10 times a second, 1.25 MiB/s)" ;;
	lidle) what="an idle Debian Linux VM (256 MiB, 2 vCPUs, at its shell)" ;;
	lbusy) what="a Debian Linux VM dirtying memory (256 MiB, 2 vCPUs; a shell loop rewrites 1 MiB of a tmpfs file every 0.2 s: at most 5 MiB/s)" ;;
	esac
	row "live migration of $what between two boards: total, ms (wall time, no icount: noisy)" \
		"$(fmt3 H mig_${vm}_total_ms)" "-" "-" "measured" "-" mig_${vm}_total_ms
	row "live migration of $what: downtime (pause on A to running on B), ms (wall time: noisy)" \
		"$(fmt3 H mig_${vm}_downtime_ms)" "-" "-" "measured" "-" mig_${vm}_downtime_ms
	row "live migration of $what: pages sent, all rounds (zero pages: a tag or nothing)" \
		"$(fmt3 H mig_${vm}_pages)" "-" "-" "measured" "-" mig_${vm}_pages
	# Pages per round of the median-total run (the last round: the VM paused).
	PR=$(grep "^MIGRATE $vm " "$OUT/migrate.txt" 2>/dev/null | sort -t= -k2 -n | sed -n "$(((${H[mig_${vm}_total_ms.samples]:-1} + 1) / 2))p" |
		sed -n 's/.* rounds=\([0-9]*\) per_round=\([0-9+]*\).*/\2 (\1 rounds)/p')
	row "live migration of $what: pages sent per round, the run with the median total (last: VM paused)" \
		"${PR:--}" "-" "-" "measured" "-" mig_${vm}_per_round
done
ms16() { [ -n "${1-}" ] && LC_ALL=C awk -v t="$1" 'BEGIN { printf "%.1f ms", t * 0.000016 }'; }
RB_X=""
[ -n "${H[rollback.med]-}" ] && [ -n "${H[restart.med]-}" ] &&
	RB_X=$(LC_ALL=C awk -v a="${H[rollback.med]}" -v b="${H[restart.med]}" 'BEGIN { printf "x %.3f", a / b }')
row "rollback of a 64 MiB VM with 1 MiB dirty (policy rollback, checkpoint by hypercall): the guest's failure -> it runs again from its checkpoint (board counter CNTPCT: instructions on all CPUs; against the cold restart below)" \
	"${H[rollback.med]-missing}" "-" "${RB_X:+$RB_X vs cold restart ($(ms16 "${H[rollback.med]}") vs $(ms16 "${H[restart.med]}"))}" \
	"< cold restart" "$(verdict "$( [ -n "${H[restart.med]-}" ] && ok_lt "${H[rollback.med]-}" "${H[restart.med]}")")" rollback
row "rollback of that VM: pages copied back (of 16,384; the 256 dirtied + the guest's stack and data)" \
	"${H[rollback_pages.med]-missing}" "-" "-" "measured" "-" rollback_pages
row "cold restart of the same VM (policy restart, no back-off): the guest's failure -> first instruction of its new boot (64 MiB scrubbed, image and DTB reloaded)" \
	"${H[restart.med]-missing}" "-" "-" "measured" "-" restart
row "cold restart of the same VM: the guest's failure -> back at the state its checkpoint held (new boot + rewriting its 32 MiB working set)" \
	"${H[restart_warm.med]-missing}" "-" "-" "measured" "-" restart_warm
row "RT guest timer latency, 1 kHz, alone (deadline -> handler; max is the figure)" \
	"$(fmt3 H rt_solo)" "-" "-" "measured" "-" rt_solo
row "RT guest timer latency, 1 kHz, alone on a shared CPU (policy priority: its WFI blocks it, the hypervisor timer wakes it, its state is restored)" \
	"$(fmt3 H rt_shared_solo)" "-" "-" "measured" "-" rt_shared_solo
RS_GOAL=""
[ -n "${H[rt_solo.max]-}" ] && [ -n "${H[switch.med]-}" ] && RS_GOAL=$((H[rt_solo.max] + H[switch.med]))
row "RT guest timer latency, 1 kHz, priority 200 sharing its CPU with a VM spinning flat out at priority 1, wake-lead-us 40 (max is the figure; goal: the alone max + one vCPU switch${RS_GOAL:+ = $RS_GOAL})" \
	"$(fmt3 H rt_share)" "-" "+$(( ${H[rt_share.max]:-0} - ${H[rt_solo.max]:-0} )) vs alone" "<= alone + switch" \
	"$(verdict "$( [ -n "$RS_GOAL" ] && ok_le "${H[rt_share.max]-}" "$RS_GOAL")")" rt_share
row "RT guest timer latency, 1 kHz, priority 200 sharing its CPU with Debian's Linux booting at priority 1 (1 vCPU, the same CPU, wake-lead-us 40; max is the figure; goal as above${RS_GOAL:+ = $RS_GOAL})" \
	"$(fmt3 H rt_linux)" "-" "+$(( ${H[rt_linux.max]:-0} - ${H[rt_solo.max]:-0} )) vs alone" "<= alone + switch" \
	"$(verdict "$( [ -n "$RS_GOAL" ] && ok_le "${H[rt_linux.max]-}" "$RS_GOAL")")" rt_linux
row "RT guest timer latency, 1 kHz, priority 200 beside the spinner at priority 1, no wake lead (the whole preemption at the deadline; goal as above${RS_GOAL:+ = $RS_GOAL})" \
	"$(fmt3 H rt_share_nolead)" "-" "+$(( ${H[rt_share_nolead.max]:-0} - ${H[rt_solo.max]:-0} )) vs alone" "<= alone + switch" \
	"$(verdict "$( [ -n "$RS_GOAL" ] && ok_le "${H[rt_share_nolead.max]-}" "$RS_GOAL")")" rt_share_nolead
row "RT guest timer latency, 1 kHz, priority 200 beside Debian's Linux booting at priority 1, no wake lead (max is the figure; goal as above${RS_GOAL:+ = $RS_GOAL})" \
	"$(fmt3 H rt_linux_nolead)" "-" "+$(( ${H[rt_linux_nolead.max]:-0} - ${H[rt_solo.max]:-0} )) vs alone" "<= alone + switch" \
	"$(verdict "$( [ -n "$RS_GOAL" ] && ok_le "${H[rt_linux_nolead.max]-}" "$RS_GOAL")")" rt_linux_nolead
row "throughput: two compute VMs (bench_work) round-robin on one CPU (10 ms quantum), joint span vs twice one VM's span alone, instructions" \
	"${WS_JOINT:-missing}" "${WS_SOLO:+$((2 * WS_SOLO)) (2 x alone)}" "${WS_RATIO:+x $WS_RATIO}" "<= x 1.02" "$(verdict "$WS_OK")" work_share
row "RT CPU during a neighbour storm (HVCs+GICD writes+SGIs on CPU 1): acquisitions of locks or cross-VM access counters that another CPU also took in the window (objects touched: ${SH_OBJ:-?}, shared: ${SH_SOBJ:-?})" \
	"${SH_ACQ:-missing}" "-" "-" "0" "$(verdict "$( [ -n "$SH_ACQ" ] && { [ "$SH_ACQ" -eq 0 ] && echo 1 || echo 0; })")" rt_shared
us()
{ # us TICKS -> microseconds (CNTFRQ 62.5 MHz: 16 ns per tick)
	[ -n "${1-}" ] && LC_ALL=C awk -v t="$1" 'BEGIN { printf "%.1f", t * 0.016 }' || echo "?"
}
for k in rt_solo_mt rt_storm_mt; do
	d="alone"
	[ "$k" = rt_storm_mt ] && d="neighbour storming on CPU 1"
	row "RT guest timer latency, $d, wall time with multi-threaded TCG (noisy; us: min / med / p99 / max)" \
		"$(us "${H[$k.min]-}") / $(us "${H[$k.med]-}") / $(us "${H[$k.p99]-}") / $(us "${H[$k.max]-}")" \
		"-" "-" "measured" "-" "$k"
done
# Linux: medians of the wall times (seconds); H/BM hold milliseconds for the JSON stats.
med_of()
{ # med_of VALUE... -> the median (upper middle for an even count)
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int(NR / 2) + 1] }'
}
linux_stats()
{ # linux_stats ARRAY VALUE...: min/med/max/samples in ms
	local -n st=$1
	shift
	local s mn md mx n
	s=$(printf '%s\n' "$@" | sort -g | awk '{ v[NR] = int($1 * 1000 + 0.5) }
		END { print v[1], v[int(NR / 2) + 1], v[NR], NR }')
	read -r mn md mx n <<<"$s"
	st["linux.min"]=$mn st["linux.med"]=$md st["linux.max"]=$mx st["linux.samples"]=$n
}
if [ -z "$LINUX_STATE" ]; then
	linux_stats H "${LINUX_HYP[@]}"
	linux_stats BM "${LINUX_BARE[@]}"
	L_H=$(med_of "${LINUX_HYP[@]}") L_B=$(med_of "${LINUX_BARE[@]}")
	L_RATIO=$(LC_ALL=C awk -v h="$L_H" -v b="$L_B" 'BEGIN { printf "%.3f", h / b }')
	L_OK=$(LC_ALL=C awk -v r="$L_RATIO" 'BEGIN { print (r <= 1.15) ? 1 : 0 }')
	row "Linux boot to init marker, VM vs bare (wall-time ratio, multi-threaded TCG: noisy, secondary; seconds, median of $LINUX_RUNS)" \
		"$L_H s (${LINUX_HYP[*]})" "$L_B s (${LINUX_BARE[*]})" "x $L_RATIO" "measured" "-" linux
else
	row "Linux boot to init marker, VM vs bare (wall-time ratio)" "$LINUX_STATE" "-" "-" \
		"measured" "n/a" linux
fi
if [ -z "$LINUX_IC_STATE" ]; then
	L_IH=$(med_of "${LINUX_IC_HYP[@]}") L_IB=$(med_of "${LINUX_IC_BARE[@]}")
	L_IRATIO=$(LC_ALL=C awk -v h="$L_IH" -v b="$L_IB" 'BEGIN { printf "%.4f", h / b }')
	L_IOK=$(LC_ALL=C awk -v r="$L_IRATIO" 'BEGIN { print (r <= 1.15) ? 1 : 0 }')
	row "Linux boot to /init under -icount, VM vs bare (the kernel's clock at 'Run /init': instructions x 16 ns; seconds, median of $LINUX_IC_RUNS)" \
		"$L_IH s (${LINUX_IC_HYP[*]})" "$L_IB s (${LINUX_IC_BARE[*]})" "x $L_IRATIO" "<= 1.15" \
		"$(verdict "$L_IOK")" linux_icount
else
	row "Linux boot to /init under -icount, VM vs bare" "$LINUX_IC_STATE" "-" "-" "<= 1.15" "n/a" linux_icount
fi
row "footprint: resident text + rodata of tessera.elf after boot (bytes)" "$F_TR" "-" "-" "<= 65,536" \
	"$(verdict "$(ok_le "$F_TR" 65536)")" footprint
row "footprint: resident text + rodata, verified-boot build (TRUSTED_KEYS; added vs the default build)" \
	"$F_TR_VBOOT" "-" "+$((${F_TR_VBOOT/missing/0} - F_TR))" "measured" "-" footprint_vboot
row "footprint: resident text + rodata, PROFILE=minimal build (static partitioning, health, channels, console, management; no debugger, trace, snapshot/migration, virtio links, shared CPUs; vs the full build)" \
	"$F_TR_MIN" "-" "-$((F_TR - ${F_TR_MIN/missing/0}))" "<= 65,536" "$(verdict "$(ok_le "${F_TR_MIN/missing/}" 65536)")" \
	footprint_minimal
row "footprint: resident bytes per build feature (full build minus a build without it; shared: code built when any of several features is on; core: the PROFILE=minimal build)" \
	"$F_FEAT" "-" "-" "measured" "-" footprint_features
row "footprint: resident bytes per component (src/core, src/vdev, src/arch, src/lib, src/drivers; unattributed: string literals, alignment, assembly)" \
	"$F_COMP" "-" "-" "measured" "-" footprint_components
row "footprint: whole image text + rodata, incl. boot-only .init (bytes)" "$F_IMAGE" "-" "-" \
	"measured" "-" footprint_image
row "footprint: text / rodata / init / data / bss (bytes)" \
	"$F_TEXT / $F_RODATA / $F_INIT / $F_DATA / $F_BSS" "-" "-" \
	"measured" "-" sections
PERVM="${S2_PAGES:-?} stage-2 table pages ($(( ${S2_PAGES:-0} * 4096 )) B) + ${VM_SLOT} B static vm slot"
row "hypervisor RAM per extra VM (32 MiB RAM, 1 vCPU)" "$PERVM" "-" "-" "measured" "-" per_vm

for r in "${ROWS[@]}"; do
	IFS='|' read -r f t _ <<<"$r"
	case "$t" in *missing* | "" | *"?"*) errors+=("no figure for: $f") ;; esac
done

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
echo "QEMU: $QEMU_VER; -cpu $CPU; -icount $ICOUNT (wall-time Linux boots: none); runs took ${ELAPSED}s"

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
	if [ -z "$LINUX_STATE" ]; then
		jh=${LINUX_HYP[*]} jb=${LINUX_BARE[*]}
		echo "  \"linux_boot_seconds\": {\"tessera\": [${jh// /, }], \"bare\": [${jb// /, }], \"ratio\": $L_RATIO},"
	else
		echo "  \"linux_boot_seconds\": null,"
	fi
	if [ -z "$LINUX_IC_STATE" ]; then
		jh=${LINUX_IC_HYP[*]} jb=${LINUX_IC_BARE[*]}
		echo "  \"linux_boot_icount_seconds\": {\"tessera\": [${jh// /, }], \"bare\": [${jb// /, }], \"ratio\": $L_IRATIO},"
	else
		echo "  \"linux_boot_icount_seconds\": null,"
	fi
	echo "  \"footprint\": {\"text\": $F_TEXT, \"rodata\": $F_RODATA, \"init\": $F_INIT, \"data\": $F_DATA, \"bss\": $F_BSS, \"vm_slot\": $VM_SLOT, \"stage2_pages_per_vm\": $(jnum "$S2_PAGES"), \"features\": $F_FEAT_JSON}"
	echo "}"
} >"$JSON"

# ---- docs/PERFORMANCE.md -----------------------------------------------------------
{
	cat <<EOF
# Tessera performance

Generated by \`make bench\` (\`bench/run.sh\`); do not edit by hand. Machine-readable copy:
\`build/bench.json\`. Console logs of every run: \`build/bench/\`.

- QEMU: $QEMU_VER, \`-M virt,gic-version=3 -cpu $CPU -icount $ICOUNT\` (the wall-time Linux boots: no icount)
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
- **Live migration** (\`bench/migrate.sh\`, \`bench/configs/migrate_{a,b}.dts\`,
  \`tests/system/configs/migrate_linux_{a,b}.dts\`): two QEMU boards without icount, \`tessera
  migrate\` of an idle bare-metal VM and of one dirtying 1.25 MiB/s, then of Debian's Linux
  (256 MiB, 2 vCPUs) at its shell: idle, and with a shell loop rewriting 1 MiB of a tmpfs file
  every 0.2 s (at most 5 MiB/s), 3 runs each on fresh boards; total time and downtime are the host's wall
  clock (noisy: the management channels and both QEMUs share the host's cores), pages sent are
  over every round; pages and state travel in the management channel's binary frames
  (docs/MANAGEMENT.md "Frames").
- **Samples.** \`bench_lat\`, \`bench_chan\`: 16 warm-up samples discarded, then 256 measured, per figure.
  \`bench_rt\`: 10 warm-up timer interrupts, then 200 at 1 kHz. \`bench_work\`: 3 rounds.
  Goals are checked against the median, except the real-time figure (its max).
- **Guests** (\`guests/bench_*.c\`, on the guest kit; output \`BENCH <name>: min= med= max= samples=\`):
  - \`bench_lat\` (one VM, 2 vCPUs; \`bench/configs/lat.dts\`): HVC \`TESSERA_HC_VERSION\`; HVC
    \`PSCI_VERSION\`, \`SMCCC_VERSION\`, \`SMCCC_ARCH_FEATURES\` (of \`SMCCC_VERSION\`),
    \`PSCI_FEATURES\` (of \`CPU_ON\`) and \`MIGRATE_INFO_TYPE\`, one row each; SVC into an
    EL1 vector table whose entries only ERET (the architectural floor of an exception round
    trip); virtual timer with CVAL 3000..3999 ticks ahead while the CPU spins with IRQs
    unmasked, latency = handler's first counter read - CVAL (the guest kit's IRQ entry path
    is included on both sides); emulated MMIO, each one access timed: a \`GICD_ISENABLER1\`
    store (INTID 33), a \`GICD_TYPER\` load, a \`GICD_IPRIORITYR8\` word store, a
    \`GICR_ISENABLER0\` store (SGI 5, vCPU 0's redistributor), a PL011 \`UARTFR\` load and
    a \`UARTDR\` store (the byte goes out through the console, which is counted); self-SGI
    from the \`ICC_SGI1R_EL1\` write to the handler; SGI from vCPU 0 to vCPU 1 sleeping in
    WFI, to its handler.
    Bare metal has no EL2 (no \`virtualization=on\`), so the hypercall has no bare figure; the
    SVC row is the reference.
  - \`bench_switch\` (\`bench/configs/switch.dts\`): two VMs time-sharing CPU 1 under
    round-robin with a 1 ms quantum, both spinning on the counter. Each sees the quantum end as
    a gap in its reads: gap = switch out + the other VM's run + switch back; its own runs are
    as long as the other's (same code, deterministic), so one switch = (gap - run) / 2 (128
    samples after 8 warm-up). A switch here is the whole preemption: the hypervisor timer
    interrupt, the policy's pick, \`arch_vcpu_save\` and \`arch_vcpu_restore\` (EL1 system
    registers, FP/SIMD, both timers, the GIC virtual interface, debug registers), ERET.
  - \`bench_rt\` sharing a CPU (issue 13): \`rt_shared_solo.dts\`, the RT VM alone on CPU 1
    under policy \`priority\` (its WFI blocks the vCPU, which is saved; the hypervisor timer at
    its deadline wakes it and restores it), and \`rt_share.dts\`, the same VM at priority 200
    beside \`role=spin\` at priority 1 (no traps): every sample preempts the spinner. The goal
    compares the max with the static alone max (\`rt_solo\`) plus one vCPU switch (the
    \`switch\` row's median). \`rt_linux.dts\`: the same RT VM beside Debian's Linux (1 vCPU,
    priority 1) on CPU 1, nothing else running; its samples fall in Linux's early boot (page
    tables, traps, its own timer and GIC set-up). A switch away from Linux saves more than one
    away from the spinner (Linux's timer is armed, its vGIC has list registers in use), which
    the goal, built on the bench guests' switch, does not allow for. Both shared runs give CPU 1
    \`wake-lead-us = <40>\` (docs/CONFIG.md): the RT vCPU is woken and switched in 2,500 ticks
    before its deadline and waits for its timer on the CPU, so its interrupt comes by the
    resident path. The price is the neighbour's: up to 40 us of CPU per RT deadline.
    \`rt_share_nolead.dts\` and \`rt_linux_nolead.dts\` are the same two runs without the lead:
    the whole preemption at the deadline (beside Linux also a UARTDR trap in progress at the
    deadline, up to ~270, and Linux's live debug registers, ~120 more to save and restore). \`rt_shared_solo.dts\` has no lead: the wake and restore path.
  - Throughput (\`work_share.dts\`): two \`bench_work\` VMs at equal priority round-robin on
    CPU 1 with a 10 ms quantum. Each prints its counter at entry and after its last round; the
    joint span (first entry to last end) is compared with twice the span of the one VM of
    \`work.dts\`; all three checksums must agree.
  - \`partition\` (\`bench/configs/partition.dts\`, \`guests/partition.c\`): CPU 1 under policy
    \`partition\`, a 10 ms major frame: VM \`pa\` owns [0, 2) and [5, 6) ms, \`pb\` [2, 5) ms, the
    rest is idle. Frames start at multiples of the major frame on the counter, so each guest
    knows its windows' instants; it spins on the counter and, for frames 5 to 54, checks that
    every run lies in its own windows and that every window was entered, and takes the
    first read of each window minus its scheduled start as that window's jitter (the
    hypervisor timer interrupt, the pick, the switch, ERET). The row gives the min, median
    (\`pa\`'s) and max of both VMs' 150 windows.
  - \`bench_chan\` (\`bench/configs/chan.dts\`): VM \`a\` on CPU 0 and VM \`b\` on CPU 1, joined by one
    channel (8 KiB, both ends rw) that carries two guest-kit rings (\`guests/kit/ring.h\`), a -> b
    and b -> a, 32-byte messages. *Doorbell*: \`a\` times one \`HVC TESSERA_HC_CHANNEL_NOTIFY\`
    (inline, like the null hypercall: the caller's whole round trip, EL2 work and the kick
    of CPU 1 included); \`b\` sleeps in WFI, its handler acknowledges each doorbell over the
    ring and \`a\` waits for that (with \`yield\`, outside the timed window) before the next
    sample, so every sample rings a sleeping peer whose interrupt is not already pending.
    *Round trip*: \`a\` reads the counter, writes a PING into its ring and notifies, then
    sleeps in WFI (IRQs masked) until the reply's doorbell, takes that interrupt, reads the
    PONG and reads the counter again; \`b\` is woken by the doorbell, and its interrupt handler
    reads the PING, writes the PONG (payload inverted: both sides check every message) and
    notifies. CNTVCT is one counter for all CPUs (Tessera sets \`CNTVOFF_EL2\` to 0) and under
    icount it advances with the instructions of every CPU, so \`a\`'s two readings bracket
    every instruction both CPUs executed in between, at EL2 and EL1: both doorbells, both interrupt deliveries out of WFI, both
    handlers and ring copies. QEMU runs the CPUs round-robin on one thread, so the two sides
    do not overlap as they would on hardware: \`b\` finishes its handler and returns to WFI
    before \`a\` runs again, and that tail is counted too. Both VMs count doorbells (one per
    notify, none merged or lost) and fail the run otherwise. No bare-metal figure: there is
    no second VM without a hypervisor.
  - \`bench_work\` (one VM, 128 MiB; \`bench/configs/work.dts\`): 2,000,000 xorshift64* steps plus
    one full pointer chase over a 64 MiB array of u64 indices at RAM + 16 MiB (stride
    permutation), 3 rounds; "instructions" counts everything the machine executed
    meanwhile, hypervisor included. Both runs must print the same checksum.
  - \`bench_boot\` (\`boot1.dts\`, \`boot4.dts\`): the kit's first instruction reads CNTVCT
    (\`kit_entry_counter\`): instructions from QEMU reset to this VM's first instruction, for
    all CPUs together (CNTVOFF is 0). With 4 VMs the figure is the last VM to start (QEMU runs
    the CPUs one after another, and in this run CPU 0's VM is the last), and it includes the
    instructions the already-running VMs executed meanwhile: their kit start-up, not their
    output, because each \`bench_boot\` sleeps in WFI until the counter reaches 4,000,000
    before it prints (sleeping executes nothing; \`sleep=off\` moves the clock on once every
    CPU idles). The boot phases come from a second \`boot1\` run with \`tessera run -v\` (boot
    option \`tessera.verbose\` in \`/chosen/bootargs\`): CPU 0 reads the counter at the end of
    each phase (\`src/include/bootprof.h\`) and prints "BOOT <phase>: <instructions>" before
    it starts its vCPU. That run's DTB carries the bootargs (a few hundred more instructions in
    "platform"), and its printing is not in the boot row, which comes from the run without it;
    "rest" is the boot row minus the phases.
  - \`bench_rt\` (\`rt_solo.dts\`, \`rt_storm.dts\`): a 1 kHz virtual-timer VM on CPU 0, alone or
    next to a VM on CPU 1 that for 300 ms issues back-to-back HVCs, trapped GICD writes and
    self-SGIs ("storm"). Under icount the alone figure is exact. A storm figure under icount
    would prove nothing: QEMU then runs the CPUs one at a time in slices, so the neighbour
    never runs while the RT guest is measured. So the storm is measured two other ways:
    - *Sharing, counted.* The same system runs under a benchmark build of the hypervisor
      (\`make B=build/share TEXTRA=-DTESSERA_SHARE_STATS\`, \`src/include/share_stats.h\`) that
      notes, per physical CPU, every lock acquisition and every cross-VM access bracket
      (\`vm_access_begin\`: the counter in another VM's struct). The RT guest opens the window
      right before its sampling loop and closes it right after (\`TESSERA_HC_TRACE\` markers
      \`SHARE_MARK_OPEN/CLOSE\`), and the hypervisor reports every object CPU 0 touched in the
      window with how often other CPUs touched it (\`build/bench/hyp_rt_storm_share.log\`). The
      figure is CPU 0's acquisitions of objects another CPU also took: goal 0, since a lock or
      counter both CPUs take is where a neighbour can delay the RT path on real hardware.
      Not counted: plain loads and stores to shared data (no instrumentation sees them); the
      per-CPU and per-VM structures are cache-line aligned so that no two CPUs or VMs write
      one line (\`struct cpu\`, \`struct vm\` in \`src/include/vm.h\`).
    - *Wall time, multi-threaded TCG* (no icount, both CPUs on their own host threads at once):
      the RT guest's latency alone and next to the storm, in microseconds of wall time
      (ticks x 16 ns). Noisy: it depends on the host's load and is a secondary figure.
- **Linux boot under icount** (the goal's figure): the same kernel, initramfs and command line,
  booted $LINUX_IC_RUNS times each way with \`-icount $ICOUNT\` (\`linux_icount\` in \`bench/run.sh\`).
  The figure is the kernel's own clock in its \`Run /init as init process\` line: its printk time
  stamp counts the virtual counter from the kernel's start, so at one tick per instruction it is
  the instructions both CPUs executed until init starts (x 16 ns), the hypervisor's included. The
  run is stopped at that line: nothing after the marker is measured. (Under icount the VM's
  \`poweroff\` completes now that the hypervisor's wait for a vCPU to leave the guest yields, as
  its other waits did (\`tests/system/linux_icount_poweroff.sh\`); before, QEMU never ran the
  other CPU during that wait and the stop gave up. The kernel still reports "SMP: failed to stop
  secondary CPUs" after its 1 s wait under icount: the CPU its stop IPI goes to takes the
  hypervisor's kick and then executes not one instruction until the sender idles (QEMU's
  \`-d int,exec\` log); not seen without icount, nor on bare QEMU; why QEMU's one-CPU-at-a-time
  scheduling does not run it is not found.)
- **Linux boot, wall time** (no icount, so it varies with the host's load; secondary): Debian's kernel
  and the initramfs from \`scripts/fetch-linux.sh\`, command line \`$LINUX_ARGS\`,
  booted $LINUX_RUNS times under Tessera (\`bench/configs/linux.dts\`: one VM, 2 vCPUs on CPUs 0-1,
  256 MiB; \`-smp 2\`, \`virtualization=on\`) and $LINUX_RUNS times directly on QEMU
  (\`-M virt,gic-version=3 -smp 2 -m 256M -kernel Image -initrd initramfs.cpio.gz -append ...\`),
  alternating, same CPU model, multi-threaded TCG in both. Each time is from QEMU's start (the
  command line printed just before it is started; packing the Tessera image is not timed) to
  the console line \`$LINUX_MARKER\`, time-stamped as it arrives on the pipe. The ratio is
  median / median; every boot's time is in the table and in \`build/bench.json\`
  (\`linux_boot_seconds\`; the figure's stats there are milliseconds).
- **Footprint**: \`aarch64-linux-gnu-size -A build/tessera.elf\` (the bss figure is .bss plus
  .pool, the 2 MiB page pool, which the boot does not zero: \`page_alloc\` zeroes each page it
  hands out; the stacks are not in either). The goal is on what stays resident: .text + .rodata. Boot-only code
  and constants (configuration parser and validator, image and system-image parsing, the
  platform DTB reader) are linked into .init.text/.init.rodata, which CPU 0 zeroes and gives
  to the page pool when boot is over (\`mem_release_init\`; the build fails if resident code
  or data refers into them, \`scripts/check-init.sh\`); the whole-image row counts them too.
  The minimal-profile row is the same figure for \`make B=build/minimal PROFILE=minimal\`
  (docs/CONFIG.md "Build profiles"); the full build's row is the default build, every feature in.
  The per-feature row is, for each feature of the Makefile's \`FEATURES_ALL\`, the full build's
  figure minus that of \`make B=build/feat-<feature> FEATURES="<all the others>"\`; what is built
  when any of several features is on (the vCPU switch: shared CPUs, snapshots, the debugger) is
  in none of them but in "shared" (full minus minimal minus the features' figures), and "core"
  is the minimal build's figure. \`build/bench.json\` has them under \`footprint.features\`.
  Hypervisor RAM per extra VM: the hypervisor reports nothing about it, so
  \`bench/s2pages.c\` runs Tessera's own stage-2 builder (\`src/arch/aarch64/stage2.c\`) on the
  host for a 32 MiB VM; the static \`struct vm\` slot is \`sizeof(vms) / CONFIG_MAX_VMS\` from the
  symbol table and is reserved in .bss for all $MAX_VMS slots whether used or not. vCPU state and
  per-VM vGIC/vPL011 state live inside that slot.
EOF
	[ -z "$LINUX_STATE" ] || printf -- '- **Linux boot ratio**: %s.\n' "$LINUX_STATE"
	# ---- direct-interrupts trade-off (separate section; owner: direct-interrupts work) ----
	cat <<EOF

## Direct interrupts: the trade-off

The row "virtual timer IRQ latency, direct-interrupts VM" runs the same \`bench_lat\` in a VM
with \`direct-interrupts;\` (\`bench/configs/lat_direct.dts\`: one vCPU on CPU 1). Its CPU's
physical Group-1 interrupts are the guest's own (\`HCR_EL2.IMO = 0\`): the timer interrupt is
taken at EL1 and acknowledged on the physical \`ICC_IAR1_EL1\`, so its latency is the bare-metal
one; the hypervisor's own interrupts on that CPU are Group 0 (FIQ to EL2). Its self-SGI still
traps (\`ICC_SGI1R_EL1\` traps when IMO or FMO is set) but is sent as a physical SGI and taken
without a second exit. What the VM gives up (docs/CONFIG.md "Direct interrupts"): exactly one
vCPU on a CPU of its own, not CPU 0; no pass-through device interrupts, channel doorbells or
virtio devices (nothing can be injected); \`ICC_PMR_EL1\` masking is virtual, so a no-op; EOImode
is fixed at 0. And the hypervisor's control of that CPU (stop, reset, watchdog) depends on the
guest not writing \`ICC_AP1R<n>_EL1\` (UNPREDICTABLE, unchecked with \`GICD_CTLR.DS = 1\`): give it
to trusted real-time guests only. Every other VM's isolation is unchanged.
EOF
	if [ ${#errors[@]} -gt 0 ]; then
		echo
		echo "## Problems in this run"
		echo
		for e in "${errors[@]}"; do echo "- $e"; done
	fi
} >"$OUT/PERFORMANCE.md"

# A run that did not produce every figure fails and leaves $DOC as it was: the committed
# figures are only ever replaced by a complete run.
if [ ${#errors[@]} -gt 0 ]; then
	printf 'bench: ERROR: %s\n' "${errors[@]}" >&2
	echo "bench: FAILED; $DOC not changed (this run's report: $OUT/PERFORMANCE.md, $JSON)" >&2
	exit 1
fi
cp "$OUT/PERFORMANCE.md" "$DOC" || exit 1
echo "bench: wrote $JSON and $DOC"
exit 0
