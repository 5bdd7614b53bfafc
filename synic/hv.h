/* Hyper-V architectural constants (TLFS; see /work/shared/reference/hyperv.md).
 * Numbers only: no behaviour lives here. */
#ifndef SYNIC_HV_H
#define SYNIC_HV_H

#include <stdint.h>

/* HV_STATUS (hyperv.md section 2) */
enum hv_status {
	HV_STATUS_SUCCESS = 0x0,
	HV_STATUS_INVALID_HYPERCALL_CODE = 0x2,
	HV_STATUS_INVALID_HYPERCALL_INPUT = 0x3,
	HV_STATUS_INVALID_ALIGNMENT = 0x4,
	HV_STATUS_INVALID_PARAMETER = 0x5,
	HV_STATUS_ACCESS_DENIED = 0x6,
	HV_STATUS_INVALID_PARTITION_STATE = 0x7,
	HV_STATUS_OPERATION_DENIED = 0x8,
	HV_STATUS_INSUFFICIENT_MEMORY = 0xB,
	HV_STATUS_INVALID_PARTITION_ID = 0xD,
	HV_STATUS_INVALID_VP_INDEX = 0xE,
	HV_STATUS_NOT_FOUND = 0x10,
	HV_STATUS_INVALID_PORT_ID = 0x11,
	HV_STATUS_INVALID_CONNECTION_ID = 0x12,
	HV_STATUS_INSUFFICIENT_BUFFERS = 0x13,
	HV_STATUS_INVALID_VP_STATE = 0x15,
	HV_STATUS_INVALID_SYNIC_STATE = 0x18,
	HV_STATUS_OBJECT_IN_USE = 0x19,
	HV_STATUS_NO_RESOURCES = 0x1D,
};

/* Call codes */
#define HVCALL_DELETE_PORT      0x0058
#define HVCALL_DISCONNECT_PORT  0x005B
#define HVCALL_POST_MESSAGE     0x005C
#define HVCALL_SIGNAL_EVENT     0x005D
#define HVCALL_CREATE_PORT      0x0095
#define HVCALL_CONNECT_PORT     0x0096

/* Hypercall control word (section 1) */
#define HV_HC_CODE_MASK         0xFFFFull
#define HV_HC_FAST              (1ull << 16)
#define HV_HC_VARHDR_SHIFT      17
#define HV_HC_VARHDR_MASK       0x3FFull
#define HV_HC_NESTED            (1ull << 31)
#define HV_HC_REP_COUNT_SHIFT   32
#define HV_HC_REP_COUNT_MASK    0xFFFull
#define HV_HC_REP_START_SHIFT   48
#define HV_HC_REP_START_MASK    0xFFFull
#define HV_HC_RSVD_MASK         ((0xFull << 27) | (0xFull << 44) | (0xFull << 60))
#define HV_HC_RESULT_REPS_SHIFT 32

/* Privilege mask bit positions (section 3) */
#define HV_PRIV_ACCESS_REF_COUNTER   (1ull << 1)
#define HV_PRIV_ACCESS_SYNIC_REGS    (1ull << 2)
#define HV_PRIV_ACCESS_SYNTIMER_REGS (1ull << 3)
#define HV_PRIV_ACCESS_HYPERCALL_MSRS (1ull << 5)
#define HV_PRIV_ACCESS_VP_INDEX      (1ull << 6)
#define HV_PRIV_POST_MESSAGES        (1ull << 36)
#define HV_PRIV_SIGNAL_EVENTS        (1ull << 37)
#define HV_PRIV_CREATE_PORT          (1ull << 38)
#define HV_PRIV_CONNECT_PORT         (1ull << 39)

/* Synthetic MSRs (section 4) */
#define HV_MSR_GUEST_OS_ID      0x40000000u
#define HV_MSR_HYPERCALL        0x40000001u
#define HV_MSR_VP_INDEX         0x40000002u
#define HV_MSR_SCONTROL         0x40000080u
#define HV_MSR_SVERSION         0x40000081u
#define HV_MSR_SIEFP            0x40000082u
#define HV_MSR_SIMP             0x40000083u
#define HV_MSR_EOM              0x40000084u
#define HV_MSR_SINT0            0x40000090u
#define HV_MSR_SINT15           0x4000009Fu
#define HV_MSR_STIMER0_CONFIG   0x400000B0u     /* CONFIG = B0 + 2n */
#define HV_MSR_STIMER3_COUNT    0x400000B7u     /* COUNT = B1 + 2n */

