// SPDX-License-Identifier: MIT
/* Multiboot ELF32 images built by hand: loading, every refusal, the
 * information block and the entry state. */
#include <elf.h>
#include <errno.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "loader.h"
#include "multiboot.h"

#define RAM_SIZE (8u << 20)
#define LOAD_GPA 0x400000u /* where kvm-unit-tests links */
#define PAYLOAD_OFF 0x1000u
#define PAYLOAD_LEN 0x40u
#define IMG_MAX 0x4000u

struct fixture {
	uint8_t file[IMG_MAX];
	size_t size;
	uint8_t *ram;
	struct guest_ram gram;
	struct elf_image img;
	char err[512];
};

static Elf32_Ehdr *ehdr(struct fixture *f)
{
	return (Elf32_Ehdr *)f->file;
}

static Elf32_Phdr *phdr(struct fixture *f)
{
	return (Elf32_Phdr *)(f->file + sizeof(Elf32_Ehdr));
}

static void put32(struct fixture *f, size_t off, uint32_t v)
{
	memcpy(f->file + off, &v, 4);
}

/* A multiboot header with `flags` and a right checksum at file offset off. */
static void put_header(struct fixture *f, size_t off, uint32_t flags)
{
	put32(f, off, MB_HEADER_MAGIC);
	put32(f, off + 4, flags);
	put32(f, off + 8, 0u - (MB_HEADER_MAGIC + flags));
}

/* As objcopy -O elf32-i386 leaves a kvm-unit-tests binary: one R+X PT_LOAD
 * at 4 MiB whose first bytes are the multiboot header, entry after it. */
static void build_good(struct fixture *f)
{
	Elf32_Ehdr *eh = ehdr(f);
	Elf32_Phdr *ph = phdr(f);

	memset(f->file, 0, sizeof(f->file));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = LOAD_GPA + 12;
	eh->e_phoff = sizeof(Elf32_Ehdr);
	eh->e_ehsize = sizeof(Elf32_Ehdr);
	eh->e_phentsize = sizeof(Elf32_Phdr);
	eh->e_phnum = 1;
	eh->e_shentsize = sizeof(Elf32_Shdr);
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = PAYLOAD_OFF;
	ph->p_vaddr = ph->p_paddr = LOAD_GPA;
	ph->p_filesz = PAYLOAD_LEN;
	ph->p_memsz = PAYLOAD_LEN + 0x100;
	ph->p_align = 0x1000;
	put_header(f, PAYLOAD_OFF, 0);
	memset(f->file + PAYLOAD_OFF + 12, 0x90, PAYLOAD_LEN - 12);
	f->size = PAYLOAD_OFF + PAYLOAD_LEN;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = malloc(RAM_SIZE);
	assert_non_null(f->ram);
	memset(f->ram, 0xcc, RAM_SIZE);
	f->gram = (struct guest_ram){ f->ram, RAM_SIZE };
	build_good(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->ram);
	free(f);
	return 0;
}

static int load(struct fixture *f)
{
	f->err[0] = '\0';
	return elf_load(f->file, f->size, &f->gram, &f->img, f->err, sizeof(f->err));
}

static void assert_refused(struct fixture *f, const char *substr)
{
	int ret = load(f);

	if (ret != -ENOEXEC || !strstr(f->err, substr))
		print_error("elf_load: ret %d, err '%s', expected -ENOEXEC and '%s'\n", ret,
			    f->err, substr);
	assert_int_equal(ret, -ENOEXEC);
	assert_non_null(strstr(f->err, substr));
	assert_int_equal(f->ram[LOAD_GPA], 0xcc); /* nothing copied */
}

static void test_good_image_loads(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f), 0);
	assert_true(f->img.multiboot);
	assert_int_equal(f->img.mb_flags, 0);
	assert_int_equal(f->img.entry, LOAD_GPA + 12);
	assert_memory_equal(f->ram + LOAD_GPA, f->file + PAYLOAD_OFF, PAYLOAD_LEN);
	assert_int_equal(f->ram[LOAD_GPA + PAYLOAD_LEN], 0); /* bss zeroed */
	assert_int_equal(f->ram[LOAD_GPA + PAYLOAD_LEN + 0x100], 0xcc);
}

