#!/usr/bin/env bash
# virtio-net statistics of `tessera ctl stats` (docs/MANAGEMENT.md) on real traffic:
# tests/system/configs/mgmt_net.dts, where "sender" transmits 60-byte frames to "receiver"
# over the link "lan" as fast as it can and "receiver" sends nothing. Two samples must show
# the sender's delivered frames growing, tx_bytes = 60 x tx_frames exactly, the receiver's
# rx counts equal to the sender's tx counts, the receiver's own tx at 0; the table shows the
# rows and --json a non-zero byte rate for the sender. Prints "PASS: system/mgmt_net_<case>"
# or "FAIL: system/mgmt_net_<case> (<reason>)"; exits 1 if any failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/mgmt}
LOG=$OUT_DIR/net.log
SOCK=$OUT_DIR/net.sock
TESSERA=build/tools/tessera
FRAME=60 # Ethernet bytes of each frame the sender sends (guests/vlink_reset.c NET_FRAME)
NAME=mgmt_net
. tests/system/board.sh

# field LINE KEY: the value of KEY=... in LINE (empty if absent).
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# sample: one `ctl --lines stats`; the two net lines in $rcv and $snd.
sample()
{
	out=$("$TESSERA" ctl --socket "$SOCK" --lines stats 2>&1)
	rc=$?
	rcv=$(printf '%s\n' "$out" | grep '^net lan end=0 vm=receiver ')
	snd=$(printf '%s\n' "$out" | grep '^net lan end=1 vm=sender ')
}

for f in "$TESSERA" build/tessera.elf build/guests/vlink_reset.elf; do
	[ -f "$f" ] || {
		fail setup "$f missing: run make"
		exit 1
	}
done
mkdir -p "$OUT_DIR" && rm -f "$SOCK" && : >"$LOG"
timeout -k 5 120 "$TESSERA" run tests/system/configs/mgmt_net.dts \
	--pack "$OUT_DIR/net.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
qemu_pid=$!

if ! wait_for '^\[receiver\] TEST vlink_reset: up run=1$' 60; then
	fail setup "receiver did not come up"
	clean_log | tail -n 20 | sed 's/^/    | /'
	exit 1
fi

sample
tx1=$(field "$snd" tx_frames)
if [ $rc = 0 ] && [ -n "$tx1" ] && [ "$tx1" -gt 0 ] &&
	[ "$(field "$snd" tx_bytes)" = $((tx1 * FRAME)) ] &&
	[ "$(field "$rcv" rx_frames)" = "$tx1" ] && [ "$(field "$rcv" rx_bytes)" = $((tx1 * FRAME)) ] &&
	[ "$(field "$rcv" tx_frames)" = 0 ] && [ "$(field "$rcv" tx_bytes)" = 0 ] &&
	[ "$(field "$snd" rx_frames)" = 0 ] && [ "$(field "$snd" drop_bad)" = 0 ]; then
	pass counts
else
	fail counts "rc=$rc: $out"
fi
sleep 1
sample
tx2=$(field "$snd" tx_frames)
if [ $rc = 0 ] && [ -n "$tx2" ] && [ -n "$tx1" ] && [ "$tx2" -gt "$tx1" ] &&
	[ "$(field "$snd" tx_bytes)" = $((tx2 * FRAME)) ] && [ "$(field "$rcv" rx_frames)" = "$tx2" ]; then
	pass counts_grow
else
	fail counts_grow "rc=$rc: before tx_frames=$tx1, now: $out"
fi

out=$("$TESSERA" ctl --socket "$SOCK" stats 2>&1)
rc=$?
if [ $rc = 0 ] &&
	printf '%s\n' "$out" | grep -q -E '^NET LINK +END +VM +RX FRAMES +RX BYTES +TX FRAMES +TX BYTES +TX/S +TX BYTES/S ' &&
	printf '%s\n' "$out" | grep -q -E '^lan +1 +sender +0 +0 +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]* +0 '; then
	pass table
else
	fail table "rc=$rc: $out"
fi

out=$("$TESSERA" ctl --socket "$SOCK" --json stats 2>&1)
rc=$?
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: system/mgmt_net_json (no python3)"
elif [ $rc = 0 ] && printf '%s' "$out" | python3 -c "import json, sys
d = json.load(sys.stdin)
s = [n for n in d['net'] if n['vm'] == 'sender'][0]
sys.exit(0 if s['tx_bytes'] == $FRAME * s['tx_frames'] and s['tx_bytes_per_s'] > 0 else 1)"; then
	pass json
else
	fail json "rc=$rc: $out"
fi
exit $failed
