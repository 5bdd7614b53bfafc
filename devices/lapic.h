/* SPDX-License-Identifier: MIT */
/*
 * The local APIC of each vCPU, modelled in user space.
 *
 * Why: KVM's in-kernel LAPIC cannot deliver Hyper-V SINTs with AutoEOI (an
 * interrupt accepted without setting its ISR bit), and the host KVM has no
 * Hyper-V support, so synvmm runs without KVM_CREATE_IRQCHIP and owns the
 * APIC. The VMM injects lapic_pending_vector() through KVM_INTERRUPT when
 * the vCPU opens an interrupt window, then calls lapic_accept().
 *
 * The model is pure: no file descriptors, no KVM headers, no threads. Time
 * and side effects come through struct lapic_ops.
 *
 * Threading contract:
 *  - Only the vCPU thread that owns an APIC calls lapic_reg_*, lapic_mmio
 *    for its vp, lapic_msr_*, lapic_pending_vector, lapic_accept,
 *    lapic_has_pending, lapic_ppr, lapic_take_nmi, lapic_init_reset and
 *    lapic_timer_* on it. ICR writes run on the sender's thread and reach
 *    other APICs only through lapic_set_irq / lapic_set_nmi / callbacks.
 *  - lapic_set_irq and lapic_set_nmi may be called from any thread (SynIC
 *    signals from another vCPU, IPIs, host timers). They take no lock: IRR,
 *    the per-vector AutoEOI and level bits, the pending errors and the NMI
 *    flag are C11 atomics. Fields a sender reads to match a destination
 *    (ID, LDR, DFR, APIC base, SVR) are atomics written by the owner only.
 *  - Callbacks run on the calling thread: kick may run on any thread; eoi,
 *    init, sipi and timer_changed on a vCPU thread (the EOI writer, the IPI
 *    sender, the timer's owner).
 *
 * Timer: the APIC timer's base clock is LAPIC_TIMER_HZ = 1 GHz, as KVM's, so
 * one count at divide-by-1 is one nanosecond of ops->now_ns. TSC-deadline
 * values convert through tsc_khz (see struct lapic_ops.guest_tsc).
 */
#ifndef SYNVMM_LAPIC_H
#define SYNVMM_LAPIC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iobus;

#define LAPIC_MMIO_BASE 0xfee00000ull
#define LAPIC_MMIO_SIZE 0x1000ull
#define LAPIC_MAX_VCPUS 64
#define LAPIC_TIMER_HZ 1000000000ull

/* Version 0x14 (integrated APIC), max LVT entry 6 (CMCI), no EOI-broadcast
 * suppression. */
#define LAPIC_VERSION_VALUE 0x00060014u

/* Register offsets in the xAPIC page; the x2APIC MSR is 0x800 + offset/16. */
enum lapic_reg {
	LAPIC_REG_ID = 0x20,
	LAPIC_REG_VERSION = 0x30,
	LAPIC_REG_TPR = 0x80,
	LAPIC_REG_APR = 0x90,
	LAPIC_REG_PPR = 0xa0,
	LAPIC_REG_EOI = 0xb0,
	LAPIC_REG_RRD = 0xc0,
	LAPIC_REG_LDR = 0xd0,
	LAPIC_REG_DFR = 0xe0,
	LAPIC_REG_SVR = 0xf0,
	LAPIC_REG_ISR = 0x100,
	LAPIC_REG_TMR = 0x180,
	LAPIC_REG_IRR = 0x200,
	LAPIC_REG_ESR = 0x280,
	LAPIC_REG_LVT_CMCI = 0x2f0,
	LAPIC_REG_ICR_LO = 0x300,
	LAPIC_REG_ICR_HI = 0x310,
	LAPIC_REG_LVT_TIMER = 0x320,
	LAPIC_REG_LVT_THERMAL = 0x330,
	LAPIC_REG_LVT_PERF = 0x340,
	LAPIC_REG_LVT_LINT0 = 0x350,
	LAPIC_REG_LVT_LINT1 = 0x360,
	LAPIC_REG_LVT_ERROR = 0x370,
	LAPIC_REG_TIMER_ICR = 0x380,
	LAPIC_REG_TIMER_CCR = 0x390,
	LAPIC_REG_TIMER_DCR = 0x3e0,
	LAPIC_REG_SELF_IPI = 0x3f0, /* x2APIC only */
};

