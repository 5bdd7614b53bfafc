// SPDX-License-Identifier: MIT
/* Local APIC: reset, the IRR/ISR/TMR state machine and priorities, EOI,
 * NMI, the APIC base MSR. Registers are in lapic_regs.c, IPIs in
 * lapic_ipi.c, the timer in lapic_timer.c. */
#include "lapic.h"
#include "lapic_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define VEC_WORD(v) ((unsigned int)(v) >> 5)
#define VEC_BIT(v) (1u << ((unsigned int)(v) & 31))

/* Bits 0-7 and 9 are reserved; 52-63 above any MAXPHYADDR. */
#define LAPIC_BASE_RESERVED (0xffull | (1ull << 9) | (0xfffull << 52))

enum lapic_mode { MODE_DISABLED, MODE_INVALID, MODE_XAPIC, MODE_X2APIC };

static enum lapic_mode base_mode(uint64_t base)
{
	return (enum lapic_mode)(((base & LAPIC_BASE_EN) ? 2 : 0) |
				 ((base & LAPIC_BASE_EXTD) ? 1 : 0));
}

/* Highest set bit of a 256-bit owner-only bitmap, or -1. */
static int highest_vector(const uint32_t *bits)
{
	for (int i = 7; i >= 0; i--)
		if (bits[i])
			return i * 32 + 31 - __builtin_clz(bits[i]);
	return -1;
}

static int highest_irr(struct lapic *l)
{
	for (int i = 7; i >= 0; i--) {
		uint32_t w = atomic_load(&l->irr[i]);

		if (w)
			return i * 32 + 31 - __builtin_clz(w);
	}
	return -1;
}

static void clear_atomic_bitmap(_Atomic uint32_t *bits)
{
	for (int i = 0; i < 8; i++)
		atomic_store(&bits[i], 0);
}

/* SDM 11.4.7.3: INIT resets all but the APIC ID and base; LVTs masked,
 * DFR all ones, SVR 0xff (software-disabled). */
void lapic_reset_regs(struct lapic *l)
{
	clear_atomic_bitmap(l->irr);
	clear_atomic_bitmap(l->auto_eoi);
	clear_atomic_bitmap(l->level);
	atomic_store(&l->esr_pending, 0);
	atomic_store(&l->nmi_pending, false);
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	l->tpr = 0;
	l->esr = 0;
	l->icr_lo = l->icr_hi = 0;
	l->ldr = lapic_is_x2apic(l) ? lapic_x2apic_ldr(l->id) : 0;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (int i = 0; i < LAPIC_LVT_NR; i++)
		l->lvt[i] = LAPIC_LVT_MASKED;
	lapic_timer_reset(l);
}

void lapic_init_reset(struct lapic *l)
{
	lapic_reset_regs(l);
}

static void lapic_power_on(struct lapic *l)
{
	l->id = l->vp;
	l->apic_base = LAPIC_MMIO_BASE | LAPIC_BASE_EN |
		       (l->vp == 0 ? LAPIC_BASE_BSP : 0);
	memset(&l->timer, 0, sizeof(l->timer));
	lapic_reset_regs(l);
}

int lapic_bus_init(struct lapic_bus *bus, unsigned int nr_vcpus,
		   const struct lapic_ops *ops, void *ctx, uint32_t tsc_khz)
{
	if (!nr_vcpus || nr_vcpus > LAPIC_MAX_VCPUS || !ops || !ops->now_ns ||
	    !tsc_khz)
		return -EINVAL;
	memset(bus, 0, sizeof(*bus));
	bus->nr_vcpus = nr_vcpus;
	bus->ops = *ops;
	bus->ctx = ctx;
	bus->tsc_khz = tsc_khz;
	for (unsigned int vp = 0; vp < nr_vcpus; vp++) {
		bus->apics[vp].bus = bus;
		bus->apics[vp].vp = vp;
		lapic_power_on(&bus->apics[vp]);
	}
	return 0;
}

struct lapic *lapic_bus_get(struct lapic_bus *bus, unsigned int vp)
{
	return vp < bus->nr_vcpus ? &bus->apics[vp] : NULL;
}

bool lapic_set_irq(struct lapic *l, uint8_t vector, bool level, bool auto_eoi)
{
	unsigned int w = VEC_WORD(vector);
	uint32_t bit = VEC_BIT(vector);

	/* A disabled APIC drops fixed interrupts, as KVM's does. */
	if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l))
		return false;
	if (vector < 16) {
		atomic_fetch_or(&l->esr_pending, LAPIC_ESR_RECV_ILLEGAL);
		return false;
	}
	/* The flags are stored before the IRR bit: whoever sees the IRR bit
	 * sees them. A vector raised two ways at once keeps the last flags. */
	if (level)
		atomic_fetch_or(&l->level[w], bit);
	else
		atomic_fetch_and(&l->level[w], ~bit);
	if (auto_eoi)
		atomic_fetch_or(&l->auto_eoi[w], bit);
	else
		atomic_fetch_and(&l->auto_eoi[w], ~bit);
	if (atomic_fetch_or(&l->irr[w], bit) & bit)
		return false; /* already pending: its kick is on its way */
	if (lapic_ops(l)->kick)
		lapic_ops(l)->kick(lapic_ctx(l), l->vp);
	return true;
}

void lapic_set_nmi(struct lapic *l)
{
	atomic_store(&l->nmi_pending, true);
	if (lapic_ops(l)->kick)
		lapic_ops(l)->kick(lapic_ctx(l), l->vp);
}

bool lapic_take_nmi(struct lapic *l)
{
	return atomic_exchange(&l->nmi_pending, false);
}

