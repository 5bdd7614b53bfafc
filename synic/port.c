/* Ports: created in an owner partition, looked up lock-free by signals. */
#include <errno.h>

#include "internal.h"

void port_pack(const struct port_info *pi, uint64_t val[2])
{
	val[0] = (uint64_t)pi->type | (uint64_t)pi->sint << 8 |
		 (uint64_t)pi->base << 16 | (uint64_t)pi->count << 32 |
		 (uint64_t)pi->gen << 48;
	val[1] = pi->target_vp;
}

void port_unpack(const uint64_t val[2], struct port_info *pi)
{
	pi->type = (uint8_t)val[0];
	pi->sint = (uint8_t)(val[0] >> 8);
	pi->base = (uint16_t)(val[0] >> 16);
	pi->count = (uint16_t)(val[0] >> 32);
	pi->gen = (uint16_t)(val[0] >> 48);
	pi->target_vp = (uint32_t)val[1];
	pi->slot = -1;
}

bool port_lookup(struct synic *s, uint32_t owner_index, uint32_t port_id,
		 struct port_info *pi)
{
	uint64_t val[2];
	int slot = id_table_lookup_slot(&s->ports, id_key(owner_index, port_id),
					val);

	if (slot < 0)
		return false;
	port_unpack(val, pi);
	pi->slot = slot;
	return true;
}

/* Only finalizing/finalized partitions refuse new objects: the VMM sets ports
 * up before a partition becomes active. */
static bool partition_accepts_objects(const struct synic_partition *p)
{
	int st = atomic_load(&p->state);

	return st != SYNIC_PS_FINALIZING && st != SYNIC_PS_FINALIZED;
}

static uint16_t port_params_check(const struct synic_partition *owner,
				  const struct synic_port_params *pp)
{
	bool root = owner->flags & SYNIC_PARTITION_ROOT;

	if (pp->type < HV_PORT_TYPE_MESSAGE || pp->type > HV_PORT_TYPE_MONITOR)
		return HV_STATUS_INVALID_PARAMETER;
	if (pp->type == HV_PORT_TYPE_MONITOR)
		return HV_STATUS_SUCCESS;       /* no SINT, VP or flags */
	if (pp->target_sint >= HV_SINT_COUNT ||
	    (pp->from_guest && pp->target_sint == 0))
		return HV_STATUS_INVALID_PARAMETER;
	if (!root && pp->target_vp != HV_ANY_VP &&
	    pp->target_vp >= owner->max_vps)
		return HV_STATUS_INVALID_VP_INDEX;
	if (pp->type == HV_PORT_TYPE_EVENT &&
	    (pp->flag_count == 0 ||
	     (uint32_t)pp->base_flag + pp->flag_count > HV_SIEF_FLAGS_PER_SINT))
		return HV_STATUS_INVALID_PARAMETER;
	return HV_STATUS_SUCCESS;
}

uint16_t synic_port_create(struct synic *s, const struct synic_port_params *pp)
{
	struct synic_partition *owner = synic_partition_find(s, pp->partition_id);
	struct port_info pi;
	uint64_t val[2];
	uint16_t st;
	int ret;

	if (!owner)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (!partition_accepts_objects(owner))
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (pp->port_id & ~HV_ID_MASK)
		return HV_STATUS_INVALID_PORT_ID;
	st = port_params_check(owner, pp);
	if (st != HV_STATUS_SUCCESS)
		return st;
	pi = (struct port_info){
		.type = pp->type, .sint = pp->target_sint,
		.base = pp->type == HV_PORT_TYPE_EVENT ? pp->base_flag : 0,
		.count = pp->type == HV_PORT_TYPE_EVENT ? pp->flag_count : 0,
		.target_vp = pp->target_vp,
		.gen = atomic_fetch_add_explicit(&s->port_gen, 1,
						 memory_order_relaxed),
	};
	port_pack(&pi, val);
	ret = id_table_insert(&s->ports, id_key(owner->index, pp->port_id), val);
	if (ret == -EEXIST)
		return HV_STATUS_INVALID_PORT_ID;     /* id in use */
	if (ret)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	return HV_STATUS_SUCCESS;
}

/* Connections naming the port stay: signalling them answers INVALID_PORT_ID
 * until a port with the same id is created again. The port's queued
 * messages are dropped: the TLFS frees all of a deleted port's buffers. */
uint16_t synic_port_delete(struct synic *s, uint64_t partition_id,
			   uint32_t port_id)
{
	struct synic_partition *owner = synic_partition_find(s, partition_id);

	if (!owner)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (port_id & ~HV_ID_MASK)
		return HV_STATUS_INVALID_PORT_ID;
	if (id_table_remove(&s->ports, id_key(owner->index, port_id)))
		return HV_STATUS_INVALID_PORT_ID;
	sim_purge_port(owner, id_key(owner->index, port_id));
	return HV_STATUS_SUCCESS;
}
