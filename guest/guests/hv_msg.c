// SPDX-License-Identifier: MIT
/*
 * hv_msg: HvCallPostMessage and SIM delivery seen from inside the guest
 * (run with -c 2), through the real hypercall page. The semantics are
 * synic/'s (docs/conformance.md, "HvCallPostMessage" and "SIM delivery and
 * message queues"); this guest checks that the VMM carries them to a guest.
 * One group per run, --append 'case=NAME':
 *
 *   status    every status a guest can provoke: SUCCESS (and the 240-byte,
 *             0x7FFFFFFF boundaries), INVALID_CONNECTION_ID, INVALID_PORT_ID,
 *             INVALID_PARAMETER, INVALID_VP_INDEX, INVALID_SYNIC_STATE,
 *             INVALID_ALIGNMENT, INVALID_HYPERCALL_INPUT, the fast form, and
 *             the check order between them. A failed post writes nothing and
 *             raises nothing.
 *   delivery  post to self and to VP 1; busy slot (pending flag, EOM);
 *             redelivery on the EOI of a non-AutoEOI SINT (not of an AutoEOI
 *             one); FIFO order; the port's 16 buffers, per port, freed on
 *             delivery; SynIC state checked before buffers; SIM page off
 *             drops the queue.
 *   denied    run with --privileges default,-post-messages: `want=` (default
 *             ACCESS_DENIED) for valid and invalid input alike.
 *
 * Ports (tests/kvm/hv/meson.build): conn 7 -> port 1 (message, VP 0,
 * SINT 3), conn 8 -> port 2 (message, VP 1, SINT 3), conn 9 -> port 3
 * (event, VP 0, SINT 2), conn 10 -> port 4 (message, VP 3: no such VP),
 * conn 11 -> port 5 (message, VP 0, SINT 3: a second port into one slot).
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define CONN_SELF 7
#define PORT_SELF 1
#define CONN_VP1 8
#define PORT_VP1 2
#define CONN_EVENT 9
#define CONN_NO_VP 10
#define CONN_SELF2 11
#define PORT_SELF2 5
#define CONN_UNKNOWN 99

#define SINT 3
#define VEC_SINT 0x53      /* SINT 3, not AutoEOI: its EOI redelivers */
#define VEC_SINT_AUTO 0x54 /* SINT 3 as an AutoEOI SINT */
#define MSG_TYPE 0x11
#define NR_VPS 2
#define LOG_MAX 8

