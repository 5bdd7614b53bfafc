/* SPDX-License-Identifier: MIT */
/*
 * A vCPU: its fd, its kvm_run, its thread `vcpu<partition>.<n>`. The thread
 * only runs KVM_RUN and hands each exit to dispatch_exit(). A kick sets
 * immediate_exit and sends VCPU_KICK_SIGNAL, so KVM_RUN returns EINTR whether
 * the thread was in the guest or about to enter it.
 */
#ifndef SYNVMM_VCPU_H
#define SYNVMM_VCPU_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "dispatch.h"

#define VCPU_KICK_SIGNAL SIGUSR1

struct machine;
struct kvm_run;

struct vcpu {
	struct machine *m;
	unsigned int index;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	pid_t tid;
	bool started;
	bool ran_once;          /* kvm_run's sync regs hold real state */
	struct dispatch_ctx ctx;

	/* Waking: irq_notify() from any thread, irq_halt() on this one. */
	atomic_bool in_guest;   /* between "about to KVM_RUN" and its return */
	pthread_mutex_t wait_lock;
	pthread_cond_t wake;
	bool wake_pending;      /* under wait_lock */
	/* Start-up (startup.c): under wait_lock but startup_check. */
	atomic_bool startup_check; /* INIT arrived, or not started yet */
	bool init_pending, waiting_sipi, sipi_pending;
	uint8_t sipi_vector;
	int64_t tsc_offset;     /* guest TSC - host TSC, for TSC-deadline */
	timer_t timer;          /* the APIC timer's host timer */
	bool has_timer;
	/* What the thread is doing, for the report when the run times out. */
	const char *_Atomic activity;
};

int vcpu_create(struct vcpu *v, struct machine *m, unsigned int index, char *err,
		size_t errlen);
void vcpu_destroy(struct vcpu *v);
int vcpu_start(struct vcpu *v);
void vcpu_kick(struct vcpu *v);
void vcpu_join(struct vcpu *v);
/* Installs the kick signal's (empty) handler; once per process. */
int vcpu_kick_signal_init(void);

#endif
