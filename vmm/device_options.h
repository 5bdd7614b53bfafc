/* SPDX-License-Identifier: MIT */
/*
 * --device NAME[,KEY=VALUE...] (QEMU's -device): the optional devices a
 * guest can ask for. One table row per device type: its name, its
 * properties and their defaults; an unknown name or property is one line
 * naming the known ones. Ranges are checked here; whether the ports are
 * free is checked when the machine registers the device.
 */
#ifndef SYNVMM_DEVICE_OPTIONS_H
#define SYNVMM_DEVICE_OPTIONS_H

#include <stddef.h>

#include "config.h"

/* 0 or -EINVAL with err (no "synvmm:" prefix, names the option). */
int dev_parse_option(const char *arg, struct vmm_config *cfg, char *err, size_t errlen);
/* " --device isa-debug-exit,iobase=0xf4,iosize=0x4" for each, for --verbose. */
void dev_format_options(const struct vmm_config *cfg, char *buf, size_t size);
/* "isa-debug-exit, ..." */
const char *dev_known_names(void);

#endif
