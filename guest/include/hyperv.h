/* SPDX-License-Identifier: MIT */
/*
 * Hyper-V guest interface for synvmm test guests: the constants of the TLFS
 * (mirrored from synic/hv.h and /work/shared/reference/hyperv.md; the guest
 * build cannot include synic/ headers) and a small enlightened-guest library
 * (lib/hyperv.c): detection, the hypercall page, HvCallSignalEvent in its
 * fast and memory forms, SynIC set-up and SIEF flag helpers, HvCallPostMessage,
 * the SIM page and its message slots, EOM, the synthetic timers.
 *
 * Everything here goes through the guest-visible interface only (CPUID,
 * MSRs, the hypercall page), never through VMM internals.
 */
#ifndef SYNVMM_GUEST_HYPERV_H
#define SYNVMM_GUEST_HYPERV_H

#include <stdbool.h>
#include <stdint.h>

#include "x86.h"

/* ---- CPUID (hyperv.md section 3) ---- */
#define HV_CPUID_VENDOR          0x40000000u
#define HV_CPUID_INTERFACE       0x40000001u
#define HV_CPUID_VERSION         0x40000002u
#define HV_CPUID_FEATURES        0x40000003u
#define HV_CPUID_ENLIGHTENMENTS  0x40000004u
#define HV_CPUID_LIMITS          0x40000005u
#define HV_CPUID_SIGNATURE_EAX   0x31237648u /* "Hv#1" */
#define HV_CPUID_EDX_SINT_POLLING (1u << 17)
#define HV_CPUID_EDX_DIRECT_STIMER (1u << 19)

/* ---- HV_STATUS (section 2) ---- */
#define HV_STATUS_SUCCESS                 0x0
#define HV_STATUS_INVALID_HYPERCALL_CODE  0x2
#define HV_STATUS_INVALID_HYPERCALL_INPUT 0x3
#define HV_STATUS_INVALID_ALIGNMENT       0x4
#define HV_STATUS_INVALID_PARAMETER       0x5
#define HV_STATUS_ACCESS_DENIED           0x6
#define HV_STATUS_INVALID_PARTITION_STATE 0x7
#define HV_STATUS_OPERATION_DENIED        0x8
#define HV_STATUS_INSUFFICIENT_MEMORY     0xB
#define HV_STATUS_INVALID_PARTITION_ID    0xD
#define HV_STATUS_INVALID_VP_INDEX        0xE
#define HV_STATUS_NOT_FOUND               0x10
#define HV_STATUS_INVALID_PORT_ID         0x11
#define HV_STATUS_INVALID_CONNECTION_ID   0x12
#define HV_STATUS_INSUFFICIENT_BUFFERS    0x13
#define HV_STATUS_INVALID_VP_STATE        0x15
#define HV_STATUS_INVALID_SYNIC_STATE     0x18
#define HV_STATUS_OBJECT_IN_USE           0x19
#define HV_STATUS_NO_RESOURCES            0x1D

/* ---- Call codes ---- */
#define HVCALL_DELETE_PORT      0x0058
#define HVCALL_DISCONNECT_PORT  0x005B
#define HVCALL_POST_MESSAGE     0x005C
#define HVCALL_SIGNAL_EVENT     0x005D
#define HVCALL_CREATE_PORT      0x0095
#define HVCALL_CONNECT_PORT     0x0096
/*
 * A code no hypervisor we emulate implements here (TLFS: HvCallSwitch-
 * VirtualAddressSpace, absent from synvmm's table): the VMM answers
 * INVALID_HYPERCALL_CODE after a table miss, the least work a hypercall can
 * cost. hv_bench uses it as the "null hypercall".
 */
#define HVCALL_NULL_UNKNOWN     0x0001

