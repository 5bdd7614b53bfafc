/* HvCallSignalEvent: every row of the seed's status table, the rules of
 * hyperv.md section 8, and delivery. */
#include "fixture.h"

#include <string.h>

#define CONN 0x100
#define PORT 0x200

static void setup_vp1(struct fx *f)
{
	fx_synic_on(f->target, 1, 3);
	fx_event_port(f, PORT, 1, 3, 0, 64, CONN);
}

/* -- delivery -- */
static void signal_success_sets_flag_and_asserts(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN, 9), HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 1, 3, 9));
	assert_int_equal(f->vmm.asserts, 1);
	assert_int_equal(f->vmm.last_vp, 1);
	assert_int_equal(f->vmm.last_sint, 3);
	assert_int_equal(f->vmm.last_vector, 0x43);
	assert_false(f->vmm.last_auto_eoi);
}

static void signal_flag_already_set_no_interrupt(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN, 9), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 9), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.asserts, 1);
}

static void signal_after_guest_clear_asserts_again(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN, 9), HV_STATUS_SUCCESS);
	f->vmm.ram[SIEF_GPA + 4096 + 3 * 256 + 1] &= (uint8_t)~2u;
	assert_int_equal(fx_signal_fast(f, CONN, 9), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.asserts, 2);
}

static void signal_polling_sint_flag_no_interrupt(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_POLLING, 0), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 1, 3, 1));
	assert_int_equal(f->vmm.asserts, 0);
}

static void signal_auto_eoi_passed_to_seam(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_AUTO_EOI, 0), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_SUCCESS);
	assert_true(f->vmm.last_auto_eoi);
}

static void signal_other_bits_untouched(void **state)
{
	struct fx *f = FX(state);
	uint8_t *page = f->vmm.ram + SIEF_GPA + 4096;

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN, 10), HV_STATUS_SUCCESS);
	for (unsigned i = 0; i < 4096; i++)
		assert_int_equal(page[i], i == 3 * 256 + 1 ? 0x04 : 0);
}

/* -- seed table rows -- */
static void signal_access_denied_without_privilege(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	synic_partition_set_privileges(f->caller, ALL_PRIVS & ~HV_PRIV_SIGNAL_EVENTS);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_ACCESS_DENIED);
	assert_false(fx_flag(f, 1, 3, 1));
}

static void signal_invalid_connection_id_unknown(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN + 1, 1),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void signal_invalid_connection_id_after_disconnect(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_disconnect(f->s, CALLER_ID, CONN), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_CONNECTION_ID);
}

static void signal_connection_of_other_partition_invalid(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	/* The target partition has no connection CONN of its own. */
	assert_int_equal(synic_signal_event(f->target, CONN, 1),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void signal_port_deleted_invalid_port_id(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_PORT_ID);
	assert_false(fx_flag(f, 1, 3, 1));
}

static void signal_port_recreated_connection_works_again(void **state)
{
	struct fx *f = FX(state);
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = PORT,
		.type = HV_PORT_TYPE_EVENT, .target_sint = 3, .target_vp = 1,
		.flag_count = 8,
	};

	setup_vp1(f);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 7), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 8), HV_STATUS_INVALID_PARAMETER);
}

static void signal_port_partition_suspended_invalid_port_id(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_SUSPENDED), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_ACTIVE), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_SUCCESS);
}

static void signal_port_partition_finalized_invalid_port_id(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZED), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_PORT_ID);
}

static void signal_port_partition_created_not_active(void **state)
{
	struct fx *f = FX(state);
	struct synic_partition_config cfg = {
		.id = 9, .max_vps = 1, .privileges = ALL_PRIVS,
		.seams = &fake_seams, .opaque = &f->vmm,
	};
	struct synic_partition *p;
	struct synic_port_params pp = {
		.partition_id = 9, .port_id = 1, .type = HV_PORT_TYPE_EVENT,
		.target_sint = 1, .target_vp = 0, .flag_count = 1,
	};

	assert_int_equal(synic_partition_create(f->s, &cfg, &p), 0);
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 5, 9, 1), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, 5, 0), HV_STATUS_INVALID_PORT_ID);
}

