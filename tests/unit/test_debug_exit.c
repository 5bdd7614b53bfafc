// SPDX-License-Identifier: MIT
/* isa-debug-exit: what it reports and the status QEMU would give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "debug_exit.h"
#include "iobus.h"

struct seen {
	int calls;
	unsigned int vp;
	uint32_t code;
};

static void report(void *ctx, unsigned int vp, uint32_t code)
{
	struct seen *s = ctx;

	s->calls++;
	s->vp = vp;
	s->code = code;
}

static void test_write_reports_code_and_stops(void **state)
{
	struct seen s = { 0 };
	struct debug_exit d;
	uint32_t v = 0x12345678;
	uint8_t b = 0x2a;
	uint16_t w = 0xbeef;

	(void)state;
	debug_exit_init(&d, report, &s);
	assert_int_equal(debug_exit_io(&d, 3, 0, &b, 1, true), IO_STOP);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.vp, 3);
	assert_int_equal(s.code, 0x2a);
	/* Width-extended values, at any offset of the range. */
	assert_int_equal(debug_exit_io(&d, 0, 1, &w, 2, true), IO_STOP);
	assert_int_equal(s.code, 0xbeef);
	assert_int_equal(debug_exit_io(&d, 0, 3, &v, 4, true), IO_STOP);
	assert_int_equal(s.code, 0x12345678);
	assert_int_equal(s.calls, 3);
}

static void test_read_is_all_ones_and_harmless(void **state)
{
	struct seen s = { 0 };
	struct debug_exit d;
	uint32_t v = 0;

	(void)state;
	debug_exit_init(&d, report, &s);
	assert_int_equal(debug_exit_io(&d, 0, 0, &v, 4, false), IO_CONTINUE);
	assert_int_equal(v, 0xffffffffu);
	assert_int_equal(s.calls, 0);
}

static void test_status_is_qemus(void **state)
{
	(void)state;
	assert_int_equal(debug_exit_status(0), 1);
	assert_int_equal(debug_exit_status(1), 3);
	assert_int_equal(debug_exit_status(0x2a), 0x55);
	assert_int_equal(debug_exit_status(0x7f), 0xff);
	/* As the shell sees it: 8 bits, so 0x80 gives 1 and nothing gives 0. */
	assert_int_equal(debug_exit_status(0x80), 1);
	assert_int_equal(debug_exit_status(0xffffffffu), 0xff);
	for (uint32_t c = 0; c < 1024; c++)
		assert_int_not_equal(debug_exit_status(c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_reports_code_and_stops),
		cmocka_unit_test(test_read_is_all_ones_and_harmless),
		cmocka_unit_test(test_status_is_qemus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
