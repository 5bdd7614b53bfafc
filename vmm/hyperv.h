/* SPDX-License-Identifier: MIT */
/*
 * The user-space Hyper-V transport: on a host whose KVM has no Hyper-V, the
 * VMM itself emulates the synthetic MSRs (through KVM's MSR filter and
 * user-space MSR exits) and the hypercall page (a stub whose OUT traps here),
 * and hands synic/ the same events KVM_EXIT_HYPERV would carry.
 *
 * Hypercall page stub (the same bytes decode alike in 16-, 32- and 64-bit
 * code; every register but the result survives, flags included):
 *    0: pushf; push %rax; mov %cs,%eax; test $3,%al; pop %rax
 *    7: jnz 13                  CPL > 0 (or a real-mode CS with low bits): #UD
 *    9: popf; out %al,$0xe8; ret       the VMM's trap
 *   13: popf; ud2
 * The VMM checks the mode again at the trap and sends real mode and CPL > 0
 * to the ud2, so the guest always takes a real #UD at the page.
 */
#ifndef SYNVMM_HYPERV_H
#define SYNVMM_HYPERV_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "dispatch.h"
#include "hv_timers.h"

#define HV_HYPERCALL_PORT 0xe8
#define HV_STUB_OUT_OFFSET 10
#define HV_STUB_UD_OFFSET 14
#define HV_GUEST_PARTITION_ID 1

struct machine;
struct kvm_run;
struct synic;
struct synic_partition;

struct hyperv {
	struct synic *synic;
	struct synic_partition *partition;
	_Atomic uint64_t hypercall_gpa; /* 0: no page */
	uint8_t saved_page[4096];       /* the RAM the page overlays */
	struct timespec start;          /* TIME_REF_COUNT's zero */
	struct hv_timers timers;        /* host side of STIMER0-3 */
};

/* Creates the guest partition with its VPs, ports and connections (before
 * KVM: a refused --port is exit 2 on any host); 0 or an exit code with err
 * filled. */
int hyperv_setup(struct machine *m, char *err, size_t errlen);
/* Sends the synthetic MSRs to user space (needs the VM). */
int hyperv_setup_vm(struct machine *m, char *err, size_t errlen);
void hyperv_teardown(struct machine *m);
/* The dispatcher's hooks for hypercall traps and MSR exits. */
enum dispatch_action hyperv_hypercall_exit(void *machine, unsigned int vp, struct kvm_run *run);
enum dispatch_action hyperv_msr_exit(void *machine, unsigned int vp, struct kvm_run *run);
/* TIME_REF_COUNT now: 100 ns units of CLOCK_MONOTONIC since start. */
uint64_t hyperv_ref_time(const struct hyperv *hv);
/* The stub bytes, for tests and the page writer. */
size_t hyperv_stub(uint8_t *buf, size_t size);

#endif
