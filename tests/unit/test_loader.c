// SPDX-License-Identifier: MIT
/* The ELF loader against ELF64 images built by hand in memory. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader.h"
#include "testdev_abi.h"

#define RAM_SIZE (4u << 20)
#define LOAD_GPA 0x100000u
#define PAYLOAD_OFF 0x1000u
#define PAYLOAD_LEN 16u
#define BSS_LEN 0x100u
#define IMG_MAX (PAYLOAD_OFF + 0x2000u)

static const uint8_t payload[PAYLOAD_LEN] = {
	0xf3, 0x0f, 0x1e, 0xfa, 0x48, 0x31, 0xc0, 0xf4,
	0xeb, 0xfd, 0x90, 0x90, 0xde, 0xad, 0xbe, 0xef,
};

struct fixture {
	uint8_t *file; /* IMG_MAX bytes */
	size_t size;
	uint8_t *ram;
	struct guest_ram gram;
	struct elf_image img;
	char err[256];
};

static Elf64_Ehdr *ehdr(struct fixture *f)
{
	return (Elf64_Ehdr *)f->file;
}

static Elf64_Phdr *phdr(struct fixture *f, unsigned int i)
{
	return (Elf64_Phdr *)(f->file + sizeof(Elf64_Ehdr)) + i;
}

/* A good static x86-64 executable: one R+X PT_LOAD at 1 MiB with a bss tail. */
static void build_good(struct fixture *f)
{
	Elf64_Ehdr *eh = ehdr(f);
	Elf64_Phdr *ph = phdr(f, 0);

	memset(f->file, 0, IMG_MAX);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELFOSABI_SYSV;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = LOAD_GPA + 4;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_shoff = 0;
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(Elf64_Shdr);
	eh->e_shnum = 0;
	eh->e_shstrndx = SHN_UNDEF;

	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = PAYLOAD_OFF;
	ph->p_vaddr = LOAD_GPA;
	ph->p_paddr = LOAD_GPA;
	ph->p_filesz = PAYLOAD_LEN;
	ph->p_memsz = PAYLOAD_LEN + BSS_LEN;
	ph->p_align = 0x1000;
	memcpy(f->file + PAYLOAD_OFF, payload, PAYLOAD_LEN);
	f->size = PAYLOAD_OFF + PAYLOAD_LEN;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->file = calloc(1, IMG_MAX);
	f->ram = malloc(RAM_SIZE);
	assert_non_null(f->file);
	assert_non_null(f->ram);
	memset(f->ram, 0xcc, RAM_SIZE); /* so zeroed bss is visible */
	f->gram = (struct guest_ram){ f->ram, RAM_SIZE };
	build_good(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->file);
	free(f->ram);
	free(f);
	return 0;
}

static int load(struct fixture *f)
{
	f->err[0] = '\0';
	return elf_load(f->file, f->size, &f->gram, &f->img, f->err, sizeof(f->err));
}

/* -ENOEXEC, the message names the problem, and RAM is untouched. */
static void assert_refused(struct fixture *f, const char *substr)
{
	int ret = load(f);

	if (ret != -ENOEXEC || !strstr(f->err, substr))
		print_error("elf_load: ret %d, err '%s', expected -ENOEXEC and '%s'\n",
			    ret, f->err, substr);
	assert_int_equal(ret, -ENOEXEC);
	assert_non_null(strstr(f->err, substr));
	assert_int_equal(f->ram[LOAD_GPA], 0xcc);
	assert_int_equal(f->ram[LOAD_GPA + PAYLOAD_LEN], 0xcc);
}

static void test_good_image_loads(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f), 0);
	assert_int_equal(f->img.entry, LOAD_GPA + 4);
	assert_int_equal(f->img.nr_loads, 1);
	assert_int_equal(f->img.lowest, LOAD_GPA);
	assert_int_equal(f->img.highest, LOAD_GPA + PAYLOAD_LEN + BSS_LEN);
	assert_memory_equal(f->ram + LOAD_GPA, payload, PAYLOAD_LEN);
	for (unsigned int i = 0; i < BSS_LEN; i++)
		assert_int_equal(f->ram[LOAD_GPA + PAYLOAD_LEN + i], 0);
	/* Nothing past the segment is written. */
	assert_int_equal(f->ram[LOAD_GPA + PAYLOAD_LEN + BSS_LEN], 0xcc);
	assert_int_equal(f->ram[LOAD_GPA - 1], 0xcc);
}