static void signal_message_port_invalid_port_id(void **state)
{
	struct fx *f = FX(state);
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = 7,
		.type = HV_PORT_TYPE_MESSAGE, .target_sint = 3, .target_vp = 1,
	};

	fx_synic_on(f->target, 1, 3);
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 8, TARGET_ID, 7), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, 8, 0), HV_STATUS_INVALID_PORT_ID);
}

static void signal_monitor_port_invalid_port_id(void **state)
{
	struct fx *f = FX(state);
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = 7, .type = HV_PORT_TYPE_MONITOR,
	};

	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 8, TARGET_ID, 7), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, 8, 0), HV_STATUS_INVALID_PORT_ID);
}

static void signal_flag_ge_count_invalid_parameter(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN, 64), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_signal_fast(f, CONN, 0xFFFF), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_signal_fast(f, CONN, 63), HV_STATUS_SUCCESS);
}

static void signal_target_vp_removed_invalid_vp_index(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_vp_remove(f->target, 1), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_VP_INDEX);
	assert_false(fx_flag(f, 1, 3, 1));
}

static void signal_scontrol_disabled_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SCONTROL, 0, 0), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_SYNIC_STATE);
	assert_false(fx_flag(f, 1, 3, 1));
}

static void signal_siefp_disabled_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIEFP,
					 SIEF_GPA + 4096, 0), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_SYNIC_STATE);
	assert_false(fx_flag(f, 1, 3, 1));
}

static void signal_sief_outside_ram_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	/* A host restore may leave a SIEFP the RAM no longer backs. */
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIEFP,
					 (RAM_SIZE + 0x1000ull) | 1,
					 SYNIC_ACCESS_HOST), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(f->vmm.asserts, 0);
}

/* -- section 8 rules -- */
static void rule2_rsvdz_nonzero_invalid_input(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
				      CONN | 1ull << 48, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
				      CONN | 1ull << 63, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_false(fx_flag(f, 1, 3, 0));
}

static void rule2_connection_id_high_bits_invalid_input(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_signal_fast(f, CONN | 0x01000000u, 1),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(fx_signal_fast(f, CONN | 0x80000000u, 1),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	/* Direct library callers get the connection answer, never an alias. */
	assert_int_equal(synic_signal_event(f->caller, CONN | 0x01000000u, 1),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void rule3_masked_sint_flag_left_clear(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_MASKED, 0), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_SYNIC_STATE);
	assert_false(fx_flag(f, 1, 3, 1));
	assert_int_equal(f->vmm.asserts, 0);
}

static void rule4_any_vp_lowest_eligible(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, 1, 2);   /* vp0: SynIC off */
	fx_synic_on(f->target, 2, 2);
	fx_synic_on(f->target, 3, 2);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 2,
					 HV_SINT_MASKED, 0), 0);  /* vp1 masked */
	fx_event_port(f, PORT, HV_ANY_VP, 2, 0, 16, CONN);
	assert_int_equal(fx_signal_fast(f, CONN, 4), HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 2, 2, 4));
	assert_false(fx_flag(f, 3, 2, 4));
	assert_int_equal(f->vmm.last_vp, 2);
}

static void rule4_any_vp_skips_sief_disabled_and_removed(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, 0, 2);
	fx_synic_on(f->target, 1, 2);
	fx_synic_on(f->target, 3, 2);
	assert_int_equal(synic_vp_remove(f->target, 0), 0);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIEFP, 0, 0), 0);
	fx_event_port(f, PORT, HV_ANY_VP, 2, 0, 16, CONN);
	assert_int_equal(fx_signal_fast(f, CONN, 4), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.last_vp, 3);
}

static void rule4_any_vp_none_invalid_vp_index(void **state)
{
	struct fx *f = FX(state);

	fx_event_port(f, PORT, HV_ANY_VP, 2, 0, 16, CONN);
	assert_int_equal(fx_signal_fast(f, CONN, 4), HV_STATUS_INVALID_VP_INDEX);
}

static void rule6_full_flag_number_base_plus_flag(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, 1, 3);
	fx_event_port(f, PORT, 1, 3, 100, 20, CONN);
	assert_int_equal(fx_signal_fast(f, CONN, 5), HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 1, 3, 105));
	assert_false(fx_flag(f, 1, 3, 5));
}

