#!/usr/bin/env bash
# Verified and measured boot (issue 15; docs/SECURITY.md "Verified and measured boot").
# Builds a second hypervisor that trusts tests/keys/test.pub (make B=build/vboot
# TRUSTED_KEYS=tests/keys/test.pub) and boots tests/system/configs/vboot.dts with it:
#   vboot_dump            `tessera dump --key` accepts the signed image with its key only
#   vboot_signed          a signed image boots, the guests pass
#   vboot_measure         the guest's measurements (hypercall) equal hashes computed here
#   vboot_unsigned        an unsigned image is refused, nothing boots
#   vboot_wrong_key       an image signed with another key is refused
#   vboot_flip_image      one byte of an image changed: refused, naming the image
#   vboot_flip_config     one byte of the config changed: refused, naming the config
#   vboot_flip_manifest   one byte of the manifest changed: refused, naming the manifest
#   vboot_nokeys          the hypervisor built without keys boots it and says verification off
#   vboot_ctl             `tessera ctl measurements` (vboot_mgmt.dts): every entry and the
#                         running digest recomputed here; the socket is its owner's only
#   vboot_restart         a VM restart re-verifies its images and boots again
#   vboot_restart_tamper  an image changed in memory (QEMU gdbstub) is refused at restart
#   vboot_rollback        anti-rollback: `ctl confirm` raises the counter in the hypervisor's
#                         flash (a file, --flash) to the running version 5; then version 4 is
#                         refused, 5 boots, 6 boots without moving the counter
# Prints "PASS: system/<name>" or "FAIL: system/<name> (why)" for each.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT=${OUT_DIR:-build/vboot_test}
TESSERA=build/tools/tessera
VHYP=build/vboot/tessera.elf
CFG=tests/system/configs/vboot.dts
KEY=tests/keys/test.key
OBJCOPY=${CROSS:-aarch64-linux-gnu-}objcopy
status=0
qemu_pid=
mkdir -p "$OUT"

pass() { echo "PASS: system/$1"; }
fail()
{
	echo "FAIL: system/$1 ($2)"
	[ -n "${LOG:-}" ] && [ -f "$LOG" ] && clean_log | grep -v 'dtb off=' | tail -n 15 | sed 's/^/    | /'
	status=1
}

# boot NAME HYP IMG [OPTION...]: boots IMG as it is on HYP; the log is $OUT/NAME.log (LOG).
boot()
{
	LOG=$OUT/$1.log
	timeout -k 5 120 "$TESSERA" run "$CFG" --hyp "$2" --image "$3" --timeout 60 "${@:4}" \
		>"$LOG" 2>&1 </dev/null
}

# expect_refused NAME IMG MESSAGE: the keyed hypervisor refuses IMG with MESSAGE and
# starts nothing.
expect_refused()
{
	boot "$1" "$VHYP" "$2"
	if ! clean_log | grep -q -F "[tessera] verified boot: refused: $3"; then
		fail "$1" "no \"verified boot: refused: $3\""
	elif ! clean_log | grep -q -F "[tessera] boot stopped: nothing was started"; then
		fail "$1" "no \"boot stopped: nothing was started\""
	elif clean_log | grep -q -E '^\[(measured|other)\]|VM [0-9]+ '; then
		fail "$1" "a VM was created or ran"
	else
		pass "$1"
	fi
}

# entry IMG NAME: "offset size" of the system image's entry NAME (tessera dump).
entry()
{
	local off size
	read -r off size < <("$TESSERA" dump "$1" | awk -v n="$2" '$6 == n { print $2, $3 }')
	[ -n "$off" ] && echo "$((off)) $size"
}

