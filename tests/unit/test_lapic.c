// SPDX-License-Identifier: MIT
/* The user-space local APIC: registers, priorities, AutoEOI, IPIs, x2APIC,
 * the APIC base MSR and the timer, against fake callbacks and a fake clock. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"
#include "lapic.h"

#define NR_VCPUS 4
#define TSC_KHZ 2000000 /* 2 GHz */
#define MAX_CALLS 64

struct call {
	unsigned int vp;
	uint8_t vec;
};

struct fake {
	atomic_int kicks;
	atomic_int kicks_per_vp[NR_VCPUS];
	struct call eois[MAX_CALLS];
	int nr_eois;
	struct call inits[MAX_CALLS];
	int nr_inits;
	struct call sipis[MAX_CALLS];
	int nr_sipis;
	int timer_changes;
	uint64_t now;
	uint64_t guest_tsc;
};

static void fake_kick(void *ctx, unsigned int vp)
{
	struct fake *f = ctx;

	atomic_fetch_add(&f->kicks, 1);
	atomic_fetch_add(&f->kicks_per_vp[vp], 1);
}

static void record(struct call *calls, int *nr, unsigned int vp, uint8_t vec)
{
	if (*nr < MAX_CALLS) /* count them all, keep the first ones */
		calls[*nr] = (struct call){ .vp = vp, .vec = vec };
	(*nr)++;
}

static void fake_eoi(void *ctx, unsigned int vp, uint8_t vec)
{
	struct fake *f = ctx;

	record(f->eois, &f->nr_eois, vp, vec);
}

static void fake_init(void *ctx, unsigned int vp)
{
	struct fake *f = ctx;

	record(f->inits, &f->nr_inits, vp, 0);
}

static void fake_sipi(void *ctx, unsigned int vp, uint8_t vec)
{
	struct fake *f = ctx;

	record(f->sipis, &f->nr_sipis, vp, vec);
}

static uint64_t fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void fake_timer_changed(void *ctx, unsigned int vp)
{
	(void)vp;
	((struct fake *)ctx)->timer_changes++;
}

static uint64_t fake_guest_tsc(void *ctx, unsigned int vp)
{
	(void)vp;
	return ((struct fake *)ctx)->guest_tsc;
}

static const struct lapic_ops fake_ops = {
	.kick = fake_kick,
	.eoi = fake_eoi,
	.init = fake_init,
	.sipi = fake_sipi,
	.now_ns = fake_now,
	.timer_changed = fake_timer_changed,
};

struct fixture {
	struct lapic_bus bus;
	struct fake fake;
};

static struct fixture fx;

/* Power-on state, then every APIC software-enabled with SVR 0x1ff. */
static int setup(void **state)
{
	memset(&fx, 0, sizeof(fx));
	fx.fake.now = 1000;
	assert_int_equal(lapic_bus_init(&fx.bus, NR_VCPUS, &fake_ops, &fx.fake,
					TSC_KHZ), 0);
	for (unsigned int vp = 0; vp < NR_VCPUS; vp++)
		assert_int_equal(lapic_reg_write(&fx.bus.apics[vp], LAPIC_REG_SVR,
						 0x1ff), 0);
	*state = &fx;
	return 0;
}

static int setup_reset(void **state)
{
	memset(&fx, 0, sizeof(fx));
	assert_int_equal(lapic_bus_init(&fx.bus, NR_VCPUS, &fake_ops, &fx.fake,
					TSC_KHZ), 0);
	*state = &fx;
	return 0;
}

static struct lapic *apic(unsigned int vp)
{
	return lapic_bus_get(&fx.bus, vp);
}

static uint32_t rd(struct lapic *l, uint32_t reg)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(lapic_reg_read(l, reg, &v), 0);
	return v;
}

static void wr(struct lapic *l, uint32_t reg, uint32_t v)
{
	assert_int_equal(lapic_reg_write(l, reg, v), 0);
}

static uint32_t mmio_rd(unsigned int vp, uint64_t off)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(lapic_mmio(&fx.bus, vp, off, &v, 4, false), IO_CONTINUE);
	return v;
}

static void mmio_wr(unsigned int vp, uint64_t off, uint32_t v)
{
	assert_int_equal(lapic_mmio(&fx.bus, vp, off, &v, 4, true), IO_CONTINUE);
}

static bool irr_has(struct lapic *l, unsigned int v)
{
	return rd(l, LAPIC_REG_IRR + (v / 32) * 16) & (1u << (v % 32));
}

static bool isr_has(struct lapic *l, unsigned int v)
{
	return rd(l, LAPIC_REG_ISR + (v / 32) * 16) & (1u << (v % 32));
}

static bool tmr_has(struct lapic *l, unsigned int v)
{
	return rd(l, LAPIC_REG_TMR + (v / 32) * 16) & (1u << (v % 32));
}

/* What the VMM does at an interrupt window. */
static int inject(struct lapic *l)
{
	int v = lapic_pending_vector(l);

	if (v >= 0)
		lapic_accept(l, v);
	return v;
}

static void send_icr(struct lapic *l, uint32_t lo, uint8_t dest)
{
	wr(l, LAPIC_REG_ICR_HI, (uint32_t)dest << 24);
	wr(l, LAPIC_REG_ICR_LO, lo);
}

static uint64_t msr_rd(struct lapic *l, uint32_t msr)
{
	uint64_t v = 0xdead;

	assert_int_equal(lapic_msr_read(l, msr, &v), 0);
	return v;
}

static int msr_wr(struct lapic *l, uint32_t msr, uint64_t v)
{
	return lapic_msr_write(l, msr, &v);
}

static void to_x2apic(struct lapic *l)
{
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, LAPIC_MMIO_BASE |
				LAPIC_BASE_EN | LAPIC_BASE_EXTD), 0);
}


/* ---- reset values and plain registers ---- */

static void test_reset_values(void **state)
{
	struct lapic *l = apic(1);

	(void)state;
	assert_int_equal(rd(l, LAPIC_REG_ID), 1u << 24);
	assert_int_equal(rd(l, LAPIC_REG_VERSION), 0x00060014);
	assert_int_equal(rd(l, LAPIC_REG_TPR), 0);
	assert_int_equal(rd(l, LAPIC_REG_PPR), 0);
	assert_int_equal(rd(l, LAPIC_REG_LDR), 0);
	assert_int_equal(rd(l, LAPIC_REG_DFR), 0xffffffffu);
	assert_int_equal(rd(l, LAPIC_REG_SVR), 0xff);
	assert_int_equal(rd(l, LAPIC_REG_ESR), 0);
	assert_int_equal(rd(l, LAPIC_REG_ICR_LO), 0);
	assert_int_equal(rd(l, LAPIC_REG_ICR_HI), 0);
	assert_int_equal(rd(l, LAPIC_REG_LVT_CMCI), LAPIC_LVT_MASKED);
	for (uint32_t reg = LAPIC_REG_LVT_TIMER; reg <= LAPIC_REG_LVT_ERROR; reg += 16)
		assert_int_equal(rd(l, reg), LAPIC_LVT_MASKED);
	for (uint32_t reg = LAPIC_REG_ISR; reg < LAPIC_REG_ESR; reg += 16)
		assert_int_equal(rd(l, reg), 0);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_ICR), 0);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_DCR), 0);
	assert_int_equal(lapic_timer_next_ns(l), 0);
}

