/* HvCallPostMessage from the connection on: the part after the hypercall
 * layer has validated control word and input (docs/conformance.md, "Message
 * order"): connection -> port (deleted, owner state, type) -> message type
 * and size -> target VP -> SynIC state -> SIM slot or the port's buffers. */
#include "internal.h"


struct msg_route {
	struct synic_partition *owner;
	uint32_t port_id;
	struct port_info pi;
};

/* The same resolution as the event path (signal_event.c), which stays
 * separate so that the event path is not touched by the message one. */
static uint16_t route_resolve(struct synic_partition *caller, uint32_t conn_id,
			      struct msg_route *r)
{
	struct synic *s = caller->synic;
	uint64_t conn[2];

	if (conn_id & ~HV_ID_MASK)
		return HV_STATUS_INVALID_CONNECTION_ID;
	if (!id_table_lookup(&s->conns, id_key(caller->index, conn_id), conn))
		return HV_STATUS_INVALID_CONNECTION_ID;
	r->owner = partition_at(s, (uint32_t)conn[0]);
	r->port_id = (uint32_t)conn[1];
	if (!r->owner || !port_lookup(s, r->owner->index, r->port_id, &r->pi))
		return HV_STATUS_INVALID_PORT_ID;       /* port deleted */
	if (atomic_load_explicit(&r->owner->state, memory_order_relaxed) !=
	    SYNIC_PS_ACTIVE)
		return HV_STATUS_INVALID_PORT_ID;
	if (r->pi.type != HV_PORT_TYPE_MESSAGE)
		return HV_STATUS_INVALID_PORT_ID;
	return HV_STATUS_SUCCESS;
}

/* TLFS: any type but 0 whose top bit is clear (the hypervisor's own types
 * have it set); at most 240 bytes of payload. */
static bool message_params_ok(uint32_t type, uint32_t size)
{
	return type != HV_MSG_TYPE_NONE && type < HV_MSG_TYPE_HYPERVISOR &&
	       size <= HV_MESSAGE_PAYLOAD_MAX;
}

/* The port may have been deleted (and its queue purged) since it was looked
 * up; checked again under the VP lock so no message outlives its port. */
static bool port_unchanged(const struct msg_route *r)
{
	struct port_info now;

	return port_lookup(r->owner->synic, r->owner->index, r->port_id, &now) &&
	       now.gen == r->pi.gen && now.slot == r->pi.slot;
}

/* Under the lock every state that removal, SIMP/SynIC disable or port
 * deletion changes before taking the same lock is looked at again. An empty
 * slot with nothing queued ahead takes the message at once, without
 * allocating; otherwise it waits in the FIFO holding a port buffer. */
static uint16_t post_locked(const struct msg_route *r, uint32_t vp,
			    struct synic_vp *v, const uint8_t *img)
{
	struct synic_partition *p = r->owner;
	uint8_t sint = r->pi.sint;
	struct sim_target t;

	if (!atomic_load_explicit(&v->present, memory_order_acquire))
		return HV_STATUS_INVALID_VP_INDEX;
	if (!port_unchanged(r))
		return HV_STATUS_INVALID_PORT_ID;
	if (!sim_target_get(p, v, sint, &t))
		return HV_STATUS_INVALID_SYNIC_STATE;
	if (sim_backlog(v, sint) == 0 &&
	    sim_deliver(p, vp, v, &t, sint, img, false, false)) {
		atomic_fetch_add_explicit(&v->msgs_delivered, 1, memory_order_relaxed);
		return HV_STATUS_SUCCESS;
	}
	return sim_enqueue_locked(p, vp, v, sint, &r->pi,
				  id_key(p->index, r->port_id), img);
}

static uint16_t deliver_to_guest(const struct msg_route *r, uint32_t type,
				 const void *payload, uint32_t size)
{
	uint32_t vp = r->pi.target_vp;
	uint8_t img[HV_MESSAGE_SIZE];
	struct synic_vp *v;
	uint16_t st;

	if (vp == HV_ANY_VP) {
		vp = vp_select_any(r->owner, r->pi.sint, VP_PAGE_SIM);
		if (vp == SYNIC_NO_VP)
			return HV_STATUS_INVALID_VP_INDEX;
	}
	v = vp_get(r->owner, vp);
	if (!v)
		return HV_STATUS_INVALID_VP_INDEX;
	sim_image(img, type, r->port_id, payload, size);
	pthread_mutex_lock(&v->msg_lock);
	st = post_locked(r, vp, v, img);
	pthread_mutex_unlock(&v->msg_lock);
	return st;
}

uint16_t synic_post_message(struct synic_partition *caller, uint32_t conn_id,
			    uint32_t type, const void *payload, uint32_t size)
{
	struct msg_route r;
	uint16_t st = route_resolve(caller, conn_id, &r);

	if (st != HV_STATUS_SUCCESS)
		return st;
	if (!message_params_ok(type, size))
		return HV_STATUS_INVALID_PARAMETER;
	if (r.owner->flags & SYNIC_PARTITION_ROOT)
		return r.owner->seams.host_message ?
		       r.owner->seams.host_message(r.owner->opaque, r.port_id,
						   type, payload, size) :
		       HV_STATUS_INVALID_PORT_ID;
	return deliver_to_guest(&r, type, payload, size);
}
