/* SPDX-License-Identifier: MIT */
/*
 * Guest-virtual to guest-physical translation in user space, from the
 * sync-regs copy of the control registers: no vCPU ioctl (KVM_TRANSLATE
 * costs as much as an exit). Used on rare paths that must read the
 * instruction at RIP.
 */
#ifndef SYNVMM_GVA_H
#define SYNVMM_GVA_H

#include <stdint.h>

#include "guest_ram.h"

struct gva_regs {
	uint64_t cr0, cr3, cr4, efer;
};

/* 0 with *gpa, -EFAULT (not present, or a table outside RAM), or -ENOTSUP
 * (a paging mode not walked here: 32-bit with or without PAE, LA57). */
int gva_to_gpa(const struct guest_ram *ram, const struct gva_regs *r, uint64_t gva,
	       uint64_t *gpa);

#endif