static void test_reset_apic_base_bsp_only_on_vp0(void **state)
{
	(void)state;
	assert_int_equal(msr_rd(apic(0), MSR_IA32_APIC_BASE),
			 LAPIC_MMIO_BASE | LAPIC_BASE_EN | LAPIC_BASE_BSP);
	assert_int_equal(msr_rd(apic(2), MSR_IA32_APIC_BASE),
			 LAPIC_MMIO_BASE | LAPIC_BASE_EN);
}

static void test_bus_init_rejects_bad_arguments(void **state)
{
	struct lapic_bus bus;
	struct lapic_ops no_clock = fake_ops;

	(void)state;
	no_clock.now_ns = NULL;
	assert_int_equal(lapic_bus_init(&bus, 0, &fake_ops, NULL, TSC_KHZ), -EINVAL);
	assert_int_equal(lapic_bus_init(&bus, LAPIC_MAX_VCPUS + 1, &fake_ops, NULL,
					TSC_KHZ), -EINVAL);
	assert_int_equal(lapic_bus_init(&bus, 1, &no_clock, NULL, TSC_KHZ), -EINVAL);
	assert_int_equal(lapic_bus_init(&bus, 1, &fake_ops, NULL, 0), -EINVAL);
	assert_int_equal(lapic_bus_init(&bus, 2, &fake_ops, NULL, TSC_KHZ), 0);
	assert_null(lapic_bus_get(&bus, 2));
}

static void test_id_read_write(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_ID, 0x05000000);
	assert_int_equal(rd(l, LAPIC_REG_ID), 0x05000000);
	assert_int_equal(lapic_reg_write(l, LAPIC_REG_VERSION, 0), -EINVAL);
	assert_int_equal(rd(l, LAPIC_REG_VERSION), LAPIC_VERSION_VALUE);
}

static void test_tpr_read_write(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_TPR, 0x1a5);
	assert_int_equal(rd(l, LAPIC_REG_TPR), 0xa5);
	assert_int_equal(rd(l, LAPIC_REG_PPR), 0xa5);
	assert_int_equal(lapic_reg_write(l, LAPIC_REG_PPR, 0), -EINVAL);
}

static void test_ldr_dfr_writable_bits(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LDR, 0x12345678);
	assert_int_equal(rd(l, LAPIC_REG_LDR), 0x12000000);
	wr(l, LAPIC_REG_DFR, 0);
	assert_int_equal(rd(l, LAPIC_REG_DFR), 0x0fffffff);
}

static void test_reserved_and_write_only_read_zero(void **state)
{
	struct lapic *l = apic(0);
	uint32_t v = 1;

	(void)state;
	assert_int_equal(rd(l, LAPIC_REG_APR), 0);
	assert_int_equal(rd(l, LAPIC_REG_RRD), 0);
	assert_int_equal(rd(l, LAPIC_REG_EOI), 0);
	assert_int_equal(lapic_reg_read(l, 0x40, &v), -EINVAL);
	assert_int_equal(v, 0);
	assert_int_equal(mmio_rd(0, 0x40), 0);
	assert_int_equal(mmio_rd(0, LAPIC_REG_SELF_IPI), 0);
}

static void test_mmio_routes_by_vp_through_iobus(void **state)
{
	struct iobus bus;
	uint32_t v = 0;

	(void)state;
	iobus_init(&bus, "mmio");
	assert_int_equal(lapic_bus_register_mmio(&fx.bus, &bus), 0);
	assert_int_equal(iobus_access(&bus, 2, LAPIC_MMIO_BASE + LAPIC_REG_ID, &v,
				      4, false), IO_CONTINUE);
	assert_int_equal(v, 2u << 24);
	v = 0x30;
	assert_int_equal(iobus_access(&bus, 3, LAPIC_MMIO_BASE + LAPIC_REG_TPR, &v,
				      4, true), IO_CONTINUE);
	assert_int_equal(rd(apic(3), LAPIC_REG_TPR), 0x30);
	assert_int_equal(rd(apic(2), LAPIC_REG_TPR), 0);
	assert_int_equal(lapic_mmio(&fx.bus, NR_VCPUS, 0x20, &v, 4, false), -EINVAL);
}

static void test_mmio_odd_accesses_ignored(void **state)
{
	uint64_t wide = ~0ull;
	uint8_t byte = 0xff;
	uint32_t v = 0x40;

	(void)state;
	mmio_wr(0, LAPIC_REG_TPR, 0x20);
	assert_int_equal(lapic_mmio(&fx.bus, 0, LAPIC_REG_TPR, &wide, 8, false),
			 IO_CONTINUE);
	assert_int_equal(wide, 0);
	assert_int_equal(lapic_mmio(&fx.bus, 0, LAPIC_REG_TPR, &byte, 1, false),
			 IO_CONTINUE);
	assert_int_equal(byte, 0);
	assert_int_equal(lapic_mmio(&fx.bus, 0, LAPIC_REG_TPR + 4, &v, 4, true),
			 IO_CONTINUE);
	assert_int_equal(mmio_rd(0, LAPIC_REG_TPR + 4), 0);
	assert_int_equal(mmio_rd(0, LAPIC_REG_TPR), 0x20);
}

static void test_svr_spurious_vector_and_bits(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_SVR, 0x3ef);
	assert_int_equal(rd(l, LAPIC_REG_SVR), 0x3ef);
	wr(l, LAPIC_REG_SVR, 0xfffff1ff); /* EOI suppression etc. not offered */
	assert_int_equal(rd(l, LAPIC_REG_SVR), 0x1ff);
}

static void test_lvt_writable_bits(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LVT_LINT0, 0xffffffff);
	assert_int_equal(rd(l, LAPIC_REG_LVT_LINT0), 0x0001a7ff);
	wr(l, LAPIC_REG_LVT_ERROR, 0xffffffff);
	assert_int_equal(rd(l, LAPIC_REG_LVT_ERROR), 0x000100ff);
	wr(l, LAPIC_REG_LVT_TIMER, 0x000200ef);
	assert_int_equal(rd(l, LAPIC_REG_LVT_TIMER), 0x000200ef);
}

/* ---- priorities, IRR/ISR/EOI ---- */

static void test_highest_irr_delivered_first(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x30, false, false);
	lapic_set_irq(l, 0x80, false, false);
	assert_int_equal(lapic_pending_vector(l), 0x80);
	assert_true(lapic_has_pending(l));
}

static void test_higher_class_preempts(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x40, false, false);
	assert_int_equal(inject(l), 0x40);
	assert_true(isr_has(l, 0x40));
	assert_false(irr_has(l, 0x40));
	lapic_set_irq(l, 0x51, false, false);
	assert_int_equal(lapic_pending_vector(l), 0x51);
}

static void test_same_class_waits_for_eoi(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x45, false, false);
	assert_int_equal(inject(l), 0x45);
	lapic_set_irq(l, 0x4a, false, false);
	assert_int_equal(lapic_pending_vector(l), -1);
	assert_false(lapic_has_pending(l));
	lapic_set_irq(l, 0x3f, false, false);
	assert_int_equal(lapic_pending_vector(l), -1);
	wr(l, LAPIC_REG_EOI, 0);
	assert_int_equal(lapic_pending_vector(l), 0x4a);
}

