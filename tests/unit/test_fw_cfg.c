// SPDX-License-Identifier: MIT
/* The fw_cfg device through its iobus handler, as a guest drives it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fw_cfg.h"
#include "iobus.h"

#define RAM (128ull << 20)

static int setup(void **state)
{
	struct fw_cfg *fc = malloc(sizeof(*fc));

	assert_non_null(fc);
	fw_cfg_init(fc, RAM, 2, 64);
	*state = fc;
	return 0;
}

static int teardown(void **state)
{
	fw_cfg_destroy(*state);
	free(*state);
	return 0;
}

static void select_key(struct fw_cfg *fc, uint16_t key)
{
	assert_int_equal(fw_cfg_io(fc, 0, 0, &key, 2, true), IO_CONTINUE);
}

static uint8_t data_byte(struct fw_cfg *fc)
{
	uint8_t b = 0xaa;

	assert_int_equal(fw_cfg_io(fc, 0, 1, &b, 1, false), IO_CONTINUE);
	return b;
}

/* As kvm-unit-tests' fwcfg_get_u(): select, then `bytes` 8-bit reads, LE. */
static uint64_t read_le(struct fw_cfg *fc, uint16_t key, int bytes)
{
	uint64_t v = 0;

	select_key(fc, key);
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)data_byte(fc) << (8 * i);
	return v;
}

static void test_signature(void **state)
{
	struct fw_cfg *fc = *state;
	char sig[5] = { 0 };

	select_key(fc, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)data_byte(fc);
	assert_string_equal(sig, "QEMU");
	/* Past the end: zeros, however long the guest reads. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(data_byte(fc), 0);
}

static void test_signature_selected_at_reset(void **state)
{
	struct fw_cfg *fc = *state;

	assert_int_equal(data_byte(fc), 'Q');
	assert_int_equal(data_byte(fc), 'E');
}

static void test_integers_little_endian(void **state)
{
	struct fw_cfg *fc = *state;

	assert_int_equal(read_le(fc, FW_CFG_ID, 4), FW_CFG_ID_TRADITIONAL);
	assert_int_equal(read_le(fc, FW_CFG_RAM_SIZE, 8), RAM);
	assert_int_equal(read_le(fc, FW_CFG_NB_CPUS, 2), 2);
	assert_int_equal(read_le(fc, FW_CFG_MAX_CPUS, 2), 64);
	/* Wider than the item: the rest reads 0. */
	assert_int_equal(read_le(fc, FW_CFG_NB_CPUS, 8), 2);
	/* FILE_DIR: a count of 0 files. */
	assert_int_equal(read_le(fc, FW_CFG_FILE_DIR, 4), 0);
}

static void test_big_ram_size(void **state)
{
	struct fw_cfg *fc = *state;

	fw_cfg_destroy(fc);
	fw_cfg_init(fc, 0x0123456789abcdefull, 64, 64);
	assert_true(read_le(fc, FW_CFG_RAM_SIZE, 8) == 0x0123456789abcdefull);
}

static void test_reselect_rewinds(void **state)
{
	struct fw_cfg *fc = *state;

	select_key(fc, FW_CFG_SIGNATURE);
	assert_int_equal(data_byte(fc), 'Q');
	assert_int_equal(data_byte(fc), 'E');
	select_key(fc, FW_CFG_SIGNATURE);
	assert_int_equal(data_byte(fc), 'Q');
}

static void test_unknown_keys_read_zero(void **state)
{
	struct fw_cfg *fc = *state;
	static const uint16_t keys[] = { 0x02, 0x04, 0x20, 0x3fff, FW_CFG_ARCH_LOCAL,
					 FW_CFG_ARCH_LOCAL | FW_CFG_RAM_SIZE, 0xffff };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		assert_int_equal(read_le(fc, keys[k], 8), 0);
}

static void test_write_channel_bit_reads_item(void **state)
{
	struct fw_cfg *fc = *state;
	uint8_t b = 'X';

	/* Bit 14 asks for write access; reads still return the item and a
	 * data write changes nothing. */
	select_key(fc, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS);
	assert_int_equal(fw_cfg_io(fc, 0, 1, &b, 1, true), IO_CONTINUE);
	assert_int_equal(read_le(fc, FW_CFG_WRITE_CHANNEL | FW_CFG_NB_CPUS, 2), 2);
	assert_int_equal(read_le(fc, FW_CFG_NB_CPUS, 2), 2);
}

static void test_odd_accesses(void **state)
{
	struct fw_cfg *fc = *state;
	uint8_t b = FW_CFG_NB_CPUS;
	uint16_t w = 0;

	select_key(fc, FW_CFG_SIGNATURE);
	/* An 8-bit selector write selects nothing. */
	assert_int_equal(fw_cfg_io(fc, 0, 0, &b, 1, true), IO_CONTINUE);
	assert_int_equal(data_byte(fc), 'Q');
	/* The selector reads as all ones and does not move the offset. */
	assert_int_equal(fw_cfg_io(fc, 0, 0, &w, 2, false), IO_CONTINUE);
	assert_int_equal(w, 0xffff);
	b = 0;
	assert_int_equal(fw_cfg_io(fc, 0, 0, &b, 1, false), IO_CONTINUE);
	assert_int_equal(b, 0xff);
	assert_int_equal(data_byte(fc), 'E');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_signature),
		T(test_signature_selected_at_reset),
		T(test_integers_little_endian),
		T(test_big_ram_size),
		T(test_reselect_rewinds),
		T(test_unknown_keys_read_zero),
		T(test_write_channel_bit_reads_item),
		T(test_odd_accesses),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