static void test_two_segments_load(void **state)
{
	struct fixture *f = *state;
	Elf64_Phdr *data = phdr(f, 1);

	ehdr(f)->e_phnum = 2;
	*data = *phdr(f, 0);
	data->p_flags = PF_R | PF_W;
	data->p_offset = PAYLOAD_OFF + 0x1000;
	data->p_paddr = data->p_vaddr = 0x200000;
	data->p_filesz = 4;
	data->p_memsz = 0x1000;
	memcpy(f->file + PAYLOAD_OFF + 0x1000, "DATA", 4);
	f->size = PAYLOAD_OFF + 0x1000 + 4;
	/* A PT_NOTE and an empty PT_LOAD are skipped. */
	ehdr(f)->e_phnum = 4;
	phdr(f, 2)->p_type = PT_NOTE;
	phdr(f, 2)->p_offset = 0;
	phdr(f, 2)->p_filesz = phdr(f, 2)->p_memsz = 8;
	phdr(f, 3)->p_type = PT_LOAD;
	phdr(f, 3)->p_paddr = 0x100000;
	phdr(f, 3)->p_memsz = 0;

	assert_int_equal(load(f), 0);
	assert_int_equal(f->img.nr_loads, 2);
	assert_int_equal(f->img.lowest, LOAD_GPA);
	assert_int_equal(f->img.highest, 0x201000);
	assert_memory_equal(f->ram + 0x200000, "DATA", 4);
	assert_int_equal(f->ram[0x200004], 0);
	assert_int_equal(f->ram[0x200fff], 0);
	assert_int_equal(f->ram[0x201000], 0xcc);
}

static void test_too_short(void **state)
{
	struct fixture *f = *state;

	f->size = 3;
	assert_refused(f, "too short");
	f->size = 0;
	assert_refused(f, "too short");
}

static void test_truncated_header(void **state)
{
	struct fixture *f = *state;

	f->size = sizeof(Elf64_Ehdr) - 1;
	assert_refused(f, "truncated");
	f->size = EI_NIDENT;
	assert_refused(f, "truncated");
}

static void test_short_file_with_magic_is_truncated(void **state)
{
	struct fixture *f = *state;

	/* "\x7fELF" and a few bytes: truncated, not "bad magic". */
	f->size = 8;
	assert_refused(f, "truncated");
}

static void test_bad_magic(void **state)
{
	struct fixture *f = *state;

	f->file[1] = 'X';
	assert_refused(f, "bad magic");
	memcpy(f->file, "#!/bin/sh\n", 10);
	assert_refused(f, "not an ELF");
}

static void test_elf32_refused(void **state)
{
	struct fixture *f = *state;

	f->file[EI_CLASS] = ELFCLASS32;
	assert_refused(f, "32-bit");
}

static void test_big_endian_refused(void **state)
{
	struct fixture *f = *state;

	f->file[EI_DATA] = ELFDATA2MSB;
	assert_refused(f, "big-endian");
}

static void test_wrong_machine(void **state)
{
	struct fixture *f = *state;

	ehdr(f)->e_machine = EM_AARCH64;
	assert_refused(f, "not x86-64");
	assert_non_null(strstr(f->err, "183"));
}

static void test_et_dyn_refused(void **state)
{
	struct fixture *f = *state;

	ehdr(f)->e_type = ET_DYN;
	assert_refused(f, "not an executable");
	ehdr(f)->e_type = ET_REL;
	assert_refused(f, "not an executable");
}

static void test_no_program_headers(void **state)
{
	struct fixture *f = *state;

	ehdr(f)->e_phnum = 0;
	assert_refused(f, "no program headers");
	ehdr(f)->e_phnum = 1;
	ehdr(f)->e_phoff = 0;
	assert_refused(f, "no program headers");
}

