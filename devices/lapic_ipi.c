// SPDX-License-Identifier: MIT
/* Interprocessor interrupts: ICR destination matching and delivery. Runs on
 * the sender's thread; it touches other APICs only through their atomics,
 * lapic_set_irq, lapic_set_nmi and the init/sipi callbacks. */
#include "lapic.h"
#include "lapic_priv.h"

#define XAPIC_BROADCAST 0xffu
#define X2APIC_BROADCAST 0xffffffffu
#define DFR_FLAT 0xfu /* DFR bits 31:28; 0 is the cluster model */

/* xAPIC logical: the 8-bit MDA against the target's LDR bits 31:24. */
static bool xapic_logical_match(const struct lapic *dst, uint32_t mda)
{
	uint32_t ldr = dst->ldr >> 24;

	if (mda == XAPIC_BROADCAST)
		return true;
	if ((dst->dfr >> 28) == DFR_FLAT)
		return (ldr & mda) != 0;
	/* Cluster: high nibble selects the cluster, low nibble the members. */
	return (mda >> 4) == (ldr >> 4) && (mda & ldr & 0xf) != 0;
}

/* x2APIC logical: cluster in bits 31:16, member bitmap in 15:0. */
static bool x2apic_logical_match(const struct lapic *dst, uint32_t dest)
{
	uint32_t ldr = dst->ldr;

	return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff) != 0;
}

/* The sender's mode decides how the destination field reads. */
static bool dest_match(const struct lapic *src, const struct lapic *dst,
		       uint32_t dest, bool logical)
{
	if (lapic_is_x2apic(src)) {
		if (dest == X2APIC_BROADCAST)
			return true;
		return logical ? x2apic_logical_match(dst, dest) : dest == dst->id;
	}
	dest &= 0xff;
	if (logical)
		return xapic_logical_match(dst, dest);
	return dest == XAPIC_BROADCAST || dest == (dst->id & 0xff);
}

static bool shorthand_match(const struct lapic *src, const struct lapic *dst,
			    uint32_t icr_lo, uint32_t dest)
{
	switch ((icr_lo >> LAPIC_ICR_SHORTHAND_SHIFT) & 3) {
	case LAPIC_DEST_SELF: return dst == src;
	case LAPIC_DEST_ALL: return true;
	case LAPIC_DEST_ALL_BUT_SELF: return dst != src;
	default: return dest_match(src, dst, dest, icr_lo & LAPIC_ICR_LOGICAL);
	}
}

static void deliver(struct lapic *dst, uint32_t icr_lo)
{
	const struct lapic_ops *ops = lapic_ops(dst);
	uint8_t vector = icr_lo & 0xff;

	switch ((icr_lo >> LAPIC_ICR_DM_SHIFT) & 7) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		lapic_set_irq(dst, vector, icr_lo & LAPIC_ICR_LEVEL, false);
		break;
	case LAPIC_DM_NMI:
		lapic_set_nmi(dst);
		break;
	case LAPIC_DM_INIT:
		/* INIT level de-assert only synchronised arbitration IDs. */
		if ((icr_lo & LAPIC_ICR_LEVEL) && !(icr_lo & LAPIC_ICR_ASSERT))
			break;
		if (ops->init)
			ops->init(lapic_ctx(dst), dst->vp);
		break;
	case LAPIC_DM_STARTUP:
		if (ops->sipi)
			ops->sipi(lapic_ctx(dst), dst->vp, vector);
		break;
	default:
		break; /* SMI: no SMM here; ExtINT: no 8259; reserved */
	}
}

static bool is_fixed(uint32_t icr_lo)
{
	uint32_t dm = (icr_lo >> LAPIC_ICR_DM_SHIFT) & 7;

	return dm == LAPIC_DM_FIXED || dm == LAPIC_DM_LOWEST;
}

/* Lowest priority is delivered as fixed to the lowest-numbered vCPU of the
 * destination set: arbitration by priority buys a guest nothing here. */
void lapic_send_ipi(struct lapic *src, uint32_t icr_lo, uint32_t dest)
{
	struct lapic_bus *bus = src->bus;
	bool lowest = ((icr_lo >> LAPIC_ICR_DM_SHIFT) & 7) == LAPIC_DM_LOWEST;

	if (is_fixed(icr_lo) && (icr_lo & 0xff) < 16) {
		atomic_fetch_or(&src->esr_pending, LAPIC_ESR_SEND_ILLEGAL);
		return;
	}
	for (unsigned int vp = 0; vp < bus->nr_vcpus; vp++) {
		struct lapic *dst = &bus->apics[vp];

		if (!shorthand_match(src, dst, icr_lo, dest))
			continue;
		deliver(dst, icr_lo);
		if (lowest)
			return;
	}
}
