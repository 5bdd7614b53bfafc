/* HvCallPostMessage: every row of the TLFS status table, the check order,
 * the hypercall-layer rules (memory input only, RsvdZ, hostile GPAs), root
 * ports and the host's post through a root connection. */
#include "fixture.h"

#include <string.h>

#define CONN 0x100
#define PORT 0x200

static const uint8_t hello[5] = { 'h', 'e', 'l', 'l', 'o' };

static void setup_vp1(struct fx *f)
{
	fx_sim_on(f->target, 1, 3);
	fx_message_port(f, PORT, 1, 3, CONN);
}

/* Fill the slot so further posts queue, then queue `n` more. */
static void fill_port(struct fx *f, unsigned n)
{
	for (unsigned i = 0; i <= n; i++)
		assert_int_equal(fx_post(f, CONN, 1 + i, hello, 5), HV_STATUS_SUCCESS);
}

/* -- delivery basics (the queue has its own file) -- */
static void post_success_writes_slot_and_asserts(void **state)
{
	struct fx *f = FX(state);
	uint8_t *slot = fx_slot(f, 1, 3);

	setup_vp1(f);
	assert_int_equal(fx_post(f, CONN, 0x1234, hello, 5), HV_STATUS_SUCCESS);
	assert_int_equal(fx_get_u32(slot), 0x1234);
	assert_int_equal(slot[4], 5);
	assert_int_equal(slot[5], 0);                   /* nothing pending */
	assert_int_equal(fx_get_u64(slot + 8), PORT);   /* the port id */
	assert_memory_equal(slot + 16, hello, 5);
	assert_int_equal(f->vmm.asserts, 1);
	assert_int_equal(f->vmm.last_vp, 1);
	assert_int_equal(f->vmm.last_sint, 3);
	assert_int_equal(f->vmm.last_vector, 0x43);
	assert_int_equal(synic_stats_messages_delivered(f->target), 1);
	assert_int_equal(synic_stats_sints_asserted(f->target), 1);
}

static void post_full_payload_240(void **state)
{
	struct fx *f = FX(state);
	uint8_t big[240];

	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i ^ 0x5A);
	setup_vp1(f);
	assert_int_equal(fx_post(f, CONN, 7, big, 240), HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot(f, 1, 3)[4], 240);
	assert_memory_equal(fx_slot(f, 1, 3) + 16, big, 240);
	/* Nothing beyond the slot: SINT 4's slot untouched (still zero). */
	assert_int_equal(fx_slot_type(f, 1, 4), 0);
	assert_int_equal(fx_slot(f, 1, 4)[4], 0);
}

static void post_zero_payload(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_post(f, CONN, 9, NULL, 0), HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot_type(f, 1, 3), 9);
	assert_int_equal(fx_slot(f, 1, 3)[4], 0);
}

/* -- TLFS status table -- */
static void post_access_denied_without_privilege(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	synic_partition_set_privileges(f->caller, ALL_PRIVS & ~HV_PRIV_POST_MESSAGES);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_ACCESS_DENIED);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	/* SignalEvents alone does not grant it. */
	synic_partition_set_privileges(f->caller, HV_PRIV_SIGNAL_EVENTS);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_ACCESS_DENIED);
}

static void post_invalid_connection_id(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_post(f, CONN + 1, 1, hello, 5),
			 HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_disconnect(f->s, CALLER_ID, CONN), HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5),
			 HV_STATUS_INVALID_CONNECTION_ID);
	/* Connections are per partition: the target has no CONN. */
	assert_int_equal(synic_post_message(f->target, CONN, 1, hello, 5),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void post_port_deleted_invalid_port_id(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
}

static void post_port_partition_not_active_invalid_port_id(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_SUSPENDED), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_ACTIVE), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_SUCCESS);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZED), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_PORT_ID);
}

static void post_event_or_monitor_port_invalid_port_id(void **state)
{
	struct fx *f = FX(state);
	struct synic_port_params mon = {
		.partition_id = TARGET_ID, .port_id = 7, .type = HV_PORT_TYPE_MONITOR,
	};

	fx_sim_on(f->target, 1, 3);
	fx_event_port(f, PORT, 1, 3, 0, 8, CONN);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(synic_port_create(f->s, &mon), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 8, TARGET_ID, 7),
			 HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, 8, 1, hello, 5), HV_STATUS_INVALID_PORT_ID);
}

