/* Per-VP, per-SINT FIFOs of messages waiting for their SIM slot, and the
 * events that move them: EOM, the EOI of a SINT, SynIC/SIMP/SINT register
 * changes, port deletion, VP removal. Everything here runs under the VP's
 * msg_lock. Bounds: a message holds one of its port's 16 buffers until it
 * is delivered or dropped, so a guest can make the VMM hold at most 16
 * messages per live port (ports are a fixed table). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void port_buffer_put(struct synic *s, uint16_t slot)
{
	atomic_fetch_sub_explicit(&s->port_queued[slot], 1, memory_order_relaxed);
}

/* Takes one of the port's buffers, or false if all 16 are queued. */
static bool port_buffer_get(struct synic *s, int slot)
{
	uint8_t n = atomic_load_explicit(&s->port_queued[slot], memory_order_relaxed);

	do {
		if (n >= HV_PORT_MESSAGE_BUFFERS)
			return false;
	} while (!atomic_compare_exchange_weak_explicit(&s->port_queued[slot], &n,
							(uint8_t)(n + 1),
							memory_order_relaxed,
							memory_order_relaxed));
	return true;
}

unsigned sim_backlog(const struct synic_vp *v, uint8_t sint)
{
	unsigned n = v->fifo[sint].len;

	for (int i = 0; i < HV_STIMER_COUNT; i++)
		if (v->stimer[i].msg_pending &&
		    stimer_sint(v->stimer[i].config) == sint)
			n++;
	return n;
}

void sim_waiting_update(struct synic_vp *v, uint8_t sint)
{
	uint32_t bit = 1u << sint;

	if (sim_backlog(v, sint))
		atomic_fetch_or_explicit(&v->waiting, bit, memory_order_relaxed);
	else
		atomic_fetch_and_explicit(&v->waiting, ~bit, memory_order_relaxed);
}

static struct sim_msg *fifo_pop(struct sim_fifo *f)
{
	struct sim_msg *m = f->head;

	f->head = m->next;
	if (!f->head)
		f->tail = NULL;
	f->len--;
	return m;
}

static void fifo_push(struct sim_fifo *f, struct sim_msg *m)
{
	m->next = NULL;
	if (f->tail)
		f->tail->next = m;
	else
		f->head = m;
	f->tail = m;
	f->len++;
}

