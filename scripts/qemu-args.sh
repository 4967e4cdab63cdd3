# Sourced by every script that starts QEMU itself (tools/cmd_run.c builds the same list for
# `tessera run`): exactly the devices we mean. -nodefaults drops the default NIC (whose option
# ROM, efi-virtio.rom, lives in a package we do not install), monitor, display and drives; the
# console is stdio multiplexed with the monitor (Ctrl-A x quits); signal=off sends Ctrl-C to
# the guest. tests/qemu_args.sh checks that no QEMU command line of ours goes without it.
# shellcheck disable=SC2034
QEMU_BASE_ARGS=(-nodefaults -nic none -display none
	-chardev stdio,id=con0,mux=on,signal=off -serial chardev:con0
	-mon chardev=con0,mode=readline)
