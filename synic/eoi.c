/* EOIs of SINT vectors, as the VMM's local APIC reports them. An AutoEOI
 * SINT never sets the in-service bit, so the guest never EOIs it: only
 * non-AutoEOI SINTs are matched. The matched SINT's next waiting message
 * goes into its slot, as on EOM (Linux kvm_hv_synic_send_eoi does the same). */
#include <errno.h>

#include "internal.h"

static bool sint_takes_eoi(uint64_t sint, uint8_t vector)
{
	return !(sint & (HV_SINT_MASKED | HV_SINT_AUTO_EOI)) &&
	       (uint8_t)(sint & HV_SINT_VECTOR_MASK) == vector;
}

int synic_sint_eoi(struct synic_partition *p, uint32_t vp, uint8_t vector)
{
	struct synic_vp *v = vp_get(p, vp);

	if (!v)
		return -ENOENT;
	for (int x = 0; x < HV_SINT_COUNT; x++) {
		if (sint_takes_eoi(atomic_load_explicit(&v->sint[x], memory_order_relaxed), vector)) {
			/* Only this VP's thread EOIs its own APIC. */
			atomic_store_explicit(&v->sint_eois,
					      atomic_load_explicit(&v->sint_eois, memory_order_relaxed) + 1,
					      memory_order_relaxed);
			sim_sint_acked(p, vp, v, (uint8_t)x);
			return x;
		}
	}
	return -ENOENT;
}

uint64_t synic_stats_sint_eois(const struct synic_partition *p)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < p->max_vps; i++)
		sum += atomic_load_explicit(&p->vps[i].sint_eois, memory_order_relaxed);
	return sum;
}
