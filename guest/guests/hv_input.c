// SPDX-License-Identifier: MIT
/*
 * hv_input: the hypercall input checks (hyperv.md sections 1 and 8.1/8.2)
 * through the real hypercall page, fast and memory forms:
 *   control word: reserved bits, nested bit, rep count/start on a simple
 *   call, variable header size -> INVALID_HYPERCALL_INPUT; fast form of a
 *   call that may not be fast -> INVALID_HYPERCALL_INPUT; unknown call code
 *   -> INVALID_HYPERCALL_CODE;
 *   memory input GPA misaligned, crossing a page, outside guest RAM ->
 *   INVALID_ALIGNMENT; RsvdZ bytes or ConnectionId bits 31:24 ->
 *   INVALID_HYPERCALL_INPUT; the check order of rule 8.1 on pairs of errors;
 *   every register but RAX preserved; #UD when the page is called from CPL 3.
 *
 * Run with: --port 1,type=event,vp=0,sint=2,base=0,count=16
 *           --connection 5,port=1 --privileges default,create-port
 *           --append 'conn=5'
 */
#include "apic.h"
#include "guest.h"
#include "hyperv.h"

#define SINT 2
#define VECTOR 0x50
#define CONN_DEFAULT 5

static uint8_t sief[HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint32_t conn;

static void sint_handler(struct ex_regs *regs)
{
	(void)regs;
	apic_eoi();
}

/* No flag may be set by a call that failed. */
static void assert_no_flag(const char *what)
{
	unsigned int n = hv_sief_count_bits(sief, 0, HV_PAGE_SIZE);

	GUEST_ASSERT_MSG(n == 0, "%s: %u SIEF bits set after a failed call", what, n);
}

static uint64_t in_gpa(unsigned int offset)
{
	return (uint64_t)(uintptr_t)hv_input_page() + offset;
}

/* A valid SignalEvent input at `offset` in this VP's input page. */
static uint64_t put_signal_input(unsigned int offset, uint32_t c, uint16_t flag)
{
	uint8_t *p = (uint8_t *)hv_input_page() + offset;
	uint64_t v = hv_signal_fast_input(c, flag);

	memcpy(p, &v, 8);
	return (uint64_t)(uintptr_t)p;
}

static void expect(uint64_t control, uint64_t input, uint64_t want, const char *what)
{
	uint64_t r = hv_hypercall(control, input, 0);

	if (r != want)
		guest_report_terminal(TESTDEV_ASSERT, __FILE__, __LINE__, r, want, 0,
				      "%s (control 0x%llx, input 0x%llx): got %s (0x%llx), want %s",
				      what, (unsigned long long)control,
				      (unsigned long long)input, hv_status_name(r),
				      (unsigned long long)r, hv_status_name(want));
	assert_no_flag(what);
}

/* Both forms with the same control-word change; one PASS line. */
static void expect_control(uint64_t extra, uint64_t want, const char *what)
{
	uint64_t code = HVCALL_SIGNAL_EVENT;

	expect(code | HV_HC_FAST | extra, hv_signal_fast_input(conn, 0), want, what);
	expect(code | extra, put_signal_input(0, conn, 0), want, what);
	GUEST_PASS("%s (fast and memory): %s", what, hv_status_name(want));
}

static void success_both(const char *what)
{
	HV_ASSERT_STATUS(hv_signal_event_fast(conn, 1), HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	HV_ASSERT_STATUS(hv_signal_event_mem(conn, 1), HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	assert_no_flag(what);
	GUEST_PASS("%s: SUCCESS (fast and memory)", what);
}

static void test_control_word(void)
{
	static const unsigned int rsvd[] = { 27, 28, 29, 30, 44, 45, 46, 47, 60, 61, 62, 63 };
	char what[64];

	for (unsigned int i = 0; i < sizeof(rsvd) / sizeof(rsvd[0]); i++) {
		snprintf(what, sizeof(what), "reserved control bit %u", rsvd[i]);
		expect_control(1ull << rsvd[i], HV_STATUS_INVALID_HYPERCALL_INPUT, what);
	}
	expect_control(HV_HC_NESTED, HV_STATUS_INVALID_HYPERCALL_INPUT, "nested bit 31 (not a nested hypervisor)");
	expect_control(1ull << HV_HC_REP_COUNT_SHIFT, HV_STATUS_INVALID_HYPERCALL_INPUT, "rep count 1 on a simple call");
	expect_control(0xFFFull << HV_HC_REP_COUNT_SHIFT, HV_STATUS_INVALID_HYPERCALL_INPUT, "rep count 4095 on a simple call");
	expect_control(1ull << HV_HC_REP_START_SHIFT, HV_STATUS_INVALID_HYPERCALL_INPUT, "rep start 1 on a simple call");
	expect_control(1ull << HV_HC_VARHDR_SHIFT, HV_STATUS_INVALID_HYPERCALL_INPUT, "variable header size 1");
	expect_control(0x3FFull << HV_HC_VARHDR_SHIFT, HV_STATUS_INVALID_HYPERCALL_INPUT, "variable header size 1023");
}

static void test_call_codes(void)
{
	static const uint16_t unknown[] = { 0x0000, HVCALL_NULL_UNKNOWN, 0x005E, 0x0FFF, 0xFFFF };
	char what[64];

	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		snprintf(what, sizeof(what), "unknown call code 0x%04x", unknown[i]);
		expect(unknown[i] | HV_HC_FAST, hv_signal_fast_input(conn, 0),
		       HV_STATUS_INVALID_HYPERCALL_CODE, what);
		expect(unknown[i], put_signal_input(0, conn, 0),
		       HV_STATUS_INVALID_HYPERCALL_CODE, what);
		GUEST_PASS("%s (fast and memory): INVALID_HYPERCALL_CODE", what);
	}
	/* HvCallCreatePort (0x95) is a memory-only call. */
	expect(HVCALL_CREATE_PORT | HV_HC_FAST, 0, HV_STATUS_INVALID_HYPERCALL_INPUT,
	       "fast HvCallCreatePort");
	GUEST_PASS("fast form of HvCallCreatePort (memory-only call): INVALID_HYPERCALL_INPUT");
}

static void test_input_gpa(void)
{
	uint64_t ram = guest_bootinfo()->ram_size;
	uint64_t code = HVCALL_SIGNAL_EVENT;
	static const unsigned int mis[] = { 1, 2, 4, 7 };
	char what[64];

	for (unsigned int i = 0; i < sizeof(mis) / sizeof(mis[0]); i++) {
		snprintf(what, sizeof(what), "input GPA 8-byte aligned + %u", mis[i]);
		expect(code, put_signal_input(mis[i], conn, 0), HV_STATUS_INVALID_ALIGNMENT, what);
		GUEST_PASS("%s: INVALID_ALIGNMENT", what);
	}

	/* The last qword of a page does not cross it. */
	HV_ASSERT_STATUS(hv_hypercall(code, put_signal_input(HV_PAGE_SIZE - 8, conn, 1), 0),
			 HV_STATUS_SUCCESS);
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	GUEST_PASS("input in the last qword of a page: SUCCESS");

	/* 16-byte HvCallDeletePort input at 4088: aligned, crosses the page. */
	expect(HVCALL_DELETE_PORT, in_gpa(HV_PAGE_SIZE - 8), HV_STATUS_INVALID_ALIGNMENT,
	       "16-byte input crossing a page");
	GUEST_PASS("16-byte input (HvCallDeletePort) at page offset 4088, crossing a page: INVALID_ALIGNMENT");
	/* At 4080 it fits: the answer is about the (absent) port, not alignment. */
	{
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)in_gpa(HV_PAGE_SIZE - 16);

		p[0] = HV_PARTITION_ID_SELF;
		p[1] = 0x777; /* no such port */
		expect(HVCALL_DELETE_PORT, in_gpa(HV_PAGE_SIZE - 16), HV_STATUS_INVALID_PORT_ID,
		       "16-byte input at 4080, unknown port");
		GUEST_PASS("16-byte input at page offset 4080 (fits): INVALID_PORT_ID for an unknown port");
	}

	/* Rule 8.1: GPA outside guest RAM is INVALID_ALIGNMENT. */
	printf("hv_input: guest RAM is 0x%llx bytes\n", (unsigned long long)ram);
	{
		const struct {
			uint64_t gpa;
			const char *what;
		} out[] = {
			{ ram, "input GPA = end of RAM" },
			{ ram + 0x100000, "input GPA 1 MiB past the end of RAM" },
			{ 0xFEE00000ull, "input GPA in the APIC page (MMIO, not RAM)" },
			{ 1ull << 45, "input GPA at 32 TiB" },
			{ 0xFFFFFFFFFFFFF000ull, "input GPA 2^64 - 4096" },
		};

		for (unsigned int i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
			expect(code, out[i].gpa, HV_STATUS_INVALID_ALIGNMENT, out[i].what);
			GUEST_PASS("%s: INVALID_ALIGNMENT", out[i].what);
		}
	}
	/* The last qword of RAM is RAM (identity-mapped below 4 GiB). */
	if (ram <= 0x100000000ull) {
		volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)(ram - 8);

		*last = hv_signal_fast_input(conn, 1);
		HV_ASSERT_STATUS(hv_hypercall(code, ram - 8, 0), HV_STATUS_SUCCESS);
		GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
		GUEST_PASS("input in the last qword of RAM: SUCCESS");
	}
}