static void test_page_align_and_memory_flags_accepted(void **state)
{
	struct fixture *f = *state;

	put_header(f, PAYLOAD_OFF, MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO);
	assert_int_equal(load(f), 0);
	assert_int_equal(f->img.mb_flags, 3);
	/* Optional bits above 16 that synvmm does not know are fine. */
	put_header(f, PAYLOAD_OFF, 1u << 20);
	assert_int_equal(load(f), 0);
}

static void test_elf64_is_not_multiboot(void **state)
{
	struct fixture *f = *state;
	static struct elf_image img;

	(void)f;
	img.multiboot = true;
	/* Not an ELF at all: refused before anything else. */
	assert_int_equal(elf_load("#!/bin/sh\n", 10, &f->gram, &img, f->err, sizeof(f->err)),
			 -ENOEXEC);
}

static void test_no_header(void **state)
{
	struct fixture *f = *state;

	put32(f, PAYLOAD_OFF, 0);
	assert_refused(f, "a 32-bit ELF without a multiboot header in its first 8 KiB");
}

static void test_header_past_8k_not_found(void **state)
{
	struct fixture *f = *state;

	memset(f->file + PAYLOAD_OFF, 0x90, 12);
	/* At 8 KiB exactly, and straddling the 8 KiB boundary: not in the
	 * first 8 KiB as a whole. */
	put_header(f, MB_SEARCH_BYTES, 0);
	f->size = MB_SEARCH_BYTES + 12;
	assert_refused(f, "without a multiboot header");
	memset(f->file + MB_SEARCH_BYTES, 0, 12);
	put_header(f, MB_SEARCH_BYTES - 8, 0);
	assert_refused(f, "without a multiboot header");
	/* The last place it may be. */
	memset(f->file + MB_SEARCH_BYTES - 8, 0, 20);
	put_header(f, MB_SEARCH_BYTES - 12, 0);
	assert_int_equal(load(f), 0);
	assert_true(f->img.multiboot);
}

static void test_misaligned_header_not_found(void **state)
{
	struct fixture *f = *state;

	memset(f->file + PAYLOAD_OFF, 0x90, 12);
	put_header(f, PAYLOAD_OFF + 2, 0);
	assert_refused(f, "without a multiboot header");
}

static void test_header_in_truncated_file(void **state)
{
	struct fixture *f = *state;

	/* The file ends inside the header: not a header. */
	f->size = PAYLOAD_OFF + 8;
	assert_refused(f, "without a multiboot header");
}

static void test_bad_checksum(void **state)
{
	struct fixture *f = *state;

	put32(f, PAYLOAD_OFF + 8, 0x12345678);
	assert_refused(f, "multiboot header (at 0x1000) has a bad checksum");
	/* A good one later wins, as with GRUB. */
	put_header(f, PAYLOAD_OFF + 16, 0);
	assert_int_equal(load(f), 0);
}

static void test_video_mode_refused(void **state)
{
	struct fixture *f = *state;

	put_header(f, PAYLOAD_OFF, MB_FLAG_VIDEO_MODE | MB_FLAG_MEMORY_INFO);
	assert_refused(f, "asks for a video mode (flag 2)");
}

static void test_unknown_required_flag_refused(void **state)
{
	struct fixture *f = *state;

	put_header(f, PAYLOAD_OFF, 1u << 5);
	assert_refused(f, "requires feature bit 5");
	put_header(f, PAYLOAD_OFF, 1u << 15 | MB_FLAG_MEMORY_INFO);
	assert_refused(f, "requires feature bit 15");
}

static void test_aout_kludge_refused(void **state)
{
	struct fixture *f = *state;

	put_header(f, PAYLOAD_OFF, MB_FLAG_ADDRESSES | MB_FLAG_MEMORY_INFO);
	assert_refused(f, "a.out kludge");
}

static void test_wrong_machine(void **state)
{
	struct fixture *f = *state;

	ehdr(f)->e_machine = EM_X86_64;
	assert_refused(f, "not i386 (3)");
}

