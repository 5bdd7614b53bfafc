/* SPDX-License-Identifier: MIT */
/*
 * Host timers behind the synthetic timers (STIMER0-3 of every VP). synic/
 * owns their semantics and asks, through its stimer_arm seam, for a call of
 * synic_stimer_expire() at a TIME_REF_COUNT deadline. One thread here
 * ("hv-timers") sleeps on a condition variable until the earliest deadline
 * (CLOCK_MONOTONIC, the clock TIME_REF_COUNT counts), then makes the calls
 * with no lock held: no busy loop, and no vCPU is stopped for a timer.
 */
#ifndef SYNVMM_HV_TIMERS_H
#define SYNVMM_HV_TIMERS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct machine;

struct hv_timers {
	pthread_mutex_t lock;
	pthread_cond_t changed;   /* a deadline moved, or stop */
	pthread_t thread;
	bool running, stop;       /* under lock */
	unsigned int nr_vps;
	uint64_t *deadline;       /* [vp * 4 + timer]: TIME_REF_COUNT, 0 = none */
	uint8_t *due;             /* the thread's scratch list */
};

/* Start-up stage (after the local APICs exist, before the vCPUs run) and
 * its undo; 0 or an exit code with err filled. */
int hv_timers_start(struct machine *m, char *err, size_t errlen);
void hv_timers_stop(struct machine *m);
/* The stimer_arm seam's body: any thread, never calls into synic/. */
void hv_timers_arm(struct hv_timers *t, uint32_t vp, uint8_t timer, uint64_t deadline_ref);

#endif