static void msg_release(struct synic *s, struct synic_vp *v, struct sim_msg *m,
			bool delivered)
{
	port_buffer_put(s, m->port_slot);
	atomic_fetch_sub_explicit(&v->msgs_queued, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(delivered ? &v->msgs_delivered : &v->msgs_dropped,
				  1, memory_order_relaxed);
	free(m);
}

uint16_t sim_enqueue_locked(struct synic_partition *p, uint32_t vp,
			    struct synic_vp *v, uint8_t sint,
			    const struct port_info *pi, uint32_t port_key,
			    const uint8_t img[HV_MESSAGE_SIZE])
{
	struct sim_msg *m;

	if (!port_buffer_get(p->synic, pi->slot))
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	m = malloc(sizeof(*m));
	if (!m) {
		port_buffer_put(p->synic, (uint16_t)pi->slot);
		return HV_STATUS_INSUFFICIENT_MEMORY;
	}
	m->port_key = port_key;
	m->port_gen = pi->gen;
	m->port_slot = (uint16_t)pi->slot;
	memcpy(m->image, img, HV_MESSAGE_SIZE);
	fifo_push(&v->fifo[sint], m);
	atomic_fetch_add_explicit(&v->msgs_queued, 1, memory_order_relaxed);
	sim_waiting_update(v, sint);
	/* Sets the busy slot's pending flag, or delivers the head if the guest
	 * emptied the slot meanwhile. */
	sim_drain_locked(p, vp, v, sint);
	return HV_STATUS_SUCCESS;
}

/* One item per call: the slot holds one message. Timer messages first, as
 * Linux KVM retries its timers before anything else on an acked SINT. */
void sim_drain_locked(struct synic_partition *p, uint32_t vp,
		      struct synic_vp *v, uint8_t sint)
{
	struct sim_fifo *f = &v->fifo[sint];
	unsigned backlog = sim_backlog(v, sint);
	struct sim_target t;
	int timer;

	if (!backlog || !sim_target_get(p, v, sint, &t))
		return;         /* masked or SIM off: they keep waiting */
	timer = stimer_pending_on(v, sint);
	if (timer >= 0)
		stimer_redeliver_locked(p, vp, v, timer, &t, backlog > 1);
	else if (sim_deliver(p, vp, v, &t, sint, f->head->image, backlog > 1, true))
		msg_release(p->synic, v, fifo_pop(f), true);
	sim_waiting_update(v, sint);
}

void sim_drop_all_locked(struct synic_partition *p, struct synic_vp *v)
{
	for (uint8_t x = 0; x < HV_SINT_COUNT; x++) {
		while (v->fifo[x].head)
			msg_release(p->synic, v, fifo_pop(&v->fifo[x]), false);
		sim_waiting_update(v, x);
	}
}

static void drain_all_locked(struct synic_partition *p, uint32_t vp,
			     struct synic_vp *v)
{
	uint32_t w = atomic_load_explicit(&v->waiting, memory_order_relaxed);

	for (uint8_t x = 0; x < HV_SINT_COUNT; x++)
		if (w & (1u << x))
			sim_drain_locked(p, vp, v, x);
}

/* EOM names no SINT: every slot with a backlog gets its next message. */
void sim_eom(struct synic_partition *p, uint32_t vp, struct synic_vp *v)
{
	if (!atomic_load_explicit(&v->waiting, memory_order_relaxed))
		return;
	pthread_mutex_lock(&v->msg_lock);
	drain_all_locked(p, vp, v);
	pthread_mutex_unlock(&v->msg_lock);
}

/* A lock-free peek is enough: whoever queues sets the slot's pending flag
 * under the lock, so the guest writes EOM again if this call missed it. */
void sim_sint_acked(struct synic_partition *p, uint32_t vp,
		    struct synic_vp *v, uint8_t sint)
{
	if (!(atomic_load_explicit(&v->waiting, memory_order_relaxed) &
	      (1u << sint)))
		return;
	pthread_mutex_lock(&v->msg_lock);
	sim_drain_locked(p, vp, v, sint);
	pthread_mutex_unlock(&v->msg_lock);
}

/* SynIC or SIM page turned off: the queued messages have nowhere to go and
 * would pin their ports' buffers, so they are dropped (counted). Turned on
 * (or moved: the new page starts zeroed): the backlog is delivered now, since
 * no slot of the new page carries a pending flag that would bring an EOM. */
void sim_state_changed(struct synic_partition *p, uint32_t vp,
		       struct synic_vp *v)
{
	bool on = (atomic_load(&v->scontrol) & HV_SCONTROL_ENABLE) &&
		  (atomic_load(&v->simp) & HV_PAGE_ENABLE);

	pthread_mutex_lock(&v->msg_lock);
	if (on)
		drain_all_locked(p, vp, v);
	else
		sim_drop_all_locked(p, v);
	pthread_mutex_unlock(&v->msg_lock);
}

static bool msg_port_live(struct synic *s, const struct sim_msg *m)
{
	struct port_info pi;

	return port_lookup(s, m->port_key >> 24, m->port_key & HV_ID_MASK, &pi) &&
	       pi.gen == m->port_gen;
}

static void fifo_purge_locked(struct synic_partition *p, struct synic_vp *v,
			      uint8_t sint, uint32_t port_key)
{
	struct sim_fifo *f = &v->fifo[sint];
	struct sim_msg **link = &f->head, *prev = NULL;

	while (*link) {
		struct sim_msg *m = *link;
		if (m->port_key == port_key && !msg_port_live(p->synic, m)) {
			*link = m->next;
			f->len--;
			msg_release(p->synic, v, m, false);
			continue;
		}
		prev = m;
		link = &m->next;
	}
	f->tail = prev;
	sim_waiting_update(v, sint);
}

void sim_purge_port(struct synic_partition *owner, uint32_t port_key)
{
	for (uint32_t i = 0; i < owner->max_vps; i++) {
		struct synic_vp *v = &owner->vps[i];
		pthread_mutex_lock(&v->msg_lock);
		for (uint8_t x = 0; x < HV_SINT_COUNT; x++)
			if (v->fifo[x].len)
				fifo_purge_locked(owner, v, x, port_key);
		pthread_mutex_unlock(&v->msg_lock);
	}
}

void sim_vp_retire(struct synic_partition *p, uint32_t vp, struct synic_vp *v)
{
	pthread_mutex_lock(&v->msg_lock);
	sim_drop_all_locked(p, v);
	stimer_reset_locked(p, vp, v);
	pthread_mutex_unlock(&v->msg_lock);
}