static void test_truncated_elf32_header(void **state)
{
	struct fixture *f = *state;

	f->size = sizeof(Elf32_Ehdr) - 1;
	assert_refused(f, "truncated");
}

static void test_segment_rules_still_apply(void **state)
{
	struct fixture *f = *state;

	phdr(f)->p_paddr = MB_INFO_GPA; /* onto the information block */
	ehdr(f)->e_entry = MB_INFO_GPA + 12;
	assert_refused(f, "low memory");
	phdr(f)->p_paddr = RAM_SIZE - 0x10;
	ehdr(f)->e_entry = RAM_SIZE - 0x10;
	assert_refused(f, "does not fit in guest RAM");
	phdr(f)->p_paddr = LOAD_GPA;
	ehdr(f)->e_entry = LOAD_GPA + 0x1000;
	assert_refused(f, "entry point");
	ehdr(f)->e_entry = LOAD_GPA + 12;
	f->size = PAYLOAD_OFF + PAYLOAD_LEN - 1;
	assert_refused(f, "truncated");
}

static uint32_t ram32(const struct fixture *f, uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, f->ram + gpa, 4);
	return v;
}

static void test_info_block(void **state)
{
	struct fixture *f = *state;
	struct mb_info mbi;
	struct mb_mmap_entry e[2];

	assert_int_equal(multiboot_write_info(&f->gram, "x86/hyperv_synic.flat", "a=1 b"), 0);
	memcpy(&mbi, f->ram + MB_INFO_GPA, sizeof(mbi));
	assert_int_equal(mbi.flags, MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME);
	assert_int_equal(mbi.mem_lower, 640);
	assert_int_equal(mbi.mem_upper, (RAM_SIZE >> 10) - 1024);
	assert_int_equal(mbi.mods_count, 0);
	assert_int_equal(mbi.boot_device, 0); /* not claimed */
	/* QEMU's shape: the kernel's name is argv[0] for kvm-unit-tests. */
	assert_int_equal(mbi.cmdline, MB_CMDLINE_GPA);
	assert_string_equal((char *)f->ram + MB_CMDLINE_GPA, "x86/hyperv_synic.flat a=1 b");
	assert_string_equal((char *)f->ram + mbi.boot_loader_name, "synvmm");
	/* Offset 16 is the command line, where kvm-unit-tests' entry reads it. */
	assert_int_equal(ram32(f, MB_INFO_GPA + 16), MB_CMDLINE_GPA);
	assert_int_equal(mbi.mmap_length, 2 * sizeof(e[0]));
	memcpy(e, f->ram + mbi.mmap_addr, sizeof(e));
	assert_int_equal(e[0].size, 20);
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].len, 0xa0000);
	assert_int_equal(e[0].type, 1);
	assert_int_equal(e[1].addr, 0x100000);
	assert_int_equal(e[1].len, RAM_SIZE - 0x100000);
	/* The GDT the entry state's selectors point at. */
	assert_int_equal(ram32(f, MB_GDT_GPA + 8), 0x0000ffff);
	assert_int_equal(ram32(f, MB_GDT_GPA + 12), 0x00cf9b00);
	assert_int_equal(ram32(f, MB_GDT_GPA + 20), 0x00cf9300);
	/* Everything stays inside the VMM's reserved low memory. */
	assert_true(MB_CMDLINE_GPA + MB_CMDLINE_MAX <= 0x40000);
	assert_true(MB_INFO_GPA >= 0x1000);
}

static void test_info_empty_append_and_long_path(void **state)
{
	struct fixture *f = *state;
	char *path = malloc(MB_CMDLINE_MAX);

	assert_int_equal(multiboot_write_info(&f->gram, "k", ""), 0);
	assert_string_equal((char *)f->ram + MB_CMDLINE_GPA, "k ");
	assert_non_null(path);
	memset(path, 'p', MB_CMDLINE_MAX - 2);
	path[MB_CMDLINE_MAX - 2] = '\0'; /* path, space, one byte, NUL: one too many */
	assert_int_equal(multiboot_write_info(&f->gram, path, "x"), -E2BIG);
	assert_int_equal(multiboot_write_info(&f->gram, path, ""), 0); /* exactly fits */
	assert_int_equal(strlen((char *)f->ram + MB_CMDLINE_GPA), MB_CMDLINE_MAX - 1);
	free(path);
}

