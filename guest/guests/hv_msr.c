// SPDX-License-Identifier: MIT
/*
 * hv_msr: synthetic MSR semantics (hyperv.md section 4, rule 8.5), on every
 * VP (run with -c 2: the per-VP registers are checked on each VP, the
 * partition-wide ones on VP 0):
 *   reset values (SCONTROL 0, SIEFP/SIMP 0, SINTx 0x10000), SVERSION = 1
 *   read-only, VP_INDEX = this VP read-only, EOM reads 0, unmasked SINT
 *   vector < 16 -> #GP (masked is fine), reserved bits -> #GP for SCONTROL,
 *   SIEFP, SIMP, SINTx and HYPERCALL (value unchanged), SIEF and SIM zeroed
 *   on enable, HYPERCALL enable without effect while GUEST_OS_ID is 0 and
 *   cleared when GUEST_OS_ID goes back to 0, TIME_REF_COUNT monotonic,
 *   advancing and read-only.
 */
#include "guest.h"
#include "hyperv.h"

static uint8_t sief_pages[8][HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t simp_pages[8][HV_PAGE_SIZE] __attribute__((aligned(4096)));
static volatile uint32_t vps_done;

#define VPF(fmt, ...) "vp %u: " fmt, this_vp(), ##__VA_ARGS__
/* GUEST_ASSERT_MSG puts the expression first: this one names the VP. */
#define CHECK(cond, fmt, ...)                                                \
	do {                                                                 \
		if (!(cond))                                                 \
			GUEST_FAIL("vp %u: " fmt " (%s)", this_vp(),         \
				   ##__VA_ARGS__, #cond);                    \
	} while (0)

static void expect_gp_write(uint32_t msr, uint64_t val, const char *what)
{
	/* TIME_REF_COUNT moves by itself: only "not written" can be checked. */
	bool moving = msr == HV_MSR_TIME_REF_COUNT;
	uint64_t before = 0, after = 0;
	int rb = rdmsr_safe(msr, &before);
	int v = wrmsr_safe(msr, val);

	CHECK(v == GP_VECTOR, "%s: wrmsr 0x%x <- 0x%llx took vector %d, want #GP",
	      what, msr, (unsigned long long)val, v);
	if (rb == 0) {
		GUEST_ASSERT_EQ(rdmsr_safe(msr, &after), 0);
		CHECK(moving ? after >= before : after == before,
		      "%s: MSR 0x%x changed from 0x%llx to 0x%llx by a faulting write",
		      what, msr, (unsigned long long)before, (unsigned long long)after);
	}
}

static void check_page_zero(const uint8_t *p, const char *what)
{
	for (unsigned int i = 0; i < HV_PAGE_SIZE; i++)
		if (((const volatile uint8_t *)p)[i] != 0)
			GUEST_FAIL(VPF("%s: byte %u is 0x%02x after enable, want 0", what, i, p[i]));
}

/* Per-VP registers: run on every VP. */
static void per_vp_checks(void)
{
	uint32_t vp = this_vp();
	uint8_t *sief = sief_pages[vp], *simp = simp_pages[vp];
	uint64_t v;

	/* Reset values (rule 8.5 for SCONTROL). */
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SCONTROL), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIEFP), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIMP), 0);
	for (unsigned int x = 0; x < HV_SINT_COUNT; x++)
		CHECK(rdmsr(HV_MSR_SINT(x)) == HV_SINT_RESET, "SINT%u resets to 0x%llx, want 0x10000",
		      x, (unsigned long long)rdmsr(HV_MSR_SINT(x)));
	GUEST_PASS(VPF("reset values: SCONTROL 0, SIEFP 0, SIMP 0, SINT0-15 0x10000"));

	/* VP_INDEX: this VP, read-only. */
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_VP_INDEX), vp);
	expect_gp_write(HV_MSR_VP_INDEX, vp + 1, "VP_INDEX write");
	expect_gp_write(HV_MSR_VP_INDEX, vp, "VP_INDEX write of its own value");
	GUEST_PASS(VPF("VP_INDEX reads %u, writes #GP", vp));

	/* SVERSION: 1, read-only. */
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SVERSION), HV_SYNIC_VERSION);
	expect_gp_write(HV_MSR_SVERSION, 2, "SVERSION write");
	expect_gp_write(HV_MSR_SVERSION, 1, "SVERSION write of its own value");
	GUEST_PASS(VPF("SVERSION reads 1, writes #GP"));

	/* EOM: reads 0, a write is accepted. */
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_EOM), 0);
	GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_EOM, 0), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_EOM), 0);
	GUEST_PASS(VPF("EOM reads 0, accepts a write"));

	/* SINT: vector < 16 unmasked -> #GP; masked is fine. */
	for (unsigned int vec = 0; vec < 16; vec += 5) {
		expect_gp_write(HV_MSR_SINT(4), vec, "unmasked SINT vector < 16");
		expect_gp_write(HV_MSR_SINT(4), vec | HV_SINT_AUTO_EOI, "unmasked AutoEOI SINT vector < 16");
	}
	expect_gp_write(HV_MSR_SINT(4), 15, "unmasked SINT vector 15");
	GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_SINT(4), 15 | HV_SINT_MASKED), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SINT(4)), 15 | HV_SINT_MASKED);
	GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_SINT(4), 16), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SINT(4)), 16);
	GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_SINT(4), 0xFE | HV_SINT_AUTO_EOI | HV_SINT_POLLING), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SINT(4)), 0xFE | HV_SINT_AUTO_EOI | HV_SINT_POLLING);
	GUEST_PASS(VPF("SINT: unmasked vector < 16 #GP; masked vector 15, vector 16 and 0xfe accepted"));

	/* Reserved bits -> #GP, value unchanged. */
	expect_gp_write(HV_MSR_SINT(4), HV_SINT_MASKED | 1ull << 8, "SINT bit 8");
	expect_gp_write(HV_MSR_SINT(4), HV_SINT_MASKED | 1ull << 15, "SINT bit 15");
	expect_gp_write(HV_MSR_SINT(4), HV_SINT_MASKED | 1ull << 19, "SINT bit 19");
	expect_gp_write(HV_MSR_SINT(4), HV_SINT_MASKED | 1ull << 63, "SINT bit 63");
	wrmsr(HV_MSR_SINT(4), HV_SINT_RESET);
	expect_gp_write(HV_MSR_SCONTROL, 1ull << 1, "SCONTROL bit 1");
	expect_gp_write(HV_MSR_SCONTROL, 1 | 1ull << 63, "SCONTROL bit 63");
	expect_gp_write(HV_MSR_SIEFP, (uint64_t)(uintptr_t)sief | 1 | 1ull << 1, "SIEFP bit 1");
	expect_gp_write(HV_MSR_SIEFP, (uint64_t)(uintptr_t)sief | 1 | 1ull << 11, "SIEFP bit 11");
	expect_gp_write(HV_MSR_SIMP, (uint64_t)(uintptr_t)simp | 1 | 1ull << 1, "SIMP bit 1");
	expect_gp_write(HV_MSR_SIMP, (uint64_t)(uintptr_t)simp | 1 | 1ull << 11, "SIMP bit 11");
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SCONTROL), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIEFP), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIMP), 0);
	GUEST_PASS(VPF("reserved bits of SINT, SCONTROL, SIEFP, SIMP: #GP, value unchanged"));

	/* SIEF and SIM zeroed on enable. */
	memset(sief, 0xAA, HV_PAGE_SIZE);
	memset(simp, 0xAA, HV_PAGE_SIZE);
	wrmsr(HV_MSR_SIEFP, (uint64_t)(uintptr_t)sief | HV_PAGE_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIEFP), (uint64_t)(uintptr_t)sief | HV_PAGE_ENABLE);
	check_page_zero(sief, "SIEF page");
	GUEST_PASS(VPF("SIEF page (pre-filled 0xAA) zeroed on enable"));
	wrmsr(HV_MSR_SIMP, (uint64_t)(uintptr_t)simp | HV_PAGE_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIMP), (uint64_t)(uintptr_t)simp | HV_PAGE_ENABLE);
	check_page_zero(simp, "SIM page");
	GUEST_PASS(VPF("SIM page (pre-filled 0xAA) zeroed on enable"));
	/* A GPFN with the enable bit clear is kept, and does not zero the page. */
	wrmsr(HV_MSR_SIEFP, 0);
	memset(sief, 0x55, HV_PAGE_SIZE);
	wrmsr(HV_MSR_SIEFP, (uint64_t)(uintptr_t)sief);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIEFP), (uint64_t)(uintptr_t)sief);
	GUEST_ASSERT_EQ(sief[0], 0x55);
	GUEST_ASSERT_EQ(sief[HV_PAGE_SIZE - 1], 0x55);
	GUEST_PASS(VPF("SIEFP with enable clear: GPFN kept, page not touched"));

	wrmsr(HV_MSR_SCONTROL, HV_SCONTROL_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SCONTROL), HV_SCONTROL_ENABLE);
	wrmsr(HV_MSR_SCONTROL, 0);
	wrmsr(HV_MSR_SIEFP, 0);
	wrmsr(HV_MSR_SIMP, 0);
	v = rdmsr(HV_MSR_SIEFP) | rdmsr(HV_MSR_SIMP) | rdmsr(HV_MSR_SCONTROL);
	GUEST_ASSERT_EQ(v, 0);
	GUEST_PASS(VPF("SCONTROL enable bit reads back; SynIC disabled again"));
}

