// SPDX-License-Identifier: MIT
/*
 * hv_stimer: the synthetic timers STIMER0..3 seen from inside the guest
 * (one VP). The semantics are synic/'s (docs/conformance.md, "Synthetic
 * timers"); the host timers are real time while guest CPL 0 code is slow
 * in the lab, so every timing check is one-sided or loosely bounded: never
 * early, never more expiries than periods elapsed, at least a few.
 * One group per run, --append 'case=NAME':
 *
 *   msr       reset values, round trip per timer, CONFIG reserved bits #GP,
 *             AutoEnable, COUNT 0 disables, message mode on SINT 0 refused
 *   oneshot   message mode: HVMSG_TIMER_EXPIRED (TimerIndex, ExpirationTime,
 *             DeliveryTime) in the configured SINT's slot, one interrupt;
 *             all four timers; already past; COUNT 0 before expiry; a busy
 *             slot: pending flag, delivered on EOM
 *   periodic  message mode: expiries counted against TIME_REF_COUNT, deadlines
 *             a period apart; a busy slot drops ticks (no pending flag)
 *   direct    direct mode: a plain interrupt with the configured vector, the
 *             guest EOIs it, nothing in the SIM page; periodic too
 *   denied    run with --privileges default,-syntimer-regs: every STIMER MSR #GP
 */
#include "guest.h"
#include "hyperv.h"
#include "xapic.h"

#define VEC_SINT0 0x50          /* SINT x uses vector 0x50 + x, x = 2..5 */
#define FIRST_SINT 2
#define LAST_SINT 5
#define VEC_DIRECT 0x60
#define VEC_DIRECT_PERIODIC 0x61

#define MS 10000ull             /* TIME_REF_COUNT units (100 ns) per ms */
#define LOG_MAX 64

static uint8_t sief[HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t sim[HV_PAGE_SIZE] __attribute__((aligned(4096)));

/* A timer message as the SINT handler found it. */
struct seen {
	unsigned int sint;
	uint32_t type;
	uint8_t size, flags;
	uint64_t sender;
	struct hv_timer_message t;
	uint64_t seen_at;       /* TIME_REF_COUNT in the handler */
};
static struct seen log_[LOG_MAX];
static volatile uint32_t logged;        /* may exceed LOG_MAX: counted only */
static volatile uint32_t sint_irqs[HV_SINT_COUNT];
static volatile uint32_t direct_irqs;
static volatile uint64_t direct_at;     /* TIME_REF_COUNT of the first */
static volatile bool consume_in_handler;

static void sint_handler(struct ex_regs *regs)
{
	unsigned int sint = (unsigned int)regs->vector - VEC_SINT0;
	volatile struct hv_message *m = hv_sim_slot(sim, sint);

	sint_irqs[sint]++;
	if (consume_in_handler && hv_msg_type(m) != HV_MSG_TYPE_NONE) {
		if (logged < LOG_MAX) {
			struct seen *s = &log_[logged];

			s->sint = sint;
			s->type = hv_msg_type(m);
			s->size = hv_msg_size(m);
			s->flags = hv_msg_flags(m);
			s->sender = hv_msg_sender(m);
			s->t = hv_msg_timer(m);
			s->seen_at = hv_time_ref_count();
		}
		logged++;
		hv_msg_consume(m);
	}
	apic_eoi();
}

static void direct_handler(struct ex_regs *regs)
{
	(void)regs;
	if (direct_irqs == 0)
		direct_at = hv_time_ref_count();
	direct_irqs++;
	apic_eoi();
}

static uint64_t now(void)
{
	return hv_time_ref_count();
}

/* Interrupts open until *counter >= target or `ms` of TIME_REF_COUNT. */
static bool wait_for(volatile uint32_t *counter, uint32_t target, uint64_t ms)
{
	return irq_window_us(counter, target, ms * 1000);
}

static void sleep_ms(uint64_t ms)
{
	irq_window_us(NULL, 0, ms * 1000);
}

static void reset_log(bool consume)
{
	logged = 0;
	for (unsigned int i = 0; i < HV_SINT_COUNT; i++)
		sint_irqs[i] = 0;
	consume_in_handler = consume;
}

static void stop_all(void)
{
	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++)
		hv_stimer_stop(n);
}

static void synic_setup(void)
{
	hv_synic_enable(sief);
	hv_simp_enable(sim);
	for (unsigned int x = FIRST_SINT; x <= LAST_SINT; x++)
		hv_sint_set(x, (uint8_t)(VEC_SINT0 + x), false, false, false);
}