static void test_reserved_input(void)
{
	uint64_t code = HVCALL_SIGNAL_EVENT;
	uint64_t good = hv_signal_fast_input(conn, 0);
	const struct {
		uint64_t set;
		const char *what;
	} bad[] = {
		{ 1ull << 48, "RsvdZ bit 48 (byte 6)" },
		{ 1ull << 63, "RsvdZ bit 63 (byte 7)" },
		{ 0xFFFFull << 48, "RsvdZ all ones" },
		{ 1ull << 24, "ConnectionId bit 24" },
		{ 1ull << 31, "ConnectionId bit 31" },
		{ 0xFFull << 24, "ConnectionId bits 31:24 all ones" },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = good | bad[i].set;

		expect(code | HV_HC_FAST, v, HV_STATUS_INVALID_HYPERCALL_INPUT, bad[i].what);
		memcpy(hv_input_page(), &v, 8);
		expect(code, in_gpa(0), HV_STATUS_INVALID_HYPERCALL_INPUT, bad[i].what);
		GUEST_PASS("%s (fast and memory): INVALID_HYPERCALL_INPUT", bad[i].what);
	}
}

/* Rule 8.1 on pairs of errors: the earlier check answers. */
static void test_order(void)
{
	uint64_t code = HVCALL_SIGNAL_EVENT;

	expect(0xFFFF | 1ull << 63 | 1ull << 32, put_signal_input(0, conn, 0),
	       HV_STATUS_INVALID_HYPERCALL_CODE, "unknown code + reserved control + rep count");
	GUEST_PASS("order: call code before control word");
	expect(code | 1ull << 32, in_gpa(4), HV_STATUS_INVALID_HYPERCALL_INPUT,
	       "rep count + misaligned GPA");
	expect(code | 1ull << 60, 1ull << 45, HV_STATUS_INVALID_HYPERCALL_INPUT,
	       "reserved control + GPA outside RAM");
	GUEST_PASS("order: control word before input fetch");
	put_signal_input(0, conn, 0);
	put_signal_input(8, conn, 0);
	((uint8_t *)hv_input_page())[4 + 6] = 0xFF; /* RsvdZ of an input at +4 */
	((uint8_t *)hv_input_page())[4 + 7] = 0xFF;
	expect(code, in_gpa(4), HV_STATUS_INVALID_ALIGNMENT, "misaligned GPA + RsvdZ in its bytes 6-7");
	GUEST_PASS("order: input fetch before reserved input");
	expect(code | HV_HC_FAST, hv_signal_fast_input(0x123456, 0) | 1ull << 50,
	       HV_STATUS_INVALID_HYPERCALL_INPUT, "RsvdZ + unknown connection (fast)");
	put_signal_input(0, 0x123456, 0);
	((uint8_t *)hv_input_page())[7] = 1;
	expect(code, in_gpa(0), HV_STATUS_INVALID_HYPERCALL_INPUT, "RsvdZ + unknown connection (memory)");
	expect(code | HV_HC_FAST, hv_signal_fast_input(5 | 0x01000000u, 0),
	       HV_STATUS_INVALID_HYPERCALL_INPUT, "high id bits must not alias a valid id");
	GUEST_PASS("order: reserved input before connection lookup");
}