/* ---- Hypercall control word and result (section 1) ---- */
#define HV_HC_CODE_MASK         0xFFFFull
#define HV_HC_FAST              (1ull << 16)
#define HV_HC_VARHDR_SHIFT      17
#define HV_HC_NESTED            (1ull << 31)
#define HV_HC_REP_COUNT_SHIFT   32
#define HV_HC_REP_START_SHIFT   48
#define HV_HC_RSVD_MASK         ((0xFull << 27) | (0xFull << 44) | (0xFull << 60))
#define HV_HC_STATUS(r)         ((uint16_t)((r) & 0xFFFF))
#define HV_HC_REPS_DONE(r)      (((r) >> 32) & 0xFFF)

/* ---- Privileges (section 3): bits of the 64-bit mask ---- */
#define HV_PRIV_ACCESS_REF_COUNTER    (1ull << 1)
#define HV_PRIV_ACCESS_SYNIC_REGS     (1ull << 2)
#define HV_PRIV_ACCESS_SYNTIMER_REGS  (1ull << 3)
#define HV_PRIV_ACCESS_HYPERCALL_MSRS (1ull << 5)
#define HV_PRIV_ACCESS_VP_INDEX       (1ull << 6)
#define HV_PRIV_POST_MESSAGES         (1ull << 36)
#define HV_PRIV_SIGNAL_EVENTS         (1ull << 37)
#define HV_PRIV_CREATE_PORT           (1ull << 38)
#define HV_PRIV_CONNECT_PORT          (1ull << 39)

/* ---- Synthetic MSRs (section 4) ---- */
#define HV_MSR_GUEST_OS_ID      0x40000000u
#define HV_MSR_HYPERCALL        0x40000001u
#define HV_MSR_VP_INDEX         0x40000002u
#define HV_MSR_TIME_REF_COUNT   0x40000020u
#define HV_MSR_SCONTROL         0x40000080u
#define HV_MSR_SVERSION         0x40000081u
#define HV_MSR_SIEFP            0x40000082u
#define HV_MSR_SIMP             0x40000083u
#define HV_MSR_EOM              0x40000084u
#define HV_MSR_SINT0            0x40000090u
#define HV_MSR_SINT(x)          (HV_MSR_SINT0 + (uint32_t)(x))
#define HV_MSR_STIMER0_CONFIG   0x400000B0u
#define HV_MSR_STIMER_CONFIG(n) (HV_MSR_STIMER0_CONFIG + 2 * (uint32_t)(n))
#define HV_MSR_STIMER_COUNT(n)  (HV_MSR_STIMER0_CONFIG + 2 * (uint32_t)(n) + 1)

#define HV_HYPERCALL_ENABLE     (1ull << 0)
#define HV_HYPERCALL_LOCKED     (1ull << 1)
#define HV_SCONTROL_ENABLE      (1ull << 0)
#define HV_PAGE_ENABLE          (1ull << 0) /* SIEFP and SIMP */
#define HV_SINT_VECTOR_MASK     0xFFull
#define HV_SINT_MASKED          (1ull << 16)
#define HV_SINT_AUTO_EOI        (1ull << 17)
#define HV_SINT_POLLING         (1ull << 18)
#define HV_SINT_RESET           HV_SINT_MASKED
#define HV_SYNIC_VERSION        1

/* A guest OS id with a non-zero vendor: "open source" bit 63, Linux-ish. */
#define HV_GUEST_OS_ID_SYNVMM   0x8100000000000001ull

#define HV_SINT_COUNT           16
#define HV_PAGE_SIZE            4096u
#define HV_SIEF_SLOT_BYTES      256u
#define HV_SIEF_FLAGS_PER_SINT  2048u

/* ---- SIM page messages (section 5) ---- */
#define HV_MESSAGE_SIZE         256u
#define HV_MESSAGE_PAYLOAD_MAX  240u
#define HV_MSG_FLAG_PENDING     0x01u  /* more messages wait: write EOM */
#define HV_MSG_TYPE_NONE        0u     /* an empty slot */
#define HV_MSG_TYPE_HYPERVISOR  0x80000000u /* types >= this are the hypervisor's */
#define HVMSG_TIMER_EXPIRED     0x80000010u
#define HV_TIMER_PAYLOAD_SIZE   24u    /* TimerIndex, RsvdZ, Expiration, Delivery */
/* Messages a port may have waiting for a slot (synic/: HV_PORT_MESSAGE_BUFFERS);
 * the one in the slot holds none. */