static uint8_t sief_pages[NR_VPS][HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t sim_pages[NR_VPS][HV_PAGE_SIZE] __attribute__((aligned(4096)));
/* Two adjacent pages of VP 0's own for misplaced input blocks. */
static uint8_t two_pages[2 * HV_PAGE_SIZE] __attribute__((aligned(4096)));

static volatile uint32_t irqs[NR_VPS];

/* What VP 1's handler found in its slot, one entry per interrupt. */
struct seen_msg {
	uint32_t type, seq;
	uint8_t size, flags;
	uint64_t sender;
	bool payload_ok;
};
static struct seen_msg vp1_log[LOG_MAX];
static volatile uint32_t vp1_logged, vp1_empty_irqs;
static volatile uint32_t vp1_ready, vp1_exit, vp1_exited;

static volatile struct hv_message *my_slot(void)
{
	return hv_sim_slot(sim_pages[this_vp()], SINT);
}

/* ---- payloads: byte i of message `seq` is seq * 31 + i; seq also @0 ---- */

static void payload_fill(uint8_t *buf, uint32_t seq, uint32_t size)
{
	for (uint32_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(seq * 31 + i);
	if (size >= 4)
		memcpy(buf, &seq, 4);
}

static bool payload_matches(volatile struct hv_message *m, uint32_t seq, uint32_t size)
{
	uint8_t want[HV_MESSAGE_PAYLOAD_MAX];

	payload_fill(want, seq, size);
	for (uint32_t i = 0; i < size; i++)
		if (m->payload[i] != want[i])
			return false;
	return true;
}

static uint32_t payload_seq(volatile struct hv_message *m)
{
	uint32_t seq = 0;

	for (int i = 0; i < 4; i++)
		seq |= (uint32_t)m->payload[i] << (8 * i);
	return seq;
}

static uint64_t post_seq(uint32_t conn, uint32_t seq, uint32_t size)
{
	uint8_t buf[HV_MESSAGE_PAYLOAD_MAX];

	payload_fill(buf, seq, size);
	return hv_post_message(conn, MSG_TYPE, buf, size);
}

/* ---- interrupts ---- */

/* VP 1 consumes in its handler (as a driver would); VP 0 only counts and
 * leaves the slot to its main code. */
static void vp1_take_message(void)
{
	volatile struct hv_message *m = my_slot();
	struct seen_msg s = { 0 };

	s.type = hv_msg_type(m);
	if (s.type == HV_MSG_TYPE_NONE) {
		vp1_empty_irqs++;
		return;
	}
	s.size = hv_msg_size(m);
	s.flags = hv_msg_flags(m);
	s.sender = hv_msg_sender(m);
	s.seq = payload_seq(m);
	s.payload_ok = payload_matches(m, s.seq, s.size);
	if (vp1_logged < LOG_MAX)
		vp1_log[vp1_logged] = s;
	__atomic_store_n(&vp1_logged, vp1_logged + 1, __ATOMIC_SEQ_CST);
	hv_msg_consume(m);
}

static void sint_handler(struct ex_regs *regs)
{
	(void)regs;
	if (this_vp() == 1)
		vp1_take_message();
	__atomic_fetch_add(&irqs[this_vp()], 1, __ATOMIC_SEQ_CST);
	apic_eoi();
}

/* AutoEOI: the ISR bit was never set, so no EOI. */
static void sint_auto_handler(struct ex_regs *regs)
{
	(void)regs;
	__atomic_fetch_add(&irqs[this_vp()], 1, __ATOMIC_SEQ_CST);
}

/* Lets pending interrupts in, and enough PAUSEs for one to arrive late. */
static void settle(void)
{
	irq_window(NULL, 0, 2000);
}

static void wait_irqs(uint32_t want, const char *what)
{
	if (!irq_window(&irqs[0], want, 200000))
		GUEST_FAIL("%s: %u interrupt(s) on VP 0, want %u", what, irqs[0], want);
}

static void vp_setup(void)
{
	uint32_t vp = this_vp();

	apic_enable();
	hv_synic_enable(sief_pages[vp]);
	hv_simp_enable(sim_pages[vp]);
	hv_sint_set(SINT, VEC_SINT, false, false, false);
}

/* ---- status group ---- */

static void assert_nothing_delivered(const char *what)
{
	uint32_t before = irqs[0];

	settle();
	GUEST_ASSERT_MSG(hv_msg_type(my_slot()) == HV_MSG_TYPE_NONE,
			 "%s: slot %u holds type 0x%x", what, SINT, hv_msg_type(my_slot()));
	GUEST_ASSERT_MSG(irqs[0] == before, "%s: an interrupt came", what);
}

static void expect_status(uint64_t result, uint64_t want, const char *what)
{
	HV_ASSERT_STATUS(result, want);
	assert_nothing_delivered(what);
	GUEST_PASS("%s: %s", what, hv_status_name(want));
}

static void expect_post(uint32_t conn, uint32_t type, uint32_t size, uint64_t want,
			const char *what)
{
	uint8_t buf[HV_MESSAGE_PAYLOAD_MAX];

	payload_fill(buf, 0, size < sizeof(buf) ? size : sizeof(buf));
	expect_status(hv_post_message(conn, type, buf, size), want, what);
}

/* A message that did arrive in VP 0's slot: checks and empties it. */
static void expect_in_slot(uint32_t type, uint32_t seq, uint32_t size, uint64_t port,
			   const char *what)
{
	volatile struct hv_message *m = my_slot();

	GUEST_ASSERT_MSG(hv_msg_type(m) == type, "%s: slot type 0x%x, want 0x%x", what,
			 hv_msg_type(m), type);
	GUEST_ASSERT_EQ(hv_msg_size(m), size);
	GUEST_ASSERT_EQ(hv_msg_sender(m), port);
	GUEST_ASSERT_MSG(payload_matches(m, seq, size), "%s: payload differs", what);
	GUEST_ASSERT_EQ(hv_msg_flags(m), 0);
	GUEST_ASSERT(!hv_msg_consume(m));
}

static void status_success(void)
{
	uint8_t buf[HV_MESSAGE_PAYLOAD_MAX];
	uint32_t before = irqs[0];

	payload_fill(buf, 5, 40);
	HV_ASSERT_STATUS(hv_post_message(CONN_SELF, MSG_TYPE, buf, 40), HV_STATUS_SUCCESS);
	wait_irqs(before + 1, "SUCCESS");
	expect_in_slot(MSG_TYPE, 5, 40, PORT_SELF, "SUCCESS");
	GUEST_PASS("SUCCESS: type, size 40, sender = port %u, payload in SINT %u's slot, one interrupt",
		   PORT_SELF, SINT);

	payload_fill(buf, 6, HV_MESSAGE_PAYLOAD_MAX);
	HV_ASSERT_STATUS(hv_post_message(CONN_SELF, 0x7FFFFFFF, buf, HV_MESSAGE_PAYLOAD_MAX),
			 HV_STATUS_SUCCESS);
	wait_irqs(before + 2, "240 bytes");
	expect_in_slot(0x7FFFFFFF, 6, HV_MESSAGE_PAYLOAD_MAX, PORT_SELF, "240 bytes");
	GUEST_ASSERT_EQ(hv_msg_type(hv_sim_slot(sim_pages[0], SINT + 1)), 0);
	GUEST_PASS("SUCCESS: type 0x7FFFFFFF with a 240-byte payload, next slot untouched");

	HV_ASSERT_STATUS(hv_post_message(CONN_SELF, 1, NULL, 0), HV_STATUS_SUCCESS);
	wait_irqs(before + 3, "empty payload");
	expect_in_slot(1, 0, 0, PORT_SELF, "empty payload");
	GUEST_PASS("SUCCESS: type 1 with an empty payload");
}

static void status_lookup(void)
{
	expect_post(CONN_UNKNOWN, MSG_TYPE, 8, HV_STATUS_INVALID_CONNECTION_ID,
		    "unknown connection id");
	expect_post(0x00FFFFFF, MSG_TYPE, 8, HV_STATUS_INVALID_CONNECTION_ID,
		    "connection id 0xffffff");
	expect_post(CONN_EVENT, MSG_TYPE, 8, HV_STATUS_INVALID_PORT_ID,
		    "connection to an event port");
	expect_post(CONN_NO_VP, MSG_TYPE, 8, HV_STATUS_INVALID_VP_INDEX,
		    "port targeting VP 3 of a 2-VP partition");
}

static void status_parameters(void)
{
	expect_post(CONN_SELF, 0, 8, HV_STATUS_INVALID_PARAMETER, "MessageType 0");
	expect_post(CONN_SELF, 0x80000000u, 8, HV_STATUS_INVALID_PARAMETER,
		    "MessageType 0x80000000");
	expect_post(CONN_SELF, HVMSG_TIMER_EXPIRED, 24, HV_STATUS_INVALID_PARAMETER,
		    "MessageType 0x80000010 (a hypervisor type)");
	expect_post(CONN_SELF, 0xFFFFFFFFu, 8, HV_STATUS_INVALID_PARAMETER,
		    "MessageType 0xffffffff");
	expect_post(CONN_SELF, MSG_TYPE, 241, HV_STATUS_INVALID_PARAMETER, "PayloadSize 241");
	expect_post(CONN_SELF, MSG_TYPE, 0xFFFFFFFFu, HV_STATUS_INVALID_PARAMETER,
		    "PayloadSize 0xffffffff");
}

/* SIM page, SynIC, SINT mask: each off in turn, then back on. */
static void status_synic_state(void)
{
	uint32_t before;

	expect_post(CONN_VP1, MSG_TYPE, 8, HV_STATUS_INVALID_SYNIC_STATE,
		    "target VP 1 never enabled its SynIC");

	hv_simp_disable();
	expect_post(CONN_SELF, MSG_TYPE, 8, HV_STATUS_INVALID_SYNIC_STATE, "SIM page disabled");
	hv_simp_enable(sim_pages[0]);

	wrmsr(HV_MSR_SCONTROL, 0);
	expect_post(CONN_SELF, MSG_TYPE, 8, HV_STATUS_INVALID_SYNIC_STATE, "SynIC disabled");
	wrmsr(HV_MSR_SCONTROL, HV_SCONTROL_ENABLE);

	hv_sint_set(SINT, VEC_SINT, true, false, false);
	expect_post(CONN_SELF, MSG_TYPE, 8, HV_STATUS_INVALID_SYNIC_STATE, "target SINT masked");
	hv_sint_set(SINT, VEC_SINT, false, false, false);

	before = irqs[0];
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 9, 16), HV_STATUS_SUCCESS);
	wait_irqs(before + 1, "re-enabled");
	expect_in_slot(MSG_TYPE, 9, 16, PORT_SELF, "re-enabled");
	GUEST_PASS("SIM page, SynIC and SINT back on: SUCCESS again");
}

