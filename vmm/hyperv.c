// SPDX-License-Identifier: MIT
#include "hyperv.h"
#include "exit_codes.h"
#include "machine.h"
#include "synic.h"
#include "trace.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#define HV_MSR_TIME_REF_COUNT 0x40000020u
#define HV_MSR_FIRST 0x40000000u
#define HV_MSR_COUNT 0x100u
#define EFER_LMA (1ull << 10)
#define CR0_PE 1ull

static const uint8_t hypercall_stub[] = {
	0x9c,             /*  0: pushf */
	0x50,             /*  1: push %rax */
	0x8c, 0xc8,       /*  2: mov %cs,%eax */
	0xa8, 0x03,       /*  4: test $3,%al */
	0x58,             /*  6: pop %rax */
	0x75, 0x04,       /*  7: jnz 13 */
	0x9d,             /*  9: popf */
	0xe6, HV_HYPERCALL_PORT, /* 10: out %al,$port */
	0xc3,             /* 12: ret */
	0x9d,             /* 13: popf */
	0x0f, 0x0b,       /* 14: ud2 */
};


size_t hyperv_stub(uint8_t *buf, size_t size)
{
	if (size >= sizeof(hypercall_stub))
		memcpy(buf, hypercall_stub, sizeof(hypercall_stub));
	return sizeof(hypercall_stub);
}

/* ---- seams the SynIC model calls ---- */

static void *seam_gpa_map(void *opaque, uint64_t gpa, uint64_t len)
{
	struct machine *m = opaque;

	return guest_ram_ptr(&m->ram, gpa, len);
}

static void seam_sint_assert(void *opaque, uint32_t vp, uint8_t sint, uint8_t vector,
			     bool auto_eoi)
{
	struct machine *m = opaque;

	if (trace_on(TRACE_HYPERV))
		trace_printf("vp%u SINT%u asserted: vector 0x%x%s", vp, sint, vector,
			     auto_eoi ? " (AutoEOI)" : "");
	machine_raise_irq(m, vp, vector, auto_eoi);
}

/* The page is an overlay: the RAM beneath comes back when it is disabled.
 * Called from the vCPU thread that wrote the HYPERCALL MSR. */
static void seam_hypercall_page(void *opaque, uint64_t gpa, bool enabled)
{
	struct machine *m = opaque;
	struct hyperv *hv = &m->hv;
	uint64_t old = atomic_exchange(&hv->hypercall_gpa, 0);
	uint8_t *page;

	if (old && (page = guest_ram_ptr(&m->ram, old, 4096)))
		memcpy(page, hv->saved_page, 4096);
	if (!enabled || !(page = guest_ram_ptr(&m->ram, gpa, 4096)))
		return;
	memcpy(hv->saved_page, page, 4096);
	memset(page, 0xcc, 4096); /* int3 beyond the stub */
	hyperv_stub(page, 4096);
	atomic_store(&hv->hypercall_gpa, gpa);
	if (trace_on(TRACE_HYPERV))
		trace_printf("hypercall page at GPA 0x%" PRIx64, gpa);
}

static void synic_trace(void *ctx, uint64_t partition_id, uint32_t vp, const char *what,
			uint64_t a, uint64_t b)
{
	(void)ctx;
	if (trace_on(TRACE_HYPERV))
		trace_printf("partition %" PRIu64 " vp%u: %s (0x%" PRIx64 ", 0x%" PRIx64 ")",
			     partition_id, vp, what, a, b);
}

static uint64_t seam_ref_time(void *opaque)
{
	struct machine *m = opaque;

	return hyperv_ref_time(&m->hv);
}

/* Called with a VP's message lock held: only records the deadline. */
static void seam_stimer_arm(void *opaque, uint32_t vp, uint8_t timer, uint64_t deadline_ref)
{
	struct machine *m = opaque;

	hv_timers_arm(&m->hv.timers, vp, timer, deadline_ref);
}

/* A direct-mode synthetic timer: a plain fixed interrupt, EOIed by the guest. */
static void seam_direct_irq(void *opaque, uint32_t vp, uint8_t vector)
{
	struct machine *m = opaque;

	if (trace_on(TRACE_HYPERV))
		trace_printf("vp%u direct timer interrupt: vector 0x%x", vp, vector);
	machine_raise_irq(m, vp, vector, false);
}

static const struct synic_seams guest_seams = {
	.gpa_map = seam_gpa_map,
	.sint_assert = seam_sint_assert,
	.hypercall_page = seam_hypercall_page,
	.ref_time = seam_ref_time,
	.stimer_arm = seam_stimer_arm,
	.direct_irq = seam_direct_irq,
};

/* ---- set-up ---- */

