// SPDX-License-Identifier: MIT
/*
 * apic_ipi: interprocessor interrupts through the xAPIC ICR, on 2..8 VPs.
 *
 * VP 0 drives; the other VPs sit in `sti; hlt` and run small commands VP 0
 * posts (send an IPI, set LDR/DFR), woken by a fixed IPI with VEC_SYNC.
 * Every test vector is counted per VP in its handler. After each send VP 0
 * "syncs" every VP: a VEC_SYNC IPI, the lowest vector in use, is taken only
 * after every higher pending vector, so once its handler ran the counts are
 * final, and each case checks that exactly the intended VPs counted exactly
 * one interrupt.
 *
 * Cases: APIC IDs, fixed physical, self, all-excluding-self,
 * all-including-self, logical (flat), NMI, EOI sequencing (nesting across
 * priority classes, ISR/IRR/PPR), TPR masking.
 */
#include "guest.h"
#include "xapic.h"

#define MAX_VPS 8

#define VEC_SYNC 0x30     /* lowest: wake-up and settle */
#define VEC_FIXED 0x40
#define VEC_SELF 0x41
#define VEC_ALLBUT 0x42
#define VEC_ALL 0x43
#define VEC_LOGICAL 0x44
#define VEC_LOW 0x51      /* class 5 */
#define VEC_LOW2 0x52     /* class 5 too: blocked while 0x51 is in service */
#define VEC_HIGH 0x91     /* class 9 */
#define VEC_TPR_LOW 0x61  /* class 6 */
#define VEC_TPR_HIGH 0x71 /* class 7 */

#define WAIT_MS 3000 /* every cross-VP wait; the lab is slow, not this slow */

static volatile uint32_t hits[MAX_VPS][256];
static volatile uint32_t nmis[MAX_VPS];
static volatile uint32_t syncs[MAX_VPS];
static uint32_t nr;

/* What each AP saw of itself. */
static volatile uint32_t id_apic[MAX_VPS], id_cpuid[MAX_VPS];
static volatile uint32_t ap_ready;

enum { CMD_NOP, CMD_SEND, CMD_SET_LDR };
static struct {
	volatile uint32_t seq, done, op, a, b;
	volatile uint32_t ldr, dfr; /* read back by CMD_SET_LDR */
} cmds[MAX_VPS];

#define WAIT_UNTIL_MS(cond, ms)                                              \
	do {                                                                 \
		uint64_t __end = time_ref() + (uint64_t)(ms) * 10000;        \
		while (!(cond)) {                                            \
			if (time_ref() > __end)                              \
				GUEST_FAIL("timed out after %u ms waiting for %s", \
					   (unsigned int)(ms), #cond);       \
			for (int __i = 0; __i < 16; __i++)                   \
				cpu_relax();                                 \
		}                                                            \
	} while (0)

static void count_handler(struct ex_regs *regs)
{
	__atomic_fetch_add(&hits[this_vp()][regs->vector], 1, __ATOMIC_SEQ_CST);
	apic_eoi();
}

static void sync_handler(struct ex_regs *regs)
{
	(void)regs;
	__atomic_fetch_add(&syncs[this_vp()], 1, __ATOMIC_SEQ_CST);
	apic_eoi();
}

static void nmi_handler(struct ex_regs *regs)
{
	(void)regs;
	__atomic_fetch_add(&nmis[this_vp()], 1, __ATOMIC_SEQ_CST);
	/* NMIs have no ISR bit: no EOI */
}

/* ---- the other VPs ---- */

static void ap_run(uint32_t vp, uint32_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case CMD_SEND:
		apic_icr((uint8_t)a, b);
		break;
	case CMD_SET_LDR:
		apic_write(APIC_DFR, 0xffffffffu); /* flat model */
		apic_write(APIC_LDR, a << 24);
		cmds[vp].ldr = apic_read(APIC_LDR);
		cmds[vp].dfr = apic_read(APIC_DFR);
		break;
	default:
		break;
	}
}

static __attribute__((noreturn)) void ap_loop(uint32_t vp)
{
	uint32_t seen = 0;

	for (;;) {
		uint32_t seq;

		cli();
		seq = __atomic_load_n(&cmds[vp].seq, __ATOMIC_ACQUIRE);
		if (seq != seen) {
			ap_run(vp, cmds[vp].op, cmds[vp].a, cmds[vp].b);
			seen = seq;
			__atomic_store_n(&cmds[vp].done, seq, __ATOMIC_RELEASE);
			continue;
		}
		safe_halt(); /* until VP 0's next IPI; VP 0 ends the run */
	}
}

