#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Start-to-exit wall time of `synvmm run hello.elf` (benchmark suite bench-kvm).

    startup.py [--runs N] SYNVMM HELLO_ELF

Runs, interleaved, N times each (default 20):
  run      SYNVMM run HELLO_ELF   (process start, VM built, guest to DONE, exit)
  version  SYNVMM --version       (process start and exit with no VM: the floor)
and prints min / median / max in ms for both, the medians' difference (what
the VM costs) and the ratio run / version x100. Every run must exit 0, and
`run` must print the guest's greeting, or the benchmark fails (exit 1).
Exit 77 (with the reason) when the KVM device is missing, like
tests/kvm/run-guest.sh. Python 3 standard library only.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

GREETING = b"hello from synvmm guest"


def timed(cmd):
    """Wall time in ns of one run of cmd, its exit status and its output."""
    t0 = time.perf_counter_ns()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, check=False)
    t1 = time.perf_counter_ns()
    return t1 - t0, p.returncode, p.stdout


def ms(ns):
    return ns / 1e6


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("synvmm")
    ap.add_argument("hello_elf")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    kvm = os.environ.get("SYNVMM_KVM_DEVICE", "/dev/kvm")
    if not os.path.exists(kvm):
        print(f"SKIP: {kvm} does not exist on this host; the bench-kvm suite "
              "runs in the nested lab (tests/lab/lab-run)")
        return 77

    cmds = {
        "run": [args.synvmm, "run", "--timeout", "60", args.hello_elf],
        "version": [args.synvmm, "--version"],
    }
    for name, cmd in cmds.items():
        print(f"{name}: $ {' '.join(cmd)}")
    print(f"{args.runs} runs each, interleaved; wall time from before fork to after wait")

    # One unmeasured run of each: page cache, dynamic loader.
    times = {name: [] for name in cmds}
    for i in range(args.runs + 1):
        for name, cmd in cmds.items():
            ns, rc, out = timed(cmd)
            if rc != 0 or (name == "run" and GREETING not in out):
                sys.stdout.write(out.decode(errors="replace"))
                print(f"FAIL: {name} run {i}: exit status {rc}"
                      + ("" if rc != 0 else f", no line '{GREETING.decode()}'"))
                return 1
            if i > 0:
                times[name].append(ns)

    med = {}
    for name, t in times.items():
        med[name] = statistics.median(t)
        print(f"{name:8s} min {ms(min(t)):8.2f} ms  median {ms(med[name]):8.2f} ms  "
              f"max {ms(max(t)):8.2f} ms")
    print(f"VALUE startup_runs = {args.runs}")
    print(f"VALUE hello_run_median_us = {round(med['run'] / 1e3)}")
    print(f"VALUE version_median_us = {round(med['version'] / 1e3)}")
    print(f"VALUE vm_cost_median_us = {round((med['run'] - med['version']) / 1e3)}")
    print(f"VALUE hello_run_vs_version_x100 = {round(med['run'] * 100 / med['version'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
