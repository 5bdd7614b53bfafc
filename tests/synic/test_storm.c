/* Concurrency storm: N vCPU threads signal while a control thread deletes and
 * re-creates ports (and connections) and a "guest" thread clears SIEF flags
 * with its own atomics. No flag transition may be lost: the number of SINT
 * assertions must equal the number of 0 -> 1 transitions the test can
 * account for (bits the guest cleared plus bits still set at the end).
 * Built under ThreadSanitizer in CI (suite 'storm'). */
#include <stdio.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fx_partition.h"
#include "synic.h"

#define RAM       (64u * 4096u)
#define SIEF_GPA  0x1000ull
#define NTHREADS  4
#define NSIGNALS  100000
#define NPORTS    8
#define NFLAGS    24              /* flags per port */
#define TVPS      2

static uint8_t *ram;
static _Atomic uint64_t asserts;
static _Atomic bool stop;

static void *gpa_map(void *o, uint64_t gpa, uint64_t len)
{
	(void)o;
	return gpa < RAM && len <= RAM - gpa ? ram + gpa : NULL;
}

static void sint_assert(void *o, uint32_t vp, uint8_t sint, uint8_t vec, bool eoi)
{
	(void)o, (void)vp, (void)sint, (void)vec, (void)eoi;
	atomic_fetch_add(&asserts, 1);
}

static const struct synic_seams seams = { .gpa_map = gpa_map, .sint_assert = sint_assert };

struct storm {
	struct synic *s;
	struct synic_partition *caller, *target;
	_Atomic uint64_t ok, port_gone, conn_gone, bad;
	_Atomic uint64_t cleared;
};

/* Port i: target VP i % TVPS, SINT 1 + i % 4, flags [i*NFLAGS, +NFLAGS). */
static struct synic_port_params port_params(uint32_t i)
{
	return (struct synic_port_params){
		.partition_id = 3, .port_id = 0x100 + i,
		.type = HV_PORT_TYPE_EVENT, .target_sint = (uint8_t)(1 + i % 4),
		.target_vp = i % TVPS, .base_flag = (uint16_t)(i * NFLAGS),
		.flag_count = NFLAGS,
	};
}

static void *signaller(void *arg)
{
	struct storm *st = arg;
	static _Atomic uint32_t next_vp;
	uint32_t vp = atomic_fetch_add(&next_vp, 1), seed = vp * 7919 + 1;
	struct synic_hypercall hc = {0};
	uint64_t r;

	for (int n = 0; n < NSIGNALS; n++) {
		seed = seed * 1103515245u + 12345u;
		uint32_t port = (seed >> 8) % NPORTS, flag = (seed >> 16) % NFLAGS;
		synic_hypercall_from_x64(&hc, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
					 (0x200 + port) | (uint64_t)flag << 32, 0);
		if (synic_hypercall(st->caller, vp, &hc, &r) != SYNIC_HC_DONE)
			r = 0xFFFF;
		if (r == HV_STATUS_SUCCESS)
			atomic_fetch_add(&st->ok, 1);
		else if (r == HV_STATUS_INVALID_PORT_ID)
			atomic_fetch_add(&st->port_gone, 1);
		else if (r == HV_STATUS_INVALID_CONNECTION_ID)
			atomic_fetch_add(&st->conn_gone, 1);
		else
			atomic_fetch_add(&st->bad, 1);
	}
	return NULL;
}

static void *churner(void *arg)
{
	struct storm *st = arg;
	uint32_t i = 0;

	while (!atomic_load(&stop)) {
		struct synic_port_params pp = port_params(i % NPORTS);
		synic_port_delete(st->s, 3, pp.port_id);
		synic_port_create(st->s, &pp);
		if (i % 5 == 0) {
			synic_disconnect(st->s, 2, 0x200 + (i / 5) % NPORTS);
			synic_connect(st->s, 2, 0x200 + (i / 5) % NPORTS, 3,
				      0x100 + (i / 5) % NPORTS);
		}
		i++;
	}
	return NULL;
}

