// SPDX-License-Identifier: MIT
/*
 * hv_delivery: what a successful HvCallSignalEvent does to the target VP
 * (hyperv.md sections 5 and 7, rule 8.6), fast and memory forms:
 *   1. placement: flag n of a port with base B lands at bit (B+n)%8 of byte
 *      256*SINT + (B+n)/8, nothing else in the page changes; the last flag
 *      of the page (2047) too;
 *   2. edge: exactly one interrupt per 0->1 transition, none when the flag
 *      is already set, one again after the guest clears it;
 *   3. polling SINT: flag set, no interrupt;
 *   4. AutoEOI: one event on each of the 16 SINTs, even SINTs AutoEOI (no
 *      EOI from the guest, ISR bit never set), odd ones EOI'd; vectors fall
 *      from SINT 0 to 15, so an ISR bit an AutoEOI SINT left set would block
 *      every later (lower-priority) delivery.
 *
 * Ports (tests/kvm/hv/meson.build): conn 5 -> port 1 (SINT 2, base 100,
 * count 16); conn 6 -> port 2 (SINT 2, base 2032, count 16); conn 7 ->
 * port 3 (SINT 3, polling in the guest, base 0, count 8); conn 20+x ->
 * port 10+x (SINT x, base 0, count 1) for x = 0..15.
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define EDGE_SINT 2
#define EDGE_VECTOR 0x50
#define POLL_SINT 3
#define POLL_VECTOR 0x58
#define NO_IRQ_WINDOW 20000ul   /* PAUSEs with IF = 1 that must see nothing */
#define IRQ_WAIT 200000ul       /* PAUSEs with IF = 1 to wait for one */

