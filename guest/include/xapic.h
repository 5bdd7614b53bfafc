/* SPDX-License-Identifier: MIT */
/*
 * More of the xAPIC for the apic_* guests: the registers apic.h leaves out
 * (LDR, DFR, ESR, the timer), ICR fields, and the Hyper-V reference clock
 * (TIME_REF_COUNT, 100 ns units) that bounds their waits.
 */
#ifndef SYNVMM_GUEST_XAPIC_H
#define SYNVMM_GUEST_XAPIC_H

#include "apic.h"
#include "guest.h"

#define APIC_LDR         0xD0
#define APIC_DFR         0xE0
#define APIC_ESR         0x280
#define APIC_LVT_TIMER   0x320
#define APIC_TIMER_ICR   0x380 /* initial count */
#define APIC_TIMER_CCR   0x390 /* current count */
#define APIC_TIMER_DCR   0x3E0 /* divide configuration */

#define APIC_LVT_MASKED          (1u << 16)
#define APIC_TIMER_ONESHOT       (0u << 17)
#define APIC_TIMER_PERIODIC      (1u << 17)
#define APIC_TIMER_TSC_DEADLINE  (2u << 17)

/* ICR low: delivery mode, destination mode, level, shorthand. */
#define APIC_DM_FIXED    (0u << 8)
#define APIC_DM_NMI      (4u << 8)
#define APIC_DM_INIT     (5u << 8)
#define APIC_DM_STARTUP  (6u << 8)
#define APIC_DEST_LOGICAL (1u << 11)
#define APIC_ICR_ASSERT  (1u << 14)
#define APIC_SH_SELF     (1u << 18)
#define APIC_SH_ALL      (2u << 18)
#define APIC_SH_ALL_BUT_SELF (3u << 18)

#define MSR_IA32_TSC_DEADLINE 0x6E0u
#define MSR_HV_TIME_REF_COUNT 0x40000020u
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* One IPI: destination field (ICR high 31:24) then the low word. */
static inline void apic_icr(uint8_t dest, uint32_t lo)
{
	apic_write(APIC_ICR_HI, (uint32_t)dest << 24);
	apic_write(APIC_ICR_LO, lo);
}

/* Priority class of a vector, PPR, TPR. */
static inline uint32_t apic_ppr(void) { return apic_read(APIC_PPR); }
static inline void apic_set_tpr(uint32_t tpr) { apic_write(APIC_TPR, tpr); }

/* The reference clock in 100 ns units (the VMM's CLOCK_MONOTONIC). */
static inline uint64_t time_ref(void) { return rdmsr(MSR_HV_TIME_REF_COUNT); }
static inline bool time_ref_available(void)
{
	struct cpuid_regs r = cpuid(0x40000000, 0);

	if (r.ebx != 0x7263694d || r.ecx != 0x666f736f || r.edx != 0x76482074 ||
	    r.eax < 0x40000003)
		return false; /* not "Microsoft Hv" */
	return cpuid(0x40000003, 0).eax & 2; /* AccessPartitionReferenceCounter */
}

/*
 * sti, spin (PAUSE) until *counter >= target or `us` microseconds of
 * TIME_REF_COUNT passed, cli. Returns whether the target was reached. With
 * counter NULL it just keeps interrupts open for `us`.
 */
static inline bool irq_window_us(volatile uint32_t *counter, uint32_t target, uint64_t us)
{
	uint64_t end = time_ref() + us * 10;
	bool ok = false;

	sti();
	for (;;) {
		if (counter && *counter >= target) {
			ok = true;
			break;
		}
		if (time_ref() >= end)
			break;
		for (int i = 0; i < 16; i++)
			cpu_relax();
	}
	cli();
	return ok || (counter && *counter >= target);
}

#endif
