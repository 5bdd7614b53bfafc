/* SPDX-License-Identifier: MIT */
/* --trace: one line per event on stderr, by category. */
#ifndef SYNVMM_TRACE_H
#define SYNVMM_TRACE_H

#include <stdbool.h>

enum trace_flag {
	TRACE_IO = 1u << 0,    /* port I/O, claimed or not */
	TRACE_MMIO = 1u << 1,  /* MMIO accesses */
	TRACE_EXITS = 1u << 2, /* every KVM exit */
	TRACE_GUEST = 1u << 3, /* test-device SYNC lines */
	TRACE_MSR = 1u << 4,   /* MSR exits */
	TRACE_HYPERV = 1u << 5, /* hypercalls, SINTs, rejected guest values */
	TRACE_APIC = 1u << 6,  /* interrupt injection, EOI, IPIs */
	TRACE_ALL = TRACE_IO | TRACE_MMIO | TRACE_EXITS | TRACE_GUEST | TRACE_MSR | TRACE_HYPERV |
		    TRACE_APIC,
};

/* Parses "io,exits,..." or "all"; 0 or -EINVAL with *bad set to the word. */
int trace_parse(const char *list, unsigned int *flags, const char **bad);
/* The accepted words, comma-separated, for --help and errors. */
const char *trace_words(void);

extern unsigned int trace_flags;

static inline bool trace_on(unsigned int flag)
{
	return trace_flags & flag;
}

void trace_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