/* ---- Register preservation ---- */
/*
 * hv_call_regs(r): loads RBX RCX RDX RSI RDI RBP R8-R15 from r[1..15]
 * (r[0] = RAX is the result slot), calls the hypercall page, stores all
 * sixteen back. Order: rax rbx rcx rdx rsi rdi rbp r8 r9 ... r15.
 */
void hv_call_regs(uint64_t *r);
__asm__(".text\n"
	".globl hv_call_regs\n"
	"hv_call_regs:\n\t"
	"push %rbp\n\tpush %rbx\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
	"push %rdi\n\t"                  /* r, found again after the call */
	"mov 8(%rdi), %rbx\n\tmov 16(%rdi), %rcx\n\tmov 24(%rdi), %rdx\n\t"
	"mov 32(%rdi), %rsi\n\tmov 48(%rdi), %rbp\n\tmov 56(%rdi), %r8\n\t"
	"mov 64(%rdi), %r9\n\tmov 72(%rdi), %r10\n\tmov 80(%rdi), %r11\n\t"
	"mov 88(%rdi), %r12\n\tmov 96(%rdi), %r13\n\tmov 104(%rdi), %r14\n\t"
	"mov 112(%rdi), %r15\n\tmov 40(%rdi), %rdi\n\t"
	"call hv_hypercall_pg\n\t"
	"xchg %rdi, (%rsp)\n\t"          /* rdi = r, the called-with RDI on the stack */
	"mov %rax, 0(%rdi)\n\tmov %rbx, 8(%rdi)\n\tmov %rcx, 16(%rdi)\n\t"
	"mov %rdx, 24(%rdi)\n\tmov %rsi, 32(%rdi)\n\tmov %rbp, 48(%rdi)\n\t"
	"mov %r8, 56(%rdi)\n\tmov %r9, 64(%rdi)\n\tmov %r10, 72(%rdi)\n\t"
	"mov %r11, 80(%rdi)\n\tmov %r12, 88(%rdi)\n\tmov %r13, 96(%rdi)\n\t"
	"mov %r14, 104(%rdi)\n\tmov %r15, 112(%rdi)\n\t"
	"pop %rax\n\tmov %rax, 40(%rdi)\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbx\n\tpop %rbp\n\t"
	"ret\n");

