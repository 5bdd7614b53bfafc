/* SPDX-License-Identifier: MIT */
/* `synvmm info`: what this host's KVM offers that synvmm uses. */
#ifndef SYNVMM_INFO_H
#define SYNVMM_INFO_H

#include <stdio.h>

/* An exit code: 0, or 77 when there is no KVM device. */
int info_print(FILE *out, const char *kvm_path);

#endif
