/* SIM delivery and the message queues: slot protocol (hyperv.md section 5),
 * EOM and EOI redelivery, the 16-buffer limit, FIFO order, and what happens
 * to queued messages when their port, SIM page, SynIC or VP goes away. */
#include "fixture.h"

#include <errno.h>
#include <string.h>

#define CONN 0x100
#define PORT 0x200

static const uint8_t pay[3] = { 1, 2, 3 };

static void setup_vp1(struct fx *f)
{
	fx_sim_on(f->target, 1, 3);
	fx_message_port(f, PORT, 1, 3, CONN);
}

static uint16_t post(struct fx *f, uint32_t type)
{
	return fx_post(f, CONN, type, pay, sizeof(pay));
}

static void eom(struct fx *f, uint32_t vp)
{
	assert_int_equal(synic_msr_write(f->target, vp, HV_MSR_EOM, 0, 0),
			 SYNIC_MSR_OK);
}

static void empty_slot_delivers_and_asserts_once(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(post(f, 10), HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot_type(f, 1, 3), 10);
	assert_int_equal(f->vmm.asserts, 1);
	assert_int_equal(synic_stats_messages_queued(f->target), 0);
}

static void busy_slot_sets_pending_and_queues(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(post(f, 10), HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot(f, 1, 3)[5], 0);
	assert_int_equal(post(f, 11), HV_STATUS_SUCCESS);
	/* Still the first message, now flagged; no second interrupt. */
	assert_int_equal(fx_slot_type(f, 1, 3), 10);
	assert_int_equal(fx_slot(f, 1, 3)[5], HV_MSG_FLAG_PENDING);
	assert_int_equal(f->vmm.asserts, 1);
	assert_int_equal(synic_stats_messages_queued(f->target), 1);
}

static void pending_flag_or_keeps_other_flag_bits(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(post(f, 10), HV_STATUS_SUCCESS);
	fx_slot(f, 1, 3)[5] = 0x80;     /* a bit the guest owns */
	assert_int_equal(post(f, 11), HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot(f, 1, 3)[5], 0x81);
}

static void eom_delivers_next_and_asserts(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 10);
	post(f, 11);
	assert_true(fx_slot_consume(f, 1, 3));
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 11);
	assert_int_equal(fx_slot(f, 1, 3)[5], 0);       /* nothing behind it */
	assert_memory_equal(fx_slot(f, 1, 3) + 16, pay, sizeof(pay));
	assert_int_equal(f->vmm.asserts, 2);
	assert_int_equal(synic_stats_messages_queued(f->target), 0);
	assert_int_equal(synic_stats_messages_delivered(f->target), 2);
}

static void eom_with_slot_still_full_delivers_nothing(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 10);
	post(f, 11);
	eom(f, 1);              /* the guest has not emptied the slot */
	assert_int_equal(fx_slot_type(f, 1, 3), 10);
	assert_int_equal(f->vmm.asserts, 1);
	assert_int_equal(synic_stats_messages_queued(f->target), 1);
}

static void eom_on_idle_vp_is_harmless(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	eom(f, 1);
	eom(f, 0);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	assert_int_equal(f->vmm.asserts, 0);
}

static void eoi_of_plain_sint_delivers_next(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 10);
	post(f, 11);
	fx_slot_consume(f, 1, 3);
	assert_int_equal(synic_sint_eoi(f->target, 1, 0x43), 3);
	assert_int_equal(fx_slot_type(f, 1, 3), 11);
	assert_int_equal(f->vmm.asserts, 2);
}

static void eoi_of_other_sint_delivers_nothing(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 5, 0x50, 0), 0);
	post(f, 10);
	post(f, 11);
	fx_slot_consume(f, 1, 3);
	assert_int_equal(synic_sint_eoi(f->target, 1, 0x50), 5);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	assert_int_equal(synic_stats_messages_queued(f->target), 1);
}

static void eoi_of_auto_eoi_sint_delivers_nothing(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_AUTO_EOI, 0), 0);
	post(f, 10);
	post(f, 11);
	fx_slot_consume(f, 1, 3);
	assert_int_equal(synic_sint_eoi(f->target, 1, 0x43), -ENOENT);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	eom(f, 1);              /* AutoEOI guests use EOM */
	assert_int_equal(fx_slot_type(f, 1, 3), 11);
}