static const char *const reg_names[16] = {
	"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
	"r9", "r10", "r11", "r12", "r13", "r14", "r15", "-",
};

static void check_regs(uint64_t control, uint64_t input, uint64_t want, const char *what)
{
	uint64_t r[16], before[16];

	for (unsigned int i = 0; i < 15; i++)
		r[i] = 0x5A5A000000000000ull | (uint64_t)i << 40 | (0x1111ull * i);
	r[2] = control;
	r[3] = input;
	r[7] = 0xFEEDFACE00000008ull; /* R8: output GPA, unused by these calls */
	memcpy(before, r, sizeof(r));
	hv_call_regs(r);
	HV_ASSERT_STATUS(r[0], want);
	for (unsigned int i = 1; i < 15; i++)
		GUEST_ASSERT_MSG(r[i] == before[i], "%s: %s changed from 0x%llx to 0x%llx",
				 what, reg_names[i], (unsigned long long)before[i],
				 (unsigned long long)r[i]);
	GUEST_PASS("%s: every register but RAX preserved (RCX, RDX, R8 included)", what);
}

static void test_registers(void)
{
	check_regs(HVCALL_SIGNAL_EVENT | HV_HC_FAST, hv_signal_fast_input(conn, 1),
		   HV_STATUS_SUCCESS, "fast SignalEvent");
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	check_regs(HVCALL_SIGNAL_EVENT, put_signal_input(0, conn, 1),
		   HV_STATUS_SUCCESS, "memory SignalEvent");
	GUEST_ASSERT(hv_sief_test_and_clear(sief, SINT, 1));
	check_regs(0xFFFF, 0, HV_STATUS_INVALID_HYPERCALL_CODE, "unknown call code");
	assert_no_flag("register checks");
}

/* ---- CPL 3 ---- */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x20
#define SEL_UCODE64 0x28

/*
 * ring3_enter(fn, stack_top): saves the callee-saved registers and RSP in
 * ring3_kernel_rsp, then iretq to fn at CPL 3 (IF = 0). Control comes back
 * only through the exception handler below, which iretq's to ring3_resume
 * at CPL 0 with RSP = ring3_kernel_rsp and RAX = the vector.
 *
 * ring3_call_page: the CPL-3 code. Calls the hypercall page with
 * RCX = ring3_control, RDX = ring3_input; if the call returns (no #UD), it
 * stores RAX and executes ud2 at ring3_after_call.
 */
