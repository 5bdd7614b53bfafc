/* SPDX-License-Identifier: MIT */
/*
 * The guest loader: an ELF64 x86-64 executable, or an ELF32 i386 image with
 * a multiboot header in its first 8 KiB (multiboot.h), from bytes already
 * in memory, into guest RAM by its PT_LOADs' physical addresses. Everything is checked before the first byte is copied:
 * class, machine, type, program-header count, every PT_LOAD against the file
 * (truncation), against guest RAM (overflow) and against the VMM's reserved
 * low memory, memsz >= filesz, no two segments overlapping, an entry point
 * inside an executable segment. A bad file gets one line in err and -ENOEXEC.
 */
#ifndef SYNVMM_LOADER_H
#define SYNVMM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest_ram.h"

#define ELF_MAX_PHDRS 64
#define ELF_MAX_FILE_SIZE (1ull << 30)

struct elf_image {
	uint64_t entry;
	unsigned int nr_loads;
	uint64_t lowest, highest; /* GPA range the segments cover */
	bool multiboot;           /* an ELF32 multiboot image: start it as one */
	uint32_t mb_flags;        /* its multiboot header's flags */
};

/* Reads a whole file into a malloc'ed buffer; -errno with err filled. */
int elf_read_file(const char *path, void **buf, size_t *size, char *err, size_t errlen);
int elf_load(const void *file, size_t size, const struct guest_ram *ram,
	     struct elf_image *img, char *err, size_t errlen);

#endif