static void test_too_many_phdrs(void **state)
{
	struct fixture *f = *state;
	unsigned int n = ELF_MAX_PHDRS + 1;

	/* 65 real headers (PT_NULL after the first), all inside the file. */
	assert_true(sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr) <= PAYLOAD_OFF);
	ehdr(f)->e_phnum = (Elf64_Half)n;
	assert_refused(f, "program headers");
	assert_non_null(strstr(f->err, "65"));
	/* 64 is still fine. */
	ehdr(f)->e_phnum = ELF_MAX_PHDRS;
	assert_int_equal(load(f), 0);
}

static void test_segment_beyond_file_end(void **state)
{
	struct fixture *f = *state;

	f->size = PAYLOAD_OFF + PAYLOAD_LEN - 1;
	assert_refused(f, "truncated");
	f->size = PAYLOAD_OFF + PAYLOAD_LEN;
	phdr(f, 0)->p_offset = UINT64_MAX - 4; /* offset + filesz wraps */
	assert_refused(f, "truncated");
	phdr(f, 0)->p_offset = PAYLOAD_OFF;
	phdr(f, 0)->p_filesz = UINT64_MAX;
	phdr(f, 0)->p_memsz = UINT64_MAX;
	assert_refused(f, "truncated");
}

static void test_phdr_table_truncated(void **state)
{
	struct fixture *f = *state;
	Elf64_Phdr *ph = (Elf64_Phdr *)(f->file + 0x200);

	/* Layout: header, payload at 0x100, two program headers at 0x200, and
	 * the file ends in the middle of the second header. It must be refused,
	 * not loaded as if it had only the first. */
	ph[0] = *phdr(f, 0);
	ph[0].p_offset = 0x100;
	ph[1] = ph[0];
	ph[1].p_paddr = ph[1].p_vaddr = 0x200000;
	memcpy(f->file + 0x100, payload, PAYLOAD_LEN);
	ehdr(f)->e_phoff = 0x200;
	ehdr(f)->e_phnum = 2;
	f->size = 0x200 + sizeof(Elf64_Phdr) + sizeof(Elf64_Phdr) / 2;
	assert_refused(f, "truncated");
}

static void test_memsz_below_filesz(void **state)
{
	struct fixture *f = *state;

	phdr(f, 0)->p_memsz = PAYLOAD_LEN - 1;
	assert_refused(f, "memsz");
}

static void test_segment_beyond_ram(void **state)
{
	struct fixture *f = *state;

	phdr(f, 0)->p_paddr = RAM_SIZE - PAYLOAD_LEN; /* bss tail leaves RAM */
	ehdr(f)->e_entry = phdr(f, 0)->p_paddr;
	assert_refused(f, "does not fit in guest RAM");
	phdr(f, 0)->p_paddr = RAM_SIZE + 0x1000;
	ehdr(f)->e_entry = phdr(f, 0)->p_paddr;
	assert_refused(f, "does not fit in guest RAM");
	/* Ending exactly at the end of RAM is fine. */
	phdr(f, 0)->p_paddr = RAM_SIZE - PAYLOAD_LEN - BSS_LEN;
	ehdr(f)->e_entry = phdr(f, 0)->p_paddr;
	assert_int_equal(load(f), 0);
	assert_memory_equal(f->ram + RAM_SIZE - PAYLOAD_LEN - BSS_LEN, payload, PAYLOAD_LEN);
	assert_int_equal(f->ram[RAM_SIZE - 1], 0);
}

static void test_segment_paddr_overflow(void **state)
{
	struct fixture *f = *state;

	phdr(f, 0)->p_paddr = UINT64_MAX - 0x10;
	phdr(f, 0)->p_memsz = 0x100;
	ehdr(f)->e_entry = UINT64_MAX - 0x10;
	assert_refused(f, "does not fit in guest RAM");
}

