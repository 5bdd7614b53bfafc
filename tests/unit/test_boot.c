// SPDX-License-Identifier: MIT
/* Boot tables in a fake guest RAM, and the initial vCPU state. */
#include <errno.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "boot.h"
#include "testdev_abi.h"

#define RAM_SIZE (8ull << 20)
#define GIB (1ull << 30)

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull

struct fixture {
	uint8_t *ram;
	struct guest_ram gram;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	f->gram = (struct guest_ram){ f->ram, RAM_SIZE };
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

static uint64_t rd64(const struct fixture *f, uint64_t gpa)
{
	uint64_t v;

	assert_true(gpa + 8 <= RAM_SIZE);
	memcpy(&v, f->ram + gpa, 8);
	return v;
}

/* Walks PML4 -> PDPT -> PD (2 MiB page) the way the CPU would. */
static uint64_t walk(const struct fixture *f, uint64_t va)
{
	uint64_t cr3 = BOOT_PML4_GPA;
	uint64_t pml4e = rd64(f, cr3 + ((va >> 39) & 511) * 8);
	uint64_t pdpte, pde;

	assert_true(pml4e & PTE_P);
	assert_true(pml4e & PTE_RW);
	assert_true(pml4e & PTE_US);
	pdpte = rd64(f, (pml4e & PTE_ADDR) + ((va >> 30) & 511) * 8);
	assert_true(pdpte & PTE_P);
	assert_true(pdpte & PTE_RW);
	assert_true(pdpte & PTE_US);
	assert_false(pdpte & PTE_PS); /* points to a PD, not a 1 GiB page */
	pde = rd64(f, (pdpte & PTE_ADDR) + ((va >> 21) & 511) * 8);
	assert_true(pde & PTE_P);
	assert_true(pde & PTE_RW);
	assert_true(pde & PTE_US);
	assert_true(pde & PTE_PS);
	return (pde & 0x000fffffffe00000ull) | (va & 0x1fffff);
}

static void test_bootinfo_fields(void **state)
{
	struct fixture *f = *state;
	struct bootinfo bi;

	assert_int_equal(boot_write_tables(&f->gram, 3, "quiet seed=42"), 0);
	memcpy(&bi, f->ram + BOOT_INFO_GPA, sizeof(bi));
	assert_int_equal(bi.magic, BOOTINFO_MAGIC);
	assert_int_equal(bi.version, 1);
	assert_int_equal(bi.nr_cpus, 3);
	assert_int_equal(bi.ram_size, RAM_SIZE);
	assert_int_equal(bi.cmdline_gpa, BOOT_CMDLINE_GPA);
	assert_int_equal(bi.cmdline_len, strlen("quiet seed=42"));
	assert_string_equal((const char *)f->ram + bi.cmdline_gpa, "quiet seed=42");
	/* The block and the command line stay in the reserved area. */
	assert_true(BOOT_INFO_GPA + sizeof(bi) <= BOOT_CMDLINE_GPA);
	assert_true(BOOT_CMDLINE_GPA + BOOTINFO_CMDLINE_MAX <= BOOT_PML4_GPA);
}

static void test_empty_cmdline(void **state)
{
	struct fixture *f = *state;
	struct bootinfo bi;

	memset(f->ram + BOOT_CMDLINE_GPA, 'x', 16);
	assert_int_equal(boot_write_tables(&f->gram, 1, ""), 0);
	memcpy(&bi, f->ram + BOOT_INFO_GPA, sizeof(bi));
	assert_int_equal(bi.cmdline_len, 0);
	assert_int_equal(f->ram[BOOT_CMDLINE_GPA], 0);
}

static void test_gdt_descriptors(void **state)
{
	struct fixture *f = *state;
	uint64_t code, data, tss_lo, tss_hi, base;

	assert_int_equal(boot_write_tables(&f->gram, 1, ""), 0);
	assert_int_equal(rd64(f, BOOT_GDT_GPA), 0);
	code = rd64(f, BOOT_GDT_GPA + BOOT_SEL_CODE64);
	assert_true(code & (1ull << 53));  /* L: 64-bit code */
	assert_false(code & (1ull << 54)); /* D clear, as L requires */
	assert_true(code & (1ull << 47));  /* present */
	assert_true(code & (1ull << 44));  /* S: code/data */
	assert_true(code & (1ull << 43));  /* executable */
	assert_int_equal((code >> 45) & 3, 0); /* DPL 0 */
	data = rd64(f, BOOT_GDT_GPA + BOOT_SEL_DATA);
	assert_true(data & (1ull << 47));
	assert_false(data & (1ull << 43)); /* not executable */
	assert_true(data & (1ull << 41));  /* writable */

	tss_lo = rd64(f, BOOT_GDT_GPA + BOOT_SEL_TSS);
	tss_hi = rd64(f, BOOT_GDT_GPA + BOOT_SEL_TSS + 8);
	base = ((tss_lo >> 16) & 0xffffff) | (((tss_lo >> 56) & 0xff) << 24) |
	       ((tss_hi & 0xffffffff) << 32);
	assert_int_equal(base, BOOT_TSS_GPA);
	assert_int_equal((tss_lo & 0xffff) | (((tss_lo >> 48) & 0xf) << 16), 0x67);
	assert_int_equal((tss_lo >> 40) & 0xf, 9); /* 64-bit TSS, available */
	assert_true(tss_lo & (1ull << 47));        /* present */
	assert_false(tss_lo & (1ull << 44));       /* system descriptor */
}

static void test_page_walk_identity(void **state)
{
	struct fixture *f = *state;
	static const uint64_t addrs[] = {
		0, 0x1000, 1ull << 20, RAM_SIZE - 1, GIB - 1, GIB, 3 * GIB + 12345,
		GUEST_APIC_BASE, GUEST_APIC_BASE + 0x3f0, 4 * GIB - 1,
	};

	assert_int_equal(boot_write_tables(&f->gram, 1, ""), 0);
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		assert_int_equal(walk(f, addrs[i]), addrs[i]);
	/* 4 GiB and above is not mapped with 8 MiB of RAM. */
	assert_int_equal(rd64(f, BOOT_PDPT_GPA + 4 * 8), 0);
	/* Only the first PML4 entry is used. */
	assert_int_equal(rd64(f, BOOT_PML4_GPA + 8), 0);
	assert_int_equal(rd64(f, BOOT_PML4_GPA + 511 * 8), 0);
}

static void test_page_tables_overwrite_garbage(void **state)
{
	struct fixture *f = *state;

	/* Stale bytes in the PML4/PDPT must not survive as mappings. */
	memset(f->ram + BOOT_PML4_GPA, 0xff, 2 * 4096);
	assert_int_equal(boot_write_tables(&f->gram, 1, ""), 0);
	assert_int_equal(rd64(f, BOOT_PML4_GPA + 8), 0);
	assert_int_equal(rd64(f, BOOT_PDPT_GPA + 4 * 8), 0);
	assert_int_equal(walk(f, GUEST_APIC_BASE), GUEST_APIC_BASE);
}

static void test_mapped_gib(void **state)
{
	(void)state;
	assert_int_equal(boot_mapped_gib(8ull << 20), 4);
	assert_int_equal(boot_mapped_gib(1 * GIB), 4);
	assert_int_equal(boot_mapped_gib(4 * GIB), 4);
	assert_int_equal(boot_mapped_gib(4 * GIB + 1), 5);
	assert_int_equal(boot_mapped_gib(5 * GIB), 5);
	assert_int_equal(boot_mapped_gib(32 * GIB), 32);
}

static void test_cmdline_too_long(void **state)
{
	struct fixture *f = *state;
	char *line = malloc(BOOTINFO_CMDLINE_MAX + 1);

	assert_non_null(line);
	memset(line, 'a', BOOTINFO_CMDLINE_MAX);
	line[BOOTINFO_CMDLINE_MAX] = '\0';
	assert_int_equal(boot_write_tables(&f->gram, 1, line), -E2BIG);
	/* Nothing was written. */
	assert_int_equal(rd64(f, BOOT_INFO_GPA), 0);
	/* One shorter fits, NUL included. */
	line[BOOTINFO_CMDLINE_MAX - 1] = '\0';
	assert_int_equal(boot_write_tables(&f->gram, 1, line), 0);
	assert_int_equal(strlen((const char *)f->ram + BOOT_CMDLINE_GPA),
			 BOOTINFO_CMDLINE_MAX - 1);
	free(line);
}

static void test_ram_too_small(void **state)
{
	struct fixture *f = *state;
	struct guest_ram small = { f->ram, 1ull << 20 };

	assert_int_equal(boot_write_tables(&small, 1, ""), -EINVAL);
	assert_int_equal(rd64(f, BOOT_INFO_GPA), 0);
	small.size = 0x40000;
	assert_int_equal(boot_write_tables(&small, 1, ""), -EINVAL);
	/* The smallest --mem (2 MiB) works. */
	small.size = 2ull << 20;
	assert_int_equal(boot_write_tables(&small, 1, ""), 0);
	assert_int_equal(rd64(f, BOOT_INFO_GPA), BOOTINFO_MAGIC);
}

static void test_vcpu_state(void **state)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	(void)state;
	memset(&sregs, 0xee, sizeof(sregs));
	memset(&regs, 0xee, sizeof(regs));
	boot_vcpu_state(&sregs, &regs, 0x100040, 3);
	assert_int_equal(regs.rip, 0x100040);
	assert_int_equal(regs.rdi, BOOT_INFO_GPA);
	assert_int_equal(regs.rdi, 0x2000);
	assert_int_equal(regs.rsi, 3);
	assert_int_equal(regs.rsp, 0);
	assert_int_equal(regs.rax, 0);
	assert_int_equal(regs.rflags, 0x2);

