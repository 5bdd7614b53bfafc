#!/usr/bin/env python3
"""Userspace-side proof that /dev/kvm works inside the lab (run via lab-run).

    tests/lab/lab-run -- python3 tests/lab/kvm-probe.py

Prints the KVM API version, a few Hyper-V capabilities and whether
KVM_CREATE_VM works; exits 0 only if API is 12, SYNIC2 is offered and a VM
can be created.
"""
import fcntl
import os
import sys

KVM_GET_API_VERSION = 0xAE00  # _IO(KVMIO, 0x00)
KVM_CREATE_VM = 0xAE01        # _IO(KVMIO, 0x01)
KVM_CHECK_EXTENSION = 0xAE03  # _IO(KVMIO, 0x03)
CAPS = {"HYPERV": 44, "HYPERV_SYNIC": 123, "HYPERV_SYNIC2": 148,
        "HYPERV_EVENTFD": 154, "HYPERV_ENFORCE_CPUID": 199,
        "SYS_HYPERV_CPUID": 191}


def main():
    fd = os.open("/dev/kvm", os.O_RDWR | os.O_CLOEXEC)
    api = fcntl.ioctl(fd, KVM_GET_API_VERSION)
    print("KVM_GET_API_VERSION", api)
    caps = {n: fcntl.ioctl(fd, KVM_CHECK_EXTENSION, c) for n, c in CAPS.items()}
    for name, val in caps.items():
        print(f"KVM_CAP_{name} = {val}")
    vm = fcntl.ioctl(fd, KVM_CREATE_VM, 0)
    print("KVM_CREATE_VM ok, fd", vm)
    os.close(vm)
    return 0 if api == 12 and caps["HYPERV_SYNIC2"] > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
