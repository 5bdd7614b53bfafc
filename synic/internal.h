/* Library-private structures shared by the synic/ files. */
#ifndef SYNIC_INTERNAL_H
#define SYNIC_INTERNAL_H

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>

#include "id_table.h"
#include "synic.h"

/* Calls counted in the statistics; index = position in this list. */
enum synic_stat_call {
	STAT_CALL_SIGNAL_EVENT,
	STAT_CALL_POST_MESSAGE,
	STAT_CALL_CREATE_PORT,
	STAT_CALL_DELETE_PORT,
	STAT_CALL_CONNECT_PORT,
	STAT_CALL_DISCONNECT_PORT,
	STAT_CALL_OTHER,        /* unknown call codes */
	STAT_CALL_COUNT
};
#define STAT_STATUS_COUNT 32    /* statuses >= 31 share the last bucket */

/* One message waiting for its SIM slot: the slot image to copy, and the
 * port buffer it holds until delivered or dropped (sim_queue.c). */
struct sim_msg {
	struct sim_msg *next;
	uint32_t port_key;      /* id_key(owner index, port id) */
	uint16_t port_gen;      /* which incarnation of that port id */
	uint16_t port_slot;     /* index into synic->port_queued */
	uint8_t image[HV_MESSAGE_SIZE];
};

struct sim_fifo {
	struct sim_msg *head, *tail;
	uint32_t len;
};

/* A synthetic timer (stimer.c). Guarded by its VP's msg_lock. */
struct stimer {
	uint64_t config;
	uint64_t count;
	uint64_t deadline;      /* TIME_REF_COUNT of the expiry in progress */
	bool armed;             /* the VMM holds a host timer for `deadline` */
	bool msg_pending;       /* one-shot expired, its message waits a slot */
};

/* One per VP, cache-line aligned: the vCPU thread writes its own counters
 * and MSRs, signalling threads only read the MSRs. Messages and timers take
 * msg_lock (posting threads, the VP's EOM/EOI, timer expiry threads); the
 * event path never does. */
struct synic_vp {
	alignas(64) _Atomic bool present;
	_Atomic uint64_t scontrol;
	_Atomic uint64_t siefp;
	_Atomic uint64_t simp;
	_Atomic uint64_t sint[HV_SINT_COUNT];
	_Atomic uint64_t sints_asserted;       /* into this VP */
	_Atomic uint64_t sint_eois;            /* EOIs of this VP's non-AutoEOI SINTs */
	_Atomic uint64_t calls[STAT_CALL_COUNT][STAT_STATUS_COUNT];

	pthread_mutex_t msg_lock;
	/* Bit x: SINT x has a queued message or a pending timer message. Written
	 * under msg_lock, read without it to keep EOM/EOI cheap when idle. */
	_Atomic uint32_t waiting;
	struct sim_fifo fifo[HV_SINT_COUNT];
	struct stimer stimer[HV_STIMER_COUNT];
	_Atomic uint64_t msgs_queued;          /* now, in this VP's FIFOs */
	_Atomic uint64_t msgs_delivered;       /* port messages into the SIM */
	_Atomic uint64_t msgs_dropped;         /* queued, then discarded */
	_Atomic uint64_t stimer_expiries;
	_Atomic uint64_t stimer_ticks_dropped;
};

struct synic_partition {
	struct synic *synic;
	uint32_t index;                 /* slot in synic->partitions */
	uint64_t id;
	unsigned flags;
	uint32_t max_vps;
	struct synic_seams seams;
	void *opaque;
	_Atomic int state;
	_Atomic uint64_t privileges;
	pthread_mutex_t msr_lock;       /* partition-wide MSR writes */
	_Atomic uint64_t guest_os_id;
	_Atomic uint64_t hypercall;
	struct synic_vp *vps;
};

struct synic {
	pthread_mutex_t lock;           /* partition registry */
	_Atomic(struct synic_partition *) partitions[SYNIC_MAX_PARTITIONS];
	synic_trace_fn trace;
	void *trace_ctx;
	struct id_table ports;          /* key: owner index, port id */
	struct id_table conns;          /* key: owner index, connection id */
	/* Messages queued per port, by the port's id_table slot: at most
	 * HV_PORT_MESSAGE_BUFFERS each. */
	_Atomic uint8_t port_queued[ID_TABLE_SLOTS];
	_Atomic uint16_t port_gen;      /* next port incarnation number */
};

/* Port slot values, packed so one consistent slot read gives everything
 * the signal path needs. val[0]: type | sint << 8 | base << 16 |
 * count << 32 | gen << 48; val[1]: target VP. `slot` is not stored: lookup
 * fills it. */
struct port_info {
	uint8_t type;
	uint8_t sint;
	uint16_t base;
	uint16_t count;
	uint16_t gen;           /* tells a re-created port from its predecessor */
	uint32_t target_vp;
	int slot;               /* id_table slot index */
};
void port_pack(const struct port_info *pi, uint64_t val[2]);
void port_unpack(const uint64_t val[2], struct port_info *pi);
bool port_lookup(struct synic *s, uint32_t owner_index, uint32_t port_id,
		 struct port_info *pi);