/* SDM 11.8.3.1: PPR is TPR if TPR's class is at least the highest
 * in-service class, else that class with a zero sub-class. AutoEOI vectors
 * never enter ISR, so they never raise PPR. */
uint8_t lapic_ppr(const struct lapic *l)
{
	int isrv = highest_vector(l->isr);
	uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;

	if ((l->tpr & 0xf0) >= isr_class)
		return (uint8_t)l->tpr;
	return (uint8_t)isr_class;
}

int lapic_pending_vector(struct lapic *l)
{
	int vector;

	if (!lapic_hw_enabled(l) || !lapic_sw_enabled(l))
		return -1;
	vector = highest_irr(l);
	if (vector < 0 || ((uint32_t)vector & 0xf0) <= (lapic_ppr(l) & 0xf0u))
		return -1;
	return vector;
}

bool lapic_has_pending(struct lapic *l)
{
	return atomic_load(&l->nmi_pending) || lapic_pending_vector(l) >= 0;
}

/* The injection and the acceptance happen on this thread back to back,
 * so the vector cannot have been masked in between: the model never needs
 * to hand out the spurious vector. */
void lapic_accept(struct lapic *l, int vector)
{
	unsigned int w;
	uint32_t bit;

	if (vector < 16 || vector > 255)
		return;
	w = VEC_WORD(vector);
	bit = VEC_BIT(vector);
	if (!(atomic_fetch_and(&l->irr[w], ~bit) & bit))
		return;
	if (atomic_load(&l->auto_eoi[w]) & bit)
		return; /* implied EOI: no ISR, PPR unchanged, no EOI expected */
	l->isr[w] |= bit;
	if (atomic_load(&l->level[w]) & bit)
		l->tmr[w] |= bit;
	else
		l->tmr[w] &= ~bit;
}

/* An EOI with nothing in service retires nothing and is not reported (as
 * in KVM). A level vector would notify the IOAPIC; there is none here. */
void lapic_eoi(struct lapic *l)
{
	int vector = highest_vector(l->isr);

	if (vector < 0)
		return;
	l->isr[VEC_WORD(vector)] &= ~VEC_BIT(vector);
	l->tmr[VEC_WORD(vector)] &= ~VEC_BIT(vector);
	if (lapic_ops(l)->eoi)
		lapic_ops(l)->eoi(lapic_ctx(l), l->vp, (uint8_t)vector);
}

/* SDM 11.4.7.2: software-disabling masks every LVT; they stay masked
 * (writes cannot unmask them) until software enables the APIC again. */
void lapic_write_svr(struct lapic *l, uint32_t val)
{
	l->svr = val & (0xff | LAPIC_SVR_ENABLE | LAPIC_SVR_FOCUS_DISABLE);
	if (lapic_sw_enabled(l))
		return;
	for (int i = 0; i < LAPIC_LVT_NR; i++)
		l->lvt[i] |= LAPIC_LVT_MASKED;
}

/* SDM 11.12.5: x2APIC -> xAPIC and disabled -> x2APIC go through the other
 * state or fault; EN=0 with EXTD=1 is invalid. The BSP flag is kept as
 * reset set it; the base address is stored but the page stays at
 * LAPIC_MMIO_BASE (relocation is not modelled, as in KVM). */
int lapic_set_base(struct lapic *l, uint64_t value)
{
	uint64_t old = l->apic_base;
	enum lapic_mode from = base_mode(old), to = base_mode(value);

	if ((value & LAPIC_BASE_RESERVED) || to == MODE_INVALID ||
	    (from == MODE_X2APIC && to == MODE_XAPIC) ||
	    (from == MODE_DISABLED && to == MODE_X2APIC))
		return -EINVAL;
	l->apic_base = (value & ~LAPIC_BASE_BSP) | (old & LAPIC_BASE_BSP);
	if (from == to)
		return 0;
	if (to == MODE_DISABLED) {
		/* Re-enabled later, it comes back as from power-up. */
		l->id = l->vp;
		lapic_reset_regs(l);
	} else if (to == MODE_X2APIC) {
		l->id = l->vp; /* the x2APIC ID is the initial APIC ID */
		l->ldr = lapic_x2apic_ldr(l->id);
	}
	return 0;
}

/* Up to 4 set vectors of a 256-bit map, highest first, or "-". */
static int format_vectors(char *buf, size_t len, const uint32_t *bits)
{
	int n = 0, shown = 0;

	for (int v = 255; v >= 0 && shown < 4; v--) {
		if (!(bits[v / 32] & (1u << (v % 32))))
			continue;
		n += snprintf(buf + n, len > (size_t)n ? len - (size_t)n : 0, "%s0x%x",
			      shown ? "," : "", v);
		shown++;
	}
	if (!shown)
		n = snprintf(buf, len, "-");
	return n;
}

void lapic_format_state(struct lapic *l, char *buf, size_t len)
{
	uint32_t irr[8];
	size_t n;

	for (int i = 0; i < 8; i++)
		irr[i] = atomic_load(&l->irr[i]);
	n = (size_t)snprintf(buf, len, "IRR ");
	if (n < len)
		n += (size_t)format_vectors(buf + n, len - n, irr);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, " ISR ");
	if (n < len)
		n += (size_t)format_vectors(buf + n, len - n, l->isr);
	if (n < len)
		snprintf(buf + n, len - n, " TPR 0x%x PPR 0x%x SVR 0x%x%s", l->tpr, lapic_ppr(l),
			 atomic_load(&l->svr), atomic_load(&l->nmi_pending) ? " NMI pending" : "");
}
