/* Event delivery into a VP's SIEF page: the last steps of HvCallSignalEvent
 * (SynIC state -> set flag -> interrupt, hyperv.md 8.1). */
#include "internal.h"

/* Flag n of SINT x is bit n%8 of byte 256*x + n/8 (hyperv.md section 5).
 * The guest clears flags with its own atomic instructions at the same time,
 * hence the locked OR and the use of its old value to detect 0 -> 1. */
static bool sief_set_flag(uint8_t *page, uint8_t sint, uint32_t flag)
{
	uint8_t *byte = page + sint * HV_SIEF_SLOT_BYTES + flag / 8;
	uint8_t bit = (uint8_t)(1u << (flag % 8));

	return !(__atomic_fetch_or(byte, bit, __ATOMIC_SEQ_CST) & bit);
}

uint16_t sief_signal(struct synic_partition *target, uint32_t vp,
		     uint8_t sint, uint32_t flag)
{
	struct synic_vp *v = vp_get(target, vp);
	uint64_t siefp, sintv;
	uint8_t *page;

	if (!v)
		return HV_STATUS_INVALID_VP_INDEX;
	if (!(atomic_load_explicit(&v->scontrol, memory_order_acquire) &
	      HV_SCONTROL_ENABLE))
		return HV_STATUS_INVALID_SYNIC_STATE;
	siefp = atomic_load_explicit(&v->siefp, memory_order_acquire);
	if (!(siefp & HV_PAGE_ENABLE))
		return HV_STATUS_INVALID_SYNIC_STATE;
	sintv = atomic_load_explicit(&v->sint[sint], memory_order_acquire);
	if (sintv & HV_SINT_MASKED)
		return HV_STATUS_INVALID_SYNIC_STATE;   /* rule 8.3 */
	/* The VMM may have unplugged the RAM behind a once-valid SIEFP. */
	page = target->seams.gpa_map(target->opaque, siefp & HV_PAGE_GPA_MASK,
				     HV_PAGE_SIZE);
	if (!page)
		return HV_STATUS_INVALID_SYNIC_STATE;
	if (!sief_set_flag(page, sint, flag) || (sintv & HV_SINT_POLLING))
		return HV_STATUS_SUCCESS;
	atomic_fetch_add_explicit(&v->sints_asserted, 1, memory_order_relaxed);
	target->seams.sint_assert(target->opaque, vp, sint,
				  (uint8_t)(sintv & HV_SINT_VECTOR_MASK),
				  sintv & HV_SINT_AUTO_EOI);
	return HV_STATUS_SUCCESS;
}
