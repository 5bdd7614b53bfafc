// SPDX-License-Identifier: MIT
#include "hv_timers.h"
#include "exit_codes.h"
#include "hyperv.h"
#include "machine.h"
#include "synic.h"
#include "trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TIMERS_PER_VP HV_STIMER_COUNT

void hv_timers_arm(struct hv_timers *t, uint32_t vp, uint8_t timer, uint64_t deadline_ref)
{
	if (vp >= t->nr_vps || timer >= TIMERS_PER_VP)
		return;
	pthread_mutex_lock(&t->lock);
	t->deadline[vp * TIMERS_PER_VP + timer] = deadline_ref;
	pthread_cond_signal(&t->changed);
	pthread_mutex_unlock(&t->lock);
}

/* TIME_REF_COUNT deadline -> absolute CLOCK_MONOTONIC time. */
static struct timespec deadline_abs(const struct hyperv *hv, uint64_t ref)
{
	uint64_t ns = (uint64_t)hv->start.tv_nsec + (ref % 10000000ull) * 100;
	struct timespec ts = {
		.tv_sec = hv->start.tv_sec + (time_t)(ref / 10000000ull) + (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	return ts;
}

/* Under lock: move the expired deadlines to t->due; the earliest left. */
static uint64_t collect_due(struct hv_timers *t, uint64_t now, unsigned int *nr_due)
{
	uint64_t next = UINT64_MAX;

	*nr_due = 0;
	for (unsigned int i = 0; i < t->nr_vps * TIMERS_PER_VP; i++) {
		uint64_t d = t->deadline[i];

		t->due[i] = 0;
		if (!d)
			continue;
		if (d <= now) {
			t->deadline[i] = 0;
			t->due[i] = 1;
			(*nr_due)++;
		} else if (d < next) {
			next = d;
		}
	}
	return next;
}

/* No lock held: synic_stimer_expire may re-arm (periodic) through the seam. */
static void fire_due(struct machine *m, struct hv_timers *t)
{
	for (unsigned int i = 0; i < t->nr_vps * TIMERS_PER_VP; i++) {
		if (!t->due[i])
			continue;
		if (trace_on(TRACE_HYPERV))
			trace_printf("vp%u STIMER%u expired", i / TIMERS_PER_VP, i % TIMERS_PER_VP);
		synic_stimer_expire(m->hv.partition, i / TIMERS_PER_VP,
				    (uint8_t)(i % TIMERS_PER_VP));
	}
}

static void *timer_thread(void *arg)
{
	struct machine *m = arg;
	struct hv_timers *t = &m->hv.timers;

	pthread_setname_np(pthread_self(), "hv-timers");
	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		unsigned int nr_due;
		uint64_t next = collect_due(t, hyperv_ref_time(&m->hv), &nr_due);

		if (nr_due) {
			pthread_mutex_unlock(&t->lock);
			fire_due(m, t);
			pthread_mutex_lock(&t->lock);
		} else if (next == UINT64_MAX) {
			pthread_cond_wait(&t->changed, &t->lock);
		} else {
			struct timespec ts = deadline_abs(&m->hv, next);

			pthread_cond_timedwait(&t->changed, &t->lock, &ts);
		}
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

static int init_timers(struct hv_timers *t, unsigned int nr_vps)
{
	pthread_condattr_t ca;
	int ret;

	t->nr_vps = nr_vps;
	t->deadline = calloc((size_t)nr_vps * TIMERS_PER_VP, sizeof(*t->deadline));
	t->due = calloc((size_t)nr_vps * TIMERS_PER_VP, 1);
	if (!t->deadline || !t->due)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	ret = -pthread_cond_init(&t->changed, &ca);
	pthread_condattr_destroy(&ca);
	return ret;
}

int hv_timers_start(struct machine *m, char *err, size_t errlen)
{
	struct hv_timers *t = &m->hv.timers;
	int ret = init_timers(t, m->nr_vcpus);

	if (ret == 0)
		ret = -pthread_create(&t->thread, NULL, timer_thread, m);
	if (ret < 0) {
		snprintf(err, errlen, "cannot start the synthetic timers' thread: %s", strerror(-ret));
		free(t->deadline);
		free(t->due);
		t->deadline = NULL;
		t->due = NULL;
		return EXIT_VMM_ERROR;
	}
	t->running = true;
	return 0;
}

void hv_timers_stop(struct machine *m)
{
	struct hv_timers *t = &m->hv.timers;

	if (!t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = true;
	pthread_cond_signal(&t->changed);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->running = false;
	t->nr_vps = 0; /* hv_timers_arm ignores everything from now on */
	pthread_cond_destroy(&t->changed);
	pthread_mutex_destroy(&t->lock);
	free(t->deadline);
	free(t->due);
	t->deadline = NULL;
	t->due = NULL;
}
