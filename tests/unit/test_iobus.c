// SPDX-License-Identifier: MIT
/* The I/O bus: registration rules, binary-search lookup, offsets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"

struct rec {
	int calls;
	unsigned int vp;
	uint64_t offset;
	unsigned int len;
	bool is_write;
	uint8_t data[8];
	int ret;
};

static int rec_handler(void *dev, unsigned int vp, uint64_t offset, void *data,
		       unsigned int len, bool is_write)
{
	struct rec *r = dev;

	r->calls++;
	r->vp = vp;
	r->offset = offset;
	r->len = len;
	r->is_write = is_write;
	if (is_write)
		memcpy(r->data, data, len < sizeof(r->data) ? len : sizeof(r->data));
	else
		memset(data, 0xa5, len);
	return r->ret;
}

static int other_handler(void *dev, unsigned int vp, uint64_t offset, void *data,
			 unsigned int len, bool is_write)
{
	(void)vp; (void)offset; (void)data; (void)len; (void)is_write;
	(*(int *)dev)++;
	return IO_CONTINUE;
}

static void test_register_and_find(void **state)
{
	struct iobus bus;
	struct rec r = { 0 };

	(void)state;
	iobus_init(&bus, "pio");
	assert_string_equal(bus.name, "pio");
	assert_int_equal(bus.count, 0);
	assert_null(iobus_find(&bus, 0x3f8, 1));
	assert_int_equal(iobus_register(&bus, 0x3f8, 8, rec_handler, &r, "uart"), 0);
	assert_int_equal(bus.count, 1);

	const struct io_range *f = iobus_find(&bus, 0x3f8, 1);
	assert_non_null(f);
	assert_int_equal(f->base, 0x3f8);
	assert_int_equal(f->len, 8);
	assert_ptr_equal(f->dev, &r);
	assert_string_equal(f->name, "uart");
	assert_ptr_equal(iobus_find(&bus, 0x3ff, 1), f);
	assert_null(iobus_find(&bus, 0x3f7, 1));
	assert_null(iobus_find(&bus, 0x400, 1));
}

static void test_binary_search_many(void **state)
{
	static struct iobus bus;
	int hits[IOBUS_MAX_RANGES] = { 0 };

	(void)state;
	iobus_init(&bus, "mmio");
	/* Register out of order (a permutation of 0..31) so sorting matters. */
	for (unsigned int k = 0; k < IOBUS_MAX_RANGES; k++) {
		unsigned int i = (k * 7 + 3) % IOBUS_MAX_RANGES;

		assert_int_equal(iobus_register(&bus, 0x10000 + i * 0x100, 0x10,
						other_handler, &hits[i], "dev"), 0);
	}
	assert_int_equal(bus.count, IOBUS_MAX_RANGES);
	for (size_t i = 1; i < bus.count; i++)
		assert_true(bus.ranges[i - 1].base < bus.ranges[i].base);
	for (unsigned int i = 0; i < IOBUS_MAX_RANGES; i++) {
		uint64_t base = 0x10000 + i * 0x100;
		const struct io_range *f;

		f = iobus_find(&bus, base, 1);
		assert_non_null(f);
		assert_int_equal(f->base, base);
		assert_ptr_equal(f->dev, &hits[i]);
		f = iobus_find(&bus, base + 0xf, 1);
		assert_non_null(f);
		assert_int_equal(f->base, base);
		/* The gaps between ranges belong to nobody. */
		assert_null(iobus_find(&bus, base + 0x10, 1));
		assert_null(iobus_find(&bus, base - 1, 1));
		uint8_t b = 0;
		assert_int_equal(iobus_access(&bus, 0, base + 3, &b, 1, true), IO_CONTINUE);
		assert_int_equal(hits[i], 1);
	}
	assert_null(iobus_find(&bus, 0, 1));
	assert_null(iobus_find(&bus, UINT64_MAX, 1));
}

static void test_overlap_refused(void **state)
{
	struct iobus bus;
	struct rec r = { 0 };

	(void)state;
	iobus_init(&bus, "pio");
	assert_int_equal(iobus_register(&bus, 0x100, 0x10, rec_handler, &r, "a"), 0);
	/* identical */
	assert_int_equal(iobus_register(&bus, 0x100, 0x10, rec_handler, &r, "b"), -EEXIST);
	/* partial, from below and from above */
	assert_int_equal(iobus_register(&bus, 0xf8, 0x9, rec_handler, &r, "b"), -EEXIST);
	assert_int_equal(iobus_register(&bus, 0x10f, 0x4, rec_handler, &r, "b"), -EEXIST);
	/* contained in, and containing, the existing range */
	assert_int_equal(iobus_register(&bus, 0x104, 0x2, rec_handler, &r, "b"), -EEXIST);
	assert_int_equal(iobus_register(&bus, 0x0, 0x1000, rec_handler, &r, "b"), -EEXIST);
	assert_int_equal(bus.count, 1);
	/* touching at either end is fine */
	assert_int_equal(iobus_register(&bus, 0xf0, 0x10, rec_handler, &r, "below"), 0);
	assert_int_equal(iobus_register(&bus, 0x110, 0x10, rec_handler, &r, "above"), 0);
	assert_int_equal(bus.count, 3);
	assert_string_equal(iobus_find(&bus, 0xff, 1)->name, "below");
	assert_string_equal(iobus_find(&bus, 0x100, 1)->name, "a");
	assert_string_equal(iobus_find(&bus, 0x110, 1)->name, "above");
}

