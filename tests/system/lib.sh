# Helpers shared by the scripted system tests (mgmt.sh, direct_stuck.sh, linux_console.sh,
# uboot.sh); sourced, never run. Callers set LOG (the console log). The FIFO-driven
# tests (a shell or U-Boot typed into) also set qpid (QEMU started with setsid), fifo,
# STEP_TIMEOUT, and open the FIFO as fd 3.

# The UART at level info: the checks read the hypervisor's boot and lifecycle lines, which
# its default (warn) keeps in the log only (`tessera run` reads this when given no
# --log-level; mgmt_console.sh clears it to test the default).
export TESSERA_LOG_LEVEL=${TESSERA_LOG_LEVEL-info}

# clean_log: the console log without carriage returns.
clean_log() { tests/system/uart-text <"$LOG"; }

# wait_for REGEX SECONDS: true once a console line matches.
wait_for()
{
	local end=$((SECONDS + $2))
	while [ $SECONDS -le $end ]; do
		clean_log | grep -a -q -E "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_for_count REGEX N SECONDS: true once at least N console lines match.
wait_for_count()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(clean_log | grep -a -c -E "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# last_tick VM: the highest tick number the hello guest VM has printed in its current run
# (0 if none).
last_tick()
{
	clean_log | grep -a -E "^\[$1\] TEST hello: tick=[0-9]+$" | tail -n 1 |
		sed -E 's/.*tick=//' | grep . || echo 0
}

# wait_ticks VM N SECONDS: true once VM printed tick N or later.
wait_ticks()
{
	local end=$((SECONDS + $3))
	while [ $SECONDS -le $end ]; do
		[ "$(last_tick "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_line FROM FIXED: wait until a line after line FROM contains FIXED; prints its
# line number. Fails after STEP_TIMEOUT seconds or when QEMU exits.
wait_line()
{
	local from=$1 text=$2 end=$((SECONDS + STEP_TIMEOUT)) n
	while [ $SECONDS -lt $end ]; do
		n=$(clean_log | tail -n +"$((from + 1))" | grep -a -n -F -m 1 -- "$text" | cut -d: -f1)
		if [ -n "$n" ]; then
			echo $((from + n))
			return 0
		fi
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}

# lines: how many lines the console log has.
lines() { clean_log | wc -l; }

# type_line TEXT EOL: types TEXT, then EOL ('\n' for a shell, '\r' for U-Boot), like a
# typist: 4 bytes at a time, each chunk only once the guest has echoed the one before, so
# a step that fails says which characters never arrived. (Pastes work too: each VM's UART
# keeps up to 4 KiB of input behind its FIFO, src/vdev/vpl011.c; console_paste.sh and
# linux_paste test that.) Keep TEXT short enough not to wrap.
type_line()
{
	local t=$1 i from end
	from=$(lines)
	from=$((from > 0 ? from - 1 : 0))
	for ((i = 0; i < ${#t}; i += 4)); do
		printf '%s' "${t:i:4}" >&3
		end=$((SECONDS + 10))
		until clean_log | tail -n +"$((from + 1))" | grep -a -q -F -- "${t:0:i+4}"; do
			[ $SECONDS -lt $end ] || return 1
			sleep 0.05
		done
	done
	printf '%b' "$2" >&3
}

# stop_fifo_qemu: ends the QEMU of a FIFO-driven test (its quit key first, then its whole
# process group), closes fd 3 and removes the FIFO.
stop_fifo_qemu()
{
	if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
		printf '\001x' >&3 2>/dev/null # QEMU's own quit key (Ctrl-A x)
		for _ in $(seq 50); do
			kill -0 "$qpid" 2>/dev/null || break
			sleep 0.1
		done
		kill -- -"$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	qpid=
	exec 3>&- 2>/dev/null
	rm -f "$fifo"
}

# stop_qemu_pid: ends the `tessera run` started in the background as $qemu_pid (it passes
# the signal on to QEMU).
stop_qemu_pid()
{
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill "$qemu_pid" 2>/dev/null
		wait "$qemu_pid" 2>/dev/null
	fi
}

# linux_say SOCK TEXT: types TEXT and a newline into the console of VM "linux" (LINUX_VM
# names another) through the management channel at SOCK (48 bytes a console-write request,
# SAY_TIMEOUT seconds each, default 60). Used by the Linux snapshot and migration tests and
# bench/migrate.sh.
linux_say()
{
	local hex i
	hex=$(printf '%s\n' "$2" | od -An -tx1 | tr -d ' \n')
	for ((i = 0; i < ${#hex}; i += 96)); do
		"$TESSERA" ctl --socket "$1" --timeout "${SAY_TIMEOUT:-60}" console-write "${LINUX_VM:-linux}" "${hex:i:96}" >/dev/null ||
			return 1
	done
}

# linux_ask SOCK LOG TAG COMMAND: runs COMMAND in that VM's shell (LINUX_VM) and prints its output,
# found in LOG between "<TAG>-begin" and "<TAG>-end" markers the typed line does not
# contain, that VM's lines only (another VM's or the hypervisor's lines printed meanwhile are
# not its output); fails after 60 s without the end marker.
linux_ask()
{
	local from end=$((SECONDS + 60)) vm=${LINUX_VM:-linux}
	from=$(LOG=$2 lines)
	linux_say "$1" "echo \"$3-\"begin; $4; echo \"$3-\"end" || return 1
	while [ $SECONDS -le $end ]; do
		if tests/system/uart-text <"$2" | tail -n +"$((from + 1))" | grep -a -q -x "\[$vm\] $3-end"; then
			tests/system/uart-text <"$2" | tail -n +"$((from + 1))" | grep -a "^\[$vm\] " |
				sed -n "/^\[$vm\] $3-begin\$/,/^\[$vm\] $3-end\$/p" |
				sed -e '1d' -e '$d' -e "s/^\[$vm\] //"
			return 0
		fi
		sleep 0.2
	done
	return 1
}

# uptime_of TEXT: the first field of a /proc/uptime line in TEXT.
uptime_of() { printf '%s\n' "$1" | sed -n -E 's/^([0-9]+\.[0-9]+) [0-9]+\.[0-9]+$/\1/p' | head -n 1; }
