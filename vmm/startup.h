/* SPDX-License-Identifier: MIT */
/*
 * Application processors start as on hardware: every vCPU but the boot one
 * waits for SIPI; an INIT IPI resets a vCPU's local APIC and sends it back
 * to waiting; the first STARTUP IPI after that starts it in real mode at
 * page `vector` (a SIPI to a running vCPU is ignored, as the SDM says).
 * INIT and SIPI come from the sender's thread; the target applies them on
 * its own thread, before its next KVM_RUN.
 */
#ifndef SYNVMM_STARTUP_H
#define SYNVMM_STARTUP_H

#include <stdbool.h>
#include <stdint.h>

struct vcpu;

/* Any thread. */
void startup_init_ipi(struct vcpu *v);
void startup_sipi(struct vcpu *v, uint8_t vector);
/* The vCPU's own thread, before each KVM_RUN: apply a pending INIT, and
 * wait for SIPI when the vCPU is not started. False: the machine stops. */
bool startup_service(struct vcpu *v);

#endif
