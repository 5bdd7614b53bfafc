// SPDX-License-Identifier: MIT
#include "hv_cpuid.h"
#include "hv.h"

#include <linux/kvm.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define HV_LEAVES (HV_CPUID_MAX_LEAF - 0x40000000u + 1)
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID1_ECX_HYPERVISOR (1u << 31)

static uint32_t four_chars(const char *s)
{
	uint32_t v;

	memcpy(&v, s, 4);
	return v;
}

static void hv_leaf(struct kvm_cpuid_entry2 *e, uint32_t leaf, const struct hv_cpuid_params *p)
{
	memset(e, 0, sizeof(*e));
	e->function = leaf;
	switch (leaf) {
	case 0x40000000:
		e->eax = HV_CPUID_MAX_LEAF;
		e->ebx = four_chars("Micr");
		e->ecx = four_chars("osof");
		e->edx = four_chars("t Hv");
		break;
	case 0x40000001:
		e->eax = four_chars("Hv#1");
		break;
	case 0x40000002:
		e->eax = 0x3839;     /* build, as QEMU reports by default */
		e->ebx = 0x000a0000; /* version 10.0 */
		break;
	case 0x40000003:
		e->eax = (uint32_t)p->privileges;
		e->ebx = (uint32_t)(p->privileges >> 32);
		e->edx = HV_CPUID_FEAT_SINT_POLLING;
		/* Direct mode is a privilege-free feature of the timers, so it
		 * is offered exactly when the timers are. */
		if (p->privileges & HV_PRIV_ACCESS_SYNTIMER_REGS)
			e->edx |= HV_CPUID_FEAT_DIRECT_STIMER;
		break;
	case 0x40000004:
		e->ebx = 0xffffffff; /* never notify long spin waits */
		break;
	case 0x40000005:
		e->eax = p->max_vps;
		e->ebx = p->max_vps;
		break;
	default: /* 0x40000006: no hardware features in use */
		break;
	}
}

static bool is_hypervisor_leaf(uint32_t function)
{
	return function >= 0x40000000 && function <= 0x400000ff;
}

struct kvm_cpuid2 *hv_cpuid_build(const struct kvm_cpuid2 *supported,
				  const struct hv_cpuid_params *p)
{
	uint32_t n = 0;
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + (supported->nent + HV_LEAVES) *
						  sizeof(c->entries[0]));

	if (!c)
		return NULL;
	for (uint32_t i = 0; i < supported->nent; i++) {
		struct kvm_cpuid_entry2 e = supported->entries[i];

		if (is_hypervisor_leaf(e.function))
			continue; /* KVM's own signature leaves go */
		if (e.function == 1) {
			/* KVM never lists TSC-deadline as supported (it is a
			 * capability); synvmm's own APIC implements it. */
			e.ecx |= CPUID1_ECX_HYPERVISOR | CPUID1_ECX_TSC_DEADLINE;
			e.ecx &= ~CPUID1_ECX_X2APIC; /* the user-space APIC offers xAPIC only */
		}
		c->entries[n++] = e;
	}
	for (uint32_t leaf = 0x40000000; leaf <= HV_CPUID_MAX_LEAF; leaf++)
		hv_leaf(&c->entries[n++], leaf, p);
	c->nent = n;
	return c;
}
