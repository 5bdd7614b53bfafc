#include "id_table.h"

#include <errno.h>

#define ID_LIVE (1ull << 63)
#define ID_TOMB (1ull << 62)

static inline uint32_t slot_hash(uint32_t key)
{
	return (uint32_t)(((uint64_t)key * 0x9E3779B97F4A7C15ull) >>
			  (64 - ID_TABLE_BITS));
}

void id_table_init(struct id_table *t)
{
	pthread_mutex_init(&t->lock, NULL);
	t->live = 0;
	for (uint32_t i = 0; i < ID_TABLE_SLOTS; i++) {
		atomic_init(&t->slots[i].seq, 0);
		atomic_init(&t->slots[i].key, 0);
		atomic_init(&t->slots[i].val[0], 0);
		atomic_init(&t->slots[i].val[1], 0);
	}
}

void id_table_fini(struct id_table *t)
{
	pthread_mutex_destroy(&t->lock);
}

/* Writer side of the per-slot sequence counter (caller holds t->lock). */
static void slot_write(struct id_slot *s, uint64_t key, const uint64_t *val)
{
	uint32_t seq = atomic_load_explicit(&s->seq, memory_order_relaxed);

	atomic_store_explicit(&s->seq, seq + 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	if (val) {
		atomic_store_explicit(&s->val[0], val[0], memory_order_relaxed);
		atomic_store_explicit(&s->val[1], val[1], memory_order_relaxed);
	}
	atomic_store_explicit(&s->key, key, memory_order_relaxed);
	atomic_store_explicit(&s->seq, seq + 2, memory_order_release);
}

/* Index of the live slot for key, or -1; *free_slot gets the first reusable
 * slot on the probe chain (or -1). Caller holds t->lock. */
static int probe_locked(struct id_table *t, uint32_t key, int *free_slot)
{
	uint32_t h = slot_hash(key);

	*free_slot = -1;
	for (uint32_t i = 0; i < ID_TABLE_SLOTS; i++) {
		uint32_t idx = (h + i) & (ID_TABLE_SLOTS - 1);
		uint64_t k = atomic_load_explicit(&t->slots[idx].key,
						  memory_order_relaxed);
		if (k == (ID_LIVE | key))
			return (int)idx;
		if (!(k & ID_LIVE) && *free_slot < 0)
			*free_slot = (int)idx;
		if (k == 0)
			return -1;
	}
	return -1;
}

int id_table_insert(struct id_table *t, uint32_t key, const uint64_t val[2])
{
	int free_slot, ret = 0;

	pthread_mutex_lock(&t->lock);
	if (probe_locked(t, key, &free_slot) >= 0)
		ret = -EEXIST;
	else if (free_slot < 0 || t->live >= ID_TABLE_SLOTS - 1)
		ret = -ENOSPC;
	else {
		slot_write(&t->slots[free_slot], ID_LIVE | key, val);
		t->live++;
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

int id_table_remove(struct id_table *t, uint32_t key)
{
	int free_slot, idx, ret = 0;

	pthread_mutex_lock(&t->lock);
	idx = probe_locked(t, key, &free_slot);
	if (idx < 0)
		ret = -ENOENT;
	else {
		slot_write(&t->slots[idx], ID_TOMB | key, NULL);
		t->live--;
	}
	pthread_mutex_unlock(&t->lock);
	return ret;
}

/* Reads one slot consistently: returns its key and fills val. */
static uint64_t slot_read(const struct id_slot *s, uint64_t val[2])
{
	for (;;) {
		uint32_t seq = atomic_load_explicit(&s->seq,
						    memory_order_acquire);
		if (seq & 1)
			continue;       /* a writer is mid-edit: a few stores */
		uint64_t k = atomic_load_explicit(&s->key, memory_order_acquire);
		val[0] = atomic_load_explicit(&s->val[0], memory_order_acquire);
		val[1] = atomic_load_explicit(&s->val[1], memory_order_acquire);
		if (atomic_load_explicit(&s->seq, memory_order_relaxed) == seq)
			return k;
	}
}

int id_table_lookup_slot(const struct id_table *t, uint32_t key,
			 uint64_t val[2])
{
	uint32_t h = slot_hash(key);

	for (uint32_t i = 0; i < ID_TABLE_SLOTS; i++) {
		uint32_t idx = (h + i) & (ID_TABLE_SLOTS - 1);
		uint64_t k = slot_read(&t->slots[idx], val);

		if (k == (ID_LIVE | key))
			return (int)idx;
		if (k == 0)
			return -1;
	}
	return -1;
}

bool id_table_lookup(const struct id_table *t, uint32_t key, uint64_t val[2])
{
	return id_table_lookup_slot(t, key, val) >= 0;
}
