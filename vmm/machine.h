/* SPDX-License-Identifier: MIT */
/*
 * One VM: guest RAM, the loaded guest, devices, vCPU threads, and the
 * verdict. machine_start() runs a table of start-up stages and unwinds only
 * those that completed; machine_wait() blocks until the first terminal event
 * (test device, crash, timeout, all vCPUs halted) and returns its exit code.
 */
#ifndef SYNVMM_MACHINE_H
#define SYNVMM_MACHINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "debug_exit.h"
#include "dispatch.h"
#include "fw_cfg.h"
#include "guest_ram.h"
#include "hv_testdev.h"
#include "hyperv.h"
#include "iobus.h"
#include "kvm.h"
#include "lapic.h"
#include "loader.h"
#include "testdev.h"
#include "uart.h"

struct vcpu;
struct kvm_cpuid2;

struct machine {
	const struct vmm_config *cfg;
	struct kvm_sys kvm;
	int vm_fd;
	struct guest_ram ram;
	void *elf_file;
	size_t elf_size;
	struct elf_image image;
	struct kvm_cpuid2 *cpuid;

	struct iobus pio, mmio;
	struct uart uart;
	pthread_mutex_t uart_lock; /* vCPUs share COM1 */
	FILE *serial;
	struct testdev testdev;
	struct fw_cfg fw_cfg;
	struct debug_exit debug_exit; /* shared by every --device isa-debug-exit */
	struct hv_testdev hv_testdev; /* --device hyperv-testdev */
	bool has_hv_testdev;
	struct lapic_bus apics;
	struct hyperv hv;
	struct dispatch_hooks hooks;

	struct vcpu *vcpus;
	unsigned int nr_vcpus;
	unsigned int stages_done;

	/* The verdict: the first terminal event wins. */
	atomic_int exit_code; /* -1 until decided */
	atomic_bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* verdict decided, or a vCPU halted */
	unsigned int halted;    /* vCPUs in HLT with interrupts off, under lock */
};

/* 0, or the exit code the failure maps to (2 bad ELF, 77 no KVM, 3 other),
 * with one line in err. */
int machine_start(struct machine *m, const struct vmm_config *cfg, char *err,
		  size_t errlen);
int machine_wait(struct machine *m);
void machine_destroy(struct machine *m);

/* Ends the run with `code` unless a verdict was already reached; the
 * message (may be NULL) is printed on stderr only by the winner. */
void machine_finish(struct machine *m, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool machine_stopping(const struct machine *m);
/* A vCPU entered (+1) or left (-1) HLT with interrupts off; when all have
 * entered, nothing can wake them and the run ends (exit 3). */
void machine_halted(struct machine *m, unsigned int vp, int delta);
/* irq.c: raise a vector in vp's local APIC (any thread). */
void machine_raise_irq(struct machine *m, uint32_t vp, uint8_t vector, bool auto_eoi);
/* irq.c: an APIC MSR (APIC base, TSC deadline, x2APIC): 0, or 1 for #GP. */
int machine_apic_msr(struct machine *m, unsigned int vp, uint32_t msr, uint64_t *data,
		     bool is_write);

#endif
