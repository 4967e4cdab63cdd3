#!/usr/bin/env bash
# What a brand-new machine needs from us (issue 10): checks of the build and run set-up, not of
# the hypervisor. Prints "PASS: setup/<name>" or "FAIL: setup/<name> (<reason>)".
#   default_goal  plain `make` builds everything (.DEFAULT_GOAL is all)
#   qemu_run      `tessera run` starts QEMU with -nodefaults -nic none and no -nographic (a
#                 fake qemu-system-aarch64 on PATH records the command line)
#   qemu_bare     the same for tests/system/guests_bare.sh (QEMU=fake)
#   qemu_scripts  every other place that starts QEMU uses QEMU_BASE_ARGS (scripts/qemu-args.sh)
#   apt_lock      scripts/apt.sh waits for the dpkg frontend and apt-lists locks held by another
#                 process instead of failing (root only, as apt itself; as another user it is
#                 reported as "SKIP", which counts as neither pass nor fail)
set -u
cd "$(dirname "$0")/.." || exit 1

failed=0
pass() { echo "PASS: setup/$1"; }
fail()
{
	echo "FAIL: setup/$1 ($2)"
	failed=1
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# default_goal
goal=$(make -pqn 2>/dev/null | sed -n 's/^\.DEFAULT_GOAL := //p' | tail -n 1)
if [ "$goal" = all ]; then pass default_goal; else fail default_goal "default goal is '$goal'"; fi

# A fake QEMU: records its arguments, one per line, and exits 0.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/qemu-system-aarch64" <<FAKE
#!/bin/sh
printf '%s\n' "\$@" >"$tmp/args"
FAKE
chmod +x "$tmp/bin/qemu-system-aarch64"

# check_args NAME: the recorded command line has exactly the devices we mean.
check_args()
{
	local name=$1 args
	if [ ! -s "$tmp/args" ]; then
		fail "$name" "QEMU was not started"
		return
	fi
	args=$(tr '\n' ' ' <"$tmp/args")
	case " $args " in
	*" -nographic "*) fail "$name" "-nographic adds default devices: $args" ;;
	*" -nodefaults "*)
		case " $args " in
		*" -nic none "*) pass "$name" ;;
		*) fail "$name" "no -nic none in: $args" ;;
		esac
		;;
	*) fail "$name" "no -nodefaults in: $args" ;;
	esac
	rm -f "$tmp/args"
}

if [ -x build/tools/tessera ]; then
	PATH="$tmp/bin:$PATH" build/tools/tessera run configs/bare.dts --pack "$tmp/bare.img" \
		--timeout 30 >"$tmp/run.log" 2>&1 </dev/null
	check_args qemu_run
else
	fail qemu_run "build/tools/tessera missing: run make tools"
fi
QEMU="$tmp/bin/qemu-system-aarch64" OUT_DIR="$tmp/bare" tests/system/guests_bare.sh hello \
	>/dev/null 2>&1 </dev/null
check_args qemu_bare

# qemu_scripts: a line that runs QEMU ("$QEMU" or qemu-system-aarch64 as a command) must have
# QEMU_BASE_ARGS on it or on one of the next two lines.
bad=$(git ls-files '*.sh' 'Makefile' '*.mk' | grep -v '^tests/setup_check.sh$' | while read -r f; do
	awk -v f="$f" '
		{ line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				l = line[i]
				if (l ~ /^[ \t]*#/ || l ~ /QEMU=\$\{QEMU/ || l ~ /echo|command -v/) continue
				if (l ~ /--version/) continue
				if (l !~ /"\$QEMU"|(^|[ \t(])qemu-system-aarch64[ \t]+-/) continue
				if ((l line[i + 1] line[i + 2]) !~ /QEMU_BASE_ARGS/) print f ":" i
			}
		}' "$f"
done)
if [ -z "$bad" ]; then pass qemu_scripts; else fail qemu_scripts "QEMU started without QEMU_BASE_ARGS at: $bad"; fi

# apt_lock: another process holds the locks for 4 s; apt_run must wait and then succeed.
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: setup/apt_lock (needs root)"
else
	# perl is Essential in Debian (perl-base): fcntl(2) record locks, as apt and dpkg take
	# them (struct flock on 64-bit Linux: type, whence, pad, start, len, pid, pad).
	perl -e '
use Fcntl qw(F_SETLKW F_WRLCK SEEK_SET);
my @held;
for my $p ("/var/lib/dpkg/lock-frontend", "/var/lib/apt/lists/lock") {
	open(my $f, ">>", $p) or die "$p: $!";
	my $lk = pack("ssx4qqix4", F_WRLCK, SEEK_SET, 0, 0, 0);
	fcntl($f, F_SETLKW, $lk) or die "lock $p: $!";
	push @held, $f;
}
open(my $m, ">", $ARGV[0]) or die; close($m);
sleep 4;
' "$tmp/locked" &
	holder=$!
	for _ in $(seq 100); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
	start=$(date +%s)
	# Neither command needs the network: the package is installed already, and the update
	# has no sources; both take the lock.
	(
		. scripts/apt.sh
		APT_LOCK_WAIT=60 apt_run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q coreutils &&
			APT_LOCK_WAIT=60 apt_run apt-get -q update -o Dir::Etc::sourcelist=/dev/null \
				-o Dir::Etc::sourceparts=/nonexistent
	) >"$tmp/apt.log" 2>&1
	rc=$?
	end=$(date +%s)
	wait "$holder"
	if [ "$rc" -ne 0 ]; then
		fail apt_lock "apt_run failed while the lock was held: $(tail -n 2 "$tmp/apt.log" | tr '\n' ' ')"
	elif [ $((end - start)) -lt 3 ]; then
		fail apt_lock "returned after $((end - start)) s, before the lock was released"
	else
		pass apt_lock
	fi
fi
exit $failed
