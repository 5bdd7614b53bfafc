/* Synthetic MSR semantics (hyperv.md section 4, rule 8.5). */
#include "fixture.h"

#include <errno.h>

#define P(f) ((f)->target)

static uint64_t rd(struct fx *f, uint32_t vp, uint32_t msr)
{
	uint64_t v = 0xDEAD;

	assert_int_equal(synic_msr_read(P(f), vp, msr, &v, 0), SYNIC_MSR_OK);
	return v;
}

static int wr(struct fx *f, uint32_t vp, uint32_t msr, uint64_t v)
{
	return synic_msr_write(P(f), vp, msr, v, 0);
}

static bool page_zero(struct fx *f, uint64_t gpa)
{
	for (unsigned i = 0; i < 4096; i++)
		if (f->vmm.ram[gpa + i])
			return false;
	return true;
}

static void rule5_scontrol_resets_to_zero(void **state)
{
	assert_int_equal(rd(FX(state), 0, HV_MSR_SCONTROL), 0);
}

static void sint_resets_masked(void **state)
{
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(rd(FX(state), 1, HV_MSR_SINT0 + i), 0x10000);
}

static void pages_reset_disabled(void **state)
{
	assert_int_equal(rd(FX(state), 0, HV_MSR_SIEFP), 0);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SIMP), 0);
}

static void vp_add_resets_synic_state(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(P(f), 2, 4);
	assert_int_equal(synic_vp_remove(P(f), 2), 0);
	assert_int_equal(synic_vp_add(P(f), 2), 0);
	assert_int_equal(rd(f, 2, HV_MSR_SCONTROL), 0);
	assert_int_equal(rd(f, 2, HV_MSR_SIEFP), 0);
	assert_int_equal(rd(f, 2, HV_MSR_SINT0 + 4), 0x10000);
}

static void sversion_reads_one(void **state)
{
	assert_int_equal(rd(FX(state), 0, HV_MSR_SVERSION), 1);
}

static void sversion_write_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SVERSION, 1), SYNIC_MSR_GP);
}

static void vp_index_reads_index(void **state)
{
	assert_int_equal(rd(FX(state), 3, HV_MSR_VP_INDEX), 3);
}

static void vp_index_write_gp(void **state)
{
	assert_int_equal(wr(FX(state), 3, HV_MSR_VP_INDEX, 3), SYNIC_MSR_GP);
	assert_int_equal(rd(FX(state), 3, HV_MSR_VP_INDEX), 3);
}

static void scontrol_write_read(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SCONTROL, 1), SYNIC_MSR_OK);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SCONTROL), 1);
}

static void scontrol_reserved_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SCONTROL, 2), SYNIC_MSR_GP);
	assert_int_equal(wr(FX(state), 0, HV_MSR_SCONTROL, 1ull << 63), SYNIC_MSR_GP);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SCONTROL), 0);
}

static void siefp_enable_zeroes_page(void **state)
{
	struct fx *f = FX(state);

	assert_false(page_zero(f, SIEF_GPA));
	assert_int_equal(wr(f, 0, HV_MSR_SIEFP, SIEF_GPA | 1), SYNIC_MSR_OK);
	assert_true(page_zero(f, SIEF_GPA));
	assert_int_equal(rd(f, 0, HV_MSR_SIEFP), SIEF_GPA | 1);
}

static void siefp_disabled_write_keeps_page(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_SIEFP, SIEF_GPA), SYNIC_MSR_OK);
	assert_false(page_zero(f, SIEF_GPA));
}

static void siefp_reserved_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SIEFP, SIEF_GPA | 1 | 0x800),
			 SYNIC_MSR_GP);
	assert_int_equal(wr(FX(state), 0, HV_MSR_SIEFP, SIEF_GPA | 2), SYNIC_MSR_GP);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SIEFP), 0);
}

static void siefp_outside_ram_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SIEFP, RAM_SIZE | 1), SYNIC_MSR_GP);
	assert_int_equal(wr(FX(state), 0, HV_MSR_SIEFP, ~0xFFFull | 1), SYNIC_MSR_GP);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SIEFP), 0);
}

static void simp_enable_zeroes_page(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_SIMP, SIMP_GPA | 1), SYNIC_MSR_OK);
	assert_true(page_zero(f, SIMP_GPA));
	assert_int_equal(rd(f, 0, HV_MSR_SIMP), SIMP_GPA | 1);
}

static void simp_reserved_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SIMP, SIMP_GPA | 0x10), SYNIC_MSR_GP);
}

static void eom_write_ok_reads_zero(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_EOM, 0x1234), SYNIC_MSR_OK);
	assert_int_equal(rd(FX(state), 0, HV_MSR_EOM), 0);
}

