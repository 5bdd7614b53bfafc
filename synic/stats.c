/* Per-VP statistics. Each vCPU thread counts its own calls, so the counters
 * never bounce between cores; readers sum over VPs. */
#include <stddef.h>

#include "internal.h"

static enum synic_stat_call stat_call_of(uint16_t code)
{
	switch (code) {
	case HVCALL_SIGNAL_EVENT: return STAT_CALL_SIGNAL_EVENT;
	case HVCALL_POST_MESSAGE: return STAT_CALL_POST_MESSAGE;
	case HVCALL_CREATE_PORT: return STAT_CALL_CREATE_PORT;
	case HVCALL_DELETE_PORT: return STAT_CALL_DELETE_PORT;
	case HVCALL_CONNECT_PORT: return STAT_CALL_CONNECT_PORT;
	case HVCALL_DISCONNECT_PORT: return STAT_CALL_DISCONNECT_PORT;
	default: return STAT_CALL_OTHER;
	}
}

static unsigned stat_status_of(uint16_t status)
{
	return status < STAT_STATUS_COUNT ? status : STAT_STATUS_COUNT - 1;
}

void stats_count_call(struct synic_vp *v, uint16_t call_code, uint16_t status)
{
	_Atomic uint64_t *ctr = &v->calls[stat_call_of(call_code)][stat_status_of(status)];

	/* Only the VP's own thread counts here (a VP runs one hypercall at a
	 * time), so a plain load+store suffices and avoids a locked add on
	 * the signal path; readers still see whole values. */
	atomic_store_explicit(ctr, atomic_load_explicit(ctr, memory_order_relaxed) + 1,
			      memory_order_relaxed);
}

uint64_t synic_stats_calls(const struct synic_partition *p, uint16_t call_code,
			   uint16_t status)
{
	enum synic_stat_call c = stat_call_of(call_code);
	unsigned st = stat_status_of(status);
	uint64_t sum = 0;

	for (uint32_t i = 0; i < p->max_vps; i++)
		sum += atomic_load_explicit(&p->vps[i].calls[c][st],
					    memory_order_relaxed);
	return sum;
}

/* Sum of one per-VP counter, named by its offset in struct synic_vp. */
static uint64_t vp_sum(const struct synic_partition *p, size_t off)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < p->max_vps; i++) {
		const _Atomic uint64_t *c =
			(const _Atomic uint64_t *)(const void *)
			((const char *)&p->vps[i] + off);
		sum += atomic_load_explicit(c, memory_order_relaxed);
	}
	return sum;
}

uint64_t synic_stats_sints_asserted(const struct synic_partition *p)
{
	return vp_sum(p, offsetof(struct synic_vp, sints_asserted));
}

uint64_t synic_stats_messages_delivered(const struct synic_partition *p)
{
	return vp_sum(p, offsetof(struct synic_vp, msgs_delivered));
}

uint64_t synic_stats_messages_queued(const struct synic_partition *p)
{
	return vp_sum(p, offsetof(struct synic_vp, msgs_queued));
}

uint64_t synic_stats_messages_dropped(const struct synic_partition *p)
{
	return vp_sum(p, offsetof(struct synic_vp, msgs_dropped));
}

uint64_t synic_stats_stimer_expiries(const struct synic_partition *p)
{
	return vp_sum(p, offsetof(struct synic_vp, stimer_expiries));
}

uint64_t synic_stats_stimer_ticks_dropped(const struct synic_partition *p)
{
	return vp_sum(p, offsetof(struct synic_vp, stimer_ticks_dropped));
}