static uint64_t post_at(uint64_t control, void *in, uint32_t conn, uint32_t type)
{
	hv_post_message_input(in, conn, type, NULL, 0);
	return hv_post_message_raw(control, (uint64_t)(uintptr_t)in);
}

static void status_alignment(void)
{
	uint64_t ram = guest_bootinfo()->ram_size;
	uint32_t before = irqs[0];

	expect_status(post_at(0, two_pages + 4, CONN_SELF, MSG_TYPE),
		      HV_STATUS_INVALID_ALIGNMENT, "input GPA 8-byte aligned + 4");
	expect_status(post_at(0, two_pages + 0xF08, CONN_SELF, MSG_TYPE),
		      HV_STATUS_INVALID_ALIGNMENT, "256-byte input at page offset 0xf08 (crossing)");
	expect_status(hv_post_message_raw(0, ram), HV_STATUS_INVALID_ALIGNMENT,
		      "input GPA = end of RAM");
	expect_status(hv_post_message_raw(0, ram + 0x100000), HV_STATUS_INVALID_ALIGNMENT,
		      "input GPA 1 MiB past the end of RAM");
	expect_status(hv_post_message_raw(0, 0xFEE00000ull), HV_STATUS_INVALID_ALIGNMENT,
		      "input GPA in the APIC page");

	HV_ASSERT_STATUS(post_at(0, two_pages + 8, CONN_SELF, 1), HV_STATUS_SUCCESS);
	wait_irqs(before + 1, "offset 8");
	expect_in_slot(1, 0, 0, PORT_SELF, "offset 8");
	HV_ASSERT_STATUS(post_at(0, two_pages + 0xF00, CONN_SELF, 2), HV_STATUS_SUCCESS);
	wait_irqs(before + 2, "offset 0xf00");
	expect_in_slot(2, 0, 0, PORT_SELF, "offset 0xf00");
	GUEST_PASS("input at page offsets 8 and 0xf00 (the last 256 bytes): SUCCESS");
}

