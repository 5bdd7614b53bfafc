/* Hypercall layer: control word decode and validation, input fetch from
 * registers or guest memory, dispatch through hc_table (hyperv.md 1, 8.1). */
#include <errno.h>
#include <string.h>

#include "hypercall.h"

static const struct hc_desc *hc_find(uint16_t code)
{
	for (size_t i = 0; i < hc_table_len; i++)
		if (hc_table[i].code == code)
			return &hc_table[i];
	return NULL;
}

/* Everything in the control word but the call code, once privilege passed. */
static uint16_t control_check(const struct hc_desc *d, uint64_t control)
{
	uint64_t reps = (control >> HV_HC_REP_COUNT_SHIFT) & HV_HC_REP_COUNT_MASK;
	uint64_t start = (control >> HV_HC_REP_START_SHIFT) & HV_HC_REP_START_MASK;
	uint64_t varhdr = (control >> HV_HC_VARHDR_SHIFT) & HV_HC_VARHDR_MASK;

	if (control & HV_HC_RSVD_MASK)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	/* We are not a nested hypervisor: no L1 to forward to. */
	if (control & HV_HC_NESTED)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (!d->rep && (reps || start))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (d->rep && (reps == 0 || start >= reps))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (varhdr)     /* no call in the table takes a variable header */
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if ((control & HV_HC_FAST) && !d->fast_ok)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return HV_STATUS_SUCCESS;
}

/* Copies the input so a guest rewriting its page mid-call cannot make us
 * check one value and use another. */
static uint16_t input_fetch(const struct synic_partition *p,
			    const struct hc_desc *d,
			    const struct synic_hypercall *hc, uint8_t *buf)
{
	const void *src;

	if (hc->control & HV_HC_FAST) {
		for (int i = 0; i < 8; i++) {
			buf[i] = (uint8_t)(hc->input >> (8 * i));
			buf[8 + i] = (uint8_t)(hc->output >> (8 * i));
		}
		return HV_STATUS_SUCCESS;
	}
	if (hc->input & 7)
		return HV_STATUS_INVALID_ALIGNMENT;
	if ((hc->input & (HV_PAGE_SIZE - 1)) + d->input_size > HV_PAGE_SIZE)
		return HV_STATUS_INVALID_ALIGNMENT;
	src = p->seams.gpa_map ?
	      p->seams.gpa_map(p->opaque, hc->input, d->input_size) : NULL;
	if (!src)
		return HV_STATUS_INVALID_ALIGNMENT;   /* outside guest RAM */
	memcpy(buf, src, d->input_size);
	return HV_STATUS_SUCCESS;
}

static uint16_t hc_run(struct synic_partition *p, uint32_t vp,
		       const struct hc_desc *d, const struct synic_hypercall *hc)
{
	/* Not zeroed: input_fetch fills every byte a handler reads (its
	 * input_size, or 16 for fast calls). */
	uint8_t buf[HC_MAX_INPUT];
	uint16_t st;

	/* ACCESS_DENIED wins over input errors, as in Linux KVM (8.1). */
	if (!partition_has(p, d->privilege))
		return HV_STATUS_ACCESS_DENIED;
	st = control_check(d, hc->control);
	if (st == HV_STATUS_SUCCESS)
		st = input_fetch(p, d, hc, buf);
	if (st == HV_STATUS_SUCCESS)
		st = d->fn(p, vp, buf);
	return st;
}

int synic_hypercall(struct synic_partition *p, uint32_t vp,
		    const struct synic_hypercall *hc, uint64_t *result)
{
	struct synic_vp *v = vp_get(p, vp);
	uint16_t code = (uint16_t)(hc->control & HV_HC_CODE_MASK);
	const struct hc_desc *d;
	uint16_t st;

	if (!v)
		return -EINVAL;
	if (hc->real_mode || hc->cpl > 0) {
		synic_trace(p, vp, "hypercall #UD", hc->control, 0);
		return SYNIC_HC_UD;
	}
	d = hc_find(code);
	st = d ? hc_run(p, vp, d, hc) : HV_STATUS_INVALID_HYPERCALL_CODE;
	stats_count_call(v, code, st);
	if (st != HV_STATUS_SUCCESS)
		synic_trace(p, vp, hv_status_name(st), hc->control, st);
	*result = st;   /* simple calls: reps completed is 0 */
	return SYNIC_HC_DONE;
}

void synic_hypercall_from_x64(struct synic_hypercall *hc, uint64_t rcx,
			      uint64_t rdx, uint64_t r8)
{
	hc->control = rcx;
	hc->input = rdx;
	hc->output = r8;
}

void synic_hypercall_from_x86(struct synic_hypercall *hc, uint32_t eax,
			      uint32_t ebx, uint32_t ecx, uint32_t edx,
			      uint32_t esi, uint32_t edi)
{
	hc->control = (uint64_t)edx << 32 | eax;
	hc->input = (uint64_t)ebx << 32 | ecx;
	hc->output = (uint64_t)edi << 32 | esi;
}

void synic_result_to_x86(uint64_t result, uint32_t *eax, uint32_t *edx)
{
	*eax = (uint32_t)result;
	*edx = (uint32_t)(result >> 32);
}