/* ---- VP 0's tools ---- */

/* Post a command to AP vp, wake it, wait until it ran. */
static void on_vp(uint32_t vp, uint32_t op, uint32_t a, uint32_t b)
{
	uint32_t seq = cmds[vp].seq + 1;

	cmds[vp].op = op;
	cmds[vp].a = a;
	cmds[vp].b = b;
	__atomic_store_n(&cmds[vp].seq, seq, __ATOMIC_RELEASE);
	apic_icr((uint8_t)vp, VEC_SYNC);
	WAIT_UNTIL_MS(__atomic_load_n(&cmds[vp].done, __ATOMIC_ACQUIRE) == seq, WAIT_MS);
}

/* Every VP took every higher vector pending for it (see the top). */
static void sync_all(void)
{
	uint32_t before[MAX_VPS];

	for (uint32_t v = 0; v < nr; v++)
		before[v] = syncs[v];
	for (uint32_t v = 1; v < nr; v++)
		apic_icr((uint8_t)v, VEC_SYNC);
	apic_icr(0, APIC_SH_SELF | VEC_SYNC);
	if (!irq_window_us(&syncs[0], before[0] + 1, WAIT_MS * 1000ull))
		GUEST_FAIL("vp 0 never took its own sync IPI 0x%x", VEC_SYNC);
	for (uint32_t v = 1; v < nr; v++)
		WAIT_UNTIL_MS(syncs[v] > before[v], WAIT_MS);
}

static void clear_counts(void)
{
	for (uint32_t v = 0; v < MAX_VPS; v++) {
		for (int i = 0; i < 256; i++)
			hits[v][i] = 0;
		nmis[v] = 0;
	}
}

/* After sync_all: VPs in `mask` counted `vec` exactly once, the rest never. */
static void expect_hits(const char *what, uint8_t vec, uint32_t mask)
{
	for (uint32_t v = 0; v < nr; v++) {
		uint32_t want = (mask >> v) & 1;

		if (hits[v][vec] != want)
			GUEST_FAIL("%s: vp %u took vector 0x%x %u time(s), expected %u",
				   what, v, vec, hits[v][vec], want);
	}
	for (uint32_t v = 0; v < nr; v++)
		hits[v][vec] = 0;
}

static uint32_t all_mask(void)
{
	return (1u << nr) - 1;
}

/* ---- the cases ---- */

static void case_ids(void)
{
	printf("apic_ipi: APIC IDs of %u VPs (xAPIC ID register, CPUID.1:EBX[31:24])\n", nr);
	for (uint32_t v = 0; v < nr; v++) {
		GUEST_ASSERT_EQ(id_apic[v], v);
		GUEST_ASSERT_EQ(id_cpuid[v], v);
	}
	GUEST_ASSERT_EQ(apic_read(APIC_VERSION) & 0xff, 0x14);
	GUEST_PASS("APIC IDs: VP n has xAPIC ID n and CPUID.1:EBX[31:24] n, n = 0..%u", nr - 1);
}

static void case_fixed(void)
{
	printf("apic_ipi: fixed IPI 0x%x, physical destination, to each VP alone\n", VEC_FIXED);
	for (uint32_t t = 0; t < nr; t++) {
		apic_icr((uint8_t)t, APIC_DM_FIXED | VEC_FIXED);
		sync_all();
		expect_hits("fixed physical from vp 0", VEC_FIXED, 1u << t);
	}
	/* from an AP, to the last VP and to VP 0 */
	on_vp(1, CMD_SEND, nr - 1, VEC_FIXED);
	sync_all();
	expect_hits("fixed physical from vp 1", VEC_FIXED, 1u << (nr - 1));
	on_vp(1, CMD_SEND, 0, VEC_FIXED);
	sync_all();
	expect_hits("fixed physical from vp 1 to vp 0", VEC_FIXED, 1u);
	/* a destination no VP has */
	apic_icr((uint8_t)(nr + 3), VEC_FIXED);
	sync_all();
	expect_hits("fixed physical to a missing APIC ID", VEC_FIXED, 0);
	GUEST_PASS("fixed IPI, physical destination: each of VPs 0..%u alone, once; "
		   "vp 1 -> vp %u and vp 0; APIC ID %u: nobody", nr - 1, nr - 1, nr + 3);
}