static void fifo_order_kept(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	for (uint32_t t = 1; t <= 6; t++)
		assert_int_equal(post(f, t), HV_STATUS_SUCCESS);
	for (uint32_t t = 1; t <= 6; t++) {
		assert_int_equal(fx_slot_type(f, 1, 3), t);
		/* Pending while anything is still queued behind it. */
		assert_int_equal(fx_slot(f, 1, 3)[5] & 1, t < 6);
		fx_slot_consume(f, 1, 3);
		eom(f, 1);
	}
	assert_int_equal(fx_slot_type(f, 1, 3), 0);
	assert_int_equal(f->vmm.asserts, 6);
}

static void buffers_recover_after_eom(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	for (uint32_t t = 1; t <= 17; t++)
		assert_int_equal(post(f, t), HV_STATUS_SUCCESS);
	assert_int_equal(post(f, 18), HV_STATUS_INSUFFICIENT_BUFFERS);
	fx_slot_consume(f, 1, 3);
	eom(f, 1);              /* message 2 leaves the queue: one buffer free */
	assert_int_equal(post(f, 18), HV_STATUS_SUCCESS);
	assert_int_equal(post(f, 19), HV_STATUS_INSUFFICIENT_BUFFERS);
	assert_int_equal(synic_stats_messages_queued(f->target), 16);
}

static void buffers_are_per_port(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fx_message_port(f, PORT + 1, 1, 3, CONN + 1);
	for (uint32_t t = 1; t <= 17; t++)
		assert_int_equal(post(f, t), HV_STATUS_SUCCESS);
	assert_int_equal(post(f, 99), HV_STATUS_INSUFFICIENT_BUFFERS);
	/* The other port on the same SINT still has its 16. */
	for (uint32_t t = 1; t <= 16; t++)
		assert_int_equal(fx_post(f, CONN + 1, t, pay, 3), HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, CONN + 1, 1, pay, 3),
			 HV_STATUS_INSUFFICIENT_BUFFERS);
	/* Interleaved FIFO: the sender field tells them apart. */
	fx_slot_consume(f, 1, 3);
	eom(f, 1);
	assert_int_equal(fx_get_u64(fx_slot(f, 1, 3) + 8), PORT);
}

static void sints_are_independent_slots(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 6, 0x46, 0), 0);
	fx_message_port(f, PORT + 1, 1, 6, CONN + 1);
	post(f, 10);
	assert_int_equal(fx_post(f, CONN + 1, 20, pay, 3), HV_STATUS_SUCCESS);
	assert_int_equal(fx_slot_type(f, 1, 3), 10);
	assert_int_equal(fx_slot_type(f, 1, 6), 20);
	assert_int_equal(f->vmm.asserts, 2);
	assert_int_equal(f->vmm.last_vector, 0x46);
}

static void polling_sint_gets_message_no_interrupt(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_POLLING, 0), 0);
	post(f, 10);
	post(f, 11);
	assert_int_equal(fx_slot_type(f, 1, 3), 10);
	fx_slot_consume(f, 1, 3);
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 11);
	assert_int_equal(f->vmm.asserts, 0);
}

static void masked_sint_keeps_queue_until_unmasked(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 10);
	post(f, 11);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3,
					 0x43 | HV_SINT_MASKED, 0), 0);
	fx_slot_consume(f, 1, 3);
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 0);     /* masked: waits */
	assert_int_equal(synic_stats_messages_queued(f->target), 1);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SINT0 + 3, 0x43, 0), 0);
	assert_int_equal(fx_slot_type(f, 1, 3), 11);    /* unmask delivers */
	assert_int_equal(f->vmm.asserts, 2);
}

static void simp_disable_drops_queue(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	for (uint32_t t = 1; t <= 4; t++)
		post(f, t);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIMP, 0, 0), 0);
	assert_int_equal(synic_stats_messages_queued(f->target), 0);
	assert_int_equal(synic_stats_messages_dropped(f->target), 3);
	/* The port's buffers are free again. */
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIMP,
					 (SIMP_GPA + 4096) | 1, 0), 0);
	for (uint32_t t = 1; t <= 17; t++)
		assert_int_equal(post(f, t), HV_STATUS_SUCCESS);
}

static void scontrol_disable_drops_queue(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 1);
	post(f, 2);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SCONTROL, 0, 0), 0);
	assert_int_equal(synic_stats_messages_queued(f->target), 0);
	assert_int_equal(synic_stats_messages_dropped(f->target), 1);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SCONTROL, 1, 0), 0);
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 1);     /* only what was there */
}

/* Moving the SIM page (enabled to enabled) zeroes the new page, which has
 * no pending flag to bring an EOM: the backlog goes in at once. */