static void status_reserved(void)
{
	uint32_t *in = (uint32_t *)two_pages;

	hv_post_message_input(in, CONN_SELF, MSG_TYPE, NULL, 0);
	in[1] = 1;
	expect_status(hv_post_message_raw(0, (uint64_t)(uintptr_t)in),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "RsvdZ @4 = 1");
	expect_status(post_at(0, in, CONN_SELF | 0x01000000u, MSG_TYPE),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "ConnectionId bit 24");
	expect_status(post_at(1ull << 27, in, CONN_SELF, MSG_TYPE),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "reserved control bit 27");
	expect_status(post_at(1ull << HV_HC_REP_COUNT_SHIFT, in, CONN_SELF, MSG_TYPE),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "rep count 1 on a simple call");
	expect_status(hv_post_message_fast(CONN_SELF, MSG_TYPE, 0),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "fast form, valid input");
}

/* Rule 8.1 for messages: the earlier check wins when two fail. */
static void status_order(void)
{
	uint32_t *in = (uint32_t *)two_pages;

	expect_status(post_at(1ull << HV_HC_REP_COUNT_SHIFT, two_pages + 4, CONN_SELF, MSG_TYPE),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "order: control word before input fetch");
	hv_post_message_input(two_pages + 0xC, CONN_SELF, MSG_TYPE, NULL, 0);
	((volatile uint32_t *)(two_pages + 0xC))[1] = 1;
	expect_status(hv_post_message_raw(0, (uint64_t)(uintptr_t)(two_pages + 0xC)),
		      HV_STATUS_INVALID_ALIGNMENT, "order: input fetch before RsvdZ");
	hv_post_message_input(in, CONN_UNKNOWN, MSG_TYPE, NULL, 0);
	in[1] = 1;
	expect_status(hv_post_message_raw(0, (uint64_t)(uintptr_t)in),
		      HV_STATUS_INVALID_HYPERCALL_INPUT, "order: RsvdZ before connection");
	expect_post(CONN_UNKNOWN, 0, 8, HV_STATUS_INVALID_CONNECTION_ID,
		    "order: connection before MessageType");
	expect_post(CONN_EVENT, 0, 241, HV_STATUS_INVALID_PORT_ID,
		    "order: port type before MessageType and PayloadSize");
	expect_post(CONN_NO_VP, 0, 8, HV_STATUS_INVALID_PARAMETER,
		    "order: MessageType before target VP");
	expect_post(CONN_VP1, 0, 8, HV_STATUS_INVALID_PARAMETER,
		    "order: MessageType before SynIC state");
}