#define HV_PORT_MESSAGE_BUFFERS 16u

/* One 256-byte slot of the SIM page, as the TLFS lays it out. */
struct hv_message {
	uint32_t type;
	uint8_t payload_size;
	uint8_t flags;
	uint16_t reserved;
	uint64_t sender;       /* the port id for port messages, 0 for timers */
	uint8_t payload[HV_MESSAGE_PAYLOAD_MAX];
};
_Static_assert(sizeof(struct hv_message) == HV_MESSAGE_SIZE, "SIM slot layout");

/* HVMSG_TIMER_EXPIRED's payload. */
struct hv_timer_message {
	uint32_t timer_index;
	uint32_t reserved;
	uint64_t expiration_time;  /* the deadline, TIME_REF_COUNT units */
	uint64_t delivery_time;    /* TIME_REF_COUNT when it was put in the slot */
};

/* ---- Synthetic timers (section 4): STIMERn_CONFIG fields ---- */
#define HV_STIMER_COUNT         4
#define HV_STIMER_ENABLE        (1ull << 0)
#define HV_STIMER_PERIODIC      (1ull << 1)
#define HV_STIMER_LAZY          (1ull << 2)
#define HV_STIMER_AUTO_ENABLE   (1ull << 3)
#define HV_STIMER_VECTOR(v)     ((uint64_t)(uint8_t)(v) << 4)  /* direct mode */
#define HV_STIMER_DIRECT        (1ull << 12)
#define HV_STIMER_SINT(x)       ((uint64_t)((x) & 0xF) << 16)
#define HV_STIMER_SINT_OF(c)    ((unsigned int)(((c) >> 16) & 0xF))

/* ---- Ports (section 6) ---- */
#define HV_PORT_TYPE_MESSAGE    1
#define HV_PORT_TYPE_EVENT      2
#define HV_PORT_TYPE_MONITOR    3
#define HV_ANY_VP               0xFFFFFFFFu
#define HV_PARTITION_ID_SELF    0xFFFFFFFFFFFFFFFFull

/* ---- Detection ---- */
struct hv_features {
	uint32_t max_leaf;
	uint64_t privileges;  /* EBX:EAX of 0x40000003 */
	uint32_t features_edx;
	uint32_t max_vps;
};
/* Reads the Hyper-V leaves; GUEST_SKIPs when the interface is absent. */
struct hv_features hv_detect(void);
static inline bool hv_has_priv(const struct hv_features *f, uint64_t bit)
{
	return (f->privileges & bit) != 0;
}

/* ---- Hypercalls ---- */
/* The page the VMM fills with the hypercall sequence (GPA = VA). */
extern uint8_t hv_hypercall_pg[HV_PAGE_SIZE];

/* Writes GUEST_OS_ID (if zero) and HYPERCALL = page | enable; checks it. */
void hv_enable_hypercall_page(void);

/*
 * Calls the hypercall page with the x64 convention: RCX = control,
 * RDX = input GPA or fast input 1, R8 = output GPA or fast input 2.
 * Returns RAX, the whole result word (status in 15:0). The interface
 * preserves every register but RAX; this wrapper does not even rely on
 * that for RCX, RDX and R8 (declared clobbered, as Linux does).
 */
static inline uint64_t hv_hypercall(uint64_t control, uint64_t in, uint64_t out)
{
	uint64_t result;
	register uint64_t r8 __asm__("r8") = out;

	__asm__ volatile("call hv_hypercall_pg"
			 : "=a"(result), "+c"(control), "+d"(in), "+r"(r8)
			 :
			 : "cc", "memory");
	return result;
}

