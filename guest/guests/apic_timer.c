// SPDX-License-Identifier: MIT
/*
 * apic_timer: the local APIC timer on one VP.
 *
 * Cases (all but tsc-deadline by default; `--append case=NAME` runs one):
 *   oneshot       fires once, never early, the count-down register falls before
 *   periodic      ticks over a TIME_REF_COUNT-measured interval, 50%..150%
 *   masked        a masked LVT counts down and never interrupts
 *   divide        /2 and /32 measured through the current count, ratio ~16
 *   tsc-deadline  IA32_TSC_DEADLINE fires once, clears, 0 disarms (SKIP when
 *                 CPUID.1:ECX[24] is clear)
 * The clock is TIME_REF_COUNT (100 ns); every wait is bounded by it. Nothing
 * asserts tight timing: the lab runs guests under nested emulation.
 */
#include "guest.h"
#include "xapic.h"

#define VEC_TIMER 0x60
#define DCR_DIV2 0x0
#define DCR_DIV16 0x3
#define DCR_DIV32 0x8

static volatile uint32_t ticks;
static volatile uint64_t fired_ref, fired_tsc;

static void timer_handler(struct ex_regs *regs)
{
	(void)regs;
	if (ticks == 0) {
		fired_ref = time_ref();
		fired_tsc = rdtsc();
	}
	ticks = ticks + 1;
	apic_eoi();
}

static void timer_stop(void)
{
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	apic_write(APIC_TIMER_ICR, 0);
}

static void delay_us(uint64_t us)
{
	uint64_t end = time_ref() + us * 10;

	while (time_ref() < end)
		cpu_relax();
}

static void case_oneshot(void)
{
	const uint32_t count = 125000; /* x 16 ns = 2 ms */
	uint64_t armed;
	uint32_t c1, c2;

	printf("apic_timer: one-shot, divide 16, count %u (2 ms), vector 0x%x\n", count, VEC_TIMER);
	ticks = 0;
	apic_write(APIC_TIMER_DCR, DCR_DIV16);
	GUEST_ASSERT_EQ(apic_read(APIC_TIMER_DCR), DCR_DIV16);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | VEC_TIMER);
	GUEST_ASSERT_EQ(apic_read(APIC_LVT_TIMER), APIC_TIMER_ONESHOT | VEC_TIMER);
	/* The count-down on a count no slow host can exhaust between two reads
	 * (~69 s): an MMIO exit has taken more than 2 ms here under ASan. */
	apic_write(APIC_TIMER_ICR, 0xffffffffu);
	c1 = apic_read(APIC_TIMER_CCR);
	delay_us(200);
	c2 = apic_read(APIC_TIMER_CCR);
	GUEST_ASSERT_MSG(c2 < c1, "current count %u then %u (initial 0xffffffff)", c1, c2);
	timer_stop();
	GUEST_ASSERT_EQ(ticks, 0);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | VEC_TIMER);
	armed = time_ref();
	apic_write(APIC_TIMER_ICR, count);
	GUEST_ASSERT_EQ(apic_read(APIC_TIMER_ICR), count);
	if (!irq_window_us(&ticks, 1, 1000000))
		GUEST_FAIL("one-shot timer (2 ms) did not fire within 1 s");
	GUEST_ASSERT_MSG(fired_ref - armed >= 20000, "fired %llu x 100 ns after arming, before 2 ms",
			 (unsigned long long)(fired_ref - armed));
	irq_window_us(NULL, 0, 10000); /* 5 more periods */
	GUEST_ASSERT_EQ(ticks, 1);
	GUEST_ASSERT_EQ(apic_read(APIC_TIMER_CCR), 0);
	timer_stop();
	GUEST_PASS("one-shot: count-down %u -> %u, fired once after %llu us (>= 2000), CCR 0 after",
		   c1, c2, (unsigned long long)(fired_ref - armed) / 10);
}