static void test_invalid_ranges(void **state)
{
	struct iobus bus;
	struct rec r = { 0 };

	(void)state;
	iobus_init(&bus, "mmio");
	assert_int_equal(iobus_register(&bus, 0x1000, 0, rec_handler, &r, "empty"), -EINVAL);
	assert_int_equal(iobus_register(&bus, UINT64_MAX, 2, rec_handler, &r, "wrap"), -EINVAL);
	assert_int_equal(iobus_register(&bus, 2, UINT64_MAX, rec_handler, &r, "wrap"), -EINVAL);
	assert_int_equal(iobus_register(&bus, 0x1000, 4, NULL, &r, "nofn"), -EINVAL);
	assert_int_equal(bus.count, 0);
	/* The very last byte of the address space is a valid range. */
	assert_int_equal(iobus_register(&bus, UINT64_MAX, 1, rec_handler, &r, "last"), 0);
	assert_non_null(iobus_find(&bus, UINT64_MAX, 1));
}

static void test_full_table(void **state)
{
	static struct iobus bus;
	struct rec r = { 0 };

	(void)state;
	iobus_init(&bus, "pio");
	for (unsigned int i = 0; i < IOBUS_MAX_RANGES; i++)
		assert_int_equal(iobus_register(&bus, i * 4, 4, rec_handler, &r, "d"), 0);
	assert_int_equal(iobus_register(&bus, 0x1000, 4, rec_handler, &r, "extra"), -ENOSPC);
	assert_int_equal(bus.count, IOBUS_MAX_RANGES);
	assert_null(iobus_find(&bus, 0x1000, 1));
}

static void test_straddling_access_unclaimed(void **state)
{
	struct iobus bus;
	struct rec r = { 0 };
	uint8_t buf[4] = { 1, 2, 3, 4 };

	(void)state;
	iobus_init(&bus, "pio");
	assert_int_equal(iobus_register(&bus, 0x60, 4, rec_handler, &r, "kbd"), 0);
	/* Fits exactly at the end: claimed. */
	assert_non_null(iobus_find(&bus, 0x62, 2));
	assert_non_null(iobus_find(&bus, 0x60, 4));
	/* One byte past the end: nobody's. */
	assert_null(iobus_find(&bus, 0x62, 4));
	assert_null(iobus_find(&bus, 0x63, 2));
	assert_int_equal(iobus_access(&bus, 0, 0x63, buf, 2, true), -ENOENT);
	assert_int_equal(iobus_access(&bus, 0, 0x5f, buf, 2, false), -ENOENT);
	assert_int_equal(r.calls, 0);
	/* A zero-length access is never claimed. */
	assert_null(iobus_find(&bus, 0x60, 0));
}

static void test_handler_gets_offset(void **state)
{
	struct iobus bus;
	struct rec r = { .ret = IO_STOP };
	uint8_t out[2] = { 0x12, 0x34 };
	uint8_t in[4] = { 0 };

	(void)state;
	iobus_init(&bus, "mmio");
	assert_int_equal(iobus_register(&bus, 0xfee00000, 0x1000, rec_handler, &r, "apic"), 0);
	assert_int_equal(iobus_access(&bus, 5, 0xfee00300, out, 2, true), IO_STOP);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.vp, 5);
	assert_int_equal(r.offset, 0x300);
	assert_int_equal(r.len, 2);
	assert_true(r.is_write);
	assert_memory_equal(r.data, out, 2);

	r.ret = IO_CONTINUE;
	assert_int_equal(iobus_access(&bus, 1, 0xfee00ffc, in, 4, false), IO_CONTINUE);
	assert_int_equal(r.calls, 2);
	assert_int_equal(r.offset, 0xffc);
	assert_false(r.is_write);
	assert_int_equal(in[0], 0xa5);
	assert_int_equal(in[3], 0xa5);
}

static void test_handler_error_passed_through(void **state)
{
	struct iobus bus;
	struct rec r = { .ret = -EIO };
	uint8_t b = 0;

	(void)state;
	iobus_init(&bus, "pio");
	assert_int_equal(iobus_register(&bus, 0x80, 1, rec_handler, &r, "post"), 0);
	assert_int_equal(iobus_access(&bus, 0, 0x80, &b, 1, true), -EIO);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.offset, 0);
}

static void test_access_near_top_of_address_space(void **state)
{
	struct iobus bus;
	struct rec r = { 0 };
	uint8_t buf[4] = { 0 };

	(void)state;
	iobus_init(&bus, "mmio");
	assert_int_equal(iobus_register(&bus, UINT64_MAX - 0xf, 0x10, rec_handler, &r, "top"), 0);
	assert_non_null(iobus_find(&bus, UINT64_MAX - 3, 4));
	/* addr + len wraps past 2^64: the access leaves the range, so no
	 * device may claim it. */
	assert_null(iobus_find(&bus, UINT64_MAX - 1, 4));
	assert_int_equal(iobus_access(&bus, 0, UINT64_MAX, buf, 4, true), -ENOENT);
	assert_int_equal(r.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_and_find),
		cmocka_unit_test(test_binary_search_many),
		cmocka_unit_test(test_overlap_refused),
		cmocka_unit_test(test_invalid_ranges),
		cmocka_unit_test(test_full_table),
		cmocka_unit_test(test_straddling_access_unclaimed),
		cmocka_unit_test(test_handler_gets_offset),
		cmocka_unit_test(test_handler_error_passed_through),
		cmocka_unit_test(test_access_near_top_of_address_space),
	};

	return cmocka_run_group_tests_name("iobus", tests, NULL, NULL);
}