static void post_message_type_invalid_parameter(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_post(f, CONN, 0, hello, 5), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_post(f, CONN, 0x80000000u, hello, 5),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_post(f, CONN, HVMSG_TIMER_EXPIRED, hello, 5),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_post(f, CONN, 0xFFFFFFFFu, hello, 5),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	assert_int_equal(fx_post(f, CONN, 0x7FFFFFFFu, hello, 5), HV_STATUS_SUCCESS);
}

static void post_payload_size_invalid_parameter(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_post(f, CONN, 1, NULL, 241), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_post(f, CONN, 1, NULL, 0xFFFFFFFFu),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_post_message(f->caller, CONN, 1, hello, 256),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
}

static void post_insufficient_buffers_after_16_queued(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fill_port(f, 16);       /* one in the slot, 16 queued */
	assert_int_equal(synic_stats_messages_queued(f->target), 16);
	assert_int_equal(fx_post(f, CONN, 99, hello, 5),
			 HV_STATUS_INSUFFICIENT_BUFFERS);
	assert_int_equal(synic_stats_messages_queued(f->target), 16);
}

static void post_target_vp_removed_invalid_vp_index(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_vp_remove(f->target, 1), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_VP_INDEX);
}

static void post_any_vp_none_invalid_vp_index(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, 0, 2);   /* SIEF only: no SIM page anywhere */
	fx_message_port(f, PORT, HV_ANY_VP, 2, CONN);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_VP_INDEX);
}

static void post_any_vp_lowest_with_sim(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, 0, 2);   /* vp0: SIEF but no SIM */
	fx_sim_on(f->target, 1, 2);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 2,
					 HV_SINT_MASKED, 0), 0);  /* vp1 masked */
	fx_sim_on(f->target, 2, 2);
	fx_sim_on(f->target, 3, 2);
	fx_message_port(f, PORT, HV_ANY_VP, 2, CONN);
	assert_int_equal(fx_post(f, CONN, 5, hello, 5), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.last_vp, 2);
	assert_int_equal(fx_slot_type(f, 2, 2), 5);
	assert_int_equal(fx_slot_type(f, 3, 2), 0);
}

static void post_synic_disabled_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SCONTROL, 0, 0), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
}

static void post_simp_disabled_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIMP,
					 SIMP_GPA + 4096, 0), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	assert_int_equal(f->vmm.asserts, 0);
}

static void post_sim_outside_ram_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIMP,
					 (RAM_SIZE + 0x1000ull) | 1,
					 SYNIC_ACCESS_HOST), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_SYNIC_STATE);
}

static void post_masked_sint_invalid_synic_state(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_MASKED, 0), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	assert_int_equal(f->vmm.asserts, 0);
}

/* -- hypercall layer: rules 8.1, 8.2 and the input block -- */
static void post_rsvdz_invalid_hypercall_input(void **state)
{
	struct fx *f = FX(state);
	uint8_t *in = f->vmm.ram + INPUT_GPA;

	setup_vp1(f);
	memset(in, 0, 256);
	in[0] = CONN & 0xFF;
	in[1] = CONN >> 8;
	in[8] = 1;
	in[7] = 0x80;           /* RsvdZ @4 */
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	in[7] = 0;
	in[3] = 0x01;           /* ConnectionId bit 24 */
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	in[3] = 0;
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA, 0),
			 HV_STATUS_SUCCESS);
}

static void post_fast_form_invalid_hypercall_input(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE | HV_HC_FAST,
				      CONN, 1), HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
}

static void post_input_misaligned_or_crossing_or_outside(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA + 4, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	/* 256 bytes from 0xF08 cross into the next page; 0xF00 does not. */
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA + 0xF08, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, RAM_SIZE - 0x100 + 8, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, RAM_SIZE, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, ~0xFFFull, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
}

