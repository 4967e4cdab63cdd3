#!/usr/bin/env bash
# Signed single-VM updates with automatic rollback (issue 15 item 4; docs/SECURITY.md
# "Signed updates"). The hypervisor that trusts tests/keys/test.pub (make B=build/vboot
# TRUSTED_KEYS=tests/keys/test.pub, as vboot.sh builds it) boots tests/system/configs/update.dts
# signed as version 5, with its flash bank in a file; VM "app" runs guests/update.c (it prints
# its version), VM "other" the hello guest, which must never stop:
#   update_bad_signature  a bundle signed with another key, and one with a byte of its image
#                         changed, are refused before anything changes (app still version 5)
#   update_good           version 6, sent through the dashboard's update upload (POST
#                         /api/update, tools/dashboard/): app restarts on it, confirms by
#                         hypercall, stays
#   update_crash          version 7 crashes: rolled back to 6 with the reason
#   update_noconfirm      version 8 never confirms: rolled back to 6 after the 3 s trial
#   update_fail_exit      version 9 reports a failure exit: rolled back to 6
#   update_watchdog       version 12 hangs (no heartbeat): its watchdog rolls it back to 6
#   update_antirollback   version 6 again: refused (not newer than the running one)
#   update_ctl_confirm    version 10 confirmed with `tessera ctl confirm app` instead
#   update_other          "other" ran through all of it: never stopped, reset or restarted
#   update_poweroff_trial QEMU killed while version 11 is on trial: the same flash boots 10
#   update_poweroff_data  QEMU killed while a bundle is being received: the flash boots 10
# Prints "PASS: system/<name>" or "FAIL: system/<name> (why)" for each.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT=${OUT_DIR:-build/update_test}
TESSERA=build/tools/tessera
VHYP=build/vboot/tessera.elf
CFG=tests/system/configs/update.dts
KEY=tests/keys/test.key
STRIP=${CROSS:-aarch64-linux-gnu-}strip
status=0
qemu_pid=
mkdir -p "$OUT"
LOG=$OUT/update.log
SOCK=$OUT/mgmt.sock
FLASH=$OUT/flash.bin

pass() { echo "PASS: system/$1"; }
fail()
{
	echo "FAIL: system/$1 ($2)"
	[ -f "$LOG" ] && clean_log | tail -n 15 | sed 's/^/    | /'
	status=1
}

for f in "$TESSERA" build/guests/update.elf build/guests/update_v6.elf build/guests/hello.elf; do
	[ -f "$f" ] || {
		echo "FAIL: system/update ($f missing: run make)"
		exit 1
	}
done
if ! make -s -j2 B=build/vboot TRUSTED_KEYS=tests/keys/test.pub "$VHYP" >"$OUT/build.log" 2>&1; then
	tail -n 20 "$OUT/build.log"
	echo "FAIL: system/update (make B=build/vboot TRUSTED_KEYS=tests/keys/test.pub failed)"
	exit 1
fi

# bundle NAME GUEST VERSION [KEY]: $OUT/NAME.bundle from build/guests/GUEST.elf (stripped: the
# channel carries 56 bytes a line).
bundle()
{
	"$STRIP" -o "$OUT/$2.elf" "build/guests/$2.elf" &&
		"$TESSERA" pack "$CFG" --update app --image "$OUT/$2.elf" --sign "${4:-$KEY}" \
			--version "$3" -o "$OUT/$1.bundle" >/dev/null
}
bundle v6 update_v6 6 && bundle other_key update_v6 6 tests/keys/other.key &&
	bundle crash update_crash 7 && bundle noconfirm update_noconfirm 8 &&
	bundle fail update_fail 9 && bundle hang update_hang 12 && bundle v10 update_v10 10 && bundle v11 update_v11 11 || {
	echo "FAIL: system/update (tessera pack --update failed)"
	exit 1
}
# A byte of the image changed after signing (the header, with its hash, is intact).
cp "$OUT/v6.bundle" "$OUT/tampered.bundle"
printf '\x55' | dd of="$OUT/tampered.bundle" bs=1 seek=2000 conv=notrunc status=none

