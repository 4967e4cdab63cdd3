#!/usr/bin/env bash
# The minimal build profile (docs/CONFIG.md "Build profiles"), so that it cannot rot:
#   profile_build     make B=build/minimal PROFILE=minimal builds the hypervisor
#   profile_absent    the compiled-out features' code and strings are not in its image
#                     (debugger, trace, snapshot/clone/checkpoint/migration, virtio links,
#                     shared-CPU scheduling), and what the profile keeps is
#   profile_refuse_*  a config that asks for a compiled-out feature is refused at boot,
#                     naming the config file, the node and the feature; nothing starts
#   profile_mgmt_*    the management channel answers (hello, list) and refuses a snapshot
#   system/<spec>     system test specs of what the profile keeps (static partitioning,
#                     health, channels, console, management by hypercall) pass on it
# Prints "PASS: system/<name>" or "FAIL: system/<name> (why)" for each.
set -u
cd "$(dirname "$0")/../.." || exit 1

OUT=${OUT_DIR:-build/minimal_test}
B=build/minimal
HYP=$B/tessera.elf
TESSERA=build/tools/tessera
CROSS=${CROSS:-aarch64-linux-gnu-}
SPECS="chan manage timer smp isolate hostile_gic restart_crash crash"
status=0
mkdir -p "$OUT"

pass() { echo "PASS: system/$1"; }
fail()
{
	echo "FAIL: system/$1 ($2)"
	status=1
}

if ! make -s -j2 B=$B PROFILE=minimal "$HYP" >"$OUT/build.log" 2>&1; then
	fail profile_build "make B=$B PROFILE=minimal failed: see $OUT/build.log"
	exit 1
fi
pass profile_build

# Symbols and strings of each compiled-out feature, and of what stays.
syms=$("${CROSS}nm" "$HYP" | awk '{ print $3 }')
strs=$(strings -n 6 "$HYP")
why=""
for s in mgmt_gdb gdb_vcpu_stopped trace_put mgmt_trace snapshot_begin restore_feed vm_clone \
	checkpoint_take vm_dirty_start vlink_mmio vmmio_access sched_pick arch_vcpu_save; do
	grep -qx "$s" <<<"$syms" && why+=" symbol $s present;"
done
for s in snapshot-begin dirty-collect "debug registers are the debugger's" "usage: trace"; do
	grep -qF -- "$s" <<<"$strs" && why+=" string '$s' present;"
done
for s in vm_stop chan_notify health_timer mgmt_feed vgic_flush_work vpl011_access; do
	grep -q "^$s" <<<"$syms" || why+=" symbol $s missing;"
done
if [ -n "$why" ]; then fail profile_absent "$why"; else pass profile_absent; fi

# refuse NAME CONFIG WHERE FEATURE: boots CONFIG on the minimal build; expects the config
# error naming the file, WHERE (node, and property if any) and FEATURE, and nothing started.
refuse()
{
	local log=$OUT/$1.log want
	want="[tessera] config error: $(basename "$2"): $3: needs feature \"$4\""
	timeout -k 5 120 "$TESSERA" run "$2" --hyp "$HYP" --timeout 30 >"$log" 2>&1 </dev/null
	if ! grep -a -q -F "$want" "$log"; then
		fail "$1" "no line '$want' (see $log)"
	elif ! grep -a -q -F "[tessera] boot stopped: nothing was started" "$log"; then
		fail "$1" "no 'boot stopped: nothing was started' (see $log)"
	else
		pass "$1"
	fi
}
refuse profile_refuse_debug tests/system/configs/gdb.dts "/vms/target: debug" debug
refuse profile_refuse_sched tests/system/configs/budget_share.dts /scheduling/cpu@1 sched
refuse profile_refuse_snapshot tests/system/configs/checkpoint.dts "/vms/work: checkpoint-memory" \
	snapshot
refuse profile_refuse_virtio tests/system/configs/mgmt_net.dts /virtio/lan virtio

# The kept features' specs, on the minimal build (tessera run --hyp).
wrap=$OUT/tessera-minimal
cat >"$wrap" <<WRAP
#!/usr/bin/env bash
# tessera, with the minimal build's hypervisor (written by tests/system/profile_minimal.sh).
cmd=\$1 cfg=\$2
shift 2
exec "$PWD/$TESSERA" "\$cmd" "\$cfg" --hyp "$PWD/$HYP" "\$@"
WRAP
chmod +x "$wrap"
# The management channel on the minimal build: protocol 2 lines work (its buffers are the
# small ones of a build without snapshots: 512-byte virtio buffers, no bulk frames), and a
# snapshot, which it cannot take, fails with a reason instead of hanging the client.
sock=$OUT/mgmt.sock
rm -f "$sock"
timeout -k 5 60 "$wrap" run tests/system/configs/manage.dts --pack "$OUT/mgmt.img" --mgmt "$sock" \
	>"$OUT/mgmt.log" 2>&1 </dev/null &
mpid=$!
out=$("$TESSERA" ctl --socket "$sock" --timeout 20 hello 2>&1)
[ "$out" = "ok tessera-mgmt 2" ] && pass profile_mgmt_hello || fail profile_mgmt_hello "$out"
out=$("$TESSERA" ctl --socket "$sock" --lines list 2>&1)
printf '%s\n' "$out" | grep -q -E "^vm manager id=0 state=running " &&
	printf '%s\n' "$out" | grep -q -E "^ok 3 vms " && pass profile_mgmt_list ||
	fail profile_mgmt_list "$out"
out=$(timeout 30 "$TESSERA" ctl --socket "$sock" snapshot worker -o "$OUT/snap.bin" 2>&1)
rc=$?
if [ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q -F 'err unknown-command "snapshot-begin"'; then
	pass profile_mgmt_no_snapshot
else
	fail profile_mgmt_no_snapshot "rc=$rc: $out"
fi
kill "$mpid" 2>/dev/null
wait "$mpid" 2>/dev/null

# shellcheck disable=SC2086
TESSERA=$wrap OUT_DIR=$OUT tests/system/run.sh $SPECS | sed -E 's,^(PASS|FAIL): system/,\1: system/minimal_,'
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
exit $status
