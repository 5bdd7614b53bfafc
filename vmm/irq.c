// SPDX-License-Identifier: MIT
#include "irq.h"
#include "exit_codes.h"
#include "gva.h"
#include "lapic.h"
#include "machine.h"
#include "startup.h"
#include "synic.h"
#include "trace.h"
#include "vcpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define RFLAGS_IF (1ull << 9)

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the APIC model's callbacks ---- */

static void op_kick(void *ctx, unsigned int vp)
{
	struct machine *m = ctx;

	if (vp < m->nr_vcpus)
		irq_notify(&m->vcpus[vp]);
}

/* On vp's own thread: the SynIC hears of EOIs of its (non-AutoEOI) SINTs. */
static void op_eoi(void *ctx, unsigned int vp, uint8_t vec)
{
	struct machine *m = ctx;
	int sint = m->hv.partition ? synic_sint_eoi(m->hv.partition, vp, vec) : -1;

	if (trace_on(TRACE_APIC))
		trace_printf("vp%u EOI vector 0x%x%s", vp, vec, sint >= 0 ? " (a SINT)" : "");
}

static void op_init(void *ctx, unsigned int vp)
{
	struct machine *m = ctx;

	if (trace_on(TRACE_APIC))
		trace_printf("vp%u INIT", vp);
	if (vp < m->nr_vcpus)
		startup_init_ipi(&m->vcpus[vp]);
}

static void op_sipi(void *ctx, unsigned int vp, uint8_t vec)
{
	struct machine *m = ctx;

	if (vp < m->nr_vcpus)
		startup_sipi(&m->vcpus[vp], vec);
}

static uint64_t op_now_ns(void *ctx)
{
	(void)ctx;
	return monotonic_ns();
}

/* Called on vp's own thread when its timer deadline moved. */
static void op_timer_changed(void *ctx, unsigned int vp)
{
	struct machine *m = ctx;
	struct vcpu *v = &m->vcpus[vp];
	uint64_t next = lapic_timer_next_ns(lapic_bus_get(&m->apics, vp));
	struct itimerspec its = {
		.it_value = { .tv_sec = (time_t)(next / 1000000000ull),
			      .tv_nsec = (long)(next % 1000000000ull) },
	};

	if (v->has_timer)
		timer_settime(v->timer, TIMER_ABSTIME, &its, NULL);
}

/* Any thread may ask for another vCPU's TSC; the offset is fixed at creation. */
static uint64_t op_guest_tsc(void *ctx, unsigned int vp)
{
	struct machine *m = ctx;

	return __builtin_ia32_rdtsc() + (uint64_t)m->vcpus[vp].tsc_offset;
}

static const struct lapic_ops apic_ops = {
	.kick = op_kick,
	.eoi = op_eoi,
	.init = op_init,
	.sipi = op_sipi,
	.now_ns = op_now_ns,
	.timer_changed = op_timer_changed,
	.guest_tsc = op_guest_tsc,
};

/* ---- what the rest of the VMM calls ---- */

void machine_raise_irq(struct machine *m, uint32_t vp, uint8_t vector, bool auto_eoi)
{
	struct lapic *l = lapic_bus_get(&m->apics, vp);

	if (l)
		lapic_set_irq(l, vector, false, auto_eoi);
}

int machine_apic_msr(struct machine *m, unsigned int vp, uint32_t msr, uint64_t *data,
		     bool is_write)
{
	struct lapic *l = lapic_bus_get(&m->apics, vp);
	int ret;

	if (!l)
		return 1;
	ret = is_write ? lapic_msr_write(l, msr, data) : lapic_msr_read(l, msr, data);
	return ret == 0 ? 0 : 1;
}

void irq_notify(struct vcpu *v)
{
	pthread_mutex_lock(&v->wait_lock);
	v->wake_pending = true;
	pthread_cond_signal(&v->wake);
	pthread_mutex_unlock(&v->wait_lock);
	if (atomic_load(&v->in_guest))
		vcpu_kick(v);
}

static int tsc_khz(struct machine *m)
{
	int khz = m->nr_vcpus ? ioctl(m->vcpus[0].fd, KVM_GET_TSC_KHZ, 0) : -1;

	return khz > 0 ? khz : 1000000; /* a KVM without KVM_GET_TSC_KHZ: 1 GHz */
}

static int create_timer(struct vcpu *v)
{
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = VCPU_KICK_SIGNAL,
	};

	sev._sigev_un._tid = v->tid; /* glibc 2.36 lacks sigev_notify_thread_id */
	if (timer_create(CLOCK_MONOTONIC, &sev, &v->timer) < 0)
		return -errno;
	v->has_timer = true;
	return 0;
}

int irq_setup(struct machine *m, char *err, size_t errlen)
{
	int ret = lapic_bus_init(&m->apics, m->nr_vcpus, &apic_ops, m, (uint32_t)tsc_khz(m));

	if (ret == 0)
		ret = lapic_bus_register_mmio(&m->apics, &m->mmio);
	if (ret < 0) {
		snprintf(err, errlen, "cannot set up the local APICs: %s", strerror(-ret));
		return EXIT_VMM_ERROR;
	}
	return 0;
}

void irq_teardown(struct machine *m)
{
	for (unsigned int i = 0; i < m->nr_vcpus; i++) {
		if (m->vcpus[i].has_timer)
			timer_delete(m->vcpus[i].timer);
		m->vcpus[i].has_timer = false;
	}
}