static void time_ref_count_checks(void)
{
	uint64_t a, b, c;
	unsigned long i;

	GUEST_ASSERT_EQ(rdmsr_safe(HV_MSR_TIME_REF_COUNT, &a), 0);
	b = a;
	for (i = 0; i < 1000000ul && b == a; i++) {
		cpu_relax();
		b = rdmsr(HV_MSR_TIME_REF_COUNT);
		GUEST_ASSERT_MSG(b >= a, "TIME_REF_COUNT went back from %llu to %llu",
				 (unsigned long long)a, (unsigned long long)b);
	}
	GUEST_ASSERT_MSG(b > a, "TIME_REF_COUNT stuck at %llu", (unsigned long long)a);
	for (i = 0; i < 1000; i++) {
		c = rdmsr(HV_MSR_TIME_REF_COUNT);
		GUEST_ASSERT_MSG(c >= b, "TIME_REF_COUNT went back from %llu to %llu",
				 (unsigned long long)b, (unsigned long long)c);
		b = c;
	}
	printf("hv_msr: TIME_REF_COUNT %llu -> %llu (100 ns units)\n",
	       (unsigned long long)a, (unsigned long long)c);
	GUEST_PASS("TIME_REF_COUNT advances and never goes back");
	expect_gp_write(HV_MSR_TIME_REF_COUNT, 0, "TIME_REF_COUNT write");
	GUEST_PASS("TIME_REF_COUNT is read-only (#GP)");
}

