/* Synthetic timers: the STIMER MSR rules (hyperv.md section 4, TLFS timer
 * register pages, Linux stimer_set_config/stimer_set_count), arming through
 * the stimer_arm seam, and expiry into the SIM page or direct_irq. */
#include "fixture.h"

#include <errno.h>
#include <string.h>

#define CFG(n)   (HV_MSR_STIMER0_CONFIG + 2 * (n))
#define COUNT(n) (HV_MSR_STIMER0_CONFIG + 2 * (n) + 1)
#define SINTX(x) ((uint64_t)(x) << HV_STIMER_SINT_SHIFT)
#define VEC(v)   ((uint64_t)(v) << HV_STIMER_VECTOR_SHIFT)
#define VP 1

static int wr(struct fx *f, uint32_t msr, uint64_t v)
{
	return synic_msr_write(f->target, VP, msr, v, 0);
}

static uint64_t rd(struct fx *f, uint32_t msr)
{
	uint64_t v = 0xDEAD;

	assert_int_equal(synic_msr_read(f->target, VP, msr, &v, 0), SYNIC_MSR_OK);
	return v;
}

/* One-shot timer n on SINT 2 of VP 1, expiring at `at`. */
static void one_shot(struct fx *f, int n, uint64_t at)
{
	assert_int_equal(wr(f, COUNT(n), at), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(n), HV_STIMER_ENABLE | SINTX(2)), SYNIC_MSR_OK);
}

static void expire(struct fx *f, int n)
{
	assert_int_equal(synic_stimer_expire(f->target, VP, (uint8_t)n), 0);
}

/* -- which MSRs, who may touch them -- */
static void stimer_msrs_not_ours_without_seams(void **state)
{
	struct fx *f = FX(state);
	const struct synic_seams seams = {
		.gpa_map = fake_seams.gpa_map, .sint_assert = fake_seams.sint_assert,
	};
	struct synic_partition_config cfg = {
		.id = 9, .max_vps = 1, .privileges = ALL_PRIVS,
		.seams = &seams, .opaque = &f->vmm,
	};
	struct synic_partition *p;
	uint64_t v;

	assert_int_equal(synic_partition_create(f->s, &cfg, &p), 0);
	assert_int_equal(synic_vp_add(p, 0), 0);
	assert_int_equal(synic_msr_write(p, 0, CFG(0), 0, 0), -ENOENT);
	assert_int_equal(synic_msr_read(p, 0, COUNT(3), &v, 0), -ENOENT);
	assert_int_equal(synic_stimer_expire(p, 0, 0), -ENOENT);
	/* 0x400000B8 is past STIMER3_COUNT: never ours. */
	assert_int_equal(synic_msr_read(f->target, 0, 0x400000B8, &v, 0), -ENOENT);
}

static void stimer_msrs_need_syntimer_privilege(void **state)
{
	struct fx *f = FX(state);
	uint64_t v;

	synic_partition_set_privileges(f->target, ALL_PRIVS & ~HV_PRIV_ACCESS_SYNTIMER_REGS);
	assert_int_equal(wr(f, CFG(0), SINTX(2)), SYNIC_MSR_GP);
	assert_int_equal(wr(f, COUNT(1), 5), SYNIC_MSR_GP);
	assert_int_equal(synic_msr_read(f->target, VP, CFG(0), &v, 0), SYNIC_MSR_GP);
	/* SynicRegs does not imply it; the host is not bound by it. */
	assert_int_equal(synic_msr_write(f->target, VP, COUNT(1), 5, SYNIC_ACCESS_HOST),
			 SYNIC_MSR_OK);
	synic_partition_set_privileges(f->target, ALL_PRIVS);
	assert_int_equal(rd(f, COUNT(1)), 5);
}

