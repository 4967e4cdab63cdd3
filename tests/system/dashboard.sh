#!/usr/bin/env bash
# The web dashboard in a real browser (docs/MANAGEMENT.md "Dashboard"): boots
# tests/system/configs/mgmt_console.dts ("reader": guests/console_reader.c; "ticker": the hello
# guest; "crasher", which fails at once) with `tessera run --mgmt`, starts `tessera dashboard`
# on a loopback port, and drives Debian's headless Chromium against it
# (tests/system/dashboard_browser.js, playwright-core from `make dashboard`): the page shows
# every VM, pause changes the paused VM's state and its trap-rate chart (to 0, its
# neighbour's not), a line typed into a console reaches the guest byte for byte (its count
# and sum come back in the console and on the physical UART), the timeline shows the
# crasher's warning, resume works, the CPU-time chart and the buttons follow the states, the
# snapshot button downloads ticker's state and the restore button puts it back, and the
# screenshots saved under build/dashboard_test/ are non-blank (size, colours) with the VM
# names on the page. Then with curl: snapshot download and restore upload, a refused snapshot,
# an update upload judged by the hypervisor (this build refuses it). Then the access rules: a listener
# beyond loopback without --token is refused, and with one every request must carry it; bad
# API arguments are refused. Prints "PASS: system/dashboard_<case>" or "FAIL: ... (why)".
# Environment: OUT_DIR (default build/dashboard_test), TIMEOUT (whole run, default 120 s).
set -u

cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

OUT_DIR=${OUT_DIR:-build/dashboard_test}
TIMEOUT=${TIMEOUT:-120}
LOG=$OUT_DIR/console.log
SOCK=$OUT_DIR/mgmt.sock
TESSERA=build/tools/tessera
NODE_MODULES=build/dashboard/npm/node_modules
failed=0
qemu_pid=
dash_pids=()

pass() { echo "PASS: system/dashboard_$1"; }
fail()
{
	echo "FAIL: system/dashboard_$1 ($2)"
	failed=1
}

cleanup()
{
	for p in "${dash_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	stop_qemu_pid
}
trap cleanup EXIT

# Built here rather than by `make test`: the page's libraries come from the npm registry, and a
# registry that cannot be reached must fail this stage only.
mkdir -p "$OUT_DIR"
if ! make -s dashboard >"$OUT_DIR/build.log" 2>&1; then
	fail build "make dashboard failed, log in $OUT_DIR/build.log"
	tail -n 15 "$OUT_DIR/build.log" | sed 's/^/    | /'
	exit 1
fi

# start_dashboard LOGFILE ARGS...: starts it on a free port (tries a few), PORT set; status 0
# once it answers.
start_dashboard()
{
	local log=$1 p
	shift
	for try in 1 2 3 4 5; do
		PORT=$((20000 + (RANDOM % 20000)))
		"$TESSERA" dashboard --mgmt "$SOCK" --listen "127.0.0.1:$PORT" "$@" >"$log" 2>&1 &
		p=$!
		for _ in $(seq 50); do
			curl -s -o /dev/null "http://127.0.0.1:$PORT/style.css${TOKEN_Q:-}" && {
				dash_pids+=("$p")
				return 0
			}
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill "$p" 2>/dev/null
	done
	return 1
}