enum lapic_lvt {
	LAPIC_LVT_TIMER,
	LAPIC_LVT_THERMAL,
	LAPIC_LVT_PERF,
	LAPIC_LVT_LINT0,
	LAPIC_LVT_LINT1,
	LAPIC_LVT_ERROR,
	LAPIC_LVT_CMCI,
	LAPIC_LVT_NR,
};

#define LAPIC_LVT_MASKED (1u << 16)
#define LAPIC_TIMER_ONESHOT (0u << 17)
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)
#define LAPIC_TIMER_MODE_MASK (3u << 17)

#define LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_SVR_FOCUS_DISABLE (1u << 9)

#define LAPIC_ESR_SEND_ILLEGAL (1u << 5)
#define LAPIC_ESR_RECV_ILLEGAL (1u << 6)

/* ICR low word. */
enum lapic_delivery_mode {
	LAPIC_DM_FIXED = 0,
	LAPIC_DM_LOWEST = 1,
	LAPIC_DM_SMI = 2,
	LAPIC_DM_NMI = 4,
	LAPIC_DM_INIT = 5,
	LAPIC_DM_STARTUP = 6,
	LAPIC_DM_EXTINT = 7,
};
#define LAPIC_ICR_DM_SHIFT 8
#define LAPIC_ICR_LOGICAL (1u << 11)
#define LAPIC_ICR_ASSERT (1u << 14)
#define LAPIC_ICR_LEVEL (1u << 15)
#define LAPIC_ICR_SHORTHAND_SHIFT 18
enum lapic_shorthand {
	LAPIC_DEST_NONE = 0,
	LAPIC_DEST_SELF = 1,
	LAPIC_DEST_ALL = 2,
	LAPIC_DEST_ALL_BUT_SELF = 3,
};

#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_TSC_DEADLINE 0x6e0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST 0x8ff
#define LAPIC_BASE_BSP (1ull << 8)
#define LAPIC_BASE_EXTD (1ull << 10) /* x2APIC mode */
#define LAPIC_BASE_EN (1ull << 11)   /* global enable */

/* Callbacks; ctx is the pointer given to lapic_bus_init. Only now_ns is
 * required; a NULL callback is a no-op. */
struct lapic_ops {
	/* A vector or NMI became pending on vp: wake it if it sleeps in HLT
	 * or is running in the guest. */
	void (*kick)(void *ctx, unsigned int vp);
	/* The guest on vp wrote EOI and retired vec from ISR. */
	void (*eoi)(void *ctx, unsigned int vp, uint8_t vec);
	/* INIT IPI to vp: the VMM resets the vCPU, and on vp's own thread
	 * calls lapic_init_reset(). */
	void (*init)(void *ctx, unsigned int vp);
	/* Start-up IPI to vp: start at vec << 12 (real mode, page vec). */
	void (*sipi)(void *ctx, unsigned int vp, uint8_t vec);
	/* Monotonic nanoseconds: the timer clock. */
	uint64_t (*now_ns)(void *ctx);
	/* lapic_timer_next_ns(vp) changed: re-arm the host timer. */
	void (*timer_changed)(void *ctx, unsigned int vp);
	/* Optional: vp's guest TSC now. Without it the guest TSC is taken as
	 * now_ns * tsc_khz / 10^6 (TSC 0 at now_ns 0). */
	uint64_t (*guest_tsc)(void *ctx, unsigned int vp);
};

/* Armed at arm time so a later divide write cannot tear a running count. */
struct lapic_timer {
	uint32_t initial;      /* initial-count register */
	uint32_t dcr;          /* divide-configuration register */
	uint32_t divide;       /* divisor latched when armed */
	uint64_t period_ns;    /* initial * divide, latched when armed */
	uint64_t start_ns;     /* when the count was loaded */
	uint64_t deadline_ns;  /* next expiry in now_ns time; 0: not armed */
	uint64_t tsc_deadline; /* IA32_TSC_DEADLINE as the guest wrote it */
};

struct lapic_bus;

struct lapic {
	struct lapic_bus *bus;
	unsigned int vp;

	/* Raised from any thread: 256 vectors as 8 x 32 bits. */
	_Atomic uint32_t irr[8];
	_Atomic uint32_t auto_eoi[8]; /* accept without setting ISR */
	_Atomic uint32_t level[8];    /* set TMR when accepted */
	_Atomic uint32_t esr_pending; /* errors since the last ESR write */
	atomic_bool nmi_pending;

