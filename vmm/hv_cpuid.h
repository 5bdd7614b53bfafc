/* SPDX-License-Identifier: MIT */
/*
 * The guest's CPUID with Hyper-V's leaves: KVM's own 0x4000000x leaves
 * replaced by "Microsoft Hv" ones that advertise exactly what synvmm
 * implements (hyperv.md section 3), the hypervisor bit set, and x2APIC
 * cleared (synvmm's user-space APIC offers xAPIC and TSC-deadline).
 */
#ifndef SYNVMM_HV_CPUID_H
#define SYNVMM_HV_CPUID_H

#include <stdint.h>

struct kvm_cpuid2;

#define HV_CPUID_MAX_LEAF 0x40000006u
#define HV_CPUID_FEAT_SINT_POLLING (1u << 17) /* 0x40000003.EDX */
#define HV_CPUID_FEAT_DIRECT_STIMER (1u << 19) /* 0x40000003.EDX: direct-mode timers */

struct hv_cpuid_params {
	uint64_t privileges; /* the partition's mask: 0x40000003 EAX/EBX */
	uint32_t max_vps;
};

/* A new malloc'ed table (the caller frees it), or NULL. */
struct kvm_cpuid2 *hv_cpuid_build(const struct kvm_cpuid2 *supported,
				  const struct hv_cpuid_params *p);

#endif