static void group_status(void)
{
	struct hv_features f = hv_detect();

	GUEST_ASSERT_MSG(hv_has_priv(&f, HV_PRIV_POST_MESSAGES),
			 "CPUID 0x40000003 EBX bit 4 (PostMessages) clear by default");
	GUEST_PASS("CPUID 0x40000003 EBX bit 4 (PostMessages) set");
	status_success();
	status_lookup();
	status_parameters();
	status_synic_state();
	status_alignment();
	status_reserved();
	status_order();
}

/* ---- delivery group ---- */

static void delivery_busy_slot(void)
{
	volatile struct hv_message *m = my_slot();
	uint32_t before = irqs[0];

	HV_ASSERT_STATUS(post_seq(CONN_SELF, 1, 32), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 2, 48), HV_STATUS_SUCCESS);
	wait_irqs(before + 1, "busy slot");
	settle();
	GUEST_ASSERT_EQ(irqs[0], before + 1);
	GUEST_ASSERT_EQ(payload_seq(m), 1);
	GUEST_ASSERT_EQ(hv_msg_flags(m), HV_MSG_FLAG_PENDING);
	GUEST_PASS("busy slot: the second post is SUCCESS, the first message stays with the pending flag, one interrupt");

	GUEST_ASSERT(hv_msg_consume(m));  /* pending: EOM written */
	wait_irqs(before + 2, "EOM");
	expect_in_slot(MSG_TYPE, 2, 48, PORT_SELF, "after EOM");
	settle();
	GUEST_ASSERT_EQ(irqs[0], before + 2);
	GUEST_PASS("EOM delivers the waiting message (pending flag clear: nothing more), one more interrupt");
}

/*
 * The slot is emptied without EOM while the first interrupt is still
 * pending: a non-AutoEOI SINT's EOI (in the handler) delivers the next one;
 * an AutoEOI SINT has no EOI, so the next waits for EOM.
 */
static void delivery_eoi(void)
{
	volatile struct hv_message *m = my_slot();
	uint32_t before = irqs[0];

	HV_ASSERT_STATUS(post_seq(CONN_SELF, 3, 8), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 4, 8), HV_STATUS_SUCCESS);
	GUEST_ASSERT_EQ(payload_seq(m), 3);
	__atomic_store_n(&m->type, 0, __ATOMIC_SEQ_CST);   /* no EOM */
	wait_irqs(before + 2, "EOI redelivery");
	expect_in_slot(MSG_TYPE, 4, 8, PORT_SELF, "after EOI");
	GUEST_PASS("non-AutoEOI SINT: its EOI delivers the waiting message (no EOM)");

	hv_sint_set(SINT, VEC_SINT_AUTO, false, true, false);
	before = irqs[0];
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 5, 8), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 6, 8), HV_STATUS_SUCCESS);
	GUEST_ASSERT_EQ(payload_seq(m), 5);
	GUEST_ASSERT(hv_msg_pending(m));
	__atomic_store_n(&m->type, 0, __ATOMIC_SEQ_CST);   /* no EOM */
	wait_irqs(before + 1, "AutoEOI");
	settle();
	GUEST_ASSERT_EQ(irqs[0], before + 1);
	GUEST_ASSERT_MSG(hv_msg_type(m) == 0, "AutoEOI: a message came without EOM");
	hv_eom();
	wait_irqs(before + 2, "AutoEOI EOM");
	expect_in_slot(MSG_TYPE, 6, 8, PORT_SELF, "AutoEOI after EOM");
	hv_sint_set(SINT, VEC_SINT, false, false, false);
	GUEST_PASS("AutoEOI SINT: the next message waits for EOM, then comes");
}