static void sint_unmasked_vector_below_16_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SINT0 + 2, 15), SYNIC_MSR_GP);
	assert_int_equal(wr(FX(state), 0, HV_MSR_SINT0 + 2, 0), SYNIC_MSR_GP);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SINT0 + 2), 0x10000);
}

static void sint_masked_vector_below_16_ok(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SINT0 + 2, HV_SINT_MASKED | 3),
			 SYNIC_MSR_OK);
}

static void sint_reserved_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_SINT15, 0x40 | 1ull << 19), SYNIC_MSR_GP);
	assert_int_equal(wr(FX(state), 0, HV_MSR_SINT15, 0x40 | 0x100), SYNIC_MSR_GP);
}

static void sint_fields_round_trip(void **state)
{
	uint64_t v = 0x10 | HV_SINT_AUTO_EOI | HV_SINT_POLLING;

	assert_int_equal(wr(FX(state), 0, HV_MSR_SINT0 + 7, v), SYNIC_MSR_OK);
	assert_int_equal(rd(FX(state), 0, HV_MSR_SINT0 + 7), v);
}

static void guest_os_id_round_trip(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_GUEST_OS_ID, 0x8100ull << 48), 0);
	/* Partition-wide: another VP reads it. */
	assert_int_equal(rd(FX(state), 2, HV_MSR_GUEST_OS_ID), 0x8100ull << 48);
}

static void hypercall_enable_ignored_while_guest_os_id_zero(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_HYPERCALL, HCPAGE_GPA | 1), SYNIC_MSR_OK);
	assert_int_equal(rd(f, 0, HV_MSR_HYPERCALL), HCPAGE_GPA);
	assert_int_equal(f->vmm.hcpage_calls, 0);
}

static void hypercall_enable_tells_vmm_to_write_page(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_GUEST_OS_ID, 1), 0);
	assert_int_equal(wr(f, 1, HV_MSR_HYPERCALL, HCPAGE_GPA | 1), SYNIC_MSR_OK);
	assert_int_equal(rd(f, 0, HV_MSR_HYPERCALL), HCPAGE_GPA | 1);
	assert_int_equal(f->vmm.hcpage_calls, 1);
	assert_int_equal(f->vmm.hcpage_gpa, HCPAGE_GPA);
	assert_true(f->vmm.hcpage_enabled);
}

static void guest_os_id_zero_disables_hypercall(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_GUEST_OS_ID, 1), 0);
	assert_int_equal(wr(f, 0, HV_MSR_HYPERCALL, HCPAGE_GPA | 1), 0);
	assert_int_equal(wr(f, 0, HV_MSR_GUEST_OS_ID, 0), 0);
	assert_int_equal(rd(f, 0, HV_MSR_HYPERCALL), HCPAGE_GPA);
	assert_false(f->vmm.hcpage_enabled);
}

static void hypercall_reserved_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_GUEST_OS_ID, 1), 0);
	assert_int_equal(wr(FX(state), 0, HV_MSR_HYPERCALL, HCPAGE_GPA | 1 | 4),
			 SYNIC_MSR_GP);
}

static void hypercall_outside_ram_gp(void **state)
{
	assert_int_equal(wr(FX(state), 0, HV_MSR_GUEST_OS_ID, 1), 0);
	assert_int_equal(wr(FX(state), 0, HV_MSR_HYPERCALL, RAM_SIZE | 1), SYNIC_MSR_GP);
	assert_int_equal(rd(FX(state), 0, HV_MSR_HYPERCALL), 0);
}

static void hypercall_locked_ignores_guest_writes(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_GUEST_OS_ID, 1), 0);
	assert_int_equal(wr(f, 0, HV_MSR_HYPERCALL, HCPAGE_GPA | 3), 0);
	assert_int_equal(wr(f, 0, HV_MSR_HYPERCALL, 0), SYNIC_MSR_OK);
	assert_int_equal(rd(f, 0, HV_MSR_HYPERCALL), HCPAGE_GPA | 3);
}

static void synic_msrs_need_synic_privilege(void **state)
{
	struct fx *f = FX(state);
	uint64_t v;

	synic_partition_set_privileges(P(f), ALL_PRIVS & ~HV_PRIV_ACCESS_SYNIC_REGS);
	assert_int_equal(wr(f, 0, HV_MSR_SCONTROL, 1), SYNIC_MSR_GP);
	assert_int_equal(synic_msr_read(P(f), 0, HV_MSR_SINT0, &v, 0), SYNIC_MSR_GP);
	assert_int_equal(synic_msr_read(P(f), 0, HV_MSR_SVERSION, &v, 0), SYNIC_MSR_GP);
}

static void hypercall_msrs_need_privilege(void **state)
{
	struct fx *f = FX(state);
	uint64_t v;

	synic_partition_set_privileges(P(f), ALL_PRIVS & ~HV_PRIV_ACCESS_HYPERCALL_MSRS);
	assert_int_equal(wr(f, 0, HV_MSR_GUEST_OS_ID, 1), SYNIC_MSR_GP);
	assert_int_equal(synic_msr_read(P(f), 0, HV_MSR_HYPERCALL, &v, 0), SYNIC_MSR_GP);
}