static void rule6_last_flag_2047(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, 1, 15);
	fx_event_port(f, PORT, 1, 15, 2000, 48, CONN);
	assert_int_equal(fx_signal_fast(f, CONN, 47), HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 1, 15, 2047));
	assert_int_equal(f->vmm.ram[SIEF_GPA + 4096 + 4095], 0x80);
}

/* Rule 8.1, pairwise: each case breaks two checks and expects the earlier. */
static void order_ud_before_call_code(void **state)
{
	struct fx *f = FX(state);
	struct synic_hypercall hc = { .control = 0x7777, .cpl = 3 };
	uint64_t r = 0;

	assert_int_equal(synic_hypercall(f->caller, 0, &hc, &r), SYNIC_HC_UD);
	hc.cpl = 0;
	hc.real_mode = true;
	assert_int_equal(synic_hypercall(f->caller, 0, &hc, &r), SYNIC_HC_UD);
}

static void order_call_code_before_privilege(void **state)
{
	struct fx *f = FX(state);

	synic_partition_set_privileges(f->caller, 0);
	assert_int_equal(fx_hypercall(f, 0x7777, 0, 0), HV_STATUS_INVALID_HYPERCALL_CODE);
}

static void order_privilege_before_control_and_input(void **state)
{
	struct fx *f = FX(state);

	synic_partition_set_privileges(f->caller, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT | 1ull << 32 | 1ull << 27,
				      3, 0), HV_STATUS_ACCESS_DENIED);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
				      1ull << 48, 0), HV_STATUS_ACCESS_DENIED);
}

static void order_control_before_input_fetch(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT | 1ull << 32, 3, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void order_input_fetch_before_reserved_input(void **state)
{
	struct fx *f = FX(state);

	/* Unaligned GPA whose bytes would also have RsvdZ set. */
	memset(f->vmm.ram + INPUT_GPA, 0xFF, 16);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, INPUT_GPA + 4, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
}

static void order_reserved_input_before_connection(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
				      0x999 | 1ull << 48, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void order_port_before_flag_range(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 999), HV_STATUS_INVALID_PORT_ID);
}

static void order_flag_range_before_target_vp(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_vp_remove(f->target, 1), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 999), HV_STATUS_INVALID_PARAMETER);
}

static void order_target_vp_before_synic_state(void **state)
{
	struct fx *f = FX(state);

	fx_event_port(f, PORT, 2, 3, 0, 8, CONN);       /* vp2 SynIC off */
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(synic_vp_remove(f->target, 2), 0);
	assert_int_equal(fx_signal_fast(f, CONN, 1), HV_STATUS_INVALID_VP_INDEX);
}

/* -- input forms, root ports, statistics -- */
static void signal_memory_form_success(void **state)
{
	struct fx *f = FX(state);
	uint8_t in[8] = { CONN & 0xFF, CONN >> 8, 0, 0, 12, 0, 0, 0 };

	setup_vp1(f);
	memcpy(f->vmm.ram + INPUT_GPA, in, sizeof(in));
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, INPUT_GPA, 0),
			 HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 1, 3, 12));
}

static void signal_memory_form_rsvd_invalid_input(void **state)
{
	struct fx *f = FX(state);
	uint8_t in[8] = { CONN & 0xFF, CONN >> 8, 0, 0, 12, 0, 0, 1 };

	setup_vp1(f);
	memcpy(f->vmm.ram + INPUT_GPA, in, sizeof(in));
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, INPUT_GPA, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void signal_memory_form_outside_ram_invalid_alignment(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, RAM_SIZE, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, ~7ull, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, RAM_SIZE - 4, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
}

static void signal_memory_form_last_qword_of_page(void **state)
{
	struct fx *f = FX(state);
	uint8_t in[8] = { CONN & 0xFF, CONN >> 8, 0, 0, 2, 0, 0, 0 };

	setup_vp1(f);
	memcpy(f->vmm.ram + INPUT_GPA + 0xFF8, in, sizeof(in));
	assert_int_equal(fx_hypercall(f, HVCALL_SIGNAL_EVENT, INPUT_GPA + 0xFF8, 0),
			 HV_STATUS_SUCCESS);
}

static void signal_root_port_goes_to_host_handler(void **state)
{
	struct fx *f = FX(state);
	struct synic_port_params pp = {
		.partition_id = ROOT_ID, .port_id = 0x33,
		.type = HV_PORT_TYPE_EVENT, .target_sint = 0, .target_vp = 0,
		.base_flag = 10, .flag_count = 5,
	};

	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 0x44, ROOT_ID, 0x33),
			 HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, 0x44, 4), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.host_events, 1);
	assert_int_equal(f->vmm.last_host_port, 0x33);
	assert_int_equal(f->vmm.last_host_flag, 14);
	assert_int_equal(fx_signal_fast(f, 0x44, 5), HV_STATUS_INVALID_PARAMETER);
}