/* Empties the slot until `n` messages were read; returns their sequence
 * numbers and whether each had the pending flag. */
static void drain_slot(uint32_t n, uint32_t *seqs, uint64_t *senders, bool *pending)
{
	volatile struct hv_message *m = my_slot();

	for (uint32_t i = 0; i < n; i++) {
		GUEST_ASSERT_MSG(hv_msg_type(m) == MSG_TYPE, "drain: message %u of %u missing (type 0x%x)",
				 i, n, hv_msg_type(m));
		seqs[i] = payload_seq(m);
		senders[i] = hv_msg_sender(m);
		pending[i] = hv_msg_pending(m);
		GUEST_ASSERT_MSG(payload_matches(m, seqs[i], hv_msg_size(m)), "drain: payload %u", i);
		GUEST_ASSERT_EQ(hv_msg_consume(m), pending[i]);
	}
	GUEST_ASSERT_MSG(hv_msg_type(m) == 0, "drain: more than %u messages", n);
	settle();
}

static void delivery_fifo(void)
{
	uint32_t seqs[5];
	uint64_t senders[5];
	bool pending[5];

	for (uint32_t i = 0; i < 5; i++)
		HV_ASSERT_STATUS(post_seq(CONN_SELF, 10 + i, 16 + i), HV_STATUS_SUCCESS);
	drain_slot(5, seqs, senders, pending);
	for (uint32_t i = 0; i < 5; i++) {
		GUEST_ASSERT_EQ(seqs[i], 10 + i);
		GUEST_ASSERT_EQ(pending[i], i < 4);
	}
	GUEST_PASS("FIFO: 5 messages read in posting order, pending flag on all but the last");
}

/* The message in the slot holds no buffer; 16 more wait; the 18th is refused. */
static void delivery_buffers(void)
{
	const uint32_t queued = HV_PORT_MESSAGE_BUFFERS;
	uint32_t seqs[32];
	uint64_t senders[32];
	bool pending[32];
	uint32_t n = 0;

	for (uint32_t i = 0; i <= queued; i++)
		HV_ASSERT_STATUS(post_seq(CONN_SELF, 100 + i, 8), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 999, 8), HV_STATUS_INSUFFICIENT_BUFFERS);
	GUEST_PASS("one message in the slot + 16 waiting: the next post is INSUFFICIENT_BUFFERS");

	HV_ASSERT_STATUS(post_seq(CONN_SELF2, 200, 8), HV_STATUS_SUCCESS);
	GUEST_PASS("buffers are per port: port %u still takes one into the same SINT", PORT_SELF2);

	/* SynIC state is checked before buffers: masked -> INVALID_SYNIC_STATE. */
	hv_sint_set(SINT, VEC_SINT, true, false, false);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 998, 8), HV_STATUS_INVALID_SYNIC_STATE);
	hv_sint_set(SINT, VEC_SINT, false, false, false);
	GUEST_PASS("full port, SINT masked: INVALID_SYNIC_STATE (SynIC state before buffers)");

	/* One delivery frees one buffer. */
	seqs[n] = payload_seq(my_slot());
	senders[n] = hv_msg_sender(my_slot());
	GUEST_ASSERT(hv_msg_consume(my_slot()));
	n++;
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 100 + queued + 1, 8), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 997, 8), HV_STATUS_INSUFFICIENT_BUFFERS);
	GUEST_PASS("EOM delivered one: one post SUCCESS again, the next INSUFFICIENT_BUFFERS");

	drain_slot(queued + 2, seqs + n, senders + n, pending + n);
	/* Port 1's 100..116, port 5's 200, then port 1's 117. */
	for (uint32_t i = 0; i < queued + 3; i++) {
		uint32_t want = i <= queued ? 100 + i : i == queued + 1 ? 200 : 100 + queued + 1;

		GUEST_ASSERT_MSG(seqs[i] == want, "message %u is seq %u, want %u", i, seqs[i], want);
		GUEST_ASSERT_EQ(senders[i], want == 200 ? PORT_SELF2 : PORT_SELF);
	}
	GUEST_PASS("19 messages in posting order across both ports, refused ones never delivered");
}

