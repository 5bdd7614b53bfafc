// SPDX-License-Identifier: MIT
/*
 * Hosted TAP test of the guest formatter: every case is checked against the
 * host libc's snprintf (same format, same arguments), plus a few cases of
 * its own (truncation, unknown conversions).
 */
#include "guest_printf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tests, failures;

static void check(const char *name, const char *got, int got_n,
		  const char *want, int want_n)
{
	bool ok = strcmp(got, want) == 0 && got_n == want_n;

	tests++;
	if (!ok)
		failures++;
	printf("%s %d - %s\n", ok ? "ok" : "not ok", tests, name);
	if (!ok)
		printf("# got \"%s\" (%d), want \"%s\" (%d)\n", got, got_n, want, want_n);
}

/* No format attribute: lets the test pass formats C leaves undefined. */
static int raw(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = guest_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Formats with both and compares. */
#define SAME(...)                                                            \
	do {                                                                 \
		char g[256], w[256];                                         \
		int gn = guest_snprintf(g, sizeof(g), __VA_ARGS__);          \
		int wn = snprintf(w, sizeof(w), __VA_ARGS__);                \
		check(#__VA_ARGS__, g, gn, w, wn);                           \
	} while (0)

int main(void)
{
	char small[6];
	int n;

	SAME("plain text");
	SAME("%d %i %u", 42, -42, 42u);
	SAME("%d %d", 2147483647, -2147483647 - 1);
	SAME("%u", 4294967295u);
	SAME("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0755u);
	SAME("%#x %#X %#o %#x %#o", 255u, 255u, 8u, 0u, 0u);
	SAME("%lx %lu %ld", 0xffffffffffffffffUL, 18446744073709551615UL, -1L);
	SAME("%llx %llu %lld", 0x123456789abcdefULL, 1ULL << 63, (-9223372036854775807LL - 1));
	SAME("%zu %zx", (size_t)12345, (size_t)0xabc);
	SAME("%hd %hu %hhd %hhu", -2, 65535, -3, 255);
	SAME("[%8d] [%-8d] [%08d] [%+d] [% d]", 123, 123, -123, 5, 5);
	SAME("[%8x] [%-8x] [%08x] [%#010x]", 0xabu, 0xabu, 0xabu, 0xabu);
	SAME("[%016llx] [%016lx]", 0x1ULL, 0xfedcba9876543210UL);
	SAME("[%.3d] [%8.3d] [%-8.3d] [%.0d] [%5.0d]", 7, -7, 7, 0, 0);
	SAME("[%s] [%10s] [%-10s] [%.3s] [%10.2s]", "abc", "abc", "abc", "abcdef", "abcdef");
	SAME("[%c] [%3c] [%-3c]", 'x', 'y', 'z');
	SAME("100%% [%%]");
	SAME("[%*d] [%-*d] [%.*s]", 6, 42, 6, 42, 2, "xyz");
	SAME("%p", (void *)0x100000);
	SAME("%p", (void *)0xffffffff80000000UL);
	SAME("%s", "");

	/* Truncation: C99 return value, NUL-terminated, size 0 writes nothing. */
	n = guest_snprintf(small, sizeof(small), "%s", "0123456789");
	check("truncate to 5 chars", small, n, "01234", 10);
	small[0] = 'Q';
	n = guest_snprintf(small, 0, "%d", 12345);
	check("size 0 writes nothing", small[0] == 'Q' ? "Q" : "?", n, "Q", 5);
	n = guest_snprintf(small, 1, "%d", 12345);
	check("size 1 is only the NUL", small, n, "", 5);

	/* Own behaviour where C leaves it undefined. */
	{
		char g[64];

		n = raw(g, sizeof(g), "%s", (const char *)NULL);
		check("NULL string", g, n, "(null)", 6);
		n = raw(g, sizeof(g), "a%");
		check("lone trailing percent", g, n, "a%", 2);
		n = raw(g, sizeof(g), "%q%d", 1);
		check("unknown conversion copied", g, n, "%q1", 3);
	}

	printf("1..%d\n", tests);
	return failures ? 1 : 0;
}