static void case_self(void)
{
	printf("apic_ipi: self IPI 0x%x (shorthand self) from every VP\n", VEC_SELF);
	/* the destination field says VP 1: the shorthand wins */
	apic_icr(1, APIC_SH_SELF | VEC_SELF);
	sync_all();
	expect_hits("self IPI from vp 0", VEC_SELF, 1u);
	for (uint32_t v = 1; v < nr; v++) {
		on_vp(v, CMD_SEND, 0, APIC_SH_SELF | VEC_SELF);
		sync_all();
		expect_hits("self IPI from an AP", VEC_SELF, 1u << v);
	}
	GUEST_PASS("self IPI: each of VPs 0..%u took its own, once, nobody else", nr - 1);
}

static void case_allbut(void)
{
	printf("apic_ipi: all-excluding-self IPI 0x%x from vp 0 and vp 1\n", VEC_ALLBUT);
	apic_icr(0, APIC_SH_ALL_BUT_SELF | VEC_ALLBUT);
	sync_all();
	expect_hits("all-excluding-self from vp 0", VEC_ALLBUT, all_mask() & ~1u);
	on_vp(1, CMD_SEND, 0, APIC_SH_ALL_BUT_SELF | VEC_ALLBUT);
	sync_all();
	expect_hits("all-excluding-self from vp 1", VEC_ALLBUT, all_mask() & ~2u);
	GUEST_PASS("all-excluding-self: every VP but the sender, once (from vp 0 and vp 1)");
}

static void case_all(void)
{
	printf("apic_ipi: all-including-self IPI 0x%x from vp 0 and vp %u\n", VEC_ALL, nr - 1);
	apic_icr(0, APIC_SH_ALL | VEC_ALL);
	sync_all();
	expect_hits("all-including-self from vp 0", VEC_ALL, all_mask());
	on_vp(nr - 1, CMD_SEND, 0, APIC_SH_ALL | VEC_ALL);
	sync_all();
	expect_hits("all-including-self from the last vp", VEC_ALL, all_mask());
	GUEST_PASS("all-including-self: every VP, the sender too, once (from vp 0 and vp %u)",
		   nr - 1);
}

static void case_logical(void)
{
	/* masks of VPs (= LDR bits); 0x80 has no VP when nr < 8 */
	static const uint32_t masks[] = { 0x2, 0x1, 0x3, 0xa, 0x5, 0xf, 0x4, 0x80 };

	printf("apic_ipi: logical destination, flat model: VP n has LDR bit n\n");
	apic_write(APIC_DFR, 0xffffffffu);
	apic_write(APIC_LDR, 1u << 24);
	GUEST_ASSERT_EQ(apic_read(APIC_LDR), 1u << 24);
	GUEST_ASSERT_EQ(apic_read(APIC_DFR), 0xffffffffu);
	for (uint32_t v = 1; v < nr; v++) {
		on_vp(v, CMD_SET_LDR, 1u << v, 0);
		GUEST_ASSERT_EQ(cmds[v].ldr, (1u << v) << 24);
		GUEST_ASSERT_EQ(cmds[v].dfr, 0xffffffffu);
	}
	for (unsigned int i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		uint32_t m = masks[i];

		if (m != 0x80 && (m & ~all_mask()))
			continue;
		printf("apic_ipi:   logical mask 0x%02x\n", m);
		apic_icr((uint8_t)m, APIC_DEST_LOGICAL | VEC_LOGICAL);
		sync_all();
		expect_hits("logical flat", VEC_LOGICAL, m & all_mask());
	}
	/* from an AP too */
	on_vp(nr - 1, CMD_SEND, 0x1, APIC_DEST_LOGICAL | VEC_LOGICAL);
	sync_all();
	expect_hits("logical flat from the last vp", VEC_LOGICAL, 1u);
	GUEST_PASS("logical destination (flat): each mask reached exactly its VPs, once");
}

