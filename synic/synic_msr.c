/* Synthetic MSRs owned by this library (hyperv.md section 4): partition-wide
 * GUEST_OS_ID and HYPERCALL, per-VP VP_INDEX and the SynIC registers.
 * Every rejected guest value is a #GP (SYNIC_MSR_GP), never a crash. */
#include <errno.h>
#include <string.h>

#include "internal.h"

static bool msr_is_sint(uint32_t msr)
{
	return msr >= HV_MSR_SINT0 && msr <= HV_MSR_SINT15;
}

/* Privilege bit that grants guest access, or 0 if not our MSR. */
static uint64_t msr_privilege(const struct synic_partition *p, uint32_t msr)
{
	if (stimer_msr(msr))
		return stimer_supported(p) ? HV_PRIV_ACCESS_SYNTIMER_REGS : 0;
	switch (msr) {
	case HV_MSR_GUEST_OS_ID:
	case HV_MSR_HYPERCALL:
		return HV_PRIV_ACCESS_HYPERCALL_MSRS;
	case HV_MSR_VP_INDEX:
		return HV_PRIV_ACCESS_VP_INDEX;
	case HV_MSR_SCONTROL:
	case HV_MSR_SVERSION:
	case HV_MSR_SIEFP:
	case HV_MSR_SIMP:
	case HV_MSR_EOM:
		return HV_PRIV_ACCESS_SYNIC_REGS;
	default:
		return msr_is_sint(msr) ? HV_PRIV_ACCESS_SYNIC_REGS : 0;
	}
}

static int msr_gp(struct synic_partition *p, uint32_t vp, const char *what,
		  uint32_t msr, uint64_t value)
{
	synic_trace(p, vp, what, msr, value);
	return SYNIC_MSR_GP;
}

static void hypercall_page_notify(struct synic_partition *p, uint64_t msr_val)
{
	if (p->seams.hypercall_page)
		p->seams.hypercall_page(p->opaque, msr_val & HV_PAGE_GPA_MASK,
					msr_val & HV_HYPERCALL_ENABLE);
}

/* Zero disables the hypercall page (hyperv.md section 4). */
static int guest_os_id_write(struct synic_partition *p, uint64_t value)
{
	pthread_mutex_lock(&p->msr_lock);
	atomic_store(&p->guest_os_id, value);
	uint64_t hc = atomic_load(&p->hypercall);
	if (value == 0 && (hc & HV_HYPERCALL_ENABLE)) {
		atomic_store(&p->hypercall, hc & ~HV_HYPERCALL_ENABLE);
		hypercall_page_notify(p, hc & ~HV_HYPERCALL_ENABLE);
	}
	pthread_mutex_unlock(&p->msr_lock);
	return SYNIC_MSR_OK;
}

/* Enable has no effect while GUEST_OS_ID is 0; a locked MSR ignores guest
 * writes; the VMM writes the stub code when told the page is enabled. */
static int hypercall_write(struct synic_partition *p, uint32_t vp,
			   uint64_t value, bool host)
{
	int ret = SYNIC_MSR_OK;

	if (value & HV_HYPERCALL_RSVD)
		return msr_gp(p, vp, "wrmsr HYPERCALL reserved", HV_MSR_HYPERCALL, value);
	pthread_mutex_lock(&p->msr_lock);
	uint64_t old = atomic_load(&p->hypercall);
	if (!host && (old & HV_HYPERCALL_LOCKED))
		goto out;
	if (atomic_load(&p->guest_os_id) == 0)
		value &= ~HV_HYPERCALL_ENABLE;
	if ((value & HV_HYPERCALL_ENABLE) &&
	    !p->seams.gpa_map(p->opaque, value & HV_PAGE_GPA_MASK, HV_PAGE_SIZE)) {
		ret = msr_gp(p, vp, "wrmsr HYPERCALL outside RAM", HV_MSR_HYPERCALL, value);
		goto out;
	}
	atomic_store(&p->hypercall, value);
	if ((value | old) & HV_HYPERCALL_ENABLE)
		hypercall_page_notify(p, value);
out:
	pthread_mutex_unlock(&p->msr_lock);
	return ret;
}

/* SIEFP and SIMP: enabling zeroes the page; a page outside RAM is #GP. */
static int page_msr_write(struct synic_partition *p, uint32_t vp,
			  _Atomic uint64_t *reg, uint32_t msr, uint64_t value,
			  bool host)
{
	if (value & HV_PAGE_RSVD)
		return msr_gp(p, vp, "wrmsr page reserved", msr, value);
	if ((value & HV_PAGE_ENABLE) && !host) {
		void *page = p->seams.gpa_map(p->opaque, value & HV_PAGE_GPA_MASK,
					      HV_PAGE_SIZE);
		if (!page)
			return msr_gp(p, vp, "wrmsr page outside RAM", msr, value);
		memset(page, 0, HV_PAGE_SIZE);
	}
	atomic_store_explicit(reg, value, memory_order_release);
	return SYNIC_MSR_OK;
}

