// SPDX-License-Identifier: MIT
/*
 * Exercises the runtime itself: the formatter, catching expected
 * exceptions, installed handlers, per-VP data. Run with any -c: every VP
 * checks its own index and stack and reports PASS; VP 0 also runs the
 * single-VP checks, waits for all VPs, then reports DONE.
 */
#include "guest.h"

extern char guest_stacks[];
static uint32_t arrived;
static uint32_t handler_hits[256];

#define CHECK_FMT(expect, ...)                                               \
	do {                                                                 \
		char __b[128];                                               \
		int __n = snprintf(__b, sizeof(__b), __VA_ARGS__);           \
		GUEST_ASSERT_STREQ(__b, expect);                             \
		GUEST_ASSERT_EQ(__n, strlen(expect));                        \
	} while (0)

static void check_printf(void)
{
	char small[8];

	CHECK_FMT("42 -7 4294967295", "%d %i %u", 42, -7, 4294967295u);
	CHECK_FMT("ff FF 0xff 377", "%x %X %#x %o", 255u, 255u, 255u, 255u);
	CHECK_FMT("deadbeefcafe 18446744073709551615",
		  "%lx %lu", 0xdeadbeefcafeul, 18446744073709551615ul);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)(-9223372036854775807ll - 1));
	CHECK_FMT("0x00000000000000ab", "0x%016llx", 0xabull);
	CHECK_FMT("[   -5] [-5   ] [-0005]", "[%5d] [%-5d] [%05d]", -5, -5, -5);
	CHECK_FMT("[  ab] [ab  ] [00ab]", "[%4x] [%-4x] [%04x]", 0xab, 0xab, 0xab);
	CHECK_FMT("[str] [  str] [st]", "[%s] [%5s] [%.2s]", "str", "str", "str");
	CHECK_FMT("c% -", "%c%% %s", 'c', "-");
	CHECK_FMT("0x100000", "%p", (void *)0x100000);
	CHECK_FMT("-12 65535 255", "%ld %hu %hhu", -12l, 65535, 255);
	CHECK_FMT("   42", "%*d", 5, 42);
	/* Truncation: C99 return value, always NUL-terminated. */
	GUEST_ASSERT_EQ(snprintf(small, sizeof(small), "%s", "0123456789"), 10);
	GUEST_ASSERT_STREQ(small, "0123456");
	GUEST_PASS("printf formats");
}

static void count_handler(struct ex_regs *regs)
{
	handler_hits[regs->vector]++;
}

static void check_exceptions(void)
{
	extern char selftest_ud_rip[];
	volatile int caught = 0;
	uint64_t v = 0;
	int vec;

	/* The long hand: guest_catch() returns 0, then the vector. */
	vec = guest_catch();
	if (vec == 0) {
		__asm__ volatile(".globl selftest_ud_rip\nselftest_ud_rip: ud2" ::: "memory");
		guest_catch_end();
		GUEST_FAIL("ud2 did not raise #UD");
	}
	caught++;
	GUEST_ASSERT_EQ(vec, UD_VECTOR);
	GUEST_ASSERT_EQ(guest_last_exception().rip, (uintptr_t)selftest_ud_rip);
	GUEST_ASSERT_EQ(caught, 1);

	/* The macro, twice: re-arming works. */
	GUEST_EXPECT_EXCEPTION(UD_VECTOR, ud2());
	GUEST_EXPECT_EXCEPTION(UD_VECTOR, ud2());

	/* A non-canonical data address is an architectural #GP(0). */
	GUEST_EXPECT_EXCEPTION(GP_VECTOR,
			       (void)*(volatile uint64_t *)0x8000000000000000ull);
	GUEST_ASSERT_EQ(guest_last_exception().error_code, 0);

	/*
	 * So is a reserved EFER bit in WRMSR. (Not a non-canonical FS base: SVM
	 * lets the guest write FS_BASE without a VM exit, so the check is the
	 * CPU's, and an emulated CPU under the nested lab skips it.)
	 */
	GUEST_ASSERT_EQ(rdmsr_safe(MSR_EFER, &v), 0);
	GUEST_ASSERT_EQ(wrmsr_safe(MSR_EFER, v | (1ull << 63)), GP_VECTOR);
	GUEST_ASSERT_EQ(guest_last_exception().error_code, 0);
	GUEST_ASSERT_EQ(wrmsr_safe(MSR_FS_BASE, 0x12345000ull), 0);
	GUEST_ASSERT_EQ(rdmsr_safe(MSR_FS_BASE, &v), 0);
	GUEST_ASSERT_EQ(v, 0x12345000ull);
	wrmsr(MSR_FS_BASE, 0);

	/* No catch armed any more: installed handlers see their vectors. */
	guest_install_handler(BP_VECTOR, count_handler);
	guest_install_handler(0x80, count_handler);
	__asm__ volatile("int3" ::: "memory");
	__asm__ volatile("int $0x80" ::: "memory");
	__asm__ volatile("int $0x80" ::: "memory");
	GUEST_ASSERT_EQ(handler_hits[BP_VECTOR], 1);
	GUEST_ASSERT_EQ(handler_hits[0x80], 2);
	guest_install_handler(BP_VECTOR, NULL);
	guest_install_handler(0x80, NULL);
	GUEST_PASS("exceptions caught and handled");
}

static void check_cpu(void)
{
	uint64_t t0 = rdtsc(), t1;
	struct cpuid_regs r = cpuid(0, 0);
	struct desc_ptr idtr;

	t1 = rdtsc();
	GUEST_ASSERT(t1 > t0);
	GUEST_ASSERT(r.eax >= 1);
	sidt(&idtr);
	GUEST_ASSERT_EQ(idtr.limit, 256 * 16 - 1);
	GUEST_ASSERT_EQ(guest_bootinfo()->version, 1);
	GUEST_ASSERT(guest_cmdline() != NULL);
	GUEST_PASS("cpu helpers, bootinfo");
}

/* Every VP: index from GS matches RSI, and we run on our own stack. */
static void check_vp(void)
{
	uint32_t vp = this_vp();
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	uintptr_t lo = (uintptr_t)guest_stacks + (uintptr_t)vp * GUEST_STACK_SIZE;

	GUEST_ASSERT_EQ(vp, guest_entry_rsi());
	GUEST_ASSERT(vp < guest_nr_cpus());
	GUEST_ASSERT_MSG(sp > lo && sp < lo + GUEST_STACK_SIZE,
			 "vp %u frame 0x%lx outside [0x%lx, 0x%lx)", vp,
			 (unsigned long)sp, (unsigned long)lo,
			 (unsigned long)(lo + GUEST_STACK_SIZE));
	GUEST_ASSERT_EQ(rdmsr(MSR_GS_BASE), (uintptr_t)this_vp_base());
}

void guest_main(void)
{
	uint32_t n = guest_nr_cpus();

	check_vp();
	if (this_vp() != 0) {
		/* Report first: VP 0's DONE must not overtake this PASS. */
		GUEST_PASS("vp %u: index, stack and GS base", this_vp());
		__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
		return;
	}
	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	printf("selftest: %u VPs, cmdline \"%s\"\n", n, guest_cmdline());
	check_printf();
	check_exceptions();
	check_cpu();
	GUEST_WAIT_UNTIL(__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) == n);
	GUEST_PASS("vp 0: all %u VPs arrived", n);
	guest_done();
}