static uint8_t sief[HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t expect_page[HV_PAGE_SIZE];
static volatile uint32_t count[256];
static volatile uint32_t total;
static volatile uint32_t bad_isr[256]; /* ISR state wrong in the handler */
static volatile uint8_t order[32];
static volatile uint32_t order_n;

static bool auto_eoi_vector(uint8_t v);

static void handler(struct ex_regs *regs)
{
	uint8_t v = (uint8_t)regs->vector;
	bool in_isr = apic_isr_test(v);

	count[v]++;
	total++;
	if (order_n < sizeof(order))
		order[order_n++] = v;
	if (auto_eoi_vector(v)) {
		if (in_isr)
			bad_isr[v]++;   /* AutoEOI: the ISR bit must be clear */
	} else {
		if (!in_isr)
			bad_isr[v]++;   /* normal: in service until our EOI */
		apic_eoi();
	}
}

/* ---- 4. AutoEOI: SINT x uses vector 0xE8 - 8x (falling), even x AutoEOI */
static uint8_t sint_vector(unsigned int x)
{
	return (uint8_t)(0xE8 - 8 * x);
}

static bool auto_eoi_vector(uint8_t v)
{
	for (unsigned int x = 0; x < HV_SINT_COUNT; x += 2)
		if (v == sint_vector(x))
			return true;
	return false;
}

static void check_page(const char *what)
{
	for (unsigned int i = 0; i < HV_PAGE_SIZE; i++)
		if (sief[i] != expect_page[i])
			GUEST_FAIL("%s: SIEF byte %u (SINT %u, flags %u-%u) is 0x%02x, want 0x%02x",
				   what, i, i / 256, (i % 256) * 8, (i % 256) * 8 + 7,
				   sief[i], expect_page[i]);
}

static void expect_bit(unsigned int sint, unsigned int bit)
{
	expect_page[HV_SIEF_SLOT_BYTES * sint + bit / 8] |= (uint8_t)(1u << (bit % 8));
}

static void clear_all(void)
{
	for (unsigned int i = 0; i < HV_PAGE_SIZE; i++)
		__atomic_store_n(&sief[i], 0, __ATOMIC_SEQ_CST);
	memset(expect_page, 0, sizeof(expect_page));
}

static uint64_t signal(bool fast, uint32_t conn, uint16_t flag)
{
	return fast ? hv_signal_event_fast(conn, flag) : hv_signal_event_mem(conn, flag);
}

static const char *form(bool fast)
{
	return fast ? "fast" : "memory";
}

static void test_placement(void)
{
	for (int f = 0; f < 2; f++) {
		bool fast = f == 0;

		printf("hv_delivery: placement, %s form\n", form(fast));
		clear_all();
		/* base 100: flags 0, 5, 15 -> bits 100, 105, 115 of slot 2 */
		HV_ASSERT_STATUS(signal(fast, 5, 0), HV_STATUS_SUCCESS);
		expect_bit(EDGE_SINT, 100);
		check_page("base 100 flag 0");
		HV_ASSERT_STATUS(signal(fast, 5, 5), HV_STATUS_SUCCESS);
		expect_bit(EDGE_SINT, 105);
		check_page("base 100 flag 5");
		HV_ASSERT_STATUS(signal(fast, 5, 15), HV_STATUS_SUCCESS);
		expect_bit(EDGE_SINT, 115);
		check_page("base 100 flag 15");
		GUEST_ASSERT_EQ(sief[HV_SIEF_SLOT_BYTES * EDGE_SINT + 13], 0x02); /* bit 105 */
		GUEST_PASS("placement (%s): base 100 + flag n -> bit 100+n of SINT %u's slot, nothing else",
			   form(fast), EDGE_SINT);
		/* rule 8.6: base 2032 flag 15 -> bit 2047, the last of the slot */
		HV_ASSERT_STATUS(signal(fast, 6, 15), HV_STATUS_SUCCESS);
		expect_bit(EDGE_SINT, 2047);
		check_page("base 2032 flag 15");
		GUEST_ASSERT_EQ(sief[HV_SIEF_SLOT_BYTES * EDGE_SINT + 255], 0x80);
		GUEST_ASSERT_EQ(sief[HV_SIEF_SLOT_BYTES * (EDGE_SINT + 1)], 0);
		GUEST_PASS("placement (%s): flag 2047 is bit 7 of byte 255 of the slot; next slot untouched",
			   form(fast));
		/* Let the pending interrupt in before the edge test counts. */
		irq_window(NULL, 0, 2000);
	}
	clear_all();
}

static void test_edge(void)
{
	for (int f = 0; f < 2; f++) {
		bool fast = f == 0;
		uint32_t base;

		printf("hv_delivery: edge-triggered delivery, %s form\n", form(fast));
		clear_all();
		irq_window(NULL, 0, 2000);
		base = count[EDGE_VECTOR];

		HV_ASSERT_STATUS(signal(fast, 5, 7), HV_STATUS_SUCCESS);
		if (!irq_window(&count[EDGE_VECTOR], base + 1, IRQ_WAIT))
			GUEST_FAIL("edge (%s): no interrupt for a 0->1 flag transition", form(fast));
		irq_window(NULL, 0, NO_IRQ_WINDOW);
		GUEST_ASSERT_EQ(count[EDGE_VECTOR], base + 1);
		GUEST_PASS("edge (%s): one interrupt (vector 0x%x) for a 0->1 transition",
			   form(fast), EDGE_VECTOR);

		HV_ASSERT_STATUS(signal(fast, 5, 7), HV_STATUS_SUCCESS);
		HV_ASSERT_STATUS(signal(fast, 5, 7), HV_STATUS_SUCCESS);
		irq_window(NULL, 0, NO_IRQ_WINDOW);
		GUEST_ASSERT_EQ(count[EDGE_VECTOR], base + 1);
		GUEST_ASSERT(hv_sief_test(sief, EDGE_SINT, 107));
		GUEST_PASS("edge (%s): flag already set: SUCCESS twice, no interrupt", form(fast));

		/* A different flag of the same SINT is its own 0->1 transition. */
		HV_ASSERT_STATUS(signal(fast, 5, 8), HV_STATUS_SUCCESS);
		if (!irq_window(&count[EDGE_VECTOR], base + 2, IRQ_WAIT))
			GUEST_FAIL("edge (%s): no interrupt for flag 8's 0->1 while flag 7 is set",
				   form(fast));
		GUEST_PASS("edge (%s): another flag's 0->1 in the same slot interrupts", form(fast));

		GUEST_ASSERT(hv_sief_test_and_clear(sief, EDGE_SINT, 107));
		HV_ASSERT_STATUS(signal(fast, 5, 7), HV_STATUS_SUCCESS);
		if (!irq_window(&count[EDGE_VECTOR], base + 3, IRQ_WAIT))
			GUEST_FAIL("edge (%s): no interrupt after the guest cleared the flag", form(fast));
		irq_window(NULL, 0, NO_IRQ_WINDOW);
		GUEST_ASSERT_EQ(count[EDGE_VECTOR], base + 3);
		GUEST_ASSERT_EQ(bad_isr[EDGE_VECTOR], 0);
		GUEST_PASS("edge (%s): guest cleared the flag: the next signal interrupts once", form(fast));
	}
	clear_all();
}

static void test_polling(void)
{
	uint32_t before = total;

	if (!(cpuid(HV_CPUID_FEATURES, 0).edx & HV_CPUID_EDX_SINT_POLLING))
		GUEST_FAIL("CPUID 0x40000003 EDX bit 17 (SINT polling) clear");
	hv_sint_set(POLL_SINT, POLL_VECTOR, false, false, true);
	for (int f = 0; f < 2; f++) {
		bool fast = f == 0;
		uint16_t flag = fast ? 1 : 6;

		clear_all();
		HV_ASSERT_STATUS(signal(fast, 7, flag), HV_STATUS_SUCCESS);
		expect_bit(POLL_SINT, flag);
		check_page("polling SINT");
		irq_window(NULL, 0, NO_IRQ_WINDOW);
		GUEST_ASSERT_EQ(count[POLL_VECTOR], 0);
		GUEST_ASSERT_EQ(total, before);
		GUEST_ASSERT(!apic_irr_test(POLL_VECTOR));
		GUEST_PASS("polling SINT (%s): flag %u set, no interrupt", form(fast), flag);
	}
	clear_all();
}

static void test_auto_eoi(void)
{
	uint32_t before = total;

	printf("hv_delivery: 16 SINTs, vectors 0x%x..0x%x falling, even SINTs AutoEOI\n",
	       sint_vector(0), sint_vector(15));
	clear_all();
	order_n = 0;
	for (unsigned int x = 0; x < HV_SINT_COUNT; x++)
		hv_sint_set(x, sint_vector(x), false, (x % 2) == 0, false);
	for (unsigned int x = 0; x < HV_SINT_COUNT; x++) {
		uint8_t v = sint_vector(x);
		bool fast = (x / 2) % 2 == 0; /* both forms, on AutoEOI and EOI SINTs */

		GUEST_ASSERT_EQ(count[v], 0);
		HV_ASSERT_STATUS(signal(fast, 20 + x, 0), HV_STATUS_SUCCESS);
		expect_bit(x, 0);
		check_page("16 SINTs");
		if (!irq_window(&count[v], 1, IRQ_WAIT))
			GUEST_FAIL("SINT %u (vector 0x%x, %s): no interrupt; ISR has %u bit(s) set "
				   "(an AutoEOI vector left in service blocks lower ones)",
				   x, v, (x % 2) == 0 ? "AutoEOI" : "EOI", apic_isr_count());
		GUEST_ASSERT_EQ(count[v], 1);
		GUEST_ASSERT_MSG(bad_isr[v] == 0, "SINT %u vector 0x%x: ISR bit %s in the handler",
				 x, v, (x % 2) == 0 ? "set for an AutoEOI vector" : "clear for an EOI vector");
		GUEST_ASSERT_EQ(apic_isr_count(), 0);
		GUEST_PASS("SINT %u: one event, vector 0x%x, %s (%s form)", x, v,
			   (x % 2) == 0 ? "AutoEOI, no EOI, ISR clear" : "EOI'd by the guest",
			   form(fast));
	}
	irq_window(NULL, 0, NO_IRQ_WINDOW);
	GUEST_ASSERT_EQ(total, before + HV_SINT_COUNT);
	for (unsigned int x = 0; x < HV_SINT_COUNT; x++) {
		GUEST_ASSERT_EQ(count[sint_vector(x)], 1);
		GUEST_ASSERT_EQ(order[x], sint_vector(x));
	}
	GUEST_ASSERT_EQ(apic_isr_count(), 0);
	GUEST_PASS("16 SINTs: each delivered exactly once, AutoEOI ones never blocked the lower-priority ones");
}

void guest_main(void)
{
	if (this_vp() != 0)
		return;
	(void)hv_detect();
	printf("hv_delivery: cmdline '%s'\n", guest_cmdline());
	hv_enable_hypercall_page();
	apic_enable();
	for (unsigned int v = 0x20; v < 0xFF; v++)
		guest_install_handler((uint8_t)v, handler);
	memset(sief, 0, sizeof(sief));
	hv_synic_enable(sief);
	hv_sint_set(EDGE_SINT, EDGE_VECTOR, false, false, false);

	test_placement();
	test_edge();
	test_polling();
	test_auto_eoi();
	GUEST_PASS("hv_delivery: all delivery checks");
	guest_done();
}
