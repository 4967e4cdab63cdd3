#!/usr/bin/env bash
# Install the Debian (bookworm) packages Tessera's build and tests need, but only
# the missing ones. Idempotent and silent when everything is already there, so
# `make`, `make test` and .ci/run can call it every time. Never prompts: CI has no
# stdin.
#
# To add a dependency, add one line to NEEDS below: "<check> <package>", where
# <check> is a command name looked up with `command -v`, or an absolute path (a glob
# is allowed) that must exist (for packages that ship no command, e.g. headers).
set -u
. "$(dirname "$0")/apt.sh"

NEEDS=(
	"qemu-system-aarch64 qemu-system-arm"
	"aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu"
	"aarch64-linux-gnu-objcopy binutils-aarch64-linux-gnu"
	"dtc device-tree-compiler"
	"make make"
	"gcc gcc"
	# gcc only recommends libc6-dev, and we install without recommends: the
	# host CLI and the unit tests need the C library headers.
	"/usr/include/stdio.h libc6-dev"
	"clang-format clang-format"
	"cppcheck cppcheck"
	# scripts/lint.sh: lint/clang-tidy (bookworm's clang-tidy is version 14).
	"clang-tidy clang-tidy"
	# tests/fuzz: libFuzzer harnesses need clang and its fuzzer runtime.
	"clang clang"
	"/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-*.a libclang-rt-14-dev"
	# libsodium: the host CLI's keygen and signing (tessera keygen, pack --sign) and the
	# reference the Ed25519 fuzzer checks the hypervisor's verifier against.
	"/usr/include/sodium.h libsodium-dev"
	# zlib: the CRC-32 of the management channel's binary frames in the host tools.
	"/usr/include/zlib.h zlib1g-dev"
	# Debugging a guest or the hypervisor through QEMU's gdbstub (README): the host's
	# gdb cannot read AArch64.
	"gdb-multiarch gdb-multiarch"
	# The web dashboard (make dashboard): its HTTP server library; npm (with Node.js) fetches
	# the page's pinned libraries; tests/system/dashboard.sh drives headless Chromium.
	"/usr/include/microhttpd.h libmicrohttpd-dev"
	"node nodejs"
	"npm npm"
	"chromium chromium"
	"chromedriver chromium-driver"
	"curl curl"
	# tests/system/mgmt.sh validates `ctl --json` output.
	"jq jq"
	# tests/system/vboot.sh turns hex digests into bytes (xxd -r -p); update.sh times with
	# bc; snapshot.sh and trace.sh check files and JSON with python3; gdb.sh and update.sh
	# find QEMU's and gdb's children with pgrep and ps.
	"xxd xxd"
	"bc bc"
	"python3 python3"
	"pgrep procps"
	"ps procps"
	"git git"
	"timeout coreutils"
	"grep grep"
	"sed sed"
	"awk mawk"
	"tee coreutils"
)

missing=()
for entry in "${NEEDS[@]}"; do
	check=${entry%% *}
	pkg=${entry#* }
	case $check in
	/*) compgen -G "$check" >/dev/null && continue ;;
	*) command -v "$check" >/dev/null 2>&1 && continue ;;
	esac
	case " ${missing[*]-} " in
	*" $pkg "*) ;;
	*) missing+=("$pkg") ;;
	esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo -n)
else
	echo "deps: missing packages: ${missing[*]}; not root and no sudo: install them by hand" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
# env, not export: sudo would drop an exported variable.
APT=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get)
if ! apt_run "${APT[@]}" -qq update </dev/null; then
	echo "deps: apt-get update failed" >&2
	exit 1
fi
if ! apt_run "${APT[@]}" install -y -qq --no-install-recommends "${missing[@]}" </dev/null; then
	echo "deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi
exit 0
