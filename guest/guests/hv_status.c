// SPDX-License-Identifier: MIT
/*
 * hv_status: every row of the HvCallSignalEvent status table (the seed page,
 * hyperv.md section 7, and rules 8.1/8.3), through the real hypercall page,
 * each in its fast and its memory form. One case per run, chosen with
 * --append 'case=NAME' (ids too: conn=, port=, conn2=, port2=); the VMM
 * command lines that create the ports are in tests/kvm/hv/meson.build.
 *
 *   success       conn -> event port on VP 0 SINT 2: SUCCESS, exactly the bit set
 *   bad-conn      unknown connection ids: INVALID_CONNECTION_ID
 *   message-port  conn -> message port: INVALID_PORT_ID
 *   deleted-port  HvCallDeletePort (fast, then memory) on ports port=, port2=,
 *                 then conn=, conn2= signal: INVALID_PORT_ID (needs create-port)
 *   bad-flag      FlagNumber >= count: INVALID_PARAMETER
 *   bad-vp        conn -> port on VP 3 of a 1-VP guest: INVALID_VP_INDEX
 *   no-vp         conn -> vp=any port, the only VP's SINT masked: INVALID_VP_INDEX
 *   scontrol-off  SCONTROL disabled: INVALID_SYNIC_STATE
 *   siefp-off     SIEFP disabled: INVALID_SYNIC_STATE
 *   masked        target SINT masked: INVALID_SYNIC_STATE, flag left clear
 *   denied        run without signal-events: ACCESS_DENIED, also over bad input
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define SINT 2
#define VECTOR 0x50

static uint8_t sief[HV_PAGE_SIZE] __attribute__((aligned(4096)));
static volatile uint32_t irqs;
static struct hv_features feat;

static void sint_handler(struct ex_regs *regs)
{
	(void)regs;
	irqs++;
	apic_eoi();
}

static uint32_t arg(const char *key, uint32_t def)
{
	return (uint32_t)hv_cmdline_u64(key, def);
}

static void assert_sief_zero(const char *what)
{
	unsigned int n = hv_sief_count_bits(sief, 0, HV_PAGE_SIZE);

	GUEST_ASSERT_MSG(n == 0, "%s: %u SIEF bits set, want none", what, n);
}

/* Both forms, the same expected status, the page left as it was. */
static void expect_both(uint32_t conn, uint16_t flag, uint64_t want, const char *what)
{
	printf("hv_status: %s: conn %u flag %u, want %s\n", what, conn, flag,
	       hv_status_name(want));
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, flag), want);
	GUEST_PASS("%s (fast): %s", what, hv_status_name(want));
	HV_ASSERT_STATUS(hv_signal_event_mem(conn, flag), want);
	GUEST_PASS("%s (memory): %s", what, hv_status_name(want));
}

static void case_success(void)
{
	uint32_t conn = arg("conn", 5), count = arg("count", 16);
	uint16_t flags[] = { 3, 0, (uint16_t)(count - 1) };

	for (unsigned int i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		uint16_t f = flags[i];

		HV_ASSERT_STATUS(hv_signal_event_fast(conn, f), HV_STATUS_SUCCESS);
		GUEST_ASSERT(hv_sief_test(sief, SINT, f));
		GUEST_ASSERT_EQ(hv_sief_count_bits(sief, 0, HV_PAGE_SIZE), 1);
		GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, f));
		GUEST_PASS("SUCCESS (fast): flag %u set in SINT %u slot, nothing else", f, SINT);

		HV_ASSERT_STATUS(hv_signal_event_mem(conn, f), HV_STATUS_SUCCESS);
		GUEST_ASSERT(hv_sief_test(sief, SINT, f));
		GUEST_ASSERT_EQ(hv_sief_count_bits(sief, 0, HV_PAGE_SIZE), 1);
		GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, f));
		GUEST_PASS("SUCCESS (memory): flag %u set in SINT %u slot, nothing else", f, SINT);
	}
}

static void case_bad_conn(void)
{
	/* Ids nobody connected: a free one, the largest 24-bit one, 0. */
	uint32_t ids[] = { arg("conn", 99), 0x00FFFFFF, 0 };

	for (unsigned int i = 0; i < 3; i++)
		expect_both(ids[i], 0, HV_STATUS_INVALID_CONNECTION_ID,
			    "unknown connection id");
	assert_sief_zero("after unknown connections");
}

static void case_message_port(void)
{
	expect_both(arg("conn", 6), 0, HV_STATUS_INVALID_PORT_ID,
		    "connection to a message port");
	assert_sief_zero("after message port");
}

