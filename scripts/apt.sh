# Sourced by scripts/deps.sh, fetch-linux.sh and fetch-u-boot.sh: run apt-get and dpkg the way
# a shared machine needs. Another apt-get (an unattended upgrade, a second terminal, the
# machine's own start-up) may hold the dpkg or apt-lists lock; apt then fails at once with
# "Could not get lock". apt_run waits for the lock instead (up to APT_LOCK_WAIT seconds,
# default 900), then runs the command again; any other failure is returned as it is.

# apt_run CMD...: CMD (apt-get ... or dpkg ...), retried while a package-manager lock is held.
apt_run()
{
	local max=${APT_LOCK_WAIT:-900} waited=0 rc out
	out=$(mktemp) || return 1
	while :; do
		# DPkg::Lock::Timeout makes apt-get itself wait for the dpkg frontend lock; the
		# loop covers the apt lists lock (apt-get update) and dpkg's own lock.
		if [[ " $* " == *" apt-get "* ]]; then
			rc=0
			"$@" -o DPkg::Lock::Timeout="$max" >"$out" 2>&1 || rc=$?
		else
			rc=0
			"$@" >"$out" 2>&1 || rc=$?
		fi
		cat "$out"
		if [ "$rc" -ne 0 ] && [ "$waited" -lt "$max" ] &&
			grep -q -e 'Could not get lock' -e 'Unable to acquire the dpkg frontend lock' \
				-e 'dpkg status database is locked' -e 'is locked by another process' "$out"; then
			[ "$waited" -eq 0 ] && echo "apt: another package manager holds the lock; waiting (up to ${max} s)" >&2
			sleep 2
			waited=$((waited + 2))
			continue
		fi
		rm -f "$out"
		return "$rc"
	done
}
