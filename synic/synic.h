/* synvmm SynIC library: Hyper-V partitions, per-VP SynIC state, ports,
 * connections and the hypercall layer. Knows nothing of KVM: the VMM feeds it
 * from whatever transport it has (its own MSR/hypercall-page emulation or
 * KVM_EXIT_HYPERV) and implements the seams below.
 *
 * Return conventions: functions that model a hypercall return an HV_STATUS
 * (uint16_t); host-side API misuse returns -errno. Nothing here aborts on
 * guest input. */
#ifndef SYNIC_SYNIC_H
#define SYNIC_SYNIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hv.h"

struct synic;
struct synic_partition;

/* What the VMM provides, per partition. Every callback gets the partition's
 * opaque pointer. Callbacks may be called concurrently from any vCPU thread
 * and must not call back into the library. */
struct synic_seams {
	/* Host pointer for guest-physical [gpa, gpa + len), or NULL if any byte
	 * of it is outside guest RAM. Required for guest partitions. */
	void *(*gpa_map)(void *opaque, uint64_t gpa, uint64_t len);
	/* Assert SINT `sint` of VP `vp` with `vector` (edge). */
	void (*sint_assert)(void *opaque, uint32_t vp, uint8_t sint,
			    uint8_t vector, bool auto_eoi);
	/* The partition's hypercall page must be (re)written at `gpa`
	 * (enabled) or may be dropped (!enabled). Optional. */
	void (*hypercall_page)(void *opaque, uint64_t gpa, bool enabled);
	/* An event port owned by this (root) partition was signalled; the
	 * absolute flag number is base + FlagNumber. Returns an HV_STATUS that
	 * becomes the caller's result. Required for root partitions. */
	uint16_t (*host_event)(void *opaque, uint32_t port_id, uint32_t flag);
	/* A message port owned by this (root) partition received a message
	 * (type 1..0x7FFFFFFF, size <= 240 bytes at payload, valid only during
	 * the call). Returns an HV_STATUS that becomes the caller's result.
	 * Optional: without it root message ports answer INVALID_PORT_ID. */
	uint16_t (*host_message)(void *opaque, uint32_t port_id, uint32_t type,
				 const void *payload, uint32_t size);

	/* Synthetic timers. All three optional; without ref_time and
	 * stimer_arm the STIMER MSRs are not the library's (-ENOENT), without
	 * direct_irq direct mode is refused (#GP). stimer_arm and direct_irq
	 * are called with the VP's message lock held: they must not call back
	 * into the library (arm a host timer and return; its expiry calls
	 * synic_stimer_expire from any thread). */
	/* TIME_REF_COUNT now: 100 ns units since partition start, monotonic. */
	uint64_t (*ref_time)(void *opaque);
	/* Fire synic_stimer_expire(vp, timer) once TIME_REF_COUNT reaches
	 * `deadline_ref`, replacing any earlier deadline of that timer;
	 * deadline_ref 0 cancels it. */
	void (*stimer_arm)(void *opaque, uint32_t vp, uint8_t timer,
			   uint64_t deadline_ref);
	/* Direct-mode timer expiry: raise `vector` (edge) on VP `vp`. */
	void (*direct_irq)(void *opaque, uint32_t vp, uint8_t vector);
};

/* Optional trace hook: a rejected guest value. MSR #GP: a = MSR, b = value;
 * failed hypercall: a = control word, b = HV_STATUS; #UD: a = control. */
typedef void (*synic_trace_fn)(void *ctx, uint64_t partition_id, uint32_t vp,
			       const char *what, uint64_t a, uint64_t b);

/* ---- library instance ---- */
int synic_create(struct synic **out);
void synic_destroy(struct synic *s);
/* Set before vCPUs run; fn == NULL turns tracing off. */
void synic_set_trace(struct synic *s, synic_trace_fn fn, void *ctx);

/* ---- partitions (partition.c) ---- */
enum synic_partition_state {
	SYNIC_PS_CREATED = 0,
	SYNIC_PS_ACTIVE,
	SYNIC_PS_SUSPENDED,
	SYNIC_PS_FINALIZING,
	SYNIC_PS_FINALIZED,
};

#define SYNIC_PARTITION_ROOT  (1u << 0)  /* VMM-owned: events go to host_event */
#define SYNIC_MAX_PARTITIONS  64
#define SYNIC_MAX_VPS         1024

