#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static void *fake_gpa_map(void *opaque, uint64_t gpa, uint64_t len)
{
	struct fake_vmm *vmm = opaque;

	if (gpa >= RAM_SIZE || len > RAM_SIZE - gpa)
		return NULL;
	return vmm->ram + gpa;
}

static void fake_sint_assert(void *opaque, uint32_t vp, uint8_t sint,
			     uint8_t vector, bool auto_eoi)
{
	struct fake_vmm *vmm = opaque;

	atomic_fetch_add(&vmm->asserts, 1);
	vmm->last_vp = vp;
	vmm->last_sint = sint;
	vmm->last_vector = vector;
	vmm->last_auto_eoi = auto_eoi;
}

static void fake_hypercall_page(void *opaque, uint64_t gpa, bool enabled)
{
	struct fake_vmm *vmm = opaque;

	vmm->hcpage_calls++;
	vmm->hcpage_gpa = gpa;
	vmm->hcpage_enabled = enabled;
}

static uint16_t fake_host_event(void *opaque, uint32_t port_id, uint32_t flag)
{
	struct fake_vmm *vmm = opaque;

	atomic_fetch_add(&vmm->host_events, 1);
	vmm->last_host_port = port_id;
	vmm->last_host_flag = flag;
	return HV_STATUS_SUCCESS;
}

static uint16_t fake_host_message(void *opaque, uint32_t port_id, uint32_t type,
				  const void *payload, uint32_t size)
{
	struct fake_vmm *vmm = opaque;

	atomic_fetch_add(&vmm->host_messages, 1);
	vmm->last_msg_port = port_id;
	vmm->last_msg_type = type;
	vmm->last_msg_size = size;
	memcpy(vmm->last_msg_payload, payload, size);
	return vmm->host_message_status;
}

static uint64_t fake_ref_time(void *opaque)
{
	return ((struct fake_vmm *)opaque)->now;
}

static void fake_stimer_arm(void *opaque, uint32_t vp, uint8_t timer,
			    uint64_t deadline)
{
	struct fake_vmm *vmm = opaque;

	vmm->arm_calls++;
	vmm->arm_vp = vp;
	vmm->arm_timer = timer;
	vmm->arm_deadline = deadline;
}

static void fake_direct_irq(void *opaque, uint32_t vp, uint8_t vector)
{
	struct fake_vmm *vmm = opaque;

	vmm->direct_irqs++;
	vmm->direct_vp = vp;
	vmm->direct_vector = vector;
}

static void fake_trace(void *ctx, uint64_t partition_id, uint32_t vp,
		       const char *what, uint64_t a, uint64_t b)
{
	struct fake_vmm *vmm = ctx;

	(void)partition_id, (void)vp, (void)what, (void)a, (void)b;
	vmm->traces++;
}

const struct synic_seams fake_seams = {
	.gpa_map = fake_gpa_map,
	.sint_assert = fake_sint_assert,
	.hypercall_page = fake_hypercall_page,
	.ref_time = fake_ref_time,
	.stimer_arm = fake_stimer_arm,
	.direct_irq = fake_direct_irq,
};

const struct synic_seams fake_root_seams = {
	.host_event = fake_host_event,
	.host_message = fake_host_message,
};

static struct synic_partition *fx_partition(struct fx *f, uint64_t id,
					    uint32_t nvps, unsigned flags)
{
	struct synic_partition_config cfg = {
		.id = id, .max_vps = nvps, .privileges = ALL_PRIVS,
		.flags = flags, .opaque = &f->vmm,
		.seams = (flags & SYNIC_PARTITION_ROOT) ? &fake_root_seams : &fake_seams,
	};

	return fx_active_partition(f->s, &cfg);
}

struct synic_partition *fx_active_partition(struct synic *s,
					    const struct synic_partition_config *cfg)
{
	struct synic_partition *p = NULL;

	assert_int_equal(synic_partition_create(s, cfg, &p), 0);
	for (uint32_t i = 0; i < cfg->max_vps; i++)
		assert_int_equal(synic_vp_add(p, i), 0);
	assert_int_equal(synic_partition_set_state(p, SYNIC_PS_ACTIVE), 0);
	return p;
}

int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	f->vmm.ram = aligned_alloc(4096, RAM_SIZE);
	memset(f->vmm.ram, 0xA5, RAM_SIZE);     /* so page zeroing shows */
	assert_int_equal(synic_create(&f->s), 0);
	synic_set_trace(f->s, fake_trace, &f->vmm);
	f->root = fx_partition(f, ROOT_ID, 0, SYNIC_PARTITION_ROOT);
	f->caller = fx_partition(f, CALLER_ID, NVPS, 0);
	f->target = fx_partition(f, TARGET_ID, NVPS, 0);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;

	synic_destroy(f->s);
	free(f->vmm.ram);
	free(f);
	return 0;
}