/* A 16-byte fast hypercall: two input qwords in RDX and R8. */
static inline uint64_t hv_hypercall_fast(uint16_t code, uint64_t in1, uint64_t in2)
{
	return hv_hypercall(code | HV_HC_FAST, in1, in2);
}

/* This VP's 4 KiB page-aligned input page (and one for output). */
void *hv_input_page(void);
void *hv_output_page(void);

/* Fast SignalEvent input qword: ConnectionId | FlagNumber << 32. */
static inline uint64_t hv_signal_fast_input(uint32_t conn, uint16_t flag)
{
	return (uint64_t)conn | (uint64_t)flag << 32;
}
/* HvCallSignalEvent: return the whole result word. */
uint64_t hv_signal_event_fast(uint32_t conn, uint16_t flag);
uint64_t hv_signal_event_mem(uint32_t conn, uint16_t flag);
/* HvCallDeletePort on this partition (needs CreatePort privilege). */
uint64_t hv_delete_port_fast(uint32_t port);
uint64_t hv_delete_port_mem(uint32_t port);

/* "SUCCESS", "INVALID_PORT_ID", ... or "?" */
const char *hv_status_name(uint64_t status);

/* ---- SynIC ---- */
/* SIEFP = page | 1 (page 4 KiB aligned), then SCONTROL = 1. Per VP. */
void hv_synic_enable(void *sief_page);
void hv_synic_disable(void);
/* SINTx = vector | masked << 16 | auto_eoi << 17 | polling << 18. */
void hv_sint_set(unsigned int sint, uint8_t vector, bool masked, bool auto_eoi,
		 bool polling);

static inline volatile uint8_t *hv_sief_byte(void *sief, unsigned int sint,
					     unsigned int flag)
{
	return (volatile uint8_t *)sief + HV_SIEF_SLOT_BYTES * sint + flag / 8;
}
static inline bool hv_sief_test(void *sief, unsigned int sint, unsigned int flag)
{
	return (*hv_sief_byte(sief, sint, flag) >> (flag % 8)) & 1;
}
/* Atomically clears the flag; returns whether it was set. */
static inline bool hv_sief_test_and_clear(void *sief, unsigned int sint,
					  unsigned int flag)
{
	uint8_t bit = (uint8_t)(1u << (flag % 8));
	uint8_t old = __atomic_fetch_and((uint8_t *)hv_sief_byte(sief, sint, flag),
					 (uint8_t)~bit, __ATOMIC_SEQ_CST);
	return (old & bit) != 0;
}
/* Number of set bits in [start, start + len) bytes of the page. */
unsigned int hv_sief_count_bits(void *sief, unsigned int start, unsigned int len);

/* ---- HvCallPostMessage (0x005C, memory input only) ---- */
/*
 * Builds the 256-byte input block at `in` (8-byte aligned, GPA = VA):
 * ConnectionId @0, RsvdZ @4 = 0, MessageType @8, PayloadSize @12, then
 * min(size, 240) bytes of payload @16 (PayloadSize itself is written as
 * given, so an oversized one can be tested) and zeros after it.
 */
void hv_post_message_input(void *in, uint32_t conn, uint32_t type,
			   const void *payload, uint32_t size);
/* The memory form through this VP's input page: the whole result word. */
uint64_t hv_post_message(uint32_t conn, uint32_t type, const void *payload,
			 uint32_t size);
/* The memory form with any control word and input GPA (for the checks). */
static inline uint64_t hv_post_message_raw(uint64_t control, uint64_t gpa)
{
	return hv_hypercall(HVCALL_POST_MESSAGE | control, gpa, 0);
}
/*
 * The fast form, which the interface refuses (the call is memory-only):
 * RDX = ConnectionId | RsvdZ << 32, R8 = MessageType | PayloadSize << 32.
 */
