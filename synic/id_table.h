/* A fixed-size open-addressed table of (key -> two u64) slots whose lookups
 * take no lock and never allocate, safe against concurrent insert/delete.
 *
 * Why this shape: slots are never freed, only marked dead (tombstone) and
 * later reused, so a reader can never touch freed memory; each slot carries a
 * sequence counter (odd while a writer edits it) so a reader sees either the
 * old or the new contents, never a mix. A slot goes EMPTY -> LIVE -> TOMB ->
 * LIVE ... and never back to EMPTY, which keeps probe chains valid for readers
 * that run while entries come and go. Writers serialize on a mutex (control
 * path only). */
#ifndef SYNIC_ID_TABLE_H
#define SYNIC_ID_TABLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define ID_TABLE_BITS  12
#define ID_TABLE_SLOTS (1u << ID_TABLE_BITS)

struct id_slot {
	_Atomic uint32_t seq;
	_Atomic uint64_t key;   /* 0 empty; ID_LIVE|k live; ID_TOMB|k dead */
	_Atomic uint64_t val[2];
};

struct id_table {
	pthread_mutex_t lock;   /* writers only */
	uint32_t live;          /* under lock */
	struct id_slot slots[ID_TABLE_SLOTS];
};

/* Keys are 32 bits: partition slot index << 24 | 24-bit id. */
static inline uint32_t id_key(uint32_t partition_index, uint32_t id)
{
	return (partition_index << 24) | (id & 0xFFFFFFu);
}

void id_table_init(struct id_table *t);
void id_table_fini(struct id_table *t);
/* 0, -EEXIST (key live), -ENOSPC (table full). */
int id_table_insert(struct id_table *t, uint32_t key, const uint64_t val[2]);
/* 0 or -ENOENT. */
int id_table_remove(struct id_table *t, uint32_t key);
/* Lock-free; true and the values if `key` is live. */
bool id_table_lookup(const struct id_table *t, uint32_t key, uint64_t val[2]);
/* Same, returning the slot index (stable while the entry lives: entries
 * never move) or -1. Lets callers keep per-entry side data by slot. */
int id_table_lookup_slot(const struct id_table *t, uint32_t key,
			 uint64_t val[2]);

#endif
