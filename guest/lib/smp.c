// SPDX-License-Identifier: MIT
/*
 * Secondary-VP start-up, as on hardware: VP 0 sends each AP INIT, then
 * STARTUP (twice, as the MP specification does; a running VP ignores the
 * second) through its xAPIC, and waits until every AP checked in.
 */
#include "runtime.h"
#include "apic.h"
#include "smp.h"

#define ICR_INIT_ASSERT 0x4500u  /* INIT, physical, assert, edge */
#define ICR_STARTUP_ASSERT 0x4600u /* STARTUP, physical, assert, edge */
#define EFER_LMA (1ull << 10)

/* Hyper-V reference counter (100 ns): the runtime's only clock. */
#define MSR_TIME_REF_COUNT 0x40000020u
#define CHECKIN_TIMEOUT_100NS 100000000ull /* 10 s */
#define CHECKIN_SPIN_FALLBACK 200000000ul  /* PAUSEs, without the clock */

/* Bit n: VP n is up (runtime set up, APIC enabled, about to run guest_main). */
static uint64_t checked_in;

extern char _start[];

void guest_smp_checkin(uint32_t vp)
{
	__atomic_fetch_or(&checked_in, 1ull << vp, __ATOMIC_SEQ_CST);
}

static bool have_time_ref(void)
{
	struct cpuid_regs r = cpuid(0x40000000, 0);

	/* "Microsoft Hv", and AccessPartitionReferenceCounter (EAX bit 1) */
	if (r.ebx != 0x7263694d || r.ecx != 0x666f736f || r.edx != 0x76482074 ||
	    r.eax < 0x40000003)
		return false;
	return cpuid(0x40000003, 0).eax & 2;
}

static void send_icr(uint32_t dest, uint32_t lo)
{
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, lo);
}

static uint64_t wanted_mask(uint32_t n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

/* Bounded: by TIME_REF_COUNT when the VMM offers it, else by PAUSEs. */
static bool wait_checkins(uint64_t want)
{
	bool clock = have_time_ref();
	uint64_t start = clock ? rdmsr(MSR_TIME_REF_COUNT) : 0;

	for (unsigned long i = 0;; i++) {
		if ((__atomic_load_n(&checked_in, __ATOMIC_ACQUIRE) & want) == want)
			return true;
		if (clock && (i & 255) == 255 &&
		    rdmsr(MSR_TIME_REF_COUNT) - start > CHECKIN_TIMEOUT_100NS)
			return false;
		if (!clock && i > CHECKIN_SPIN_FALLBACK)
			return false;
		cpu_relax();
	}
}

void guest_smp_boot(const struct bootinfo *bi)
{
	struct ap_trampoline_data *d;
	uint32_t n = bi->nr_cpus;
	size_t size = (size_t)(guest_ap_trampoline_end - guest_ap_trampoline);
	uint64_t want, got;

	guest_smp_checkin(0);
	if (n <= 1)
		return;
	if (n > GUEST_MAX_VPS)
		GUEST_FAIL("bootinfo nr_cpus %u > %u", n, GUEST_MAX_VPS);
	if (read_cr3() >> 32)
		GUEST_FAIL("CR3 0x%llx above 4 GiB: the AP trampoline loads it in 32-bit mode",
			   (unsigned long long)read_cr3());

	memcpy((void *)(uintptr_t)AP_TRAMPOLINE_BASE, guest_ap_trampoline, size);
	d = (struct ap_trampoline_data *)(uintptr_t)(AP_TRAMPOLINE_BASE +
		(guest_ap_trampoline_data - guest_ap_trampoline));
	d->cr0 = (uint32_t)read_cr0();
	d->cr3 = (uint32_t)read_cr3();
	d->cr4 = (uint32_t)read_cr4();
	d->efer = (uint32_t)(rdmsr(MSR_EFER) & ~EFER_LMA);
	d->entry = (uint64_t)(uintptr_t)_start;
	d->bootinfo = (uint64_t)(uintptr_t)bi;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	for (uint32_t ap = 1; ap < n; ap++)
		send_icr(ap, ICR_INIT_ASSERT);
	for (uint32_t ap = 1; ap < n; ap++) {
		send_icr(ap, ICR_STARTUP_ASSERT | AP_TRAMPOLINE_VECTOR);
		apic_write(APIC_ICR_LO, ICR_STARTUP_ASSERT | AP_TRAMPOLINE_VECTOR);
	}

	want = wanted_mask(n);
	if (!wait_checkins(want)) {
		got = __atomic_load_n(&checked_in, __ATOMIC_ACQUIRE);
		GUEST_FAIL("AP start-up: VPs 0x%llx of %u never checked in after INIT + "
			   "SIPI vector 0x%x (trampoline at 0x%x); up: 0x%llx",
			   (unsigned long long)(want & ~got), n, AP_TRAMPOLINE_VECTOR,
			   AP_TRAMPOLINE_BASE, (unsigned long long)got);
	}
}
