/* Synthetic timers STIMER0..3 (hyperv.md section 4; TLFS "Synthetic Timer
 * Configuration Register" and "Count Register"; semantics checked against
 * Linux arch/x86/kvm/hyperv.c stimer_set_config, stimer_set_count,
 * stimer_start, stimer_expiration). The library owns no clock and no thread:
 * ref_time reads TIME_REF_COUNT, stimer_arm asks the VMM for a host timer,
 * and synic_stimer_expire is how that timer comes back. State is guarded by
 * the VP's msg_lock, which also serialises every write into its SIM page. */
#include <errno.h>

#include "internal.h"

#define STIMER_MSR_LAST (HV_MSR_STIMER0_CONFIG + 2 * HV_STIMER_COUNT - 1)

bool stimer_msr(uint32_t msr)
{
	return msr >= HV_MSR_STIMER0_CONFIG && msr <= STIMER_MSR_LAST;
}

/* Without a clock and a host timer there are no synthetic timers: their
 * MSRs stay the VMM's (-ENOENT), as before this file existed. */
bool stimer_supported(const struct synic_partition *p)
{
	return p->seams.ref_time && p->seams.stimer_arm;
}

/* TLFS: "The SINTx bits cannot be set to zero for an enabled timer. If
 * attempted, the timer will be marked disabled immediately." (Linux applies
 * it when the timer was enabled before; we apply it to every write that
 * would leave a message-mode timer enabled on SINT 0.) */
static uint64_t enable_rule(uint64_t config)
{
	if ((config & HV_STIMER_ENABLE) && !(config & HV_STIMER_DIRECT) &&
	    stimer_sint(config) == 0)
		return config & ~HV_STIMER_ENABLE;
	return config;
}

static void arm(struct synic_partition *p, uint32_t vp, struct stimer *t,
		int idx, uint64_t deadline)
{
	t->deadline = deadline;
	t->armed = true;
	p->seams.stimer_arm(p->opaque, vp, (uint8_t)idx, deadline);
}

static void cancel_locked(struct synic_partition *p, uint32_t vp,
			  struct synic_vp *v, int idx)
{
	struct stimer *t = &v->stimer[idx];

	if (t->armed)
		p->seams.stimer_arm(p->opaque, vp, (uint8_t)idx, 0);
	t->armed = false;
	t->deadline = 0;
	if (t->msg_pending) {
		t->msg_pending = false;
		sim_waiting_update(v, stimer_sint(t->config));
	}
}

/* HVMSG_TIMER_EXPIRED: TimerIndex u32, RsvdZ u32, ExpirationTime u64,
 * DeliveryTime u64; sender 0 (Linux stimer_prepare_msg). */
static void timer_image(uint8_t img[HV_MESSAGE_SIZE], int idx,
			uint64_t expiration, uint64_t delivery)
{
	uint8_t payload[HV_TIMER_PAYLOAD_SIZE] = {0};

	for (int i = 0; i < 8; i++) {
		if (i < 4)
			payload[i] = (uint8_t)((uint32_t)idx >> (8 * i));
		payload[8 + i] = (uint8_t)(expiration >> (8 * i));
		payload[16 + i] = (uint8_t)(delivery >> (8 * i));
	}
	sim_image(img, HVMSG_TIMER_EXPIRED, 0, payload, sizeof(payload));
}

static bool send_message(struct synic_partition *p, uint32_t vp,
			 struct synic_vp *v, int idx, uint64_t now, bool retry,
			 unsigned others)
{
	uint8_t sint = stimer_sint(v->stimer[idx].config);
	uint8_t img[HV_MESSAGE_SIZE];
	struct sim_target tg;

	if (!sim_target_get(p, v, sint, &tg))
		return false;
	timer_image(img, idx, v->stimer[idx].deadline, now);
	return sim_deliver(p, vp, v, &tg, sint, img, others > 0, retry);
}

/* Next period after `now`, skipping the ones already missed (counted as
 * dropped) so a timer far behind does not fire a storm of catch-up ticks. */
static void rearm_periodic(struct synic_partition *p, uint32_t vp,
			   struct synic_vp *v, int idx, uint64_t now)
{
	struct stimer *t = &v->stimer[idx];
	uint64_t next = t->deadline + t->count;

	if (next <= now) {
		uint64_t missed = (now - t->deadline) / t->count;
		atomic_fetch_add_explicit(&v->stimer_ticks_dropped, missed,
					  memory_order_relaxed);
		next = t->deadline + (missed + 1) * t->count;
	}
	arm(p, vp, t, idx, next);
}

/* A periodic tick that finds its slot busy is dropped (no pending flag, no
 * retry: Linux's no_retry, so ticks do not pile up); a one-shot waits for the
 * slot and is retried on EOM or the SINT's EOI. */
static void fire_locked(struct synic_partition *p, uint32_t vp,
			struct synic_vp *v, int idx, uint64_t now)
{
	struct stimer *t = &v->stimer[idx];
	bool periodic = t->config & HV_STIMER_PERIODIC;
	bool done;

	t->armed = false;
	atomic_fetch_add_explicit(&v->stimer_expiries, 1, memory_order_relaxed);
	if (t->config & HV_STIMER_DIRECT) {
		p->seams.direct_irq(p->opaque, vp,
				    (uint8_t)((t->config & HV_STIMER_VECTOR_MASK) >>
					      HV_STIMER_VECTOR_SHIFT));
		done = true;
	} else {
		done = send_message(p, vp, v, idx, now, !periodic,
				    sim_backlog(v, stimer_sint(t->config)));
	}
	if (periodic) {
		if (!done)
			atomic_fetch_add_explicit(&v->stimer_ticks_dropped, 1,
						  memory_order_relaxed);
		rearm_periodic(p, vp, v, idx, now);
	} else if (done) {
		t->config &= ~HV_STIMER_ENABLE;   /* one-shots disable themselves */
	} else {
		t->msg_pending = true;
		sim_waiting_update(v, stimer_sint(t->config));
	}
}

