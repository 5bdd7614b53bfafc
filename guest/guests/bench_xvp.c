// SPDX-License-Identifier: MIT
/*
 * bench_xvp: cross-VP SINT latency (run with -c 2). VP 0 calls the fast
 * HvCallSignalEvent on a connection to an event port on VP 1; the latency of
 * one event is
 *
 *   (rdtsc as the first instruction of VP 1's handler)
 *     - (lfence; rdtsc; lfence on VP 0 right before the hypercall)
 *
 * KVM keeps the vCPUs' TSCs of one VM synchronised when the host's TSC is
 * stable, so the difference is meaningful. Where it is not (the nested lab:
 * its L1 kernel marks the TSC unstable, and KVM then re-bases a vCPU's TSC
 * whenever its thread is loaded again) negative samples are counted, and
 * each phase prints the bounds on the offset the samples imply. Robust on
 * any host: _seen = VP 0's clock when VP 0 sees the handler's stamp - t0,
 * an upper bound (the handler's first instruction + 6 + VP 0's poll).
 * Two phases, n events each (default 10^4, `--append n=N`), after a few
 * warm-up events that are not counted:
 *   halted  VP 1 waits in `cli; check; sti; hlt`; VP 0 signals only once VP 1
 *           has announced it is about to halt (two instructions from HLT)
 *   busy    VP 1 spins in CPL 0 with IF = 1 (a plain load loop, no PAUSE)
 * Every event is a 0->1 edge of flag 0: VP 0 waits for the handler's stamp,
 * and the handler clears the flag (lock btr) before writing the stamp.
 *
 * The handler is our own IDT gate (bench_xvp_isr below, not the runtime's
 * C dispatch): push rax; push rdx; rdtsc. The SINT is AutoEOI, so it sends
 * no EOI and takes no exit at all.
 *
 * In the same run, the floor: a bare OUT to port 0x80 (no device) on VP 0,
 * between two lfence;rdtsc, n times, once while VP 1 halts and once while it
 * spins. Also VP 0's own hypercall round trip (signal_call) in each phase.
 * TSC rate: TIME_REF_COUNT (100 ns units, the VMM's clock) against the TSC
 * over the whole run (CPUID 0x15 / 0x16 when TIME_REF_COUNT is refused).
 *
 * VALUE lines (cycles = TSC cycles; medians unless named _p90 / _min):
 *   samples, out_0x80_cycles, out_0x80_vp1_busy_cycles,
 *   halted_latency_cycles (+ _min, _p90), busy_latency_cycles (+ _min, _p90),
 *   halted_seen_cycles, busy_seen_cycles (VP 0's clock only, see above),
 *   halted_seen_max_cycles, busy_seen_max_cycles, halted_rearm_wait_max_cycles
 *   (longest VP 0 waited for VP 1 to get back to HLT: thread stalls),
 *   halted_signal_call_cycles, busy_signal_call_cycles,
 *   halted_latency_vs_out_x100, busy_latency_vs_out_x100 (both over
 *   out_0x80_cycles), halted_seen_vs_out_x100, busy_seen_vs_out_x100,
 *   busy_vs_halted_latency_x100, negative_samples,
 *   tsc_khz, tsc_khz_source (1 TIME_REF_COUNT, 2 CPUID 0x15, 3 CPUID 0x16),
 *   out_0x80_ns, halted_latency_ns, busy_latency_ns, halted_seen_ns,
 *   busy_seen_ns (when tsc_khz is known)
 *
 * Run with: -c 2 --port 1,type=event,vp=1,sint=2,base=0,count=1
 *           --connection 5,port=1 [--append 'conn=5 n=10000']
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define MAX_SAMPLES 100000u
#define WARMUP 16u
#define SINT 2
#define FLAG 0
#define VECTOR 0x52
/* Bounds for VP 1's loops: generous, since VP 0 may take minutes under
 * emulation; a failure on VP 0 ends the run anyway. */
#define VP1_SPIN_BOUND (1ull << 40)
/* VP 0's per-event waits: the lab's host is shared, and a vCPU thread may
 * not run for seconds; the VMM's --timeout is the real limit. */