static void test_segment_in_reserved_low_memory(void **state)
{
	struct fixture *f = *state;

	phdr(f, 0)->p_paddr = GUEST_RESERVED_END - 0x10;
	ehdr(f)->e_entry = phdr(f, 0)->p_paddr;
	assert_refused(f, "low memory");
	phdr(f, 0)->p_paddr = 0;
	ehdr(f)->e_entry = 0;
	assert_refused(f, "low memory");
	/* Right at the end of the reserved area is allowed. */
	phdr(f, 0)->p_paddr = GUEST_RESERVED_END;
	ehdr(f)->e_entry = GUEST_RESERVED_END;
	assert_int_equal(load(f), 0);
}

static void test_overlapping_segments(void **state)
{
	struct fixture *f = *state;

	ehdr(f)->e_phnum = 2;
	*phdr(f, 1) = *phdr(f, 0);
	phdr(f, 1)->p_paddr = LOAD_GPA + PAYLOAD_LEN + BSS_LEN - 1;
	assert_refused(f, "overlaps another segment");
	/* Adjacent is fine. */
	phdr(f, 1)->p_paddr = LOAD_GPA + PAYLOAD_LEN + BSS_LEN;
	assert_int_equal(load(f), 0);
	assert_int_equal(f->img.nr_loads, 2);
}

static void test_entry_outside_executable_segment(void **state)
{
	struct fixture *f = *state;

	ehdr(f)->e_entry = LOAD_GPA + PAYLOAD_LEN + BSS_LEN; /* one past the end */
	assert_refused(f, "entry point");
	ehdr(f)->e_entry = 0;
	assert_refused(f, "entry point");
	/* Inside the segment, but it is not executable. */
	ehdr(f)->e_entry = LOAD_GPA;
	phdr(f, 0)->p_flags = PF_R | PF_W;
	assert_refused(f, "not in an executable segment");
}

static void test_no_pt_load(void **state)
{
	struct fixture *f = *state;

	phdr(f, 0)->p_type = PT_NOTE;
	assert_refused(f, "no loadable");
}

static void test_read_file_missing(void **state)
{
	char err[256] = "";
	void *buf = NULL;
	size_t size = 0;
	const char *path = "/nonexistent/synvmm-unit/guest.elf";

	(void)state;
	assert_int_equal(elf_read_file(path, &buf, &size, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, path));
}

static void test_read_file_directory(void **state)
{
	char err[256] = "";
	void *buf = NULL;
	size_t size = 0;

	(void)state;
	assert_int_equal(elf_read_file("/tmp", &buf, &size, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/tmp"));
	assert_non_null(strstr(err, "not a regular file"));
}

static void test_read_file_round_trip(void **state)
{
	struct fixture *f = *state;
	char path[] = "/tmp/synvmm-unit-elf-XXXXXX";
	char err[256] = "";
	void *buf = NULL;
	size_t size = 0;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, f->file, f->size), (ssize_t)f->size);
	close(fd);
	assert_int_equal(elf_read_file(path, &buf, &size, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(size, f->size);
	assert_memory_equal(buf, f->file, size);
	assert_int_equal(elf_load(buf, size, &f->gram, &f->img, err, sizeof(err)), 0);
	assert_int_equal(f->img.entry, LOAD_GPA + 4);
	free(buf);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_good_image_loads),
		T(test_two_segments_load),
		T(test_too_short),
		T(test_truncated_header),
		T(test_short_file_with_magic_is_truncated),
		T(test_bad_magic),
		T(test_elf32_refused),
		T(test_big_endian_refused),
		T(test_wrong_machine),
		T(test_et_dyn_refused),
		T(test_no_program_headers),
		T(test_too_many_phdrs),
		T(test_segment_beyond_file_end),
		T(test_phdr_table_truncated),
		T(test_memsz_below_filesz),
		T(test_segment_beyond_ram),
		T(test_segment_paddr_overflow),
		T(test_segment_in_reserved_low_memory),
		T(test_overlapping_segments),
		T(test_entry_outside_executable_segment),
		T(test_no_pt_load),
		cmocka_unit_test(test_read_file_missing),
		cmocka_unit_test(test_read_file_directory),
		T(test_read_file_round_trip),
	};

	return cmocka_run_group_tests_name("loader", tests, NULL, NULL);
}