# flip IMG OFFSET: inverts one bit of the byte at OFFSET in place.
flip()
{
	local b
	b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# copy_flip NAME ENTRY DELTA: a copy of the signed image with a bit flipped in ENTRY.
copy_flip()
{
	local off size
	read -r off size < <(entry "$OUT/signed.img" "$2")
	cp "$OUT/signed.img" "$OUT/$1.img"
	flip "$OUT/$1.img" $((off + $3))
}

sha() { sha256sum "$@" | cut -d' ' -f1; }

# The hypervisor as loaded: code and constants, [__hyp_start, __rodata_end) and .init.
hyp_sha()
{
	"$OBJCOPY" -O binary -j .text -j .rodata "$1" "$OUT/hyp_main.bin" &&
		"$OBJCOPY" -O binary -j .init.text -j .init.rodata "$1" "$OUT/hyp_init.bin" &&
		cat "$OUT/hyp_main.bin" "$OUT/hyp_init.bin" | sha
}

# extend D M: the running digest SHA-256(D || M), both hex.
extend() { printf '%s%s' "$1" "$2" | xxd -r -p | sha; }

# dtb_sha: SHA-256 of the DTB the measure guest printed (dtb off=<o> hex=<..> lines; a line
# the console cut short when another VM printed is a prefix of the whole one that follows).
dtb_sha()
{
	local size
	size=$(clean_log | sed -n -E 's/^\[measured\] TEST measure: dtb_size=([0-9]+)$/\1/p' | head -n 1)
	[ -n "$size" ] || return 1
	clean_log | sed -n -E 's/^\[measured\] TEST measure: dtb off=([0-9]+) hex=([0-9a-f]+)$/\1 \2/p' |
		awk -v size="$size" '{ want = size - $1; if (want > 64) want = 64
			if (length($2) == 2 * want && !($1 in seen)) { seen[$1] = 1; print $1, $2 } }' |
		sort -n | cut -d' ' -f2 | tr -d '\n' | xxd -r -p >"$OUT/dtb.bin"
	[ "$(stat -c %s "$OUT/dtb.bin")" -eq "$size" ] || return 1
	sha "$OUT/dtb.bin"
}

# Host tools the recomputation needs (scripts/deps.sh installs them): without xxd every
# recomputed digest would be the hash of nothing.
for c in xxd sha256sum "$OBJCOPY"; do
	command -v "$c" >/dev/null 2>&1 || {
		echo "FAIL: system/vboot ($c missing: run scripts/deps.sh)"
		exit 1
	}
done
for f in "$TESSERA" build/tessera.elf build/guests/measure.elf build/guests/hello.elf; do
	[ -f "$f" ] || {
		echo "FAIL: system/vboot ($f missing: run make)"
		exit 1
	}
done
if ! make -s -j2 B=build/vboot TRUSTED_KEYS=tests/keys/test.pub "$VHYP" >"$OUT/build.log" 2>&1; then
	tail -n 20 "$OUT/build.log"
	echo "FAIL: system/vboot (make B=build/vboot TRUSTED_KEYS=tests/keys/test.pub failed)"
	exit 1
fi

# Images: signed (version 5), unsigned, signed with the wrong key.
"$TESSERA" pack "$CFG" -o "$OUT/signed.img" --sign "$KEY" --version 5 >/dev/null &&
	"$TESSERA" pack "$CFG" -o "$OUT/unsigned.img" >/dev/null &&
	"$TESSERA" pack "$CFG" -o "$OUT/wrong.img" --sign tests/keys/other.key >/dev/null || {
	echo "FAIL: system/vboot (tessera pack failed)"
	exit 1
}

# --- the host's view: tessera dump --key runs the boot's check ---
if "$TESSERA" dump "$OUT/signed.img" --key tests/keys/test.pub | grep -q -F "verification with tests/keys/test.pub: good" &&
	! "$TESSERA" dump "$OUT/signed.img" --key tests/keys/other.pub >"$OUT/dump_other.txt" &&
	grep -q -F "refused: manifest: signature matches no trusted key" "$OUT/dump_other.txt" &&
	! "$TESSERA" dump "$OUT/unsigned.img" --key tests/keys/test.pub >/dev/null; then
	pass vboot_dump