static int create_partition(struct machine *m, char *err, size_t errlen)
{
	struct synic_partition_config pc = {
		.id = HV_GUEST_PARTITION_ID,
		/* Room for VPs the guest does not have: a port may target one,
		 * and signalling it answers INVALID_VP_INDEX, as the spec says. */
		.max_vps = CONFIG_MAX_CPUS,
		.privileges = m->cfg->privileges,
		.seams = &guest_seams,
		.opaque = m,
	};
	int ret = synic_create(&m->hv.synic);

	if (ret == 0) {
		synic_set_trace(m->hv.synic, synic_trace, m);
		ret = synic_partition_create(m->hv.synic, &pc, &m->hv.partition);
	}
	for (uint32_t vp = 0; ret == 0 && vp < m->cfg->cpus; vp++)
		ret = synic_vp_add(m->hv.partition, vp);
	if (ret == 0)
		ret = synic_partition_set_state(m->hv.partition, SYNIC_PS_ACTIVE);
	if (ret < 0)
		snprintf(err, errlen, "cannot create the SynIC partition: %s", strerror(-ret));
	return ret;
}

static int create_ports(struct machine *m, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < m->cfg->nr_ports; i++) {
		const struct port_option *po = &m->cfg->ports[i];
		struct synic_port_params pp = {
			.partition_id = HV_GUEST_PARTITION_ID,
			.port_id = po->id,
			.type = po->type,
			.target_sint = po->sint,
			.target_vp = po->vp,
			.base_flag = po->base,
			.flag_count = po->count,
		};
		uint16_t st = synic_port_create(m->hv.synic, &pp);

		if (st != HV_STATUS_SUCCESS) {
			snprintf(err, errlen, "--port %u: the SynIC refuses it: %s", po->id,
				 hv_status_name(st));
			return -EINVAL;
		}
	}
	for (unsigned int i = 0; i < m->cfg->nr_connections; i++) {
		const struct connection_option *co = &m->cfg->connections[i];
		uint16_t st = synic_connect(m->hv.synic, HV_GUEST_PARTITION_ID, co->id,
					    HV_GUEST_PARTITION_ID, co->port);

		if (st != HV_STATUS_SUCCESS) {
			snprintf(err, errlen, "--connection %u,port=%u: the SynIC refuses it: %s%s",
				 co->id, co->port, hv_status_name(st),
				 st == HV_STATUS_INVALID_PORT_ID ? " (no such --port)" : "");
			return -EINVAL;
		}
	}
	return 0;
}

/* Every synthetic MSR (and TSC_DEADLINE, for the user-space APIC) exits to
 * user space even on a kernel that knows them; whatever else KVM refuses
 * comes here too, so the answer stays #GP, from us. */
static int setup_msr_exits(struct machine *m, char *err, size_t errlen)
{
	static uint8_t deny_all[HV_MSR_COUNT / 8];
	static uint8_t deny_one[1];
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = KVM_MSR_EXIT_REASON_INVAL | KVM_MSR_EXIT_REASON_UNKNOWN |
			   KVM_MSR_EXIT_REASON_FILTER,
	};
	struct kvm_msr_filter filter = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges = {
			{ .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
			  .base = HV_MSR_FIRST, .nmsrs = HV_MSR_COUNT, .bitmap = deny_all },
			{ .flags = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE,
			  .base = 0x6e0, .nmsrs = 1, .bitmap = deny_one },
		},
	};
	int ret = kvm_ioctl(m->vm_fd, KVM_ENABLE_CAP, &cap);

	if (ret == 0)
		ret = kvm_ioctl(m->vm_fd, KVM_X86_SET_MSR_FILTER, &filter);
	if (ret < 0)
		snprintf(err, errlen, "%s failed: %s (synthetic MSRs need KVM_CAP_X86_USER_SPACE_MSR and KVM_CAP_X86_MSR_FILTER)",
			 kvm_last_failed_ioctl(), strerror(-ret));
	return ret;
}

int hyperv_setup(struct machine *m, char *err, size_t errlen)
{
	clock_gettime(CLOCK_MONOTONIC, &m->hv.start);
	atomic_init(&m->hv.hypercall_gpa, 0);
	if (create_partition(m, err, errlen) < 0)
		return EXIT_VMM_ERROR;
	if (create_ports(m, err, errlen) < 0)
		return EXIT_USAGE;
	return 0;
}

int hyperv_setup_vm(struct machine *m, char *err, size_t errlen)
{
	return setup_msr_exits(m, err, errlen) < 0 ? EXIT_VMM_ERROR : 0;
}

void hyperv_teardown(struct machine *m)
{
	if (m->hv.synic)
		synic_destroy(m->hv.synic);
	m->hv.synic = NULL;
	m->hv.partition = NULL;
}

/* ---- the hypercall trap ---- */

static bool vcpu_in_64bit_mode(const struct kvm_sregs *s)
{
	return (s->efer & EFER_LMA) && s->cs.l;
}

/* Send the guest to the stub's ud2: a real #UD at the hypercall page. */
static enum dispatch_action hypercall_ud(struct kvm_run *run, unsigned int vp, const char *why)
{
	if (trace_on(TRACE_HYPERV))
		trace_printf("vp%u hypercall: #UD (%s)", vp, why);
	run->s.regs.regs.rip += HV_STUB_UD_OFFSET - HV_STUB_OUT_OFFSET;
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	return DISPATCH_CONTINUE;
}

