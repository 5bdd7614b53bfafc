// SPDX-License-Identifier: MIT
/*
 * The multiboot test guest: proves a QEMU-shaped boot from the guest's side
 * with nothing but what kvm-unit-tests uses: the multiboot entry, its own
 * page tables, the xAPIC, fw_cfg, COM1 and isa-debug-exit (port 0xf4).
 *
 * Checks, each with its own exit code (the VMM's status is code*2+1):
 *   2 EAX is not 0x2BADB002         3 info flags lack MEMORY/CMDLINE/MMAP
 *   4 mem_lower is not 640          5 the command line lacks "cpus=N"
 *   6 fw_cfg signature is not QEMU  7 fw_cfg ID lacks the traditional bit
 *   8 NB_CPUS differs from cpus=N   9 MAX_CPUS < NB_CPUS
 *  10 RAM_SIZE != mem_upper KiB + 1 MiB
 *  11 the secondary CPUs did not all start (INIT/SIPI, all-but-self)
 * With hv=1 on the command line (and -device hyperv-testdev), the SynIC
 * through QEMU's hyperv-testdev, as kvm-unit-tests' hyperv_connections
 * uses it, with polling SINTs (this guest has no IDT):
 *  12 CPUID 0x40000000 is not "Microsoft Hv"
 *  13 SignalEvent on the device's event connection is not SUCCESS
 *  14 ... or its flag is not in the SIEF slot
 *  15 PostMessage on the device's message connection is not SUCCESS
 *  16 ... or the message did not come back into the SIM slot
 *  17 SignalEvent after EVT_CONN_DESTROY is not INVALID_CONNECTION_ID
 * With hv32=1: the three 32-bit-convention calls entry.S made before long
 * mode (hv32_probe) got the statuses it expects:
 *  18 they did not run (no Hyper-V CPUID)   19 a status is wrong
 *  20 a register other than EDX:EAX changed
 * With hvreal=1 (-smp 2): the second CPU, restarted by INIT/SIPI into a
 * real-mode stub (entry.S), calls the hypercall page:
 *  21 it did not take #UD (the call returned, or nothing happened)
 * then exits with 0, or with code=N from the command line.
 */
#include <stdint.h>

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4
#define FW_CFG_SEL 0x510
#define FW_CFG_DATA 0x511
#define APIC 0xfee00000ul
#define APIC_SVR 0xf0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define ICR_ALL_BUT_SELF 0xc0000u
#define ICR_INIT_ASSERT 0x4500u
#define ICR_STARTUP 0x4600u /* vector 0: the stub at physical 0 */
#define ICR_BUSY 0x1000u

struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};

extern volatile uint32_t mb_ap_mask;
void mb_install_trampoline(void);
void mb_main(uint32_t magic, uint32_t info);

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static void puts_(const char *s)
{
	while (*s)
		outb(COM1, (uint8_t)*s++);
}