static void simp_move_delivers_backlog(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 1);
	post(f, 2);
	assert_int_equal(synic_msr_write(f->target, 1, HV_MSR_SIMP,
					 (SIMP_GPA + 0x8000) | 1, 0), 0);
	assert_int_equal(fx_get_u32(f->vmm.ram + SIMP_GPA + 0x8000 + 3 * 256), 2);
	assert_int_equal(synic_stats_messages_queued(f->target), 0);
}

static void port_delete_drops_its_queue_only(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	fx_message_port(f, PORT + 1, 1, 3, CONN + 1);
	post(f, 1);                                     /* in the slot */
	post(f, 2);
	assert_int_equal(fx_post(f, CONN + 1, 3, pay, 3), HV_STATUS_SUCCESS);
	post(f, 4);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	assert_int_equal(synic_stats_messages_dropped(f->target), 2);
	assert_int_equal(synic_stats_messages_queued(f->target), 1);
	fx_slot_consume(f, 1, 3);
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 3);
	assert_int_equal(fx_slot(f, 1, 3)[5], 0);
}

static void port_recreated_has_all_buffers(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	for (uint32_t t = 1; t <= 17; t++)
		post(f, t);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, PORT), HV_STATUS_SUCCESS);
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = PORT,
		.type = HV_PORT_TYPE_MESSAGE, .target_sint = 3, .target_vp = 1,
	};
	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	for (uint32_t t = 1; t <= 16; t++)
		assert_int_equal(post(f, t), HV_STATUS_SUCCESS);
	assert_int_equal(post(f, 17), HV_STATUS_INSUFFICIENT_BUFFERS);
}

static void disconnect_keeps_queued_messages(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 1);
	post(f, 2);
	assert_int_equal(synic_disconnect(f->s, CALLER_ID, CONN), HV_STATUS_SUCCESS);
	fx_slot_consume(f, 1, 3);
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 2);
}

static void vp_remove_drops_queue(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 1);
	post(f, 2);
	post(f, 3);
	assert_int_equal(synic_vp_remove(f->target, 1), 0);
	assert_int_equal(synic_stats_messages_queued(f->target), 0);
	assert_int_equal(synic_stats_messages_dropped(f->target), 2);
	assert_int_equal(synic_vp_add(f->target, 1), 0);
	fx_sim_on(f->target, 1, 3);
	for (uint32_t t = 1; t <= 17; t++)
		assert_int_equal(post(f, t), HV_STATUS_SUCCESS);
}

/* Teardown with messages still queued: ASan/LeakSanitizer builds fail this
 * test if synic_destroy leaks them. */
static void destroy_with_queued_messages_frees_them(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	for (uint32_t t = 1; t <= 17; t++)
		post(f, t);
	assert_int_equal(synic_stats_messages_queued(f->target), 16);
}

/* A guest emptying the slot between our busy check and the flag: the next
 * post sees the empty slot and keeps FIFO order (head goes first). */
static void emptied_slot_without_eom_keeps_order(void **state)
{
	struct fx *f = FX(state);

	setup_vp1(f);
	post(f, 1);
	post(f, 2);
	fx_slot_consume(f, 1, 3);       /* no EOM written yet */
	post(f, 3);
	assert_int_equal(fx_slot_type(f, 1, 3), 2);
	assert_int_equal(fx_slot(f, 1, 3)[5], HV_MSG_FLAG_PENDING);
	fx_slot_consume(f, 1, 3);
	eom(f, 1);
	assert_int_equal(fx_slot_type(f, 1, 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(empty_slot_delivers_and_asserts_once),
		T(busy_slot_sets_pending_and_queues),
		T(pending_flag_or_keeps_other_flag_bits),
		T(eom_delivers_next_and_asserts),
		T(eom_with_slot_still_full_delivers_nothing),
		T(eom_on_idle_vp_is_harmless),
		T(eoi_of_plain_sint_delivers_next),
		T(eoi_of_other_sint_delivers_nothing),
		T(eoi_of_auto_eoi_sint_delivers_nothing),
		T(fifo_order_kept),
		T(buffers_recover_after_eom),
		T(buffers_are_per_port),
		T(sints_are_independent_slots),
		T(polling_sint_gets_message_no_interrupt),
		T(masked_sint_keeps_queue_until_unmasked),
		T(simp_disable_drops_queue),
		T(scontrol_disable_drops_queue),
		T(simp_move_delivers_backlog),
		T(port_delete_drops_its_queue_only),
		T(port_recreated_has_all_buffers),
		T(disconnect_keeps_queued_messages),
		T(vp_remove_drops_queue),
		T(destroy_with_queued_messages_frees_them),
		T(emptied_slot_without_eom_keeps_order),
	};

	return cmocka_run_group_tests_name("synic_sim_queue", tests, NULL, NULL);
}