static inline struct synic_partition *partition_at(struct synic *s,
						   uint32_t index)
{
	if (index >= SYNIC_MAX_PARTITIONS)
		return NULL;
	return atomic_load_explicit(&s->partitions[index],
				    memory_order_acquire);
}

static inline struct synic_vp *vp_get(const struct synic_partition *p,
				      uint32_t vp)
{
	if (vp >= p->max_vps)
		return NULL;
	struct synic_vp *v = &p->vps[vp];
	if (!atomic_load_explicit(&v->present, memory_order_acquire))
		return NULL;
	return v;
}

static inline bool partition_has(const struct synic_partition *p,
				 uint64_t priv)
{
	return (atomic_load_explicit(&p->privileges, memory_order_relaxed) &
		priv) == priv;
}

void vp_reset(struct synic_vp *v);

/* Rule 8.4 (HV_ANY_VP): the lowest-index VP whose SynIC is enabled, whose
 * page for this kind of delivery is enabled (the SIEF page for events,
 * the SIM page for messages) and whose SINT `sint` is unmasked; or
 * SYNIC_NO_VP. */
#define SYNIC_NO_VP 0xFFFFFFFFu
enum vp_page { VP_PAGE_SIEF, VP_PAGE_SIM };
uint32_t vp_select_any(const struct synic_partition *p, uint8_t sint, enum vp_page page);
void partition_vps_fini(struct synic_partition *p);
void synic_trace(const struct synic_partition *p, uint32_t vp,
		 const char *what, uint64_t a, uint64_t b);
void stats_count_call(struct synic_vp *v, uint16_t call_code, uint16_t status);

/* SIEF page (sief.c) */
uint16_t sief_signal(struct synic_partition *target, uint32_t vp,
		     uint8_t sint, uint32_t flag);

/* SIM page (sim.c). A slot a message may go to, or why not. */
struct sim_target {
	uint8_t *slot;          /* 256 bytes in guest memory */
	uint64_t sint;          /* the SINT register as read */
};
bool sim_target_get(const struct synic_partition *p, const struct synic_vp *v,
		    uint8_t sint, struct sim_target *t);
void sim_image(uint8_t img[HV_MESSAGE_SIZE], uint32_t type, uint64_t sender,
	       const void *payload, uint32_t size);
/* Copies img into the slot if it is empty (flags: pending if `more`) and
 * raises the SINT; on a busy slot sets its pending flag when `retry`.
 * Caller holds v->msg_lock. True if delivered. */
bool sim_deliver(struct synic_partition *p, uint32_t vp, struct synic_vp *v,
		 const struct sim_target *t, uint8_t sint,
		 const uint8_t img[HV_MESSAGE_SIZE], bool more, bool retry);

/* Message queues (sim_queue.c). *_locked: caller holds v->msg_lock. */
void sim_waiting_update(struct synic_vp *v, uint8_t sint);
unsigned sim_backlog(const struct synic_vp *v, uint8_t sint);
uint16_t sim_enqueue_locked(struct synic_partition *p, uint32_t vp,
			    struct synic_vp *v, uint8_t sint,
			    const struct port_info *pi, uint32_t port_key,
			    const uint8_t img[HV_MESSAGE_SIZE]);
void sim_drain_locked(struct synic_partition *p, uint32_t vp,
		      struct synic_vp *v, uint8_t sint);
void sim_drop_all_locked(struct synic_partition *p, struct synic_vp *v);
/* EOM, EOI of SINT x, and SynIC/SIMP/SINT register changes. */
void sim_eom(struct synic_partition *p, uint32_t vp, struct synic_vp *v);
void sim_sint_acked(struct synic_partition *p, uint32_t vp,
		    struct synic_vp *v, uint8_t sint);
void sim_state_changed(struct synic_partition *p, uint32_t vp,
		       struct synic_vp *v);
/* Drops queued messages whose port (key, gen) is no longer live. */
void sim_purge_port(struct synic_partition *owner, uint32_t port_key);
/* VP removal / partition teardown: messages dropped, timers cancelled. */
void sim_vp_retire(struct synic_partition *p, uint32_t vp, struct synic_vp *v);

/* Synthetic timers (stimer.c) */
static inline uint8_t stimer_sint(uint64_t config)
{
	return (uint8_t)((config & HV_STIMER_SINT_MASK) >> HV_STIMER_SINT_SHIFT);
}
bool stimer_msr(uint32_t msr);
bool stimer_supported(const struct synic_partition *p);
int stimer_msr_write(struct synic_partition *p, uint32_t vp,
		     struct synic_vp *v, uint32_t msr, uint64_t value, bool host);
uint64_t stimer_msr_read(struct synic_vp *v, uint32_t msr);
int stimer_pending_on(const struct synic_vp *v, uint8_t sint);
void stimer_redeliver_locked(struct synic_partition *p, uint32_t vp,
			     struct synic_vp *v, int timer,
			     const struct sim_target *t, bool more);
void stimer_reset_locked(struct synic_partition *p, uint32_t vp,
			 struct synic_vp *v);

#endif
