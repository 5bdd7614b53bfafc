// SPDX-License-Identifier: MIT
/* The legacy PIC ports on a bus, with and without --strict-io's view. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"
#include "pic.h"

static void bus_with_pics(struct iobus *bus)
{
	iobus_init(bus, "pio");
	assert_int_equal(iobus_register(bus, PIC_MASTER_BASE, PIC_NR_PORTS, pic_io, NULL, "pic1"), 0);
	assert_int_equal(iobus_register(bus, PIC_SLAVE_BASE, PIC_NR_PORTS, pic_io, NULL, "pic2"), 0);
}

static void test_writes_are_claimed_and_ignored(void **state)
{
	static const uint16_t ports[] = { 0x20, 0x21, 0xa0, 0xa1 };
	struct iobus bus;
	uint8_t v;

	(void)state;
	bus_with_pics(&bus);
	for (size_t i = 0; i < 4; i++) {
		/* kvm-unit-tests' mask_pic_interrupts, and an ICW1. */
		v = 0xff;
		assert_int_equal(iobus_access(&bus, 0, ports[i], &v, 1, true), IO_CONTINUE);
		v = 0x11;
		assert_int_equal(iobus_access(&bus, 0, ports[i], &v, 1, true), IO_CONTINUE);
	}
	/* Writes changed nothing: the mask still reads "all masked". */
	v = 0;
	assert_int_equal(iobus_access(&bus, 0, 0x21, &v, 1, false), IO_CONTINUE);
	assert_int_equal(v, 0xff);
}

static void test_reads(void **state)
{
	struct iobus bus;
	uint8_t b[2];

	(void)state;
	bus_with_pics(&bus);
	memset(b, 0x55, sizeof(b));
	assert_int_equal(iobus_access(&bus, 0, 0x20, b, 1, false), IO_CONTINUE);
	assert_int_equal(b[0], 0x00); /* nothing requested or in service */
	assert_int_equal(iobus_access(&bus, 0, 0xa1, b, 1, false), IO_CONTINUE);
	assert_int_equal(b[0], 0xff); /* every line masked */
	memset(b, 0x55, sizeof(b));
	assert_int_equal(iobus_access(&bus, 0, 0xa0, b, 2, false), IO_CONTINUE);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0xff);
}

static void test_neighbours_stay_unclaimed(void **state)
{
	struct iobus bus;
	uint8_t v = 0;

	(void)state;
	bus_with_pics(&bus);
	assert_int_equal(iobus_access(&bus, 0, 0x22, &v, 1, false), -ENOENT);
	assert_int_equal(iobus_access(&bus, 0, 0x1f, &v, 1, true), -ENOENT);
	assert_int_equal(iobus_access(&bus, 0, 0xa2, &v, 1, true), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writes_are_claimed_and_ignored),
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_neighbours_stay_unclaimed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