void fx_synic_on(struct synic_partition *p, uint32_t vp, uint8_t sint)
{
	assert_int_equal(synic_msr_write(p, vp, HV_MSR_SCONTROL, 1, 0), 0);
	assert_int_equal(synic_msr_write(p, vp, HV_MSR_SIEFP,
					 (SIEF_GPA + vp * 4096ull) | 1, 0), 0);
	assert_int_equal(synic_msr_write(p, vp, HV_MSR_SINT0 + sint,
					 0x40u + sint, 0), 0);
}

void fx_event_port(struct fx *f, uint32_t port, uint32_t vp, uint8_t sint,
		   uint16_t base, uint16_t count, uint32_t conn)
{
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = port,
		.type = HV_PORT_TYPE_EVENT, .target_sint = sint, .target_vp = vp,
		.base_flag = base, .flag_count = count,
	};

	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, conn, TARGET_ID, port),
			 HV_STATUS_SUCCESS);
}

bool fx_flag(const struct fx *f, uint32_t vp, uint8_t sint, uint32_t flag)
{
	const uint8_t *page = f->vmm.ram + SIEF_GPA + vp * 4096ull;

	return page[sint * 256 + flag / 8] & (1u << (flag % 8));
}

uint64_t fx_hypercall(struct fx *f, uint64_t control, uint64_t in, uint64_t out)
{
	struct synic_hypercall hc = {0};
	uint64_t result = ~0ull;

	synic_hypercall_from_x64(&hc, control, in, out);
	assert_int_equal(synic_hypercall(f->caller, 0, &hc, &result),
			 SYNIC_HC_DONE);
	return result;
}

uint16_t fx_signal_fast(struct fx *f, uint32_t conn, uint16_t flag)
{
	return (uint16_t)fx_hypercall(f, HVCALL_SIGNAL_EVENT | HV_HC_FAST,
				      conn | (uint64_t)flag << 32, 0);
}

void fx_sim_on(struct synic_partition *p, uint32_t vp, uint8_t sint)
{
	assert_int_equal(synic_msr_write(p, vp, HV_MSR_SCONTROL, 1, 0), 0);
	assert_int_equal(synic_msr_write(p, vp, HV_MSR_SIMP,
					 (SIMP_GPA + vp * 4096ull) | 1, 0), 0);
	assert_int_equal(synic_msr_write(p, vp, HV_MSR_SINT0 + sint,
					 0x40u + sint, 0), 0);
}

void fx_message_port(struct fx *f, uint32_t port, uint32_t vp, uint8_t sint,
		     uint32_t conn)
{
	struct synic_port_params pp = {
		.partition_id = TARGET_ID, .port_id = port,
		.type = HV_PORT_TYPE_MESSAGE, .target_sint = sint, .target_vp = vp,
	};

	assert_int_equal(synic_port_create(f->s, &pp), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, conn, TARGET_ID, port),
			 HV_STATUS_SUCCESS);
}

uint8_t *fx_slot(const struct fx *f, uint32_t vp, uint8_t sint)
{
	return f->vmm.ram + SIMP_GPA + vp * 4096ull + sint * 256u;
}

uint32_t fx_get_u32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

uint64_t fx_get_u64(const uint8_t *b)
{
	return fx_get_u32(b) | (uint64_t)fx_get_u32(b + 4) << 32;
}

uint32_t fx_slot_type(const struct fx *f, uint32_t vp, uint8_t sint)
{
	return fx_get_u32(fx_slot(f, vp, sint));
}

bool fx_slot_consume(struct fx *f, uint32_t vp, uint8_t sint)
{
	uint8_t *slot = fx_slot(f, vp, sint);

	memset(slot, 0, 4);
	return slot[5] & 1;
}

static void put_u32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

uint16_t fx_post(struct fx *f, uint32_t conn, uint32_t type,
		 const void *payload, uint32_t size)
{
	uint8_t *in = f->vmm.ram + INPUT_GPA;

	memset(in, 0, 256);
	put_u32(in, conn);
	put_u32(in + 8, type);
	put_u32(in + 12, size);
	if (payload)
		memcpy(in + 16, payload, size > 240 ? 240 : size);
	return (uint16_t)fx_hypercall(f, HVCALL_POST_MESSAGE, INPUT_GPA, 0);
}
