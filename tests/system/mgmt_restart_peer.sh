#!/usr/bin/env bash
# Issue 18: a management client (`tessera ctl restart`) restarts a VM RESTARTS times (default
# 200) while its virtio-console peer transmits to it and notifies in a loop. Each restart
# must complete (the VM boots again: "up run=<n>"), the sender must keep running, the
# neighbour must keep ticking, and the hypervisor must still answer at the end.
# Prints "PASS: system/mgmt_restart_peer" or "FAIL: ..." with the reason.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/mgmt}
RESTARTS=${RESTARTS:-200}
LOG=$OUT_DIR/restart_peer.log
SOCK=$OUT_DIR/restart_peer.sock
TESSERA=build/tools/tessera
qemu_pid=
trap stop_qemu_pid EXIT

fail()
{
	echo "FAIL: system/mgmt_restart_peer ($1)"
	clean_log | tail -n 20 | sed 's/^/    | /'
	exit 1
}

for f in "$TESSERA" build/tessera.elf build/guests/vlink_reset.elf build/guests/hello.elf; do
	[ -f "$f" ] || fail "$f missing: run make"
done
mkdir -p "$OUT_DIR" && rm -f "$SOCK" && : >"$LOG"
timeout -k 5 600 "$TESSERA" run tests/system/configs/mgmt_restart_peer.dts \
	--pack "$OUT_DIR/restart_peer.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
qemu_pid=$!

wait_for '^\[receiver\] TEST vlink_reset: up run=1$' 60 || fail "receiver did not come up"
wait_for '^\[neighbour\] TEST hello: tick=1$' 60 || fail "neighbour did not tick"
for i in $(seq 2 $((RESTARTS + 1))); do
	out=$("$TESSERA" ctl --socket "$SOCK" --timeout 30 restart receiver 2>&1) ||
		fail "restart $((i - 1)): $out"
	wait_for "^\\[receiver\\] TEST vlink_reset: up run=$i\$" 30 ||
		fail "receiver did not boot again after restart $((i - 1))"
done
ticks=$(last_tick neighbour)
wait_ticks neighbour $((ticks + 2)) 30 || fail "neighbour stopped ticking"
out=$("$TESSERA" ctl --socket "$SOCK" --lines list 2>&1) || fail "ctl list: $out"
printf '%s\n' "$out" | grep -q '^vm sender id=1 state=running ' || fail "sender not running: $out"
printf '%s\n' "$out" | grep -q '^vm receiver id=0 state=running ' || fail "receiver not running: $out"
if clean_log | grep -a -q -e 'stuck' -e 'does not respond' -e PANIC; then
	fail "a CPU got stuck"
fi
echo "PASS: system/mgmt_restart_peer ($RESTARTS restarts)"