start()
{
	rm -f "$SOCK"
	: >"$LOG"
	timeout -k 5 300 "$TESSERA" run "$CFG" --hyp "$VHYP" --pack "$OUT/system.img" \
		--sign "$KEY" --version 5 --flash "$FLASH" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
}
stop() { stop_qemu_pid; qemu_pid=; }
# power_off: QEMU itself killed at once (SIGKILL), as a power cut would stop the board.
power_off()
{
	local q
	q=$(ps -o pid= --ppid "$qemu_pid" | tr -d ' ' | head -n 1)
	[ -n "$q" ] && kill -9 "$q"
	wait "$qemu_pid" 2>/dev/null
	qemu_pid=
}
dash_pid=
stop_all()
{
	[ -n "$dash_pid" ] && kill "$dash_pid" 2>/dev/null
	stop
}
trap stop_all EXIT
ctl() { "$TESSERA" ctl --socket "$SOCK" --timeout 60 "$@" 2>&1; }
count() { clean_log | grep -a -c -E "$1"; }
version_lines() { count "^\[app\] TEST update: version=$1 mode="; }
status_is() { ctl --lines update-status app | grep -q -F "ok update app $1"; }

rm -f "$FLASH"
start
if ! wait_for '^\[app\] TEST update: version=5 mode=0$' 60 || ! wait_for '^\[other\] ' 30; then
	fail update "the system did not come up"
	exit 1
fi

# --- refused before anything changes ---
bad=""
out=$(ctl update app "$OUT/other_key.bundle")
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q -F "err refused update of app: signature matches no trusted key (1 known); nothing changed" ||
	bad+=" other key: rc $rc, \"$out\";"
out=$(ctl update app "$OUT/tampered.bundle")
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q -F "err refused update of app: image: SHA-256 does not match the signed header; nothing changed" ||
	bad+=" tampered: rc $rc, \"$out\";"
sleep 0.5
[ "$(version_lines 5)" -eq 1 ] && [ "$(count 'resetting|restarting')" -eq 0 ] || bad+=" app was restarted;"
status_is "slot=0 version=5 state=confirmed" || bad+=" status: $(ctl --lines update-status app);"
if [ -n "$bad" ]; then fail update_bad_signature "$bad"; else pass update_bad_signature; fi

# --- a good update, confirmed by the guest ---
bad=""
t0=$(date +%s.%N)
# Through the dashboard (the program alone, no page libraries needed): the same stream as
# `ctl update`, the hypervisor's answer in the JSON.
out="the dashboard did not start (see $OUT/dashboard.log)"
if make -s build/tools/tessera-dashboard >"$OUT/dashboard_build.log" 2>&1; then
	port=$((20000 + (RANDOM % 20000)))
	build/tools/tessera-dashboard --mgmt "$SOCK" --listen "127.0.0.1:$port" --www "$OUT" \
		>"$OUT/dashboard.log" 2>&1 &
	dash_pid=$!
	for _ in $(seq 50); do
		curl -s -o /dev/null "http://127.0.0.1:$port/api/state" && break
		sleep 0.1
	done
	out=$(curl -s -m 120 -X POST --data-binary "@$OUT/v6.bundle" \
		-H 'Content-Type: application/octet-stream' "http://127.0.0.1:$port/api/update?vm=app")
	kill "$dash_pid" 2>/dev/null
	dash_pid=
else
	out="make build/tools/tessera-dashboard failed: $(tail -n 3 "$OUT/dashboard_build.log")"
fi
echo "update: $(stat -c %s "$OUT/v6.bundle") bytes streamed (dashboard) and verified in $(echo "$(date +%s.%N) - $t0" | bc) s"
[ "$out" = '{"ok":true,"message":"ok updating app version=6 slot=1 trial_ms=3000"}' ] ||
	bad+=" the dashboard said \"$out\";"
wait_for '^\[app\] TEST update: version=6 confirm=0$' 20 || bad+=" version 6 did not run and confirm;"
wait_for "^\[tessera\] VM 0 'app': update to version 6 confirmed \(slot 1\)$" 5 || bad+=" no confirm line;"
status_is "slot=1 version=6 state=confirmed" || bad+=" status: $(ctl --lines update-status app);"
if [ -n "$bad" ]; then fail update_good "$bad"; else pass update_good; fi