/* Disabling the SIM page drops what waits and frees the port's buffers. */
static void delivery_simp_off_drops(void)
{
	uint32_t before;

	for (uint32_t i = 0; i < 4; i++)
		HV_ASSERT_STATUS(post_seq(CONN_SELF, 300 + i, 8), HV_STATUS_SUCCESS);
	settle();
	hv_simp_disable();
	hv_simp_enable(sim_pages[0]);      /* zeroed again */
	hv_eom();
	settle();
	GUEST_ASSERT_MSG(hv_msg_type(my_slot()) == 0, "SIM page off/on: an old message came back");
	before = irqs[0];
	for (uint32_t i = 0; i <= HV_PORT_MESSAGE_BUFFERS; i++)
		HV_ASSERT_STATUS(post_seq(CONN_SELF, 400 + i, 8), HV_STATUS_SUCCESS);
	HV_ASSERT_STATUS(post_seq(CONN_SELF, 996, 8), HV_STATUS_INSUFFICIENT_BUFFERS);
	wait_irqs(before + 1, "after SIM page off/on");
	GUEST_ASSERT_EQ(payload_seq(my_slot()), 400);
	/* Off again: the 16 waiting are dropped. */
	hv_simp_disable();
	hv_simp_enable(sim_pages[0]);
	settle();
	GUEST_PASS("SIM page off drops the waiting messages: none come back, all 16 buffers free again");
}

static void delivery_self(void)
{
	uint32_t before = irqs[0];

	HV_ASSERT_STATUS(post_seq(CONN_SELF, 0, 100), HV_STATUS_SUCCESS);
	wait_irqs(before + 1, "post to self");
	settle();
	GUEST_ASSERT_EQ(irqs[0], before + 1);
	expect_in_slot(MSG_TYPE, 0, 100, PORT_SELF, "post to self");
	GUEST_PASS("post to self: type, size 100, port %u, payload in SINT %u's slot, SINT fired once",
		   PORT_SELF, SINT);
}

static void delivery_cross_vp(void)
{
	const uint32_t n = 3;
	uint32_t before = irqs[0];

	if (!spin_until(__atomic_load_n(&vp1_ready, __ATOMIC_SEQ_CST), 10000000ul))
		GUEST_FAIL("vp 1 never enabled its SynIC");
	for (uint32_t i = 0; i < n; i++)
		HV_ASSERT_STATUS(post_seq(CONN_VP1, 50 + i, 60 + i), HV_STATUS_SUCCESS);
	if (!spin_until(__atomic_load_n(&vp1_logged, __ATOMIC_SEQ_CST) >= n, 20000000ul))
		GUEST_FAIL("vp 1 saw %u of %u messages (%u interrupts)", vp1_logged, n, irqs[1]);
	settle();
	GUEST_ASSERT_EQ(vp1_logged, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct seen_msg *s = &vp1_log[i];

		GUEST_ASSERT_EQ(s->type, MSG_TYPE);
		GUEST_ASSERT_EQ(s->seq, 50 + i);
		GUEST_ASSERT_EQ(s->size, 60 + i);
		GUEST_ASSERT_EQ(s->sender, PORT_VP1);
		GUEST_ASSERT(s->payload_ok);
	}
	GUEST_ASSERT_EQ(irqs[1], n);
	GUEST_ASSERT_EQ(vp1_empty_irqs, 0);
	GUEST_ASSERT_EQ(irqs[0], before);
	GUEST_ASSERT_EQ(hv_msg_type(my_slot()), 0);
	GUEST_PASS("post to VP 1: its handler read 3 messages in order (type, size, port %u, payload), one interrupt each; VP 0 untouched",
		   PORT_VP1);
}