	assert_int_equal(sregs.cs.l, 1);
	assert_int_equal(sregs.cs.db, 0);
	assert_int_equal(sregs.cs.selector, BOOT_SEL_CODE64);
	assert_int_equal(sregs.cs.present, 1);
	assert_int_equal(sregs.cs.dpl, 0);
	assert_int_equal(sregs.ds.selector, BOOT_SEL_DATA);
	assert_int_equal(sregs.ss.selector, BOOT_SEL_DATA);
	assert_int_equal(sregs.ss.l, 0);
	assert_int_equal(sregs.tr.selector, BOOT_SEL_TSS);
	assert_int_equal(sregs.tr.base, BOOT_TSS_GPA);
	assert_int_equal(sregs.tr.type, 11);
	assert_int_equal(sregs.gdt.base, BOOT_GDT_GPA);
	assert_int_equal(sregs.gdt.limit, 5 * 8 - 1);

	assert_true(sregs.cr0 & 0x80000000ull); /* PG */
	assert_true(sregs.cr0 & 0x1ull);        /* PE */
	assert_true(sregs.cr4 & 0x20ull);       /* PAE */
	assert_true(sregs.efer & 0x100ull);     /* LME */
	assert_true(sregs.efer & 0x400ull);     /* LMA */
	assert_int_equal(sregs.cr3, 0x4000);
	assert_int_equal(sregs.cr3, BOOT_PML4_GPA);
}