static void config_reserved_bits_gp(void **state)
{
	struct fx *f = FX(state);
	const int bits[] = { 13, 14, 15, 20, 31, 32, 63 };

	assert_int_equal(wr(f, CFG(0), SINTX(2) | HV_STIMER_LAZY), SYNIC_MSR_OK);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		assert_int_equal(wr(f, CFG(0), SINTX(2) | 1ull << bits[i]), SYNIC_MSR_GP);
		assert_int_equal(synic_msr_write(f->target, VP, CFG(0), 1ull << bits[i],
						 SYNIC_ACCESS_HOST), SYNIC_MSR_GP);
	}
	assert_int_equal(rd(f, CFG(0)), SINTX(2) | HV_STIMER_LAZY);
	assert_true(f->vmm.traces > 0);
}

static void config_and_count_round_trip_per_timer_per_vp(void **state)
{
	struct fx *f = FX(state);
	uint64_t cfg = HV_STIMER_PERIODIC | HV_STIMER_LAZY | HV_STIMER_AUTO_ENABLE |
		       SINTX(15);

	for (int n = 0; n < HV_STIMER_COUNT; n++) {
		assert_int_equal(wr(f, CFG(n), cfg), SYNIC_MSR_OK);
		assert_int_equal(rd(f, CFG(n)), cfg);
		assert_int_equal(rd(f, COUNT(n)), 0);
	}
	assert_int_equal(synic_msr_write(f->target, VP, COUNT(2), 0, 0), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(2)), cfg);   /* COUNT 0: stays disabled */
	uint64_t v;
	assert_int_equal(synic_msr_read(f->target, 0, CFG(0), &v, 0), SYNIC_MSR_OK);
	assert_int_equal(v, 0);                 /* another VP's timer */
	assert_int_equal(f->vmm.arm_calls, 0);
}

static void direct_mode_without_seam_gp(void **state)
{
	struct fx *f = FX(state);
	struct synic_seams seams = fake_seams;
	struct synic_partition_config cfg = {
		.id = 9, .max_vps = 1, .privileges = ALL_PRIVS,
		.seams = &seams, .opaque = &f->vmm,
	};
	struct synic_partition *p;

	seams.direct_irq = NULL;
	assert_int_equal(synic_partition_create(f->s, &cfg, &p), 0);
	assert_int_equal(synic_vp_add(p, 0), 0);
	assert_int_equal(synic_msr_write(p, 0, CFG(0), HV_STIMER_DIRECT | VEC(0x30), 0),
			 SYNIC_MSR_GP);
	assert_int_equal(synic_msr_write(p, 0, CFG(0), HV_STIMER_DIRECT,
					 SYNIC_ACCESS_HOST), SYNIC_MSR_GP);
	assert_int_equal(synic_msr_write(p, 0, CFG(0), SINTX(1), 0), SYNIC_MSR_OK);
}

/* -- enable rules -- */
static void count_with_auto_enable_enables_and_arms(void **state)
{
	struct fx *f = FX(state);

	f->vmm.now = 1000;
	assert_int_equal(wr(f, CFG(1), HV_STIMER_AUTO_ENABLE | SINTX(2)), SYNIC_MSR_OK);
	assert_int_equal(f->vmm.arm_calls, 0);
	assert_int_equal(wr(f, COUNT(1), 5000), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(1)),
			 HV_STIMER_ENABLE | HV_STIMER_AUTO_ENABLE | SINTX(2));
	assert_int_equal(f->vmm.arm_calls, 1);
	assert_int_equal(f->vmm.arm_vp, VP);
	assert_int_equal(f->vmm.arm_timer, 1);
	assert_int_equal(f->vmm.arm_deadline, 5000);
}

static void count_without_auto_enable_does_not_enable(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, CFG(0), SINTX(2)), SYNIC_MSR_OK);
	assert_int_equal(wr(f, COUNT(0), 5000), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(0)), SINTX(2));
	assert_int_equal(f->vmm.arm_calls, 0);
	/* Enable after COUNT (the TLFS order without AutoEnable) arms. */
	assert_int_equal(wr(f, CFG(0), SINTX(2) | HV_STIMER_ENABLE), SYNIC_MSR_OK);
	assert_int_equal(f->vmm.arm_deadline, 5000);
}