static unsigned int sim_messages(void)
{
	unsigned int n = 0;

	for (unsigned int x = 0; x < HV_SINT_COUNT; x++)
		if (hv_msg_type(hv_sim_slot(sim, x)) != HV_MSG_TYPE_NONE)
			n++;
	return n;
}

/* A logged message is timer `idx`'s expiry of `deadline` in SINT `sint`,
 * never delivered before its deadline nor seen before it was delivered. */
static void check_timer_message(const struct seen *s, unsigned int idx, unsigned int sint,
				uint64_t deadline)
{
	GUEST_ASSERT_EQ(s->type, HVMSG_TIMER_EXPIRED);
	GUEST_ASSERT_EQ(s->size, HV_TIMER_PAYLOAD_SIZE);
	GUEST_ASSERT_EQ(s->sender, 0);
	GUEST_ASSERT_EQ(s->t.timer_index, idx);
	GUEST_ASSERT_EQ(s->t.reserved, 0);
	GUEST_ASSERT_EQ(s->sint, sint);
	if (deadline)
		GUEST_ASSERT_EQ(s->t.expiration_time, deadline);
	GUEST_ASSERT_MSG(s->t.delivery_time >= s->t.expiration_time,
			 "timer %u delivered at %llu, before its expiration %llu", idx,
			 (unsigned long long)s->t.delivery_time,
			 (unsigned long long)s->t.expiration_time);
	GUEST_ASSERT_MSG(s->seen_at >= s->t.delivery_time,
			 "timer %u seen at %llu, before its delivery time %llu", idx,
			 (unsigned long long)s->seen_at, (unsigned long long)s->t.delivery_time);
}

/* ---- msr ---- */

static void msr_reset_and_round_trip(void)
{
	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++) {
		GUEST_ASSERT_EQ(hv_stimer_config_read(n), 0);
		GUEST_ASSERT_EQ(hv_stimer_count_read(n), 0);
	}
	GUEST_PASS("STIMER0..3 CONFIG and COUNT read 0 at reset");

	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++) {
		hv_stimer_config_write(n, HV_STIMER_PERIODIC | HV_STIMER_LAZY | HV_STIMER_SINT(n + 2));
		hv_stimer_count_write(n, 12345 + n);
	}
	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++) {
		GUEST_ASSERT_EQ(hv_stimer_config_read(n),
				HV_STIMER_PERIODIC | HV_STIMER_LAZY | HV_STIMER_SINT(n + 2));
		GUEST_ASSERT_EQ(hv_stimer_count_read(n), 12345 + n);
	}
	stop_all();
	GUEST_PASS("CONFIG (periodic, lazy, SINTx) and COUNT round trip, each timer its own");
}

static void msr_reserved_bits(void)
{
	static const unsigned int bits[] = { 13, 14, 15, 20, 31, 32, 63 };
	uint64_t good = HV_STIMER_SINT(2) | HV_STIMER_LAZY;

	hv_stimer_config_write(1, good);
	for (unsigned int i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		int v = wrmsr_safe(HV_MSR_STIMER_CONFIG(1), good | 1ull << bits[i]);

		GUEST_ASSERT_MSG(v == GP_VECTOR, "CONFIG bit %u: vector %d, want #GP", bits[i], v);
		GUEST_ASSERT_EQ(hv_stimer_config_read(1), good);
	}
	stop_all();
	GUEST_PASS("CONFIG reserved bits 13, 14, 15, 20, 31, 32, 63: #GP, value unchanged");
}

