/* SPDX-License-Identifier: MIT */
/* What the lapic*.c files share and nobody else needs. */
#ifndef SYNVMM_LAPIC_PRIV_H
#define SYNVMM_LAPIC_PRIV_H

#include "lapic.h"

static inline const struct lapic_ops *lapic_ops(const struct lapic *l)
{
	return &l->bus->ops;
}

static inline void *lapic_ctx(const struct lapic *l)
{
	return l->bus->ctx;
}

static inline bool lapic_is_x2apic(const struct lapic *l)
{
	const uint64_t both = LAPIC_BASE_EN | LAPIC_BASE_EXTD;

	return (l->apic_base & both) == both;
}

static inline bool lapic_hw_enabled(const struct lapic *l)
{
	return l->apic_base & LAPIC_BASE_EN;
}

static inline bool lapic_sw_enabled(const struct lapic *l)
{
	return l->svr & LAPIC_SVR_ENABLE;
}

/* x2APIC logical ID: cluster (ID / 16) in bits 31:16, one bit of 16 below. */
static inline uint32_t lapic_x2apic_ldr(uint32_t id)
{
	return ((id >> 4) << 16) | (1u << (id & 0xf));
}

void lapic_reset_regs(struct lapic *l);
void lapic_eoi(struct lapic *l);
void lapic_write_svr(struct lapic *l, uint32_t val);
int lapic_set_base(struct lapic *l, uint64_t value);

/* lapic_ipi.c: deliver the ICR; dest is bits 63:32 of the 64-bit ICR in
 * x2APIC mode, bits 31:24 of ICR high in xAPIC mode. */
void lapic_send_ipi(struct lapic *src, uint32_t icr_lo, uint32_t dest);

/* lapic_timer.c */
void lapic_timer_reset(struct lapic *l);
void lapic_timer_write_lvt(struct lapic *l, uint32_t val);
void lapic_timer_write_initial(struct lapic *l, uint32_t count);
void lapic_timer_write_dcr(struct lapic *l, uint32_t val);
uint32_t lapic_timer_current(const struct lapic *l);
uint64_t lapic_timer_read_tsc_deadline(const struct lapic *l);
void lapic_timer_write_tsc_deadline(struct lapic *l, uint64_t tsc);

#endif
