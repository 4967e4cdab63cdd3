#!/usr/bin/env bash
# Fetch Debian's unmodified U-Boot for QEMU (package u-boot-qemu, Architecture: all)
# and build the blob the U-Boot VM boots Linux from (issue 4, item 6):
#   build/u-boot/u-boot.bin      qemu_arm64 U-Boot (/usr/lib/u-boot/qemu_arm64/u-boot.bin),
#                                run from the VM's flash at guest-physical 0
#   build/u-boot/payload.bin     build/linux/Image, padded to its image_size rounded up
#                                to 2 MiB, then build/linux/initramfs.cpio.gz: one blob the
#                                hypervisor loads into the VM's RAM (the config's `initrd`)
#   build/u-boot/payload.env     INITRD_OFFSET=0x... INITRD_SIZE=0x...: where the initramfs
#                                is inside payload.bin, for the `booti` command line
# Needs build/linux/ (scripts/fetch-linux.sh) for the payload. The .deb is cached in
# build/u-boot/ (never committed): a second run with everything present does nothing.
# Needs root for apt-get on a fresh machine (like scripts/deps.sh); never prompts.
set -euo pipefail

cd "$(dirname "$0")/.."
. scripts/apt.sh
OUT=build/u-boot
LINUX=build/linux
mkdir -p "$OUT"

if [ -s "$OUT/u-boot.bin" ] && [ -s "$OUT/payload.bin" ] && [ -s "$OUT/payload.env" ] &&
	[ "$OUT/payload.bin" -nt "$LINUX/Image" ] &&
	[ "$OUT/payload.bin" -nt "$LINUX/initramfs.cpio.gz" ] && [ "$OUT/payload.bin" -nt "$0" ]; then
	exit 0
fi

if ! ls "$OUT"/u-boot-qemu_*_all.deb >/dev/null 2>&1; then
	apt_run apt-get update -q
	echo "fetch-u-boot: downloading u-boot-qemu"
	# apt-get download writes into the current directory; as root it warns that the
	# _apt user cannot write there, which is harmless.
	(cd "$OUT" && apt_run apt-get download u-boot-qemu)
fi
deb=$(ls "$OUT"/u-boot-qemu_*_all.deb | sort -V | tail -n 1)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/u"
cp "$tmp/u/usr/lib/u-boot/qemu_arm64/u-boot.bin" "$OUT/u-boot.bin.new"
mv "$OUT/u-boot.bin.new" "$OUT/u-boot.bin"
basename "$deb" >"$OUT/VERSION"

if [ ! -s "$LINUX/Image" ] || [ ! -s "$LINUX/initramfs.cpio.gz" ]; then
	echo "fetch-u-boot: $LINUX/Image or initramfs missing: run scripts/fetch-linux.sh first" >&2
	exit 1
fi
# arm64 Image header (Documentation/arch/arm64/booting.rst): image_size, le64 at 16.
# booti runs the kernel in place when it sits at a 2 MiB boundary + text_offset, and the
# kernel occupies image_size bytes from there: the initramfs must start beyond that.
image_size=$(od -An -t u8 -j 16 -N 8 "$LINUX/Image" | tr -d ' ')
file_size=$(stat -c %s "$LINUX/Image")
[ "$image_size" -ge "$file_size" ] || image_size=$file_size
mib2=$((2 * 1024 * 1024))
off=$(((image_size + mib2 - 1) / mib2 * mib2))
rd_size=$(stat -c %s "$LINUX/initramfs.cpio.gz")
{
	cat "$LINUX/Image"
	head -c $((off - file_size)) /dev/zero
	cat "$LINUX/initramfs.cpio.gz"
} >"$OUT/payload.bin.new"
printf 'INITRD_OFFSET=0x%x\nINITRD_SIZE=0x%x\n' "$off" "$rd_size" >"$OUT/payload.env"
mv "$OUT/payload.bin.new" "$OUT/payload.bin"
echo "fetch-u-boot: $OUT/u-boot.bin ($(cat "$OUT/VERSION")), $OUT/payload.bin (initramfs at +0x$(printf %x "$off"))"