static void case_deleted_port(void)
{
	uint32_t port = arg("port", 4), conn = arg("conn", 8);
	uint32_t port2 = arg("port2", 9), conn2 = arg("conn2", 10);

	if (!hv_has_priv(&feat, HV_PRIV_CREATE_PORT))
		GUEST_FAIL("deleted-port needs --privileges ...,create-port (CPUID 0x40000003 EBX bit 6)");

	/* Alive first: the later failure is the deletion's doing. */
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 0), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(hv_signal_event_mem(conn2, 0), HV_STATUS_SUCCESS);
	GUEST_ASSERT_EQ(hv_sief_count_bits(sief, 0, HV_PAGE_SIZE), 2);
	memset(sief, 0, sizeof(sief));
	GUEST_PASS("ports %u and %u alive before deletion", port, port2);

	HV_ASSERT_STATUS(hv_delete_port_fast(port), HV_STATUS_SUCCESS);
	GUEST_PASS("HvCallDeletePort (fast) port %u: SUCCESS", port);
	expect_both(conn, 0, HV_STATUS_INVALID_PORT_ID, "connection outliving its port (fast-deleted)");

	HV_ASSERT_STATUS(hv_delete_port_mem(port2), HV_STATUS_SUCCESS);
	GUEST_PASS("HvCallDeletePort (memory) port %u: SUCCESS", port2);
	expect_both(conn2, 0, HV_STATUS_INVALID_PORT_ID, "connection outliving its port (memory-deleted)");

	/* Rule 8.1: the port check comes before the flag range. */
	expect_both(conn, 100, HV_STATUS_INVALID_PORT_ID, "deleted port and bad flag");
	assert_sief_zero("after deleted ports");
}

static void case_bad_flag(void)
{
	uint32_t conn = arg("conn", 5), count = arg("count", 16);

	expect_both(conn, (uint16_t)count, HV_STATUS_INVALID_PARAMETER, "flag == count");
	expect_both(conn, 2047, HV_STATUS_INVALID_PARAMETER, "flag 2047 >= count");
	expect_both(conn, 0xFFFF, HV_STATUS_INVALID_PARAMETER, "flag 0xffff");
	assert_sief_zero("after bad flags");
}

static void case_bad_vp(void)
{
	GUEST_ASSERT_EQ(guest_nr_cpus(), 1);
	expect_both(arg("conn", 7), 0, HV_STATUS_INVALID_VP_INDEX,
		    "port targeting VP 3 of a 1-VP partition");
	assert_sief_zero("after bad VP");
}

/* HV_ANY_VP with no eligible VP is the seed's "no VP available" (rule 8.4). */
static void case_no_vp(void)
{
	uint32_t conn = arg("conn", 11);

	hv_sint_set(5, VECTOR + 5, true, false, false);
	expect_both(conn, 1, HV_STATUS_INVALID_VP_INDEX, "ANY_VP port, the only VP's SINT 5 masked");
	assert_sief_zero("ANY_VP, no VP available");
	hv_sint_set(5, VECTOR + 5, false, false, false);
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 1), HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, 5, 1));
	GUEST_PASS("ANY_VP port, SINT 5 unmasked: SUCCESS on VP 0");
}

static void case_scontrol_off(void)
{
	uint32_t conn = arg("conn", 5);

	wrmsr(HV_MSR_SCONTROL, 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIEFP) & HV_PAGE_ENABLE, 1);
	expect_both(conn, 1, HV_STATUS_INVALID_SYNIC_STATE, "SCONTROL disabled");
	assert_sief_zero("SCONTROL disabled");
	wrmsr(HV_MSR_SCONTROL, HV_SCONTROL_ENABLE);
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 1), HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	GUEST_PASS("SCONTROL re-enabled: SUCCESS again");
}

static void case_siefp_off(void)
{
	uint32_t conn = arg("conn", 5);

	wrmsr(HV_MSR_SIEFP, 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SCONTROL), HV_SCONTROL_ENABLE);
	expect_both(conn, 1, HV_STATUS_INVALID_SYNIC_STATE, "SIEFP disabled");
	assert_sief_zero("SIEFP disabled (old page untouched)");
	wrmsr(HV_MSR_SIEFP, (uint64_t)(uintptr_t)sief | HV_PAGE_ENABLE);
	HV_ASSERT_STATUS(hv_signal_event_mem(conn, 1), HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	GUEST_PASS("SIEFP re-enabled: SUCCESS again");
}

static void case_masked(void)
{
	uint32_t conn = arg("conn", 5);

	hv_sint_set(SINT, VECTOR + SINT, true, false, false);
	expect_both(conn, 2, HV_STATUS_INVALID_SYNIC_STATE, "target SINT masked");
	GUEST_ASSERT(!hv_sief_test(sief, SINT, 2));
	assert_sief_zero("masked SINT");
	GUEST_PASS("masked SINT: flag left clear (rule 8.3)");
	GUEST_ASSERT_EQ(irqs, 0);
	hv_sint_set(SINT, VECTOR + SINT, false, false, false);
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 2), HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 2));
	GUEST_PASS("SINT unmasked: SUCCESS again");
}

