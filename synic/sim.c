/* The SIM page (hyperv.md section 5): which slot a message may go to, and
 * writing a message into it so that a guest reading the slot on another CPU
 * never sees half of one. */
#include <string.h>

#include "internal.h"

static void put_u32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *b, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* The slot of `sint` if the VP can take a message there now: SynIC on, SIM
 * page on and backed by RAM, SINT unmasked (the message form of rule 8.3). */
bool sim_target_get(const struct synic_partition *p, const struct synic_vp *v,
		    uint8_t sint, struct sim_target *t)
{
	uint64_t simp;
	uint8_t *page;

	if (!(atomic_load_explicit(&v->scontrol, memory_order_acquire) &
	      HV_SCONTROL_ENABLE))
		return false;
	simp = atomic_load_explicit(&v->simp, memory_order_acquire);
	if (!(simp & HV_PAGE_ENABLE))
		return false;
	t->sint = atomic_load_explicit(&v->sint[sint], memory_order_acquire);
	if (t->sint & HV_SINT_MASKED)
		return false;
	/* The VMM may have unplugged the RAM behind a once-valid SIMP. */
	page = p->seams.gpa_map(p->opaque, simp & HV_PAGE_GPA_MASK, HV_PAGE_SIZE);
	if (!page)
		return false;
	t->slot = page + (size_t)sint * HV_MESSAGE_SIZE;
	return true;
}

/* A message as it will appear in the slot: type u32 @0, payload size u8 @4,
 * flags u8 @5, reserved u16 @6, sender u64 @8, payload @16. */
void sim_image(uint8_t img[HV_MESSAGE_SIZE], uint32_t type, uint64_t sender,
	       const void *payload, uint32_t size)
{
	memset(img, 0, HV_MESSAGE_HEADER_SIZE);
	put_u32(img + HV_MSG_OFF_TYPE, type);
	img[HV_MSG_OFF_SIZE] = (uint8_t)size;
	put_u64(img + HV_MSG_OFF_SENDER, sender);
	memcpy(img + HV_MESSAGE_HEADER_SIZE, payload, size);
}

/* The guest empties a slot by storing type 0, then (after a barrier) reads
 * the pending flag and writes EOM if it is set. So on a busy slot the flag
 * is set first and the type read after: either the guest sees the flag, or
 * we see the empty slot (the order Linux KVM notes the TLFS asks for). */
static bool slot_claim(uint8_t *slot, bool retry)
{
	const uint32_t *type = (const uint32_t *)(const void *)slot;

	if (retry)
		__atomic_fetch_or(slot + HV_MSG_OFF_FLAGS, HV_MSG_FLAG_PENDING,
				  __ATOMIC_SEQ_CST);
	return __atomic_load_n(type, __ATOMIC_ACQUIRE) == HV_MSG_TYPE_NONE;
}

/* Body first, then the type with release semantics: a guest that sees the
 * type (acquire) sees the whole message. The flags byte is the one the guest
 * reads right after emptying the slot, so it is stored atomically. */
static void slot_write(uint8_t *slot, const uint8_t *img, bool more)
{
	size_t len = HV_MESSAGE_HEADER_SIZE + img[HV_MSG_OFF_SIZE];

	slot[HV_MSG_OFF_SIZE] = img[HV_MSG_OFF_SIZE];
	__atomic_store_n(slot + HV_MSG_OFF_FLAGS,
			 (uint8_t)(more ? HV_MSG_FLAG_PENDING : 0), __ATOMIC_RELAXED);
	memcpy(slot + HV_MSG_OFF_FLAGS + 1, img + HV_MSG_OFF_FLAGS + 1,
	       len - (HV_MSG_OFF_FLAGS + 1));
	__atomic_store_n((uint32_t *)(void *)slot, get_u32(img), __ATOMIC_RELEASE);
}

bool sim_deliver(struct synic_partition *p, uint32_t vp, struct synic_vp *v,
		 const struct sim_target *t, uint8_t sint,
		 const uint8_t img[HV_MESSAGE_SIZE], bool more, bool retry)
{
	if (!slot_claim(t->slot, retry))
		return false;
	slot_write(t->slot, img, more);
	if (t->sint & HV_SINT_POLLING)
		return true;
	atomic_fetch_add_explicit(&v->sints_asserted, 1, memory_order_relaxed);
	p->seams.sint_assert(p->opaque, vp, sint,
			     (uint8_t)(t->sint & HV_SINT_VECTOR_MASK),
			     t->sint & HV_SINT_AUTO_EOI);
	return true;
}