#define HV_HYPERCALL_ENABLE     (1ull << 0)
#define HV_HYPERCALL_LOCKED     (1ull << 1)
#define HV_HYPERCALL_RSVD       0xFFCull        /* bits 11:2 */
#define HV_SCONTROL_ENABLE      (1ull << 0)
#define HV_SCONTROL_RSVD        (~1ull)
#define HV_PAGE_ENABLE          (1ull << 0)      /* SIEFP and SIMP */
#define HV_PAGE_RSVD            0xFFEull         /* bits 11:1 */
#define HV_PAGE_GPA_MASK        (~0xFFFull)
#define HV_SINT_VECTOR_MASK     0xFFull
#define HV_SINT_MASKED          (1ull << 16)
#define HV_SINT_AUTO_EOI        (1ull << 17)
#define HV_SINT_POLLING         (1ull << 18)
#define HV_SINT_RSVD            (~(HV_SINT_VECTOR_MASK | HV_SINT_MASKED | \
				   HV_SINT_AUTO_EOI | HV_SINT_POLLING))
#define HV_SINT_RESET           HV_SINT_MASKED
#define HV_SINT_FIRST_VECTOR    16
#define HV_SYNIC_VERSION        1

#define HV_SINT_COUNT           16
#define HV_PAGE_SIZE            4096u
#define HV_SIEF_SLOT_BYTES      256u
#define HV_SIEF_FLAGS_PER_SINT  2048u

/* SIM page messages (section 5) */
#define HV_MESSAGE_SIZE         256u
#define HV_MESSAGE_HEADER_SIZE  16u
#define HV_MESSAGE_PAYLOAD_MAX  240u
#define HV_MSG_OFF_TYPE         0               /* u32, 0 = slot empty */
#define HV_MSG_OFF_SIZE         4               /* u8 payload size */
#define HV_MSG_OFF_FLAGS        5               /* u8 */
#define HV_MSG_OFF_SENDER       8               /* u64 sender / port id */
#define HV_MSG_FLAG_PENDING     0x01u           /* more messages wait: EOM */
#define HV_MSG_TYPE_NONE        0u
#define HV_MSG_TYPE_HYPERVISOR  0x80000000u     /* types >= this: hypervisor's */
#define HVMSG_TIMER_EXPIRED     0x80000010u
#define HV_PORT_MESSAGE_BUFFERS 16u             /* queued messages per port */

/* Synthetic timers (section 4; TLFS "Synthetic Timer Configuration
 * Register", Linux hv_stimer_config) */
#define HV_STIMER_COUNT         4
#define HV_STIMER_ENABLE        (1ull << 0)
#define HV_STIMER_PERIODIC      (1ull << 1)
#define HV_STIMER_LAZY          (1ull << 2)
#define HV_STIMER_AUTO_ENABLE   (1ull << 3)
#define HV_STIMER_VECTOR_SHIFT  4               /* 11:4 APIC vector (direct) */
#define HV_STIMER_VECTOR_MASK   (0xFFull << HV_STIMER_VECTOR_SHIFT)
#define HV_STIMER_DIRECT        (1ull << 12)
#define HV_STIMER_SINT_SHIFT    16              /* 19:16 SINTx */
#define HV_STIMER_SINT_MASK     (0xFull << HV_STIMER_SINT_SHIFT)
#define HV_STIMER_RSVD          (~(HV_STIMER_ENABLE | HV_STIMER_PERIODIC | \
				   HV_STIMER_LAZY | HV_STIMER_AUTO_ENABLE | \
				   HV_STIMER_VECTOR_MASK | HV_STIMER_DIRECT | \
				   HV_STIMER_SINT_MASK))
/* Timer-expired message payload: TimerIndex u32 @0, RsvdZ u32 @4,
 * ExpirationTime u64 @8, DeliveryTime u64 @16 (Linux
 * hv_timer_message_payload). */
#define HV_TIMER_PAYLOAD_SIZE   24u

/* Ports and connections (section 6) */
#define HV_PORT_TYPE_MESSAGE    1
#define HV_PORT_TYPE_EVENT      2
#define HV_PORT_TYPE_MONITOR    3
#define HV_ANY_VP               0xFFFFFFFFu
#define HV_ID_MASK              0x00FFFFFFu      /* 24-bit port/connection ids */
#define HV_PARTITION_ID_INVALID 0ull
#define HV_PARTITION_ID_SELF    0xFFFFFFFFFFFFFFFFull

#endif