struct synic_partition_config {
	uint64_t id;            /* not 0, not HV_PARTITION_ID_SELF */
	uint32_t max_vps;       /* 1..SYNIC_MAX_VPS (0 allowed for root) */
	uint64_t privileges;    /* HV_PRIV_* mask, the spec's bit positions */
	unsigned flags;         /* SYNIC_PARTITION_* */
	const struct synic_seams *seams;  /* copied */
	void *opaque;
};

/* Partitions live until synic_destroy() (finalize them to retire them): this
 * is what lets the signal path dereference them without a lock. */
int synic_partition_create(struct synic *s,
			   const struct synic_partition_config *cfg,
			   struct synic_partition **out);
struct synic_partition *synic_partition_find(struct synic *s, uint64_t id);
uint64_t synic_partition_id(const struct synic_partition *p);
int synic_partition_set_state(struct synic_partition *p,
			      enum synic_partition_state st);
enum synic_partition_state synic_partition_state(const struct synic_partition *p);
void synic_partition_set_privileges(struct synic_partition *p, uint64_t mask);
uint64_t synic_partition_privileges(const struct synic_partition *p);
/* VP add resets its SynIC state (SCONTROL 0, SINTs masked). */
int synic_vp_add(struct synic_partition *p, uint32_t vp);
int synic_vp_remove(struct synic_partition *p, uint32_t vp);
bool synic_vp_present(const struct synic_partition *p, uint32_t vp);

/* ---- synthetic MSRs (synic_msr.c): "an MSR was written/read on VP v" ---- */
#define SYNIC_MSR_OK   0
#define SYNIC_MSR_GP   1          /* inject #GP into the guest */
/* -ENOENT: not an MSR this library owns (VMM handles or #GPs it);
 * -EINVAL: vp not present (a VMM bug, not a guest one). */
#define SYNIC_ACCESS_HOST (1u << 0) /* save/restore: no privilege, read-only,
				       vector or page-zeroing rules */
int synic_msr_write(struct synic_partition *p, uint32_t vp, uint32_t msr,
		    uint64_t value, unsigned access);
int synic_msr_read(struct synic_partition *p, uint32_t vp, uint32_t msr,
		   uint64_t *value, unsigned access);

/* ---- hypercalls (hypercall.c): "a hypercall arrived on VP v" ---- */
struct synic_hypercall {
	uint64_t control;       /* RCX, or EDX:EAX */
	uint64_t input;         /* input GPA or fast input 1: RDX, or EBX:ECX */
	uint64_t output;        /* output GPA or fast input 2: R8, or EDI:ESI */
	uint8_t cpl;            /* the transport fills these; KVM_EXIT_HYPERV */
	bool real_mode;         /* has already done the #UD checks: 0/false */
};
#define SYNIC_HC_DONE 0   /* *result holds the value for RAX (or EDX:EAX) */
#define SYNIC_HC_UD   1   /* inject #UD; *result untouched */
int synic_hypercall(struct synic_partition *p, uint32_t vp,
		    const struct synic_hypercall *hc, uint64_t *result);

/* Register conventions (section 1). 64-bit when EFER.LMA && CS.L. */
void synic_hypercall_from_x64(struct synic_hypercall *hc, uint64_t rcx,
			      uint64_t rdx, uint64_t r8);
void synic_hypercall_from_x86(struct synic_hypercall *hc, uint32_t eax,
			      uint32_t ebx, uint32_t ecx, uint32_t edx,
			      uint32_t esi, uint32_t edi);
void synic_result_to_x86(uint64_t result, uint32_t *eax, uint32_t *edx);

/* ---- ports and connections (port.c, connection.c), host side ----
 * The VMM manages ports for unprivileged guests with these; the guest's
 * HvCallCreatePort & co. end up here too. All return an HV_STATUS. */
struct synic_port_params {
	uint64_t partition_id;  /* owner */
	uint32_t port_id;       /* 24-bit */
	uint8_t type;           /* HV_PORT_TYPE_* */
	uint8_t target_sint;    /* message/event ports */
	uint32_t target_vp;     /* index or HV_ANY_VP */
	uint16_t base_flag;     /* event ports */
	uint16_t flag_count;    /* event ports, >= 1, base + count <= 2048 */
	bool from_guest;        /* guest-created: target SINT must be 1..15 */
};
uint16_t synic_port_create(struct synic *s, const struct synic_port_params *pp);
uint16_t synic_port_delete(struct synic *s, uint64_t partition_id,
			   uint32_t port_id);