static void vp1_main(void)
{
	vp_setup();
	__atomic_store_n(&vp1_ready, 1, __ATOMIC_SEQ_CST);
	for (unsigned long i = 0; i < 2000000ul; i++) {
		irq_window(NULL, 0, 50);
		if (__atomic_load_n(&vp1_exit, __ATOMIC_SEQ_CST)) {
			if (vp1_logged)
				GUEST_PASS("vp 1: its handler found %u message(s) from VP 0 in its own SIM page",
					   vp1_logged);
			__atomic_store_n(&vp1_exited, 1, __ATOMIC_SEQ_CST);
			return;
		}
	}
	GUEST_FAIL("vp 1: VP 0 never told it to exit");
}

static void group_delivery(void)
{
	delivery_self();
	delivery_cross_vp();
	delivery_busy_slot();
	delivery_eoi();
	delivery_fifo();
	delivery_buffers();
	delivery_simp_off_drops();
	__atomic_store_n(&vp1_exit, 1, __ATOMIC_SEQ_CST);
	if (!spin_until(__atomic_load_n(&vp1_exited, __ATOMIC_SEQ_CST), 20000000ul))
		GUEST_FAIL("vp 1 never exited");
}

/* ---- denied group ---- */

static void group_denied(void)
{
	struct hv_features f = hv_detect();
	uint64_t want = hv_cmdline_u64("want", HV_STATUS_ACCESS_DENIED);
	uint32_t *in = (uint32_t *)two_pages;

	GUEST_ASSERT_MSG(!hv_has_priv(&f, HV_PRIV_POST_MESSAGES),
			 "CPUID 0x40000003 EBX bit 4 set: run with --privileges default,-post-messages");
	GUEST_PASS("CPUID 0x40000003 EBX bit 4 (PostMessages) clear");
	expect_post(CONN_SELF, MSG_TYPE, 8, want, "no privilege, valid input");
	expect_status(hv_post_message_fast(CONN_SELF, MSG_TYPE, 0), want, "no privilege, fast form");
	expect_status(post_at(0, two_pages + 4, CONN_SELF, MSG_TYPE), want,
		      "no privilege, misaligned input");
	hv_post_message_input(in, CONN_SELF, MSG_TYPE, NULL, 0);
	in[1] = 1;
	expect_status(hv_post_message_raw(0, (uint64_t)(uintptr_t)in), want, "no privilege, RsvdZ");
	expect_post(CONN_UNKNOWN, MSG_TYPE, 8, want, "no privilege, unknown connection");
	expect_post(CONN_SELF, 0, 241, want, "no privilege, bad type and size");
}

void guest_main(void)
{
	const char *c;
	size_t len;

	if (this_vp() >= NR_VPS)
		return;
	c = guest_cmdline_get("case", &len);
	if (!c)
		GUEST_FAIL("hv_msg needs --append case=status|delivery|denied");
	if (this_vp() == 1) {
		if (len == 8 && !memcmp(c, "delivery", 8))
			vp1_main();
		return;     /* the other groups leave VP 1's SynIC off */
	}
	if (guest_nr_cpus() != NR_VPS)
		GUEST_FAIL("hv_msg needs -c %u (has %u)", NR_VPS, guest_nr_cpus());
	(void)hv_detect();
	printf("hv_msg on %u VPs, cmdline '%s'\n", guest_nr_cpus(), guest_cmdline());
	guest_install_handler(VEC_SINT, sint_handler);
	guest_install_handler(VEC_SINT_AUTO, sint_auto_handler);
	hv_enable_hypercall_page();
	vp_setup();

	if (len == 6 && !memcmp(c, "status", 6))
		group_status();
	else if (len == 8 && !memcmp(c, "delivery", 8))
		group_delivery();
	else if (len == 6 && !memcmp(c, "denied", 6))
		group_denied();
	else
		GUEST_FAIL("unknown case '%.*s'", (int)len, c);
	GUEST_PASS("case %.*s", (int)len, c);
	guest_done();
}