#define EVENT_SPIN_BOUND (1ull << 34)
#define STR_(x) #x
#define STR(x) STR_(x)

enum { PH_SETUP, PH_GO, PH_HALT, PH_BUSY, PH_EXIT };

/* Shared with the assembly handler (hence global, prefixed). */
uint8_t bench_xvp_sief[2][HV_PAGE_SIZE] __attribute__((aligned(4096)));
volatile uint64_t bench_xvp_stamp;     /* handler's TSC, 0 = not yet */
volatile uint32_t bench_xvp_handled;   /* interrupts taken on VP 1 */
volatile uint32_t bench_xvp_spurious;  /* ... that found the flag clear */

static volatile uint32_t phase, vp1_ready, vp1_mode, vp1_armed;
static uint32_t lat_halt[MAX_SAMPLES], lat_busy[MAX_SAMPLES];
static uint32_t call_halt[MAX_SAMPLES], call_busy[MAX_SAMPLES];
static uint32_t seen_halt[MAX_SAMPLES], seen_busy[MAX_SAMPLES];
static uint32_t outs[MAX_SAMPLES], outs_busy[MAX_SAMPLES];
static uint32_t negative, conn, n;

void bench_xvp_isr(void);
/*
 * VP 1's SINT handler. IF = 0 on entry (interrupt gate); AutoEOI: no EOI.
 * lock btr clears the flag so the next signal is a 0->1 edge again; only
 * then is the stamp published, so VP 0 cannot signal before the clear.
 */
__asm__(
	"	.text\n"
	"	.balign 16\n"
	"	.globl bench_xvp_isr\n"
	"bench_xvp_isr:\n"
	"	pushq %rax\n"
	"	pushq %rdx\n"
	"	rdtsc\n"
	"	shlq $32, %rdx\n"
	"	orq %rdx, %rax\n"
	"	lock btrl $" STR(FLAG) ", bench_xvp_sief + 4096 + 256 * " STR(SINT) "(%rip)\n"
	"	jc 1f\n"
	"	lock incl bench_xvp_spurious(%rip)\n"
	"1:	lock incl bench_xvp_handled(%rip)\n"
	"	movq %rax, bench_xvp_stamp(%rip)\n"
	"	popq %rdx\n"
	"	popq %rax\n"
	"	iretq\n");

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static uint32_t clamp32(uint64_t v)
{
	return v > 0xFFFFFFFFull ? 0xFFFFFFFFu : (uint32_t)v;
}

struct stats { uint32_t min, med, p90, max; };

static struct stats stats_of(uint32_t *a, uint32_t cnt)
{
	struct stats s = { 0xFFFFFFFFu, 0, 0, 0 };

	for (uint32_t i = 0; i < cnt; i++) {
		if (a[i] < s.min)
			s.min = a[i];
		if (a[i] > s.max)
			s.max = a[i];
	}
	s.med = select_kth(a, cnt, cnt / 2);
	s.p90 = select_kth(a, cnt, (uint32_t)((uint64_t)cnt * 9 / 10));
	return s;
}

/* Point VECTOR's gate in the shared IDT at bench_xvp_isr. */
static void install_raw_gate(void)
{
	struct desc_ptr idtr;
	uint64_t addr = (uint64_t)(uintptr_t)bench_xvp_isr, *gate;
	uint16_t cs;

	sidt(&idtr);
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	gate = (uint64_t *)(uintptr_t)idtr.base + 2 * VECTOR;
	/* present, DPL 0, 64-bit interrupt gate (IF cleared on entry), IST 0 */
	gate[1] = addr >> 32;
	__atomic_store_n(&gate[0], (addr & 0xffff) | (uint64_t)cs << 16 |
			 0x8eull << 40 | (addr >> 16 & 0xffff) << 48, __ATOMIC_SEQ_CST);
}

/* ---- VP 1 ---- */

static void vp1_halt_loop(void)
{
	for (uint64_t i = 0; i < 4ull * MAX_SAMPLES + 1000; i++) {
		cli();
		if (phase != PH_HALT)
			return;
		vp1_armed++;    /* VP 0 waits for this before each event */
		safe_halt();    /* sti; hlt: the interrupt wakes HLT itself */
	}
	GUEST_FAIL("vp 1: woke from HLT more often than VP 0 signalled");
}

