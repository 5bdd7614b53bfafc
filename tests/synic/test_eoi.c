/* synic_sint_eoi: which EOIs belong to a SINT (issue 4: the EOI of a
 * non-AutoEOI SINT vector is reported to synic/). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

static void sint_write(struct fx *f, uint32_t vp, uint8_t sint, uint64_t value)
{
	assert_int_equal(synic_msr_write(f->target, vp, HV_MSR_SINT0 + sint, value, 0),
			 SYNIC_MSR_OK);
}

static void eoi_of_plain_sint_is_matched_and_counted(void **state)
{
	struct fx *f = FX(state);

	sint_write(f, 1, 3, 0x60);
	assert_int_equal(synic_sint_eoi(f->target, 1, 0x60), 3);
	assert_int_equal(synic_sint_eoi(f->target, 1, 0x60), 3);
	assert_int_equal(synic_stats_sint_eois(f->target), 2);
}

static void eoi_of_auto_eoi_sint_is_not_a_sint_eoi(void **state)
{
	struct fx *f = FX(state);

	sint_write(f, 0, 2, 0x70 | HV_SINT_AUTO_EOI);
	assert_int_equal(synic_sint_eoi(f->target, 0, 0x70), -ENOENT);
	assert_int_equal(synic_stats_sint_eois(f->target), 0);
}

static void eoi_of_masked_sint_or_other_vector_is_not_matched(void **state)
{
	struct fx *f = FX(state);

	sint_write(f, 0, 4, 0x80 | HV_SINT_MASKED);
	sint_write(f, 0, 5, 0x90);
	assert_int_equal(synic_sint_eoi(f->target, 0, 0x80), -ENOENT);
	assert_int_equal(synic_sint_eoi(f->target, 0, 0x91), -ENOENT);
	assert_int_equal(synic_sint_eoi(f->target, 0, 0x90), 5);
	assert_int_equal(synic_stats_sint_eois(f->target), 1);
}

static void eoi_is_per_vp(void **state)
{
	struct fx *f = FX(state);

	sint_write(f, 2, 6, 0xa0);
	assert_int_equal(synic_sint_eoi(f->target, 1, 0xa0), -ENOENT);
	assert_int_equal(synic_sint_eoi(f->target, 2, 0xa0), 6);
}

static void shared_vector_matches_lowest_sint(void **state)
{
	struct fx *f = FX(state);

	sint_write(f, 0, 9, 0xb0);
	sint_write(f, 0, 7, 0xb0);
	assert_int_equal(synic_sint_eoi(f->target, 0, 0xb0), 7);
}

static void eoi_on_absent_vp_is_refused(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(synic_vp_remove(f->target, 3), 0);
	assert_int_equal(synic_sint_eoi(f->target, 3, 0x40), -ENOENT);
	assert_int_equal(synic_sint_eoi(f->target, 1000, 0x40), -ENOENT);
}

/* synic_sint_raise: the host asserts a SINT directly (hyperv-testdev). */
static void sint_raise_delivers_the_programmed_vector(void **state)
{
	struct fx *f = FX(state);

	sint_write(f, 1, 7, 0xb7 | HV_SINT_AUTO_EOI);
	assert_int_equal(synic_sint_raise(f->target, 1, 7), 0);
	assert_int_equal(atomic_load(&f->vmm.asserts), 1);
	assert_int_equal(f->vmm.last_vp, 1);
	assert_int_equal(f->vmm.last_sint, 7);
	assert_int_equal(f->vmm.last_vector, 0xb7);
	assert_true(f->vmm.last_auto_eoi);
	assert_int_equal(synic_stats_sints_asserted(f->target), 1);
	/* Edge, not level: every raise is one more interrupt. */
	assert_int_equal(synic_sint_raise(f->target, 1, 7), 0);
	assert_int_equal(atomic_load(&f->vmm.asserts), 2);
}

static void sint_raise_masked_polling_or_absent(void **state)
{
	struct fx *f = FX(state);

	/* Reset state: every SINT masked. */
	assert_int_equal(synic_sint_raise(f->target, 0, 1), -ENOENT);
	sint_write(f, 0, 1, 0x51 | HV_SINT_POLLING);
	assert_int_equal(synic_sint_raise(f->target, 0, 1), 0);
	assert_int_equal(synic_sint_raise(f->target, 0, 16), -EINVAL);
	assert_int_equal(synic_sint_raise(f->target, 1000, 0), -EINVAL);
	assert_int_equal(synic_vp_remove(f->target, 3), 0);
	assert_int_equal(synic_sint_raise(f->target, 3, 0), -EINVAL);
	assert_int_equal(atomic_load(&f->vmm.asserts), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(eoi_of_plain_sint_is_matched_and_counted),
		T(eoi_of_auto_eoi_sint_is_not_a_sint_eoi),
		T(eoi_of_masked_sint_or_other_vector_is_not_matched),
		T(eoi_is_per_vp),
		T(shared_vector_matches_lowest_sint),
		T(eoi_on_absent_vp_is_refused),
		T(sint_raise_delivers_the_programmed_vector),
		T(sint_raise_masked_polling_or_absent),
	};

	return cmocka_run_group_tests_name("synic_eoi", tests, NULL, NULL);
}