uint16_t synic_connect(struct synic *s, uint64_t conn_partition_id,
		       uint32_t conn_id, uint64_t port_partition_id,
		       uint32_t port_id);
uint16_t synic_disconnect(struct synic *s, uint64_t conn_partition_id,
			  uint32_t conn_id);

/* HvCallSignalEvent after the hypercall layer's checks (privilege, control
 * word, input fetch, reserved input bits): connection -> port -> flag ->
 * VP -> SynIC -> flag set -> SINT. Lock-free, allocation-free. */
uint16_t synic_signal_event(struct synic_partition *caller, uint32_t conn_id,
			    uint16_t flag_number);

/* HvCallPostMessage after the hypercall layer's checks (privilege, control
 * word, input fetch, RsvdZ, ConnectionId bits 31:24): connection -> port ->
 * type (1..0x7FFFFFFF) and size (<= 240) -> target VP -> SynIC state (SynIC,
 * SIM page, SINT unmasked) -> into the SIM slot, or queued holding one of the
 * port's 16 buffers (INSUFFICIENT_BUFFERS when all are queued). A root-owned
 * port hands the message to host_message. Also the host's way to post into
 * a guest: caller = the root partition, conn_id = its connection. Takes the
 * target VP's message lock; allocates only to queue (bounded, see above). */
uint16_t synic_post_message(struct synic_partition *caller, uint32_t conn_id,
			    uint32_t type, const void *payload, uint32_t size);

/* ---- synthetic timers (stimer.c) ----
 * The host timer armed through the stimer_arm seam expired: from any thread.
 * A stale call (timer since re-programmed or cancelled) is ignored; an early
 * one re-arms the same deadline. Message mode posts HVMSG_TIMER_EXPIRED
 * (0x80000010) into SINTx's SIM slot; direct mode calls direct_irq. Returns
 * 0, -EINVAL (no such VP or timer >= 4) or -ENOENT (no timer seams). */
int synic_stimer_expire(struct synic_partition *p, uint32_t vp, uint8_t timer);

/* ---- a SINT raised by the host (sint.c) ----
 * Assert SINT `sint` of VP `vp` with its programmed vector and AutoEOI, as a
 * device back end or an interrupt route does: 0 (also for a polling SINT,
 * which gets no interrupt), -ENOENT (masked: nothing happens), -EINVAL (no
 * such VP or SINT). Any thread. */
int synic_sint_raise(struct synic_partition *p, uint32_t vp, uint8_t sint);

/* ---- EOI (eoi.c): "the guest EOI'd vector on VP v" ----
 * The VMM's local APIC reports every EOI that retires an in-service vector.
 * Returns the SINT whose vector it was (an unmasked, non-AutoEOI SINT of
 * that VP; the lowest-numbered if several share it), counted in the
 * statistics, or -ENOENT when no SINT of the VP uses it. The SINT's next
 * queued message (or pending one-shot timer message) is delivered here, as
 * on an EOM write. */
int synic_sint_eoi(struct synic_partition *p, uint32_t vp, uint8_t vector);
uint64_t synic_stats_sint_eois(const struct synic_partition *p);

/* ---- statistics (stats.c): relaxed atomic counters, summed over VPs ---- */
uint64_t synic_stats_calls(const struct synic_partition *p, uint16_t call_code,
			   uint16_t status);
uint64_t synic_stats_sints_asserted(const struct synic_partition *p);
/* Messages into this partition's SIM pages: delivered (port messages, at
 * once or from a queue), queued now, and dropped from a queue (port deleted,
 * SynIC or SIM page disabled, VP removed). */
uint64_t synic_stats_messages_delivered(const struct synic_partition *p);
uint64_t synic_stats_messages_queued(const struct synic_partition *p);
uint64_t synic_stats_messages_dropped(const struct synic_partition *p);
/* Synthetic timer expiries handled, and periodic ticks not delivered (slot
 * busy or unavailable, or skipped while far behind). */
uint64_t synic_stats_stimer_expiries(const struct synic_partition *p);
uint64_t synic_stats_stimer_ticks_dropped(const struct synic_partition *p);

/* status.c */
const char *hv_status_name(uint16_t status);

#endif