static void case_nmi(void)
{
	printf("apic_ipi: NMI IPI to each VP (vp 0 with IF = 0)\n");
	guest_install_handler(NMI_VECTOR, nmi_handler);
	for (uint32_t t = 0; t < nr; t++) {
		apic_icr((uint8_t)t, APIC_DM_NMI);
		WAIT_UNTIL_MS(nmis[t] >= 1, WAIT_MS); /* interrupts off on vp 0: still taken */
		sync_all();
		for (uint32_t v = 0; v < nr; v++)
			if (nmis[v] != (v == t))
				GUEST_FAIL("NMI to vp %u: vp %u took %u NMIs", t, v, nmis[v]);
		nmis[t] = 0;
	}
	on_vp(1, CMD_SEND, 0, APIC_DM_NMI);
	WAIT_UNTIL_MS(nmis[0] >= 1, WAIT_MS);
	sync_all();
	GUEST_ASSERT_EQ(nmis[0], 1);
	for (uint32_t v = 1; v < nr; v++)
		GUEST_ASSERT_EQ(nmis[v], 0);
	nmis[0] = 0;
	GUEST_PASS("NMI IPI: each of VPs 0..%u took exactly one NMI (vector 2), vp 1 -> vp 0 too",
		   nr - 1);
}

/* ---- EOI sequencing on VP 0 ---- */

static char order[8];
static volatile uint32_t norder, high_done, low2_done;

static void note(char c)
{
	if (norder < sizeof(order) - 1)
		order[norder++] = c;
}

static void low2_handler(struct ex_regs *regs)
{
	(void)regs;
	note('M');
	GUEST_ASSERT(apic_isr_test(VEC_LOW2));
	GUEST_ASSERT_EQ(apic_isr_count(), 1);
	low2_done = 1;
	apic_eoi();
}

static void high_handler(struct ex_regs *regs)
{
	(void)regs;
	note('H');
	GUEST_ASSERT(apic_isr_test(VEC_HIGH));
	GUEST_ASSERT(apic_isr_test(VEC_LOW));  /* nested: both in service */
	GUEST_ASSERT_EQ(apic_isr_count(), 2);
	GUEST_ASSERT_EQ(apic_ppr() & 0xf0, VEC_HIGH & 0xf0);
	/* A lower class raised now waits, even with IF = 1, until the EOIs. */
	apic_icr(0, APIC_SH_SELF | VEC_LOW2);
	GUEST_ASSERT(apic_irr_test(VEC_LOW2));
	irq_window_us(NULL, 0, 2000);
	GUEST_ASSERT_EQ(low2_done, 0);
	GUEST_ASSERT(apic_irr_test(VEC_LOW2));
	high_done = 1;
	apic_eoi();
	GUEST_ASSERT(!apic_isr_test(VEC_HIGH));
}

static void low_handler(struct ex_regs *regs)
{
	(void)regs;
	note('L');
	GUEST_ASSERT(apic_isr_test(VEC_LOW));
	GUEST_ASSERT_EQ(apic_isr_count(), 1);
	GUEST_ASSERT_EQ(apic_ppr() & 0xf0, VEC_LOW & 0xf0);
	apic_icr(0, APIC_SH_SELF | VEC_HIGH);
	/* IF = 0 in the handler: pending, not in service */
	GUEST_ASSERT(apic_irr_test(VEC_HIGH));
	GUEST_ASSERT(!apic_isr_test(VEC_HIGH));
	if (!irq_window_us(&high_done, 1, WAIT_MS * 1000ull))
		GUEST_FAIL("vector 0x%x never preempted 0x%x's handler with IF = 1",
			   VEC_HIGH, VEC_LOW);
	note('l');
	/* 0x52 is in 0x51's class: still blocked by 0x51 in service */
	GUEST_ASSERT_EQ(low2_done, 0);
	GUEST_ASSERT(apic_irr_test(VEC_LOW2));
	GUEST_ASSERT(apic_isr_test(VEC_LOW));
	GUEST_ASSERT(!apic_isr_test(VEC_HIGH));
	apic_eoi();
}

static void case_nesting(void)
{
	printf("apic_ipi: EOI sequencing: 0x%x in 0x%x's handler, 0x%x behind both\n",
	       VEC_HIGH, VEC_LOW, VEC_LOW2);
	guest_install_handler(VEC_LOW, low_handler);
	guest_install_handler(VEC_HIGH, high_handler);
	guest_install_handler(VEC_LOW2, low2_handler);
	apic_icr(0, APIC_SH_SELF | VEC_LOW);
	if (!irq_window_us(&low2_done, 1, WAIT_MS * 1000ull))
		GUEST_FAIL("EOI sequencing stalled: order so far '%s'", order);
	GUEST_ASSERT_STREQ(order, "LHlM");
	GUEST_ASSERT_EQ(apic_isr_count(), 0);
	GUEST_ASSERT(!apic_irr_test(VEC_LOW) && !apic_irr_test(VEC_LOW2) && !apic_irr_test(VEC_HIGH));
	GUEST_ASSERT_EQ(apic_ppr(), 0);
	GUEST_PASS("EOI sequencing: 0x%x preempted 0x%x's handler once IF = 1 (ISR both, PPR 0x%x); "
		   "0x%x waited for both EOIs; order %s", VEC_HIGH, VEC_LOW, VEC_HIGH & 0xf0,
		   VEC_LOW2, order);
}