# expect_rollback NAME BUNDLE VERSION REASON: the update restarts app on VERSION, which fails;
# the hypervisor puts version 6 back by itself and says why.
expect_rollback()
{
	local before bad="" out
	before=$(version_lines 6)
	out=$(ctl update app "$OUT/$2.bundle")
	echo "$out" | grep -q -F "ok updating app version=$3 slot=2" || bad+=" ctl said \"$out\";"
	wait_for "^\[app\] TEST update: version=$3 mode=" 20 || bad+=" version $3 never ran;"
	wait_for "^\[tessera\] VM 0 'app': update to version $3 \(slot 2\) rolled back \($4\): restarting on version 6 \(slot 1\)$" 20 ||
		bad+=" no rollback line with \"$4\";"
	local end=$((SECONDS + 20))
	while [ "$(version_lines 6)" -le "$before" ] && [ $SECONDS -lt $end ]; do sleep 0.2; done
	[ "$(version_lines 6)" -gt "$before" ] || bad+=" version 6 did not come back;"
	status_is "slot=1 version=6 state=confirmed" || bad+=" status: $(ctl --lines update-status app);"
	if [ -n "$bad" ]; then fail "$1" "$bad"; else pass "$1"; fi
}
expect_rollback update_crash crash 7 "crash"
expect_rollback update_noconfirm noconfirm 8 "not confirmed within 3000 ms"
expect_rollback update_fail_exit fail 9 "guest failure"
expect_rollback update_watchdog hang 12 "watchdog"

out=$(ctl update app "$OUT/v6.bundle")
rc=$?
if [ $rc -eq 1 ] && echo "$out" | grep -q -F "version 6 is not newer than the running 6 and the confirmed 6 (anti-rollback)"; then
	pass update_antirollback
else
	fail update_antirollback "rc $rc, \"$out\""
fi

# --- confirmed from the management channel: version 10 never confirms by itself ---
bad=""
out=$(ctl update app "$OUT/v10.bundle")
echo "$out" | grep -q -F "ok updating app version=10 slot=2" || bad+=" ctl said \"$out\";"
wait_for '^\[app\] TEST update: version=10 mode=2$' 20 || bad+=" version 10 never ran;"
out=$(ctl confirm app)
[ "$out" = "ok confirmed app version=10" ] || bad+=" ctl confirm said \"$out\";"
sleep 3.5 # past the trial: no rollback may come
[ "$(count "update to version 10 .*rolled back")" -eq 0 ] || bad+=" rolled back after the confirm;"
status_is "slot=2 version=10 state=confirmed" || bad+=" status: $(ctl --lines update-status app);"
out=$(ctl confirm app)
rc=$?
[ $rc -eq 1 ] && echo "$out" | grep -q -F "is not on trial" || bad+=" a second confirm: rc $rc \"$out\";"
if [ -n "$bad" ]; then fail update_ctl_confirm "$bad"; else pass update_ctl_confirm; fi

# --- the other VM, then the power-off tests (version 11 never confirms) ---
line=$(ctl --lines list | grep '^vm other ')
if echo "$line" | grep -q -E 'state=running .*restarts=0 resets=0 ' && [ "$(count "VM 1 'other' (stopped|resetting|restarting)")" -eq 0 ]; then
	pass update_other
else
	fail update_other "$line"
fi

bad=""
out=$(ctl update app "$OUT/v11.bundle")
echo "$out" | grep -q -F "ok updating app version=11 slot=1" || bad+=" ctl said \"$out\";"
wait_for '^\[app\] TEST update: version=11 mode=2$' 20 || bad+=" version 11 never ran;"
power_off
start
wait_for "^\[tessera\] VM 'app': update to version 11 \(slot 1\) was on trial at power-off: booting its previous image \(slot 2\)$" 60 ||
	bad+=" no power-off-during-trial line;"
wait_for "^\[tessera\] VM 'app': boots version 10 from update slot 2$" 10 || bad+=" slot 2 not booted;"
wait_for '^\[app\] TEST update: version=10 mode=2$' 30 || bad+=" version 10 did not run;"
if [ -n "$bad" ]; then fail update_poweroff_trial "$bad"; else pass update_poweroff_trial; fi

bad=""
ctl update app "$OUT/v11.bundle" >"$OUT/stream.txt" &
ctl_pid=$!
wait_for "^\\[tessera\\] VM 'app': receiving an update \\([0-9]+ bytes\\) into slot 1$" 30 || bad+=" no update began;"
sleep 0.2
power_off
wait "$ctl_pid" 2>/dev/null
grep -q "ok updating" "$OUT/stream.txt" && bad+=" the whole bundle went through before the power-off;"
start
wait_for "^\[tessera\] VM 'app': boots version 10 from update slot 2$" 60 || bad+=" slot 2 not booted;"
wait_for '^\[app\] TEST update: version=10 mode=2$' 30 || bad+=" version 10 did not run;"
if [ -n "$bad" ]; then fail update_poweroff_data "$bad"; else pass update_poweroff_data; fi
stop
exit $status