static void put_hex(uint64_t v)
{
	char buf[19] = "0x";
	int n = 2;

	for (int shift = 60; shift >= 0; shift -= 4)
		if ((v >> shift) || shift == 0 || n > 2)
			buf[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
	buf[n] = '\0';
	puts_(buf);
}

static void say(const char *what, uint64_t v)
{
	puts_("mb: ");
	puts_(what);
	puts_(" = ");
	put_hex(v);
	puts_("\n");
}

static __attribute__((noreturn)) void debug_exit(uint32_t code)
{
	outl(DEBUG_EXIT_PORT, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void check(int ok, uint32_t code, const char *what)
{
	if (ok)
		return;
	puts_("mb: FAIL: ");
	puts_(what);
	puts_("\n");
	debug_exit(code);
}

static uint64_t fw_cfg_read(uint16_t key, int bytes)
{
	uint64_t v = 0;

	outw(FW_CFG_SEL, key);
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)inb(FW_CFG_DATA) << (8 * i);
	return v;
}

/* The value of " key=" in the command line as a number (decimal or 0x),
 * or -1 when absent. */
static int64_t cmdline_number(const char *cmd, const char *key)
{
	for (const char *p = cmd; *p; p++) {
		const char *k = key, *q = p;

		if (p != cmd && p[-1] != ' ')
			continue;
		while (*k && *q == *k)
			k++, q++;
		if (*k || *q != '=')
			continue;
		q++;
		int base = (q[0] == '0' && q[1] == 'x') ? 16 : 10;
		int64_t v = 0;

		q += base == 16 ? 2 : 0;
		for (; *q && *q != ' '; q++) {
			int d = *q >= '0' && *q <= '9' ? *q - '0' : *q >= 'a' && *q <= 'f' ? *q - 'a' + 10 : 99;

			if (d >= base)
				return -1;
			v = v * base + d;
		}
		return v;
	}
	return -1;
}

static volatile uint32_t *apic_reg(uint32_t off)
{
	return (volatile uint32_t *)(APIC + off);
}

static void apic_ipi(uint32_t icr)
{
	*apic_reg(APIC_ICR_HI) = 0;
	*apic_reg(APIC_ICR_LO) = icr;
	for (int i = 0; i < 1000 && (*apic_reg(APIC_ICR_LO) & ICR_BUSY); i++)
		__asm__ volatile("pause");
}

/* INIT then STARTUP to every other CPU, as kvm-unit-tests' smp_init(), and
 * a bounded wait for each to set its bit. */
static void start_secondaries(uint32_t nb_cpus)
{
	uint32_t want = (uint32_t)((1ull << nb_cpus) - 2);

	mb_install_trampoline();
	*apic_reg(APIC_SVR) = 0x1ff; /* software-enable the xAPIC */
	apic_ipi(ICR_ALL_BUT_SELF | ICR_INIT_ASSERT);
	apic_ipi(ICR_ALL_BUT_SELF | ICR_STARTUP);
	for (uint32_t i = 0; i < 20000000 && mb_ap_mask != want; i++)
		__asm__ volatile("pause");
	say("secondary CPUs started (APIC ID mask)", mb_ap_mask);
	check(mb_ap_mask == want, 11, "the secondary CPUs did not all start after INIT + SIPI");
}

/* ---- the 32-bit hypercall convention (entry.S, hv32=1) ---- */
extern volatile uint32_t hv32_ran, hv32_regs_ok, hv32_result[6];

static void hv32_checks(void)
{
	static const uint32_t want[3] = { 0x18, 0x5, 0x12 };

	check(hv32_ran == 1, 18, "the 32-bit hypercalls did not run (no Hyper-V CPUID)");
	for (int i = 0; i < 3; i++) {
		say("32-bit SignalEvent: EAX", hv32_result[2 * i]);
		check(hv32_result[2 * i] == want[i] && hv32_result[2 * i + 1] == 0, 19,
		      "a 32-bit SignalEvent's EDX:EAX is not the status expected");
	}
	check(hv32_regs_ok == 1, 20, "a 32-bit hypercall changed a register other than EDX:EAX");
	puts_("mb: 32-bit hypercall convention ok\n");
}

/* ---- the SynIC through hyperv-testdev (hv=1) ---- */
#define HV_TESTDEV_PORT 0x3000
#define TD_MSG_CONN_CREATE 4
#define TD_EVT_CONN_CREATE 6
#define TD_EVT_CONN_DESTROY 7
#define HV_SINT 2
#define EVT_CONN 0x11
#define MSG_CONN 0x12
#define MSG_TYPE 0x4d42u

static uint8_t hv_page[4096] __attribute__((aligned(4096)));   /* hypercall page */
static uint8_t hv_sief[4096] __attribute__((aligned(4096)));
static uint8_t hv_sim[4096] __attribute__((aligned(4096)));
static uint8_t hv_input[4096] __attribute__((aligned(4096)));
static void *hv_page_ptr = hv_page;

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

/* x64 convention through the page: RCX control, RDX input, R8 output. */
static uint64_t hypercall(uint64_t control, uint64_t input)
{
	register uint64_t r8 __asm__("r8") = 0;
	uint64_t result;

	__asm__ volatile("call *%[page]"
			 : "=a"(result), "+c"(control), "+d"(input), "+r"(r8)
			 : [page] "m"(hv_page_ptr)
			 : "memory", "cc");
	return result;
}

static void synic_ctl(uint32_t cmd, uint32_t vp, uint32_t sint, uint32_t conn)
{
	outl(HV_TESTDEV_PORT, conn << 24 | cmd << 16 | vp << 8 | sint);
}

static void hv_checks(void)
{
	uint32_t r[4];
	uint64_t st;
	volatile uint8_t *slot = hv_sim + 256 * HV_SINT;

	cpuid(0x40000000, r);
	check(r[1] == 0x7263694d && r[2] == 0x666f736f && r[3] == 0x76482074, 12,
	      "CPUID 0x40000000 is not Microsoft Hv");
	wrmsr(0x40000000, 0x1000000000000ull);                  /* GUEST_OS_ID */
	wrmsr(0x40000001, (uintptr_t)hv_page | 1);               /* HYPERCALL */
	wrmsr(0x40000082, (uintptr_t)hv_sief | 1);               /* SIEFP */
	wrmsr(0x40000083, (uintptr_t)hv_sim | 1);                /* SIMP */
	wrmsr(0x40000080, 1);                                    /* SCONTROL */
	wrmsr(0x40000090 + HV_SINT, 0x52 | 1ull << 18);          /* polling */

	synic_ctl(TD_EVT_CONN_CREATE, 0, HV_SINT, EVT_CONN);
	st = hypercall(0x5d | 1u << 16, EVT_CONN);               /* fast, flag 0 */
	say("SignalEvent through hyperv-testdev: status", st);
	check(st == 0, 13, "SignalEvent on the device's connection failed");
	check(hv_sief[256 * HV_SINT + EVT_CONN / 8] == 1u << (EVT_CONN % 8), 14,
	      "the event flag is not in the SIEF slot");

	synic_ctl(TD_MSG_CONN_CREATE, 0, HV_SINT, MSG_CONN);
	((volatile uint32_t *)hv_input)[0] = MSG_CONN;
	((volatile uint32_t *)hv_input)[1] = 0;
	((volatile uint32_t *)hv_input)[2] = MSG_TYPE;
	((volatile uint32_t *)hv_input)[3] = 8;
	((volatile uint64_t *)hv_input)[2] = 0x1122334455667788ull;
	st = hypercall(0x5c, (uintptr_t)hv_input);
	say("PostMessage through hyperv-testdev: status", st);
	check(st == 0, 15, "PostMessage on the device's connection failed");
	check(*(volatile uint32_t *)slot == MSG_TYPE && slot[4] == 8 &&
	      *(volatile uint64_t *)(slot + 16) == 0x1122334455667788ull, 16,
	      "the message did not come back into the SIM slot");

	synic_ctl(TD_EVT_CONN_DESTROY, 0, 0, EVT_CONN);
	st = hypercall(0x5d | 1u << 16, EVT_CONN);
	check(st == 0x12, 17, "SignalEvent after EVT_CONN_DESTROY is not INVALID_CONNECTION_ID");
	puts_("mb: SynIC through hyperv-testdev ok\n");
}

/* ---- a hypercall from real mode (hvreal=1) ---- */
void mb_install_realmode_stub(void);
#define ICR_STARTUP_1 0x4601u /* vector 1: the stub at 0x1000 */

static void hvreal_checks(void)
{
	volatile uint8_t *marker = (volatile uint8_t *)(uintptr_t)0x1ffc;

	wrmsr(0x40000000, 0x1000000000000ull);           /* GUEST_OS_ID */
	wrmsr(0x40000001, 0x2000 | 1);                   /* HYPERCALL at 0x2000 */
	mb_install_realmode_stub();
	*marker = 0;
	apic_ipi(ICR_ALL_BUT_SELF | ICR_INIT_ASSERT);    /* back to wait-for-SIPI */
	apic_ipi(ICR_ALL_BUT_SELF | ICR_STARTUP_1);
	for (uint32_t i = 0; i < 20000000 && *marker == 0; i++)
		__asm__ volatile("pause");
	say("real-mode hypercall: marker", *marker);
	check(*marker == 0x55, 21, "a hypercall from real mode did not raise #UD");
	puts_("mb: real-mode hypercall raised #UD\n");
}

void mb_main(uint32_t magic, uint32_t info_gpa)
{
	const struct mb_info *mbi = (const struct mb_info *)(uintptr_t)info_gpa;
	const char *cmd;
	char sig[5] = { 0 };
	uint64_t ram, nb, max;
	int64_t want_cpus, code;

	say("eax", magic);
	check(magic == 0x2badb002, 2, "EAX is not the multiboot magic");
	say("info flags", mbi->flags);
	check((mbi->flags & 0x45) == 0x45, 3, "info flags lack MEMORY, CMDLINE or MMAP");
	say("mem_lower KiB", mbi->mem_lower);
	say("mem_upper KiB", mbi->mem_upper);
	check(mbi->mem_lower == 640, 4, "mem_lower is not 640");
	cmd = (const char *)(uintptr_t)mbi->cmdline;
	puts_("mb: cmdline '");
	puts_(cmd);
	puts_("'\n");
	want_cpus = cmdline_number(cmd, "cpus");
	check(want_cpus >= 1, 5, "the command line has no cpus=N");

	ram = fw_cfg_read(0x00, 4); /* the signature, byte by byte */
	for (int i = 0; i < 4; i++)
		sig[i] = (char)(ram >> (8 * i));
	puts_("mb: fw_cfg signature '");
	puts_(sig);
	puts_("'\n");
	check(sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U', 6,
	      "fw_cfg signature is not QEMU");
	check(fw_cfg_read(0x01, 4) & 1, 7, "fw_cfg ID lacks the traditional interface");
	nb = fw_cfg_read(0x05, 2);
	max = fw_cfg_read(0x0f, 2);
	ram = fw_cfg_read(0x03, 8);
	say("fw_cfg NB_CPUS", nb);
	say("fw_cfg MAX_CPUS", max);
	say("fw_cfg RAM_SIZE", ram);
	check(nb == (uint64_t)want_cpus, 8, "fw_cfg NB_CPUS is not cpus=N");
	check(max >= nb, 9, "fw_cfg MAX_CPUS < NB_CPUS");
	check(ram == (uint64_t)mbi->mem_upper * 1024 + 0x100000, 10,
	      "fw_cfg RAM_SIZE is not mem_upper KiB + 1 MiB");
	if (nb > 1 && nb <= 32)
		start_secondaries((uint32_t)nb);

	if (cmdline_number(cmd, "hv32") == 1)
		hv32_checks();
	if (cmdline_number(cmd, "hvreal") == 1 && nb > 1)
		hvreal_checks();
	if (cmdline_number(cmd, "hv") == 1)
		hv_checks();
	code = cmdline_number(cmd, "code");
	puts_("mb: all checks passed\n");
	debug_exit(code >= 0 ? (uint32_t)code : 0);
}