static void case_periodic(void)
{
	const uint32_t count = 250000; /* x 16 ns = 4 ms */
	const uint64_t period_100ns = 40000;
	uint64_t t0, t1, expected;
	uint32_t got;

	printf("apic_timer: periodic, divide 16, count %u (4 ms), up to 25 ticks\n", count);
	ticks = 0;
	apic_write(APIC_TIMER_DCR, DCR_DIV16);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | VEC_TIMER);
	t0 = time_ref();
	apic_write(APIC_TIMER_ICR, count);
	irq_window_us(&ticks, 25, 2000000);
	t1 = time_ref();
	got = ticks;
	GUEST_ASSERT_MSG(apic_read(APIC_TIMER_CCR) != 0, "a periodic count reloads");
	timer_stop();
	expected = (t1 - t0) / period_100ns;
	printf("apic_timer:   %u ticks in %llu us, %llu periods\n", got,
	       (unsigned long long)(t1 - t0) / 10, (unsigned long long)expected);
	GUEST_ASSERT_MSG(got >= 2, "%u ticks in %llu us", got, (unsigned long long)(t1 - t0) / 10);
	GUEST_ASSERT_MSG(2ull * got >= expected && 2ull * got <= 3 * expected + 2,
			 "%u ticks, %llu expected (50%%..150%%)", got, (unsigned long long)expected);
	/* stopped: no more */
	irq_window_us(NULL, 0, 12000);
	GUEST_ASSERT_EQ(ticks, got);
	GUEST_PASS("periodic: %u ticks in %llu us (%llu periods of 4 ms); none after stopping",
		   got, (unsigned long long)(t1 - t0) / 10, (unsigned long long)expected);
}

static void case_masked(void)
{
	const uint32_t count = 125000; /* 2 ms */
	uint32_t c1;

	printf("apic_timer: masked one-shot, 2 ms, interrupts open for 10 ms\n");
	ticks = 0;
	apic_write(APIC_TIMER_DCR, DCR_DIV16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | VEC_TIMER);
	GUEST_ASSERT_EQ(apic_read(APIC_LVT_TIMER), APIC_LVT_MASKED | VEC_TIMER);
	/* It counts while masked (read on a count too long to run out first)... */
	apic_write(APIC_TIMER_ICR, 0xffffffffu);
	c1 = apic_read(APIC_TIMER_CCR);
	GUEST_ASSERT_MSG(c1 > 0 && c1 < 0xffffffffu, "masked timer counts: %u", c1);
	/* ... and expires without an interrupt. */
	apic_write(APIC_TIMER_ICR, count);
	irq_window_us(NULL, 0, 10000);
	GUEST_ASSERT_EQ(ticks, 0);
	GUEST_ASSERT(!apic_irr_test(VEC_TIMER));
	GUEST_ASSERT_EQ(apic_read(APIC_TIMER_CCR), 0); /* it expired, silently */
	timer_stop();
	GUEST_PASS("masked: counted down from %u to 0, no interrupt, IRR clear", c1);
}

/* ns per count x 100, measured through the current count over ~5 ms. */
static uint64_t ns_per_count_x100(uint32_t dcr)
{
	uint64_t t0, t1;
	uint32_t c0, c1;

	apic_write(APIC_TIMER_DCR, dcr);
	GUEST_ASSERT_EQ(apic_read(APIC_TIMER_DCR), dcr);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | VEC_TIMER);
	apic_write(APIC_TIMER_ICR, 0xffffffffu);
	t0 = time_ref();
	c0 = apic_read(APIC_TIMER_CCR);
	delay_us(5000);
	c1 = apic_read(APIC_TIMER_CCR);
	t1 = time_ref();
	timer_stop();
	GUEST_ASSERT_MSG(c1 < c0, "divide 0x%x: current count %u then %u", dcr, c0, c1);
	return (t1 - t0) * 100 * 100 / (c0 - c1);
}

static void case_divide(void)
{
	uint64_t d2, d32, ratio;

	printf("apic_timer: divide configuration: /2 then /32, ns per count over 5 ms\n");
	d2 = ns_per_count_x100(DCR_DIV2);
	d32 = ns_per_count_x100(DCR_DIV32);
	ratio = d32 * 100 / d2;
	printf("apic_timer:   /2: %llu.%02llu ns per count, /32: %llu.%02llu, ratio %llu.%02llu\n",
	       (unsigned long long)d2 / 100, (unsigned long long)d2 % 100,
	       (unsigned long long)d32 / 100, (unsigned long long)d32 % 100,
	       (unsigned long long)ratio / 100, (unsigned long long)ratio % 100);
	/* 1 GHz base clock: /d is d ns per count */
	GUEST_ASSERT_MSG(d2 >= 100 && d2 <= 300, "/2: %llu/100 ns per count", (unsigned long long)d2);
	GUEST_ASSERT_MSG(d32 >= 1600 && d32 <= 4800, "/32: %llu/100 ns per count",
			 (unsigned long long)d32);
	GUEST_ASSERT_MSG(ratio >= 800 && ratio <= 2400, "ratio %llu/100, 16 expected",
			 (unsigned long long)ratio);
	GUEST_PASS("divide: /2 %llu.%02llu ns per count, /32 %llu.%02llu, ratio %llu.%02llu (16)",
		   (unsigned long long)d2 / 100, (unsigned long long)d2 % 100,
		   (unsigned long long)d32 / 100, (unsigned long long)d32 % 100,
		   (unsigned long long)ratio / 100, (unsigned long long)ratio % 100);
}

