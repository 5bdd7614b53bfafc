/* SPDX-License-Identifier: MIT */
/*
 * The one-line error of a refused user input (an option, a config value, a
 * guest image): formatted into the caller's buffer, and the -errno the
 * caller returns, in one expression: `return errfmt(-EINVAL, err, len, ...)`.
 */
#ifndef SYNVMM_ERRFMT_H
#define SYNVMM_ERRFMT_H

#include <stddef.h>

int errfmt(int code, char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
