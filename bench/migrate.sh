#!/usr/bin/env bash
# Live-migration figures for `make bench` (bench/run.sh sources its output; also runs alone):
# two boards (bench/configs/migrate_a.dts, migrate_b.dts), each `tessera run` with its own
# management socket, no icount: the management channel's transfers are host wall time, so
# these figures are noisy (2 host cores shared with every other QEMU). After 3 s of running,
# `tessera migrate` moves "idle" (hello ticking: almost nothing written), then "busy"
# (snap_compute: 32 pages rewritten 10 times a second, 1.25 MiB/s), MIGRATE_RUNS times each
# (fresh boards each time). Then Debian's Linux as tests/system/migrate_linux.sh runs it
# (tests/system/configs/migrate_linux_{a,b}.dts: 2 vCPUs, 256 MiB; needs `make linux`), booted
# to its shell on A and migrated to B: "lidle" left idle, "lbusy" (fresh boards) running a
# shell loop that rewrites 1 MiB (256 pages) of a tmpfs file every 0.2 s (at most 5 MiB/s:
# the copy's own time comes on top of the sleep), MIGRATE_LINUX_RUNS times each. (Two Linux
# VMs on one board would save a boot, but the second one's shell did not come up within 300 s
# on the loaded 2-core host.) Prints one line per migration:
#   MIGRATE <vm> total_ms=<t> downtime_ms=<d> pages=<p> rounds=<r> per_round=<a+b+...>
# and the tool's output in $OUT/migrate_<vm>_<n>.out. Exit status 1 if a migration failed.
# Environment: OUT (default build/bench), MIGRATE_RUNS (default 3), MIGRATE_LINUX_RUNS
# (default 3; 0 skips Linux), CPU (default cortex-a57).
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-build/bench}
RUNS=${MIGRATE_RUNS:-3}
LINUX_RUNS=${MIGRATE_LINUX_RUNS:-3}
CPU=${CPU:-cortex-a57}
TESSERA=build/tools/tessera
export TESSERA_LOG_LEVEL=${TESSERA_LOG_LEVEL-info}
mkdir -p "$OUT"
status=0
pids=()

stop_boards()
{
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pids=()
}
trap stop_boards EXIT

boards()
{
	local s
	rm -f "$OUT/migrate_a.sock" "$OUT/migrate_b.sock"
	for s in a b; do
		timeout -k 5 "${BOARD_TIMEOUT:-120}" "$TESSERA" run "${CONFIGS:-bench/configs/migrate}_$s.dts" --cpu "$CPU" \
			--pack "$OUT/migrate_$s.img" --mgmt "$OUT/migrate_$s.sock" \
			</dev/null >"$OUT/migrate_board_$s.log" 2>&1 &
		pids+=($!)
	done
}

# migrate VM RUN [ROW]: one migration of VM from A to B, its MIGRATE line (named ROW).
migrate()
{
	local vm=$1 row=${3:-$1} o=$OUT/migrate_${3:-$1}_$2.out
	"$TESSERA" migrate "$vm" --from "$OUT/migrate_a.sock" --to "$OUT/migrate_b.sock" \
		--timeout 60 >"$o" 2>&1 || { status=1; echo "MIGRATE $row failed: $(tail -n 1 "$o")"; return; }
	awk -v vm="$vm" -v row="$row" '
		/^round / { split($0, w, " "); per = per (per == "" ? "" : "+") w[w[3] == "(VM" ? 5 : 3] }
		/^ok migrated / {
			for (i = 1; i <= NF; i++) {
				if ($i == "total") t = $(i + 1) * 1000
				if ($i == "downtime") d = $(i + 1)
				if ($i == "pages" && $(i - 2) == vm ":") p = $(i - 1)
			}
			sub(/.*, /, ""); r = $1
			printf "MIGRATE %s total_ms=%d downtime_ms=%s pages=%s rounds=%s per_round=%s\n", row, t, d, p, r, per
		}' "$o"
}

for n in $(seq 1 "$RUNS"); do
	boards
	sleep 3
	for vm in idle busy; do
		migrate "$vm" "$n"
	done
	stop_boards
done

# Linux at its shell on A (fresh boards for each migration): idle, or with the loop running
# for 2 s first.
if [ "$LINUX_RUNS" -gt 0 ]; then
	. tests/system/lib.sh
	for f in build/linux/Image build/linux/initramfs.cpio.gz; do
		[ -f "$f" ] || { echo "MIGRATE linux skipped: $f missing (make linux)"; status=1; LINUX_RUNS=0; }
	done
fi
for n in $(seq 1 "$LINUX_RUNS"); do
	for row in lidle lbusy; do
		CONFIGS=tests/system/configs/migrate_linux BOARD_TIMEOUT=600 boards
		LOG=$OUT/migrate_board_a.log
		if ! wait_for 'tessera-linux:/# ' 300; then
			echo "MIGRATE $row failed: no shell on board A (see $LOG)"
			status=1
			stop_boards
			continue
		fi
		if [ $row = lbusy ]; then
			r=$(linux_ask "$OUT/migrate_a.sock" "$LOG" w1 \
				'dd if=/dev/urandom of=/tmp/src bs=64k count=16 2>/dev/null; cp /tmp/src /tmp/d; (while :; do dd if=/tmp/src of=/tmp/d bs=64k conv=notrunc 2>/dev/null; sleep 0.2; done) & echo loop=$!')
			case $r in *loop=*) ;; *)
				echo "MIGRATE lbusy failed: the dirtying loop did not start"
				status=1 ;;
			esac
		fi
		sleep 2
		migrate linux "$n" $row
		stop_boards
	done
done
exit $status
