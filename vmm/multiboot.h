/* SPDX-License-Identifier: MIT */
/*
 * Multiboot (version 1, the 0.6.96 specification) for ELF32 i386 images,
 * the shape kvm-unit-tests' x86 binaries have (64-bit code objcopy'd to
 * elf32-i386, a multiboot header in the first 8 KiB, loaded at 4 MiB).
 *
 * The loader (loader.c) asks multiboot_find() for the header and loads the
 * ELF's PT_LOADs; the VMM then writes the multiboot information block
 * (multiboot_write_info) into its reserved low memory, and starts the boot
 * vCPU in the state the specification gives (multiboot_vcpu_state): 32-bit
 * flat protected mode, paging off, IF = 0, EAX = 0x2BADB002, EBX = the
 * information block. Layout in docs/architecture.md.
 */
#ifndef SYNVMM_MULTIBOOT_H
#define SYNVMM_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "guest_ram.h"

struct kvm_regs;
struct kvm_sregs;

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC 0x2badb002u /* EAX at entry */
#define MB_SEARCH_BYTES 8192      /* the header lies wholly in the file's first 8 KiB */

/* Header flags: bits 0-15 are requirements a loader must meet or refuse. */
#define MB_FLAG_PAGE_ALIGN 0x1u    /* modules page-aligned: there are none */
#define MB_FLAG_MEMORY_INFO 0x2u   /* mem_lower/mem_upper: always given */
#define MB_FLAG_VIDEO_MODE 0x4u    /* no display: refused */
#define MB_FLAG_ADDRESSES 0x10000u /* the a.out kludge: refused */

/* Information-block flags: which fields are valid. */
#define MBI_MEMORY 0x1u
#define MBI_CMDLINE 0x4u
#define MBI_MODS 0x8u
#define MBI_MMAP 0x40u
#define MBI_LOADER_NAME 0x200u

/* Where the VMM puts it all: its reserved low memory (0x1000-0x3FFFF),
 * where no PT_LOAD may go, above its own boot tables. */
#define MB_INFO_GPA 0x30000ull
#define MB_MMAP_GPA 0x30100ull
#define MB_LOADER_NAME_GPA 0x30200ull
#define MB_GDT_GPA 0x30280ull
#define MB_CMDLINE_GPA 0x30400ull
#define MB_CMDLINE_MAX 0xfc00u /* with the NUL, to the end of the reserved area */

#define MB_SEL_CODE32 0x08
#define MB_SEL_DATA 0x10

struct mb_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 640 KiB / from 1 MiB */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	uint32_t drives_length, drives_addr;
	uint32_t config_table;
	uint32_t boot_loader_name;
	uint32_t apm_table;
	uint32_t vbe_control_info, vbe_mode_info;
	uint16_t vbe_mode, vbe_interface_seg, vbe_interface_off, vbe_interface_len;
};
_Static_assert(sizeof(struct mb_info) == 88, "multiboot info as the specification lays it out");

struct mb_mmap_entry {
	uint32_t size; /* of the rest: 20 */
	uint64_t addr, len;
	uint32_t type; /* 1 = available RAM */
} __attribute__((packed));

/*
 * The first multiboot header in the file: 0 with its flags, -ENOENT when
 * there is none, -ENOEXEC with one line in err when there is one synvmm
 * cannot honour (bad checksum, a video mode, load addresses, an unknown
 * required feature).
 */
int multiboot_find(const void *file, size_t size, uint32_t *flags, char *err, size_t errlen);
/* The information block, memory map, loader name, GDT and command line
 * ("KERNEL APPEND", as QEMU writes it). -E2BIG when the command line does
 * not fit. */
int multiboot_write_info(const struct guest_ram *ram, const char *kernel, const char *append);
/* The entry state for a multiboot image at `entry` (registers cleared). */
void multiboot_vcpu_state(struct kvm_sregs *sregs, struct kvm_regs *regs, uint32_t entry);
/* Puts a created vCPU into it by ioctl; -errno. */
int multiboot_enter(int vcpu_fd, uint32_t entry);

#endif