static void test_tpr_masks_lower_classes(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_TPR, 0x50);
	lapic_set_irq(l, 0x5f, false, false);
	assert_int_equal(lapic_pending_vector(l), -1);
	lapic_set_irq(l, 0x61, false, false);
	assert_int_equal(lapic_pending_vector(l), 0x61);
	assert_int_equal(inject(l), 0x61);
	wr(l, LAPIC_REG_EOI, 0);
	assert_int_equal(lapic_pending_vector(l), -1);
	wr(l, LAPIC_REG_TPR, 0x4f);
	assert_int_equal(lapic_pending_vector(l), 0x5f);
}

static void test_ppr_is_max_of_tpr_and_isr_class(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x41, false, false);
	assert_int_equal(inject(l), 0x41);
	wr(l, LAPIC_REG_TPR, 0x35);
	assert_int_equal(rd(l, LAPIC_REG_PPR), 0x40);
	wr(l, LAPIC_REG_TPR, 0x4f);
	assert_int_equal(rd(l, LAPIC_REG_PPR), 0x4f);
	wr(l, LAPIC_REG_TPR, 0x52);
	assert_int_equal(lapic_ppr(l), 0x52);
}

static void test_nested_eoi_clears_highest_isr(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x40, false, false);
	assert_int_equal(inject(l), 0x40);
	lapic_set_irq(l, 0x60, false, false);
	assert_int_equal(inject(l), 0x60);
	assert_int_equal(rd(l, LAPIC_REG_PPR), 0x60);
	wr(l, LAPIC_REG_EOI, 0);
	assert_false(isr_has(l, 0x60));
	assert_true(isr_has(l, 0x40));
	assert_int_equal(rd(l, LAPIC_REG_PPR), 0x40);
	wr(l, LAPIC_REG_EOI, 0);
	assert_false(isr_has(l, 0x40));
	assert_int_equal(fx.fake.nr_eois, 2);
	assert_int_equal(fx.fake.eois[0].vec, 0x60);
	assert_int_equal(fx.fake.eois[1].vec, 0x40);
}

static void test_eoi_with_nothing_in_service_not_reported(void **state)
{
	(void)state;
	wr(apic(0), LAPIC_REG_EOI, 0);
	assert_int_equal(fx.fake.nr_eois, 0);
}

static void test_eoi_callback_vp_and_vector(void **state)
{
	(void)state;
	lapic_set_irq(apic(2), 0x77, false, false);
	assert_int_equal(inject(apic(2)), 0x77);
	mmio_wr(2, LAPIC_REG_EOI, 0);
	assert_int_equal(fx.fake.nr_eois, 1);
	assert_int_equal(fx.fake.eois[0].vp, 2);
	assert_int_equal(fx.fake.eois[0].vec, 0x77);
}

static void test_level_vector_sets_tmr_until_eoi(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x70, true, false);
	assert_int_equal(inject(l), 0x70);
	assert_true(tmr_has(l, 0x70));
	wr(l, LAPIC_REG_EOI, 0);
	assert_false(tmr_has(l, 0x70));
	lapic_set_irq(l, 0x70, false, false);
	assert_int_equal(inject(l), 0x70);
	assert_false(tmr_has(l, 0x70));
}

static void test_accept_of_vector_not_pending_is_ignored(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_accept(l, 0x50);
	lapic_accept(l, 3);
	lapic_accept(l, 300);
	assert_false(isr_has(l, 0x50));
	assert_int_equal(lapic_ppr(l), 0);
}

/* ---- AutoEOI ---- */

static void test_auto_eoi_leaves_isr_clear(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	assert_true(lapic_set_irq(l, 0x90, false, true));
	assert_int_equal(inject(l), 0x90);
	assert_false(isr_has(l, 0x90));
	assert_false(irr_has(l, 0x90));
	assert_int_equal(lapic_ppr(l), 0);
	lapic_set_irq(l, 0x31, false, false);
	assert_int_equal(lapic_pending_vector(l), 0x31);
}

static void test_auto_eoi_no_callback_unless_guest_eois(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x90, false, true);
	assert_int_equal(inject(l), 0x90);
	assert_int_equal(fx.fake.nr_eois, 0);
	lapic_set_irq(l, 0x31, false, false);
	assert_int_equal(inject(l), 0x31);
	wr(l, LAPIC_REG_EOI, 0);
	assert_int_equal(fx.fake.nr_eois, 1);
	assert_int_equal(fx.fake.eois[0].vec, 0x31);
}

static void test_auto_eoi_flag_is_per_raise(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x90, false, true);
	assert_int_equal(inject(l), 0x90);
	lapic_set_irq(l, 0x90, false, false);
	assert_int_equal(inject(l), 0x90);
	assert_true(isr_has(l, 0x90));
}

/* ---- set_irq, illegal vectors, disabled APIC ---- */

static void test_set_irq_newly_pending_once_and_kicks(void **state)
{
	struct lapic *l = apic(1);

	(void)state;
	assert_true(lapic_set_irq(l, 0x50, false, false));
	assert_false(lapic_set_irq(l, 0x50, false, false));
	assert_int_equal(atomic_load(&fx.fake.kicks_per_vp[1]), 1);
	assert_int_equal(inject(l), 0x50);
	assert_true(lapic_set_irq(l, 0x50, false, false));
	assert_int_equal(atomic_load(&fx.fake.kicks), 2);
}

static void test_illegal_vector_sets_esr(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	assert_false(lapic_set_irq(l, 15, false, false));
	assert_int_equal(lapic_pending_vector(l), -1);
	assert_false(irr_has(l, 15));
	assert_int_equal(rd(l, LAPIC_REG_ESR), 0); /* not latched yet */
	wr(l, LAPIC_REG_ESR, 0);
	assert_int_equal(rd(l, LAPIC_REG_ESR), LAPIC_ESR_RECV_ILLEGAL);
	wr(l, LAPIC_REG_ESR, 0);
	assert_int_equal(rd(l, LAPIC_REG_ESR), 0);
	assert_true(lapic_set_irq(l, 16, false, false));
}

static void test_send_illegal_vector_sets_sender_esr(void **state)
{
	(void)state;
	send_icr(apic(0), 0x03, 1);
	assert_false(irr_has(apic(1), 3));
	wr(apic(0), LAPIC_REG_ESR, 0);
	assert_int_equal(rd(apic(0), LAPIC_REG_ESR), LAPIC_ESR_SEND_ILLEGAL);
	assert_int_equal(atomic_load(&fx.fake.kicks), 0);
}

static void test_software_disabled_apic_delivers_nothing(void **state)
{
	struct lapic *l = apic(0);

	(void)state; /* setup_reset: SVR 0xff, software-disabled */
	assert_false(lapic_set_irq(l, 0x40, false, false));
	assert_int_equal(lapic_pending_vector(l), -1);
	assert_false(lapic_has_pending(l));
	assert_int_equal(atomic_load(&fx.fake.kicks), 0);
}