else
	fail vboot_dump "tessera dump --key did not accept the signed image with its key and refuse the rest"
fi

# --- a signed image boots, and measures what it booted ---
boot vboot_signed "$VHYP" "$OUT/signed.img"
if ! clean_log | grep -q -F "[tessera] verified boot: system image version 5 signed by trusted key 1 of 1; config and 3 image(s) match the manifest"; then
	fail vboot_signed "no verified-boot line"
elif ! clean_log | grep -q -E '^\[measured\] DONE measure: passed=[1-9][0-9]* failed=0$' ||
	! clean_log | grep -q -E '^\[other\] DONE hello: passed=[1-9][0-9]* failed=0$'; then
	fail vboot_signed "a guest did not pass"
else
	pass vboot_signed
fi

read -r cfg_off cfg_size < <(entry "$OUT/signed.img" config.dtb)
dd if="$OUT/signed.img" of="$OUT/config.dtb" bs=1 skip="$cfg_off" count="$cfg_size" status=none
want=("$(hyp_sha "$VHYP")" "$(sha "$OUT/config.dtb")" "$(sha build/guests/measure.elf)"
	"$(sha tests/configs/dummy.bin)" "$(dtb_sha || echo no-dtb)")
kinds=(1 2 3 4 5)
bad=""
for i in 0 1 2 3 4; do
	got=$(clean_log | sed -n -E "s/^\\[measured\\] TEST measure: entry=$i kind=${kinds[$i]} sha256=([0-9a-f]{64})\$/\\1/p" | head -n 1)
	[ "$got" = "${want[$i]}" ] || bad+=" entry $i (kind ${kinds[$i]}): guest ${got:-none}, host ${want[$i]};"
done
clean_log | grep -q -E '^\[measured\] TEST measure: entry=5 ' && bad+=" the guest sees a 6th entry (another VM's);"
clean_log | grep -q -E '^\[measured\] TEST measure: digest entries=7 sha256=[0-9a-f]{64}$' ||
	bad+=" no digest line for 7 entries;"
if [ -n "$bad" ]; then fail vboot_measure "$bad"; else pass vboot_measure; fi

# --- refusals ---
expect_refused vboot_unsigned "$OUT/unsigned.img" "system image is not signed (no tessera.manifest entry)"
expect_refused vboot_wrong_key "$OUT/wrong.img" "manifest: signature matches no trusted key (1 known)"
copy_flip flip_image ../../../build/guests/measure.elf 4096
expect_refused vboot_flip_image "$OUT/flip_image.img" \
	'image "../../../build/guests/measure.elf": SHA-256 does not match the manifest'
copy_flip flip_config config.dtb 100
expect_refused vboot_flip_config "$OUT/flip_config.img" \
	'config "config.dtb": SHA-256 does not match the manifest'
copy_flip flip_manifest tessera.manifest $((32 + 120 + 8 + 5)) # entry 0's SHA-256
expect_refused vboot_flip_manifest "$OUT/flip_manifest.img" \
	"manifest: signature matches no trusted key (1 known)"

# --- no keys: today's behaviour, and says so ---
boot vboot_nokeys build/tessera.elf "$OUT/unsigned.img"
if clean_log | grep -q -F "[tessera] verified boot: verification off (hypervisor built without TRUSTED_KEYS)" &&
	clean_log | grep -q -E '^\[other\] DONE hello: passed=[1-9][0-9]* failed=0$' &&
	clean_log | grep -q -F '[measured] FAIL measure: global entries'; then
	pass vboot_nokeys # (the guest finds no measurements: NOT_SUPPORTED)
else
	fail vboot_nokeys "no \"verification off\" line, or the system did not run"
fi

