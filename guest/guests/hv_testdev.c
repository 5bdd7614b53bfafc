// SPDX-License-Identifier: MIT
/*
 * hv_testdev: QEMU's hyperv-testdev (--device hyperv-testdev, port 0x3000)
 * driven the way kvm-unit-tests' hyperv_synic and hyperv_connections do:
 *   1. SINT routes: SET_SINT raises the SINT with its programmed vector,
 *      once per command, on the route's VP; a masked SINT stays quiet; a
 *      route that was never created (or was destroyed) does nothing;
 *   2. event connections: SignalEvent(conn, 0) sets flag `conn` in the
 *      route's SIEF slot and raises its SINT; after EVT_CONN_DESTROY the
 *      connection is gone (INVALID_CONNECTION_ID);
 *   3. message connections: what the guest posts on `conn` comes back in
 *      the route's SIM slot (type, size, payload); destroyed: gone;
 *   4. cross-VP (-c 2): a route on VP 1 interrupts VP 1 only.
 * Command word, as kvm-unit-tests' synic_ctl(): conn << 24 | cmd << 16 |
 * vp << 8 | sint.
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define HV_TESTDEV_PORT 0x3000
enum { ROUTE_CREATE = 1, ROUTE_DESTROY, SET_SINT, MSG_CONN_CREATE, MSG_CONN_DESTROY,
       EVT_CONN_CREATE, EVT_CONN_DESTROY };

#define SINT_A 1
#define SINT_B 4
#define VEC_A 0x61
#define VEC_B 0x64
#define IRQ_WAIT 200000ul
#define QUIET 20000ul

static uint8_t sief[2][HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t sim[2][HV_PAGE_SIZE] __attribute__((aligned(4096)));
static volatile uint32_t hits[2][256];
static volatile uint32_t vp1_stage;

static void synic_ctl(uint32_t cmd, uint32_t vp, uint32_t sint, uint32_t conn)
{
	outl(HV_TESTDEV_PORT, conn << 24 | cmd << 16 | vp << 8 | sint);
}

static void handler(struct ex_regs *regs)
{
	hits[this_vp() & 1][regs->vector & 0xff]++;
	apic_eoi();
}

static void synic_up(unsigned int vp)
{
	hv_synic_enable(sief[vp]);
	hv_simp_enable(sim[vp]);
	hv_sint_set(SINT_A, VEC_A, false, false, false);
	hv_sint_set(SINT_B, VEC_B, false, false, false);
}

/* Wait (IF = 1) until hits reaches want; then make sure no more come. */
static void expect_hits(unsigned int vp, uint8_t vec, uint32_t want, const char *what)
{
	sti();
	if (!spin_until(hits[vp][vec] >= want, IRQ_WAIT))
		GUEST_FAIL("%s: vector 0x%x on vp %u: %u interrupts, want %u", what, vec, vp,
			   hits[vp][vec], want);
	for (unsigned long i = 0; i < QUIET; i++)
		cpu_relax();
	cli();
	if (hits[vp][vec] != want)
		GUEST_FAIL("%s: vector 0x%x on vp %u: %u interrupts, want %u", what, vec, vp,
			   hits[vp][vec], want);
}

static void test_sint_routes(void)
{
	synic_ctl(SET_SINT, 0, SINT_A, 0); /* no route yet: nothing */
	expect_hits(0, VEC_A, 0, "SET_SINT without a route");
	synic_ctl(ROUTE_CREATE, 0, SINT_A, 0);
	synic_ctl(SET_SINT, 0, SINT_A, 0);
	expect_hits(0, VEC_A, 1, "SET_SINT");
	/* Edge-triggered: one interrupt per command, once the last one was
	 * taken (two raised while IF = 0 coalesce in IRR, as on hardware). */
	synic_ctl(SET_SINT, 0, SINT_A, 0);
	expect_hits(0, VEC_A, 2, "SET_SINT again");
	synic_ctl(SET_SINT, 0, SINT_A, 0);
	expect_hits(0, VEC_A, 3, "SET_SINT a third time");
	hv_sint_set(SINT_A, VEC_A, true, false, false);
	synic_ctl(SET_SINT, 0, SINT_A, 0);
	expect_hits(0, VEC_A, 3, "SET_SINT on a masked SINT");
	hv_sint_set(SINT_A, VEC_A, false, false, false);
	synic_ctl(ROUTE_DESTROY, 0, SINT_A, 0);
	synic_ctl(SET_SINT, 0, SINT_A, 0);
	expect_hits(0, VEC_A, 3, "SET_SINT after ROUTE_DESTROY");
	printf("hv_testdev: SINT routes ok\n");
}

