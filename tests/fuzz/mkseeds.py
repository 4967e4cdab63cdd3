#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates the generated seed corpora under tests/fuzz/corpus/ (vgic, vpl011,
hypercall, image, pack). The fdt and config seeds are DTBs compiled with dtc from
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