static void vp1_busy_loop(void)
{
	uint64_t i;

	vp1_mode = PH_BUSY;
	sti();
	for (i = 0; i < VP1_SPIN_BOUND; i++)
		if (phase != PH_BUSY)
			break;
	cli();
	if (i == VP1_SPIN_BOUND)
		GUEST_FAIL("vp 1: VP 0 never ended the busy phase");
}

static void vp1_main(void)
{
	uint64_t i;

	for (i = 0; phase == PH_SETUP && i < VP1_SPIN_BOUND; i++)
		cpu_relax();
	apic_enable();
	memset(bench_xvp_sief[1], 0, HV_PAGE_SIZE);
	hv_synic_enable(bench_xvp_sief[1]);
	hv_sint_set(SINT, VECTOR, false, true /* AutoEOI */, false);
	__atomic_store_n(&vp1_ready, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < VP1_SPIN_BOUND; i++) {
		switch (phase) {
		case PH_HALT:
			vp1_mode = PH_HALT;
			vp1_halt_loop();
			break;
		case PH_BUSY:
			vp1_busy_loop();
			break;
		case PH_EXIT:
			return;
		default:
			cpu_relax();
		}
	}
	GUEST_FAIL("vp 1: VP 0 never told it to exit");
}

/* ---- VP 0 ---- */

static void wait_vp1(volatile uint32_t *what, uint32_t value, const char *name)
{
	if (!spin_until(*what == value, 100000000ul))
		GUEST_FAIL("timed out waiting for VP 1: %s == %u (is %u)", name, value, *what);
}

/* Per phase: bounds on VP 1's TSC minus VP 0's (see the header). */
static int64_t skew_lo, skew_hi;
/* Longest VP 0 waited for VP 1 to re-arm HLT (a stalled VP 1 thread). */
static uint64_t max_rearm;

/*
 * Busy-poll the stamp with no PAUSE (a PAUSE-loop exit would delay VP 0's
 * view); bounded. Returns VP 0's TSC when it saw the stamp.
 */
static uint64_t wait_stamp(void)
{
	for (uint64_t i = 0; i < EVENT_SPIN_BOUND; i++)
		if (bench_xvp_stamp != 0)
			return tsc();
	GUEST_FAIL("VP 1's handler never ran (%u handled so far)", bench_xvp_handled);
}

/*
 * One event: the latency (VP 1's stamp - VP 0's t0, 0 if negative); *seen:
 * when VP 0 saw the stamp (VP 0's clock only); *call: VP 0's hypercall.
 */
static uint32_t one_event(bool halted, uint32_t *prev_armed, uint32_t *call, uint32_t *seen)
{
	uint64_t t0, t1, t2, r, s;

	if (halted) {
		/* VP 1 announced it is about to execute sti; hlt again. */
		uint64_t w = tsc();

		if (!spin_until(vp1_armed != *prev_armed, EVENT_SPIN_BOUND))
			GUEST_FAIL("VP 1 never went back to HLT (armed %u)", vp1_armed);
		w = tsc() - w;
		if (w > max_rearm)
			max_rearm = w;
		*prev_armed = vp1_armed;
	}
	bench_xvp_stamp = 0;
	t0 = tsc();
	r = hv_signal_event_fast(conn, FLAG);
	t1 = tsc();
	t2 = wait_stamp();
	HV_ASSERT_STATUS(r, HV_STATUS_SUCCESS);
	s = bench_xvp_stamp;
	*call = clamp32(t1 - t0);
	*seen = clamp32(t2 - t0);
	/* The handler ran in [t0, t2] on VP 0's clock. */
	if ((int64_t)(s - t2) > skew_lo)
		skew_lo = (int64_t)(s - t2);
	if ((int64_t)(s - t0) < skew_hi)
		skew_hi = (int64_t)(s - t0);
	if (s < t0) {
		negative++;
		return 0;
	}
	return clamp32(s - t0);
}

static void measure_out(uint32_t *a)
{
	for (uint32_t i = 0; i < n; i++) {
		uint64_t t0 = tsc();

		outb(0x80, 0);
		a[i] = clamp32(tsc() - t0);
	}
}

