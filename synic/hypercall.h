/* The hypercall call-code table shared by hypercall.c (decode, fetch,
 * dispatch) and hc_handlers.c (per-call input decoding). */
#ifndef SYNIC_HYPERCALL_H
#define SYNIC_HYPERCALL_H

#include <stddef.h>

#include "internal.h"

#define HC_MAX_INPUT 256  /* bytes; the largest simple input (PostMessage) */

typedef uint16_t (*hc_handler)(struct synic_partition *p, uint32_t vp,
			       const uint8_t *in);

struct hc_desc {
	uint16_t code;
	uint16_t input_size;    /* bytes fetched from memory or registers */
	uint64_t privilege;     /* HV_PRIV_* the caller must hold */
	bool fast_ok;           /* register input allowed (input <= 16 bytes) */
	bool rep;               /* rep call (none yet; decode supports it) */
	hc_handler fn;
	const char *name;
};

/* Add a call: one row here plus its handler. */
extern const struct hc_desc hc_table[];
extern const size_t hc_table_len;

/* Little-endian field readers for fetched input. */
static inline uint64_t in_u64(const uint8_t *in, size_t off)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | in[off + (size_t)i];
	return v;
}

static inline uint32_t in_u32(const uint8_t *in, size_t off)
{
	return (uint32_t)in[off] | (uint32_t)in[off + 1] << 8 |
	       (uint32_t)in[off + 2] << 16 | (uint32_t)in[off + 3] << 24;
}

static inline uint16_t in_u16(const uint8_t *in, size_t off)
{
	return (uint16_t)(in[off] | in[off + 1] << 8);
}

#endif
