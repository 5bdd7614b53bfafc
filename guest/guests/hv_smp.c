// SPDX-License-Identifier: MIT
/*
 * hv_smp: HvCallSignalEvent across VPs (run with -c 2 or -c 4).
 *   1. directed: VP 0 signals conn 10+v -> port v (target VP v, SINT 2)
 *      with flag v (fast) and flag v+8 (memory); VP v's interrupt handler
 *      finds exactly those flags in its own SIEF page, nobody else's page
 *      changes;
 *   2. HV_ANY_VP (rule 8.4): conn 19 -> port 9 (vp=any, SINT 3). All VPs
 *      eligible: VP 0 gets it. VP 0 disables its SIEF page: VP 1 gets it.
 *      (4 VPs: VP 1 masks SINT 3: VP 2 gets it.) Every VP ineligible:
 *      INVALID_VP_INDEX.
 * Each VP enables its own SynIC (SIEFP, SCONTROL, SINTs are per VP).
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define MAX_VPS 8
#define VEC_DIRECT 0x50 /* SINT 2 */
#define VEC_ANY 0x51    /* SINT 3 */
#define SINT_DIRECT 2
#define SINT_ANY 3
#define CONN_ANY 19
#define SECONDARY_ROUNDS 2000000ul

enum { CMD_NONE, CMD_MASK_ANY, CMD_EXIT };

static uint8_t sief_pages[MAX_VPS][HV_PAGE_SIZE] __attribute__((aligned(4096)));
/* seen[vp][sint]: flags 0..31 the VP's handler found (and cleared). */
static volatile uint32_t seen[MAX_VPS][HV_SINT_COUNT];
static volatile uint32_t irqs[MAX_VPS];
static volatile uint32_t ready[MAX_VPS], reported[MAX_VPS], cmd[MAX_VPS], ack[MAX_VPS];
static uint32_t nr;

static void handler(struct ex_regs *regs)
{
	uint32_t vp = this_vp();
	unsigned int sint = regs->vector == VEC_DIRECT ? SINT_DIRECT : SINT_ANY;
	uint8_t *sief = sief_pages[vp];

	irqs[vp]++;
	for (unsigned int f = 0; f < 32; f++)
		if (hv_sief_test_and_clear(sief, sint, f))
			__atomic_fetch_or(&seen[vp][sint], 1u << f, __ATOMIC_SEQ_CST);
	apic_eoi();
}

static void vp_setup(void)
{
	uint32_t vp = this_vp();

	apic_enable();
	memset(sief_pages[vp], 0, HV_PAGE_SIZE);
	hv_synic_enable(sief_pages[vp]);
	hv_sint_set(SINT_DIRECT, VEC_DIRECT, false, false, false);
	hv_sint_set(SINT_ANY, VEC_ANY, false, false, false);
}

static void secondary(void)
{
	uint32_t vp = this_vp(), want = 1u << vp | 1u << (vp + 8);

	vp_setup();
	__atomic_store_n(&ready[vp], 1, __ATOMIC_SEQ_CST);
	for (unsigned long i = 0; i < SECONDARY_ROUNDS; i++) {
		uint32_t c;

		irq_window(NULL, 0, 50);
		if (!reported[vp] && (seen[vp][SINT_DIRECT] & want) == want) {
			GUEST_ASSERT_EQ(seen[vp][SINT_DIRECT], want);
			GUEST_PASS("vp %u: its handler found flags %u (fast) and %u (memory) from VP 0 in its own SIEF page",
				   vp, vp, vp + 8);
			__atomic_store_n(&reported[vp], 1, __ATOMIC_SEQ_CST);
		}
		c = __atomic_load_n(&cmd[vp], __ATOMIC_SEQ_CST);
		if (c != ack[vp]) {
			if (c == CMD_MASK_ANY)
				hv_sint_set(SINT_ANY, VEC_ANY, true, false, false);
			__atomic_store_n(&ack[vp], c, __ATOMIC_SEQ_CST);
			if (c == CMD_EXIT)
				return;
		}
	}
	GUEST_FAIL("vp %u: VP 0 never told it to exit", vp);
}

static void command(uint32_t vp, uint32_t c)
{
	__atomic_store_n(&cmd[vp], c, __ATOMIC_SEQ_CST);
	if (!spin_until(__atomic_load_n(&ack[vp], __ATOMIC_SEQ_CST) == c, 10000000ul))
		GUEST_FAIL("vp %u never acknowledged command %u", vp, c);
}

/* VP 0 waits with interrupts open, so its own handler can run too. */
static bool wait_flag(uint32_t vp, unsigned int sint, unsigned int flag)
{
	for (unsigned long i = 0; i < 20000; i++) {
		if (seen[vp][sint] & (1u << flag))
			return true;
		irq_window(NULL, 0, 20);
	}
	return (seen[vp][sint] & (1u << flag)) != 0;
}