static void post_input_last_256_bytes_of_page(void **state)
{
	struct fx *f = FX(state);
	uint8_t *in = f->vmm.ram + INPUT_GPA + 0xF00;

	setup_vp1(f);
	memset(in, 0, 256);
	in[0] = CONN & 0xFF;
	in[1] = CONN >> 8;
	in[8] = 0x42;
	in[12] = 240;
	memset(in + 16, 0xEE, 240);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA + 0xF00, 0),
			 HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot(f, 1, 3)[16 + 239], 0xEE);
}

static void order_privilege_before_input(void **state)
{
	struct fx *f = FX(state);

	synic_partition_set_privileges(f->caller, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE | HV_HC_FAST, 3, 0),
			 HV_STATUS_ACCESS_DENIED);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, RAM_SIZE + 4, 0),
			 HV_STATUS_ACCESS_DENIED);
}

static void order_input_fetch_before_rsvdz(void **state)
{
	struct fx *f = FX(state);

	memset(f->vmm.ram + INPUT_GPA, 0xFF, 512);
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA + 4, 0),
			 HV_STATUS_INVALID_ALIGNMENT);
}

static void order_rsvdz_before_connection(void **state)
{
	struct fx *f = FX(state);
	uint8_t *in = f->vmm.ram + INPUT_GPA;

	memset(in, 0, 256);
	in[0] = 0x99;           /* no such connection */
	in[4] = 1;
	assert_int_equal(fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
}

static void order_port_before_parameters(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, CONN, 0, NULL, 500), HV_STATUS_INVALID_PORT_ID);
}

static void order_parameters_before_target_vp(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_vp_remove(f->target, 1), 0);
	assert_int_equal(fx_post(f, CONN, 0x80000001u, hello, 5),
			 HV_STATUS_INVALID_PARAMETER);
}

static void order_target_vp_before_synic_state(void **state)
{
	struct fx *f = FX(state);

	fx_message_port(f, PORT, 2, 3, CONN);   /* vp2: SynIC off */
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_SYNIC_STATE);
	assert_int_equal(synic_vp_remove(f->target, 2), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_VP_INDEX);
}

/* Buffers are taken only to queue: a full port whose VP lost its SynIC
 * reports the SynIC state (docs/conformance.md, message order). */
static void order_synic_state_before_buffers(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fill_port(f, 16);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_MASKED, 0), 0);
	assert_int_equal(fx_post(f, CONN, 1, hello, 5), HV_STATUS_INVALID_SYNIC_STATE);
}

/* -- root partition -- */
static void post_root_port_goes_to_host_message(void **state)
{
	struct fx *f = FX(state);
	struct synic_port_params pp = {
		.partition_id = ROOT_ID, .port_id = 0x33,
		.type = HV_PORT_TYPE_MESSAGE, .target_sint = 0, .target_vp = 0,
	};

	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 0x44, ROOT_ID, 0x33),
			 HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, 0x44, 0x77, hello, 5), HV_STATUS_SUCCESS);
	assert_int_equal(f->vmm.host_messages, 1);
	assert_int_equal(f->vmm.last_msg_port, 0x33);
	assert_int_equal(f->vmm.last_msg_type, 0x77);
	assert_int_equal(f->vmm.last_msg_size, 5);
	assert_memory_equal(f->vmm.last_msg_payload, hello, 5);
	/* The host's status is the caller's; parameters are checked first. */
	f->vmm.host_message_status = HV_STATUS_INSUFFICIENT_BUFFERS;
	assert_int_equal(fx_post(f, 0x44, 0x77, hello, 5),
			 HV_STATUS_INSUFFICIENT_BUFFERS);
	assert_int_equal(fx_post(f, 0x44, 0, hello, 5), HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(f->vmm.host_messages, 2);
}

static void post_root_port_without_host_message_invalid_port_id(void **state)
{
	struct fx *f = FX(state);
	const struct synic_seams seams = { .host_event = fake_root_seams.host_event };
	struct synic_partition_config cfg = {
		.id = 9, .privileges = ALL_PRIVS, .flags = SYNIC_PARTITION_ROOT,
		.seams = &seams, .opaque = &f->vmm,
	};
	struct synic_partition *root2;
	struct synic_port_params pp = {
		.partition_id = 9, .port_id = 1, .type = HV_PORT_TYPE_MESSAGE,
	};

	assert_int_equal(synic_partition_create(f->s, &cfg, &root2), 0);
	assert_int_equal(synic_partition_set_state(root2, SYNIC_PS_ACTIVE), 0);
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 5, 9, 1), HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, 5, 1, hello, 5), HV_STATUS_INVALID_PORT_ID);
}

