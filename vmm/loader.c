// SPDX-License-Identifier: MIT
#include "loader.h"
#include "errfmt.h"
#include "multiboot.h"
#include "testdev_abi.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A refused input: one line in err, and -ENOEXEC. */
#define bad(...) errfmt(-ENOEXEC, __VA_ARGS__)

static int read_all(int fd, void *buf, size_t size)
{
	size_t done = 0;

	while (done < size) {
		ssize_t n = read(fd, (char *)buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

int elf_read_file(const char *path, void **buf, size_t *size, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open guest '%s': %s", path, strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "guest '%s' is not a regular file", path);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > ELF_MAX_FILE_SIZE) {
		close(fd);
		snprintf(err, errlen, "guest '%s' is larger than 1 GiB", path);
		return -EFBIG;
	}
	*size = (size_t)st.st_size;
	*buf = malloc(*size ? *size : 1);
	if (!*buf) {
		close(fd);
		return -ENOMEM;
	}
	ret = read_all(fd, *buf, *size);
	close(fd);
	if (ret < 0) {
		free(*buf);
		snprintf(err, errlen, "cannot read guest '%s': %s", path, strerror(-ret));
	}
	return ret;
}

static int check_header(Elf *e, GElf_Ehdr *eh, char *err, size_t errlen)
{
	if (elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, eh))
		return bad(err, errlen, "not an ELF file");
	int cls = gelf_getclass(e);

	if (cls != ELFCLASS64 && cls != ELFCLASS32)
		return bad(err, errlen, "ELF class %d is neither 32- nor 64-bit", cls);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return bad(err, errlen, "a big-endian ELF; synvmm runs little-endian x86-64");
	if (cls == ELFCLASS64 && eh->e_machine != EM_X86_64)
		return bad(err, errlen, "built for machine %u, not x86-64 (%u)",
			   eh->e_machine, EM_X86_64);
	if (cls == ELFCLASS32 && eh->e_machine != EM_386)
		return bad(err, errlen, "a multiboot ELF32 built for machine %u, not i386 (%u)",
			   eh->e_machine, EM_386);
	if (eh->e_type != ET_EXEC)
		return bad(err, errlen, "ELF type %u is not an executable (link with -static -no-pie)",
			   eh->e_type);
	return 0;
}

static unsigned char file_class(const void *file)
{
	return ((const unsigned char *)file)[EI_CLASS];
}

static bool ranges_meet(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* One PT_LOAD against the file, RAM, and the VMM's low memory. */
static int check_segment(const GElf_Phdr *ph, size_t i, size_t file_size,
			 uint64_t ram_size, char *err, size_t errlen)
{
	if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset)
		return bad(err, errlen,
			   "truncated: segment %zu needs file bytes up to 0x%" PRIx64
			   " but the file has 0x%zx",
			   i, ph->p_offset + ph->p_filesz, file_size);
	if (ph->p_memsz < ph->p_filesz)
		return bad(err, errlen, "segment %zu has memsz 0x%" PRIx64 " < filesz 0x%" PRIx64,
			   i, ph->p_memsz, ph->p_filesz);
	if (ph->p_paddr > ram_size || ph->p_memsz > ram_size - ph->p_paddr)
		return bad(err, errlen,
			   "segment %zu at 0x%" PRIx64 "+0x%" PRIx64
			   " does not fit in guest RAM (0x%" PRIx64 " bytes; raise --mem)",
			   i, ph->p_paddr, ph->p_memsz, ram_size);
	if (ranges_meet(ph->p_paddr, ph->p_memsz, 0, GUEST_RESERVED_END))
		return bad(err, errlen,
			   "segment %zu at 0x%" PRIx64
			   " overlaps the VMM's low memory below 0x%llx (link the guest at 1 MiB)",
			   i, ph->p_paddr, GUEST_RESERVED_END);
	return 0;
}

static int check_segments(Elf *e, const GElf_Ehdr *eh, size_t size, uint64_t ram_size,
			  GElf_Phdr *loads, size_t *nloads, char *err, size_t errlen)
{
	size_t phnum;
	bool entry_ok = false;

	if (elf_getphdrnum(e, &phnum) != 0 || phnum == 0)
		return bad(err, errlen, "no program headers");
	if (phnum > ELF_MAX_PHDRS)
		return bad(err, errlen, "%zu program headers (more than %d is not a test guest)",
			   phnum, ELF_MAX_PHDRS);
	*nloads = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		int ret;

		if (!gelf_getphdr(e, (int)i, &ph))
			return bad(err, errlen, "truncated: program header %zu is missing", i);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		ret = check_segment(&ph, i, size, ram_size, err, errlen);
		if (ret < 0)
			return ret;
		for (size_t j = 0; j < *nloads; j++)
			if (ranges_meet(ph.p_paddr, ph.p_memsz, loads[j].p_paddr, loads[j].p_memsz))
				return bad(err, errlen, "segment %zu overlaps another segment", i);
		if ((ph.p_flags & PF_X) && eh->e_entry >= ph.p_paddr &&
		    eh->e_entry - ph.p_paddr < ph.p_memsz)
			entry_ok = true;
		loads[(*nloads)++] = ph;
	}
	if (*nloads == 0)
		return bad(err, errlen, "no loadable (PT_LOAD) segment");
	if (!entry_ok)
		return bad(err, errlen, "entry point 0x%" PRIx64 " is not in an executable segment",
			   eh->e_entry);
	return 0;
}