static void count_zero_disables_and_cancels(void **state)
{
	struct fx *f = FX(state);

	f->vmm.now = 10;
	one_shot(f, 0, 5000);
	assert_int_equal(f->vmm.arm_deadline, 5000);
	assert_int_equal(wr(f, COUNT(0), 0), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, 0);
	assert_int_equal(f->vmm.arm_deadline, 0);       /* cancelled */
	/* Even with AutoEnable. */
	assert_int_equal(wr(f, CFG(0), HV_STIMER_AUTO_ENABLE | HV_STIMER_ENABLE |
				       SINTX(2)), SYNIC_MSR_OK);
	assert_int_equal(wr(f, COUNT(0), 0), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, 0);
}

static void enable_with_sint0_is_cleared_in_message_mode(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(wr(f, COUNT(0), 5000), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(0), HV_STIMER_ENABLE), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(0)), 0);
	assert_int_equal(f->vmm.arm_calls, 0);
	/* AutoEnable cannot enable it either. */
	assert_int_equal(wr(f, CFG(0), HV_STIMER_AUTO_ENABLE), SYNIC_MSR_OK);
	assert_int_equal(wr(f, COUNT(0), 6000), SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(0)), HV_STIMER_AUTO_ENABLE);
	/* Direct mode has no SINT: SINTx 0 is fine there. */
	assert_int_equal(wr(f, CFG(0), HV_STIMER_ENABLE | HV_STIMER_DIRECT | VEC(0x30)),
			 SYNIC_MSR_OK);
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, HV_STIMER_ENABLE);
}

static void config_write_cancels_armed_timer(void **state)
{
	struct fx *f = FX(state);

	one_shot(f, 3, 5000);
	assert_int_equal(f->vmm.arm_deadline, 5000);
	assert_int_equal(wr(f, CFG(3), SINTX(2)), SYNIC_MSR_OK);
	assert_int_equal(f->vmm.arm_timer, 3);
	assert_int_equal(f->vmm.arm_deadline, 0);
	/* The host timer that was already on its way is stale: ignored. */
	fx_sim_on(f->target, VP, 2);
	f->vmm.now = 6000;
	expire(f, 3);
	assert_int_equal(fx_slot_type(f, VP, 2), 0);
	assert_int_equal(synic_stats_stimer_expiries(f->target), 0);
}

/* -- arming -- */
static void one_shot_arms_absolute_count(void **state)
{
	struct fx *f = FX(state);

	f->vmm.now = 1000;
	one_shot(f, 0, 5000);
	assert_int_equal(f->vmm.arm_deadline, 5000);
}

static void periodic_arms_now_plus_period(void **state)
{
	struct fx *f = FX(state);

	f->vmm.now = 1000;
	assert_int_equal(wr(f, COUNT(2), 300), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(2), HV_STIMER_ENABLE | HV_STIMER_PERIODIC | SINTX(2)),
			 SYNIC_MSR_OK);
	assert_int_equal(f->vmm.arm_timer, 2);
	assert_int_equal(f->vmm.arm_deadline, 1300);
}

static void one_shot_in_the_past_expires_at_once(void **state)
{
	struct fx *f = FX(state);

	fx_sim_on(f->target, VP, 2);
	f->vmm.now = 5000;
	one_shot(f, 0, 100);
	assert_int_equal(f->vmm.arm_calls, 0);
	assert_int_equal(fx_slot_type(f, VP, 2), HVMSG_TIMER_EXPIRED);
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, 0);
}