static void run_phase(bool halted, uint32_t *lat, uint32_t *call, uint32_t *seen)
{
	uint32_t armed = 0, d1, d2;

	for (uint32_t i = 0; i < WARMUP; i++)
		(void)one_event(halted, &armed, &d1, &d2);
	negative = 0;
	skew_lo = INT64_MIN;
	skew_hi = INT64_MAX;
	for (uint32_t i = 0; i < n; i++)
		lat[i] = one_event(halted, &armed, &call[i], &seen[i]);
	printf("bench_xvp: %s: VP 1's TSC - VP 0's TSC in [%lld, %lld] cycles%s\n",
	       halted ? "halted" : "busy", (long long)skew_lo, (long long)skew_hi,
	       skew_lo > skew_hi ? " (empty: the offset moved during the phase)" :
	       skew_lo > 0 || skew_hi < 0 ? " (not synchronised: cross-VP latencies are off)" : "");
}

/* TSC kHz from CPUID 0x15 (crystal) or 0x16 (base MHz); 0 if neither. */
static uint64_t cpuid_tsc_khz(uint32_t *source)
{
	uint32_t max = cpuid(0, 0).eax;

	if (max >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);

		if (r.eax && r.ebx && r.ecx) {
			*source = 2;
			return (uint64_t)r.ecx * r.ebx / r.eax / 1000;
		}
	}
	if (max >= 0x16) {
		uint32_t mhz = cpuid(0x16, 0).eax & 0xFFFF;

		if (mhz) {
			*source = 3;
			return (uint64_t)mhz * 1000;
		}
	}
	return 0;
}

static uint64_t to_ns(uint64_t cycles, uint64_t khz)
{
	return cycles * 1000000ull / khz;
}

