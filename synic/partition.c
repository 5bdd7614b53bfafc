/* Partitions: identity, state, privileges and the VP table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void vp_reset(struct synic_vp *v)
{
	/* SCONTROL resets to 0 as the TLFS documents (hyperv.md 8.5). */
	atomic_store_explicit(&v->scontrol, 0, memory_order_relaxed);
	atomic_store_explicit(&v->siefp, 0, memory_order_relaxed);
	atomic_store_explicit(&v->simp, 0, memory_order_relaxed);
	for (unsigned i = 0; i < HV_SINT_COUNT; i++)
		atomic_store_explicit(&v->sint[i], HV_SINT_RESET,
				      memory_order_relaxed);
}

static int config_check(struct synic *s, const struct synic_partition_config *c)
{
	bool root = c->flags & SYNIC_PARTITION_ROOT;

	if (c->id == HV_PARTITION_ID_INVALID || c->id == HV_PARTITION_ID_SELF)
		return -EINVAL;
	if (c->max_vps > SYNIC_MAX_VPS || (!root && c->max_vps == 0))
		return -EINVAL;
	if (!c->seams ||
	    (!root && (!c->seams->gpa_map || !c->seams->sint_assert)) ||
	    (root && !c->seams->host_event))
		return -EINVAL;
	if (synic_partition_find(s, c->id))
		return -EEXIST;
	return 0;
}

/* A root partition (max_vps 0) still has one VP slot: never present. */
static uint32_t vp_slots(uint32_t max_vps)
{
	return max_vps ? max_vps : 1;
}

/* Frees what the VPs still hold (queued messages) and the VP array. Only
 * at teardown, when no other thread can reach the partition. */
void partition_vps_fini(struct synic_partition *p)
{
	for (uint32_t i = 0; i < vp_slots(p->max_vps); i++) {
		sim_drop_all_locked(p, &p->vps[i]);
		pthread_mutex_destroy(&p->vps[i].msg_lock);
	}
	free(p->vps);
}

static struct synic_partition *partition_alloc(const struct synic_partition_config *c)
{
	struct synic_partition *p = calloc(1, sizeof(*p));
	uint32_t n = vp_slots(c->max_vps);

	if (!p)
		return NULL;
	p->vps = aligned_alloc(64, sizeof(struct synic_vp) * n);
	if (!p->vps) {
		free(p);
		return NULL;
	}
	memset(p->vps, 0, sizeof(struct synic_vp) * n);
	for (uint32_t i = 0; i < n; i++) {
		vp_reset(&p->vps[i]);
		pthread_mutex_init(&p->vps[i].msg_lock, NULL);
	}
	p->id = c->id;
	p->flags = c->flags;
	p->max_vps = c->max_vps;
	p->seams = *c->seams;
	p->opaque = c->opaque;
	atomic_init(&p->state, SYNIC_PS_CREATED);
	atomic_init(&p->privileges, c->privileges);
	atomic_init(&p->guest_os_id, 0);
	atomic_init(&p->hypercall, 0);
	pthread_mutex_init(&p->msr_lock, NULL);
	return p;
}

static int registry_add(struct synic *s, struct synic_partition *p)
{
	for (uint32_t i = 0; i < SYNIC_MAX_PARTITIONS; i++) {
		if (!atomic_load_explicit(&s->partitions[i], memory_order_relaxed)) {
			p->index = i;
			atomic_store_explicit(&s->partitions[i], p,
					      memory_order_release);
			return 0;
		}
	}
	return -ENOSPC;
}

int synic_partition_create(struct synic *s,
			   const struct synic_partition_config *cfg,
			   struct synic_partition **out)
{
	struct synic_partition *p = NULL;
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = config_check(s, cfg);
	if (ret == 0) {
		p = partition_alloc(cfg);
		ret = p ? 0 : -ENOMEM;
	}
	if (ret == 0) {
		p->synic = s;
		ret = registry_add(s, p);
		if (ret) {
			pthread_mutex_destroy(&p->msr_lock);
			partition_vps_fini(p);
			free(p);
		}
	}
	pthread_mutex_unlock(&s->lock);
	if (ret == 0 && out)
		*out = p;
	return ret;
}