static void case_denied(void)
{
	uint32_t conn = arg("conn", 5);
	uint8_t *in = hv_input_page();
	uint64_t fin = hv_signal_fast_input(conn, 0);
	const uint64_t code = HVCALL_SIGNAL_EVENT;
	struct {
		const char *what;
		uint64_t control, input;
	} bad[] = {
		{ "valid input (fast)", code | HV_HC_FAST, fin },
		{ "unknown connection (fast)", code | HV_HC_FAST, hv_signal_fast_input(0x123456, 0) },
		{ "flag >= count (fast)", code | HV_HC_FAST, hv_signal_fast_input(conn, 2047) },
		{ "RsvdZ input (fast)", code | HV_HC_FAST, fin | 1ull << 48 },
		{ "connection id bits 31:24 (fast)", code | HV_HC_FAST, fin | 1ull << 24 },
		{ "reserved control bit 27 (fast)", code | HV_HC_FAST | 1ull << 27, fin },
		{ "rep count 1 (fast)", code | HV_HC_FAST | 1ull << HV_HC_REP_COUNT_SHIFT, fin },
		{ "variable header (fast)", code | HV_HC_FAST | 1ull << HV_HC_VARHDR_SHIFT, fin },
		{ "valid input (memory)", code, (uint64_t)(uintptr_t)in },
		{ "misaligned input GPA (memory)", code, (uint64_t)(uintptr_t)in + 4 },
		{ "input GPA outside RAM (memory)", code, 1ull << 45 },
		{ "reserved control bit 63 (memory)", code | 1ull << 63, (uint64_t)(uintptr_t)in },
	};

	GUEST_ASSERT(!hv_has_priv(&feat, HV_PRIV_SIGNAL_EVENTS));
	GUEST_PASS("CPUID 0x40000003 EBX bit 5 (SignalEvents) clear");
	memset(in, 0, 8);
	memcpy(in, &conn, 4);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		printf("hv_status: no SignalEvents privilege, %s\n", bad[i].what);
		HV_ASSERT_STATUS(hv_hypercall(bad[i].control, bad[i].input, 0),
				 HV_STATUS_ACCESS_DENIED);
		GUEST_PASS("ACCESS_DENIED: %s", bad[i].what);
	}
	/* RsvdZ in the memory form, flag out of range in the memory form. */
	in[6] = 1;
	HV_ASSERT_STATUS(hv_hypercall(code, (uint64_t)(uintptr_t)in, 0), HV_STATUS_ACCESS_DENIED);
	GUEST_PASS("ACCESS_DENIED: RsvdZ input (memory)");
	expect_both(conn, 2047, HV_STATUS_ACCESS_DENIED, "no privilege, flag >= count");
	expect_both(0x654321, 0, HV_STATUS_ACCESS_DENIED, "no privilege, unknown connection");
	assert_sief_zero("no SignalEvents privilege");
	/* Rule 8.1: the call code is checked before the privilege. */
	HV_ASSERT_STATUS(hv_hypercall(0xFFFF | HV_HC_FAST, fin, 0), HV_STATUS_INVALID_HYPERCALL_CODE);
	GUEST_PASS("unknown call code without privileges: INVALID_HYPERCALL_CODE (code before privilege)");
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "success", case_success },
	{ "bad-conn", case_bad_conn },
	{ "message-port", case_message_port },
	{ "deleted-port", case_deleted_port },
	{ "bad-flag", case_bad_flag },
	{ "bad-vp", case_bad_vp },
	{ "no-vp", case_no_vp },
	{ "scontrol-off", case_scontrol_off },
	{ "siefp-off", case_siefp_off },
	{ "masked", case_masked },
	{ "denied", case_denied },
};

void guest_main(void)
{
	size_t len;
	const char *c;

	if (this_vp() != 0)
		return;
	c = guest_cmdline_get("case", &len);
	if (!c)
		GUEST_FAIL("hv_status needs --append 'case=NAME ...'");
	feat = hv_detect();
	printf("hv_status: cmdline '%s', privileges 0x%llx\n", guest_cmdline(),
	       (unsigned long long)feat.privileges);
	if (!(len == 6 && !strncmp(c, "denied", 6))) {
		GUEST_ASSERT(hv_has_priv(&feat, HV_PRIV_SIGNAL_EVENTS));
		GUEST_PASS("CPUID 0x40000003 EBX bit 5 (SignalEvents) set");
	}

	hv_enable_hypercall_page();
	apic_enable();
	/* SINT s: vector VECTOR + s, unmasked (IF stays 0 but for drains). */
	for (unsigned int s = 0; s < HV_SINT_COUNT; s++)
		guest_install_handler((uint8_t)(VECTOR + s), sint_handler);
	memset(sief, 0, sizeof(sief));
	hv_synic_enable(sief);
	for (unsigned int s = 0; s < HV_SINT_COUNT; s++)
		hv_sint_set(s, (uint8_t)(VECTOR + s), false, false, false);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strlen(cases[i].name) == len && !strncmp(cases[i].name, c, len)) {
			printf("hv_status: case %s\n", cases[i].name);
			cases[i].fn();
			/* Let SINT interrupts of SUCCESS cases in (IF was 0). */
			irq_window(NULL, 0, 1000);
			printf("hv_status: %u SINT interrupt(s) taken\n", irqs);
			GUEST_PASS("case %s", cases[i].name);
			guest_done();
		}
	}
	GUEST_FAIL("unknown case '%.*s'", (int)len, c);
}
