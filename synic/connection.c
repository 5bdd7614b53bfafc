/* Connections: an id in the connecting partition naming one port. */
#include <errno.h>

#include "internal.h"

static bool partition_live(const struct synic_partition *p)
{
	int st = atomic_load(&p->state);

	return st != SYNIC_PS_FINALIZING && st != SYNIC_PS_FINALIZED;
}

uint16_t synic_connect(struct synic *s, uint64_t conn_partition_id,
		       uint32_t conn_id, uint64_t port_partition_id,
		       uint32_t port_id)
{
	struct synic_partition *cp = synic_partition_find(s, conn_partition_id);
	struct synic_partition *pp = synic_partition_find(s, port_partition_id);
	struct port_info pi;
	uint64_t val[2];
	int ret;

	if (!cp || !pp)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (!partition_live(cp) || !partition_live(pp))
		return HV_STATUS_INVALID_PARTITION_STATE;
	if (conn_id & ~HV_ID_MASK)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if ((port_id & ~HV_ID_MASK) || !port_lookup(s, pp->index, port_id, &pi))
		return HV_STATUS_INVALID_PORT_ID;
	val[0] = pp->index;
	val[1] = port_id;
	ret = id_table_insert(&s->conns, id_key(cp->index, conn_id), val);
	if (ret == -EEXIST)
		return HV_STATUS_INVALID_CONNECTION_ID;  /* id in use */
	if (ret)
		return HV_STATUS_INSUFFICIENT_MEMORY;
	return HV_STATUS_SUCCESS;
}

uint16_t synic_disconnect(struct synic *s, uint64_t conn_partition_id,
			  uint32_t conn_id)
{
	struct synic_partition *cp = synic_partition_find(s, conn_partition_id);

	if (!cp)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (conn_id & ~HV_ID_MASK)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (id_table_remove(&s->conns, id_key(cp->index, conn_id)))
		return HV_STATUS_INVALID_CONNECTION_ID;
	return HV_STATUS_SUCCESS;
}