static void signal_stats_counted_per_status(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fx_signal_fast(f, CONN, 1);
	fx_signal_fast(f, CONN, 1);
	fx_signal_fast(f, CONN + 1, 1);
	assert_int_equal(synic_stats_calls(f->caller, HVCALL_SIGNAL_EVENT,
					   HV_STATUS_SUCCESS), 2);
	assert_int_equal(synic_stats_calls(f->caller, HVCALL_SIGNAL_EVENT,
					   HV_STATUS_INVALID_CONNECTION_ID), 1);
	assert_int_equal(synic_stats_sints_asserted(f->target), 1);
}

static void signal_cross_partition_same_ids_independent(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fx_synic_on(f->caller, 0, 3);
	/* Same port id in the caller partition, connection from target. */
	struct synic_port_params pp = {
		.partition_id = CALLER_ID, .port_id = PORT,
		.type = HV_PORT_TYPE_EVENT, .target_sint = 3, .target_vp = 0,
		.flag_count = 4,
	};
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, TARGET_ID, CONN, CALLER_ID, PORT),
			 HV_STATUS_SUCCESS);
	assert_int_equal(synic_signal_event(f->target, CONN, 3), HV_STATUS_SUCCESS);
	assert_int_equal(fx_signal_fast(f, CONN, 3), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.asserts, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(signal_success_sets_flag_and_asserts),
		T(signal_flag_already_set_no_interrupt),
		T(signal_after_guest_clear_asserts_again),
		T(signal_polling_sint_flag_no_interrupt),
		T(signal_auto_eoi_passed_to_seam),
		T(signal_other_bits_untouched),
		T(signal_access_denied_without_privilege),
		T(signal_invalid_connection_id_unknown),
		T(signal_invalid_connection_id_after_disconnect),
		T(signal_connection_of_other_partition_invalid),
		T(signal_port_deleted_invalid_port_id),
		T(signal_port_recreated_connection_works_again),
		T(signal_port_partition_suspended_invalid_port_id),
		T(signal_port_partition_finalized_invalid_port_id),
		T(signal_port_partition_created_not_active),
		T(signal_message_port_invalid_port_id),
		T(signal_monitor_port_invalid_port_id),
		T(signal_flag_ge_count_invalid_parameter),
		T(signal_target_vp_removed_invalid_vp_index),
		T(signal_scontrol_disabled_invalid_synic_state),
		T(signal_siefp_disabled_invalid_synic_state),
		T(signal_sief_outside_ram_invalid_synic_state),
		T(rule2_rsvdz_nonzero_invalid_input),
		T(rule2_connection_id_high_bits_invalid_input),
		T(rule3_masked_sint_flag_left_clear),
		T(rule4_any_vp_lowest_eligible),
		T(rule4_any_vp_skips_sief_disabled_and_removed),
		T(rule4_any_vp_none_invalid_vp_index),
		T(rule6_full_flag_number_base_plus_flag),
		T(rule6_last_flag_2047),
		T(order_ud_before_call_code),
		T(order_call_code_before_privilege),
		T(order_privilege_before_control_and_input),
		T(order_control_before_input_fetch),
		T(order_input_fetch_before_reserved_input),
		T(order_reserved_input_before_connection),
		T(order_port_before_flag_range),
		T(order_flag_range_before_target_vp),
		T(order_target_vp_before_synic_state),
		T(signal_memory_form_success),
		T(signal_memory_form_rsvd_invalid_input),
		T(signal_memory_form_outside_ram_invalid_alignment),
		T(signal_memory_form_last_qword_of_page),
		T(signal_root_port_goes_to_host_handler),
		T(signal_stats_counted_per_status),
		T(signal_cross_partition_same_ids_independent),
	};

	return cmocka_run_group_tests_name("synic_signal_event", tests, NULL, NULL);
}