# --- management channel: ctl measurements, restart re-verification ---
stop_qemu() { [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null; qemu_pid=; }
trap stop_qemu EXIT
LOG=$OUT/mgmt.log
SOCK=$OUT/mgmt.sock
PORT=$((20000 + $$ % 20000))
FLASH=$OUT/flash.bin
rm -f "$SOCK" "$FLASH"
timeout -k 5 300 "$TESSERA" run tests/system/configs/vboot_mgmt.dts --hyp "$VHYP" \
	--pack "$OUT/mgmt.img" --sign "$KEY" --version 5 --flash "$FLASH" --mgmt "$SOCK" \
	-- -gdb "tcp:127.0.0.1:$PORT" >"$LOG" 2>&1 </dev/null &
qemu_pid=$!
if ! wait_for '^\[measured\] TEST measure: tick=1$' 60; then
	fail vboot_ctl "the measure guest did not come up"
	fail vboot_restart "not run"
	fail vboot_restart_tamper "not run"
	exit 1
fi
"$TESSERA" ctl --socket "$SOCK" measurements >"$OUT/ctl.txt" 2>&1
mode=$(stat -c %a "$SOCK")
read -r cfg_off cfg_size < <(entry "$OUT/mgmt.img" config.dtb)
dd if="$OUT/mgmt.img" of="$OUT/config_mgmt.dtb" bs=1 skip="$cfg_off" count="$cfg_size" status=none
d=$(printf '%064d' 0)
bad=""
n=0
while read -r tag i kind vm sum name; do
	[ "$tag" = measure ] || continue
	sum=${sum#sha256=}
	case "$kind $vm $name" in
	"kind=hypervisor vm=- name=tessera") w=$(hyp_sha "$VHYP") ;;
	"kind=config vm=- name=config.dtb") w=$(sha "$OUT/config_mgmt.dtb") ;;
	"kind=image vm=measured "*) w=$(sha build/guests/measure.elf) ;;
	"kind=initrd vm=measured "*) w=$(sha tests/configs/dummy.bin) ;;
	"kind=image vm=other "*) w=$(sha build/guests/hello.elf) ;;
	"kind=dtb "*) w=$sum ;; # the generated DTBs: checked through the guest (vboot_measure)
	*) w="unexpected entry: $kind $vm $name" ;;
	esac
	[ "$sum" = "$w" ] || bad+=" entry $i ($kind $vm): $sum != $w;"
	d=$(extend "$d" "$sum")
	n=$((n + 1))
done <"$OUT/ctl.txt"
grep -q -E "^ok 7 measurements digest=$d verified=yes version=5$" "$OUT/ctl.txt" ||
	bad+=" the ok line is not \"ok 7 measurements digest=<recomputed $d> verified=yes version=5\";"
clean_log | grep -q -E "^\\[measured\\] TEST measure: digest entries=7 sha256=$d\$" ||
	bad+=" the guest's digest differs;"
[ $n -eq 7 ] || bad+=" $n entries, 7 expected;"
[ "$mode" = 700 ] || bad+=" the management socket is mode $mode, not 700 (owner only);"
if [ -n "$bad" ]; then
	fail vboot_ctl "$bad"
	sed 's/^/    | /' "$OUT/ctl.txt"
else
	pass vboot_ctl
fi

# count_ticks1: how many times the measure guest has started ticking (once per boot).
count_ticks1() { clean_log | grep -c -E '^\[measured\] TEST measure: tick=1$'; }
out=$("$TESSERA" ctl --socket "$SOCK" --timeout 30 restart measured 2>&1)
rc=$?
end=$((SECONDS + 30))
while [ "$(count_ticks1)" -lt 2 ] && [ $SECONDS -lt $end ]; do sleep 0.2; done
if [ $rc -eq 0 ] && [ "$(count_ticks1)" -ge 2 ] &&
	[ "$(clean_log | grep -c -E "^\[measured\] TEST measure: digest entries=7 sha256=$d\$")" -ge 2 ]; then
	pass vboot_restart
else
	fail vboot_restart "restart: $out (rc $rc); $(count_ticks1) boot(s) seen"