static void case_tpr(void)
{
	volatile uint32_t *lo = &hits[0][VEC_TPR_LOW], *hi = &hits[0][VEC_TPR_HIGH];

	printf("apic_ipi: TPR 0x60 masks class 6 (0x%x), not class 7 (0x%x)\n",
	       VEC_TPR_LOW, VEC_TPR_HIGH);
	guest_install_handler(VEC_TPR_LOW, count_handler);
	guest_install_handler(VEC_TPR_HIGH, count_handler);
	apic_set_tpr(0x60);
	GUEST_ASSERT_EQ(apic_read(APIC_TPR), 0x60);
	GUEST_ASSERT_EQ(apic_ppr(), 0x60);
	apic_icr(0, APIC_SH_SELF | VEC_TPR_LOW);
	irq_window_us(NULL, 0, 5000);
	GUEST_ASSERT_EQ(*lo, 0);
	GUEST_ASSERT(apic_irr_test(VEC_TPR_LOW));
	apic_icr(0, APIC_SH_SELF | VEC_TPR_HIGH);
	if (!irq_window_us(hi, 1, WAIT_MS * 1000ull))
		GUEST_FAIL("vector 0x%x (class 7) blocked by TPR 0x60", VEC_TPR_HIGH);
	GUEST_ASSERT_EQ(*lo, 0);
	GUEST_ASSERT(apic_irr_test(VEC_TPR_LOW));
	/* lowering the TPR lets it in */
	apic_set_tpr(0x00);
	if (!irq_window_us(lo, 1, WAIT_MS * 1000ull))
		GUEST_FAIL("vector 0x%x still blocked after TPR 0x60 -> 0", VEC_TPR_LOW);
	irq_window_us(NULL, 0, 1000);
	GUEST_ASSERT_EQ(*lo, 1);
	GUEST_ASSERT_EQ(*hi, 1);
	GUEST_ASSERT(!apic_irr_test(VEC_TPR_LOW));
	GUEST_ASSERT_EQ(apic_ppr(), 0);
	*lo = *hi = 0;
	GUEST_PASS("TPR: 0x60 held 0x%x in IRR while 0x%x got through; TPR 0 delivered it, once",
		   VEC_TPR_LOW, VEC_TPR_HIGH);
}

void guest_main(void)
{
	uint32_t vp = this_vp();

	if (vp != 0) {
		if (vp < MAX_VPS) {
			id_apic[vp] = apic_id();
			id_cpuid[vp] = cpuid(1, 0).ebx >> 24;
			__atomic_fetch_or(&ap_ready, 1u << vp, __ATOMIC_SEQ_CST);
			ap_loop(vp);
		}
		return;
	}

	nr = guest_nr_cpus();
	if (nr < 2)
		GUEST_SKIP("apic_ipi needs at least 2 VPs (-c 2), has %u", nr);
	if (nr > MAX_VPS)
		GUEST_SKIP("apic_ipi handles at most %u VPs, has %u", MAX_VPS, nr);
	if (!time_ref_available())
		GUEST_SKIP("no TIME_REF_COUNT to bound the waits");

	guest_install_handler(VEC_SYNC, sync_handler);
	for (int v = VEC_FIXED; v <= VEC_LOGICAL; v++)
		guest_install_handler((uint8_t)v, count_handler);
	clear_counts();
	id_apic[0] = apic_id();
	id_cpuid[0] = cpuid(1, 0).ebx >> 24;
	WAIT_UNTIL_MS(__atomic_load_n(&ap_ready, __ATOMIC_ACQUIRE) == (all_mask() & ~1u), WAIT_MS);

	apic_write(APIC_ESR, 0);
	case_ids();
	case_fixed();
	case_self();
	case_allbut();
	case_all();
	case_logical();
	case_nmi();
	case_nesting();
	case_tpr();
	apic_write(APIC_ESR, 0);
	GUEST_ASSERT_EQ(apic_read(APIC_ESR), 0);
	GUEST_PASS("apic_ipi: all IPI checks on %u VPs", nr);
	guest_done();
}
