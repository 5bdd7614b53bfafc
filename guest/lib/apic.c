// SPDX-License-Identifier: MIT
/* xAPIC helpers (MMIO at 0xFEE00000). */
#include "apic.h"
#include "guest.h"

/* Spurious interrupts get no EOI (SDM 10.9). */
static void apic_spurious(struct ex_regs *regs)
{
	(void)regs;
}

void apic_enable(void)
{
	guest_install_handler(APIC_SPURIOUS_VECTOR, apic_spurious);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | APIC_SPURIOUS_VECTOR);
}

static bool reg_bit(uint32_t base, uint8_t vector)
{
	return (apic_read(base + 0x10u * (vector / 32u)) >> (vector % 32u)) & 1;
}

bool apic_isr_test(uint8_t vector)
{
	return reg_bit(APIC_ISR0, vector);
}

bool apic_irr_test(uint8_t vector)
{
	return reg_bit(APIC_IRR0, vector);
}

unsigned int apic_isr_count(void)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < 8; i++)
		for (uint32_t r = apic_read(APIC_ISR0 + 0x10u * i); r; r &= r - 1)
			n++; /* no __builtin_popcount: no libgcc here */
	return n;
}

void apic_send_ipi(uint8_t dest_apic_id, uint8_t vector)
{
	apic_write(APIC_ICR_HI, (uint32_t)dest_apic_id << 24);
	apic_write(APIC_ICR_LO, vector); /* fixed, physical, assert, edge */
	for (int i = 0; i < 100000 && (apic_read(APIC_ICR_LO) & (1u << 12)); i++)
		cpu_relax(); /* delivery status */
}

bool irq_window(volatile uint32_t *counter, uint32_t target, unsigned long iters)
{
	bool ok = false;

	sti();
	for (unsigned long i = 0; i < iters; i++) {
		if (counter && *counter >= target) {
			ok = true;
			break;
		}
		cpu_relax();
	}
	cli();
	if (counter && *counter >= target)
		ok = true;
	return ok;
}