static void copy_segments(const uint8_t *file, const struct guest_ram *ram,
			  const GElf_Phdr *loads, size_t nloads, struct elf_image *img)
{
	img->lowest = UINT64_MAX;
	img->highest = 0;
	for (size_t i = 0; i < nloads; i++) {
		uint8_t *dst = guest_ram_ptr(ram, loads[i].p_paddr, loads[i].p_memsz);

		memcpy(dst, file + loads[i].p_offset, loads[i].p_filesz);
		memset(dst + loads[i].p_filesz, 0, loads[i].p_memsz - loads[i].p_filesz);
		if (loads[i].p_paddr < img->lowest)
			img->lowest = loads[i].p_paddr;
		if (loads[i].p_paddr + loads[i].p_memsz > img->highest)
			img->highest = loads[i].p_paddr + loads[i].p_memsz;
	}
	img->nr_loads = (unsigned int)nloads;
}

/* An ELF32 is a multiboot image or nothing synvmm runs. */
static int find_multiboot(const void *file, size_t size, struct elf_image *img, char *err,
			  size_t errlen)
{
	int ret;

	img->multiboot = false;
	if (file_class(file) != ELFCLASS32)
		return 0;
	ret = multiboot_find(file, size, &img->mb_flags, err, errlen);
	if (ret == -ENOENT)
		return bad(err, errlen,
			   "a 32-bit ELF without a multiboot header in its first 8 KiB; synvmm runs ELF64 x86-64 executables and multiboot ELF32 i386 images");
	if (ret < 0)
		return ret;
	img->multiboot = true;
	return 0;
}

int elf_load(const void *file, size_t size, const struct guest_ram *ram,
	     struct elf_image *img, char *err, size_t errlen)
{
	GElf_Phdr loads[ELF_MAX_PHDRS];
	GElf_Ehdr eh;
	size_t nloads;
	Elf *e;
	int ret;

	if (size >= SELFMAG && memcmp(file, ELFMAG, SELFMAG))
		return bad(err, errlen, "not an ELF file (bad magic)");
	if (size < EI_NIDENT)
		return bad(err, errlen, "truncated: too short to be an ELF file");
	if ((file_class(file) == ELFCLASS64 && size < sizeof(Elf64_Ehdr)) ||
	    (file_class(file) == ELFCLASS32 && size < sizeof(Elf32_Ehdr)))
		return bad(err, errlen, "truncated: the ELF header is incomplete");
	ret = find_multiboot(file, size, img, err, errlen);
	if (ret < 0)
		return ret;
	elf_version(EV_CURRENT);
	/* elf_memory() takes a non-const pointer but only reads it here. */
	e = elf_memory((char *)(uintptr_t)file, size);
	if (!e)
		return bad(err, errlen, "libelf cannot read it: %s", elf_errmsg(-1));
	ret = check_header(e, &eh, err, errlen);
	if (!ret)
		ret = check_segments(e, &eh, size, ram->size, loads, &nloads, err, errlen);
	elf_end(e);
	if (ret < 0)
		return ret;
	copy_segments(file, ram, loads, nloads, img);
	img->entry = eh.e_entry;
	return 0;
}
