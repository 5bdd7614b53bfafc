// SPDX-License-Identifier: MIT
#include "startup.h"
#include "boot.h"
#include "exit_codes.h"
#include "irq.h"
#include "lapic.h"
#include "machine.h"
#include "trace.h"
#include "vcpu.h"

#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

void startup_init_ipi(struct vcpu *v)
{
	pthread_mutex_lock(&v->wait_lock);
	v->init_pending = true;
	v->sipi_pending = false; /* a SIPI counts only after the INIT */
	pthread_mutex_unlock(&v->wait_lock);
	atomic_store(&v->startup_check, true);
	irq_notify(v);
}

void startup_sipi(struct vcpu *v, uint8_t vector)
{
	bool taken;

	pthread_mutex_lock(&v->wait_lock);
	taken = v->waiting_sipi || v->init_pending;
	if (taken) {
		v->sipi_pending = true;
		v->sipi_vector = vector;
	}
	pthread_mutex_unlock(&v->wait_lock);
	if (trace_on(TRACE_APIC))
		trace_printf("vp%u SIPI page 0x%x%s", v->index, vector,
			     taken ? "" : " ignored: the vCPU is running");
	if (taken)
		irq_notify(v);
}

static uint32_t processor_signature(const struct machine *m)
{
	for (uint32_t i = 0; i < m->cpuid->nent; i++)
		if (m->cpuid->entries[i].function == 1)
			return m->cpuid->entries[i].eax;
	return 0;
}

/* Real mode at vector << 12, events cleared: registers by ioctl, which is
 * fine on a path taken once per start. */
static int enter_sipi_state(struct vcpu *v, uint8_t vector)
{
	struct kvm_vcpu_events events = { 0 };
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret = kvm_ioctl(v->fd, KVM_GET_SREGS, &sregs);

	if (ret < 0)
		return ret;
	boot_sipi_state(&sregs, &regs, vector, processor_signature(v->m));
	ret = kvm_ioctl(v->fd, KVM_SET_SREGS, &sregs);
	if (ret == 0)
		ret = kvm_ioctl(v->fd, KVM_SET_REGS, &regs);
	if (ret == 0)
		ret = kvm_ioctl(v->fd, KVM_SET_VCPU_EVENTS, &events);
	v->ran_once = false; /* kvm_run's sync regs are stale until the next exit */
	return ret;
}

/* Under wait_lock: take a pending INIT; true if one was taken. */
static bool take_init(struct vcpu *v)
{
	if (!v->init_pending)
		return false;
	v->init_pending = false;
	v->waiting_sipi = true;
	return true;
}

/* Sleeps until a SIPI (vector in *vector) or the machine stops (false). */
static bool wait_for_sipi(struct vcpu *v, uint8_t *vector, bool *reset)
{
	bool started;

	machine_halted(v->m, v->index, +1);
	pthread_mutex_lock(&v->wait_lock);
	while (!v->sipi_pending && !machine_stopping(v->m)) {
		*reset |= take_init(v);
		pthread_cond_wait(&v->wake, &v->wait_lock);
	}
	/* INIT and SIPI may both have come while we slept: the INIT is the
	 * one this SIPI follows, not a new one for later. */
	*reset |= take_init(v);
	started = v->sipi_pending;
	*vector = v->sipi_vector;
	v->sipi_pending = false;
	v->waiting_sipi = !started;
	pthread_mutex_unlock(&v->wait_lock);
	machine_halted(v->m, v->index, -1);
	return started && !machine_stopping(v->m);
}

bool startup_service(struct vcpu *v)
{
	struct lapic *l = lapic_bus_get(&v->m->apics, v->index);
	bool reset, waiting;
	uint8_t vector;
	int ret;

	if (!atomic_exchange(&v->startup_check, false))
		return true;
	pthread_mutex_lock(&v->wait_lock);
	reset = take_init(v);
	waiting = v->waiting_sipi;
	pthread_mutex_unlock(&v->wait_lock);
	if (!waiting)
		return true;
	if (!wait_for_sipi(v, &vector, &reset))
		return false;
	if (reset && l)
		lapic_init_reset(l);
	if (trace_on(TRACE_APIC))
		trace_printf("vp%u starts in real mode at 0x%x:0000", v->index, vector << 8);
	ret = enter_sipi_state(v, vector);
	if (ret < 0) {
		machine_finish(v->m, EXIT_VMM_ERROR, "vp%u: %s failed on SIPI: %s", v->index,
			       kvm_last_failed_ioctl(), strerror(-ret));
		return false;
	}
	return true;
}