uint64_t ring3_enter(void (*fn)(void), void *stack_top);
extern char ring3_resume[], ring3_call_page[], ring3_after_call[];
uint64_t ring3_kernel_rsp, ring3_control, ring3_input, ring3_rax;
__asm__(".text\n"
	".globl ring3_enter\n"
	"ring3_enter:\n\t"
	"push %rbp\n\tpush %rbx\n\tpush %r12\n\tpush %r13\n\tpush %r14\n\tpush %r15\n\t"
	"mov %rsp, ring3_kernel_rsp(%rip)\n\t"
	"pushq $0x23\n\t"               /* SS: user data, RPL 3 */
	"pushq %rsi\n\t"                /* RSP */
	"pushq $0x2\n\t"                /* RFLAGS: IF = 0 */
	"pushq $0x2b\n\t"               /* CS: user code64, RPL 3 */
	"pushq %rdi\n\t"                /* RIP */
	"iretq\n"
	".globl ring3_resume\n"
	"ring3_resume:\n\t"
	"mov $0x10, %ecx\n\tmov %ecx, %ds\n\tmov %ecx, %es\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\tpop %rbx\n\tpop %rbp\n\t"
	"ret\n"
	".globl ring3_call_page\n"
	"ring3_call_page:\n\t"
	"mov ring3_control(%rip), %rcx\n\t"
	"mov ring3_input(%rip), %rdx\n\t"
	"xor %r8d, %r8d\n\t"
	"call hv_hypercall_pg\n"
	".globl ring3_after_call\n"
	"ring3_after_call:\n\t"
	"mov %rax, ring3_rax(%rip)\n\t"
	"ud2\n");

static uint8_t ring3_stack[4096] __attribute__((aligned(16)));
static uint8_t ring0_stack[8192] __attribute__((aligned(16)));
static volatile uint64_t r3_vector, r3_rip, r3_cs, r3_err;

static void ring3_fault(struct ex_regs *regs)
{
	r3_vector = regs->vector;
	r3_rip = regs->rip;
	r3_cs = regs->cs;
	r3_err = regs->error_code;
	if ((regs->cs & 3) != 3)
		guest_report_terminal(TESTDEV_EXCEPTION, __FILE__, __LINE__, regs->vector,
				      regs->error_code, regs->rip,
				      "vector %llu at CPL 0 while testing CPL 3",
				      (unsigned long long)regs->vector);
	regs->rip = (uint64_t)(uintptr_t)ring3_resume;
	regs->cs = SEL_KCODE;
	regs->ss = SEL_KDATA;
	regs->rsp = ring3_kernel_rsp;
	regs->rflags = 0x2;
	regs->rax = regs->vector;
}

/* Points TSS.RSP0 at ring0_stack and checks the runtime's user segments. */
static void ring3_setup(void)
{
	struct desc_ptr gdtr;
	const uint64_t *gdt;
	uint64_t lo, hi, tss, rsp0 = (uint64_t)(uintptr_t)(ring0_stack + sizeof(ring0_stack));

	sgdt(&gdtr);
	gdt = (const uint64_t *)(uintptr_t)gdtr.base;
	GUEST_ASSERT(gdtr.limit >= 0x37);
	GUEST_ASSERT_EQ((gdt[SEL_UCODE64 / 8] >> 45) & 3, 3);  /* DPL 3 */
	GUEST_ASSERT_EQ((gdt[SEL_UCODE64 / 8] >> 53) & 1, 1);  /* L */
	GUEST_ASSERT_EQ((gdt[SEL_UCODE64 / 8] >> 43) & 1, 1);  /* code */
	GUEST_ASSERT_EQ((gdt[SEL_UDATA / 8] >> 45) & 3, 3);
	lo = gdt[6];
	hi = gdt[7];
	GUEST_ASSERT_EQ((lo >> 40) & 0xF, 0xB); /* busy 64-bit TSS (loaded by ltr) */
	tss = ((lo >> 16) & 0xFFFFFF) | ((lo >> 56) & 0xFF) << 24 | (hi & 0xFFFFFFFF) << 32;
	memcpy((uint8_t *)(uintptr_t)tss + 4, &rsp0, 8); /* TSS.RSP0 */
	for (unsigned int v = 0; v < 32; v++)
		if (v != NMI_VECTOR && v != DF_VECTOR && v != MC_VECTOR)
			guest_install_handler((uint8_t)v, ring3_fault);
}