static void test_software_disable_masks_lvts(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LVT_LINT0, 0x700);
	assert_int_equal(rd(l, LAPIC_REG_LVT_LINT0), 0x700);
	wr(l, LAPIC_REG_SVR, 0xff);
	assert_int_equal(rd(l, LAPIC_REG_LVT_LINT0), 0x700 | LAPIC_LVT_MASKED);
	wr(l, LAPIC_REG_LVT_LINT1, 0x400);
	assert_int_equal(rd(l, LAPIC_REG_LVT_LINT1), 0x400 | LAPIC_LVT_MASKED);
	wr(l, LAPIC_REG_SVR, 0x1ff);
	wr(l, LAPIC_REG_LVT_LINT1, 0x400);
	assert_int_equal(rd(l, LAPIC_REG_LVT_LINT1), 0x400);
}

static void test_pending_held_while_disabled(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	lapic_set_irq(l, 0x40, false, false);
	wr(l, LAPIC_REG_SVR, 0xff);
	assert_int_equal(lapic_pending_vector(l), -1);
	wr(l, LAPIC_REG_SVR, 0x1ff);
	assert_int_equal(lapic_pending_vector(l), 0x40);
}

/* ---- NMI ---- */

static void test_nmi_flag(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	assert_false(lapic_take_nmi(l));
	lapic_set_nmi(l);
	assert_true(lapic_has_pending(l));
	assert_int_equal(atomic_load(&fx.fake.kicks), 1);
	assert_true(lapic_take_nmi(l));
	assert_false(lapic_take_nmi(l));
	assert_false(lapic_has_pending(l));
}

/* ---- IPIs through the ICR ---- */

#define SH(s) ((uint32_t)(s) << LAPIC_ICR_SHORTHAND_SHIFT)
#define DM(m) ((uint32_t)(m) << LAPIC_ICR_DM_SHIFT)

/* Which vCPUs have vector v pending, as a bitmap of vps. */
static unsigned int pending_on(unsigned int v)
{
	unsigned int mask = 0;

	for (unsigned int vp = 0; vp < NR_VCPUS; vp++)
		if (irr_has(apic(vp), v))
			mask |= 1u << vp;
	return mask;
}

static void test_ipi_fixed_physical(void **state)
{
	(void)state;
	send_icr(apic(0), 0x41, 2);
	assert_int_equal(pending_on(0x41), 1u << 2);
	assert_int_equal(atomic_load(&fx.fake.kicks_per_vp[2]), 1);
	assert_int_equal(atomic_load(&fx.fake.kicks), 1);
}

static void test_ipi_physical_no_match(void **state)
{
	(void)state;
	send_icr(apic(0), 0x41, 9);
	assert_int_equal(pending_on(0x41), 0);
}

static void test_ipi_follows_written_apic_id(void **state)
{
	(void)state;
	wr(apic(3), LAPIC_REG_ID, 0x20u << 24);
	send_icr(apic(0), 0x42, 0x20);
	assert_int_equal(pending_on(0x42), 1u << 3);
}

static void test_ipi_self(void **state)
{
	(void)state;
	send_icr(apic(1), 0x43 | SH(LAPIC_DEST_SELF), 3);
	assert_int_equal(pending_on(0x43), 1u << 1);
}

static void test_ipi_all_excluding_self(void **state)
{
	(void)state;
	send_icr(apic(1), 0x44 | SH(LAPIC_DEST_ALL_BUT_SELF), 0);
	assert_int_equal(pending_on(0x44), 0xd);
}

static void test_ipi_all_including_self(void **state)
{
	(void)state;
	send_icr(apic(1), 0x45 | SH(LAPIC_DEST_ALL), 0);
	assert_int_equal(pending_on(0x45), 0xf);
}

static void test_ipi_physical_broadcast(void **state)
{
	(void)state;
	send_icr(apic(2), 0x46, 0xff);
	assert_int_equal(pending_on(0x46), 0xf);
}

static void test_ipi_logical_flat(void **state)
{
	(void)state;
	for (unsigned int vp = 0; vp < NR_VCPUS; vp++)
		wr(apic(vp), LAPIC_REG_LDR, (1u << vp) << 24);
	send_icr(apic(0), 0x47 | LAPIC_ICR_LOGICAL, 0x06);
	assert_int_equal(pending_on(0x47), 0x6);
	send_icr(apic(0), 0x48 | LAPIC_ICR_LOGICAL, 0xff);
	assert_int_equal(pending_on(0x48), 0xf);
}

static void test_ipi_logical_cluster(void **state)
{
	static const uint32_t ldr[NR_VCPUS] = { 0x01, 0x11, 0x12, 0x21 };

	(void)state;
	for (unsigned int vp = 0; vp < NR_VCPUS; vp++) {
		wr(apic(vp), LAPIC_REG_DFR, 0x0fffffff);
		wr(apic(vp), LAPIC_REG_LDR, ldr[vp] << 24);
	}
	send_icr(apic(0), 0x49 | LAPIC_ICR_LOGICAL, 0x13);
	assert_int_equal(pending_on(0x49), 0x6);
	send_icr(apic(0), 0x4a | LAPIC_ICR_LOGICAL, 0x21);
	assert_int_equal(pending_on(0x4a), 0x8);
	send_icr(apic(0), 0x4b | LAPIC_ICR_LOGICAL, 0x01);
	assert_int_equal(pending_on(0x4b), 0x1);
}

static void test_ipi_lowest_priority_to_lowest_numbered(void **state)
{
	(void)state;
	for (unsigned int vp = 0; vp < NR_VCPUS; vp++)
		wr(apic(vp), LAPIC_REG_LDR, (1u << vp) << 24);
	send_icr(apic(0), 0x4c | DM(LAPIC_DM_LOWEST) | LAPIC_ICR_LOGICAL, 0x0c);
	assert_int_equal(pending_on(0x4c), 0x4);
}

static void test_ipi_nmi(void **state)
{
	(void)state;
	send_icr(apic(0), DM(LAPIC_DM_NMI), 3);
	assert_false(lapic_take_nmi(apic(1)));
	assert_true(lapic_take_nmi(apic(3)));
}

static void test_ipi_init_and_sipi(void **state)
{
	(void)state;
	send_icr(apic(0), DM(LAPIC_DM_INIT) | LAPIC_ICR_LEVEL | LAPIC_ICR_ASSERT, 1);
	send_icr(apic(0), DM(LAPIC_DM_INIT) | LAPIC_ICR_LEVEL, 1); /* de-assert */
	assert_int_equal(fx.fake.nr_inits, 1);
	assert_int_equal(fx.fake.inits[0].vp, 1);
	send_icr(apic(0), DM(LAPIC_DM_STARTUP) | 0x9a, 1);
	assert_int_equal(fx.fake.nr_sipis, 1);
	assert_int_equal(fx.fake.sipis[0].vp, 1);
	assert_int_equal(fx.fake.sipis[0].vec, 0x9a);
	assert_int_equal(pending_on(0x9a), 0);
}

static void test_ipi_init_sipi_all_but_self(void **state)
{
	(void)state;
	send_icr(apic(0), DM(LAPIC_DM_INIT) | LAPIC_ICR_ASSERT |
		 SH(LAPIC_DEST_ALL_BUT_SELF), 0);
	send_icr(apic(0), DM(LAPIC_DM_STARTUP) | 0x08 | SH(LAPIC_DEST_ALL_BUT_SELF), 0);
	assert_int_equal(fx.fake.nr_inits, NR_VCPUS - 1);
	assert_int_equal(fx.fake.nr_sipis, NR_VCPUS - 1);
	for (int i = 0; i < NR_VCPUS - 1; i++) {
		assert_int_equal(fx.fake.sipis[i].vp, i + 1);
		assert_int_equal(fx.fake.sipis[i].vec, 0x08);
	}
}

