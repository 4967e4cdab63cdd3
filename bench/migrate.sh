#!/usr/bin/env bash
# Live-migration figures for `make bench` (bench/run.sh sources its output; also runs alone):
# two boards (bench/configs/migrate_a.dts, migrate_b.dts), each `tessera run` with its own
# management socket, no icount: the management channel's transfers are host wall time, so
# these figures are noisy (2 host cores shared with every other QEMU). After 3 s of running,
# `tessera migrate` moves "idle" (hello ticking: almost nothing written), then "busy"
# (snap_compute: 32 pages rewritten 10 times a second, 1.25 MiB/s), MIGRATE_RUNS times each
# (fresh boards each time). Prints one line per migration:
#   MIGRATE <vm> total_ms=<t> downtime_ms=<d> pages=<p> rounds=<r> per_round=<a+b+...>
# and the tool's output in $OUT/migrate_<vm>_<n>.out. Exit status 1 if a migration failed.
# Environment: OUT (default build/bench), MIGRATE_RUNS (default 3), CPU (default cortex-a57).
set -u
cd "$(dirname "$0")/.." || exit 1
OUT=${OUT:-build/bench}
RUNS=${MIGRATE_RUNS:-3}
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
		timeout -k 5 120 "$TESSERA" run "bench/configs/migrate_$s.dts" --cpu "$CPU" \
			--pack "$OUT/migrate_$s.img" --mgmt "$OUT/migrate_$s.sock" \
			</dev/null >"$OUT/migrate_board_$s.log" 2>&1 &
		pids+=($!)
	done
}

for n in $(seq 1 "$RUNS"); do
	boards
	sleep 3
	for vm in idle busy; do
		o=$OUT/migrate_${vm}_$n.out
		"$TESSERA" migrate "$vm" --from "$OUT/migrate_a.sock" --to "$OUT/migrate_b.sock" \
			--timeout 60 >"$o" 2>&1 || { status=1; echo "MIGRATE $vm failed: $(tail -n 1 "$o")"; continue; }
		awk -v vm="$vm" '
			/^round / { split($0, w, " "); per = per (per == "" ? "" : "+") w[w[3] == "(VM" ? 5 : 3] }
			/^ok migrated / {
				for (i = 1; i <= NF; i++) {
					if ($i == "total") t = $(i + 1) * 1000
					if ($i == "downtime") d = $(i + 1)
					if ($i == "pages" && $(i - 2) == vm ":") p = $(i - 1)
				}
				sub(/.*, /, ""); r = $1
				printf "MIGRATE %s total_ms=%d downtime_ms=%s pages=%s rounds=%s per_round=%s\n", vm, t, d, p, r, per
			}' "$o"
	done
	stop_boards
done
exit $status
