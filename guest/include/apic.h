/* SPDX-License-Identifier: MIT */
/* xAPIC at 0xFEE00000 (identity-mapped) for guests that take interrupts. */
#ifndef SYNVMM_GUEST_APIC_H
#define SYNVMM_GUEST_APIC_H

#include <stdbool.h>
#include <stdint.h>

#define APIC_MMIO_BASE   0xFEE00000ull
#define APIC_ID          0x20
#define APIC_VERSION     0x30
#define APIC_TPR         0x80
#define APIC_PPR         0xA0
#define APIC_EOI         0xB0
#define APIC_SVR         0xF0
#define APIC_ISR0        0x100 /* 8 registers, 0x10 apart */
#define APIC_TMR0        0x180
#define APIC_IRR0        0x200
#define APIC_ICR_LO      0x300
#define APIC_ICR_HI      0x310

#define APIC_SVR_ENABLE  (1u << 8)
#define APIC_SPURIOUS_VECTOR 0xFF

static inline uint32_t apic_read(uint32_t reg)
{
	return *(volatile uint32_t *)(uintptr_t)(APIC_MMIO_BASE + reg);
}
static inline void apic_write(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(APIC_MMIO_BASE + reg) = v;
}

/* Software-enable this VP's APIC (SVR bit 8, spurious vector 0xFF with a
 * do-nothing handler), TPR 0. */
void apic_enable(void);
static inline void apic_eoi(void) { apic_write(APIC_EOI, 0); }
static inline uint32_t apic_id(void) { return apic_read(APIC_ID) >> 24; }
/* Whether `vector` is set in the ISR / IRR. */
bool apic_isr_test(uint8_t vector);
bool apic_irr_test(uint8_t vector);
/* Number of vectors set in ISR (all 256). */
unsigned int apic_isr_count(void);
/* Fixed IPI, physical destination. */
void apic_send_ipi(uint8_t dest_apic_id, uint8_t vector);

/*
 * Open an interrupt window: sti, up to `iters` PAUSEs (stopping early once
 * *counter >= target, when counter is not NULL), cli. Returns whether the
 * target was reached. Bounded: guests must never wait forever.
 */
bool irq_window(volatile uint32_t *counter, uint32_t target, unsigned long iters);

#endif
