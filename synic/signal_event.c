/* HvCallSignalEvent from the connection on: the part of hyperv.md 8.1 after
 * the hypercall layer has validated control word and input. */
#include "internal.h"

static uint16_t deliver(struct synic_partition *owner, uint32_t port_id,
			const struct port_info *pi, uint32_t flag)
{
	uint32_t vp = pi->target_vp;

	if (owner->flags & SYNIC_PARTITION_ROOT)
		return owner->seams.host_event(owner->opaque, port_id, flag);
	if (vp == HV_ANY_VP) {
		vp = vp_select_any(owner, pi->sint, VP_PAGE_SIEF);
		if (vp == SYNIC_NO_VP)
			return HV_STATUS_INVALID_VP_INDEX;
	}
	return sief_signal(owner, vp, pi->sint, flag);
}

uint16_t synic_signal_event(struct synic_partition *caller, uint32_t conn_id,
			    uint16_t flag_number)
{
	struct synic *s = caller->synic;
	struct synic_partition *owner;
	struct port_info pi;
	uint64_t conn[2];

	if (conn_id & ~HV_ID_MASK)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (!id_table_lookup(&s->conns, id_key(caller->index, conn_id), conn))
		return HV_STATUS_INVALID_CONNECTION_ID;
	owner = partition_at(s, (uint32_t)conn[0]);
	if (!owner || !port_lookup(s, owner->index, (uint32_t)conn[1], &pi))
		return HV_STATUS_INVALID_PORT_ID;       /* port deleted */
	if (atomic_load_explicit(&owner->state, memory_order_relaxed) !=
	    SYNIC_PS_ACTIVE)
		return HV_STATUS_INVALID_PORT_ID;
	if (pi.type != HV_PORT_TYPE_EVENT)
		return HV_STATUS_INVALID_PORT_ID;
	if (flag_number >= pi.count)
		return HV_STATUS_INVALID_PARAMETER;
	/* Rule 8.6: the full FlagNumber, relative to the port's base. */
	return deliver(owner, (uint32_t)conn[1], &pi, pi.base + flag_number);
}
