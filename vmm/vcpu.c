// SPDX-License-Identifier: MIT
#include "vcpu.h"
#include "boot.h"
#include "irq.h"
#include "startup.h"
#include "exit_codes.h"
#include "lapic.h"
#include "machine.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define SYNC_WANTED (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

/* The vCPU this thread runs: the kick handler (and the APIC timer, whose
 * signal is the same) stops its next or current KVM_RUN. */
static _Thread_local struct kvm_run *volatile this_run;

static void kick_handler(int sig)
{
	(void)sig;
	if (this_run)
		this_run->immediate_exit = 1;
}

int vcpu_kick_signal_init(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0 ? -errno : 0;
}

/* The guest's CPUID: what KVM supports, with this vCPU's APIC ID. */
static int vcpu_set_cpuid(struct vcpu *v, const struct kvm_cpuid2 *supported)
{
	size_t size = sizeof(*supported) + supported->nent * sizeof(supported->entries[0]);
	struct kvm_cpuid2 *c = malloc(size);
	int ret;

	if (!c)
		return -ENOMEM;
	memcpy(c, supported, size);
	for (unsigned int i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (v->index << 24);
		if (e->function == 0xb || e->function == 0x1f)
			e->edx = v->index;
	}
	ret = kvm_ioctl(v->fd, KVM_SET_CPUID2, c);
	free(c);
	return ret;
}

/* The guest's TSC runs at the host's rate from an offset KVM chose at
 * creation; measure it once so the APIC model can read the guest TSC
 * without an ioctl. */
static int vcpu_measure_tsc_offset(struct vcpu *v)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} msrs = { .hdr.nmsrs = 1, .e.index = 0x10 /* IA32_TIME_STAMP_COUNTER */ };
	uint64_t before = __builtin_ia32_rdtsc();
	int ret = kvm_ioctl(v->fd, KVM_GET_MSRS, &msrs);
	uint64_t after = __builtin_ia32_rdtsc();

	if (ret < 0)
		return ret;
	v->tsc_offset = (int64_t)(msrs.e.data - (before + (after - before) / 2));
	return 0;
}

static int vcpu_set_boot_state(struct vcpu *v)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret = kvm_ioctl(v->fd, KVM_GET_SREGS, &sregs);

	if (ret < 0)
		return ret;
	boot_vcpu_state(&sregs, &regs, v->m->image.entry, v->index);
	ret = kvm_ioctl(v->fd, KVM_SET_SREGS, &sregs);
	if (ret < 0)
		return ret;
	return kvm_ioctl(v->fd, KVM_SET_REGS, &regs);
}

int vcpu_create(struct vcpu *v, struct machine *m, unsigned int index, char *err,
		size_t errlen)
{
	int ret;

	memset(v, 0, sizeof(*v));
	v->m = m;
	v->index = index;
	atomic_init(&v->in_guest, false);
	atomic_init(&v->activity, "created");
	/* Only the boot vCPU runs from the start; the others wait for SIPI. */
	atomic_init(&v->startup_check, index != 0);
	v->waiting_sipi = index != 0;
	pthread_mutex_init(&v->wait_lock, NULL);
	pthread_cond_init(&v->wake, NULL);
	v->fd = kvm_ioctl(m->vm_fd, KVM_CREATE_VCPU, (void *)(uintptr_t)index);
	if (v->fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU %u failed: %s", index, strerror(-v->fd));
		return v->fd;
	}
	v->run_size = m->kvm.vcpu_mmap_size;
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (v->run == MAP_FAILED) {
		ret = -errno;
		v->run = NULL;
		snprintf(err, errlen, "mmap of vCPU %u's kvm_run failed: %s", index, strerror(-ret));
		return ret;
	}
	ret = vcpu_set_cpuid(v, m->cpuid);
	if (!ret)
		ret = vcpu_set_boot_state(v);
	if (!ret)
		ret = vcpu_measure_tsc_offset(v);
	if (ret < 0) {
		snprintf(err, errlen, "%s on vCPU %u failed: %s", kvm_last_failed_ioctl(), index,
			 strerror(-ret));
		return ret;
	}
	v->ctx = (struct dispatch_ctx){
		.vp = index,
		.pio = &m->pio,
		.mmio = &m->mmio,
		.strict_io = m->cfg->strict_io,
		.run_size = v->run_size,
		.hooks = &m->hooks,
	};
	return 0;
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->run)
		munmap(v->run, v->run_size);
	if (v->fd > 0)
		close(v->fd);
	v->run = NULL;
	v->fd = -1;
	pthread_cond_destroy(&v->wake);
	pthread_mutex_destroy(&v->wait_lock);
}

