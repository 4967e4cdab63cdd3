#!/usr/bin/env bash
# Run Tessera's QEMU system tests. Each test is a spec file tests/system/<name>.test
# (format: tests/system/README.md). For each spec, in order, this boots the config
# with `tessera run`, saves the console to build/systest/<name>.log and checks it.
#
# Usage: tests/system/run.sh [NAME|NAME.test|PATH/NAME.test ...]   (no argument: all)
# Prints "PASS: system/<name>" or "FAIL: system/<name> (<reasons>)" per test, plus
# the end of the log on failure; exits 1 if any test failed.
#
# Environment (for testing this script): TESSERA (the CLI, default
# build/tools/tessera), SPEC_DIR (default tests/system), OUT_DIR (default
# build/systest).
set -u

cd "$(dirname "$0")/../.." || exit 1
# The UART at level info: expect lines include the hypervisor's info lines (tests/system/lib.sh).
export TESSERA_LOG_LEVEL=${TESSERA_LOG_LEVEL-info}

TESSERA=${TESSERA:-build/tools/tessera}
SPEC_DIR=${SPEC_DIR:-tests/system}
OUT_DIR=${OUT_DIR:-build/systest}
DEFAULT_CPU=cortex-a57
DEFAULT_TIMEOUT=60
TAIL_LINES=20
# Extra seconds the runner waits past a test's own timeout before it kills
# `tessera run` itself, so a broken --timeout cannot hang CI.
WATCHDOG_GRACE=30

# Default rejects, "flags|string" (flags: F fixed, Fi fixed and case-insensitive).
# A spec line `allow: <string>` lifts the default reject with that exact string.
DEFAULT_REJECTS=(
	"F|PANIC"
	"Fi|[tessera] panic"
	"F|KIT: unhandled exception"
	"F|Kernel panic"
)

# is_default_reject STRING: is STRING one of the default rejects?
is_default_reject()
{
	local d
	for d in "${DEFAULT_REJECTS[@]}"; do
		[ "${d#*|}" = "$1" ] && return 0
	done
	return 1
}

# trim STRING: strip leading and trailing blanks (and a stray CR).
trim()
{
	local s=$1
	s=${s#"${s%%[![:space:]]*}"}
	s=${s%"${s##*[![:space:]]}"}
	printf '%s' "$s"
}

# join ITEMS...: the items separated by "; ".
join()
{
	local out="" item
	for item in "$@"; do
		out+="${out:+; }$item"
	done
	printf '%s' "$out"
}

# log_has FLAGS PATTERN LOG: does LOG contain PATTERN? CRs from the serial
# console are dropped first so `$` anchors work in expect-re.
log_has()
{
	local flags=$1 pat=$2 log=$3 opt=(-a -q)
	case $flags in
	F) opt+=(-F) ;;
	Fi) opt+=(-F -i) ;;
	E) opt+=(-E) ;;
	esac
	tests/system/uart-text <"$log" | grep "${opt[@]}" -e "$pat" 2>/dev/null
	# grep -q may close the pipe early: only grep's status matters.
	return "${PIPESTATUS[1]}"
}

# show_tail LOG: the end of a failed test's log, indented so that a guest's own
# "PASS:"/"FAIL:" lines are not counted as results by tests/run_all.sh.
show_tail()
{
	[ -s "$1" ] || {
		echo "    | (empty log)"
		return
	}
	echo "    | --- last $TAIL_LINES lines of $1 ---"
	tail -n "$TAIL_LINES" "$1" | tests/system/uart-text | sed 's/^/    | /'
}