static void vp_index_needs_privilege(void **state)
{
	struct fx *f = FX(state);
	uint64_t v;

	synic_partition_set_privileges(P(f), ALL_PRIVS & ~HV_PRIV_ACCESS_VP_INDEX);
	assert_int_equal(synic_msr_read(P(f), 0, HV_MSR_VP_INDEX, &v, 0), SYNIC_MSR_GP);
}

static void unknown_msr_not_ours(void **state)
{
	uint64_t v;

	assert_int_equal(wr(FX(state), 0, 0x40000020, 0), -ENOENT);  /* TIME_REF */
	assert_int_equal(synic_msr_read(P(FX(state)), 0, 0x40000020, &v, 0), -ENOENT);
	assert_int_equal(wr(FX(state), 0, 0xC0000080, 0), -ENOENT);
	/* STIMER MSRs without timer seams: test_stimer:stimer_msrs_not_ours_without_seams */
}

static void absent_vp_is_vmm_error(void **state)
{
	uint64_t v;

	assert_int_equal(wr(FX(state), NVPS, HV_MSR_SCONTROL, 1), -EINVAL);
	assert_int_equal(synic_msr_read(P(FX(state)), 99999, HV_MSR_SCONTROL, &v, 0),
			 -EINVAL);
}

static void host_access_restores_without_guest_rules(void **state)
{
	struct fx *f = FX(state);

	synic_partition_set_privileges(P(f), 0);
	assert_int_equal(synic_msr_write(P(f), 0, HV_MSR_SINT0, 5, SYNIC_ACCESS_HOST), 0);
	assert_int_equal(synic_msr_write(P(f), 0, HV_MSR_VP_INDEX, 7, SYNIC_ACCESS_HOST), 0);
	assert_int_equal(synic_msr_write(P(f), 0, HV_MSR_SIEFP, SIEF_GPA | 1,
					 SYNIC_ACCESS_HOST), 0);
	assert_false(page_zero(f, SIEF_GPA));   /* host restore keeps contents */
	synic_partition_set_privileges(P(f), ALL_PRIVS);
	assert_int_equal(rd(f, 0, HV_MSR_SINT0), 5);
	assert_int_equal(rd(f, 0, HV_MSR_VP_INDEX), 0);
	/* Reserved bits are refused even from the host. */
	assert_int_equal(synic_msr_write(P(f), 0, HV_MSR_SCONTROL, 4, SYNIC_ACCESS_HOST),
			 SYNIC_MSR_GP);
}

static void gp_is_traced(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 0, HV_MSR_SINT0, 1), SYNIC_MSR_GP);
	assert_int_equal(f->vmm.traces, 1);
}

static void msrs_are_per_vp(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, 1, HV_MSR_SINT0 + 1, 0x30), 0);
	assert_int_equal(rd(f, 0, HV_MSR_SINT0 + 1), 0x10000);
	assert_int_equal(rd(f, 1, HV_MSR_SINT0 + 1), 0x30);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(rule5_scontrol_resets_to_zero),
		T(sint_resets_masked),
		T(pages_reset_disabled),
		T(vp_add_resets_synic_state),
		T(sversion_reads_one),
		T(sversion_write_gp),
		T(vp_index_reads_index),
		T(vp_index_write_gp),
		T(scontrol_write_read),
		T(scontrol_reserved_gp),
		T(siefp_enable_zeroes_page),
		T(siefp_disabled_write_keeps_page),
		T(siefp_reserved_gp),
		T(siefp_outside_ram_gp),
		T(simp_enable_zeroes_page),
		T(simp_reserved_gp),
		T(eom_write_ok_reads_zero),
		T(sint_unmasked_vector_below_16_gp),
		T(sint_masked_vector_below_16_ok),
		T(sint_reserved_gp),
		T(sint_fields_round_trip),
		T(guest_os_id_round_trip),
		T(hypercall_enable_ignored_while_guest_os_id_zero),
		T(hypercall_enable_tells_vmm_to_write_page),
		T(guest_os_id_zero_disables_hypercall),
		T(hypercall_reserved_gp),
		T(hypercall_outside_ram_gp),
		T(hypercall_locked_ignores_guest_writes),
		T(synic_msrs_need_synic_privilege),
		T(hypercall_msrs_need_privilege),
		T(vp_index_needs_privilege),
		T(unknown_msr_not_ours),
		T(absent_vp_is_vmm_error),
		T(host_access_restores_without_guest_rules),
		T(gp_is_traced),
		T(msrs_are_per_vp),
	};

	return cmocka_run_group_tests_name("synic_msr", tests, NULL, NULL);
}