/* -- expiry -- */
static void expiry_posts_timer_message(void **state)
{
	struct fx *f = FX(state);
	uint8_t *slot = fx_slot(f, VP, 2);

	fx_sim_on(f->target, VP, 2);
	f->vmm.now = 1000;
	one_shot(f, 1, 5000);
	f->vmm.now = 5007;
	expire(f, 1);
	assert_int_equal(fx_get_u32(slot), HVMSG_TIMER_EXPIRED);
	assert_int_equal(slot[4], 24);
	assert_int_equal(slot[5], 0);
	assert_int_equal(fx_get_u64(slot + 8), 0);     /* no sender */
	assert_int_equal(fx_get_u32(slot + 16), 1);    /* TimerIndex */
	assert_int_equal(fx_get_u32(slot + 20), 0);
	assert_int_equal(fx_get_u64(slot + 24), 5000); /* ExpirationTime */
	assert_int_equal(fx_get_u64(slot + 32), 5007); /* DeliveryTime */
	assert_int_equal(f->vmm.asserts, 1);
	assert_int_equal(f->vmm.last_sint, 2);
	assert_int_equal(f->vmm.last_vector, 0x42);
	assert_int_equal(rd(f, CFG(1)), SINTX(2));     /* one-shot: disabled */
	assert_int_equal(synic_stats_stimer_expiries(f->target), 1);
	/* A second expiry of a disabled timer does nothing. */
	fx_slot_consume(f, VP, 2);
	expire(f, 1);
	assert_int_equal(fx_slot_type(f, VP, 2), 0);
}

static void early_expiry_rearms_same_deadline(void **state)
{
	struct fx *f = FX(state);

	fx_sim_on(f->target, VP, 2);
	one_shot(f, 0, 5000);
	f->vmm.arm_calls = 0;
	f->vmm.now = 4999;
	expire(f, 0);
	assert_int_equal(fx_slot_type(f, VP, 2), 0);
	assert_int_equal(f->vmm.arm_calls, 1);
	assert_int_equal(f->vmm.arm_deadline, 5000);
	f->vmm.now = 5000;
	expire(f, 0);
	assert_int_equal(fx_slot_type(f, VP, 2), HVMSG_TIMER_EXPIRED);
}

static void one_shot_busy_slot_pending_then_eom(void **state)
{
	struct fx *f = FX(state);
	uint8_t *slot = fx_slot(f, VP, 2);

	fx_sim_on(f->target, VP, 2);
	one_shot(f, 0, 5000);
	slot[0] = 0x99;                 /* the guest has a message there */
	f->vmm.now = 5000;
	expire(f, 0);
	assert_int_equal(fx_get_u32(slot), 0x99);
	assert_int_equal(slot[5], HV_MSG_FLAG_PENDING);
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, HV_STIMER_ENABLE);
	f->vmm.now = 5100;
	fx_slot_consume(f, VP, 2);
	assert_int_equal(synic_msr_write(f->target, VP, HV_MSR_EOM, 0, 0), 0);
	assert_int_equal(fx_get_u32(slot), HVMSG_TIMER_EXPIRED);
	assert_int_equal(fx_get_u64(slot + 24), 5000);
	assert_int_equal(fx_get_u64(slot + 32), 5100); /* when it got in */
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, 0);
	assert_int_equal(f->vmm.asserts, 1);
}

static void one_shot_busy_slot_retried_on_eoi(void **state)
{
	struct fx *f = FX(state);
	uint8_t *slot = fx_slot(f, VP, 2);

	fx_sim_on(f->target, VP, 2);
	one_shot(f, 2, 5000);
	slot[0] = 0x99;
	f->vmm.now = 5000;
	expire(f, 2);
	fx_slot_consume(f, VP, 2);
	assert_int_equal(synic_sint_eoi(f->target, VP, 0x42), 2);
	assert_int_equal(fx_get_u32(slot), HVMSG_TIMER_EXPIRED);
	assert_int_equal(fx_get_u32(slot + 16), 2);
}

static void one_shot_waits_for_sim_page(void **state)
{
	struct fx *f = FX(state);

	fx_synic_on(f->target, VP, 2);          /* SynIC on, no SIM page */
	one_shot(f, 0, 5000);
	f->vmm.now = 5000;
	expire(f, 0);
	assert_int_equal(f->vmm.asserts, 0);
	assert_int_equal(synic_msr_write(f->target, VP, HV_MSR_SIMP,
					 (SIMP_GPA + VP * 4096ull) | 1, 0), 0);
	assert_int_equal(fx_slot_type(f, VP, 2), HVMSG_TIMER_EXPIRED);
	assert_int_equal(f->vmm.asserts, 1);
}

