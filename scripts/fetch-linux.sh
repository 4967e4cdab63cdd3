#!/usr/bin/env bash
# Fetch Debian's unmodified arm64 Linux kernel and busybox, and build the Linux
# VM's boot files (issue 4):
#   build/linux/Image               the kernel, a plain arm64 Image
#                                   (Documentation/arch/arm64/booting.rst)
#   build/linux/initramfs.cpio.gz   busybox (static) + /init
# The .deb files are cached in build/linux/ (never committed): a second run with
# everything present does nothing. Needs root for apt-get on a fresh machine
# (like scripts/deps.sh); never prompts.
#
# LINUX_PKG=linux-image-...-arm64-unsigned picks another kernel package; by
# default the newest linux-image-6.1.0-<abi>-arm64-unsigned the archive has (the
# 6.1 line is the one our platform facts were checked on; see docs).
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/apt.sh
OUT=build/linux
mkdir -p "$OUT"

if [ -s "$OUT/Image" ] && [ -s "$OUT/initramfs.cpio.gz" ] &&
	[ "$OUT/initramfs.cpio.gz" -nt "$0" ]; then
	exit 0
fi

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
	apt_run env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
}

# dpkg-deb and cpio to unpack and pack; gzip to compress.
if ! need cpio || ! need gzip; then
	apt_run apt-get update -q || true
	apt_install cpio gzip
fi

# Download the .debs only when not cached.
if ! ls "$OUT"/linux-image-*-arm64-unsigned_*.deb >/dev/null 2>&1 ||
	! ls "$OUT"/busybox-static_*_arm64.deb >/dev/null 2>&1; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		apt_run dpkg --add-architecture arm64
	fi
	apt_run apt-get update -q
	pkg=${LINUX_PKG:-$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-arm64-unsigned$' |
		awk '{print $1}' | sort -V | tail -n 1)}
	if [ -z "$pkg" ]; then
		echo "fetch-linux: no linux-image-6.1.0-*-arm64-unsigned package in the apt lists" >&2
		exit 1
	fi
	echo "fetch-linux: downloading $pkg and busybox-static:arm64"
	rm -f "$OUT"/linux-image-*.deb "$OUT"/busybox-static_*.deb
	(cd "$OUT" && apt_run apt-get download "$pkg:arm64" busybox-static:arm64)
fi

kdeb=$(ls "$OUT"/linux-image-*-arm64-unsigned_*.deb | sort -V | tail -n 1)
bdeb=$(ls "$OUT"/busybox-static_*_arm64.deb | tail -n 1)

# Kernel: boot/vmlinuz-* is a plain Image on Debian arm64; accept a gzip one too.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$kdeb" "$tmp/k"
vmlinuz=$(ls "$tmp"/k/boot/vmlinuz-* | head -n 1)
if gzip -t "$vmlinuz" 2>/dev/null; then
	gzip -dc "$vmlinuz" >"$OUT/Image.new"
else
	cp "$vmlinuz" "$OUT/Image.new"
fi
# arm64 Image header: magic "ARM\x64" at offset 0x38.
if [ "$(dd if="$OUT/Image.new" bs=1 skip=56 count=4 2>/dev/null | od -An -c | tr -d ' ')" != 'ARMd' ]; then
	echo "fetch-linux: $vmlinuz is not an arm64 Image" >&2
	exit 1
fi
mv "$OUT/Image.new" "$OUT/Image"
basename "$kdeb" >"$OUT/VERSION"

# Initramfs: busybox + applet links + /init.
dpkg-deb -x "$bdeb" "$tmp/b"
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,root,etc}
cp "$tmp/b/bin/busybox" "$root/bin/busybox"
for applet in init awk cut sh mount umount cat echo ls ps dmesg uname grep tr wc sleep poweroff reboot \
	halt setsid cttyhack mkdir mknod date true false head tail sync; do
	ln -sf busybox "$root/bin/$applet"