static void ring3_teardown(void)
{
	for (unsigned int v = 0; v < 32; v++)
		if (v != NMI_VECTOR && v != DF_VECTOR && v != MC_VECTOR)
			guest_install_handler((uint8_t)v, NULL);
}

static void cpl3_call(uint64_t control, uint64_t input, const char *what)
{
	uint64_t pg = (uint64_t)(uintptr_t)hv_hypercall_pg, v, gs_base, gs_after;

	ring3_control = control;
	ring3_input = input;
	ring3_rax = 0xBAD;
	r3_vector = 0xFFFF;
	printf("hv_input: CPL 3 calls the hypercall page: %s\n", what);
	gs_base = rdmsr(MSR_GS_BASE);
	v = ring3_enter((void (*)(void))(uintptr_t)ring3_call_page,
			ring3_stack + sizeof(ring3_stack));
	/*
	 * The runtime never swapgs; if IRET's null-selector handling cleared
	 * the GS base on the way to CPL 3, put it back before anything uses
	 * this_vp() (the dispatch then read GS-relative data from page 0).
	 */
	gs_after = rdmsr(MSR_GS_BASE);
	wrmsr(MSR_GS_BASE, gs_base);
	if (gs_after != gs_base)
		printf("hv_input: note: GS base was 0x%llx after the CPL 3 round trip (restored)\n",
		       (unsigned long long)gs_after);
	GUEST_ASSERT_EQ(v, r3_vector);
	GUEST_ASSERT_EQ(r3_cs & 3, 3);
	if (r3_vector == UD_VECTOR && r3_rip == (uint64_t)(uintptr_t)ring3_after_call)
		GUEST_FAIL("%s: the page returned to CPL 3 with RAX 0x%llx (%s) instead of raising #UD",
			   what, (unsigned long long)ring3_rax, hv_status_name(ring3_rax));
	GUEST_ASSERT_MSG(r3_vector == UD_VECTOR, "%s: vector %llu (error 0x%llx) at rip 0x%llx, want #UD",
			 what, (unsigned long long)r3_vector, (unsigned long long)r3_err,
			 (unsigned long long)r3_rip);
	GUEST_ASSERT_MSG(r3_rip >= pg && r3_rip < pg + HV_PAGE_SIZE,
			 "%s: #UD at rip 0x%llx, not inside the hypercall page at 0x%llx",
			 what, (unsigned long long)r3_rip, (unsigned long long)pg);
	assert_no_flag(what);
	GUEST_PASS("CPL 3 %s: #UD inside the hypercall page (rip 0x%llx), no flag set",
		   what, (unsigned long long)r3_rip);
}

static void test_cpl3(void)
{
	ring3_setup();
	cpl3_call(HVCALL_SIGNAL_EVENT | HV_HC_FAST, hv_signal_fast_input(conn, 1),
		  "fast SignalEvent, valid input");
	cpl3_call(HVCALL_SIGNAL_EVENT, put_signal_input(0, conn, 1),
		  "memory SignalEvent, valid input");
	/* Rule 8.1: #UD before the call-code check. */
	cpl3_call(0xFFFF | HV_HC_FAST, 0, "unknown call code");
	ring3_teardown();
	/* And CPL 0 still works afterwards. */
	success_both("CPL 0 after the CPL 3 calls");
}

void guest_main(void)
{
	if (this_vp() != 0)
		return;
	conn = (uint32_t)hv_cmdline_u64("conn", CONN_DEFAULT);
	(void)hv_detect();
	printf("hv_input: cmdline '%s'\n", guest_cmdline());
	hv_enable_hypercall_page();
	apic_enable();
	guest_install_handler(VECTOR, sint_handler);
	memset(sief, 0, sizeof(sief));
	hv_synic_enable(sief);
	hv_sint_set(SINT, VECTOR, false, false, false);

	success_both("baseline");
	test_control_word();
	test_call_codes();
	test_input_gpa();
	test_reserved_input();
	test_order();
	test_registers();
	if (guest_cmdline_has("no-cpl3"))
		printf("hv_input: CPL 3 test skipped (no-cpl3)\n");
	else
		test_cpl3();
	irq_window(NULL, 0, 1000);
	GUEST_PASS("hv_input: all input checks");
	guest_done();
}