static void timer_message_goes_before_queued_messages(void **state)
{
	struct fx *f = FX(state);
	uint8_t *slot = fx_slot(f, VP, 2);
	const uint8_t pay[1] = { 7 };

	fx_sim_on(f->target, VP, 2);
	fx_message_port(f, 0x200, VP, 2, 0x100);
	assert_int_equal(fx_post(f, 0x100, 1, pay, 1), HV_STATUS_SUCCESS);
	assert_int_equal(fx_post(f, 0x100, 2, pay, 1), HV_STATUS_SUCCESS);
	one_shot(f, 0, 5000);
	f->vmm.now = 5000;
	expire(f, 0);
	fx_slot_consume(f, VP, 2);
	assert_int_equal(synic_msr_write(f->target, VP, HV_MSR_EOM, 0, 0), 0);
	assert_int_equal(fx_get_u32(slot), HVMSG_TIMER_EXPIRED);
	assert_int_equal(slot[5], HV_MSG_FLAG_PENDING);  /* message 2 waits */
	fx_slot_consume(f, VP, 2);
	assert_int_equal(synic_msr_write(f->target, VP, HV_MSR_EOM, 0, 0), 0);
	assert_int_equal(fx_get_u32(slot), 2);
}

static void periodic_delivers_and_rearms(void **state)
{
	struct fx *f = FX(state);

	fx_sim_on(f->target, VP, 2);
	f->vmm.now = 1000;
	assert_int_equal(wr(f, COUNT(0), 100), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(0), HV_STIMER_ENABLE | HV_STIMER_PERIODIC | SINTX(2)),
			 SYNIC_MSR_OK);
	f->vmm.now = 1100;
	expire(f, 0);
	assert_int_equal(fx_slot_type(f, VP, 2), HVMSG_TIMER_EXPIRED);
	assert_int_equal(fx_get_u64(fx_slot(f, VP, 2) + 24), 1100);
	assert_int_equal(f->vmm.arm_deadline, 1200);
	fx_slot_consume(f, VP, 2);
	f->vmm.now = 1203;
	expire(f, 0);
	assert_int_equal(fx_get_u64(fx_slot(f, VP, 2) + 24), 1200);
	assert_int_equal(f->vmm.arm_deadline, 1300);  /* from the deadline, no drift */
	assert_int_equal(rd(f, CFG(0)) & HV_STIMER_ENABLE, HV_STIMER_ENABLE);
	assert_int_equal(synic_stats_stimer_ticks_dropped(f->target), 0);
}

static void periodic_busy_slot_drops_tick(void **state)
{
	struct fx *f = FX(state);
	uint8_t *slot = fx_slot(f, VP, 2);

	fx_sim_on(f->target, VP, 2);
	f->vmm.now = 1000;
	assert_int_equal(wr(f, COUNT(0), 100), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(0), HV_STIMER_ENABLE | HV_STIMER_PERIODIC | SINTX(2)),
			 SYNIC_MSR_OK);
	slot[0] = 0x99;
	f->vmm.now = 1100;
	expire(f, 0);
	assert_int_equal(fx_get_u32(slot), 0x99);
	assert_int_equal(slot[5], 0);           /* no pending flag, no retry */
	assert_int_equal(synic_stats_stimer_ticks_dropped(f->target), 1);
	assert_int_equal(f->vmm.arm_deadline, 1200);
	fx_slot_consume(f, VP, 2);
	assert_int_equal(synic_msr_write(f->target, VP, HV_MSR_EOM, 0, 0), 0);
	assert_int_equal(fx_slot_type(f, VP, 2), 0);
}

static void periodic_far_behind_skips_missed_periods(void **state)
{
	struct fx *f = FX(state);

	fx_sim_on(f->target, VP, 2);
	f->vmm.now = 1000;
	assert_int_equal(wr(f, COUNT(0), 100), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(0), HV_STIMER_ENABLE | HV_STIMER_PERIODIC | SINTX(2)),
			 SYNIC_MSR_OK);
	f->vmm.now = 1450;      /* 1100 due; 1200, 1300, 1400 missed */
	expire(f, 0);
	assert_int_equal(fx_slot_type(f, VP, 2), HVMSG_TIMER_EXPIRED);
	assert_int_equal(f->vmm.arm_deadline, 1500);
	assert_int_equal(synic_stats_stimer_ticks_dropped(f->target), 3);
	assert_int_equal(synic_stats_stimer_expiries(f->target), 1);
}