# http METHOD URL [CURL ARGS...]: the status code in $code, the body in $body.
http()
{
	local m=$1 u=$2
	shift 2
	body=$(curl -s -X "$m" -w '\n%{http_code}' "$@" "$u")
	code=${body##*$'\n'}
	body=${body%$'\n'*}
	body=${body%$'\n'}
}

main()
{
	local sum=10 c

	for f in "$TESSERA" build/tools/tessera-dashboard build/dashboard/www/vendor/xterm.js \
		build/dashboard/www/vendor/uPlot.iife.min.js "$NODE_MODULES/playwright-core/package.json" \
		build/tessera.elf build/guests/console_reader.elf; do
		if [ ! -f "$f" ]; then
			fail setup "$f missing: run make all dashboard"
			return
		fi
	done
	for cmd in node curl "${CHROMIUM:-/usr/bin/chromium}"; do
		command -v "$cmd" >/dev/null 2>&1 || {
			fail setup "$cmd missing: run scripts/deps.sh"
			return
		}
	done
	mkdir -p "$OUT_DIR" && rm -f "$SOCK" "$OUT_DIR"/*.png && : >"$LOG"
	timeout -k 5 "$TIMEOUT" "$TESSERA" run tests/system/configs/mgmt_console.dts \
		--pack "$OUT_DIR/dashboard.img" --mgmt "$SOCK" >"$LOG" 2>&1 </dev/null &
	qemu_pid=$!
	if ! wait_for '^\[reader\] TEST console_reader: ready$' 30 || ! wait_ticks ticker 3 15; then
		fail boot "no ready line or ticks on the UART"
		return
	fi
	if ! start_dashboard "$OUT_DIR/dashboard.log"; then
		fail start "$(cat "$OUT_DIR/dashboard.log")"
		return
	fi

	for c in $(printf 'typed in a browser' | od -An -tu1); do
		sum=$((sum + c))
	done
	WANT_SUM=$sum NODE_PATH=$NODE_MODULES timeout 120 node tests/system/dashboard_browser.js \
		"http://127.0.0.1:$PORT/" "$OUT_DIR" || failed=1
	wait_for "^\[reader\] TEST console_reader: lines=1 bytes=19 sum=$sum\$" 5 &&
		pass uart_shows_typed_line || fail uart_shows_typed_line "not on the physical UART"

	# The API refuses what it does not know, before anything reaches the hypervisor.
	http POST "http://127.0.0.1:$PORT/api/action?vm=ticker&op=frob"
	[ "$code" = 400 ] || fail api_args "op=frob: $code"
	http POST "http://127.0.0.1:$PORT/api/action?vm=tick%20er&op=stop"
	[ "$code" = 400 ] || fail api_args "vm with a blank: $code"
	http POST "http://127.0.0.1:$PORT/api/input?vm=reader&hex=4"
	[ "$code" = 400 ] || fail api_args "odd hex: $code"
	http GET "http://127.0.0.1:$PORT/api/console?vm=reader&from=-1"
	[ "$code" = 400 ] || fail api_args "from=-1: $code"
	http GET "http://127.0.0.1:$PORT/api/console?vm=nobody&from=0"
	[ "$code" = 404 ] || fail api_args "unknown VM: $code"
	http GET "http://127.0.0.1:$PORT/../../etc/passwd" --path-as-is
	[ "$code" = 404 ] || fail api_args "path outside the page: $code"
	# Snapshot as a download while ticker runs (it resumes: more ticks follow).
	local snap=$OUT_DIR/ticker.snap ticks magic hdrs
	code=$(curl -s -m 90 -D "$OUT_DIR/snap_headers.txt" -o "$snap" -w '%{http_code}' \
		"http://127.0.0.1:$PORT/api/snapshot?vm=ticker")
	magic=$(head -c 7 "$snap" 2>/dev/null)
	hdrs=$(tr -d '\r' <"$OUT_DIR/snap_headers.txt")
	ticks=$(clean_log | grep -a -c '^\[ticker\] TEST hello: tick=')
	if [ "$code" = 200 ] && [ "$magic" = TESSNAP ] && [ "$(stat -c %s "$snap")" -gt 256 ] &&
		grep -q -i '^content-disposition: attachment; filename="ticker.snap"$' <<<"$hdrs" &&
		wait_for_count '^\[ticker\] TEST hello: tick=' $((ticks + 2)) 10; then
		pass snapshot_download
	else
		fail snapshot_download "HTTP $code, magic '$magic', $(stat -c %s "$snap" 2>/dev/null) bytes, ticks $ticks -> $(clean_log | grep -a -c '^\[ticker\] TEST hello: tick=')"
	fi
	http GET "http://127.0.0.1:$PORT/api/snapshot?vm=crasher"
	[ "$code" = 409 ] && [[ "$body" == "err "* ]] || fail snapshot_download "of a stopped VM: $code $body"

	http POST "http://127.0.0.1:$PORT/api/action?vm=ticker&op=stop"
	[ "$code" = 200 ] && [ "$body" = '{"ok":true,"message":"stopped ticker"}' ] &&
		pass api_args || fail api_args "stop: $code $body"

	# Restore the stopped ticker from the downloaded file: it runs on from the snapshot.
	ticks=$(clean_log | grep -a -c '^\[ticker\] TEST hello: tick=')
	http POST "http://127.0.0.1:$PORT/api/restore?vm=ticker" --data-binary "@$snap" \
		-H 'Content-Type: application/octet-stream' -m 90
	if [ "$code" = 200 ] && [[ "$body" == '{"ok":true,"message":"ok restored ticker: '* ]] &&
		wait_for_count '^\[ticker\] TEST hello: tick=' $((ticks + 2)) 10; then
		pass restore_upload
	else
		fail restore_upload "HTTP $code $body; ticks $ticks -> $(clean_log | grep -a -c '^\[ticker\] TEST hello: tick=')"
	fi
	# An update bundle goes to the hypervisor, which judges it (this build has no verified
	# boot: refused; tests/system/update.sh covers real updates); an empty body never leaves.
	http POST "http://127.0.0.1:$PORT/api/update?vm=reader" --data-binary 'not a bundle'
	local upd="$code $body"
	http POST "http://127.0.0.1:$PORT/api/update?vm=reader"
	[[ "$upd" == '200 {"ok":false,"message":"err '* ]] && [ "$code" = 400 ] &&
		pass update_upload || fail update_upload "bundle: $upd; empty: $code $body"

	# Beyond loopback: no token, no listener; with one, every request must carry it.
	"$TESSERA" dashboard --mgmt "$SOCK" --listen 0.0.0.0:1 >"$OUT_DIR/notoken.log" 2>&1
	[ $? = 2 ] && grep -q 'not a loopback address: --token is required' "$OUT_DIR/notoken.log" &&
		pass token_required || fail token_required "$(cat "$OUT_DIR/notoken.log")"
	TOKEN_Q="?token=s3cret-token"
	if start_dashboard "$OUT_DIR/token.log" --token s3cret-token; then
		http GET "http://127.0.0.1:$PORT/api/state"
		local no=$code
		http GET "http://127.0.0.1:$PORT/api/state?token=wrong-token"
		local wrong=$code
		http GET "http://127.0.0.1:$PORT/api/state" -H 'X-Tessera-Token: s3cret-token'
		local hdr=$code
		http GET "http://127.0.0.1:$PORT/api/state" -b 'tessera_token=s3cret-token'
		local cookie=$code
		http GET "http://127.0.0.1:$PORT/?token=s3cret-token"
		[ "$no" = 403 ] && [ "$wrong" = 403 ] && [ "$hdr" = 200 ] && [ "$cookie" = 200 ] &&
			[ "$code" = 200 ] && pass token_checked ||
			fail token_checked "none $no, wrong $wrong, header $hdr, cookie $cookie, query $code"
	else
		fail token_checked "$(cat "$OUT_DIR/token.log")"
	fi
	unset TOKEN_Q
	if clean_log | grep -a -q -E 'PANIC|\[(reader|ticker)\] KIT: unhandled exception'; then
		fail clean_log "$(clean_log | grep -a -E 'PANIC|KIT: unhandled' | head -n 3)"
	fi
}

main
exit $failed
