#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates the generated seed corpora under tests/fuzz/corpus/ (vgic, vpl011,
hypercall, image, pack, virtio). The fdt and config seeds are DTBs compiled with dtc from
tests/configs, configs/ and tests/system/configs (see docs/SECURITY.md).
Deterministic: running it twice writes the same bytes. Run from the repo root."""
import hashlib
import os
import struct
import subprocess

C = "tests/fuzz/corpus"


def put(corpus, name, data):
    os.makedirs(f"{C}/{corpus}", exist_ok=True)
    assert len(data) < 64 * 1024, name
    with open(f"{C}/{corpus}/{name}", "wb") as f:
        f.write(data)


# ---- vgic: ops as decoded by fuzz_vgic.c step() ----
DR, DW, RR, RW, SGI, RAISE, LEVEL, HWIRQ, TRAP, MAINT, ACK, EOI, QUI, RESET, HWSPI = range(15)


def dw(v, off, val, size=4):
    return bytes([DW, v, {1: 0, 2: 1, 4: 2, 8: 3}[size]]) + struct.pack("<HQ", off, val)


def dr(v, off, size=4):
    return bytes([DR, v, {1: 0, 2: 1, 4: 2, 8: 3}[size]]) + struct.pack("<H", off)


def rw(v, off, val, size=4):
    return bytes([RW, v, {1: 0, 2: 1, 4: 2, 8: 3}[size]]) + struct.pack("<IQ", off, val)


def rr(v, off, size=4):
    return bytes([RR, v, {1: 0, 2: 1, 4: 2, 8: 3}[size]]) + struct.pack("<I", off)


def op(o, v, *rest):
    return bytes([o, v]) + bytes(rest)


enable_dist = dw(0, 0x0, 2)
vgic_seeds = {
    # Group 1 on, SPI 40 (a pass-through) and 48 enabled, routed to vCPU 1, raised, taken, EOIed.
    "spi_route": bytes([4]) + enable_dist + dw(0, 0x104, (1 << 8) | (1 << 16)) +
    dw(0, 0x6000 + 8 * 40, 1, 8) + dw(0, 0x6000 + 8 * 48, 2, 8) +
    op(RAISE, 0, 0, 48, 0) + op(HWSPI, 0, 0) + op(TRAP, 1) + op(ACK, 1) + op(EOI, 1, 0) +
    op(TRAP, 1) + op(ACK, 2) + op(EOI, 2, 0) + op(TRAP, 2),
    # SGIs: enable SGI 0-15 on every redistributor, send with target lists and IRM.
    "sgi": bytes([2]) + enable_dist + b"".join(
        rw(v, v * 0x20000 + 0x10100, 0xffff) + rw(v, v * 0x20000 + 0x14, 0) for v in range(4)) +
    op(SGI, 0) + struct.pack("<Q", (3 << 24) | 0xe) + op(SGI, 1) + struct.pack("<Q", (1 << 40) | (5 << 24)) +
    b"".join(op(TRAP, v) + op(ACK, v) + op(EOI, v, 0) for v in range(4)) +
    op(SGI, 3) + struct.pack("<Q", (1 << 16) | 1) + op(TRAP, 0),
    # Timer PPI 27 as HW interrupt, level SPI 33 (the UART line), priorities, maintenance.
    "ppi_level": bytes([1]) + enable_dist + rw(0, 0x10100, 1 << 27) + rw(0, 0x10400 + 24, 0xa0 << 24) +
    op(HWIRQ, 0, 27, 0) + op(ACK, 0) + dw(0, 0x104, 2) + op(LEVEL, 0, 33, 0, 0, 1) + op(TRAP, 0) +
    op(ACK, 0) + op(MAINT, 0) + op(EOI, 0, 0) + op(EOI, 0, 1) + op(LEVEL, 0, 33, 0, 0, 0) + op(MAINT, 0),
    # Reads of every register block, then a reset and a quiesce.
    "reads": bytes([16]) + b"".join(dr(0, o) for o in (0, 4, 8, 0x80, 0x100, 0x200, 0x300, 0x400,
                                                        0xc00, 0xffe8)) +
    dr(0, 0x6100, 8) + b"".join(rr(1, 0x20000 + o) for o in (0, 8, 0x14, 0xffe8, 0x10080, 0x10100,
                                                               0x10400, 0x10c00)) +
    rr(2, 0x40008, 8) + op(QUI, 1) + op(RESET, 0) + dr(3, 1, 1) + rr(3, 0x7fffc, 4),
    # Overflow: more pending interrupts than list registers.
    "overflow": bytes([1]) + enable_dist + dw(0, 0x104, 0xffffffff) + dw(0, 0x108, 0xffffffff) +
    b"".join(op(RAISE, 0, 0, 32 + i, 0) for i in range(20)) + op(TRAP, 0) +
    b"".join(op(ACK, 0) + op(EOI, 0, 0) + op(MAINT, 0) for i in range(8)),
}
for n, d in vgic_seeds.items():
    put("vgic", n, d)

# ---- vpl011: 0 read, 1 write, 2 rx, 3 irq level, 4 reset ----
def urd(off, size=4):
    return bytes([0, {1: 0, 2: 1, 4: 2, 8: 3}[size]]) + struct.pack("<H", off)


def uwr(off, val, size=4):
    return bytes([1, {1: 0, 2: 1, 4: 2, 8: 3}[size]]) + struct.pack("<HQ", off, val)


put("vpl011", "tx_hello", uwr(0x30, 0x301) + b"".join(uwr(0, c) for c in b"hello\n") + urd(0x18))
put("vpl011", "rx_irq", uwr(0x38, 0x50) + b"".join(bytes([2, c]) for c in b"abc") + bytes([3]) +
    urd(0) + urd(0x3c) + urd(0x40) + urd(0) + urd(0, 1) + urd(0x18) + bytes([3]))
put("vpl011", "overrun", b"".join(bytes([2, i]) for i in range(40)) + urd(4) + uwr(4, 0) +
    uwr(0x44, 0x7ff) + urd(0x3c))
put("vpl011", "loopback_ids", uwr(0x30, 0x381) + uwr(0, 0x41) + urd(0) + urd(0xfe0) + urd(0xff0) +
    urd(0xffc, 1) + uwr(0x2c, 0x70, 1) + urd(0x2d, 2) + urd(0x8, 8) + bytes([4, 0xff]))

# ---- hypercall: nvcpu byte, vCPU states, then calls ----
# call: caller, smc, 0xfe?, fid-sel(0=table)+index, 6 args (kind byte + data), pickup byte
FIDS = ["SMCCC_VERSION", "SMCCC_ARCH_FEATURES", "PSCI_VERSION", "CPU_SUSPEND", "CPU_OFF",
        "CPU_ON_64", "CPU_ON_32", "AFF64", "AFF32", "MIGRATE", "SYSTEM_OFF", "SYSTEM_RESET",
        "PSCI_FEATURES", "HC_VERSION", "HC_FEATURES", "HC_VM_ID", "HC_NOTIFY", "HC_HEARTBEAT",
        "HC_EXIT", "HC_TRACE"]


def small(n):
    return bytes([6 * n])


def in_ram(off):
    return bytes([1]) + struct.pack("<I", off)


def hc(fid, args=(), caller=0, smc=0, pickup=1):
    a = list(args) + [small(0)] * (6 - len(args))
    return bytes([caller, smc, 0, 0, FIDS.index(fid)]) + b"".join(a) + bytes([pickup])


put("hypercall", "psci_cpu_on", bytes([3, 0, 0, 0]) +
    hc("PSCI_VERSION") + hc("CPU_ON_64", [small(1), in_ram(0x1000), small(7)]) +
    hc("CPU_ON_64", [small(1), in_ram(0x1000)]) + hc("AFF64", [small(2)]) +
    hc("CPU_ON_32", [small(2), bytes([2])]) + hc("CPU_ON_64", [small(9), in_ram(0x100)]) +
    hc("CPU_ON_64", [bytes([4, 1, 1]), in_ram(0x100)]) + hc("CPU_OFF", caller=1) +
    hc("SYSTEM_RESET"))
put("hypercall", "features", bytes([0]) + b"".join(
    hc(f, [bytes([3, i])]) for i, f in enumerate(FIDS) if f not in ("CPU_OFF", "SYSTEM_OFF",
                                                                     "SYSTEM_RESET")))
put("hypercall", "tessera_calls", bytes([1, 0]) + hc("HC_VM_ID") + hc("HC_TRACE", [bytes([5]) + b"\x42" * 8]) +
    hc("HC_HEARTBEAT", smc=1) + hc("HC_EXIT", [small(1), small(3)]) + hc("SYSTEM_OFF"))
put("hypercall", "raw_fids", bytes([2, 0]) + b"".join(
    bytes([0, i & 1, 0, 3]) + struct.pack("<I", f) + bytes([5]) + struct.pack("<Q", f) + small(0) * 5 + b"\0"
    for i, f in enumerate([0, 0xffffffff, 0x84000005, 0xc4000012, 0xc6000007, 0xc600ffff, 0x86000000,
                           0xb2000000, 0x80008000]))
    + bytes([0, 0, 0xff]) + struct.pack("<I", 1) + bytes([0, 0]) + small(0) * 6 + b"\0")

# ---- image: mode byte + image ----
def elf(segs, entry, phnum=None, machine=183):
    ph = b""
    data = b""
    off = 64 + 56 * len(segs)
    for vaddr, filesz, memsz in segs:
        ph += struct.pack("<IIQQQQQQ", 1, 5, off, vaddr, vaddr, filesz, memsz, 0x1000)
        data += bytes((i * 7) & 0xff for i in range(filesz))
        off += filesz
    eh = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + struct.pack(
        "<HHIQQQIHHHHHH", 2, machine, 1, entry, 64, 0, 0, 64, 56,
        len(segs) if phnum is None else phnum, 0, 0, 0)
    return eh + ph + data


def linux(text_offset=0x80000, size=0x200000, body=256):
    h = struct.pack("<IIQQQQQQQII", 0x14000000, 0, text_offset, size, 0xa, 0, 0, 0,
                    0, 0x644d5241, 0)
    return h + bytes(body)


put("image", "elf_two_segs", bytes([0]) + elf([(0x40080000, 0x200, 0x200), (0x40090000, 0x40, 0x4000)], 0x40080000))
put("image", "elf_forced", bytes([1 | 4 | 8 | 16]) + elf([(0x40080000, 0x100, 0x100)], 0x40080010))
put("image", "elf_bad_machine", bytes([0]) + elf([(0x40080000, 0x10, 0x10)], 0x40080000, machine=62))
put("image", "linux", bytes([0]) + linux())
put("image", "linux_forced_old", bytes([3 | 8 | 32]) + linux(text_offset=0, size=0))
put("image", "raw_load", bytes([2 | 4 | 8 | 16 | 32]) + bytes(range(256)) * 4)
put("image", "raw_default", bytes([0]) + b"\x1f\x20\x03\xd5" * 64)

# ---- pack: header + entries, data 4 KiB-aligned ----
def pack(entries, config_name=b"good.dts", version=1):
    n = len(entries)
    table_end = 88 + 176 * n
    off = (table_end + 4095) & ~4095
    table = b""
    blob = b""
    for name, data in entries:
        table += name.ljust(120, b"\0") + struct.pack("<IIQQ", 0, 0, off + len(blob), len(data)) + \
            hashlib.sha256(data).digest()
        blob += data + bytes((-len(data)) % 4096)
    total = off + len(blob)
    head = b"TESSPACK" + struct.pack("<IIQ", version, n, total) + config_name.ljust(64, b"\0")
    out = head + table
    return out + bytes(off - len(out)) + blob


def dtb(path):
    return subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", path], check=True,
                          capture_output=True).stdout


good = dtb("tests/configs/good.dts")
with open("tests/configs/dummy.bin", "rb") as f:
    dummy = f.read()
put("pack", "good", pack([(b"config.dtb", good), (b"dummy.bin", dummy)]))
put("pack", "demo_elf", pack([(b"config.dtb", dtb("configs/demo.dts")),
                              (b"hello.elf", elf([(0x40080000, 0x80, 0x1000)], 0x40080000))]))
put("pack", "empty_entry", pack([(b"config.dtb", good), (b"dummy.bin", b"")]))

# ---- virtio: ops as decoded by fuzz_virtio.c (opcode | vm << 7, then operands) ----
V_WRITE, V_READ, V_POKE, V_DESC, V_POST, V_AVAIL, V_NOTIFY, V_INIT, V_RESET, V_ACK = range(10)
V_REGS = ["MAGIC", "VERSION", "DEVICE_ID", "VENDOR_ID", "DEVICE_FEATURES", "DEVICE_FEAT_SEL",
          "DRIVER_FEATURES", "DRIVER_FEAT_SEL", "QUEUE_SEL", "QUEUE_NUM_MAX", "QUEUE_NUM",
          "QUEUE_READY", "QUEUE_NOTIFY", "INTERRUPT_STATUS", "INTERRUPT_ACK", "STATUS",
          "QUEUE_DESC_LOW", "QUEUE_DESC_HIGH", "QUEUE_DRIVER_LOW", "QUEUE_DRIVER_HIGH",
          "QUEUE_DEVICE_LOW", "QUEUE_DEVICE_HIGH", "CONFIG_GEN", "CONFIG"]
V_RAM = 0x40000000
F_NEXT, F_WRITE, F_INDIRECT = 1, 2, 4


def vop(o, vm):
    return bytes([o | (vm << 7)])


def vwr(vm, reg, val):
    return vop(V_WRITE, vm) + bytes([V_REGS.index(reg), 3]) + struct.pack("<I", val)


def vrd(vm, reg):
    return vop(V_READ, vm) + bytes([V_REGS.index(reg)])


def vraw(vm, write, off, size, val=0):
    b = vop(V_WRITE if write else V_READ, vm) + bytes([0xff]) + struct.pack("<H", off) + \
        bytes([{1: 0, 2: 1, 4: 2, 8: 3}[size]])
    return b + (bytes([3]) + struct.pack("<I", val) if write else b"")


def vpoke(vm, off, data):
    assert 1 <= len(data) <= 64
    return vop(V_POKE, vm) + struct.pack("<HB", off, len(data) - 1) + data


def vaddr(a):
    if V_RAM <= a < V_RAM + 0x4000:
        return bytes([0]) + struct.pack("<H", a - V_RAM)
    return bytes([3]) + struct.pack("<Q", a & (2**64 - 1))


def vlen(n):
    return bytes([3]) + struct.pack("<I", n)


def vdesc(vm, q, i, addr, length, flags=0, nxt=0):
    return vop(V_DESC, vm) + bytes([q, i]) + vaddr(addr) + vlen(length) + bytes([flags, nxt])


def vpost(vm, q, head):
    if head < 0x80:
        return vop(V_POST, vm) + bytes([q, head])
    return vop(V_POST, vm) + bytes([q, 0x80]) + struct.pack("<H", head)


def vavail(vm, q, idx):
    return vop(V_AVAIL, vm) + bytes([q, 1]) + struct.pack("<H", idx)


def vnotify(vm, q):
    return vop(V_NOTIFY, vm) + bytes([q])


# Queue q: descriptors at 0x1000 + 0x1000*q, available ring +0x400, used ring +0x800.
def vinit(vm, how=0, nums=(8, 8)):
    b = vop(V_INIT, vm) + bytes([how])
    for q, n in enumerate(nums):
        unit = (0x1000 + 0x1000 * q) // 64
        b += bytes([n.bit_length() - 1, unit, unit + 16, unit + 32])
    return b


def vsend(vm, slot, data, at=0x3800):
    return vpoke(vm, at + slot * 0x100, data) + vdesc(vm, 1, slot, V_RAM + at + slot * 0x100, len(data)) + \
        vpost(vm, 1, slot) + vnotify(vm, 1)


def vrx(vm, n, size=64, at=0x3000):
    return b"".join(vdesc(vm, 0, i, V_RAM + at + i * size, size, F_WRITE) + vpost(vm, 0, i)
                    for i in range(n)) + vnotify(vm, 0)


both = vinit(0) + vinit(1)
virtio_seeds = {
    # A valid exchange both ways, with ids, features and interrupt acks.
    "exchange": vrd(0, "MAGIC") + vrd(0, "VERSION") + vrd(0, "DEVICE_ID") + vwr(0, "DEVICE_FEAT_SEL", 1) +
    vrd(0, "DEVICE_FEATURES") + both + vrx(1, 4) + vsend(0, 0, b"PING 1") + vrd(1, "INTERRUPT_STATUS") +
    vwr(1, "INTERRUPT_ACK", 1) + vsend(1, 0, b"PONG 1") + vrx(0, 2) + vwr(0, "INTERRUPT_ACK", 3) +
    vraw(0, False, 0x100, 4) + vrd(0, "STATUS"),
    # Back-pressure: more than the link holds, then the receiver posts buffers.
    # (3 x 4 KiB sent, VLINK_BUF = 4 KiB: the last buffers wait in the sender's queue.)
    "backpressure": both + b"".join(vsend(0, i, bytes([0x41 + i]) * 64) for i in range(3)) +
    b"".join(vdesc(0, 1, 3 + i, V_RAM, 0x1000) + vpost(0, 1, 3 + i) + vnotify(0, 1) for i in range(3)) +
    vrx(1, 8, 0x100, 0x2c00) + vrx(1, 8, 0x100, 0x2c00) + vrx(1, 8, 0x100, 0x2c00) + vrx(1, 8, 0x100, 0x2c00),
    # Chained transmit buffer (readable, readable) and receive chain (writable x2).
    "chains": both + vpoke(0, 0x3800, b"hello, world") + vdesc(0, 1, 0, V_RAM + 0x3800, 5, F_NEXT, 3) +
    vdesc(0, 1, 3, V_RAM + 0x3805, 7) + vpost(0, 1, 0) + vnotify(0, 1) +
    vdesc(1, 0, 2, V_RAM + 0x3000, 4, F_WRITE | F_NEXT, 6) + vdesc(1, 0, 6, V_RAM + 0x3100, 64, F_WRITE) +
    vpost(1, 0, 2) + vnotify(1, 0),
    # A descriptor chain that loops (0 -> 1 -> 0), then recovery by reset.
    "loop_chain": both + vrx(1, 2) + vdesc(0, 1, 0, V_RAM + 0x3800, 4, F_NEXT, 1) +
    vdesc(0, 1, 1, V_RAM + 0x3800, 4, F_NEXT, 0) + vpost(0, 1, 0) + vnotify(0, 1) + vrd(0, "STATUS") +
    vnotify(0, 1) + vwr(0, "STATUS", 0xf) + vinit(0) + vsend(0, 0, b"again"),
    # Chain longer than the queue: every descriptor of a 4-entry queue, then next = 4.
    "chain_too_long": vinit(0, nums=(4, 4)) + vinit(1) + vrx(1, 1) +
    b"".join(vdesc(0, 1, i, V_RAM + 0x3800, 1, F_NEXT, (i + 1) % 4) for i in range(4)) + vpost(0, 1, 0) +
    vnotify(0, 1) + vinit(0, nums=(4, 4)) + vdesc(0, 1, 3, V_RAM + 0x3800, 1, F_NEXT, 4) + vpost(0, 1, 3) +
    vnotify(0, 1) + vinit(0, nums=(4, 4)) + vpost(0, 1, 200) + vnotify(0, 1),
    # Buffers outside RAM: below it, straddling its end, far away; a queue area outside.
    "desc_outside_ram": both + vdesc(0, 1, 0, 0x1000, 4) + vpost(0, 1, 0) + vnotify(0, 1) + vinit(0) +
    vdesc(0, 1, 0, V_RAM + 0x4000 - 2, 4) + vpost(0, 1, 0) + vnotify(0, 1) + vinit(1) +
    vdesc(1, 0, 0, V_RAM + 0x4000, 1, F_WRITE) + vpost(1, 0, 0) + vnotify(1, 0) + vinit(1) +
    vwr(1, "QUEUE_SEL", 0) + vwr(1, "QUEUE_READY", 0) + vwr(1, "QUEUE_DESC_LOW", 0x3fffff00) +
    vwr(1, "QUEUE_READY", 1) + vrd(1, "STATUS"),
    # Length overflow: address + length wraps; lengths summing past 4 GiB; huge buffer.
    "len_overflow": both + vdesc(0, 1, 0, 0xfffffffffffffff0, 0x20) + vpost(0, 1, 0) + vnotify(0, 1) +
    vinit(0) + b"".join(vdesc(0, 1, i, V_RAM, 0x80000000, F_NEXT if i < 7 else 0, i + 1) for i in range(8)) +
    vpost(0, 1, 0) + vnotify(0, 1) + vinit(1) + vdesc(1, 0, 0, V_RAM + 0x10, 0xffffffff, F_WRITE) +
    vpost(1, 0, 0) + vnotify(1, 0),
    # Use before FEATURES_OK: DRIVER_OK without it, notify before DRIVER_OK, features refused.
    "before_features_ok": vinit(0, how=1) + vrd(0, "STATUS") + vnotify(0, 1) + vinit(0, how=2 | 1) +
    vnotify(0, 0) + vinit(0, how=0x20) + vrd(0, "STATUS") + vinit(1, how=0x40) + struct.pack("<I", 1 << 28) +
    vwr(1, "STATUS", 0) + vwr(1, "STATUS", 3) + vrx(1, 1) + vwr(1, "DRIVER_FEATURES", 1),
    # Other rule breaks: indirect, readable after writable, available index jump, bad queue sizes,
    # layout written while ready, status bits cleared, notify of a missing queue.
    "rule_breaks": both + vdesc(0, 1, 0, V_RAM + 0x3800, 32, F_INDIRECT) + vpost(0, 1, 0) + vnotify(0, 1) +
    vinit(0) + vdesc(0, 1, 0, V_RAM + 0x3800, 4, F_WRITE | F_NEXT, 1) + vdesc(0, 1, 1, V_RAM + 0x3800, 4) +
    vpost(0, 1, 0) + vnotify(0, 1) + vinit(0) + vavail(0, 1, 9) + vnotify(0, 1) + vinit(0, nums=(3, 8)) +
    vinit(0, nums=(128, 8)) + vinit(0) + vwr(0, "QUEUE_DESC_LOW", 0) + vinit(0) + vwr(0, "STATUS", 1) +
    vinit(0) + vwr(0, "QUEUE_NOTIFY", 7) + vraw(0, True, 0x70, 2, 0) + vraw(0, False, 0x1fe, 4) +
    vraw(0, False, 0x1fc, 8),
    # Resets in the middle of a transfer: VM reset from outside, queue stopped, rings as buffers.
    "resets": both + vsend(0, 0, b"x" * 64) + vop(V_RESET, 1) + vinit(1) + vrx(1, 1, 16) + vrx(1, 2, 16) +
    vwr(0, "QUEUE_SEL", 1) + vwr(0, "QUEUE_READY", 0) + vinit(0) + vdesc(1, 0, 0, V_RAM + 0x1400, 64, F_WRITE) +
    vpost(1, 0, 0) + vsend(0, 1, b"ring") + vnotify(1, 0) + vop(V_RESET, 0) + vop(V_ACK, 1) + bytes([3]),
}


# The net link: the same ops with bit 6 of the opcode set (fuzz_virtio.c device 1). Its
# queues live at 0xc00..0xe00, below the console's (0x1000..0x2a00); receive buffers at
# 0x0..0xc00, transmit buffers above 0x2c00 (the address is given: big frames need room).
def nop(o, vm):
    return bytes([o | 0x40 | (vm << 7)])


def nsend(vm, slot, data, at):
    return vpoke(vm, at, data[:64]) + nop(V_DESC, vm) + bytes([1, slot]) + vaddr(V_RAM + at) + \
        vlen(len(data)) + bytes([0, 0]) + nop(V_POST, vm) + bytes([1, slot]) + nop(V_NOTIFY, vm) + bytes([1])


def nrx(vm, n, size=0x600, at=0):
    return b"".join(nop(V_DESC, vm) + bytes([0, i]) + vaddr(V_RAM + at + i * size) + vlen(size) +
                    bytes([F_WRITE, 0]) + nop(V_POST, vm) + bytes([0, i]) for i in range(n)) + \
        nop(V_NOTIFY, vm) + bytes([0])


def ninit(vm):
    b = nop(V_INIT, vm) + bytes([0])
    for q in range(2):
        unit = (0xc00 + 0x100 * q) // 64
        b += bytes([3, unit, unit + 2, unit + 3])
    return b


nboth = ninit(0) + ninit(1)
virtio_seeds_net = {
    # Config space and ID reads; frames both ways (header + 60, header + 1518, too short, too
    # long, no receive buffer, a receive buffer too small); a receiver that breaks (buffer
    # straddling the end of its RAM) and recovers; the console link alongside; a VM reset.
    "net_frames": nop(V_READ, 0) + bytes([V_REGS.index("DEVICE_ID")]) +
    nop(V_READ, 0) + bytes([0xff]) + struct.pack("<H", 0x100) + bytes([3]) +
    nop(V_READ, 1) + bytes([0xff]) + struct.pack("<H", 0x106) + bytes([1]) + nboth + both +
    nsend(0, 0, bytes(72), 0x2c00) + nrx(1, 2) +
    nsend(0, 1, bytes(72), 0x2c00) + nsend(0, 2, bytes(12 + 1518), 0x3000) +
    nsend(0, 3, bytes(12 + 13), 0x2c00) + nsend(0, 4, bytes(12 + 1519), 0x3600) +
    nrx(0, 1, 0x40) + nsend(1, 0, bytes(12 + 100), 0x2c00) + nsend(1, 1, bytes(40), 0x2d00) +
    nop(V_DESC, 1) + bytes([0, 0]) + vaddr(V_RAM + 0x3f00) + vlen(0x600) + bytes([F_WRITE, 0]) +
    nop(V_POST, 1) + bytes([0, 0]) + nsend(0, 5, bytes(72), 0x2c00) + ninit(1) + nrx(1, 2) +
    nsend(0, 6, bytes(80), 0x2c00) + vsend(0, 0, b"console too") + nop(V_RESET, 1) +
    nsend(0, 7, bytes(80), 0x2c00),
}
for n, d in virtio_seeds.items():
    put("virtio", n, d)
for n, d in virtio_seeds_net.items():
    put("virtio", n, d)


# ---- ed25519: inputs as decoded by fuzz_ed25519.c (mode byte first) ----
# The RFC 8032 section 7.1 vectors (TEST 1, 2, 3, SHA(abc); TEST 1024 is in the unit test),
# raw and bent: S + L, a flipped sign bit of A; then libsodium-made signatures with each
# mutation, torsion on A and R, and every non-canonical A.
ED_L = 2**252 + 27742317777372353535851937790883648493
ED_RFC = [
    ("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
    ("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
    ("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ("ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
]
for i, (pk, msg, sig) in enumerate(ED_RFC):
    pk, msg, sig = bytes.fromhex(pk), bytes.fromhex(msg), bytes.fromhex(sig)
    put("ed25519", f"rfc{i}", bytes([0]) + pk + sig + msg)
    s = (int.from_bytes(sig[32:], "little") + ED_L).to_bytes(32, "little")
    put("ed25519", f"rfc{i}_s_plus_l", bytes([0]) + pk + sig[:32] + s + msg)
    put("ed25519", f"rfc{i}_a_sign", bytes([0]) + pk[:31] + bytes([pk[31] ^ 0x80]) + sig + msg)
ed_seed = hashlib.sha256(b"tessera ed25519 seed").digest()
put("ed25519", "mut_none", bytes([1]) + ed_seed + bytes([0]) + b"manifest")
for kind in range(5):
    for val in range(7):
        put("ed25519", f"mut_k{kind}_v{val}",
            bytes([1]) + ed_seed + bytes([1, kind, val, val * 37 + 1]) + b"manifest")
for ta in range(8):
    for tr in (0, 1, 4):
        for flags in (0, 1, 2):
            put("ed25519", f"torsion_a{ta}_r{tr}_f{flags}",
                bytes([2]) + ed_seed + bytes([ta, tr, flags]) + b"torsion %d" % ta)
# Torsion on A alone is accepted when k = 0 mod 8/gcd: several messages make that likely.
for m in range(16):
    put("ed25519", f"torsion_a1_m{m}", bytes([2]) + ed_seed + bytes([1, 0, 0]) + b"m%d" % m)
pk0, _, sig0 = ED_RFC[0]
for y in range(19):
    for sign in (0, 1):
        put("ed25519", f"noncanon_y{y}_s{sign}", bytes([3, y, sign]) + bytes.fromhex(sig0))


# ---- pack with a manifest (tessera pack --sign): its layout, a zero signature ----
def manifest(entries, version=1):
    body = b"TESSMANF" + struct.pack("<IIQ", 1, len(entries), version) + bytes(8)
    for name, data in entries:
        body += name.ljust(120, b"\0") + struct.pack("<Q", len(data)) + \
            hashlib.sha256(data).digest()
    return body + bytes(64)


signed_entries = [(b"config.dtb", good), (b"dummy.bin", dummy)]
put("pack", "manifest", pack(signed_entries + [(b"tessera.manifest", manifest(signed_entries))]))


# ---- snapshot: mode byte (bit 0 fix hashes, bit 1 template, bits 2-7 chunk size), then
# the stream, or (template) XOR patches "<HB" (offset, value) to the harness's valid stream
# (fuzz_snapshot.c build_template: header 256, vcpu 0 at 256, its PSTATE at 256+16+24+256) ----
def snap(mode, chunk, patches=()):
    return bytes([mode | ((chunk - 1) << 2)]) + b"".join(struct.pack("<HB", o, v) for o, v in patches)


put("snapshot", "valid", snap(3, 1))
put("snapshot", "valid_chunk64", snap(3, 64))
put("snapshot", "unhashed", snap(2, 64))
put("snapshot", "magic", snap(3, 17, [(0, 0x01)]))
put("snapshot", "format", snap(3, 17, [(8, 0x02)]))
put("snapshot", "vcpus", snap(3, 17, [(20, 0x02)]))
put("snapshot", "region_size", snap(3, 17, [(128 + 10, 0x10)]))
put("snapshot", "pstate_el2", snap(3, 33, [(256 + 16 + 24 + 256, 0x0c)]))
put("snapshot", "vcpu_power", snap(3, 33, [(256 + 16, 0x07)]))
put("snapshot", "section_len", snap(3, 33, [(256 + 8, 0x01)]))
put("snapshot", "section_type", snap(3, 33, [(256, 0x03)]))
put("snapshot", "payload_hash", snap(2, 64, [(256 + 16 + 100, 0x01)]))
put("snapshot", "raw_garbage", bytes([0x80]) + b"TESSNAP\0" + bytes(300))
# The virtio sections (format 2): alpha's console end, then its net end, after health
# (header 256, vcpu 1832, vgic-cpu 184, vgic-dist 2616, uart 152, backlog 48, health 96
# with their section headers and hashes): console payload at 5200, its pending section
# (5 bytes) at 5392, the net end's payload at 5461. Transport part at +48, queue q at
# +80 + 40 q.
V0, V1 = 5200, 5461
put("snapshot", "virtio_format1", snap(3, 17, [(8, 0x03)]))
put("snapshot", "virtio_count", snap(3, 17, [(212, 0x01)]))
put("snapshot", "virtio_version", snap(3, 33, [(V0, 0x02)]))
put("snapshot", "virtio_type", snap(3, 33, [(V0 + 4, 0x02)]))
put("snapshot", "virtio_window", snap(3, 33, [(V0 + 9, 0x10)]))
put("snapshot", "virtio_spi", snap(3, 33, [(V0 + 16, 0x01)]))
put("snapshot", "virtio_pending_count", snap(3, 33, [(V0 + 32, 0x10)]))
put("snapshot", "virtio_tx_off", snap(3, 33, [(V0 + 28, 0x05)]))
put("snapshot", "virtio_status", snap(3, 33, [(V0 + 48, 0x08)]))
put("snapshot", "virtio_isr", snap(3, 33, [(V0 + 52, 0x04)]))
put("snapshot", "virtio_features", snap(3, 33, [(V0 + 76, 0x02)]))
put("snapshot", "virtio_queue_size", snap(3, 33, [(V0 + 80, 0x0B)]))
put("snapshot", "virtio_queue_ready", snap(3, 33, [(V0 + 84, 0x01)]))
put("snapshot", "virtio_queue_outside", snap(3, 33, [(V0 + 80 + 8 + 3, 0x10)]))
put("snapshot", "virtio_queue_beta", snap(3, 33, [(V0 + 80 + 8 + 2, 0x20)]))
put("snapshot", "virtio_queue_misaligned", snap(3, 33, [(V0 + 80 + 16, 0x01)]))
put("snapshot", "virtio_queue_index", snap(3, 33, [(V0 + 80 + 32, 0x01)]))
put("snapshot", "virtio_net_pending", snap(3, 33, [(V1 + 32, 0x01)]))
put("snapshot", "virtio_net_mac", snap(3, 33, [(V1 + 45, 0x01)]))