static void hypercall_msr_checks(void)
{
	uint64_t gpa = (uint64_t)(uintptr_t)hv_hypercall_pg;
	bool untouched = true;

	GUEST_ASSERT_EQ(rdmsr(HV_MSR_GUEST_OS_ID), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_HYPERCALL), 0);
	GUEST_PASS("GUEST_OS_ID and HYPERCALL reset to 0");

	/* Reserved bits 11:2: #GP. */
	expect_gp_write(HV_MSR_HYPERCALL, gpa | 1ull << 2, "HYPERCALL bit 2");
	expect_gp_write(HV_MSR_HYPERCALL, gpa | 1ull << 11, "HYPERCALL bit 11");
	GUEST_PASS("HYPERCALL reserved bits 11:2: #GP");

	/* GUEST_OS_ID 0: enable has no effect, the page is not written. */
	memset(hv_hypercall_pg, 0xAA, HV_PAGE_SIZE);
	GUEST_ASSERT_EQ(wrmsr_safe(HV_MSR_HYPERCALL, gpa | HV_HYPERCALL_ENABLE), 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_HYPERCALL) & HV_HYPERCALL_ENABLE, 0);
	for (unsigned int i = 0; i < HV_PAGE_SIZE; i++)
		if (((volatile uint8_t *)hv_hypercall_pg)[i] != 0xAA)
			untouched = false;
	GUEST_ASSERT_MSG(untouched, "the hypercall page was written while GUEST_OS_ID is 0");
	GUEST_PASS("GUEST_OS_ID 0: HYPERCALL enable has no effect, page untouched");

	wrmsr(HV_MSR_GUEST_OS_ID, HV_GUEST_OS_ID_SYNVMM);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_GUEST_OS_ID), HV_GUEST_OS_ID_SYNVMM);
	wrmsr(HV_MSR_HYPERCALL, gpa | HV_HYPERCALL_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_HYPERCALL) & ~HV_HYPERCALL_LOCKED, gpa | HV_HYPERCALL_ENABLE);
	untouched = true;
	for (unsigned int i = 0; i < HV_PAGE_SIZE; i++)
		if (((volatile uint8_t *)hv_hypercall_pg)[i] != 0xAA)
			untouched = false;
	GUEST_ASSERT_MSG(!untouched, "HYPERCALL enabled but the page still holds the 0xAA fill");
	/* It works: an unknown connection needs the whole path. */
	HV_ASSERT_STATUS(hv_signal_event_fast(0x123456, 0), HV_STATUS_INVALID_CONNECTION_ID);
	GUEST_PASS("GUEST_OS_ID set: HYPERCALL enable takes effect, the page answers");

	wrmsr(HV_MSR_GUEST_OS_ID, 0);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_HYPERCALL) & HV_HYPERCALL_ENABLE, 0);
	GUEST_PASS("GUEST_OS_ID back to 0 disables the hypercall page");
	hv_enable_hypercall_page();
}

void guest_main(void)
{
	uint32_t n = guest_nr_cpus();

	if (this_vp() >= sizeof(sief_pages) / sizeof(sief_pages[0]))
		return;
	if (this_vp() != 0) {
		/* VP 0 detects (and may SKIP, ending the run) first. */
		for (unsigned long i = 0; !__atomic_load_n(&vps_done, __ATOMIC_ACQUIRE); i++) {
			if (i > 10000000ul)
				GUEST_FAIL("vp %u: VP 0 never started", this_vp());
			cpu_relax();
		}
		per_vp_checks();
		__atomic_fetch_add(&vps_done, 1, __ATOMIC_SEQ_CST);
		return;
	}
	(void)hv_detect();
	printf("hv_msr on %u VP(s)\n", n);
	hypercall_msr_checks();
	per_vp_checks();
	time_ref_count_checks();
	__atomic_fetch_add(&vps_done, 1, __ATOMIC_SEQ_CST);
	if (n > 8)
		n = 8;
	for (unsigned long i = 0; __atomic_load_n(&vps_done, __ATOMIC_ACQUIRE) < n; i++) {
		if (i > 10000000ul)
			GUEST_FAIL("only %u of %u VPs finished", vps_done, n);
		cpu_relax();
	}
	GUEST_PASS("hv_msr: %u VP(s) checked", n);
	guest_done();
}
