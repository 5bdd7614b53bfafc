/* SPDX-License-Identifier: MIT */
/*
 * The Hyper-V options of the command line: --port, --connection and
 * --privileges. Syntax and ranges are checked here, so a typo is one clear
 * line before anything runs; what only the SynIC model can judge (an id in
 * use, a connection naming no port) is checked when the partition is built.
 */
#ifndef SYNVMM_HV_OPTIONS_H
#define SYNVMM_HV_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* What a normal guest partition gets: everything synvmm implements. */
uint64_t hv_default_privileges(void);
/* 0 or -EINVAL with err (no "synvmm:" prefix, names the option). */
int hv_parse_port(const char *arg, struct vmm_config *cfg, char *err, size_t errlen);
int hv_parse_connection(const char *arg, struct vmm_config *cfg, char *err, size_t errlen);
int hv_parse_privileges(const char *arg, uint64_t *mask, char *err, size_t errlen);
/* "signal-events,vp-index,..." for --verbose. */
void hv_format_privileges(uint64_t mask, char *buf, size_t size);

#endif