	/* Written by the owner, read by IPI senders and lapic_set_irq. */
	_Atomic uint32_t id; /* 8-bit xAPIC ID or 32-bit x2APIC ID */
	_Atomic uint32_t ldr;
	_Atomic uint32_t dfr;
	_Atomic uint32_t svr;
	_Atomic uint64_t apic_base;

	/* Owner thread only. */
	uint32_t isr[8];
	uint32_t tmr[8];
	uint32_t tpr;
	uint32_t esr;
	uint32_t icr_lo, icr_hi;
	uint32_t lvt[LAPIC_LVT_NR];
	struct lapic_timer timer;
};

struct lapic_bus {
	struct lapic apics[LAPIC_MAX_VCPUS];
	unsigned int nr_vcpus;
	struct lapic_ops ops;
	void *ctx;
	uint32_t tsc_khz;
};

/* Power-on reset of every APIC; vp 0 is the BSP, APIC ID = vp.
 * 0, or -EINVAL (no vCPUs, too many, no now_ns, tsc_khz 0). */
int lapic_bus_init(struct lapic_bus *bus, unsigned int nr_vcpus,
		   const struct lapic_ops *ops, void *ctx, uint32_t tsc_khz);
/* vp's APIC, or NULL when out of range. */
struct lapic *lapic_bus_get(struct lapic_bus *bus, unsigned int vp);
/* Claim [LAPIC_MMIO_BASE, +4 KiB) on mmio, routed by vp; iobus_register's result. */
__attribute__((warn_unused_result))
int lapic_bus_register_mmio(struct lapic_bus *bus, struct iobus *mmio);
/* The iobus handler (dev = the bus): IO_CONTINUE, or -EINVAL for a bad vp. */
int lapic_mmio(void *dev, unsigned int vp, uint64_t offset, void *data,
	       unsigned int len, bool is_write);

/* One 32-bit register by xAPIC offset: 0, or -EINVAL (reserved, or not
 * readable / writable in the current mode). */
int lapic_reg_read(struct lapic *l, uint32_t reg, uint32_t *val);
int lapic_reg_write(struct lapic *l, uint32_t reg, uint32_t val);
/* IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC 0x800-0x8ff: 0, -EINVAL (the
 * VMM injects #GP), or -ENOENT (not an APIC MSR). */
int lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *value);
int lapic_msr_write(struct lapic *l, uint32_t msr, const uint64_t *value);

/* Any thread. Raise vector; true when it newly became pending (then kick
 * is called). Dropped while the APIC is disabled; vectors 0-15 set ESR
 * "receive illegal vector" instead. */
bool lapic_set_irq(struct lapic *l, uint8_t vector, bool level, bool auto_eoi);
/* Any thread. Make an NMI pending and kick. */
void lapic_set_nmi(struct lapic *l);

/* Owner thread. Highest deliverable vector under PPR, or -1. */
int lapic_pending_vector(struct lapic *l);
/* Owner thread. The VMM injected vector: IRR -> ISR (no ISR for AutoEOI). */
void lapic_accept(struct lapic *l, int vector);
/* Owner thread. A deliverable vector or an NMI waits: wake from HLT. */
bool lapic_has_pending(struct lapic *l);
/* Owner thread. Clear and return the pending NMI. */
bool lapic_take_nmi(struct lapic *l);
/* Owner thread. Processor priority (PPR register). */
uint8_t lapic_ppr(const struct lapic *l);
/* Owner thread. "IRR 0x52 ISR - TPR 0x0 PPR 0x0 SVR 0x1ff": the set vectors
 * of IRR and ISR (highest first, at most 4 each), for diagnostics. */
void lapic_format_state(struct lapic *l, char *buf, size_t len);
/* Owner thread. INIT: everything but the APIC ID and base is reset. */
void lapic_init_reset(struct lapic *l);

/* Owner thread. Absolute expiry in now_ns time, or 0 when not armed. */
uint64_t lapic_timer_next_ns(const struct lapic *l);
/* Owner thread. Fire if due at now_ns: raise the LVT vector unless masked,
 * re-arm periodic on its own schedule, disarm one-shot and TSC-deadline. */
void lapic_timer_tick(struct lapic *l, uint64_t now_ns);

#endif
