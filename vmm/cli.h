/* SPDX-License-Identifier: MIT */
/* Command-line parsing: argv -> struct vmm_config, and back for --verbose. */
#ifndef SYNVMM_CLI_H
#define SYNVMM_CLI_H

#include <stddef.h>

#include "config.h"

/* 0, or -EINVAL with a one-line reason in err (no "synvmm:" prefix). */
int cli_parse(int argc, char **argv, struct vmm_config *cfg, char *err, size_t errlen);
/* Size with K/M/G/T suffix; a bare number is MiB, as QEMU's -m. */
int cli_parse_size(const char *s, unsigned long long *bytes);
/* The effective configuration as a command that reruns it. */
void cli_format_command(const struct vmm_config *cfg, char *buf, size_t size);
const char *cli_usage(void);

#endif
