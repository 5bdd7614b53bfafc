/* Shared test fixture: a fake VMM implementing the synic seams over a flat
 * guest RAM buffer, and three partitions (root, caller guest, target guest). */
#ifndef TESTS_SYNIC_FIXTURE_H
#define TESTS_SYNIC_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>
#include <cmocka.h>

#include "fx_partition.h"
#include "synic.h"

#define RAM_SIZE   (1u << 20)           /* guest RAM is GPA [0, 1 MiB) */
#define SIEF_GPA   0x10000ull           /* target VP n: SIEF_GPA + n pages */
#define SIMP_GPA   0x20000ull
#define INPUT_GPA  0x30000ull
#define HCPAGE_GPA 0x40000ull

#define ROOT_ID    1
#define CALLER_ID  2
#define TARGET_ID  3
#define NVPS       4
#define ALL_PRIVS  (HV_PRIV_ACCESS_SYNIC_REGS | HV_PRIV_ACCESS_HYPERCALL_MSRS | \
		    HV_PRIV_ACCESS_VP_INDEX | HV_PRIV_SIGNAL_EVENTS | \
		    HV_PRIV_CREATE_PORT | HV_PRIV_CONNECT_PORT | HV_PRIV_POST_MESSAGES | \
		    HV_PRIV_ACCESS_SYNTIMER_REGS)

struct fake_vmm {
	uint8_t *ram;
	_Atomic uint64_t asserts;       /* sint_assert calls */
	uint32_t last_vp;
	uint8_t last_sint, last_vector;
	bool last_auto_eoi;
	int hcpage_calls;
	uint64_t hcpage_gpa;
	bool hcpage_enabled;
	_Atomic uint64_t host_events;
	uint32_t last_host_port, last_host_flag;
	int traces;
	/* host_message */
	_Atomic uint64_t host_messages;
	uint32_t last_msg_port, last_msg_type, last_msg_size;
	uint8_t last_msg_payload[240];
	uint16_t host_message_status;   /* what the fake returns */
	/* timers: the fake clock and what was asked of the VMM */
	uint64_t now;                   /* TIME_REF_COUNT */
	int arm_calls;
	uint32_t arm_vp;
	uint8_t arm_timer;
	uint64_t arm_deadline;          /* last stimer_arm, 0 = cancel */
	int direct_irqs;
	uint32_t direct_vp;
	uint8_t direct_vector;
};

struct fx {
	struct synic *s;
	struct fake_vmm vmm;
	struct synic_partition *root, *caller, *target;
};

extern const struct synic_seams fake_seams;
extern const struct synic_seams fake_root_seams;

int fx_setup(void **state);
int fx_teardown(void **state);

/* SCONTROL, SIEFP (own page) and SINT `sint` (vector 0x40 + sint) on. */
void fx_synic_on(struct synic_partition *p, uint32_t vp, uint8_t sint);
/* Event port `port` in target -> VP vp, SINT sint, base, count; connection
 * `conn` from caller to it. Asserts both succeed. */
void fx_event_port(struct fx *f, uint32_t port, uint32_t vp, uint8_t sint,
		   uint16_t base, uint16_t count, uint32_t conn);
bool fx_flag(const struct fx *f, uint32_t vp, uint8_t sint, uint32_t flag);

/* SCONTROL, SIMP (SIMP_GPA + vp pages) and SINT `sint` (vector 0x40 + sint). */
void fx_sim_on(struct synic_partition *p, uint32_t vp, uint8_t sint);
/* Message port `port` in target -> VP vp, SINT sint; connection `conn` from
 * caller to it. Asserts both succeed. */
void fx_message_port(struct fx *f, uint32_t port, uint32_t vp, uint8_t sint,
		     uint32_t conn);
/* SIM slot of target VP vp, SINT sint, in guest RAM. */
uint8_t *fx_slot(const struct fx *f, uint32_t vp, uint8_t sint);
uint32_t fx_slot_type(const struct fx *f, uint32_t vp, uint8_t sint);
/* The guest consumed the message: type 0. Returns the pending flag. */
bool fx_slot_consume(struct fx *f, uint32_t vp, uint8_t sint);
/* Memory-form HvCallPostMessage from caller VP 0 (input at INPUT_GPA). */
uint16_t fx_post(struct fx *f, uint32_t conn, uint32_t type,
		 const void *payload, uint32_t size);
uint64_t fx_get_u64(const uint8_t *b);
uint32_t fx_get_u32(const uint8_t *b);
/* Fast HvCallSignalEvent from caller VP 0, returns the HV status. */
uint16_t fx_signal_fast(struct fx *f, uint32_t conn, uint16_t flag);
uint64_t fx_hypercall(struct fx *f, uint64_t control, uint64_t in, uint64_t out);

#define FX(state) ((struct fx *)*(state))
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

#endif
