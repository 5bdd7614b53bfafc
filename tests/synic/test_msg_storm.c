/* Message storm: poster threads (one per caller VP, each on its own
 * connection and port) post into one target VP's SINT while a "guest"
 * thread empties the slot with its own atomics and writes EOM when the
 * pending flag asks for it, and the target's "vCPU" EOIs. No message may be
 * lost, duplicated or reordered within its port, and nothing may stay
 * queued. Built under ThreadSanitizer in CI (suite 'storm'). */
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fx_partition.h"
#include "synic.h"

#define RAM       (16u * 4096u)
#define SIMP_GPA  0x1000ull
#define SINT      1
#define NPOSTERS  4
#define NMSGS     20000           /* per poster */

static uint8_t *ram;

static void *gpa_map(void *o, uint64_t gpa, uint64_t len)
{
	(void)o;
	return gpa < RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static void sint_assert(void *o, uint32_t vp, uint8_t sint, uint8_t vec, bool eoi)
{
	(void)o, (void)vp, (void)sint, (void)vec, (void)eoi;
}

static const struct synic_seams seams = { .gpa_map = gpa_map, .sint_assert = sint_assert };

struct storm {
	struct synic *s;
	struct synic_partition *caller, *target;
	_Atomic uint64_t busy_retries, bad_status;
	uint32_t next_seq[NPOSTERS];    /* guest thread only */
	uint64_t received, out_of_order;
};

static void *poster(void *arg)
{
	struct storm *st = arg;
	static _Atomic uint32_t next_id;
	uint32_t id = atomic_fetch_add(&next_id, 1);
	struct synic_hypercall hc = {0};
	uint8_t *in = ram + 0x8000 + id * 512ull;  /* this VP's input page part */
	uint64_t r;

	for (uint32_t seq = 1; seq <= NMSGS; seq++) {
		memset(in, 0, 256);
		memcpy(in, &(uint32_t){ 0x100 + id }, 4);
		memcpy(in + 8, &(uint32_t){ 1 + id }, 4);      /* type */
		memcpy(in + 12, &(uint32_t){ 4 }, 4);
		memcpy(in + 16, &seq, 4);
		synic_hypercall_from_x64(&hc, HVCALL_POST_MESSAGE, 0x8000 + id * 512ull, 0);
		for (;;) {
			if (synic_hypercall(st->caller, id, &hc, &r) != SYNIC_HC_DONE)
				r = 0xFFFF;
			if (r != HV_STATUS_INSUFFICIENT_BUFFERS)
				break;
			atomic_fetch_add(&st->busy_retries, 1);
			sched_yield();
		}
		if (r != HV_STATUS_SUCCESS)
			atomic_fetch_add(&st->bad_status, 1);
	}
	return NULL;
}

/* The TLFS guest protocol: read the message, store type 0, then (after a
 * full barrier) look at the pending flag and write EOM if it is set. */
static bool guest_take(struct storm *st)
{
	uint8_t *slot = ram + SIMP_GPA + SINT * 256u;
	uint32_t type = __atomic_load_n((uint32_t *)(void *)slot, __ATOMIC_ACQUIRE);
	uint32_t seq;

	if (!type)
		return false;
	memcpy(&seq, slot + 16, 4);
	if (type > NPOSTERS || seq != st->next_seq[type - 1] + 1)
		st->out_of_order++;
	else
		st->next_seq[type - 1] = seq;
	st->received++;
	__atomic_store_n((uint32_t *)(void *)slot, 0, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(slot + 5, __ATOMIC_SEQ_CST) & 1)
		synic_msr_write(st->target, 0, HV_MSR_EOM, 0, 0);
	return true;
}

static void *guest(void *arg)
{
	struct storm *st = arg;
	uint64_t idle = 0;

	while (st->received < (uint64_t)NPOSTERS * NMSGS && idle < 200000000) {
		if (guest_take(st)) {
			idle = 0;
			/* The SINT is not AutoEOI: its EOI also redelivers. */
			if (st->received % 7 == 0)
				synic_sint_eoi(st->target, 0, 0x51);
		} else {
			idle++;
		}
	}
	return NULL;
}

static struct synic_partition *mk(struct storm *st, uint64_t id, uint32_t nvps)
{
	struct synic_partition_config c = {
		.id = id, .max_vps = nvps, .privileges = ~0ull, .seams = &seams,
	};

	return fx_active_partition(st->s, &c);
}

static void storm_setup(struct storm *st)
{
	assert_int_equal(synic_create(&st->s), 0);
	st->caller = mk(st, 2, NPOSTERS);
	st->target = mk(st, 3, 1);
	assert_int_equal(synic_msr_write(st->target, 0, HV_MSR_SCONTROL, 1, 0), 0);
	assert_int_equal(synic_msr_write(st->target, 0, HV_MSR_SIMP, SIMP_GPA | 1, 0), 0);
	assert_int_equal(synic_msr_write(st->target, 0, HV_MSR_SINT0 + SINT, 0x51, 0), 0);
	for (uint32_t i = 0; i < NPOSTERS; i++) {
		struct synic_port_params pp = {
			.partition_id = 3, .port_id = 0x200 + i,
			.type = HV_PORT_TYPE_MESSAGE, .target_sint = SINT, .target_vp = 0,
		};
		assert_int_equal(synic_port_create(st->s, &pp), 0);
		assert_int_equal(synic_connect(st->s, 2, 0x100 + i, 3, 0x200 + i), 0);
	}
}

static void msg_storm_no_message_lost(void **state)
{
	struct storm st = {0};
	pthread_t post[NPOSTERS], g;

	(void)state;
	ram = aligned_alloc(4096, RAM);
	memset(ram, 0, RAM);
	storm_setup(&st);
	pthread_create(&g, NULL, guest, &st);
	for (int i = 0; i < NPOSTERS; i++)
		pthread_create(&post[i], NULL, poster, &st);
	for (int i = 0; i < NPOSTERS; i++)
		pthread_join(post[i], NULL);
	pthread_join(g, NULL);

	printf("# received %llu, retries on full buffers %llu, delivered %llu\n",
	       (unsigned long long)st.received,
	       (unsigned long long)atomic_load(&st.busy_retries),
	       (unsigned long long)synic_stats_messages_delivered(st.target));
	assert_int_equal(atomic_load(&st.bad_status), 0);
	assert_int_equal(st.out_of_order, 0);
	assert_int_equal(st.received, (uint64_t)NPOSTERS * NMSGS);
	assert_int_equal(synic_stats_messages_delivered(st.target), st.received);
	assert_int_equal(synic_stats_messages_queued(st.target), 0);
	assert_int_equal(synic_stats_messages_dropped(st.target), 0);
	assert_int_equal(synic_stats_calls(st.caller, HVCALL_POST_MESSAGE, 0),
			 st.received);
	synic_destroy(st.s);
	free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msg_storm_no_message_lost),
	};

	return cmocka_run_group_tests_name("synic_msg_storm", tests, NULL, NULL);
}