static inline uint64_t hv_post_message_fast(uint32_t conn, uint32_t type,
					    uint32_t size)
{
	return hv_hypercall_fast(HVCALL_POST_MESSAGE, conn,
				 (uint64_t)type | (uint64_t)size << 32);
}

/* ---- The SIM page and its slots ---- */
/* SIMP = page | 1 (4 KiB aligned; the VMM zeroes it), or 0. Per VP. */
void hv_simp_enable(void *sim_page);
void hv_simp_disable(void);

static inline volatile struct hv_message *hv_sim_slot(void *sim, unsigned int sint)
{
	return (volatile struct hv_message *)((uint8_t *)sim + HV_MESSAGE_SIZE * sint);
}
/* The type with acquire semantics: a non-zero type means the whole
 * message is there (the hypervisor stores the type last). */
static inline uint32_t hv_msg_type(volatile struct hv_message *m)
{
	return __atomic_load_n(&m->type, __ATOMIC_ACQUIRE);
}
static inline uint8_t hv_msg_size(volatile struct hv_message *m) { return m->payload_size; }
static inline uint8_t hv_msg_flags(volatile struct hv_message *m)
{
	return __atomic_load_n(&m->flags, __ATOMIC_SEQ_CST);
}
static inline bool hv_msg_pending(volatile struct hv_message *m)
{
	return (hv_msg_flags(m) & HV_MSG_FLAG_PENDING) != 0;
}
static inline uint64_t hv_msg_sender(volatile struct hv_message *m) { return m->sender; }
static inline const volatile uint8_t *hv_msg_payload(volatile struct hv_message *m)
{
	return m->payload;
}
/* The payload of a timer message, copied out of the slot. */
struct hv_timer_message hv_msg_timer(volatile struct hv_message *m);

/* EOM: "I emptied a slot whose pending flag was set; deliver the next". */
static inline void hv_eom(void) { wrmsr(HV_MSR_EOM, 0); }
/*
 * Empties the slot the TLFS way: type 0, a full barrier, then EOM only if
 * the pending flag is set (the hypervisor sets the flag before it looks at
 * the type again, so one of the two sides always sees the other). Returns
 * whether EOM was written.
 */
bool hv_msg_consume(volatile struct hv_message *m);

/* ---- Synthetic timers ---- */
static inline uint64_t hv_time_ref_count(void) { return rdmsr(HV_MSR_TIME_REF_COUNT); }
static inline void hv_stimer_config_write(unsigned int n, uint64_t config)
{
	wrmsr(HV_MSR_STIMER_CONFIG(n), config);
}
static inline void hv_stimer_count_write(unsigned int n, uint64_t count)
{
	wrmsr(HV_MSR_STIMER_COUNT(n), count);
}
static inline uint64_t hv_stimer_config_read(unsigned int n)
{
	return rdmsr(HV_MSR_STIMER_CONFIG(n));
}
static inline uint64_t hv_stimer_count_read(unsigned int n)
{
	return rdmsr(HV_MSR_STIMER_COUNT(n));
}
/* Stops timer n: CONFIG 0 (the write cancels it), then COUNT 0. */
void hv_stimer_stop(unsigned int n);

/* ---- Command line: `key=NUMBER` (decimal or 0x hex), or `def`. ---- */
uint64_t hv_cmdline_u64(const char *key, uint64_t def);

/* ---- Assertions on results ---- */
/*
 * The whole result word must equal `status` (reps completed and the rest
 * zero for the simple calls tested here); names both statuses on failure.
 */
#define HV_ASSERT_STATUS(result, status)                                       \
	do {                                                                   \
		uint64_t __hr = (result), __hs = (status);                     \
		if (__hr != __hs)                                              \
			guest_report_terminal(TESTDEV_ASSERT, __FILE__,        \
					      __LINE__, __hr, __hs, 0,         \
					      "%s: got %s (0x%llx), want %s", \
					      #result, hv_status_name(__hr),   \
					      (unsigned long long)__hr,        \
					      hv_status_name(__hs));           \
	} while (0)

#endif