static void case_tsc_deadline(void)
{
	uint64_t t0, s0, tsc_per_ms, dl;

	if (!(cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE))
		GUEST_SKIP("tsc-deadline: CPUID.1:ECX[24] clear, the VMM does not advertise it");
	printf("apic_timer: TSC-deadline mode, 3 ms ahead\n");
	t0 = time_ref();
	s0 = rdtsc();
	delay_us(5000);
	tsc_per_ms = (rdtsc() - s0) * 10000 / (time_ref() - t0);
	GUEST_ASSERT(tsc_per_ms > 0);

	ticks = 0;
	apic_write(APIC_LVT_TIMER, APIC_TIMER_TSC_DEADLINE | VEC_TIMER);
	GUEST_ASSERT_EQ(apic_read(APIC_LVT_TIMER), APIC_TIMER_TSC_DEADLINE | VEC_TIMER);
	apic_write(APIC_TIMER_ICR, 1000); /* ignored in this mode */
	GUEST_ASSERT_EQ(apic_read(APIC_TIMER_CCR), 0);
	dl = rdtsc() + 3 * tsc_per_ms;
	wrmsr(MSR_IA32_TSC_DEADLINE, dl);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_TSC_DEADLINE), dl);
	if (!irq_window_us(&ticks, 1, 1000000))
		GUEST_FAIL("TSC deadline 3 ms ahead did not fire within 1 s");
	GUEST_ASSERT_MSG(fired_tsc >= dl, "fired at TSC %llu, before the deadline %llu",
			 (unsigned long long)fired_tsc, (unsigned long long)dl);
	irq_window_us(NULL, 0, 10000);
	GUEST_ASSERT_EQ(ticks, 1);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_TSC_DEADLINE), 0);

	/* writing 0 disarms */
	ticks = 0;
	wrmsr(MSR_IA32_TSC_DEADLINE, rdtsc() + 5 * tsc_per_ms);
	wrmsr(MSR_IA32_TSC_DEADLINE, 0);
	irq_window_us(NULL, 0, 15000);
	GUEST_ASSERT_EQ(ticks, 0);
	timer_stop();
	GUEST_PASS("tsc-deadline: fired once at/after the deadline (%llu TSC/ms), MSR 0 after; "
		   "writing 0 disarmed", (unsigned long long)tsc_per_ms);
}

static const struct {
	const char *name;
	void (*fn)(void);
	bool by_default;
} cases[] = {
	{ "oneshot", case_oneshot, true },
	{ "periodic", case_periodic, true },
	{ "masked", case_masked, true },
	{ "divide", case_divide, true },
	{ "tsc-deadline", case_tsc_deadline, false },
};

void guest_main(void)
{
	size_t len = 0;
	const char *only = guest_cmdline_get("case", &len);
	unsigned int ran = 0;

	if (this_vp() != 0)
		return;
	if (!time_ref_available())
		GUEST_SKIP("no TIME_REF_COUNT to measure the timer with");
	guest_install_handler(VEC_TIMER, timer_handler);
	timer_stop();
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (only ? (strlen(cases[i].name) != len || strncmp(only, cases[i].name, len))
			 : !cases[i].by_default)
			continue;
		cases[i].fn();
		ran++;
	}
	if (!ran)
		GUEST_FAIL("no case named '%.*s'", (int)len, only);
	GUEST_ASSERT_EQ(apic_isr_count(), 0);
	GUEST_PASS("apic_timer: %u case(s)", ran);
	guest_done();
}
