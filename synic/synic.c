/* The library instance: partition registry, port/connection tables, trace. */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

int synic_create(struct synic **out)
{
	struct synic *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	for (unsigned i = 0; i < SYNIC_MAX_PARTITIONS; i++)
		atomic_init(&s->partitions[i], NULL);
	id_table_init(&s->ports);
	id_table_init(&s->conns);
	for (unsigned i = 0; i < ID_TABLE_SLOTS; i++)
		atomic_init(&s->port_queued[i], 0);
	atomic_init(&s->port_gen, 0);
	*out = s;
	return 0;
}

static void partition_free(struct synic_partition *p)
{
	pthread_mutex_destroy(&p->msr_lock);
	partition_vps_fini(p);
	free(p);
}

void synic_destroy(struct synic *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < SYNIC_MAX_PARTITIONS; i++) {
		struct synic_partition *p = partition_at(s, i);
		if (p)
			partition_free(p);
	}
	id_table_fini(&s->ports);
	id_table_fini(&s->conns);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

void synic_set_trace(struct synic *s, synic_trace_fn fn, void *ctx)
{
	s->trace = fn;
	s->trace_ctx = ctx;
}

void synic_trace(const struct synic_partition *p, uint32_t vp,
		 const char *what, uint64_t a, uint64_t b)
{
	const struct synic *s = p->synic;

	if (s->trace)
		s->trace(s->trace_ctx, p->id, vp, what, a, b);
}