static void test_ipi_smi_ignored(void **state)
{
	(void)state;
	send_icr(apic(0), DM(LAPIC_DM_SMI) | 0x50, 1);
	assert_int_equal(pending_on(0x50), 0);
	assert_false(lapic_take_nmi(apic(1)));
}

static void test_icr_reads_back_delivery_idle(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	send_icr(l, 0xffffffff & ~SH(3), 1);
	assert_int_equal(rd(l, LAPIC_REG_ICR_LO), 0x0000cfff);
	assert_int_equal(rd(l, LAPIC_REG_ICR_HI), 1u << 24);
}

static void test_ipi_to_disabled_target_dropped(void **state)
{
	(void)state;
	wr(apic(2), LAPIC_REG_SVR, 0xff);
	send_icr(apic(0), 0x51, 2);
	assert_int_equal(pending_on(0x51), 0);
}

static void test_init_reset_keeps_id_and_base(void **state)
{
	struct lapic *l = apic(1);

	(void)state;
	wr(l, LAPIC_REG_ID, 7u << 24);
	wr(l, LAPIC_REG_TPR, 0x20);
	wr(l, LAPIC_REG_LDR, 0x02000000);
	wr(l, LAPIC_REG_LVT_LINT0, 0x700);
	lapic_set_irq(l, 0x60, false, false);
	lapic_set_nmi(l);
	lapic_init_reset(l);
	assert_int_equal(rd(l, LAPIC_REG_ID), 7u << 24);
	assert_int_equal(msr_rd(l, MSR_IA32_APIC_BASE), LAPIC_MMIO_BASE | LAPIC_BASE_EN);
	assert_int_equal(rd(l, LAPIC_REG_TPR), 0);
	assert_int_equal(rd(l, LAPIC_REG_LDR), 0);
	assert_int_equal(rd(l, LAPIC_REG_SVR), 0xff);
	assert_int_equal(rd(l, LAPIC_REG_LVT_LINT0), LAPIC_LVT_MASKED);
	assert_false(irr_has(l, 0x60));
	assert_false(lapic_take_nmi(l));
}

/* ---- x2APIC MSRs ---- */

#define X2(reg) (MSR_X2APIC_FIRST + ((reg) >> 4))

static void test_x2apic_msr_in_xapic_mode_faults(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(lapic_msr_read(apic(0), X2(LAPIC_REG_ID), &v), -EINVAL);
	assert_int_equal(msr_wr(apic(0), X2(LAPIC_REG_TPR), 0x10), -EINVAL);
	assert_int_equal(rd(apic(0), LAPIC_REG_TPR), 0);
}

static void test_non_apic_msr_is_enoent(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(lapic_msr_read(apic(0), 0x10, &v), -ENOENT);
	assert_int_equal(msr_wr(apic(0), 0x900, 0), -ENOENT);
}

static void test_x2apic_id_and_derived_ldr_read_only(void **state)
{
	struct lapic *l = apic(3);

	(void)state;
	to_x2apic(l);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_ID)), 3);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_LDR)), 1u << 3);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_VERSION)), LAPIC_VERSION_VALUE);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_LDR), 0), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_ID), 0), -EINVAL);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_LDR)), 1u << 3);
}

static void test_x2apic_register_round_trip(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	to_x2apic(l);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_TPR), 0x30), 0);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_TPR)), 0x30);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_PPR)), 0x30);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_SVR)), 0x1ff);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_LVT_LINT0), 0x700), 0);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_LVT_LINT0)), 0x700);
}

static void test_x2apic_icr_is_one_64bit_msr(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	to_x2apic(l);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_ICR_LO), (2ull << 32) | 0x45), 0);
	assert_int_equal(pending_on(0x45), 1u << 2);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_ICR_LO)), (2ull << 32) | 0x45);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_ICR_HI), 0), -EINVAL);
}

static void test_x2apic_self_ipi(void **state)
{
	struct lapic *l = apic(1);
	uint64_t v;

	(void)state;
	to_x2apic(l);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_SELF_IPI), 0x55), 0);
	assert_int_equal(pending_on(0x55), 1u << 1);
	assert_int_equal(lapic_msr_read(l, X2(LAPIC_REG_SELF_IPI), &v), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_SELF_IPI), 0x155), -EINVAL);
}

static void test_x2apic_gp_cases(void **state)
{
	struct lapic *l = apic(0);
	uint64_t v;

	(void)state;
	to_x2apic(l);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_VERSION), 0), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_PPR), 0), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_ISR), 0), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_IRR), 0), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_TIMER_CCR), 0), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_EOI), 1), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_EOI), 0), 0);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_ESR), 1), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_TPR), 0x100), -EINVAL);
	assert_int_equal(msr_wr(l, X2(LAPIC_REG_SVR), 1ull << 32), -EINVAL);
	assert_int_equal(lapic_msr_read(l, X2(LAPIC_REG_EOI), &v), -EINVAL);
	assert_int_equal(lapic_msr_read(l, X2(LAPIC_REG_DFR), &v), -EINVAL);
	assert_int_equal(lapic_msr_read(l, X2(LAPIC_REG_APR), &v), -EINVAL);
	assert_int_equal(lapic_msr_read(l, X2(LAPIC_REG_ICR_HI), &v), -EINVAL);
	assert_int_equal(lapic_msr_read(l, 0x801, &v), -EINVAL);
}

static void test_x2apic_logical_cluster_ipi(void **state)
{
	(void)state;
	for (unsigned int vp = 0; vp < NR_VCPUS; vp++)
		to_x2apic(apic(vp));
	assert_int_equal(msr_wr(apic(0), X2(LAPIC_REG_ICR_LO), (0x6ull << 32) |
				LAPIC_ICR_LOGICAL | 0x46), 0);
	assert_int_equal(pending_on(0x46), 0x6);
	assert_int_equal(msr_wr(apic(0), X2(LAPIC_REG_ICR_LO), (0x10001ull << 32) |
				LAPIC_ICR_LOGICAL | 0x47), 0);
	assert_int_equal(pending_on(0x47), 0); /* cluster 1 is empty */
}

static void test_x2apic_physical_broadcast(void **state)
{
	(void)state;
	to_x2apic(apic(0));
	assert_int_equal(msr_wr(apic(0), X2(LAPIC_REG_ICR_LO),
				(0xffffffffull << 32) | 0x48), 0);
	assert_int_equal(pending_on(0x48), 0xf);
	assert_int_equal(msr_wr(apic(0), X2(LAPIC_REG_ICR_LO), (0xffull << 32) | 0x49), 0);
	assert_int_equal(pending_on(0x49), 0); /* 0xff is an ID in x2APIC */
}

static void test_x2apic_mode_hides_mmio(void **state)
{
	(void)state;
	to_x2apic(apic(0));
	assert_int_equal(mmio_rd(0, LAPIC_REG_SVR), 0);
	mmio_wr(0, LAPIC_REG_TPR, 0x40);
	assert_int_equal(msr_rd(apic(0), X2(LAPIC_REG_TPR)), 0);
}