static void direct_mode_raises_vector(void **state)
{
	struct fx *f = FX(state);

	f->vmm.now = 10;
	assert_int_equal(wr(f, COUNT(3), 500), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(3), HV_STIMER_ENABLE | HV_STIMER_DIRECT | VEC(0x55)),
			 SYNIC_MSR_OK);
	assert_int_equal(f->vmm.arm_deadline, 500);
	f->vmm.now = 500;
	expire(f, 3);
	assert_int_equal(f->vmm.direct_irqs, 1);
	assert_int_equal(f->vmm.direct_vp, VP);
	assert_int_equal(f->vmm.direct_vector, 0x55);
	assert_int_equal(f->vmm.asserts, 0);            /* no SINT, no SIM */
	assert_int_equal(rd(f, CFG(3)) & HV_STIMER_ENABLE, 0);
}

static void direct_mode_periodic_rearms(void **state)
{
	struct fx *f = FX(state);

	f->vmm.now = 0;
	assert_int_equal(wr(f, COUNT(0), 50), SYNIC_MSR_OK);
	assert_int_equal(wr(f, CFG(0), HV_STIMER_ENABLE | HV_STIMER_PERIODIC |
				       HV_STIMER_DIRECT | VEC(0x31)), SYNIC_MSR_OK);
	f->vmm.now = 50;
	expire(f, 0);
	f->vmm.now = 100;
	expire(f, 0);
	assert_int_equal(f->vmm.direct_irqs, 2);
	assert_int_equal(f->vmm.arm_deadline, 150);
}

static void vp_remove_cancels_timers(void **state)
{
	struct fx *f = FX(state);

	one_shot(f, 2, 5000);
	assert_int_equal(synic_vp_remove(f->target, VP), 0);
	assert_int_equal(f->vmm.arm_timer, 2);
	assert_int_equal(f->vmm.arm_deadline, 0);
	assert_int_equal(synic_stimer_expire(f->target, VP, 2), -EINVAL);
	assert_int_equal(synic_vp_add(f->target, VP), 0);
	assert_int_equal(rd(f, CFG(2)), 0);
	assert_int_equal(rd(f, COUNT(2)), 0);
}

static void expire_bad_arguments(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(synic_stimer_expire(f->target, VP, 4), -EINVAL);
	assert_int_equal(synic_stimer_expire(f->target, NVPS, 0), -EINVAL);
	assert_int_equal(synic_stimer_expire(f->target, VP, 0), 0);  /* idle: no-op */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(stimer_msrs_not_ours_without_seams),
		T(stimer_msrs_need_syntimer_privilege),
		T(config_reserved_bits_gp),
		T(config_and_count_round_trip_per_timer_per_vp),
		T(direct_mode_without_seam_gp),
		T(count_with_auto_enable_enables_and_arms),
		T(count_without_auto_enable_does_not_enable),
		T(count_zero_disables_and_cancels),
		T(enable_with_sint0_is_cleared_in_message_mode),
		T(config_write_cancels_armed_timer),
		T(one_shot_arms_absolute_count),
		T(periodic_arms_now_plus_period),
		T(one_shot_in_the_past_expires_at_once),
		T(expiry_posts_timer_message),
		T(early_expiry_rearms_same_deadline),
		T(one_shot_busy_slot_pending_then_eom),
		T(one_shot_busy_slot_retried_on_eoi),
		T(one_shot_waits_for_sim_page),
		T(timer_message_goes_before_queued_messages),
		T(periodic_delivers_and_rearms),
		T(periodic_busy_slot_drops_tick),
		T(periodic_far_behind_skips_missed_periods),
		T(direct_mode_raises_vector),
		T(direct_mode_periodic_rearms),
		T(vp_remove_cancels_timers),
		T(expire_bad_arguments),
	};

	return cmocka_run_group_tests_name("synic_stimer", tests, NULL, NULL);
}