struct synic_partition *synic_partition_find(struct synic *s, uint64_t id)
{
	for (uint32_t i = 0; i < SYNIC_MAX_PARTITIONS; i++) {
		struct synic_partition *p = partition_at(s, i);
		if (p && p->id == id)
			return p;
	}
	return NULL;
}

uint64_t synic_partition_id(const struct synic_partition *p)
{
	return p->id;
}

/* created -> active <-> suspended; anything -> finalizing -> finalized;
 * nothing leaves finalized. */
static bool state_move_ok(int from, int to)
{
	switch (to) {
	case SYNIC_PS_ACTIVE:
		return from == SYNIC_PS_CREATED || from == SYNIC_PS_SUSPENDED ||
		       from == SYNIC_PS_ACTIVE;
	case SYNIC_PS_SUSPENDED:
		return from == SYNIC_PS_ACTIVE || from == SYNIC_PS_SUSPENDED;
	case SYNIC_PS_FINALIZING:
		return from != SYNIC_PS_FINALIZED;
	case SYNIC_PS_FINALIZED:
		return true;
	default:
		return false;
	}
}

int synic_partition_set_state(struct synic_partition *p,
			      enum synic_partition_state st)
{
	int from = atomic_load(&p->state);

	do {
		if (!state_move_ok(from, (int)st))
			return -EINVAL;
	} while (!atomic_compare_exchange_weak(&p->state, &from, (int)st));
	return 0;
}

enum synic_partition_state synic_partition_state(const struct synic_partition *p)
{
	return (enum synic_partition_state)atomic_load(&p->state);
}

void synic_partition_set_privileges(struct synic_partition *p, uint64_t mask)
{
	atomic_store(&p->privileges, mask);
}

uint64_t synic_partition_privileges(const struct synic_partition *p)
{
	return atomic_load(&p->privileges);
}

int synic_vp_add(struct synic_partition *p, uint32_t vp)
{
	if (vp >= p->max_vps)
		return -EINVAL;
	if (atomic_load(&p->vps[vp].present))
		return -EEXIST;
	vp_reset(&p->vps[vp]);
	atomic_store_explicit(&p->vps[vp].present, true, memory_order_release);
	return 0;
}

/* The VP's memory stays (partitions own their VP array for life), so a
 * signal racing with removal reads stale-but-valid state, never freed
 * memory; once removed, signalling it answers INVALID_VP_INDEX. Its queued
 * messages are dropped (counted) and its timers cancelled; a post racing
 * with removal sees `present` false under the VP's message lock. */
int synic_vp_remove(struct synic_partition *p, uint32_t vp)
{
	if (vp >= p->max_vps || !atomic_load(&p->vps[vp].present))
		return -ENOENT;
	atomic_store_explicit(&p->vps[vp].present, false, memory_order_release);
	sim_vp_retire(p, vp, &p->vps[vp]);
	return 0;
}

bool synic_vp_present(const struct synic_partition *p, uint32_t vp)
{
	return vp_get(p, vp) != NULL;
}

static bool vp_takes(const struct synic_vp *v, uint8_t sint, enum vp_page page)
{
	const _Atomic uint64_t *pagep = page == VP_PAGE_SIM ? &v->simp : &v->siefp;

	return (atomic_load_explicit(&v->scontrol, memory_order_relaxed) &
		HV_SCONTROL_ENABLE) &&
	       (atomic_load_explicit(pagep, memory_order_relaxed) & HV_PAGE_ENABLE) &&
	       !(atomic_load_explicit(&v->sint[sint], memory_order_relaxed) &
		 HV_SINT_MASKED);
}

uint32_t vp_select_any(const struct synic_partition *p, uint8_t sint, enum vp_page page)
{
	for (uint32_t i = 0; i < p->max_vps; i++) {
		const struct synic_vp *v = vp_get(p, i);

		if (v && vp_takes(v, sint, page))
			return i;
	}
	return SYNIC_NO_VP;
}