static void test_x2apic_takes_initial_id_and_keeps_ldr_on_init(void **state)
{
	struct lapic *l = apic(2);

	(void)state;
	wr(l, LAPIC_REG_ID, 0x30u << 24);
	to_x2apic(l);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_ID)), 2);
	lapic_init_reset(l);
	assert_int_equal(msr_rd(l, X2(LAPIC_REG_LDR)), 1u << 2);
	assert_true(msr_rd(l, MSR_IA32_APIC_BASE) & LAPIC_BASE_EXTD);
}

/* ---- IA32_APIC_BASE ---- */

static void test_apic_base_mode_transitions(void **state)
{
	struct lapic *l = apic(1);
	const uint64_t base = LAPIC_MMIO_BASE;
	const uint64_t xapic = base | LAPIC_BASE_EN;
	const uint64_t x2apic = xapic | LAPIC_BASE_EXTD;

	(void)state;
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, base | LAPIC_BASE_EXTD), -EINVAL);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, x2apic), 0);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, xapic), -EINVAL);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, base), 0);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, x2apic), -EINVAL);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, xapic), 0);
	assert_int_equal(msr_rd(l, MSR_IA32_APIC_BASE), xapic);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, xapic | 1), -EINVAL);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, xapic | (1ull << 9)), -EINVAL);
}

static void test_apic_base_keeps_bsp(void **state)
{
	(void)state;
	assert_int_equal(msr_wr(apic(0), MSR_IA32_APIC_BASE,
				LAPIC_MMIO_BASE | LAPIC_BASE_EN), 0);
	assert_true(msr_rd(apic(0), MSR_IA32_APIC_BASE) & LAPIC_BASE_BSP);
	assert_int_equal(msr_wr(apic(1), MSR_IA32_APIC_BASE, LAPIC_MMIO_BASE |
				LAPIC_BASE_EN | LAPIC_BASE_BSP), 0);
	assert_false(msr_rd(apic(1), MSR_IA32_APIC_BASE) & LAPIC_BASE_BSP);
}

static void test_apic_base_disable_resets_and_drops(void **state)
{
	struct lapic *l = apic(2);

	(void)state;
	wr(l, LAPIC_REG_ID, 9u << 24);
	lapic_set_irq(l, 0x60, false, false);
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE, LAPIC_MMIO_BASE), 0);
	assert_false(lapic_set_irq(l, 0x61, false, false));
	assert_int_equal(lapic_pending_vector(l), -1);
	assert_int_equal(mmio_rd(2, LAPIC_REG_ID), 0); /* page gone */
	assert_int_equal(msr_wr(l, MSR_IA32_APIC_BASE,
				LAPIC_MMIO_BASE | LAPIC_BASE_EN), 0);
	assert_int_equal(rd(l, LAPIC_REG_ID), 2u << 24);
	assert_int_equal(rd(l, LAPIC_REG_SVR), 0xff);
	assert_false(irr_has(l, 0x60));
}

/* ---- timer ---- */

#define DCR_DIV1 0xb
#define DCR_DIV2 0x0
#define DCR_DIV4 0x1
#define DCR_DIV128 0xa

static void arm(struct lapic *l, uint32_t lvt, uint32_t dcr, uint32_t count)
{
	wr(l, LAPIC_REG_LVT_TIMER, lvt);
	wr(l, LAPIC_REG_TIMER_DCR, dcr);
	wr(l, LAPIC_REG_TIMER_ICR, count);
}

static void test_timer_oneshot_fires_once_on_time(void **state)
{
	struct lapic *l = apic(0);
	uint64_t start = fx.fake.now;

	(void)state;
	arm(l, 0x30, DCR_DIV4, 1000);
	assert_int_equal(lapic_timer_next_ns(l), start + 4000);
	assert_int_equal(fx.fake.timer_changes, 1);
	lapic_timer_tick(l, start + 3999);
	assert_false(irr_has(l, 0x30));
	lapic_timer_tick(l, start + 4000);
	assert_true(irr_has(l, 0x30));
	assert_int_equal(lapic_timer_next_ns(l), 0);
	assert_int_equal(fx.fake.timer_changes, 2);
	assert_int_equal(inject(l), 0x30);
	lapic_timer_tick(l, start + 100000);
	assert_false(irr_has(l, 0x30));
}

static void test_timer_divide_configurations(void **state)
{
	struct lapic *l = apic(0);
	uint64_t start = fx.fake.now;

	(void)state;
	arm(l, 0x30, DCR_DIV1, 1000);
	assert_int_equal(lapic_timer_next_ns(l), start + 1000);
	arm(l, 0x30, DCR_DIV2, 1000);
	assert_int_equal(lapic_timer_next_ns(l), start + 2000);
	arm(l, 0x30, DCR_DIV128, 1000);
	assert_int_equal(lapic_timer_next_ns(l), start + 128000);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_DCR), DCR_DIV128);
	wr(l, LAPIC_REG_TIMER_DCR, 0xffffffff);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_DCR), 0xb);
}

static void test_timer_divide_change_waits_for_reload(void **state)
{
	struct lapic *l = apic(0);
	uint64_t start = fx.fake.now;

	(void)state;
	arm(l, 0x30, DCR_DIV1, 1000);
	wr(l, LAPIC_REG_TIMER_DCR, DCR_DIV128);
	assert_int_equal(lapic_timer_next_ns(l), start + 1000);
	fx.fake.now += 500;
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 500);
}

static void test_timer_periodic_rearms_without_drift(void **state)
{
	struct lapic *l = apic(0);
	uint64_t s = fx.fake.now;

	(void)state;
	arm(l, 0x31 | LAPIC_TIMER_PERIODIC, DCR_DIV1, 1000);
	assert_int_equal(lapic_timer_next_ns(l), s + 1000);
	lapic_timer_tick(l, s + 1300); /* late by 300 */
	assert_true(irr_has(l, 0x31));
	assert_int_equal(lapic_timer_next_ns(l), s + 2000);
	assert_int_equal(inject(l), 0x31);
	wr(l, LAPIC_REG_EOI, 0);
	lapic_timer_tick(l, s + 2000);
	assert_true(irr_has(l, 0x31));
	assert_int_equal(lapic_timer_next_ns(l), s + 3000);
}

static void test_timer_periodic_coalesces_missed_periods(void **state)
{
	struct lapic *l = apic(0);
	uint64_t s = fx.fake.now;

	(void)state;
	arm(l, 0x31 | LAPIC_TIMER_PERIODIC, DCR_DIV1, 1000);
	lapic_timer_tick(l, s + 5500);
	assert_int_equal(lapic_timer_next_ns(l), s + 6000);
	lapic_timer_tick(l, s + 6000);
	assert_int_equal(lapic_timer_next_ns(l), s + 7000);
}

static void test_timer_masked_sets_no_irr(void **state)
{
	struct lapic *l = apic(0);
	uint64_t s = fx.fake.now;

	(void)state;
	arm(l, 0x32 | LAPIC_LVT_MASKED, DCR_DIV1, 100);
	assert_int_equal(lapic_timer_next_ns(l), s + 100);
	lapic_timer_tick(l, s + 100);
	assert_false(irr_has(l, 0x32));
	assert_int_equal(lapic_timer_next_ns(l), 0);
	assert_int_equal(atomic_load(&fx.fake.kicks), 0);
}