static void test_info_big_ram(void **state)
{
	uint64_t size = 6ull << 30;
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct guest_ram ram = { p, size };
	struct mb_mmap_entry e[3];
	struct mb_info mbi;

	(void)state;
	if (p == MAP_FAILED)
		skip();
	assert_int_equal(multiboot_write_info(&ram, "k", ""), 0);
	memcpy(&mbi, p + MB_INFO_GPA, sizeof(mbi));
	/* Upper memory stops at the local APIC page; the rest is above 4 GiB. */
	assert_int_equal(mbi.mem_upper, (0xfee00000u - 0x100000u) >> 10);
	assert_int_equal(mbi.mmap_length, 3 * sizeof(e[0]));
	memcpy(e, p + MB_MMAP_GPA, sizeof(e));
	assert_int_equal(e[1].addr + e[1].len, 0xfee00000u);
	assert_int_equal(e[2].addr, 1ull << 32);
	assert_int_equal(e[2].len, size - (1ull << 32));
	munmap(p, size);
}

static void test_entry_state(void **state)
{
	struct kvm_sregs s;
	struct kvm_regs r;

	(void)state;
	memset(&s, 0xa5, sizeof(s));
	s.apic_base = 0xfee00900;
	multiboot_vcpu_state(&s, &r, 0x400010);
	assert_int_equal(r.rip, 0x400010);
	assert_int_equal(r.rax, 0x2badb002);
	assert_int_equal(r.rbx, MB_INFO_GPA);
	assert_int_equal(r.rflags, 0x2); /* IF = 0 */
	assert_int_equal(r.rsp, 0);
	/* 32-bit flat protected mode, paging off. */
	assert_int_equal(s.cr0 & 0x80000001u, 0x1);
	assert_int_equal(s.efer, 0);
	assert_int_equal(s.cr4, 0);
	assert_int_equal(s.cs.selector, MB_SEL_CODE32);
	assert_int_equal(s.cs.db, 1);
	assert_int_equal(s.cs.l, 0);
	assert_int_equal(s.cs.type, 11);
	assert_int_equal(s.cs.base, 0);
	assert_int_equal(s.cs.limit, 0xffffffffu);
	assert_int_equal(s.cs.g, 1);
	const struct kvm_segment *data[] = { &s.ds, &s.es, &s.fs, &s.gs, &s.ss };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(data[i]->selector, MB_SEL_DATA);
		assert_int_equal(data[i]->type, 3);
		assert_int_equal(data[i]->db, 1);
		assert_int_equal(data[i]->base, 0);
		assert_int_equal(data[i]->limit, 0xffffffffu);
		assert_int_equal(data[i]->present, 1);
	}
	assert_int_equal(s.gdt.base, MB_GDT_GPA);
	assert_int_equal(s.gdt.limit, 23);
	assert_int_equal(s.apic_base, 0xfee00900); /* kept */
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_good_image_loads),
		T(test_page_align_and_memory_flags_accepted),
		T(test_elf64_is_not_multiboot),
		T(test_no_header),
		T(test_header_past_8k_not_found),
		T(test_misaligned_header_not_found),
		T(test_header_in_truncated_file),
		T(test_bad_checksum),
		T(test_video_mode_refused),
		T(test_unknown_required_flag_refused),
		T(test_aout_kludge_refused),
		T(test_wrong_machine),
		T(test_truncated_elf32_header),
		T(test_segment_rules_still_apply),
		T(test_info_block),
		T(test_info_empty_append_and_long_path),
		cmocka_unit_test(test_info_big_ram),
		cmocka_unit_test(test_entry_state),
	};
#undef T

	return cmocka_run_group_tests_name("multiboot", tests, NULL, NULL);
}