static void msr_enable_rules(void)
{
	uint64_t far = now() + 100000 * MS;     /* 100 s: never reached here */

	hv_stimer_config_write(0, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	hv_stimer_count_write(0, far);
	GUEST_ASSERT_EQ(hv_stimer_config_read(0),
			HV_STIMER_ENABLE | HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	GUEST_PASS("AutoEnable: a non-zero COUNT sets Enable");

	hv_stimer_count_write(0, 0);
	GUEST_ASSERT_EQ(hv_stimer_config_read(0), HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	GUEST_ASSERT_EQ(hv_stimer_count_read(0), 0);
	GUEST_PASS("COUNT 0 clears Enable even with AutoEnable");

	hv_stimer_config_write(1, HV_STIMER_SINT(2));
	hv_stimer_count_write(1, far);
	GUEST_ASSERT_EQ(hv_stimer_config_read(1), HV_STIMER_SINT(2));
	hv_stimer_config_write(1, HV_STIMER_ENABLE | HV_STIMER_SINT(2));
	GUEST_ASSERT_EQ(hv_stimer_config_read(1), HV_STIMER_ENABLE | HV_STIMER_SINT(2));
	GUEST_PASS("without AutoEnable COUNT leaves Enable clear; CONFIG sets it");

	hv_stimer_config_write(2, HV_STIMER_ENABLE | HV_STIMER_SINT(0));
	GUEST_ASSERT_EQ(hv_stimer_config_read(2), HV_STIMER_SINT(0));
	hv_stimer_count_write(3, far);
	hv_stimer_config_write(3, HV_STIMER_ENABLE | HV_STIMER_DIRECT | HV_STIMER_VECTOR(VEC_DIRECT));
	GUEST_ASSERT_EQ(hv_stimer_config_read(3),
			HV_STIMER_ENABLE | HV_STIMER_DIRECT | HV_STIMER_VECTOR(VEC_DIRECT));
	stop_all();
	GUEST_PASS("message mode on SINT 0: Enable cleared; direct mode keeps it");
}

static void group_msr(const struct hv_features *f)
{
	GUEST_ASSERT_MSG(hv_has_priv(f, HV_PRIV_ACCESS_SYNTIMER_REGS),
			 "CPUID 0x40000003 EAX bit 3 (SynTimerRegs) clear by default");
	GUEST_PASS("CPUID 0x40000003 EAX bit 3 (AccessSyntheticTimerRegs) set");
	msr_reset_and_round_trip();
	msr_reserved_bits();
	msr_enable_rules();
}

/* ---- oneshot ---- */

static void oneshot_basic(void)
{
	uint64_t deadline;

	reset_log(true);
	hv_stimer_config_write(0, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	deadline = now() + 20 * MS;
	hv_stimer_count_write(0, deadline);
	if (!wait_for(&logged, 1, 5000))
		GUEST_FAIL("one-shot STIMER0 (20 ms) never expired in 5 s");
	check_timer_message(&log_[0], 0, 2, deadline);
	GUEST_ASSERT_EQ(log_[0].flags, 0);
	GUEST_ASSERT_EQ(hv_stimer_config_read(0), HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	sleep_ms(40);
	GUEST_ASSERT_EQ(logged, 1);
	GUEST_ASSERT_EQ(sint_irqs[2], 1);
	GUEST_PASS("one-shot: HVMSG_TIMER_EXPIRED in SINT 2's slot (TimerIndex 0, ExpirationTime = COUNT, DeliveryTime >= it, sender 0, size 24), one interrupt, Enable cleared after");
}

static void oneshot_all_four(void)
{
	uint64_t deadline[HV_STIMER_COUNT], t0;
	bool seen[HV_STIMER_COUNT] = { false };

	reset_log(true);
	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++)
		hv_stimer_config_write(n, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2 + n));
	t0 = now();
	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++) {
		deadline[n] = t0 + (n + 1) * 10 * MS;
		hv_stimer_count_write(n, deadline[n]);
	}
	if (!wait_for(&logged, HV_STIMER_COUNT, 5000))
		GUEST_FAIL("4 one-shot timers: %u expiries in 5 s", logged);
	sleep_ms(40);
	GUEST_ASSERT_EQ(logged, HV_STIMER_COUNT);
	for (unsigned int i = 0; i < HV_STIMER_COUNT; i++) {
		unsigned int n = log_[i].t.timer_index;

		GUEST_ASSERT(n < HV_STIMER_COUNT && !seen[n]);
		seen[n] = true;
		check_timer_message(&log_[i], n, 2 + n, deadline[n]);
		GUEST_ASSERT_EQ(sint_irqs[2 + n], 1);
	}
	GUEST_PASS("STIMER0..3 on SINTs 2..5: each expiry in its own SINT's slot, with its own index and deadline");
}

static void oneshot_in_the_past(void)
{
	reset_log(true);
	hv_stimer_config_write(0, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(3));
	hv_stimer_count_write(0, 1);
	/* Expired during the COUNT write: in the slot before any window. */
	GUEST_ASSERT_EQ(hv_msg_type(hv_sim_slot(sim, 3)), HVMSG_TIMER_EXPIRED);
	if (!wait_for(&logged, 1, 1000))
		GUEST_FAIL("one-shot in the past: no interrupt");
	check_timer_message(&log_[0], 0, 3, 1);
	GUEST_PASS("one-shot with COUNT already past: expires at once");
}

/* COUNT 0 written well before the deadline: nothing ever comes. The lab may
 * stall between the two writes, so a try that was too slow is repeated. */
static void oneshot_count_zero(void)
{
	for (uint64_t margin = 300 * MS; margin <= 2400 * MS; margin *= 2) {
		uint64_t deadline, written;

		reset_log(true);
		hv_stimer_config_write(1, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
		deadline = now() + margin;
		hv_stimer_count_write(1, deadline);
		hv_stimer_count_write(1, 0);
		written = now();
		if (written >= deadline)
			continue;
		GUEST_ASSERT_EQ(hv_stimer_config_read(1), HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
		while (now() < deadline + 100 * MS)
			sleep_ms(50);
		GUEST_ASSERT_EQ(logged, 0);
		GUEST_ASSERT_EQ(sint_irqs[2], 0);
		GUEST_PASS("COUNT 0 before the deadline: Enable cleared, no expiry 100 ms past it");
		hv_stimer_stop(1);
		return;
	}
	GUEST_FAIL("COUNT 0 test: the lab never wrote two MSRs within 2.4 s");
}

/* A one-shot that finds its slot busy waits with the pending flag; EOM
 * delivers it, with the DeliveryTime of then. */
static void oneshot_busy_slot(void)
{
	volatile struct hv_message *m = hv_sim_slot(sim, 2);
	uint64_t d1, eom_at;
	struct hv_timer_message t;

	reset_log(false);
	hv_stimer_config_write(0, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	hv_stimer_count_write(0, now() + 10 * MS);
	if (!wait_for(&sint_irqs[2], 1, 5000))
		GUEST_FAIL("busy slot: STIMER0 never expired");
	GUEST_ASSERT_EQ(hv_msg_timer(m).timer_index, 0);

	hv_stimer_config_write(1, HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	d1 = now() + 10 * MS;
	hv_stimer_count_write(1, d1);
	while (now() < d1 + 50 * MS)
		sleep_ms(20);
	sleep_ms(20);
	GUEST_ASSERT_EQ(hv_msg_timer(m).timer_index, 0);
	GUEST_ASSERT_MSG(hv_msg_pending(m), "STIMER1 expired on a busy slot: no pending flag");
	GUEST_ASSERT_EQ(sint_irqs[2], 1);
	GUEST_ASSERT(hv_stimer_config_read(1) & HV_STIMER_ENABLE);
	GUEST_PASS("one-shot on a busy slot: the slot keeps the first message, pending flag set, no interrupt, timer still enabled");

	eom_at = now();
	GUEST_ASSERT(hv_msg_consume(m));        /* pending: EOM */
	GUEST_ASSERT_EQ(hv_msg_type(m), HVMSG_TIMER_EXPIRED);
	t = hv_msg_timer(m);
	GUEST_ASSERT_EQ(t.timer_index, 1);
	GUEST_ASSERT_EQ(t.expiration_time, d1);
	GUEST_ASSERT_MSG(t.delivery_time >= eom_at, "DeliveryTime %llu before the EOM at %llu",
			 (unsigned long long)t.delivery_time, (unsigned long long)eom_at);
	GUEST_ASSERT_EQ(hv_msg_flags(m), 0);
	GUEST_ASSERT_EQ(hv_stimer_config_read(1), HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(2));
	if (!wait_for(&sint_irqs[2], 2, 1000))
		GUEST_FAIL("EOM delivered STIMER1's message without an interrupt");
	GUEST_ASSERT(!hv_msg_consume(m));
	GUEST_PASS("EOM delivers the waiting expiry: TimerIndex 1, its deadline, DeliveryTime = the EOM's, one interrupt, Enable cleared");
}

static void group_oneshot(void)
{
	synic_setup();
	oneshot_basic();
	oneshot_all_four();
	oneshot_in_the_past();
	oneshot_count_zero();
	oneshot_busy_slot();
	stop_all();
}

/* ---- periodic ---- */

static void periodic_counted(void)
{
	const uint64_t period = 10 * MS;
	uint64_t t0, t1, max;
	uint32_t n;

	reset_log(true);
	hv_stimer_config_write(1, HV_STIMER_PERIODIC | HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(3));
	t0 = now();
	hv_stimer_count_write(1, period);
	sleep_ms(300);
	hv_stimer_config_write(1, 0);
	t1 = now();
	sleep_ms(20);           /* the last ones' interrupts */
	n = logged;
	max = (t1 - t0) / period;
	printf("hv_stimer: periodic 10 ms: %u expiries in %llu ms of TIME_REF_COUNT\n", n,
	       (unsigned long long)((t1 - t0) / MS));
	GUEST_ASSERT_MSG(n >= 3, "periodic 10 ms: only %u expiries in %llu ms", n,
			 (unsigned long long)((t1 - t0) / MS));
	GUEST_ASSERT_MSG(n <= max, "periodic 10 ms: %u expiries, more than the %llu periods elapsed",
			 n, (unsigned long long)max);
	for (uint32_t i = 0; i < n && i < LOG_MAX; i++) {
		check_timer_message(&log_[i], 1, 3, 0);
		GUEST_ASSERT(log_[i].t.expiration_time >= t0 + period);
		if (i > 0) {
			uint64_t gap = log_[i].t.expiration_time - log_[i - 1].t.expiration_time;

			GUEST_ASSERT_MSG(gap >= period && gap % period == 0,
					 "expiries %u and %u are %llu apart, not a multiple of the period",
					 i - 1, i, (unsigned long long)gap);
		}
	}
	sleep_ms(50);
	GUEST_ASSERT_EQ(logged, n);
	GUEST_PASS("periodic 10 ms: at least 3 expiries, no more than the periods elapsed, deadlines a whole number of periods apart, none after CONFIG 0");
}

/* Nobody empties the slot: later ticks are dropped, not queued, and no
 * pending flag asks for an EOM. Emptied, the next tick comes on schedule. */
static void periodic_busy_slot(void)
{
	const uint64_t period = 5 * MS;
	volatile struct hv_message *m = hv_sim_slot(sim, 4);
	struct hv_timer_message first, next;

	reset_log(false);
	hv_stimer_config_write(2, HV_STIMER_PERIODIC | HV_STIMER_AUTO_ENABLE | HV_STIMER_SINT(4));
	hv_stimer_count_write(2, period);
	if (!wait_for(&sint_irqs[4], 1, 5000))
		GUEST_FAIL("periodic 5 ms never expired");
	first = hv_msg_timer(m);
	sleep_ms(100);
	GUEST_ASSERT_EQ(sint_irqs[4], 1);
	GUEST_ASSERT_EQ(hv_msg_timer(m).expiration_time, first.expiration_time);
	GUEST_ASSERT_MSG(!hv_msg_pending(m), "periodic tick on a busy slot set the pending flag");
	GUEST_PASS("periodic on a busy slot: the first tick stays, later ones dropped, no pending flag, one interrupt");

	GUEST_ASSERT(!hv_msg_consume(m));       /* no EOM: nothing pending */
	if (!wait_for(&sint_irqs[4], 2, 5000))
		GUEST_FAIL("periodic 5 ms: no tick after the slot was emptied");
	next = hv_msg_timer(m);
	hv_stimer_stop(2);
	GUEST_ASSERT_EQ(next.timer_index, 2);
	GUEST_ASSERT_MSG(next.expiration_time >= first.expiration_time + 2 * period &&
			 (next.expiration_time - first.expiration_time) % period == 0,
			 "next tick's deadline %llu vs the first %llu",
			 (unsigned long long)next.expiration_time,
			 (unsigned long long)first.expiration_time);
	hv_msg_consume(m);
	GUEST_PASS("emptied without EOM: the next tick comes, periods later, on the period grid");
}

static void group_periodic(void)
{
	synic_setup();
	periodic_counted();
	periodic_busy_slot();
	stop_all();
}

/* ---- direct ---- */

static void direct_oneshot(void)
{
	uint64_t deadline;

	direct_irqs = 0;
	hv_stimer_config_write(3, HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT |
				  HV_STIMER_VECTOR(VEC_DIRECT));
	deadline = now() + 20 * MS;
	hv_stimer_count_write(3, deadline);
	if (!wait_for(&direct_irqs, 1, 5000))
		GUEST_FAIL("direct one-shot never fired");
	GUEST_ASSERT_MSG(direct_at >= deadline, "direct timer fired at %llu, before %llu",
			 (unsigned long long)direct_at, (unsigned long long)deadline);
	sleep_ms(40);
	GUEST_ASSERT_EQ(direct_irqs, 1);
	GUEST_ASSERT(!apic_isr_test(VEC_DIRECT));
	GUEST_ASSERT_EQ(sim_messages(), 0);
	GUEST_ASSERT_EQ(hv_stimer_config_read(3), HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT |
						  HV_STIMER_VECTOR(VEC_DIRECT));
	GUEST_PASS("direct one-shot: vector 0x%x once, not before COUNT, EOIed by the guest, nothing in the SIM page, Enable cleared",
		   VEC_DIRECT);
}

static void direct_periodic(void)
{
	const uint64_t period = 10 * MS;
	uint64_t t0, t1;
	uint32_t n;

	direct_irqs = 0;
	hv_stimer_config_write(0, HV_STIMER_PERIODIC | HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT |
				  HV_STIMER_VECTOR(VEC_DIRECT_PERIODIC));
	t0 = now();
	hv_stimer_count_write(0, period);
	sleep_ms(200);
	hv_stimer_config_write(0, 0);
	t1 = now();
	sleep_ms(20);
	n = direct_irqs;
	printf("hv_stimer: direct periodic 10 ms: %u interrupts in %llu ms\n", n,
	       (unsigned long long)((t1 - t0) / MS));
	GUEST_ASSERT_MSG(n >= 2, "direct periodic: only %u interrupts", n);
	GUEST_ASSERT_MSG(n <= (t1 - t0) / period, "direct periodic: %u interrupts in %llu periods",
			 n, (unsigned long long)((t1 - t0) / period));
	sleep_ms(50);
	GUEST_ASSERT_EQ(direct_irqs, n);
	GUEST_ASSERT_EQ(sim_messages(), 0);
	GUEST_PASS("direct periodic 10 ms: at least 2 interrupts, no more than the periods elapsed, none after CONFIG 0");
}

static void group_direct(const struct hv_features *f)
{
	GUEST_ASSERT_MSG(f->features_edx & HV_CPUID_EDX_DIRECT_STIMER,
			 "CPUID 0x40000003 EDX bit 19 (direct synthetic timers) clear");
	GUEST_PASS("CPUID 0x40000003 EDX bit 19 (direct synthetic timers) set");
	synic_setup();
	direct_oneshot();
	direct_periodic();
	stop_all();
}

/* ---- denied ---- */

static void group_denied(const struct hv_features *f)
{
	uint64_t v;

	GUEST_ASSERT_MSG(!hv_has_priv(f, HV_PRIV_ACCESS_SYNTIMER_REGS),
			 "CPUID 0x40000003 EAX bit 3 set: run with --privileges default,-syntimer-regs");
	GUEST_PASS("CPUID 0x40000003 EAX bit 3 (AccessSyntheticTimerRegs) clear");
	for (unsigned int n = 0; n < HV_STIMER_COUNT; n++) {
		GUEST_ASSERT_EQ(rdmsr_safe(HV_MSR_STIMER_CONFIG(n), &v), GP_VECTOR);
		GUEST_ASSERT_EQ(rdmsr_safe(HV_MSR_STIMER_COUNT(n), &v), GP_VECTOR);
		GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_STIMER_CONFIG(n), HV_STIMER_SINT(2)), GP_VECTOR);
		GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_STIMER_COUNT(n), 1), GP_VECTOR);
	}
	GUEST_ASSERT_EQ(rdmsr_safe(HV_MSR_SCONTROL, &v), 0);
	GUEST_PASS("without the privilege every STIMER CONFIG/COUNT read and write is #GP; SCONTROL still reads");
}

void guest_main(void)
{
	struct hv_features f;
	const char *c;
	size_t len;

	if (this_vp() != 0)
		return;
	f = hv_detect();
	c = guest_cmdline_get("case", &len);
	if (!c)
		GUEST_FAIL("hv_stimer needs --append case=msr|oneshot|periodic|direct|denied");
	printf("hv_stimer, cmdline '%s'\n", guest_cmdline());
	for (unsigned int x = FIRST_SINT; x <= LAST_SINT; x++)
		guest_install_handler((uint8_t)(VEC_SINT0 + x), sint_handler);
	guest_install_handler(VEC_DIRECT, direct_handler);
	guest_install_handler(VEC_DIRECT_PERIODIC, direct_handler);
	apic_enable();

	if (len == 3 && !memcmp(c, "msr", 3))
		group_msr(&f);
	else if (len == 7 && !memcmp(c, "oneshot", 7))
		group_oneshot();
	else if (len == 8 && !memcmp(c, "periodic", 8))
		group_periodic();
	else if (len == 6 && !memcmp(c, "direct", 6))
		group_direct(&f);
	else if (len == 6 && !memcmp(c, "denied", 6))
		group_denied(&f);
	else
		GUEST_FAIL("unknown case '%.*s'", (int)len, c);
	GUEST_PASS("case %.*s", (int)len, c);
	guest_done();
}