static void test_vcpu_state_per_vp(void **state)
{
	struct kvm_sregs s0, s1;
	struct kvm_regs r0, r1;

	(void)state;
	memset(&s0, 0, sizeof(s0));
	memset(&s1, 0, sizeof(s1));
	boot_vcpu_state(&s0, &r0, 0x100000, 0);
	boot_vcpu_state(&s1, &r1, 0x100000, 7);
	assert_int_equal(r0.rsi, 0);
	assert_int_equal(r1.rsi, 7);
	assert_int_equal(r0.rip, r1.rip);
	assert_int_equal(r0.rdi, r1.rdi);
	assert_memory_equal(&s0.cs, &s1.cs, sizeof(s0.cs));
}

static void test_sipi_state(void **state)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	(void)state;
	memset(&sregs, 0xa5, sizeof(sregs)); /* whatever the vCPU had before */
	memset(&regs, 0xa5, sizeof(regs));
	sregs.apic_base = 0xfee00800;
	boot_sipi_state(&sregs, &regs, 0x70, 0x00a00f11);
	/* CS:IP = 0x7000:0000, so the first instruction is at page 0x70. */
	assert_int_equal(sregs.cs.selector, 0x7000);
	assert_int_equal(sregs.cs.base, 0x70000);
	assert_int_equal(sregs.cs.limit, 0xffff);
	assert_int_equal(sregs.cs.l, 0);
	assert_int_equal(sregs.cs.db, 0);
	assert_int_equal(sregs.ss.base, 0);
	assert_int_equal(sregs.ds.limit, 0xffff);
	assert_int_equal(regs.rip, 0);
	assert_int_equal(regs.rflags, 0x2); /* interrupts off */
	assert_int_equal(regs.rdx, 0x00a00f11);
	assert_int_equal(regs.rax, 0);
	assert_int_equal(regs.rsp, 0);
	assert_int_equal(sregs.cr0, 0x60000010); /* real mode, no paging */
	assert_int_equal(sregs.cr3, 0);
	assert_int_equal(sregs.cr4, 0);
	assert_int_equal(sregs.efer, 0);
	assert_int_equal(sregs.idt.limit, 0xffff);
	assert_int_equal(sregs.apic_base, 0xfee00800); /* kept */
	for (size_t i = 0; i < sizeof(sregs.interrupt_bitmap) / sizeof(sregs.interrupt_bitmap[0]); i++)
		assert_int_equal(sregs.interrupt_bitmap[i], 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bootinfo_fields),
		T(test_empty_cmdline),
		T(test_gdt_descriptors),
		T(test_page_walk_identity),
		T(test_page_tables_overwrite_garbage),
		cmocka_unit_test(test_mapped_gib),
		T(test_cmdline_too_long),
		T(test_ram_too_small),
		cmocka_unit_test(test_vcpu_state),
		cmocka_unit_test(test_vcpu_state_per_vp),
		cmocka_unit_test(test_sipi_state),
	};

	return cmocka_run_group_tests_name("boot", tests, NULL, NULL);
}