static int sint_write(struct synic_partition *p, uint32_t vp,
		      struct synic_vp *v, uint32_t msr, uint64_t value, bool host)
{
	if (value & HV_SINT_RSVD)
		return msr_gp(p, vp, "wrmsr SINT reserved", msr, value);
	if (!host && !(value & HV_SINT_MASKED) &&
	    (value & HV_SINT_VECTOR_MASK) < HV_SINT_FIRST_VECTOR)
		return msr_gp(p, vp, "wrmsr SINT vector < 16", msr, value);
	atomic_store_explicit(&v->sint[msr - HV_MSR_SINT0], value,
			      memory_order_release);
	/* Unmasked: messages queued while it was masked may go now. */
	sim_sint_acked(p, vp, v, (uint8_t)(msr - HV_MSR_SINT0));
	return SYNIC_MSR_OK;
}

static int vp_msr_write(struct synic_partition *p, uint32_t vp,
			struct synic_vp *v, uint32_t msr, uint64_t value,
			bool host)
{
	switch (msr) {
	case HV_MSR_VP_INDEX:
	case HV_MSR_SVERSION:
		/* Read-only: the host may "restore" them, which changes nothing. */
		return host ? SYNIC_MSR_OK :
		       msr_gp(p, vp, "wrmsr read-only", msr, value);
	case HV_MSR_SCONTROL:
		if (value & HV_SCONTROL_RSVD)
			return msr_gp(p, vp, "wrmsr SCONTROL reserved", msr, value);
		atomic_store_explicit(&v->scontrol, value, memory_order_release);
		sim_state_changed(p, vp, v);
		return SYNIC_MSR_OK;
	case HV_MSR_SIEFP:
		return page_msr_write(p, vp, &v->siefp, msr, value, host);
	case HV_MSR_SIMP:
		if (page_msr_write(p, vp, &v->simp, msr, value, host) != SYNIC_MSR_OK)
			return SYNIC_MSR_GP;
		sim_state_changed(p, vp, v);
		return SYNIC_MSR_OK;
	case HV_MSR_EOM:
		sim_eom(p, vp, v);
		return SYNIC_MSR_OK;
	default:
		if (stimer_msr(msr))
			return stimer_msr_write(p, vp, v, msr, value, host);
		return sint_write(p, vp, v, msr, value, host);
	}
}

int synic_msr_write(struct synic_partition *p, uint32_t vp, uint32_t msr,
		    uint64_t value, unsigned access)
{
	struct synic_vp *v = vp_get(p, vp);
	uint64_t priv = msr_privilege(p, msr);
	bool host = access & SYNIC_ACCESS_HOST;

	if (!v)
		return -EINVAL;
	if (!priv)
		return -ENOENT;
	if (!host && !partition_has(p, priv))
		return msr_gp(p, vp, "wrmsr no privilege", msr, value);
	if (msr == HV_MSR_GUEST_OS_ID)
		return guest_os_id_write(p, value);
	if (msr == HV_MSR_HYPERCALL)
		return hypercall_write(p, vp, value, host);
	return vp_msr_write(p, vp, v, msr, value, host);
}

static uint64_t msr_value(const struct synic_partition *p, uint32_t vp,
			  struct synic_vp *v, uint32_t msr)
{
	if (stimer_msr(msr))
		return stimer_msr_read(v, msr);
	switch (msr) {
	case HV_MSR_GUEST_OS_ID: return atomic_load(&p->guest_os_id);
	case HV_MSR_HYPERCALL: return atomic_load(&p->hypercall);
	case HV_MSR_VP_INDEX: return vp;
	case HV_MSR_SCONTROL: return atomic_load(&v->scontrol);
	case HV_MSR_SVERSION: return HV_SYNIC_VERSION;
	case HV_MSR_SIEFP: return atomic_load(&v->siefp);
	case HV_MSR_SIMP: return atomic_load(&v->simp);
	case HV_MSR_EOM: return 0;      /* write-only */
	default: return atomic_load(&v->sint[msr - HV_MSR_SINT0]);
	}
}

int synic_msr_read(struct synic_partition *p, uint32_t vp, uint32_t msr,
		   uint64_t *value, unsigned access)
{
	struct synic_vp *v = vp_get(p, vp);
	uint64_t priv = msr_privilege(p, msr);

	if (!v)
		return -EINVAL;
	if (!priv)
		return -ENOENT;
	if (!(access & SYNIC_ACCESS_HOST) && !partition_has(p, priv))
		return msr_gp(p, vp, "rdmsr no privilege", msr, 0);
	*value = msr_value(p, vp, v, msr);
	return SYNIC_MSR_OK;
}
