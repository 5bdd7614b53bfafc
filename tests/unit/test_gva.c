// SPDX-License-Identifier: MIT
/* The user-space page walker: hand-built tables in a fake guest RAM. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gva.h"

#define RAM_SIZE (4ull << 20)
#define P 0x1ull
#define PS 0x80ull
#define CR0_PG (1ull << 31)
#define CR4_PAE (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)

static uint8_t *ram_host;
static struct guest_ram ram;
static const struct gva_regs long_mode = {
	.cr0 = CR0_PG | 1, .cr3 = 0x10000, .cr4 = CR4_PAE, .efer = EFER_LMA | (1ull << 8),
};

static void put(uint64_t gpa, uint64_t val)
{
	memcpy(ram_host + gpa, &val, 8);
}

static int setup(void **state)
{
	(void)state;
	ram_host = calloc(1, RAM_SIZE);
	ram = (struct guest_ram){ ram_host, RAM_SIZE };
	/* VA 0x4020_3000 (PML4 0, PDPT 1, PD 1, PT 3) -> 4 KiB page 0x300000;
	 * VA 0x4040_0000 (PD 2) -> 2 MiB page at 0x200000;
	 * VA 0x8000_0000 (PDPT 2) -> 1 GiB page at 0. */
	put(0x10000, 0x11000 | P);
	put(0x11000 + 1 * 8, 0x12000 | P);
	put(0x11000 + 2 * 8, 0x0 | P | PS);
	put(0x12000 + 1 * 8, 0x13000 | P);
	put(0x12000 + 2 * 8, 0x200000 | P | PS);
	put(0x13000 + 3 * 8, 0x300000 | P);
	return ram_host ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(ram_host);
	return 0;
}

static void paging_off_is_identity(void **state)
{
	struct gva_regs r = { .cr0 = 1 };
	uint64_t gpa = 0;

	(void)state;
	assert_int_equal(gva_to_gpa(&ram, &r, 0x7000 + 0x1234, &gpa), 0);
	assert_int_equal(gpa, 0x8234);
}

static void four_kib_page(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x40203abcull, &gpa), 0);
	assert_int_equal(gpa, 0x300abc);
}

static void two_mib_page(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x40412345ull, &gpa), 0);
	assert_int_equal(gpa, 0x212345);
}

static void one_gib_page(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x80123456ull, &gpa), 0);
	assert_int_equal(gpa, 0x123456);
}

static void not_present_is_efault(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	/* PML4 entry 1, PDPT entry 3, PD entry 3, PT entry 4: all absent */
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x8000000000ull, &gpa), -EFAULT);
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0xC0000000ull, &gpa), -EFAULT);
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x40600000ull, &gpa), -EFAULT);
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x40204000ull, &gpa), -EFAULT);
}

static void tables_outside_ram_are_efault(void **state)
{
	struct gva_regs r = long_mode;
	uint64_t gpa = 0;

	(void)state;
	r.cr3 = RAM_SIZE; /* the PML4 itself is past the end */
	assert_int_equal(gva_to_gpa(&ram, &r, 0, &gpa), -EFAULT);
	put(0x12000 + 3 * 8, 0xfffffffff000ull | P); /* a PT far beyond RAM */
	assert_int_equal(gva_to_gpa(&ram, &long_mode, 0x40600000ull, &gpa), -EFAULT);
}

static void other_modes_not_walked(void **state)
{
	struct gva_regs legacy = { .cr0 = CR0_PG | 1, .cr3 = 0x10000 };
	struct gva_regs pae = { .cr0 = CR0_PG | 1, .cr3 = 0x10000, .cr4 = CR4_PAE };
	struct gva_regs la57 = long_mode;
	uint64_t gpa = 0;

	(void)state;
	la57.cr4 |= CR4_LA57;
	assert_int_equal(gva_to_gpa(&ram, &legacy, 0x1000, &gpa), -ENOTSUP);
	assert_int_equal(gva_to_gpa(&ram, &pae, 0x1000, &gpa), -ENOTSUP);
	assert_int_equal(gva_to_gpa(&ram, &la57, 0x1000, &gpa), -ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paging_off_is_identity),
		cmocka_unit_test(four_kib_page),
		cmocka_unit_test(two_mib_page),
		cmocka_unit_test(one_gib_page),
		cmocka_unit_test(not_present_is_efault),
		cmocka_unit_test(tables_outside_ram_are_efault),
		cmocka_unit_test(other_modes_not_walked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
