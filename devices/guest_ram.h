/* SPDX-License-Identifier: MIT */
/*
 * Guest RAM as devices see it: one host mapping of GPA [0, size). Every
 * guest-supplied address goes through guest_ram_ptr(), which refuses ranges
 * that leave RAM or wrap, so a hostile GPA can never reach host memory.
 */
#ifndef SYNVMM_GUEST_RAM_H
#define SYNVMM_GUEST_RAM_H

#include <stddef.h>
#include <stdint.h>

struct guest_ram {
	uint8_t *host;
	uint64_t size;
};

static inline void *guest_ram_ptr(const struct guest_ram *ram, uint64_t gpa,
				  uint64_t len)
{
	if (gpa > ram->size || len > ram->size - gpa)
		return NULL;
	return ram->host + gpa;
}

#endif