done
# virtio (docs/VIRTIO.md): the kernel has CONFIG_VIRTIO=y (core + ring built in) and
# virtio_mmio, virtio_console, virtio_blk as modules without dependencies, virtio_net as a
# module that depends on net_failover, which depends on failover (`modinfo -F depends`);
# /init loads them with busybox insmod, dependencies first.
mkdir -p "$root/lib/modules"
for ko in drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko drivers/block/virtio_blk.ko \
	net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko; do
	src=$(ls "$tmp"/k/lib/modules/*/kernel/"$ko" 2>/dev/null | head -n 1)
	if [ -n "$src" ]; then
		cp "$src" "$root/lib/modules/"
	fi
done
for applet in insmod stty hexdump dd od seq ip ping nc timeout; do
	ln -sf busybox "$root/bin/$applet"
done
cat >"$root/init" <<'EOF'
#!/bin/sh
# Tessera Linux VM init: mount the pseudo file systems, print a machine-checkable
# marker, then hand PID 1 to busybox init (/etc/inittab), which runs a shell on the
# console and turns `poweroff`/`reboot` into PSCI SYSTEM_OFF/SYSTEM_RESET: they
# stop/reset only this VM.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
cpus=$(grep -c '^processor' /proc/cpuinfo)
for m in virtio_mmio virtio_console virtio_blk failover net_failover virtio_net; do
	[ -f /lib/modules/$m.ko ] && insmod /lib/modules/$m.ko 2>/dev/null
done
echo "TESSERA-LINUX: init up cpus=$cpus online=$(cat /sys/devices/system/cpu/online) kernel=$(uname -r)"
# For tests: "tessera.then=poweroff" or "tessera.then=reboot" on the kernel command
# line checks that the timer ticks (arch_timer interrupts over one second, all CPUs),
# then powers off or reboots at once instead of starting the shell.
timer_irqs() { awk -v n="$cpus" '/arch_timer/ { for (i = 2; i <= n + 1; i++) s += $i } END { print s + 0 }' /proc/interrupts; }
for arg in $(cat /proc/cmdline); do
	case $arg in
	tessera.then=poweroff | tessera.then=reboot)
		a=$(timer_irqs)
		sleep 1
		b=$(timer_irqs)
		echo "TESSERA-LINUX: timer irqs_in_1s=$((b - a)) uptime=$(cut -d' ' -f1 /proc/uptime)"
		echo "TESSERA-LINUX: ${arg#tessera.then=}"
		"${arg#tessera.then=}" -f
		;;
	tessera.busy=*)
		# A CPU-heavy command on CPU 0 for the given seconds, between two markers
		# (tests/system/consolidate: the rt guest's latency meanwhile, on the CPU it shares
		# with this VM's vCPU 0): md5sum of /dev/zero, a read system call and the hash of
		# every 4 KiB.
		secs=${arg#tessera.busy=}
		echo "TESSERA-LINUX: busy start secs=$secs cpu=0"
		taskset 1 timeout $secs md5sum /dev/zero >/dev/null 2>&1
		echo "TESSERA-LINUX: busy done"
		;;
	esac
done
# virtio tests (docs/VIRTIO.md): "tessera.then=vcon" answers "PING <n>" with "PONG <n>" on
# /dev/hvc0 (a virtio-console link) until "BYE", then powers off; "tessera.then=blk"
# dumps the first 64 bytes of /dev/vda (a passed-through virtio-blk) and powers off.
# "tessera.then=net" gives eth0 (a virtio-net link) the address tessera.ip=A/N; with
# tessera.peer=B it waits (at most 60 s) for B to answer, pings it 5 times, prints
# "ping ok 5/5", pings with full-size frames, and sends "BYE" and the numbers 1..20000
# over TCP port 7777; without, it waits (at most 120 s) for that stream. Both power off
# at the end, so neither side can hang.
for arg in $(cat /proc/cmdline); do
	case $arg in
	tessera.then=vcon)
		for i in 1 2 3 4 5 6 7 8 9 10; do [ -c /dev/hvc0 ] && break; sleep 1; done
		# hvc resets termios on its last close: set raw mode on the descriptor we keep.
		exec 3<>/dev/hvc0
		stty raw -echo <&3
		echo "READY" >&3
		echo "TESSERA-LINUX: vcon ready"
		n=0
		while read -r word num <&3; do
			[ "$word" = BYE ] && break
			echo "PONG $num" >&3
			n=$((n + 1))
		done
		echo "TESSERA-LINUX: vcon answered=$n"
		poweroff -f
		;;
	tessera.then=net)
		ip=
		peer=
		for a in $(cat /proc/cmdline); do
			case $a in
			tessera.ip=*) ip=${a#tessera.ip=} ;;
			tessera.peer=*) peer=${a#tessera.peer=} ;;
			esac
		done
		for i in 1 2 3 4 5 6 7 8 9 10; do [ -e /sys/class/net/eth0 ] && break; sleep 1; done
		ip link set lo up
		ip addr add "$ip" dev eth0
		ip link set eth0 up
		echo "TESSERA-LINUX: net eth0 $(cat /sys/class/net/eth0/address) $ip up"
		if [ -n "$peer" ]; then
			i=0
			until ping -c 1 -W 1 "$peer" >/dev/null 2>&1; do
				i=$((i + 1))
				[ $i -ge 60 ] && break
			done
			ping -c 5 -W 2 "$peer" >/tmp/ping.out 2>&1
			cat /tmp/ping.out
			got=$(awk '/packets received/ { print $4 }' /tmp/ping.out)
			if [ "$got" = 5 ]; then
				echo "TESSERA-LINUX: ping ok 5/5"
			else
				echo "TESSERA-LINUX: ping failed ${got:-0}/5"
			fi
			# Full-size frames: 1472 bytes of ICMP data = a 1514-byte Ethernet frame.
			got=$(ping -c 2 -W 2 -s 1472 "$peer" 2>&1 | awk '/packets received/ { print $4 }')
			echo "TESSERA-LINUX: ping 1514-byte frames ${got:-0}/2"
			for i in 1 2 3 4 5 6 7 8 9 10; do
				{ echo "BYE from $ip"; seq 1 20000; } | timeout 10 nc "$peer" 7777 && break
				sleep 1
			done
		else
			timeout 120 nc -l -p 7777 >/tmp/net.in
			echo "TESSERA-LINUX: net peer said: $(head -n 1 /tmp/net.in)"
			echo "TESSERA-LINUX: net tcp lines=$(wc -l </tmp/net.in) last=$(tail -n 1 /tmp/net.in)"
		fi
		s=/sys/class/net/eth0/statistics
		echo "TESSERA-LINUX: net rx_packets=$(cat $s/rx_packets) tx_packets=$(cat $s/tx_packets) rx_dropped=$(cat $s/rx_dropped)"
		poweroff -f
		;;
	tessera.then=blk)
		for i in 1 2 3 4 5; do [ -b /dev/vda ] && break; sleep 1; done
		echo "TESSERA-LINUX: blk $(cat /sys/block/vda/size 2>/dev/null) sectors"
		dd if=/dev/vda bs=512 count=1 2>/dev/null | hexdump -C | head -n 4
		dd if=/dev/vda bs=512 skip=2048 count=1 2>/dev/null | head -c 32
		echo
		poweroff -f
		;;
	esac
done
exec /bin/init
EOF
chmod 755 "$root/init"
cat >"$root/etc/inittab" <<'EOF'
# busybox init: a login shell on the console (cttyhack finds the real tty, so job
# control and Ctrl-C work), started again when it exits.
::respawn:/bin/cttyhack /bin/sh -l
::shutdown:/bin/sync
EOF
cat >"$root/etc/profile" <<'EOF'
PS1='tessera-linux:\w# '
export PS1
EOF
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -9n >"$OUT/initramfs.cpio.gz.new"
mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
echo "fetch-linux: $OUT/Image ($(cat "$OUT/VERSION")), $OUT/initramfs.cpio.gz"