/* The vCPU thread's own timer, created on that thread (it needs its tid). */
void irq_thread_start(struct vcpu *v)
{
	if (create_timer(v) < 0 && trace_on(TRACE_APIC))
		trace_printf("vp%u: no host timer for the APIC timer: %s", v->index, strerror(errno));
}

static void timer_tick_if_due(struct lapic *l)
{
	uint64_t next = lapic_timer_next_ns(l);

	if (next && monotonic_ns() >= next)
		lapic_timer_tick(l, monotonic_ns());
}

static void inject_nmi(struct kvm_run *run, struct lapic *l)
{
	struct kvm_vcpu_events *ev = &run->s.regs.events;

	if (ev->nmi.injected || ev->nmi.pending || !lapic_take_nmi(l))
		return;
	ev->nmi.pending = 1;
	ev->flags |= KVM_VCPUEVENT_VALID_NMI_PENDING;
	run->kvm_dirty_regs |= KVM_SYNC_X86_EVENTS;
}

/*
 * About to deliver an interrupt with RIP at a HLT: complete the HLT first,
 * as if the CPU had halted and this interrupt woke it, so the handler
 * returns past the HLT. Real hardware may do either, depending on when the
 * interrupt arrived; only this choice keeps `sti; hlt` from sleeping
 * through the very interrupt it waits for when the STI shadow has been
 * lost, which the nested lab's emulated CPU has been seen to do (an
 * interrupt window reported open at the HLT right after STI). Returns true
 * when RIP moved. The walk reads guest memory; it makes no ioctl.
 */
static bool complete_hlt_at_rip(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	const struct kvm_sregs *s = &run->s.regs.sregs;
	const struct gva_regs r = { s->cr0, s->cr3, s->cr4, s->efer };
	uint64_t gpa;
	const uint8_t *op;

	if (gva_to_gpa(&v->m->ram, &r, s->cs.base + run->s.regs.regs.rip, &gpa) < 0)
		return false;
	op = guest_ram_ptr(&v->m->ram, gpa, 1);
	if (!op || *op != 0xF4)
		return false;
	run->s.regs.regs.rip++;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return true;
}

void irq_before_run(struct vcpu *v)
{
	struct lapic *l = lapic_bus_get(&v->m->apics, v->index);
	struct kvm_run *run = v->run;
	struct kvm_vcpu_events *ev = &run->s.regs.events;
	bool hlt_done;
	int vec;

	if (!l || !v->ran_once)
		return; /* the events in kvm_run are valid after the first exit */
	timer_tick_if_due(l);
	inject_nmi(run, l);
	vec = lapic_pending_vector(l);
	if (vec < 0) {
		run->request_interrupt_window = 0;
		return;
	}
	if (!run->ready_for_interrupt_injection || !run->if_flag || ev->interrupt.injected ||
	    ev->exception.injected) {
		run->request_interrupt_window = 1;
		return;
	}
	hlt_done = complete_hlt_at_rip(v);
	ev->interrupt.injected = 1;
	ev->interrupt.nr = (uint8_t)vec;
	ev->interrupt.soft = 0;
	run->kvm_dirty_regs |= KVM_SYNC_X86_EVENTS;
	lapic_accept(l, vec);
	run->request_interrupt_window = lapic_pending_vector(l) >= 0;
	if (trace_on(TRACE_APIC))
		trace_printf("vp%u inject vector 0x%x at RIP 0x%llx%s", v->index, vec,
			     (unsigned long long)run->s.regs.regs.rip,
			     hlt_done ? " (past a HLT it completed)" : "");
}

/* What ends HLT: an interrupt it may take, an NMI, or an INIT (which no
 * flag blocks; the main loop then resets the vCPU to wait for SIPI). */
static bool can_wake(struct vcpu *v, struct lapic *l, bool if_on)
{
	timer_tick_if_due(l);
	return machine_stopping(v->m) || (if_on && lapic_has_pending(l)) ||
	       (!if_on && atomic_load(&l->nmi_pending)) || atomic_load(&v->startup_check);
}

static void wait_for_wake(struct vcpu *v, struct lapic *l)
{
	uint64_t next = lapic_timer_next_ns(l);
	struct timespec ts = { .tv_sec = (time_t)(next / 1000000000ull),
			       .tv_nsec = (long)(next % 1000000000ull) };

	pthread_mutex_lock(&v->wait_lock);
	while (!v->wake_pending && !machine_stopping(v->m)) {
		if (next) {
			if (pthread_cond_timedwait(&v->wake, &v->wait_lock, &ts) == ETIMEDOUT)
				break;
		} else {
			pthread_cond_wait(&v->wake, &v->wait_lock);
		}
	}
	v->wake_pending = false;
	pthread_mutex_unlock(&v->wait_lock);
}

void irq_halt(struct vcpu *v)
{
	struct lapic *l = lapic_bus_get(&v->m->apics, v->index);
	bool if_on = v->run->s.regs.regs.rflags & RFLAGS_IF;

	/* With interrupts off only an NMI wakes a halted CPU: when every vCPU
	 * is there, the guest can never run again. */
	if (!if_on)
		machine_halted(v->m, v->index, +1);
	while (!can_wake(v, l, if_on))
		wait_for_wake(v, l);
	if (!if_on)
		machine_halted(v->m, v->index, -1);
}