static void test_directed(void)
{
	for (uint32_t v = 1; v < nr; v++) {
		printf("hv_smp: VP 0 signals conn %u (port %u on VP %u) flags %u and %u\n",
		       10 + v, v, v, v, v + 8);
		HV_ASSERT_STATUS(hv_signal_event_fast(10 + v, (uint16_t)v), HV_STATUS_SUCCESS);
		HV_ASSERT_STATUS(hv_signal_event_mem(10 + v, (uint16_t)(v + 8)), HV_STATUS_SUCCESS);
	}
	for (uint32_t v = 1; v < nr; v++) {
		for (unsigned long i = 0; i < 2000000ul && !reported[v]; i++)
			cpu_relax();
		if (!reported[v])
			GUEST_FAIL("vp %u never saw flags %u and %u (seen 0x%x, %u interrupts)",
				   v, v, v + 8, seen[v][SINT_DIRECT], irqs[v]);
	}
	irq_window(NULL, 0, 1000);
	GUEST_ASSERT_EQ(seen[0][SINT_DIRECT], 0);
	GUEST_ASSERT_EQ(hv_sief_count_bits(sief_pages[0], 0, HV_PAGE_SIZE), 0);
	for (uint32_t v = 1; v < nr; v++) {
		GUEST_ASSERT_EQ(seen[v][SINT_DIRECT], 1u << v | 1u << (v + 8));
		GUEST_ASSERT_EQ(seen[v][SINT_ANY], 0);
	}
	GUEST_PASS("directed: each of VPs 1..%u got exactly its own flags; VP 0's page untouched", nr - 1);
}

static void expect_any(uint32_t vp, uint16_t flag, bool fast, const char *why)
{
	uint64_t r = fast ? hv_signal_event_fast(CONN_ANY, flag) : hv_signal_event_mem(CONN_ANY, flag);

	HV_ASSERT_STATUS(r, HV_STATUS_SUCCESS);
	if (!wait_flag(vp, SINT_ANY, flag))
		GUEST_FAIL("ANY_VP flag %u: VP %u never saw it (%s); seen: vp0 0x%x vp1 0x%x",
			   flag, vp, why, seen[0][SINT_ANY], seen[1][SINT_ANY]);
	for (uint32_t v = 0; v < nr; v++)
		if (v != vp && (seen[v][SINT_ANY] & (1u << flag)))
			GUEST_FAIL("ANY_VP flag %u went to VP %u too", flag, v);
	GUEST_PASS("ANY_VP (%s): %s -> VP %u got flag %u", fast ? "fast" : "memory", why, vp, flag);
}

static void test_any_vp(void)
{
	expect_any(0, 1, true, "every VP eligible, lowest is VP 0");
	expect_any(0, 2, false, "every VP eligible, lowest is VP 0");

	wrmsr(HV_MSR_SIEFP, 0);
	expect_any(1, 3, true, "VP 0's SIEF page disabled");
	expect_any(1, 4, false, "VP 0's SIEF page disabled");

	if (nr > 2) {
		command(1, CMD_MASK_ANY);
		expect_any(2, 5, true, "VP 0's SIEF off, VP 1's SINT 3 masked");
		expect_any(2, 6, false, "VP 0's SIEF off, VP 1's SINT 3 masked");
	}
	for (uint32_t v = 1; v < nr; v++)
		if (ack[v] != CMD_MASK_ANY)
			command(v, CMD_MASK_ANY);
	HV_ASSERT_STATUS(hv_signal_event_fast(CONN_ANY, 7), HV_STATUS_INVALID_VP_INDEX);
	HV_ASSERT_STATUS(hv_signal_event_mem(CONN_ANY, 7), HV_STATUS_INVALID_VP_INDEX);
	irq_window(NULL, 0, 1000);
	for (uint32_t v = 0; v < nr; v++)
		GUEST_ASSERT_EQ(seen[v][SINT_ANY] & (1u << 7), 0);
	GUEST_PASS("ANY_VP: no eligible VP (VP 0 SIEF off, others SINT 3 masked): INVALID_VP_INDEX (fast and memory)");
}

void guest_main(void)
{
	uint32_t vp = this_vp();

	if (vp >= MAX_VPS)
		return;
	if (vp != 0) {
		/* VP 0 sets the hypercall page up; secondaries only wait for orders. */
		secondary();
		return;
	}
	nr = guest_nr_cpus();
	if (nr < 2)
		GUEST_FAIL("hv_smp needs -c 2 or more");
	if (nr > MAX_VPS)
		nr = MAX_VPS;
	(void)hv_detect();
	printf("hv_smp on %u VPs, cmdline '%s'\n", nr, guest_cmdline());
	for (unsigned int v = 0x20; v < 0xFF; v++)
		guest_install_handler((uint8_t)v, handler);
	hv_enable_hypercall_page();
	vp_setup();
	for (uint32_t v = 1; v < nr; v++)
		if (!spin_until(__atomic_load_n(&ready[v], __ATOMIC_SEQ_CST), 10000000ul))
			GUEST_FAIL("vp %u never enabled its SynIC", v);
	GUEST_PASS("all %u VPs enabled their SynIC", nr);

	test_directed();
	test_any_vp();
	for (uint32_t v = 1; v < nr; v++)
		command(v, CMD_EXIT);
	GUEST_PASS("hv_smp: cross-VP and ANY_VP signalling on %u VPs", nr);
	guest_done();
}
