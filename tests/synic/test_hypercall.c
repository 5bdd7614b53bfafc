/* Hypercall layer: control word, register conventions, dispatch, names. */
#include "fixture.h"

#include <errno.h>
#include <string.h>

#define SE HVCALL_SIGNAL_EVENT

static void unknown_code_invalid_hypercall_code(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), 0x0001, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_CODE);
	assert_int_equal(fx_hypercall(FX(state), 0xFFFF, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_CODE);
}

/* HvCallPostMessage is a simple call with memory input only: the fast form
 * is refused like any non-fast call's (QEMU answers INVALID_HYPERCALL_CODE;
 * this layer's rule for every call is INVALID_HYPERCALL_INPUT). */
static void post_message_fast_form_rejected(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), HVCALL_POST_MESSAGE | HV_HC_FAST,
				      1, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(synic_stats_calls(FX(state)->caller, HVCALL_POST_MESSAGE,
					   HV_STATUS_INVALID_HYPERCALL_INPUT), 1);
}

static void control_reserved_bits_invalid_input(void **state)
{
	const int bits[] = { 27, 28, 29, 30, 44, 45, 46, 47, 60, 61, 62, 63 };

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		assert_int_equal(fx_hypercall(FX(state), SE | HV_HC_FAST |
					      1ull << bits[i], 0, 0),
				 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void control_nested_bit_invalid_input(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), SE | HV_HC_FAST | HV_HC_NESTED, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void control_rep_count_on_simple_call(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), SE | HV_HC_FAST | 1ull << 32, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void control_rep_start_on_simple_call(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), SE | HV_HC_FAST | 1ull << 48, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void control_variable_header_invalid_input(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), SE | HV_HC_FAST | 1ull << 17, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void control_fast_only_where_allowed(void **state)
{
	assert_int_equal(fx_hypercall(FX(state), HVCALL_CONNECT_PORT | HV_HC_FAST, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	/* SignalEvent may be fast: past the control check to the connection. */
	assert_int_equal(fx_hypercall(FX(state), SE | HV_HC_FAST, 5, 0),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void result_is_status_only(void **state)
{
	uint64_t r = fx_hypercall(FX(state), SE | HV_HC_FAST, 5, 0);

	assert_int_equal(r >> 16, 0);
}

static void x86_convention_decodes_pairs(void **state)
{
	struct synic_hypercall a = {0}, b = {0};
	uint32_t eax, edx;

	(void)state;
	synic_hypercall_from_x86(&a, 0x1005D, 0x11, 0x22, 0x33, 0x44, 0x55);
	synic_hypercall_from_x64(&b, 0x330001005Dull, 0x1100000022ull, 0x5500000044ull);
	assert_memory_equal(&a, &b, sizeof(a));
	synic_result_to_x86(0x0000000500000012ull, &eax, &edx);
	assert_int_equal(eax, 0x12);
	assert_int_equal(edx, 5);
}

static void x86_convention_signal_end_to_end(void **state)
{
	struct fx *f = FX(state);
	struct synic_hypercall hc = {0};
	uint64_t r = ~0ull;
	uint32_t eax, edx;

	fx_synic_on(f->target, 0, 1);
	fx_event_port(f, 4, 0, 1, 0, 32, 6);
	/* Fast: EDX:EAX control, EBX:ECX = FlagNumber<<32 | ConnectionId. */
	synic_hypercall_from_x86(&hc, SE | HV_HC_FAST, 17, 6, 0, 0, 0);
	assert_int_equal(synic_hypercall(f->caller, 0, &hc, &r), SYNIC_HC_DONE);
	synic_result_to_x86(r, &eax, &edx);
	assert_int_equal(eax, HV_STATUS_SUCCESS);
	assert_int_equal(edx, 0);
	assert_true(fx_flag(f, 0, 1, 17));
}

static void absent_vp_is_vmm_error(void **state)
{
	struct synic_hypercall hc = { .control = SE };
	uint64_t r = 0;

	assert_int_equal(synic_hypercall(FX(state)->caller, NVPS, &hc, &r), -EINVAL);
}

static void ud_leaves_result_untouched(void **state)
{
	struct synic_hypercall hc = { .control = SE, .cpl = 1 };
	uint64_t r = 42;

	assert_int_equal(synic_hypercall(FX(state)->caller, 0, &hc, &r), SYNIC_HC_UD);
	assert_int_equal(r, 42);
}

static void hostile_gpas_never_touch_outside_ram(void **state)
{
	const uint64_t gpas[] = { RAM_SIZE - 8, RAM_SIZE, ~0ull & ~7ull,
				  1ull << 52, 0x8000000000000000ull };

	for (size_t i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++) {
		uint16_t st = (uint16_t)fx_hypercall(FX(state), HVCALL_CREATE_PORT,
						     gpas[i], 0);
		assert_int_equal(st, HV_STATUS_INVALID_ALIGNMENT);
		st = (uint16_t)fx_hypercall(FX(state), HVCALL_POST_MESSAGE, gpas[i], 0);
		assert_int_equal(st, HV_STATUS_INVALID_ALIGNMENT);
	}
}

static void stats_count_unknown_codes(void **state)
{
	struct fx *f = FX(state);

	fx_hypercall(f, 0x1234, 0, 0);
	assert_int_equal(synic_stats_calls(f->caller, 0x1234,
					   HV_STATUS_INVALID_HYPERCALL_CODE), 1);
	assert_int_equal(synic_stats_calls(f->caller, SE, HV_STATUS_SUCCESS), 0);
}

static void failures_are_traced(void **state)
{
	struct fx *f = FX(state);

	fx_hypercall(f, 0x1234, 0, 0);
	fx_signal_fast(f, 5, 0);
	assert_int_equal(f->vmm.traces, 2);
}

static void status_names(void **state)
{
	(void)state;
	assert_string_equal(hv_status_name(HV_STATUS_SUCCESS), "SUCCESS");
	assert_string_equal(hv_status_name(0x18), "INVALID_SYNIC_STATE");
	assert_string_equal(hv_status_name(0x11), "INVALID_PORT_ID");
	assert_string_equal(hv_status_name(0x1D), "NO_RESOURCES");
	assert_string_equal(hv_status_name(0x9999), "UNKNOWN_STATUS");
	for (uint16_t s = 0; s < 0x20; s++)
		assert_non_null(hv_status_name(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(unknown_code_invalid_hypercall_code),
		T(post_message_fast_form_rejected),
		T(control_reserved_bits_invalid_input),
		T(control_nested_bit_invalid_input),
		T(control_rep_count_on_simple_call),
		T(control_rep_start_on_simple_call),
		T(control_variable_header_invalid_input),
		T(control_fast_only_where_allowed),
		T(result_is_status_only),
		T(x86_convention_decodes_pairs),
		T(x86_convention_signal_end_to_end),
		T(absent_vp_is_vmm_error),
		T(ud_leaves_result_untouched),
		T(hostile_gpas_never_touch_outside_ram),
		T(stats_count_unknown_codes),
		T(failures_are_traced),
		T(status_names),
	};

	return cmocka_run_group_tests_name("synic_hypercall", tests, NULL, NULL);
}
