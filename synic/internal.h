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
	STAT_CALL_CREATE_PORT,
	STAT_CALL_DELETE_PORT,
	STAT_CALL_CONNECT_PORT,
	STAT_CALL_DISCONNECT_PORT,
	STAT_CALL_OTHER,        /* unknown call codes */
	STAT_CALL_COUNT
};
#define STAT_STATUS_COUNT 32    /* statuses >= 31 share the last bucket */

/* One per VP, cache-line aligned: the vCPU thread writes its own counters
 * and MSRs, signalling threads only read the MSRs. */
struct synic_vp {
	alignas(64) _Atomic bool present;
	_Atomic uint64_t scontrol;
	_Atomic uint64_t siefp;
	_Atomic uint64_t simp;
	_Atomic uint64_t sint[HV_SINT_COUNT];
	_Atomic uint64_t sints_asserted;       /* into this VP */
	_Atomic uint64_t sint_eois;            /* EOIs of this VP's non-AutoEOI SINTs */
	_Atomic uint64_t calls[STAT_CALL_COUNT][STAT_STATUS_COUNT];
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
};

/* Port slot values, packed so one consistent slot read gives everything
 * the signal path needs. val[0]: type | sint << 8 | base << 16 |
 * count << 32; val[1]: target VP. */
struct port_info {
	uint8_t type;
	uint8_t sint;
	uint16_t base;
	uint16_t count;
	uint32_t target_vp;
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
void synic_trace(const struct synic_partition *p, uint32_t vp,
		 const char *what, uint64_t a, uint64_t b);
void stats_count_call(struct synic_vp *v, uint16_t call_code, uint16_t status);

/* SIEF page (sief.c) */
uint16_t sief_signal(struct synic_partition *target, uint32_t vp,
		     uint8_t sint, uint32_t flag);

#endif
