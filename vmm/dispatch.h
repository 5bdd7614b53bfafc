/* SPDX-License-Identifier: MIT */
/*
 * The exit dispatcher: takes the struct kvm_run that KVM_RUN filled and
 * decides what happens next. It issues no ioctl and owns no file descriptor,
 * so the unit tests feed it fake exits; vcpu.c does the KVM_RUN around it.
 */
#ifndef SYNVMM_DISPATCH_H
#define SYNVMM_DISPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iobus.h"

struct kvm_run;

enum dispatch_action {
	DISPATCH_CONTINUE, /* enter the guest again */
	DISPATCH_STOP,     /* a device reached a verdict: leave the run loop */
	DISPATCH_HALT,     /* HLT: sleep until something can wake the vCPU */
	DISPATCH_ERROR,    /* VMM error or guest crash: ctx->err says which */
};

/* Exits the dispatcher hands on, registers and all, to the Hyper-V
 * transport (hyperv.c); NULL where there is none. */
struct dispatch_hooks {
	/* A 1-byte OUT to `hypercall_port`. */
	enum dispatch_action (*hypercall)(void *opaque, unsigned int vp, struct kvm_run *run);
	/* KVM_EXIT_X86_RDMSR / KVM_EXIT_X86_WRMSR. */
	enum dispatch_action (*msr)(void *opaque, unsigned int vp, struct kvm_run *run);
	void *opaque;
	uint16_t hypercall_port;
};

struct dispatch_ctx {
	unsigned int vp;
	const struct dispatch_hooks *hooks; /* may be NULL */
	const struct iobus *pio;
	const struct iobus *mmio;
	bool strict_io;
	size_t run_size; /* bytes mapped at the kvm_run, for bounds checks */
	char err[256];
};

enum dispatch_action dispatch_exit(struct dispatch_ctx *ctx, struct kvm_run *run);
const char *exit_reason_name(unsigned int reason);
/* Registers from kvm_run->s.regs, several lines, for crash reports. */
void dispatch_format_regs(const struct kvm_run *run, char *buf, size_t size);

#endif
