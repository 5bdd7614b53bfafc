// SPDX-License-Identifier: MIT
/* The local APIC timer: one-shot, periodic and TSC-deadline modes. The model
 * never sleeps: it keeps an absolute deadline in ops->now_ns time, tells the
 * VMM through timer_changed when that moves, and fires in lapic_timer_tick.
 * At LAPIC_TIMER_HZ = 1 GHz one count at divide-by-1 is one nanosecond. */
#include "lapic.h"
#include "lapic_priv.h"

#include <string.h>

_Static_assert(LAPIC_TIMER_HZ == 1000000000ull,
	       "counts convert to ns as count * divide");

#define DCR_WRITABLE 0xbu
#define NS_PER_MS 1000000ull

static uint64_t now_ns(const struct lapic *l)
{
	return lapic_ops(l)->now_ns(lapic_ctx(l));
}

static uint32_t timer_mode(const struct lapic *l)
{
	return l->lvt[LAPIC_LVT_TIMER] & LAPIC_TIMER_MODE_MASK;
}

/* DCR bits 3,1,0: 000 -> 2, 001 -> 4, ... 110 -> 128, 111 -> 1. */
static uint32_t dcr_divide(uint32_t dcr)
{
	uint32_t code = (dcr & 3) | ((dcr >> 1) & 4);

	return code == 7 ? 1 : 2u << code;
}

static void set_deadline(struct lapic *l, uint64_t deadline_ns)
{
	if (l->timer.deadline_ns == deadline_ns)
		return;
	l->timer.deadline_ns = deadline_ns;
	if (lapic_ops(l)->timer_changed)
		lapic_ops(l)->timer_changed(lapic_ctx(l), l->vp);
}

void lapic_timer_reset(struct lapic *l)
{
	set_deadline(l, 0);
	memset(&l->timer, 0, sizeof(l->timer));
	l->timer.divide = dcr_divide(0);
}

uint64_t lapic_timer_next_ns(const struct lapic *l)
{
	return l->timer.deadline_ns;
}

/* Load the count: the period is latched now, so a later DCR write takes
 * effect at the next load, not in the middle of a count. */
static void timer_load(struct lapic *l, uint32_t count)
{
	l->timer.initial = count;
	l->timer.divide = dcr_divide(l->timer.dcr);
	l->timer.period_ns = (uint64_t)count * l->timer.divide;
	l->timer.start_ns = now_ns(l);
	set_deadline(l, count ? l->timer.start_ns + l->timer.period_ns : 0);
}

/* Initial-count writes are ignored in TSC-deadline mode (SDM 11.5.4.1). */
void lapic_timer_write_initial(struct lapic *l, uint32_t count)
{
	if (timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE)
		timer_load(l, count);
}

void lapic_timer_write_dcr(struct lapic *l, uint32_t val)
{
	l->timer.dcr = val & DCR_WRITABLE;
}

/* Entering or leaving TSC-deadline mode disarms the timer; one-shot and
 * periodic switch into each other with the count running, as in KVM. */
void lapic_timer_write_lvt(struct lapic *l, uint32_t val)
{
	uint32_t old_mode = timer_mode(l);

	l->lvt[LAPIC_LVT_TIMER] = val;
	if (old_mode == timer_mode(l) ||
	    (old_mode != LAPIC_TIMER_TSC_DEADLINE &&
	     timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE))
		return;
	l->timer.initial = 0;
	l->timer.tsc_deadline = 0;
	set_deadline(l, 0);
}

/* Counts left, rounded down; periodic counts wrap on their own schedule
 * even if no tick came at the last expiry. */
uint32_t lapic_timer_current(const struct lapic *l)
{
	uint64_t now, left;

	if (timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE || !l->timer.deadline_ns)
		return 0;
	now = now_ns(l);
	if (timer_mode(l) == LAPIC_TIMER_PERIODIC)
		left = l->timer.period_ns -
		       (now - l->timer.start_ns) % l->timer.period_ns;
	else
		left = now < l->timer.deadline_ns ? l->timer.deadline_ns - now : 0;
	return (uint32_t)(left / l->timer.divide);
}

/* Guest TSC ticks to ns, rounded up so the timer never fires before the
 * guest's TSC has reached its deadline. */
static uint64_t tsc_to_ns(const struct lapic *l, uint64_t ticks)
{
	uint64_t khz = l->bus->tsc_khz, ms = ticks / khz;

	if (ms > (UINT64_MAX - NS_PER_MS) / NS_PER_MS)
		return UINT64_MAX; /* centuries away: never, in practice */
	return ms * NS_PER_MS + ((ticks % khz) * NS_PER_MS + khz - 1) / khz;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t tsc_deadline_ns(const struct lapic *l, uint64_t tsc)
{
	const struct lapic_ops *ops = lapic_ops(l);
	uint64_t now, guest_tsc;

	if (!ops->guest_tsc)
		return tsc_to_ns(l, tsc);
	now = now_ns(l);
	guest_tsc = ops->guest_tsc(lapic_ctx(l), l->vp);
	return add_saturating(now, tsc > guest_tsc ? tsc_to_ns(l, tsc - guest_tsc) : 0);
}

uint64_t lapic_timer_read_tsc_deadline(const struct lapic *l)
{
	return timer_mode(l) == LAPIC_TIMER_TSC_DEADLINE ? l->timer.tsc_deadline : 0;
}

/* Ignored outside TSC-deadline mode; 0 disarms (SDM 11.5.4.1). A deadline
 * already past fires at the next tick: deadline_ns is at most now. */
void lapic_timer_write_tsc_deadline(struct lapic *l, uint64_t tsc)
{
	uint64_t deadline;

	if (timer_mode(l) != LAPIC_TIMER_TSC_DEADLINE)
		return;
	l->timer.tsc_deadline = tsc;
	deadline = tsc ? tsc_deadline_ns(l, tsc) : 0;
	set_deadline(l, tsc && !deadline ? 1 : deadline);
}

/* Periodic: the next expiry is on the schedule start + k * period, never
 * now + period, so lateness does not accumulate; periods missed entirely
 * are coalesced into this one interrupt. */
static uint64_t next_period(const struct lapic *l, uint64_t now)
{
	uint64_t period = l->timer.period_ns, deadline = l->timer.deadline_ns;

	return deadline + ((now - deadline) / period + 1) * period;
}

void lapic_timer_tick(struct lapic *l, uint64_t now)
{
	uint32_t lvt = l->lvt[LAPIC_LVT_TIMER];

	if (!l->timer.deadline_ns || now < l->timer.deadline_ns)
		return;
	/* A masked timer still counts down; it just raises nothing. */
	if (!(lvt & LAPIC_LVT_MASKED))
		lapic_set_irq(l, lvt & 0xff, false, false);
	if (timer_mode(l) == LAPIC_TIMER_PERIODIC) {
		set_deadline(l, next_period(l, now));
		return;
	}
	l->timer.tsc_deadline = 0; /* the MSR reads 0 once it has fired */
	set_deadline(l, 0);
}