static void vcpu_report_error(struct vcpu *v)
{
	char regs[2048];

	dispatch_format_regs(v->run, regs, sizeof(regs));
	machine_finish(v->m, EXIT_VMM_ERROR, "vp%u: %s\n%s", v->index, v->ctx.err, regs);
}

/* KVM_RUN failed: EINTR is a kick, anything else ends the run. */
static bool vcpu_run_failed(struct vcpu *v, int e)
{
	if (e == EINTR || e == EAGAIN) {
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_RELAXED);
		return false;
	}
	machine_finish(v->m, EXIT_VMM_ERROR, "vp%u: KVM_RUN failed: %s", v->index, strerror(e));
	return true;
}

/* The run timed out: say where this vCPU was, so a hung guest (or a lost
 * wake-up in the VMM) can be told apart from a slow one. */
static void vcpu_report_timeout(struct vcpu *v)
{
	const struct kvm_regs *r = &v->run->s.regs.regs;
	struct lapic *l = lapic_bus_get(&v->m->apics, v->index);
	char apic[160] = "no APIC";

	if (atomic_load(&v->m->exit_code) != EXIT_TIMEOUT)
		return;
	if (l)
		lapic_format_state(l, apic, sizeof(apic));
	if (!v->ran_once) {
		fprintf(stderr, "synvmm: vp%u at timeout: %s, never ran\n", v->index,
			atomic_load(&v->activity));
		return;
	}
	fprintf(stderr, "synvmm: vp%u at timeout: %s, RIP 0x%llx RFLAGS 0x%llx (IF %d), "
		"injecting %s; APIC %s\n", v->index, atomic_load(&v->activity),
		(unsigned long long)r->rip, (unsigned long long)r->rflags,
		(int)(r->rflags >> 9 & 1),
		v->run->s.regs.events.interrupt.injected ? "a vector" : "nothing", apic);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct machine *m = v->m;
	char name[16];

	snprintf(name, sizeof(name), "vcpu0.%u", v->index);
	pthread_setname_np(pthread_self(), name);
	this_run = v->run;
	v->tid = gettid();
	irq_thread_start(v);

	while (!machine_stopping(m)) {
		int ret;

		atomic_store(&v->activity, v->waiting_sipi ? "waiting for SIPI" : "running");
		if (!startup_service(v))
			break;
		atomic_store(&v->activity, "running");
		v->run->kvm_valid_regs = SYNC_WANTED;
		/* in_guest before looking at the APIC: a vector raised after the
		 * look sees in_guest and kicks. */
		atomic_store(&v->in_guest, true);
		irq_before_run(v);
		ret = ioctl(v->fd, KVM_RUN, 0);
		atomic_store(&v->in_guest, false);
		if (ret < 0) {
			if (vcpu_run_failed(v, errno))
				break;
			continue;
		}
		v->ran_once = true;
		switch (dispatch_exit(&v->ctx, v->run)) {
		case DISPATCH_CONTINUE:
			break;
		case DISPATCH_HALT:
			atomic_store(&v->activity, "halted (HLT)");
			irq_halt(v);
			break;
		case DISPATCH_STOP:
			return NULL;
		case DISPATCH_ERROR:
			vcpu_report_error(v);
			return NULL;
		}
	}
	vcpu_report_timeout(v);
	return NULL;
}

int vcpu_start(struct vcpu *v)
{
	int ret = pthread_create(&v->thread, NULL, vcpu_thread, v);

	if (ret)
		return -ret;
	v->started = true;
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	if (!v->started)
		return;
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_RELEASE);
	pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}

void vcpu_join(struct vcpu *v)
{
	if (v->started)
		pthread_join(v->thread, NULL);
	v->started = false;
}
