/* SPDX-License-Identifier: MIT */
/*
 * What the VMM writes into guest memory before the first instruction (GDT,
 * TSS, boot-info block, command line, identity-mapping page tables; layout in
 * docs/architecture.md) and the 64-bit register state every vCPU starts in.
 * Pure functions over a guest_ram window, so the unit tests check them.
 */
#ifndef SYNVMM_BOOT_H
#define SYNVMM_BOOT_H

#include <stdint.h>

#include "guest_ram.h"

struct kvm_regs;
struct kvm_sregs;

#define BOOT_GDT_GPA 0x1000ull
#define BOOT_TSS_GPA 0x1800ull
#define BOOT_INFO_GPA 0x2000ull
#define BOOT_CMDLINE_GPA 0x2400ull
#define BOOT_PML4_GPA 0x4000ull
#define BOOT_PDPT_GPA 0x5000ull
#define BOOT_PD_GPA 0x6000ull /* one page directory per GiB from here */

#define BOOT_SEL_CODE64 0x08
#define BOOT_SEL_DATA 0x10
#define BOOT_SEL_TSS 0x18

/* GiBs the page tables identity-map: all of RAM and at least 4 GiB (for the
 * local APIC page). */
uint64_t boot_mapped_gib(uint64_t ram_size);
/* -EINVAL when RAM is too small or the command line too long. */
int boot_write_tables(const struct guest_ram *ram, unsigned int nr_cpus,
		      const char *cmdline);
void boot_vcpu_state(struct kvm_sregs *sregs, struct kvm_regs *regs,
		     uint64_t entry, unsigned int vp);
/* The state a STARTUP IPI with `vector` leaves an application processor in
 * (INIT state, SDM 9.1.1, then CS:IP = vector<<8:0): real mode, paging and
 * caches as after INIT, RDX = the processor signature. Keeps sregs'
 * apic_base. */
void boot_sipi_state(struct kvm_sregs *sregs, struct kvm_regs *regs, uint8_t vector,
		     uint32_t signature);

#endif
