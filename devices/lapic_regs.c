// SPDX-License-Identifier: MIT
/* Local APIC registers: the 32-bit register file by xAPIC offset, the
 * xAPIC MMIO page, and the MSRs (APIC base, TSC deadline, x2APIC). */
#include "iobus.h"
#include "lapic.h"
#include "lapic_priv.h"

#include <errno.h>
#include <string.h>

/* Writable bits of each LVT, indexed by enum lapic_lvt. Delivery status
 * (bit 12) and remote IRR (bit 14) are read-only and always read idle. */
static const uint32_t lvt_writable[LAPIC_LVT_NR] = {
	[LAPIC_LVT_TIMER] = 0x000700ff,   /* vector, mask, timer mode */
	[LAPIC_LVT_THERMAL] = 0x000107ff, /* vector, delivery mode, mask */
	[LAPIC_LVT_PERF] = 0x000107ff,
	[LAPIC_LVT_LINT0] = 0x0001a7ff,   /* + polarity, trigger mode */
	[LAPIC_LVT_LINT1] = 0x0001a7ff,
	[LAPIC_LVT_ERROR] = 0x000100ff,   /* vector, mask */
	[LAPIC_LVT_CMCI] = 0x000107ff,
};

#define ICR_LO_WRITABLE 0x000ccfffu /* vector..dest mode, level, trigger, shorthand */
#define ICR_HI_WRITABLE 0xff000000u

/* LVT index of a register offset, or -1. */
static int lvt_index(uint32_t reg)
{
	if (reg == LAPIC_REG_LVT_CMCI)
		return LAPIC_LVT_CMCI;
	if (reg >= LAPIC_REG_LVT_TIMER && reg <= LAPIC_REG_LVT_ERROR)
		return (int)((reg - LAPIC_REG_LVT_TIMER) >> 4);
	return -1;
}

/* ISR, TMR or IRR word i (0..7) of a register offset; false if none. */
static bool read_vector_bitmap(struct lapic *l, uint32_t reg, uint32_t *val)
{
	unsigned int i = (reg >> 4) & 7;

	if (reg >= LAPIC_REG_ISR && reg < LAPIC_REG_TMR)
		*val = l->isr[i];
	else if (reg >= LAPIC_REG_TMR && reg < LAPIC_REG_IRR)
		*val = l->tmr[i];
	else if (reg >= LAPIC_REG_IRR && reg < LAPIC_REG_ESR)
		*val = atomic_load(&l->irr[i]);
	else
		return false;
	return true;
}

int lapic_reg_read(struct lapic *l, uint32_t reg, uint32_t *val)
{
	int lvt = lvt_index(reg);

	*val = 0;
	if (lvt >= 0) {
		*val = l->lvt[lvt];
		return 0;
	}
	if (read_vector_bitmap(l, reg, val))
		return 0;
	switch (reg) {
	case LAPIC_REG_ID: *val = lapic_is_x2apic(l) ? l->id : l->id << 24; break;
	case LAPIC_REG_VERSION: *val = LAPIC_VERSION_VALUE; break;
	case LAPIC_REG_TPR: *val = l->tpr; break;
	case LAPIC_REG_PPR: *val = lapic_ppr(l); break;
	case LAPIC_REG_LDR: *val = l->ldr; break;
	case LAPIC_REG_DFR: *val = l->dfr; break;
	case LAPIC_REG_SVR: *val = l->svr; break;
	case LAPIC_REG_ESR: *val = l->esr; break;
	case LAPIC_REG_ICR_LO: *val = l->icr_lo; break; /* delivery idle */
	case LAPIC_REG_ICR_HI: *val = l->icr_hi; break;
	case LAPIC_REG_TIMER_ICR: *val = l->timer.initial; break;
	case LAPIC_REG_TIMER_CCR: *val = lapic_timer_current(l); break;
	case LAPIC_REG_TIMER_DCR: *val = l->timer.dcr; break;
	/* Arbitration priority is P6-era; RRD is unsupported; EOI is
	 * write-only: all read 0. */
	case LAPIC_REG_APR:
	case LAPIC_REG_RRD:
	case LAPIC_REG_EOI: break;
	default: return -EINVAL;
	}
	return 0;
}

static void write_lvt(struct lapic *l, int lvt, uint32_t val)
{
	val &= lvt_writable[lvt];
	if (!lapic_sw_enabled(l))
		val |= LAPIC_LVT_MASKED;
	if (lvt == LAPIC_LVT_TIMER)
		lapic_timer_write_lvt(l, val);
	else
		l->lvt[lvt] = val;
}

static void write_icr_lo(struct lapic *l, uint32_t val)
{
	l->icr_lo = val & ICR_LO_WRITABLE;
	lapic_send_ipi(l, l->icr_lo, l->icr_hi >> 24);
}

/* Registers whose write differs between xAPIC and x2APIC mode. */
static int write_mode_specific(struct lapic *l, uint32_t reg, uint32_t val)
{
	if (lapic_is_x2apic(l))
		return -EINVAL; /* ID and LDR read-only, no DFR or ICR high */
	switch (reg) {
	case LAPIC_REG_ID: l->id = val >> 24; break;
	case LAPIC_REG_LDR: l->ldr = val & 0xff000000u; break;
	case LAPIC_REG_DFR: l->dfr = val | 0x0fffffffu; break;
	case LAPIC_REG_ICR_HI: l->icr_hi = val & ICR_HI_WRITABLE; break;
	case LAPIC_REG_ICR_LO: write_icr_lo(l, val); break;
	default: return -EINVAL;
	}
	return 0;
}