static void test_event_connection(void)
{
	const uint32_t conn = 0x2a;

	synic_ctl(EVT_CONN_CREATE, 0, SINT_B, conn);
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 0), HV_STATUS_SUCCESS);
	expect_hits(0, VEC_B, 1, "SignalEvent on the device's connection");
	if (!hv_sief_test_and_clear(sief[0], SINT_B, conn))
		GUEST_FAIL("flag %u of SINT %u is not set", conn, SINT_B);
	GUEST_ASSERT_EQ(hv_sief_count_bits(sief[0], 0, HV_PAGE_SIZE), 0);
	HV_ASSERT_STATUS(hv_signal_event_mem(conn, 0), HV_STATUS_SUCCESS);
	expect_hits(0, VEC_B, 2, "SignalEvent (memory form)");
	GUEST_ASSERT(hv_sief_test_and_clear(sief[0], SINT_B, conn));
	synic_ctl(EVT_CONN_DESTROY, 0, 0, conn);
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 0), HV_STATUS_INVALID_CONNECTION_ID);
	printf("hv_testdev: event connection ok\n");
}

static void test_message_connection(void)
{
	const uint32_t conn = 0x17;
	static const char text[] = "echo through hyperv-testdev";
	volatile struct hv_message *slot = hv_sim_slot(sim[0], SINT_A);

	synic_ctl(MSG_CONN_CREATE, 0, SINT_A, conn);
	HV_ASSERT_STATUS(hv_post_message(conn, 0x4d534731, text, sizeof(text)),
			 HV_STATUS_SUCCESS);
	expect_hits(0, VEC_A, 4, "PostMessage on the device's connection");
	GUEST_ASSERT_EQ(hv_msg_type(slot), 0x4d534731);
	GUEST_ASSERT_EQ(hv_msg_size(slot), sizeof(text));
	for (unsigned int i = 0; i < sizeof(text); i++)
		if (hv_msg_payload(slot)[i] != (uint8_t)text[i])
			GUEST_FAIL("payload byte %u is 0x%x, want 0x%x", i, hv_msg_payload(slot)[i],
				   (uint8_t)text[i]);
	(void)hv_msg_consume(slot);
	synic_ctl(MSG_CONN_DESTROY, 0, 0, conn);
	HV_ASSERT_STATUS(hv_post_message(conn, 1, text, 4), HV_STATUS_INVALID_CONNECTION_ID);
	printf("hv_testdev: message connection ok\n");
}

static void test_cross_vp(void)
{
	synic_ctl(ROUTE_CREATE, 1, SINT_B, 0);
	synic_ctl(SET_SINT, 1, SINT_B, 0);
	if (!spin_until(hits[1][VEC_B] == 1, IRQ_WAIT))
		GUEST_FAIL("vp 1 took %u interrupts on vector 0x%x, want 1", hits[1][VEC_B], VEC_B);
	GUEST_ASSERT_EQ(hits[0][VEC_B], 2); /* only the two events of test 2 */
	printf("hv_testdev: cross-VP route ok\n");
}

static void vp1_main(void)
{
	apic_enable();
	synic_up(1);
	__atomic_store_n(&vp1_stage, 1, __ATOMIC_SEQ_CST);
	sti();
	while (vp1_stage != 2)
		cpu_relax();
	cli();
}

void guest_main(void)
{
	if (this_vp() == 1) {
		vp1_main();
		return;
	}
	if (this_vp() != 0)
		return;
	(void)hv_detect();
	hv_enable_hypercall_page();
	guest_install_handler(VEC_A, handler);
	guest_install_handler(VEC_B, handler);
	apic_enable();
	synic_up(0);
	test_sint_routes();
	test_event_connection();
	test_message_connection();
	if (guest_nr_cpus() >= 2) {
		GUEST_WAIT_UNTIL(vp1_stage == 1);
		test_cross_vp();
		__atomic_store_n(&vp1_stage, 2, __ATOMIC_SEQ_CST);
	}
	GUEST_PASS("hv_testdev: QEMU's hyperv-testdev commands behave");
	guest_done();
}