static void host_posts_into_guest_through_root_connection(void **state)
{
	struct fx *f = FX(state);

	fx_sim_on(f->target, 2, 4);
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = 0x55,
		.type = HV_PORT_TYPE_MESSAGE, .target_sint = 4, .target_vp = 2,
	};
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, ROOT_ID, 0x66, TARGET_ID, 0x55),
			 HV_STATUS_SUCCESS);
	assert_int_equal(synic_post_message(f->root, 0x66, 0x1001, hello, 5),
			 HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot_type(f, 2, 4), 0x1001);
	assert_int_equal(fx_get_u64(fx_slot(f, 2, 4) + 8), 0x55);
	assert_int_equal(f->vmm.last_vp, 2);
	/* Same checks as the guest's call, minus the hypercall layer. */
	assert_int_equal(synic_post_message(f->root, 0x66, 0x80000001u, hello, 5),
			 HV_STATUS_INVALID_PARAMETER);
	assert_int_equal(synic_post_message(f->root, 0x67, 1, hello, 5),
			 HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_post_message(f->root, 0x66 | 0x01000000u, 1, hello, 5),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void post_stats_counted_per_status(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fx_post(f, CONN, 1, hello, 5);
	fx_post(f, CONN, 1, hello, 5);
	fx_post(f, CONN + 1, 1, hello, 5);
	fx_post(f, CONN, 0, hello, 5);
	assert_int_equal(synic_stats_calls(f->caller, HVCALL_POST_MESSAGE,
					   HV_STATUS_SUCCESS), 2);
	assert_int_equal(synic_stats_calls(f->caller, HVCALL_POST_MESSAGE,
					   HV_STATUS_INVALID_CONNECTION_ID), 1);
	assert_int_equal(synic_stats_calls(f->caller, HVCALL_POST_MESSAGE,
					   HV_STATUS_INVALID_PARAMETER), 1);
	assert_int_equal(synic_stats_calls(f->caller, HVCALL_SIGNAL_EVENT,
					   HV_STATUS_SUCCESS), 0);
	assert_int_equal(synic_stats_messages_delivered(f->target), 1);
	assert_int_equal(synic_stats_messages_queued(f->target), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(post_success_writes_slot_and_asserts),
		T(post_full_payload_240),
		T(post_zero_payload),
		T(post_access_denied_without_privilege),
		T(post_invalid_connection_id),
		T(post_port_deleted_invalid_port_id),
		T(post_port_partition_not_active_invalid_port_id),
		T(post_event_or_monitor_port_invalid_port_id),
		T(post_message_type_invalid_parameter),
		T(post_payload_size_invalid_parameter),
		T(post_insufficient_buffers_after_16_queued),
		T(post_target_vp_removed_invalid_vp_index),
		T(post_any_vp_none_invalid_vp_index),
		T(post_any_vp_lowest_with_sim),
		T(post_synic_disabled_invalid_synic_state),
		T(post_simp_disabled_invalid_synic_state),
		T(post_sim_outside_ram_invalid_synic_state),
		T(post_masked_sint_invalid_synic_state),
		T(post_rsvdz_invalid_hypercall_input),
		T(post_fast_form_invalid_hypercall_input),
		T(post_input_misaligned_or_crossing_or_outside),
		T(post_input_last_256_bytes_of_page),
		T(order_privilege_before_input),
		T(order_input_fetch_before_rsvdz),
		T(order_rsvdz_before_connection),
		T(order_port_before_parameters),
		T(order_parameters_before_target_vp),
		T(order_target_vp_before_synic_state),
		T(order_synic_state_before_buffers),
		T(post_root_port_goes_to_host_message),
		T(post_root_port_without_host_message_invalid_port_id),
		T(host_posts_into_guest_through_root_connection),
		T(post_stats_counted_per_status),
	};

	return cmocka_run_group_tests_name("synic_post_message", tests, NULL, NULL);
}