fi

# One byte of the measure guest's image in the system image in RAM (hypervisor memory no
# guest can reach), changed through QEMU's gdbstub in physical-memory mode; then a restart.
read -r img_off img_size < <(entry "$OUT/mgmt.img" ../../../build/guests/measure.elf)
addr=$((0x41000000 + img_off + 4096))
gdb-multiarch -q -batch -nx -ex "target remote 127.0.0.1:$PORT" \
	-ex "maint packet Qqemu.PhyMemMode:1" -ex "set {unsigned char}$addr = {unsigned char}$addr ^ 1" \
	-ex "detach" >"$OUT/gdb.log" 2>&1
out=$("$TESSERA" ctl --socket "$SOCK" --timeout 30 restart measured 2>&1)
if wait_for "^\\[tessera\\] VM 0 'measured': image \"../../../build/guests/measure.elf\": SHA-256 does not match the manifest: not reloaded\$" 30 &&
	wait_for "^\\[tessera\\] VM 0 'measured': reload failed, stopped\$" 5 &&
	"$TESSERA" ctl --socket "$SOCK" --lines list 2>&1 | grep -q -E '^vm other .*state=running'; then
	pass vboot_restart_tamper
else
	fail vboot_restart_tamper "restart after tampering: $out; gdb: $(tr '\n' ' ' <"$OUT/gdb.log")"
fi

# --- anti-rollback: the counter (flash file) moves to 5 on confirm, and only then ---
bad=""
clean_log | grep -q -F "match the manifest; anti-rollback counter 0" || bad+=" the first boot did not report counter 0;"
out=$("$TESSERA" ctl --socket "$SOCK" confirm 2>&1)
[ "$out" = "ok confirmed version=5 counter=5 was=0" ] || bad+=" confirm said \"$out\";"
wait_for '^\[tessera\] anti-rollback counter 0 -> 5 \(version 5 confirmed\)$' 5 || bad+=" no console line for the confirm;"
stop_qemu
"$TESSERA" pack "$CFG" -o "$OUT/v4.img" --sign "$KEY" --version 4 >/dev/null &&
	"$TESSERA" pack "$CFG" -o "$OUT/v6.img" --sign "$KEY" --version 6 >/dev/null || bad+=" pack failed;"
boot rollback_v4 "$VHYP" "$OUT/v4.img" --flash "$FLASH"
clean_log | grep -q -F "[tessera] verified boot: refused: manifest: version 4 is older than the anti-rollback counter 5" &&
	clean_log | grep -q -F "[tessera] boot stopped: nothing was started" &&
	! clean_log | grep -q -E '^\[(measured|other)\]' || bad+=" version 4 was not refused;"
boot rollback_v5 "$VHYP" "$OUT/signed.img" --flash "$FLASH"
clean_log | grep -q -F "system image version 5 signed by trusted key 1 of 1; config and 3 image(s) match the manifest; anti-rollback counter 5" &&
	clean_log | grep -q -E '^\[other\] DONE hello: passed=[1-9][0-9]* failed=0$' || bad+=" version 5 did not boot;"
boot rollback_v6 "$VHYP" "$OUT/v6.img" --flash "$FLASH"
clean_log | grep -q -F "system image version 6 signed by trusted key 1 of 1; config and 3 image(s) match the manifest; anti-rollback counter 5" &&
	clean_log | grep -q -E '^\[other\] DONE hello: passed=[1-9][0-9]* failed=0$' || bad+=" version 6 did not boot with counter 5;"
boot rollback_v4_again "$VHYP" "$OUT/v4.img" --flash "$FLASH"
clean_log | grep -q -F "version 4 is older than the anti-rollback counter 5" || bad+=" version 4 booted after version 6 ran unconfirmed;"
if [ -n "$bad" ]; then fail vboot_rollback "$bad"; else pass vboot_rollback; fi
exit $status
