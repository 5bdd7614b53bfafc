/* A SINT raised by the host itself, not by a message or an event: what a
 * device back end does with QEMU's hyperv-testdev (SET_SINT) and what a
 * KVM_IRQ_ROUTING_HV_SINT route does in the kernel. */
#include <errno.h>

#include "internal.h"

int synic_sint_raise(struct synic_partition *p, uint32_t vp, uint8_t sint)
{
	struct synic_vp *v = vp_get(p, vp);
	uint64_t sintv;

	if (!v || sint >= HV_SINT_COUNT)
		return -EINVAL;
	sintv = atomic_load_explicit(&v->sint[sint], memory_order_acquire);
	if (sintv & HV_SINT_MASKED)
		return -ENOENT;
	if (sintv & HV_SINT_POLLING)
		return 0; /* the guest polls: no interrupt, as for events */
	atomic_fetch_add_explicit(&v->sints_asserted, 1, memory_order_relaxed);
	p->seams.sint_assert(p->opaque, vp, sint, (uint8_t)(sintv & HV_SINT_VECTOR_MASK),
			     sintv & HV_SINT_AUTO_EOI);
	return 0;
}