static uint64_t clear_page_bits(uint32_t vp)
{
	uint64_t n = 0;
	uint8_t *page = ram + SIEF_GPA + vp * 4096ull;

	for (unsigned b = 0; b < 4096; b++)
		if (__atomic_load_n(&page[b], __ATOMIC_RELAXED))
			n += (uint64_t)__builtin_popcount(
				__atomic_exchange_n(&page[b], 0, __ATOMIC_SEQ_CST));
	return n;
}

/* Only the bytes ports can reach (SINTs 1..4, NPORTS * NFLAGS flags), so the
 * guest clears often; the final count scans whole pages. */
static void *guest(void *arg)
{
	struct storm *st = arg;

	while (!atomic_load(&stop)) {
		uint64_t n = 0;
		for (uint32_t vp = 0; vp < TVPS; vp++)
			for (uint32_t s = 1; s <= 4; s++)
				for (uint32_t b = 0; b < NPORTS * NFLAGS / 8; b++)
					n += (uint64_t)__builtin_popcount(__atomic_exchange_n(
						&ram[SIEF_GPA + vp * 4096ull + s * 256 + b],
						0, __ATOMIC_SEQ_CST));
		atomic_fetch_add(&st->cleared, n);
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
	st->caller = mk(st, 2, NTHREADS);
	st->target = mk(st, 3, TVPS);
	for (uint32_t v = 0; v < TVPS; v++) {
		synic_msr_write(st->target, v, HV_MSR_SCONTROL, 1, 0);
		synic_msr_write(st->target, v, HV_MSR_SIEFP,
				(SIEF_GPA + v * 4096ull) | 1, 0);
		for (uint32_t s = 1; s <= 4; s++)
			synic_msr_write(st->target, v, HV_MSR_SINT0 + s, 0x50 + s, 0);
	}
	for (uint32_t i = 0; i < NPORTS; i++) {
		struct synic_port_params pp = port_params(i);
		assert_int_equal(synic_port_create(st->s, &pp), 0);
		assert_int_equal(synic_connect(st->s, 2, 0x200 + i, 3, 0x100 + i), 0);
	}
}

static void storm_no_transition_lost(void **state)
{
	struct storm st = {0};
	pthread_t sig[NTHREADS], ch, g;

	(void)state;
	ram = aligned_alloc(4096, RAM);
	memset(ram, 0, RAM);
	atomic_store(&asserts, 0);
	atomic_store(&stop, false);
	storm_setup(&st);
	pthread_create(&ch, NULL, churner, &st);
	pthread_create(&g, NULL, guest, &st);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&sig[i], NULL, signaller, &st);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(sig[i], NULL);
	atomic_store(&stop, true);
	pthread_join(ch, NULL);
	pthread_join(g, NULL);

	uint64_t left = clear_page_bits(0) + clear_page_bits(1);
	uint64_t transitions = atomic_load(&st.cleared) + left;
	/* A TAP comment line, so meson's TAP parser accepts it. */
	printf("# signals ok %llu, port gone %llu, conn gone %llu; "
		      "transitions %llu, SINT asserts %llu\n",
		      (unsigned long long)st.ok, (unsigned long long)st.port_gone,
		      (unsigned long long)st.conn_gone,
		      (unsigned long long)transitions,
		      (unsigned long long)atomic_load(&asserts));
	assert_int_equal(st.bad, 0);
	assert_int_equal(st.ok + st.port_gone + st.conn_gone,
			 (uint64_t)NTHREADS * NSIGNALS);
	assert_true(st.ok > 0);
	assert_int_equal(atomic_load(&asserts), transitions);
	assert_int_equal(synic_stats_sints_asserted(st.target), transitions);
	assert_int_equal(synic_stats_calls(st.caller, HVCALL_SIGNAL_EVENT, 0), st.ok);
	synic_destroy(st.s);
	free(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(storm_no_transition_lost),
	};

	return cmocka_run_group_tests_name("synic_storm", tests, NULL, NULL);
}
