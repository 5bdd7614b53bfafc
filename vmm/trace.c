// SPDX-License-Identifier: MIT
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

unsigned int trace_flags;

static const struct {
	const char *word;
	unsigned int flag;
} trace_table[] = {
	{ "io", TRACE_IO },
	{ "mmio", TRACE_MMIO },
	{ "exits", TRACE_EXITS },
	{ "guest", TRACE_GUEST },
	{ "msr", TRACE_MSR },
	{ "hyperv", TRACE_HYPERV },
	{ "apic", TRACE_APIC },
	{ "all", TRACE_ALL },
};

const char *trace_words(void)
{
	return "io,mmio,exits,guest,msr,hyperv,apic,all";
}

static int trace_word(const char *w, size_t n, unsigned int *flags)
{
	for (size_t i = 0; i < sizeof(trace_table) / sizeof(trace_table[0]); i++) {
		if (strlen(trace_table[i].word) == n && !strncmp(trace_table[i].word, w, n)) {
			*flags |= trace_table[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}

int trace_parse(const char *list, unsigned int *flags, const char **bad)
{
	unsigned int f = 0;
	const char *p = list;

	for (;;) {
		size_t n = strcspn(p, ",");

		if (trace_word(p, n, &f) < 0) {
			*bad = p;
			return -EINVAL;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	*flags = f;
	return 0;
}

void trace_printf(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One fprintf per line, so lines from vCPU threads never interleave. */
	fprintf(stderr, "trace: %s\n", line);
}