int lapic_reg_write(struct lapic *l, uint32_t reg, uint32_t val)
{
	int lvt = lvt_index(reg);

	if (lvt >= 0) {
		write_lvt(l, lvt, val);
		return 0;
	}
	switch (reg) {
	case LAPIC_REG_TPR: l->tpr = val & 0xff; break;
	case LAPIC_REG_EOI: lapic_eoi(l); break;
	case LAPIC_REG_SVR: lapic_write_svr(l, val); break;
	/* A write latches the errors seen since the previous write. */
	case LAPIC_REG_ESR: l->esr = atomic_exchange(&l->esr_pending, 0); break;
	case LAPIC_REG_TIMER_ICR: lapic_timer_write_initial(l, val); break;
	case LAPIC_REG_TIMER_DCR: lapic_timer_write_dcr(l, val); break;
	default: return write_mode_specific(l, reg, val);
	}
	return 0;
}

/* Only aligned 32-bit accesses to a register's first dword reach the
 * register file; any other access, or any access while the APIC is
 * disabled or in x2APIC mode, reads 0 and writes nothing. */
int lapic_mmio(void *dev, unsigned int vp, uint64_t offset, void *data,
	       unsigned int len, bool is_write)
{
	struct lapic *l = lapic_bus_get(dev, vp);
	uint32_t val = 0;

	if (!l)
		return -EINVAL;
	if (len != 4 || (offset & 0xf) || offset >= LAPIC_MMIO_SIZE ||
	    !lapic_hw_enabled(l) || lapic_is_x2apic(l)) {
		if (!is_write)
			memset(data, 0, len);
		return IO_CONTINUE;
	}
	if (is_write) {
		memcpy(&val, data, 4);
		(void)lapic_reg_write(l, (uint32_t)offset, val);
	} else {
		(void)lapic_reg_read(l, (uint32_t)offset, &val);
		memcpy(data, &val, 4);
	}
	return IO_CONTINUE;
}

int lapic_bus_register_mmio(struct lapic_bus *bus, struct iobus *mmio)
{
	return iobus_register(mmio, LAPIC_MMIO_BASE, LAPIC_MMIO_SIZE,
			      lapic_mmio, bus, "lapic");
}

static uint32_t x2apic_reg(uint32_t msr)
{
	return (msr - MSR_X2APIC_FIRST) << 4;
}

/* SDM table 11-6: registers with no x2APIC MSR. */
static bool x2apic_absent(uint32_t reg)
{
	return reg == LAPIC_REG_APR || reg == LAPIC_REG_RRD ||
	       reg == LAPIC_REG_DFR || reg == LAPIC_REG_ICR_HI;
}

static int x2apic_read(struct lapic *l, uint32_t msr, uint64_t *value)
{
	uint32_t reg = x2apic_reg(msr), val;
	int err;

	if (x2apic_absent(reg) || reg == LAPIC_REG_EOI ||
	    reg == LAPIC_REG_SELF_IPI)
		return -EINVAL; /* absent or write-only */
	if (reg == LAPIC_REG_ICR_LO) {
		*value = (uint64_t)l->icr_hi << 32 | l->icr_lo;
		return 0;
	}
	err = lapic_reg_read(l, reg, &val);
	*value = err ? 0 : val;
	return err;
}

static int x2apic_write(struct lapic *l, uint32_t msr, uint64_t value)
{
	uint32_t reg = x2apic_reg(msr);

	if (reg == LAPIC_REG_ICR_LO) {
		l->icr_hi = (uint32_t)(value >> 32);
		l->icr_lo = (uint32_t)value & ICR_LO_WRITABLE;
		lapic_send_ipi(l, l->icr_lo, l->icr_hi);
		return 0;
	}
	/* Reserved bits must be zero in x2APIC mode. */
	if (x2apic_absent(reg) || (value >> 32))
		return -EINVAL;
	switch (reg) {
	case LAPIC_REG_TPR:
	case LAPIC_REG_SELF_IPI:
		if (value > 0xff)
			return -EINVAL;
		break;
	case LAPIC_REG_EOI:
	case LAPIC_REG_ESR:
		if (value)
			return -EINVAL;
		break;
	}
	if (reg == LAPIC_REG_SELF_IPI) {
		lapic_send_ipi(l, (uint32_t)value |
			       LAPIC_DEST_SELF << LAPIC_ICR_SHORTHAND_SHIFT, 0);
		return 0;
	}
	return lapic_reg_write(l, reg, (uint32_t)value);
}

int lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value)
{
	*value = 0;
	if (msr == MSR_IA32_APIC_BASE) {
		*value = l->apic_base;
		return 0;
	}
	if (msr == MSR_IA32_TSC_DEADLINE) {
		*value = lapic_timer_read_tsc_deadline(l);
		return 0;
	}
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return -ENOENT;
	return lapic_is_x2apic(l) ? x2apic_read(l, msr, value) : -EINVAL;
}

int lapic_msr_write(struct lapic *l, uint32_t msr, const uint64_t *value)
{
	if (msr == MSR_IA32_APIC_BASE)
		return lapic_set_base(l, *value);
	if (msr == MSR_IA32_TSC_DEADLINE) {
		lapic_timer_write_tsc_deadline(l, *value);
		return 0;
	}
	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST)
		return -ENOENT;
	return lapic_is_x2apic(l) ? x2apic_write(l, msr, *value) : -EINVAL;
}
