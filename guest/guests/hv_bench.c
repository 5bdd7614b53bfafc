// SPDX-License-Identifier: MIT
/*
 * hv_bench: cost of a hypercall through the hypercall page, in TSC cycles
 * (median of n=10000 samples by default, --append 'n=N' to change; each
 * sample is one call between two lfence;rdtsc):
 *   signal_fast   HvCallSignalEvent fast form, SUCCESS on a flag already set
 *                 (the full path: privilege, control, input, connection,
 *                 port, flag, VP, SynIC state, atomic set; no interrupt)
 *   signal_mem    the same in the memory form (input fetched from guest RAM)
 *   null_hc       call code 0x0001, which synvmm does not implement: the VMM
 *                 answers INVALID_HYPERCALL_CODE after a table miss, the
 *                 least work a hypercall can cost (the exit round trip)
 *   out_0x80      a bare OUT to port 0x80, which no device claims: the
 *                 user-space exit floor without any Hyper-V code
 *   cpuid         CPUID 0x40000000, answered inside KVM: the in-kernel exit floor
 *   rdtsc         two back-to-back lfence;rdtsc: the measurement overhead
 * Ratios (x100): signal_fast / out_0x80, null_hc / out_0x80, signal_fast / null_hc.
 *
 * Run with: --port 1,type=event,vp=0,sint=2,base=0,count=16 --connection 5,port=1
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define MAX_SAMPLES 100000u
#define SINT 2
#define VECTOR 0x50

static uint8_t sief[HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint32_t samples[MAX_SAMPLES];
static volatile uint32_t irqs;
static uint32_t conn;

static void sint_handler(struct ex_regs *regs)
{
	(void)regs;
	irqs++;
	apic_eoi();
}

static inline uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}

static uint32_t median(uint32_t n)
{
	return select_kth(samples, n, n / 2);
}

enum op { OP_SIGNAL_FAST, OP_SIGNAL_MEM, OP_NULL_HC, OP_OUT80, OP_CPUID, OP_RDTSC };

static uint32_t measure(enum op op, uint32_t n)
{
	volatile uint64_t sink = 0;

	for (uint32_t i = 0; i < n; i++) {
		uint64_t t0, t1;

		switch (op) {
		case OP_SIGNAL_FAST:
			t0 = tsc();
			sink = hv_signal_event_fast(conn, 0);
			t1 = tsc();
			break;
		case OP_SIGNAL_MEM:
			t0 = tsc();
			sink = hv_signal_event_mem(conn, 0);
			t1 = tsc();
			break;
		case OP_NULL_HC:
			t0 = tsc();
			sink = hv_hypercall(HVCALL_NULL_UNKNOWN | HV_HC_FAST, 0, 0);
			t1 = tsc();
			break;
		case OP_OUT80:
			t0 = tsc();
			outb(0x80, 0);
			t1 = tsc();
			break;
		case OP_CPUID:
			t0 = tsc();
			sink = cpuid(HV_CPUID_VENDOR, 0).eax;
			t1 = tsc();
			break;
		default:
			t0 = tsc();
			t1 = tsc();
			break;
		}
		samples[i] = (uint32_t)((t1 - t0) > 0xFFFFFFFFull ? 0xFFFFFFFFull : (t1 - t0));
	}
	(void)sink;
	return median(n);
}

void guest_main(void)
{
	uint32_t n, m_fast, m_mem, m_null, m_out, m_cpuid, m_tsc;

	if (this_vp() != 0)
		return;
	n = (uint32_t)hv_cmdline_u64("n", 10000);
	if (n < 1 || n > MAX_SAMPLES)
		GUEST_FAIL("n=%u: want 1 to %u", n, MAX_SAMPLES);
	conn = (uint32_t)hv_cmdline_u64("conn", 5);
	(void)hv_detect();
	hv_enable_hypercall_page();
	apic_enable();
	guest_install_handler(VECTOR, sint_handler);
	memset(sief, 0, sizeof(sief));
	hv_synic_enable(sief);
	hv_sint_set(SINT, VECTOR, false, false, false);

	/* Set flag 0 once and take its interrupt: every later call finds it set. */
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 0), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(hv_signal_event_mem(conn, 0), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(hv_hypercall(HVCALL_NULL_UNKNOWN | HV_HC_FAST, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_CODE);
	irq_window(&irqs, 1, 100000);
	GUEST_ASSERT(hv_sief_test(sief, SINT, 0));
	printf("hv_bench: %u samples per measurement, medians in TSC cycles\n", n);

	m_tsc = measure(OP_RDTSC, n);
	m_cpuid = measure(OP_CPUID, n);
	m_out = measure(OP_OUT80, n);
	m_null = measure(OP_NULL_HC, n);
	m_fast = measure(OP_SIGNAL_FAST, n);
	m_mem = measure(OP_SIGNAL_MEM, n);
	irq_window(NULL, 0, 1000);
	GUEST_ASSERT_EQ(hv_sief_count_bits(sief, 0, HV_PAGE_SIZE), 1);

	GUEST_VALUE("samples", n);
	GUEST_VALUE("rdtsc_cycles", m_tsc);
	GUEST_VALUE("cpuid_cycles", m_cpuid);
	GUEST_VALUE("out_0x80_cycles", m_out);
	GUEST_VALUE("null_hypercall_cycles", m_null);
	GUEST_VALUE("signal_event_fast_cycles", m_fast);
	GUEST_VALUE("signal_event_mem_cycles", m_mem);
	if (m_out)
		GUEST_VALUE("signal_event_fast_vs_out_x100", (uint64_t)m_fast * 100 / m_out);
	if (m_out)
		GUEST_VALUE("null_hypercall_vs_out_x100", (uint64_t)m_null * 100 / m_out);
	if (m_null)
		GUEST_VALUE("signal_event_fast_vs_null_hypercall_x100", (uint64_t)m_fast * 100 / m_null);
	if (m_fast)
		GUEST_VALUE("signal_event_mem_vs_fast_x100", (uint64_t)m_mem * 100 / m_fast);
	GUEST_PASS("hv_bench: %u samples each", n);
	guest_done();
}