/* One-shot: COUNT is the absolute TIME_REF_COUNT, already past = expire now
 * (TLFS). Periodic: COUNT is the period, the first one starting now. */
static void start_locked(struct synic_partition *p, uint32_t vp,
			 struct synic_vp *v, int idx)
{
	struct stimer *t = &v->stimer[idx];
	uint64_t now;

	if (!(t->config & HV_STIMER_ENABLE) || t->count == 0)
		return;
	now = p->seams.ref_time(p->opaque);
	if (t->config & HV_STIMER_PERIODIC) {
		arm(p, vp, t, idx, now + t->count);
		return;
	}
	t->deadline = t->count;
	if (now >= t->count)
		fire_locked(p, vp, v, idx, now);
	else
		arm(p, vp, t, idx, t->count);
}

static int config_check(struct synic_partition *p, uint32_t vp, uint32_t msr,
			uint64_t value)
{
	const char *why = NULL;

	if (value & HV_STIMER_RSVD)
		why = "wrmsr STIMER_CONFIG reserved";
	else if ((value & HV_STIMER_DIRECT) && !p->seams.direct_irq)
		why = "wrmsr STIMER_CONFIG direct mode not offered";
	if (!why)
		return SYNIC_MSR_OK;
	synic_trace(p, vp, why, msr, value);
	return SYNIC_MSR_GP;
}

/* Either write stops the timer first (Linux stimer_cleanup), then: COUNT 0
 * disables whatever AutoEnable says; a non-zero COUNT with AutoEnable sets
 * Enable. The host (restore) gets the same semantics minus privilege. */
int stimer_msr_write(struct synic_partition *p, uint32_t vp,
		     struct synic_vp *v, uint32_t msr, uint64_t value, bool host)
{
	int idx = (int)(msr - HV_MSR_STIMER0_CONFIG) / 2;
	bool is_count = (msr - HV_MSR_STIMER0_CONFIG) & 1;
	struct stimer *t = &v->stimer[idx];

	(void)host;
	if (!is_count && config_check(p, vp, msr, value) != SYNIC_MSR_OK)
		return SYNIC_MSR_GP;
	pthread_mutex_lock(&v->msg_lock);
	cancel_locked(p, vp, v, idx);
	if (!is_count) {
		t->config = value;
	} else {
		t->count = value;
		if (value == 0)
			t->config &= ~HV_STIMER_ENABLE;
		else if (t->config & HV_STIMER_AUTO_ENABLE)
			t->config |= HV_STIMER_ENABLE;
	}
	t->config = enable_rule(t->config);
	start_locked(p, vp, v, idx);
	pthread_mutex_unlock(&v->msg_lock);
	return SYNIC_MSR_OK;
}

uint64_t stimer_msr_read(struct synic_vp *v, uint32_t msr)
{
	int idx = (int)(msr - HV_MSR_STIMER0_CONFIG) / 2;
	bool is_count = (msr - HV_MSR_STIMER0_CONFIG) & 1;
	uint64_t val;

	pthread_mutex_lock(&v->msg_lock);
	val = is_count ? v->stimer[idx].count : v->stimer[idx].config;
	pthread_mutex_unlock(&v->msg_lock);
	return val;
}

/* Lowest-numbered one-shot whose message waits for SINT `sint`, or -1. */
int stimer_pending_on(const struct synic_vp *v, uint8_t sint)
{
	for (int i = 0; i < HV_STIMER_COUNT; i++)
		if (v->stimer[i].msg_pending &&
		    stimer_sint(v->stimer[i].config) == sint)
			return i;
	return -1;
}

void stimer_redeliver_locked(struct synic_partition *p, uint32_t vp,
			     struct synic_vp *v, int timer,
			     const struct sim_target *t, bool more)
{
	struct stimer *st = &v->stimer[timer];
	uint8_t sint = stimer_sint(st->config);
	uint8_t img[HV_MESSAGE_SIZE];

	timer_image(img, timer, st->deadline, p->seams.ref_time(p->opaque));
	if (!sim_deliver(p, vp, v, t, sint, img, more, true))
		return;
	st->msg_pending = false;
	st->config &= ~HV_STIMER_ENABLE;
	sim_waiting_update(v, sint);
}

void stimer_reset_locked(struct synic_partition *p, uint32_t vp,
			 struct synic_vp *v)
{
	for (int i = 0; i < HV_STIMER_COUNT; i++) {
		if (stimer_supported(p))
			cancel_locked(p, vp, v, i);
		v->stimer[i] = (struct stimer){0};
	}
}

int synic_stimer_expire(struct synic_partition *p, uint32_t vp, uint8_t timer)
{
	struct synic_vp *v = vp_get(p, vp);
	struct stimer *t;

	if (!v || timer >= HV_STIMER_COUNT)
		return -EINVAL;
	if (!stimer_supported(p))
		return -ENOENT;
	pthread_mutex_lock(&v->msg_lock);
	t = &v->stimer[timer];
	/* Not armed: cancelled or re-programmed since; a stale host timer. */
	if (t->armed) {
		uint64_t now = p->seams.ref_time(p->opaque);
		if (now >= t->deadline)
			fire_locked(p, vp, v, timer, now);
		else    /* the host timer ran early: ask again */
			arm(p, vp, t, timer, t->deadline);
	}
	pthread_mutex_unlock(&v->msg_lock);
	return 0;
}
