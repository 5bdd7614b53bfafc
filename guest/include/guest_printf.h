/* SPDX-License-Identifier: MIT */
/*
 * The guest's formatter. Freestanding, no allocation, no floating point, so
 * it also builds hosted for tests/test_printf.c.
 *
 * Conversions: d i u x X o c s p %. Flags: - 0 # + space. Width and
 * precision, also as '*'. Length modifiers: hh h l ll z t j.
 */
#ifndef SYNVMM_GUEST_PRINTF_H
#define SYNVMM_GUEST_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Called for every produced character. */
typedef void (*guest_putc_fn)(void *ctx, char c);

/* Format through `out`; returns the number of characters produced. */
int guest_vformat(guest_putc_fn out, void *ctx, const char *fmt, va_list ap);

/*
 * C99 semantics: writes at most size-1 characters plus a NUL (when size > 0)
 * and returns the length the full output would have had.
 */
int guest_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__attribute__((format(printf, 3, 4)))
int guest_snprintf(char *buf, size_t size, const char *fmt, ...);

#ifndef GUEST_PRINTF_HOSTED
/* In the guest, the usual names. */
#define snprintf guest_snprintf
#define vsnprintf guest_vsnprintf
#endif

#endif