static void test_timer_current_count_decreases(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	arm(l, 0x30, DCR_DIV2, 1000);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 1000);
	fx.fake.now += 500;
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 750);
	fx.fake.now += 1499;
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 0); /* under one count left */
	fx.fake.now += 5000;
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 0);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_ICR), 1000);
}

static void test_timer_periodic_current_count_wraps(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	arm(l, 0x30 | LAPIC_TIMER_PERIODIC, DCR_DIV1, 1000);
	fx.fake.now += 2250;
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 750);
}

static void test_timer_zero_count_disarms(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	arm(l, 0x30, DCR_DIV1, 1000);
	wr(l, LAPIC_REG_TIMER_ICR, 0);
	assert_int_equal(lapic_timer_next_ns(l), 0);
	assert_int_equal(fx.fake.timer_changes, 2);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 0);
}

static void test_timer_tsc_deadline(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LVT_TIMER, 0x33 | LAPIC_TIMER_TSC_DEADLINE);
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, 2000000), 0);
	/* 2,000,000 ticks at 2 GHz: 1 ms after TSC 0 = now_ns 0 */
	assert_int_equal(lapic_timer_next_ns(l), 1000000);
	assert_int_equal(msr_rd(l, MSR_IA32_TSC_DEADLINE), 2000000);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_CCR), 0);
	lapic_timer_tick(l, 999999);
	assert_false(irr_has(l, 0x33));
	lapic_timer_tick(l, 1000000);
	assert_true(irr_has(l, 0x33));
	assert_int_equal(msr_rd(l, MSR_IA32_TSC_DEADLINE), 0);
	assert_int_equal(lapic_timer_next_ns(l), 0);
}

static void test_timer_tsc_deadline_rounds_up(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LVT_TIMER, 0x33 | LAPIC_TIMER_TSC_DEADLINE);
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, 3), 0);
	assert_int_equal(lapic_timer_next_ns(l), 2); /* 1.5 ns */
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, 0), 0);
	assert_int_equal(lapic_timer_next_ns(l), 0);
}

static void test_timer_tsc_deadline_far_future_saturates(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LVT_TIMER, 0x33 | LAPIC_TIMER_TSC_DEADLINE);
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, UINT64_MAX), 0);
	assert_true(lapic_timer_next_ns(l) >= UINT64_MAX / 2);
	lapic_timer_tick(l, 1ull << 62);
	assert_false(irr_has(l, 0x33));
}

static void test_timer_tsc_deadline_with_guest_tsc(void **state)
{
	struct lapic_ops ops = fake_ops;
	struct lapic *l;

	(void)state;
	ops.guest_tsc = fake_guest_tsc;
	assert_int_equal(lapic_bus_init(&fx.bus, 1, &ops, &fx.fake, TSC_KHZ), 0);
	l = apic(0);
	wr(l, LAPIC_REG_SVR, 0x1ff);
	wr(l, LAPIC_REG_LVT_TIMER, 0x33 | LAPIC_TIMER_TSC_DEADLINE);
	fx.fake.now = 5000;
	fx.fake.guest_tsc = 1000;
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, 3000), 0);
	assert_int_equal(lapic_timer_next_ns(l), 6000);
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, 500), 0); /* past */
	assert_int_equal(lapic_timer_next_ns(l), 5000);
	lapic_timer_tick(l, 5000);
	assert_true(irr_has(l, 0x33));
}

static void test_tsc_deadline_ignored_outside_its_mode(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	wr(l, LAPIC_REG_LVT_TIMER, 0x33);
	assert_int_equal(msr_wr(l, MSR_IA32_TSC_DEADLINE, 5000), 0);
	assert_int_equal(msr_rd(l, MSR_IA32_TSC_DEADLINE), 0);
	assert_int_equal(lapic_timer_next_ns(l), 0);
	wr(l, LAPIC_REG_LVT_TIMER, 0x33 | LAPIC_TIMER_TSC_DEADLINE);
	wr(l, LAPIC_REG_TIMER_ICR, 1000); /* ignored in TSC-deadline mode */
	assert_int_equal(lapic_timer_next_ns(l), 0);
}

static void test_timer_mode_switch_to_tsc_deadline_disarms(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	arm(l, 0x30, DCR_DIV1, 1000);
	wr(l, LAPIC_REG_LVT_TIMER, 0x30 | LAPIC_TIMER_PERIODIC);
	assert_int_not_equal(lapic_timer_next_ns(l), 0); /* still counting */
	wr(l, LAPIC_REG_LVT_TIMER, 0x30 | LAPIC_TIMER_TSC_DEADLINE);
	assert_int_equal(lapic_timer_next_ns(l), 0);
	assert_int_equal(rd(l, LAPIC_REG_TIMER_ICR), 0);
}

static void test_init_reset_disarms_timer(void **state)
{
	struct lapic *l = apic(0);

	(void)state;
	arm(l, 0x30, DCR_DIV1, 1000);
	lapic_init_reset(l);
	assert_int_equal(lapic_timer_next_ns(l), 0);
	assert_int_equal(fx.fake.timer_changes, 2);
	assert_int_equal(rd(l, LAPIC_REG_LVT_TIMER), LAPIC_LVT_MASKED);
}

/* ---- concurrency: set_irq from other threads ---- */

#define STORM_ROUNDS 2000

struct storm {
	struct lapic *l;
	unsigned int first; /* raises first, first + 2, ... */
	int rounds;
	bool auto_eoi;
	atomic_int newly;
};

static void *storm_thread(void *arg)
{
	struct storm *s = arg;

	for (int r = 0; r < s->rounds; r++)
		for (unsigned int v = s->first; v < 256; v += 2)
			if (lapic_set_irq(s->l, (uint8_t)v, false, s->auto_eoi))
				atomic_fetch_add(&s->newly, 1);
	return NULL;
}

static void start_storm(pthread_t *t, struct storm *s)
{
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, storm_thread, &s[i]), 0);
}

static void join_storm(pthread_t *t)
{
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
}

/* The 240 legal vectors split odd/even between two threads, each raised many
 * times: every one ends up pending, and each became pending exactly once. */
static void test_set_irq_storm_loses_no_vector(void **state)
{
	struct storm s[2] = {
		{ .l = apic(0), .first = 16, .rounds = STORM_ROUNDS },
		{ .l = apic(0), .first = 17, .rounds = STORM_ROUNDS },
	};
	pthread_t t[2];

	(void)state;
	start_storm(t, s);
	join_storm(t);
	for (unsigned int v = 16; v < 256; v++)
		assert_true(irr_has(apic(0), v));
	assert_int_equal(atomic_load(&s[0].newly) + atomic_load(&s[1].newly), 240);
	assert_int_equal(atomic_load(&fx.fake.kicks), 240);
}

/* The owner drains while two threads raise each vector once (one thread
 * AutoEOI, one not): every vector is accepted exactly once. */
