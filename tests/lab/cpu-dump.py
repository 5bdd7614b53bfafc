#!/usr/bin/env python3
"""Where the lab's CPUs are when its kernel hangs: asks QEMU's monitor (a
unix socket) for every vCPU's registers and prints one line per CPU with
RIP, RFLAGS, CR3 and, for a kernel address, the nearest text symbol of the
lab kernel (a copy of its /proc/kallsyms that an earlier boot saved; the
lab boots with nokaslr, so the addresses hold across boots).

Usage: cpu-dump.py MONITOR-SOCKET KALLSYMS"""
import bisect
import re
import socket
import sys
import time


def monitor(path, command):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(path)
    out = b""
    s.sendall(command.encode() + b"\n")
    end = time.time() + 5
    while time.time() < end:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        out += chunk
        if out.rstrip().endswith(b"(qemu)") and b"RIP=" in out:
            break
    s.close()
    return out.decode(errors="replace")


def load_map(path):
    addrs, names = [], []
    try:
        with open(path) as f:
            for line in f:
                a, kind, name = line.split()[:3]
                if kind.lower() in "tw":
                    addrs.append(int(a, 16))
                    names.append(name)
    except OSError:
        pass
    order = sorted(range(len(addrs)), key=addrs.__getitem__)
    return [addrs[i] for i in order], [names[i] for i in order]


def symbol(addrs, names, rip):
    i = bisect.bisect_right(addrs, rip) - 1
    if i < 0 or rip - addrs[i] > 0x100000:
        return "?"
    return f"{names[i]}+0x{rip - addrs[i]:x}"


def main(sock, mapfile):
    text = monitor(sock, "info registers -a")
    addrs, names = load_map(mapfile)
    cpu = 0
    for block in re.split(r"\nCPU#", "\n" + text)[1:]:
        rip = re.search(r"RIP=([0-9a-f]+)", block)
        rfl = re.search(r"RFL=([0-9a-f]+)", block)
        cr3 = re.search(r"CR3=([0-9a-f]+)", block)
        hlt = " halted" if re.search(r"HLT=1", block) else ""
        if not rip:
            continue
        r = int(rip.group(1), 16)
        where = symbol(addrs, names, r) if r >= 0xffff800000000000 else "user or guest code"
        print(f"lab: cpu{cpu}: RIP {r:#x} ({where}) RFLAGS {rfl.group(1) if rfl else '?'} "
              f"CR3 {cr3.group(1) if cr3 else '?'}{hlt}")
        cpu += 1
    if cpu == 0:
        print("lab: the QEMU monitor gave no registers")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
