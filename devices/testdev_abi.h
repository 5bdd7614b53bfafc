/* SPDX-License-Identifier: MIT */
/*
 * The contract between a synvmm test guest and the VMM: the test device's
 * port and message layout, and the boot-info block the VMM hands the boot
 * vCPU. Included by freestanding guest code and by the VMM, so it uses only
 * fixed-width types and no libc.
 *
 * Modelled on the KVM selftests' ucall: the guest formats every message
 * itself (a pointer into guest memory means nothing to the host), fills a
 * struct testdev_msg in its own memory and writes the struct's guest-physical
 * address with one 32-bit OUT to TESTDEV_PORT. The VMM copies the struct out,
 * checks it, and acts. DONE, FAIL, ASSERT, EXCEPTION and SKIP end the run by
 * themselves; no test can forget to stop.
 */
#ifndef SYNVMM_TESTDEV_ABI_H
#define SYNVMM_TESTDEV_ABI_H

#include <stdint.h>

#define TESTDEV_PORT 0x2000 /* 32-bit OUT of the message GPA (below 4 GiB) */
#define TESTDEV_MAGIC 0x54534456u /* "VDST" */

enum testdev_kind {
	TESTDEV_PASS = 1,      /* one check passed: msg names it, run goes on */
	TESTDEV_FAIL = 2,      /* the guest failed: msg says why; terminal, exit 1 */
	TESTDEV_ASSERT = 3,    /* GUEST_ASSERT failed: file, line, msg, a, b; terminal, exit 1 */
	TESTDEV_SKIP = 4,      /* the guest cannot test here: msg says why; terminal, exit 77 */
	TESTDEV_DONE = 5,      /* the guest finished and passed; terminal, exit 0 */
	TESTDEV_EXCEPTION = 6, /* unexpected exception: a = vector, b = error code, c = RIP; terminal, exit 1 */
	TESTDEV_SYNC = 7,      /* progress marker: a = stage; traced, run goes on */
	TESTDEV_VALUE = 8,     /* a named measurement: msg = name, a = value; printed, run goes on */
};

#define TESTDEV_FILE_LEN 64
#define TESTDEV_MSG_LEN 192

struct testdev_msg {
	uint32_t magic;   /* TESTDEV_MAGIC */
	uint32_t kind;    /* enum testdev_kind */
	uint32_t vp;      /* the reporting VP's index */
	uint32_t line;    /* source line, for ASSERT */
	uint64_t a, b, c; /* kind-specific values */
	char file[TESTDEV_FILE_LEN]; /* NUL-terminated, may be truncated */
	char msg[TESTDEV_MSG_LEN];   /* NUL-terminated, may be truncated */
};

_Static_assert(sizeof(struct testdev_msg) == 40 + TESTDEV_FILE_LEN + TESTDEV_MSG_LEN,
	       "testdev_msg has no padding");

/*
 * Boot-info block. The VMM places it in guest memory and starts the boot
 * vCPU (VP 0) in 64-bit long mode at the ELF's e_entry with
 *   RDI = guest-physical (= virtual, identity-mapped) address of this block,
 *   RSI = 0 (the VP index),
 *   RSP = 0 (the guest runtime sets up its own per-VP stack),
 *   RFLAGS = 0x2 (interrupts off).
 * The other vCPUs wait for INIT/SIPI, as on hardware, and start in real
 * mode at the SIPI page; the guest runtime's trampoline (guest/lib/smpboot.S)
 * brings them to the same entry with RSI = their VP index (= APIC ID).
 */
#define BOOTINFO_MAGIC 0x4f464e4953564d4dull /* "MMVSINFO" */
#define BOOTINFO_CMDLINE_MAX 1024

struct bootinfo {
	uint64_t magic;        /* BOOTINFO_MAGIC */
	uint32_t version;      /* 1 */
	uint32_t nr_cpus;      /* number of vCPUs started */
	uint64_t ram_size;     /* bytes of RAM from GPA 0 */
	uint64_t cmdline_gpa;  /* NUL-terminated command line (--append) */
	uint32_t cmdline_len;  /* without the NUL */
	uint32_t reserved;
};

/* Guest-physical layout the VMM owns; a guest ELF may not load here. */
#define GUEST_RESERVED_START 0x1000ull
#define GUEST_RESERVED_END 0x40000ull /* exclusive */
#define GUEST_LOAD_MIN 0x100000ull     /* the guest linker script starts at 1 MiB */
#define GUEST_APIC_BASE 0xfee00000ull

#endif