static void test_storm_with_concurrent_accept(void **state)
{
	struct storm s[2] = {
		{ .l = apic(1), .first = 16, .rounds = 1, .auto_eoi = true },
		{ .l = apic(1), .first = 17, .rounds = 1 },
	};
	int seen[256] = { 0 }, total = 0;
	pthread_t t[2];
	long spins = 0;

	(void)state;
	start_storm(t, s);
	while (total < 240 && spins++ < 100000000L) {
		int v = inject(apic(1));

		if (v < 0)
			continue;
		seen[v]++;
		total++;
		wr(apic(1), LAPIC_REG_EOI, 0); /* no-op for AutoEOI ones */
	}
	join_storm(t);
	assert_int_equal(total, 240);
	for (unsigned int v = 16; v < 256; v++)
		assert_int_equal(seen[v], 1);
	assert_int_equal(fx.fake.nr_eois, 120);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_values, setup_reset),
		cmocka_unit_test_setup(test_reset_apic_base_bsp_only_on_vp0, setup_reset),
		cmocka_unit_test_setup(test_bus_init_rejects_bad_arguments, setup),
		cmocka_unit_test_setup(test_id_read_write, setup),
		cmocka_unit_test_setup(test_tpr_read_write, setup),
		cmocka_unit_test_setup(test_ldr_dfr_writable_bits, setup),
		cmocka_unit_test_setup(test_reserved_and_write_only_read_zero, setup),
		cmocka_unit_test_setup(test_mmio_routes_by_vp_through_iobus, setup),
		cmocka_unit_test_setup(test_mmio_odd_accesses_ignored, setup),
		cmocka_unit_test_setup(test_svr_spurious_vector_and_bits, setup),
		cmocka_unit_test_setup(test_lvt_writable_bits, setup),
		cmocka_unit_test_setup(test_highest_irr_delivered_first, setup),
		cmocka_unit_test_setup(test_higher_class_preempts, setup),
		cmocka_unit_test_setup(test_same_class_waits_for_eoi, setup),
		cmocka_unit_test_setup(test_tpr_masks_lower_classes, setup),
		cmocka_unit_test_setup(test_ppr_is_max_of_tpr_and_isr_class, setup),
		cmocka_unit_test_setup(test_nested_eoi_clears_highest_isr, setup),
		cmocka_unit_test_setup(test_eoi_with_nothing_in_service_not_reported, setup),
		cmocka_unit_test_setup(test_eoi_callback_vp_and_vector, setup),
		cmocka_unit_test_setup(test_level_vector_sets_tmr_until_eoi, setup),
		cmocka_unit_test_setup(test_accept_of_vector_not_pending_is_ignored, setup),
		cmocka_unit_test_setup(test_auto_eoi_leaves_isr_clear, setup),
		cmocka_unit_test_setup(test_auto_eoi_no_callback_unless_guest_eois, setup),
		cmocka_unit_test_setup(test_auto_eoi_flag_is_per_raise, setup),
		cmocka_unit_test_setup(test_set_irq_newly_pending_once_and_kicks, setup),
		cmocka_unit_test_setup(test_illegal_vector_sets_esr, setup),
		cmocka_unit_test_setup(test_send_illegal_vector_sets_sender_esr, setup),
		cmocka_unit_test_setup(test_software_disabled_apic_delivers_nothing, setup_reset),
		cmocka_unit_test_setup(test_software_disable_masks_lvts, setup),
		cmocka_unit_test_setup(test_pending_held_while_disabled, setup),
		cmocka_unit_test_setup(test_nmi_flag, setup),
		cmocka_unit_test_setup(test_ipi_fixed_physical, setup),
		cmocka_unit_test_setup(test_ipi_physical_no_match, setup),
		cmocka_unit_test_setup(test_ipi_follows_written_apic_id, setup),
		cmocka_unit_test_setup(test_ipi_self, setup),
		cmocka_unit_test_setup(test_ipi_all_excluding_self, setup),
		cmocka_unit_test_setup(test_ipi_all_including_self, setup),
		cmocka_unit_test_setup(test_ipi_physical_broadcast, setup),
		cmocka_unit_test_setup(test_ipi_logical_flat, setup),
		cmocka_unit_test_setup(test_ipi_logical_cluster, setup),
		cmocka_unit_test_setup(test_ipi_lowest_priority_to_lowest_numbered, setup),
		cmocka_unit_test_setup(test_ipi_nmi, setup),
		cmocka_unit_test_setup(test_ipi_init_and_sipi, setup),
		cmocka_unit_test_setup(test_ipi_init_sipi_all_but_self, setup),
		cmocka_unit_test_setup(test_ipi_smi_ignored, setup),
		cmocka_unit_test_setup(test_icr_reads_back_delivery_idle, setup),
		cmocka_unit_test_setup(test_ipi_to_disabled_target_dropped, setup),
		cmocka_unit_test_setup(test_init_reset_keeps_id_and_base, setup),
		cmocka_unit_test_setup(test_x2apic_msr_in_xapic_mode_faults, setup),
		cmocka_unit_test_setup(test_non_apic_msr_is_enoent, setup),
		cmocka_unit_test_setup(test_x2apic_id_and_derived_ldr_read_only, setup),
		cmocka_unit_test_setup(test_x2apic_register_round_trip, setup),
		cmocka_unit_test_setup(test_x2apic_icr_is_one_64bit_msr, setup),
		cmocka_unit_test_setup(test_x2apic_self_ipi, setup),
		cmocka_unit_test_setup(test_x2apic_gp_cases, setup),
		cmocka_unit_test_setup(test_x2apic_logical_cluster_ipi, setup),
		cmocka_unit_test_setup(test_x2apic_physical_broadcast, setup),
		cmocka_unit_test_setup(test_x2apic_mode_hides_mmio, setup),
		cmocka_unit_test_setup(test_x2apic_takes_initial_id_and_keeps_ldr_on_init, setup),
		cmocka_unit_test_setup(test_apic_base_mode_transitions, setup),
		cmocka_unit_test_setup(test_apic_base_keeps_bsp, setup),
		cmocka_unit_test_setup(test_apic_base_disable_resets_and_drops, setup),
		cmocka_unit_test_setup(test_timer_oneshot_fires_once_on_time, setup),
		cmocka_unit_test_setup(test_timer_divide_configurations, setup),
		cmocka_unit_test_setup(test_timer_divide_change_waits_for_reload, setup),
		cmocka_unit_test_setup(test_timer_periodic_rearms_without_drift, setup),
		cmocka_unit_test_setup(test_timer_periodic_coalesces_missed_periods, setup),
		cmocka_unit_test_setup(test_timer_masked_sets_no_irr, setup),
		cmocka_unit_test_setup(test_timer_current_count_decreases, setup),
		cmocka_unit_test_setup(test_timer_periodic_current_count_wraps, setup),
		cmocka_unit_test_setup(test_timer_zero_count_disarms, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline_rounds_up, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline_far_future_saturates, setup),
		cmocka_unit_test_setup(test_timer_tsc_deadline_with_guest_tsc, setup),
		cmocka_unit_test_setup(test_tsc_deadline_ignored_outside_its_mode, setup),
		cmocka_unit_test_setup(test_timer_mode_switch_to_tsc_deadline_disarms, setup),
		cmocka_unit_test_setup(test_init_reset_disarms_timer, setup),
		cmocka_unit_test_setup(test_set_irq_storm_loses_no_vector, setup),
		cmocka_unit_test_setup(test_storm_with_concurrent_accept, setup),
	};

	return cmocka_run_group_tests_name("lapic", tests, NULL, NULL);
}
