/* SPDX-License-Identifier: MIT */
/*
 * Secondary-VP start-up (lib/smp.c, lib/smpboot.S).
 *
 * Only VP 0 starts at e_entry. Before guest_main() it copies a real-mode
 * trampoline to AP_TRAMPOLINE_BASE (free low memory, page-aligned, below
 * 1 MiB), fills its data block, and sends each AP an INIT then STARTUP IPIs
 * with vector AP_TRAMPOLINE_VECTOR through its xAPIC. An AP then runs
 * CS:IP = 0x7000:0000 in real mode: lgdt (the trampoline's own GDT), CR0.PE,
 * far jump to 32-bit, CR4 (PAE...), CR3, EFER.LME, CR0.PG, far jump to
 * 64-bit, RSI = its xAPIC ID, RDI = bootinfo, and jumps to _start: from there
 * on it takes exactly VP 0's path (stack, GDT, TSS, IDT, GS by VP index).
 */
#ifndef SYNVMM_GUEST_SMP_H
#define SYNVMM_GUEST_SMP_H

#define AP_TRAMPOLINE_BASE 0x70000
#define AP_TRAMPOLINE_VECTOR (AP_TRAMPOLINE_BASE >> 12) /* SIPI vector 0x70 */
#define AP_TRAMPOLINE_MAX 0x1000                       /* one page */

/* Offsets in the trampoline's data block (struct ap_trampoline_data). */
#define APTD_CR0 0
#define APTD_CR3 4
#define APTD_CR4 8
#define APTD_EFER 12
#define APTD_ENTRY 16
#define APTD_BOOTINFO 24
#define APTD_SIZE 32

#ifndef __ASSEMBLER__
#include <stdint.h>

#include "testdev_abi.h"

/* What VP 0 writes into the copied trampoline before the SIPIs. */
struct ap_trampoline_data {
	uint32_t cr0;      /* VP 0's CR0 (PE, PG, ...), loaded last */
	uint32_t cr3;      /* VP 0's CR3 (the VMM's PML4 at 0x4000) */
	uint32_t cr4;      /* VP 0's CR4 (PAE, ...) */
	uint32_t efer;     /* VP 0's EFER without LMA (LME, ...) */
	uint64_t entry;    /* _start */
	uint64_t bootinfo; /* RDI for _start */
};
_Static_assert(sizeof(struct ap_trampoline_data) == APTD_SIZE, "smpboot.S offsets");

/* The trampoline image in the ELF (smpboot.S); data block inside it. */
extern const char guest_ap_trampoline[], guest_ap_trampoline_data[],
	guest_ap_trampoline_end[];

/* VP 0, after its own runtime set-up: start VPs 1..nr_cpus-1 and wait
 * (bounded) until each checked in; GUEST_FAIL names the missing ones. */
void guest_smp_boot(const struct bootinfo *bi);
/* Every AP, after its runtime set-up and before guest_main(). */
void guest_smp_checkin(uint32_t vp);
#endif

#endif
