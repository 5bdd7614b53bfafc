// SPDX-License-Identifier: MIT
/* QEMU's hyperv-testdev: command decoding and QEMU's bookkeeping, against
 * fake machine callbacks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hv_testdev.h"
#include "iobus.h"

struct calls {
	int set_sint, create, destroy, refused;
	uint8_t vp, sint, conn;
	bool message;
	int fail_with; /* what the machine answers */
	char why[64];
};

static struct calls c;
static struct hv_testdev dev;

static int fake_set_sint(void *ctx, uint8_t vp, uint8_t sint)
{
	(void)ctx;
	c.set_sint++;
	c.vp = vp;
	c.sint = sint;
	return c.fail_with;
}

static int fake_create(void *ctx, bool message, uint8_t vp, uint8_t sint, uint8_t conn)
{
	(void)ctx;
	c.create++;
	c.message = message;
	c.vp = vp;
	c.sint = sint;
	c.conn = conn;
	return c.fail_with;
}

static int fake_destroy(void *ctx, bool message, uint8_t conn)
{
	(void)ctx;
	c.destroy++;
	c.message = message;
	c.conn = conn;
	return 0;
}

static void fake_refused(void *ctx, uint32_t value, const char *why)
{
	(void)ctx;
	(void)value;
	c.refused++;
	strncpy(c.why, why, sizeof(c.why) - 1);
}

static const struct hv_testdev_ops ops = {
	.set_sint = fake_set_sint,
	.conn_create = fake_create,
	.conn_destroy = fake_destroy,
	.refused = fake_refused,
};

static int setup(void **state)
{
	(void)state;
	memset(&c, 0, sizeof(c));
	hv_testdev_init(&dev, &ops, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hv_testdev_destroy(&dev);
	return 0;
}

/* kvm-unit-tests' synic_ctl(): conn << 24 | ctl << 16 | vcpu << 8 | sint. */
static uint32_t word(uint32_t ctl, uint32_t vp, uint32_t sint, uint32_t conn)
{
	return conn << 24 | ctl << 16 | vp << 8 | sint;
}

static int out32(uint32_t value)
{
	return hv_testdev_io(&dev, 0, 0, &value, 4, true);
}

static void set_sint_needs_a_route(void **state)
{
	(void)state;
	assert_int_equal(hv_testdev_command(&dev, word(3, 1, 2, 0)), -ENOENT);
	assert_int_equal(c.set_sint, 0);
	assert_string_equal(c.why, "no such SINT route");
	assert_int_equal(hv_testdev_command(&dev, word(1, 1, 2, 0)), 0);
	assert_int_equal(out32(word(3, 1, 2, 0)), IO_CONTINUE);
	assert_int_equal(c.set_sint, 1);
	assert_int_equal(c.vp, 1);
	assert_int_equal(c.sint, 2);
	/* another VP's SINT 2 has no route */
	assert_int_equal(hv_testdev_command(&dev, word(3, 0, 2, 0)), -ENOENT);
	assert_int_equal(hv_testdev_command(&dev, word(2, 1, 2, 0)), 0);
	assert_int_equal(hv_testdev_command(&dev, word(3, 1, 2, 0)), -ENOENT);
	assert_int_equal(hv_testdev_command(&dev, word(2, 1, 2, 0)), -ENOENT);
	assert_int_equal(c.set_sint, 1);
}

static void set_sint_failure_is_reported(void **state)
{
	(void)state;
	assert_int_equal(hv_testdev_command(&dev, word(1, 0, 5, 0)), 0);
	c.fail_with = -ENOENT; /* a masked SINT */
	assert_int_equal(hv_testdev_command(&dev, word(3, 0, 5, 0)), -ENOENT);
	assert_string_equal(c.why, "the SINT cannot be raised");
}

static void routes_are_bounded(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < HV_TESTDEV_MAX_ROUTES; i++)
		assert_int_equal(hv_testdev_command(&dev, word(1, i / 16, i % 16, 0)), 0);
	assert_int_equal(hv_testdev_command(&dev, word(1, 9, 9, 0)), -ENOSPC);
	assert_int_equal(c.refused, 1);
}

static void message_and_event_connections(void **state)
{
	(void)state;
	assert_int_equal(out32(word(4, 1, 3, 0x21)), IO_CONTINUE);
	assert_int_equal(c.create, 1);
	assert_true(c.message);
	assert_int_equal(c.vp, 1);
	assert_int_equal(c.sint, 3);
	assert_int_equal(c.conn, 0x21);
	/* the same id as an event connection is another object, as in QEMU */
	assert_int_equal(hv_testdev_command(&dev, word(6, 0, 4, 0x21)), 0);
	assert_false(c.message);
	assert_int_equal(hv_testdev_command(&dev, word(4, 0, 3, 0x21)), -EEXIST);
	assert_int_equal(c.create, 2);
	assert_int_equal(hv_testdev_command(&dev, word(5, 0, 0, 0x21)), 0);
	assert_true(c.message);
	assert_int_equal(hv_testdev_command(&dev, word(5, 0, 0, 0x21)), -ENOENT);
	assert_int_equal(hv_testdev_command(&dev, word(7, 0, 0, 0x21)), 0);
	assert_false(c.message);
	assert_int_equal(c.destroy, 2);
}

static void refused_connection_is_not_recorded(void **state)
{
	(void)state;
	c.fail_with = -EEXIST;
	assert_int_equal(hv_testdev_command(&dev, word(6, 0, 1, 9)), -EEXIST);
	assert_string_equal(c.why, "the SynIC refuses the connection");
	assert_int_equal(hv_testdev_command(&dev, word(7, 0, 0, 9)), -ENOENT);
	assert_int_equal(c.destroy, 0);
}

static void other_widths_unknown_commands_and_reads(void **state)
{
	uint32_t v = word(1, 0, 1, 0);
	uint16_t v16 = (uint16_t)v;
	uint32_t r = 0xffffffff;

	(void)state;
	assert_int_equal(hv_testdev_io(&dev, 0, 0, &v16, 2, true), IO_CONTINUE);
	assert_int_equal(hv_testdev_io(&dev, 0, 1, &v, 4, true), IO_CONTINUE);
	assert_int_equal(hv_testdev_command(&dev, word(3, 0, 1, 0)), -ENOENT); /* no route made */
	assert_int_equal(hv_testdev_command(&dev, word(0, 0, 1, 0)), -EINVAL);
	assert_int_equal(hv_testdev_command(&dev, word(8, 0, 1, 0)), -EINVAL);
	assert_string_equal(c.why, "unknown command");
	assert_int_equal(hv_testdev_io(&dev, 0, 0, &r, 4, false), IO_CONTINUE);
	assert_int_equal(r, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(set_sint_needs_a_route, setup, teardown),
		cmocka_unit_test_setup_teardown(set_sint_failure_is_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(routes_are_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(message_and_event_connections, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_connection_is_not_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(other_widths_unknown_commands_and_reads, setup, teardown),
	};

	return cmocka_run_group_tests_name("hv_testdev", tests, NULL, NULL);
}