void guest_main(void)
{
	uint64_t ref0 = 0, ref1 = 0, tsc0, tsc1, khz = 0;
	uint32_t source = 0, halted_neg, busy_neg, handled_want;
	bool have_ref;
	struct stats out, out_b, lh, lb, ch, cb, sh, sb;

	if (this_vp() == 1) {
		vp1_main();
		return;
	}
	if (this_vp() != 0)
		return;
	if (guest_nr_cpus() < 2)
		GUEST_FAIL("bench_xvp needs -c 2");
	n = (uint32_t)hv_cmdline_u64("n", 10000);
	if (n < 10 || n > MAX_SAMPLES)
		GUEST_FAIL("n=%u: want 10 to %u", n, MAX_SAMPLES);
	conn = (uint32_t)hv_cmdline_u64("conn", 5);
	(void)hv_detect();
	hv_enable_hypercall_page();
	install_raw_gate();
	have_ref = rdmsr_safe(HV_MSR_TIME_REF_COUNT, &ref0) == 0;
	tsc0 = tsc();

	__atomic_store_n(&phase, PH_GO, __ATOMIC_SEQ_CST);
	wait_vp1(&vp1_ready, 1, "SynIC enabled");
	printf("bench_xvp: VP 0 -> VP 1 (SINT %u, vector 0x%x, AutoEOI), conn %u, %u events per phase\n",
	       SINT, VECTOR, conn, n);

	/* Phase 1: VP 1 halted. The floor first, while VP 1 sleeps. */
	__atomic_store_n(&phase, PH_HALT, __ATOMIC_SEQ_CST);
	wait_vp1(&vp1_mode, PH_HALT, "mode halted");
	measure_out(outs);
	run_phase(true, lat_halt, call_halt, seen_halt);
	halted_neg = negative;

	/* Phase 2: VP 1 busy. Wake it from HLT with one more event. */
	__atomic_store_n(&phase, PH_BUSY, __ATOMIC_SEQ_CST);
	{
		uint32_t armed = vp1_armed, d1, d2;

		(void)one_event(false, &armed, &d1, &d2);
	}
	wait_vp1(&vp1_mode, PH_BUSY, "mode busy");
	measure_out(outs_busy);
	run_phase(false, lat_busy, call_busy, seen_busy);
	busy_neg = negative;
	__atomic_store_n(&phase, PH_EXIT, __ATOMIC_SEQ_CST);

	tsc1 = tsc();
	if (have_ref)
		have_ref = rdmsr_safe(HV_MSR_TIME_REF_COUNT, &ref1) == 0;
	if (have_ref && ref1 > ref0) {
		khz = (tsc1 - tsc0) * 10000ull / (ref1 - ref0);
		source = 1;
	} else {
		khz = cpuid_tsc_khz(&source);
	}

	/* Every signal was one interrupt on VP 1, and each found its flag set. */
	handled_want = 2 * (WARMUP + n) + 1;
	if (!spin_until(bench_xvp_handled == handled_want, 1000000ul))
		GUEST_FAIL("VP 1 took %u interrupts, want %u", bench_xvp_handled, handled_want);
	GUEST_ASSERT_EQ(bench_xvp_spurious, 0);
	GUEST_ASSERT_EQ(hv_sief_count_bits(bench_xvp_sief[1], 0, HV_PAGE_SIZE), 0);

	out = stats_of(outs, n);
	out_b = stats_of(outs_busy, n);
	lh = stats_of(lat_halt, n);
	lb = stats_of(lat_busy, n);
	ch = stats_of(call_halt, n);
	cb = stats_of(call_busy, n);
	sh = stats_of(seen_halt, n);
	sb = stats_of(seen_busy, n);

	GUEST_VALUE("samples", n);
	GUEST_VALUE("out_0x80_cycles", out.med);
	GUEST_VALUE("out_0x80_vp1_busy_cycles", out_b.med);
	GUEST_VALUE("halted_latency_cycles", lh.med);
	GUEST_VALUE("halted_latency_min_cycles", lh.min);
	GUEST_VALUE("halted_latency_p90_cycles", lh.p90);
	GUEST_VALUE("busy_latency_cycles", lb.med);
	GUEST_VALUE("busy_latency_min_cycles", lb.min);
	GUEST_VALUE("busy_latency_p90_cycles", lb.p90);
	GUEST_VALUE("halted_seen_cycles", sh.med);
	GUEST_VALUE("busy_seen_cycles", sb.med);
	GUEST_VALUE("halted_seen_max_cycles", sh.max);
	GUEST_VALUE("busy_seen_max_cycles", sb.max);
	GUEST_VALUE("halted_rearm_wait_max_cycles", max_rearm);
	GUEST_VALUE("halted_signal_call_cycles", ch.med);
	GUEST_VALUE("busy_signal_call_cycles", cb.med);
	GUEST_VALUE("negative_samples", halted_neg + busy_neg);
	if (out.med) {
		GUEST_VALUE("halted_latency_vs_out_x100", (uint64_t)lh.med * 100 / out.med);
		GUEST_VALUE("busy_latency_vs_out_x100", (uint64_t)lb.med * 100 / out.med);
		GUEST_VALUE("halted_seen_vs_out_x100", (uint64_t)sh.med * 100 / out.med);
		GUEST_VALUE("busy_seen_vs_out_x100", (uint64_t)sb.med * 100 / out.med);
	}
	if (lh.med)
		GUEST_VALUE("busy_vs_halted_latency_x100", (uint64_t)lb.med * 100 / lh.med);
	GUEST_VALUE("tsc_khz", khz);
	GUEST_VALUE("tsc_khz_source", source);
	if (khz) {
		GUEST_VALUE("out_0x80_ns", to_ns(out.med, khz));
		GUEST_VALUE("halted_latency_ns", to_ns(lh.med, khz));
		GUEST_VALUE("busy_latency_ns", to_ns(lb.med, khz));
		GUEST_VALUE("halted_seen_ns", to_ns(sh.med, khz));
		GUEST_VALUE("busy_seen_ns", to_ns(sb.med, khz));
	}
	/* Unsynchronised TSCs make the cross-VP figures meaningless; the
	 * _seen ones, on VP 0's clock alone, still hold. */
	if (halted_neg + busy_neg)
		printf("bench_xvp: WARNING: %u of %u cross-VP latencies negative: VP 1's TSC lags VP 0's; trust the _seen figures\n",
		       halted_neg + busy_neg, 2 * n);
	GUEST_PASS("bench_xvp: %u events per phase, VP 1 halted and busy", n);
	guest_done();
}