static void hypercall_from_regs(const struct kvm_run *run, bool mode64, struct synic_hypercall *hc)
{
	const struct kvm_regs *r = &run->s.regs.regs;

	if (mode64)
		synic_hypercall_from_x64(hc, r->rcx, r->rdx, r->r8);
	else
		synic_hypercall_from_x86(hc, (uint32_t)r->rax, (uint32_t)r->rbx, (uint32_t)r->rcx,
					 (uint32_t)r->rdx, (uint32_t)r->rsi, (uint32_t)r->rdi);
	hc->cpl = 0;
	hc->real_mode = false;
}

static void hypercall_result(struct kvm_run *run, bool mode64, uint64_t result)
{
	struct kvm_regs *r = &run->s.regs.regs;

	if (mode64) {
		r->rax = result;
	} else {
		uint32_t eax, edx;

		synic_result_to_x86(result, &eax, &edx);
		r->rax = (r->rax & ~0xffffffffull) | eax;
		r->rdx = (r->rdx & ~0xffffffffull) | edx;
	}
	run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

enum dispatch_action hyperv_hypercall_exit(void *machine, unsigned int vp, struct kvm_run *run)
{
	struct machine *m = machine;
	const struct kvm_sregs *s = &run->s.regs.sregs;
	struct synic_hypercall hc;
	uint64_t result;
	bool mode64;

	/* The page may sit at any virtual address: its offset is what we know. */
	if (!atomic_load(&m->hv.hypercall_gpa) ||
	    (run->s.regs.regs.rip & 0xfff) != HV_STUB_OUT_OFFSET) {
		if (trace_on(TRACE_IO))
			trace_printf("vp%u pio out port 0x%x outside the hypercall page: ignored", vp,
				     HV_HYPERCALL_PORT);
		return DISPATCH_CONTINUE;
	}
	if (!(s->cr0 & CR0_PE))
		return hypercall_ud(run, vp, "real mode");
	if (s->ss.dpl != 0)
		return hypercall_ud(run, vp, "CPL > 0");
	mode64 = vcpu_in_64bit_mode(s);
	hypercall_from_regs(run, mode64, &hc);
	if (synic_hypercall(m->hv.partition, vp, &hc, &result) == SYNIC_HC_UD)
		return hypercall_ud(run, vp, "refused by the SynIC");
	if (trace_on(TRACE_HYPERV))
		trace_printf("vp%u hypercall 0x%" PRIx64 " (%s, %s): %s", vp, hc.control,
			     mode64 ? "x64" : "x86", (hc.control & HV_HC_FAST) ? "fast" : "memory",
			     hv_status_name((uint16_t)result));
	hypercall_result(run, mode64, result);
	return DISPATCH_CONTINUE;
}

/* ---- MSR exits ---- */

uint64_t hyperv_ref_time(const struct hyperv *hv)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - hv->start.tv_sec) * 10000000ull +
	       (uint64_t)((now.tv_nsec - hv->start.tv_nsec) / 100);
}

/* TIME_REF_COUNT is the VMM's (it owns the clock); the rest is synic/'s. */
static int hyperv_msr(struct machine *m, unsigned int vp, uint32_t msr, uint64_t *data,
		      bool is_write)
{
	int ret;

	if (msr == HV_MSR_TIME_REF_COUNT) {
		if (is_write ||
		    !(synic_partition_privileges(m->hv.partition) & HV_PRIV_ACCESS_REF_COUNTER))
			return SYNIC_MSR_GP;
		*data = hyperv_ref_time(&m->hv);
		return SYNIC_MSR_OK;
	}
	ret = is_write ? synic_msr_write(m->hv.partition, vp, msr, *data, 0)
		       : synic_msr_read(m->hv.partition, vp, msr, data, 0);
	return ret == SYNIC_MSR_OK ? SYNIC_MSR_OK : SYNIC_MSR_GP;
}

enum dispatch_action hyperv_msr_exit(void *machine, unsigned int vp, struct kvm_run *run)
{
	struct machine *m = machine;
	bool is_write = run->exit_reason == KVM_EXIT_X86_WRMSR;
	uint32_t msr = run->msr.index;
	uint64_t data = is_write ? run->msr.data : 0;
	int ret = SYNIC_MSR_GP;

	if (msr - HV_MSR_FIRST < HV_MSR_COUNT)
		ret = hyperv_msr(m, vp, msr, &data, is_write);
	else
		ret = machine_apic_msr(m, vp, msr, &data, is_write);
	run->msr.error = ret == SYNIC_MSR_OK ? 0 : 1;
	if (!is_write && ret == SYNIC_MSR_OK)
		run->msr.data = data;
	if (trace_on(TRACE_MSR))
		trace_printf("vp%u %s 0x%x %s 0x%" PRIx64 "%s", vp, is_write ? "wrmsr" : "rdmsr", msr,
			     is_write ? "<-" : "->", data, run->msr.error ? ": #GP" : "");
	return DISPATCH_CONTINUE;
}