# run_spec SPECFILE: run one test, print its PASS/FAIL line; return 1 on failure.
run_spec()
{
	local spec=$1 name key val line lineno=0
	name=$(basename "$spec" .test)
	local config="" cpu=$DEFAULT_CPU tmo=$DEFAULT_TIMEOUT want_exit=0 a
	local qemu_args=() expects=() expect_res=() same_res=() rejects=() allows=() errors=() seen=""
	local setup=""

	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=$(trim "$line")
		case $line in
		'' | '#'*) continue ;;
		*:*) ;;
		*)
			errors+=("spec line $lineno: no 'key:'")
			continue
			;;
		esac
		key=$(trim "${line%%:*}")
		val=$(trim "${line#*:}")
		case $key in
		config) config=$val ;;
		cpu) cpu=$val ;;
		timeout) tmo=$val ;;
		exit) want_exit=$val ;;
		expect) expects+=("$val") ;;
		expect-re) expect_res+=("$val") ;;
		same-re) same_res+=("$val") ;;
		qemu) read -r -a qemu_args <<<"$val" ;;
		setup) setup=$val ;;
		reject) rejects+=("$val") ;;
		allow) allows+=("$val") ;;
		*) errors+=("spec line $lineno: unknown key '$key'") ;;
		esac
		case $key in
		expect | expect-re | same-re | reject | allow | config | cpu)
			[ -n "$val" ] || errors+=("spec line $lineno: empty '$key'")
			;;
		esac
		case $key in
		config | cpu | timeout | exit)
			case " $seen " in
			*" $key "*) errors+=("spec line $lineno: '$key' given twice") ;;
			esac
			seen+=" $key"
			;;
		esac
	done <"$spec"

	[ -n "$config" ] || errors+=("spec has no 'config:'")
	[ -z "$config" ] || [ -f "$config" ] || errors+=("config $config not found")
	[[ $tmo =~ ^[1-9][0-9]*$ ]] || errors+=("bad timeout '$tmo'")
	[[ $want_exit =~ ^[0-9]+$ ]] && [ "$want_exit" -le 255 ] ||
		errors+=("bad exit '$want_exit'")
	for a in ${allows[@]+"${allows[@]}"}; do
		is_default_reject "$a" || errors+=("allow: '$a' is not a default reject")
	done
	if [ ${#errors[@]} -gt 0 ]; then
		echo "FAIL: system/$name (spec error: $(join "${errors[@]}"))"
		return 1
	fi
	if [ ! -x "$TESSERA" ]; then
		echo "FAIL: system/$name ($TESSERA not built: run 'make tools')"
		return 1
	fi

	local log=$OUT_DIR/$name.log img=$OUT_DIR/$name.img rc start
	rm -f "$log" "$img"
	if [ -n "$setup" ] && ! bash -c "$setup" >"$log" 2>&1; then
		echo "FAIL: system/$name (setup failed: $setup)"
		return 1
	fi
	start=$SECONDS
	# stdin from /dev/null: QEMU -nographic would otherwise read the terminal
	# (and CI has none). The outer timeout is only a watchdog.
	# The braces' 2>/dev/null hides bash's "Killed" notice if the watchdog fires.
	{
		timeout -k 5 $((tmo + WATCHDOG_GRACE)) \
			"$TESSERA" run "$config" --cpu "$cpu" --timeout "$tmo" --pack "$img" \
			${qemu_args[@]+-- "${qemu_args[@]}"} >>"$log" 2>&1 </dev/null
	} 2>/dev/null
	rc=$?

	local reasons=() s flags pat allowed
	if [ "$rc" -ne "$want_exit" ]; then
		case $rc in
		124 | 137)
			if [ $((SECONDS - start)) -ge $((tmo + WATCHDOG_GRACE)) ]; then
				reasons+=("hung: killed by the runner after $((tmo + WATCHDOG_GRACE))s")
			else
				reasons+=("timeout after ${tmo}s")
			fi
			;;
		*) reasons+=("exit status $rc, expected $want_exit") ;;
		esac
	fi
	for s in ${expects[@]+"${expects[@]}"}; do
		log_has F "$s" "$log" || reasons+=("missing expect \"$s\"")
	done
	for s in ${expect_res[@]+"${expect_res[@]}"}; do
		log_has E "$s" "$log"
		case $? in
		0) ;;
		1) reasons+=("missing expect-re \"$s\"") ;;
		*) reasons+=("bad expect-re \"$s\"") ;;
		esac
	done
	# same-re: the regex matches at least twice and every match is the same text
	# (e.g. a free-page count printed before and after many restarts).
	for s in ${same_res[@]+"${same_res[@]}"}; do
		local n_all n_distinct
		n_all=$(tests/system/uart-text <"$log" | grep -oE -- "$s" | wc -l)
		n_distinct=$(tests/system/uart-text <"$log" | grep -oE -- "$s" | sort -u | wc -l)
		if [ "$n_all" -lt 2 ]; then
			reasons+=("same-re \"$s\" matched $n_all time(s), need 2 or more")
		elif [ "$n_distinct" -ne 1 ]; then
			reasons+=("same-re \"$s\" matched $n_distinct different values")
		fi
	done
	for s in ${rejects[@]+"${rejects[@]}"}; do
		log_has F "$s" "$log" && reasons+=("reject found \"$s\"")
	done
	for s in "${DEFAULT_REJECTS[@]}"; do
		flags=${s%%|*}
		pat=${s#*|}
		allowed=0
		for a in ${allows[@]+"${allows[@]}"}; do
			[ "$a" = "$pat" ] && allowed=1
		done
		[ $allowed -eq 1 ] && continue
		log_has "$flags" "$pat" "$log" && reasons+=("reject found \"$pat\"")
	done

	if [ ${#reasons[@]} -eq 0 ]; then
		echo "PASS: system/$name"
		return 0
	fi
	echo "FAIL: system/$name ($(join "${reasons[@]}"))"
	show_tail "$log"
	return 1
}

specs=()
if [ $# -eq 0 ]; then
	for f in "$SPEC_DIR"/*.test; do
		[ -f "$f" ] && specs+=("$f")
	done
else
	for arg in "$@"; do
		case $arg in
		*/*) f=$arg ;;
		*.test) f=$SPEC_DIR/$arg ;;
		*) f=$SPEC_DIR/$arg.test ;;
		esac
		specs+=("$f")
	done
fi

if [ ${#specs[@]} -eq 0 ]; then
	echo "system: no tests in $SPEC_DIR"
	exit 0
fi

mkdir -p "$OUT_DIR" || exit 1
failed=0
for f in "${specs[@]}"; do
	if [ ! -f "$f" ]; then
		echo "FAIL: system/$(basename "$f" .test) (no spec $f)"
		failed=1
		continue
	fi
	run_spec "$f" || failed=1
done
exit $failed
