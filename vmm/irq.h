/* SPDX-License-Identifier: MIT */
/*
 * Interrupts with a user-space local APIC (devices/lapic.c), since KVM's
 * in-kernel APIC cannot do Hyper-V's AutoEOI here: no KVM_CREATE_IRQCHIP;
 * vectors are injected through the sync-regs vCPU events that KVM_RUN
 * carries (no extra ioctl), when KVM reports the vCPU ready, else an
 * interrupt window is requested. A halted vCPU sleeps on its own condition
 * variable until a deliverable interrupt arrives; a running one is kicked.
 * Each vCPU's APIC timer is a POSIX timer that signals that vCPU's thread.
 */
#ifndef SYNVMM_IRQ_H
#define SYNVMM_IRQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct vcpu;

/* Stage: the APIC bus, its MMIO page, per-vCPU timers. 0 or an exit code. */
int irq_setup(struct machine *m, char *err, size_t errlen);
void irq_teardown(struct machine *m);
/* vCPU thread, before each KVM_RUN: fire a due timer, inject or ask for a window. */
void irq_before_run(struct vcpu *v);
/* vCPU thread, after HLT: sleep until something can wake the vCPU. */
void irq_halt(struct vcpu *v);
/* vCPU thread, once at its start: its APIC timer. */
void irq_thread_start(struct vcpu *v);
/* Any thread: wake v (halted or running) to look at its APIC again. */
void irq_notify(struct vcpu *v);

#endif
