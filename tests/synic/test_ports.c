/* Partitions, ports and connections: create/delete/connect/disconnect and
 * their statuses, host side and through the hypercalls. */
#include "fixture.h"

#include <errno.h>
#include <string.h>

static struct synic_port_params evp(uint32_t id)
{
	return (struct synic_port_params){
		.partition_id = TARGET_ID, .port_id = id,
		.type = HV_PORT_TYPE_EVENT, .target_sint = 2, .target_vp = 1,
		.base_flag = 0, .flag_count = 8,
	};
}

static uint16_t create(struct fx *f, struct synic_port_params pp)
{
	return synic_port_create(f->s, &pp);
}

static void port_create_ok(void **state)
{
	assert_int_equal(create(FX(state), evp(1)), HV_STATUS_SUCCESS);
}

static void port_create_unknown_partition(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.partition_id = 77;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARTITION_ID);
}

static void port_create_finalized_partition(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZING), 0);
	assert_int_equal(create(f, evp(1)), HV_STATUS_INVALID_PARTITION_STATE);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZED), 0);
	assert_int_equal(create(f, evp(1)), HV_STATUS_INVALID_PARTITION_STATE);
}

static void port_create_id_in_use(void **state)
{
	assert_int_equal(create(FX(state), evp(1)), HV_STATUS_SUCCESS);
	assert_int_equal(create(FX(state), evp(1)), HV_STATUS_INVALID_PORT_ID);
}

static void port_create_id_high_bits(void **state)
{
	assert_int_equal(create(FX(state), evp(0x01000001)), HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(create(FX(state), evp(0xFFFFFFFF)), HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(create(FX(state), evp(0xFFFFFF)), HV_STATUS_SUCCESS);
}

static void port_create_bad_type(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.type = 0;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
	pp.type = 4;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
}

static void port_create_sint_out_of_range(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.target_sint = 16;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
	pp.target_sint = 15;
	assert_int_equal(create(FX(state), pp), HV_STATUS_SUCCESS);
}

static void port_create_sint0_host_only(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.target_sint = 0;
	pp.from_guest = true;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
	pp.from_guest = false;
	assert_int_equal(create(FX(state), pp), HV_STATUS_SUCCESS);
}

static void port_create_flag_count_zero(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.flag_count = 0;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
}

static void port_create_flag_range_2048(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.base_flag = 2000;
	pp.flag_count = 49;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
	pp.base_flag = 0xFFFF;
	pp.flag_count = 0xFFFF;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_PARAMETER);
	pp.base_flag = 2000;
	pp.flag_count = 48;
	assert_int_equal(create(FX(state), pp), HV_STATUS_SUCCESS);
}

static void port_create_vp_out_of_range(void **state)
{
	struct synic_port_params pp = evp(1);

	pp.target_vp = NVPS;
	assert_int_equal(create(FX(state), pp), HV_STATUS_INVALID_VP_INDEX);
	pp.target_vp = HV_ANY_VP;
	assert_int_equal(create(FX(state), pp), HV_STATUS_SUCCESS);
}

static void port_same_id_in_two_partitions(void **state)
{
	struct synic_port_params pp = evp(1);

	assert_int_equal(create(FX(state), pp), HV_STATUS_SUCCESS);
	pp.partition_id = CALLER_ID;
	assert_int_equal(create(FX(state), pp), HV_STATUS_SUCCESS);
}

static void port_table_full_insufficient_memory(void **state)
{
	struct fx *f = FX(state);
	uint32_t id = 1;

	while (create(f, evp(id)) == HV_STATUS_SUCCESS)
		id++;
	assert_int_equal(create(f, evp(id)), HV_STATUS_INSUFFICIENT_MEMORY);
	assert_true(id > 4000);
	/* A deleted slot is reusable. */
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, 1), HV_STATUS_SUCCESS);
	assert_int_equal(create(f, evp(id)), HV_STATUS_SUCCESS);
}

static void port_delete_statuses(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(create(f, evp(1)), HV_STATUS_SUCCESS);
	assert_int_equal(synic_port_delete(f->s, 77, 1), HV_STATUS_INVALID_PARTITION_ID);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, 0x01000001),
			 HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, 1), HV_STATUS_SUCCESS);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, 1), HV_STATUS_INVALID_PORT_ID);
}

static void port_delete_leaves_connection(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(create(f, evp(1)), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 1), HV_STATUS_SUCCESS);
	assert_int_equal(synic_port_delete(f->s, TARGET_ID, 1), HV_STATUS_SUCCESS);
	/* The connection id is still taken, and still disconnectable. */
	assert_int_equal(create(f, evp(2)), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 2),
			 HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_disconnect(f->s, CALLER_ID, 9), HV_STATUS_SUCCESS);
}

static void connect_statuses_partitions(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(create(f, evp(1)), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, 77, 9, TARGET_ID, 1), HV_STATUS_INVALID_PARTITION_ID);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, 77, 1), HV_STATUS_INVALID_PARTITION_ID);
	assert_int_equal(synic_partition_set_state(f->caller, SYNIC_PS_FINALIZED), 0);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 1),
			 HV_STATUS_INVALID_PARTITION_STATE);
}

static void connect_port_partition_finalized(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(create(f, evp(1)), HV_STATUS_SUCCESS);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZED), 0);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 1),
			 HV_STATUS_INVALID_PARTITION_STATE);
}

static void connect_ids(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(create(f, evp(1)), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 0x01000009, TARGET_ID, 1),
			 HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 2),
			 HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 0x01000001),
			 HV_STATUS_INVALID_PORT_ID);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 1), HV_STATUS_SUCCESS);
	assert_int_equal(synic_connect(f->s, CALLER_ID, 9, TARGET_ID, 1),
			 HV_STATUS_INVALID_CONNECTION_ID);
	/* Same connection id in another partition is a different connection. */
	assert_int_equal(synic_connect(f->s, TARGET_ID, 9, TARGET_ID, 1), HV_STATUS_SUCCESS);
}

static void disconnect_statuses(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(synic_disconnect(f->s, 77, 9), HV_STATUS_INVALID_PARTITION_ID);
	assert_int_equal(synic_disconnect(f->s, CALLER_ID, 9), HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(synic_disconnect(f->s, CALLER_ID, 0x01000009),
			 HV_STATUS_INVALID_CONNECTION_ID);
}

static void partition_create_errors(void **state)
{
	struct fx *f = FX(state);
	struct synic_partition_config c = {
		.id = 0, .max_vps = 1, .seams = &fake_seams, .opaque = &f->vmm,
	};
	struct synic_partition *p;

	assert_int_equal(synic_partition_create(f->s, &c, &p), -EINVAL);
	c.id = HV_PARTITION_ID_SELF;
	assert_int_equal(synic_partition_create(f->s, &c, &p), -EINVAL);
	c.id = TARGET_ID;
	assert_int_equal(synic_partition_create(f->s, &c, &p), -EEXIST);
	c.id = 50;
	c.max_vps = SYNIC_MAX_VPS + 1;
	assert_int_equal(synic_partition_create(f->s, &c, &p), -EINVAL);
	c.max_vps = 0;
	assert_int_equal(synic_partition_create(f->s, &c, &p), -EINVAL);
	c.max_vps = 1;
	c.seams = &fake_root_seams;     /* a guest needs gpa_map and sint_assert */
	assert_int_equal(synic_partition_create(f->s, &c, &p), -EINVAL);
}

static void partition_state_transitions(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_SUSPENDED), 0);
	assert_int_equal(synic_partition_state(f->target), SYNIC_PS_SUSPENDED);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZED), 0);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_ACTIVE), -EINVAL);
	assert_int_equal(synic_partition_set_state(f->target, SYNIC_PS_FINALIZING), -EINVAL);
	assert_ptr_equal(synic_partition_find(f->s, TARGET_ID), f->target);
	assert_null(synic_partition_find(f->s, 77));
}

static void vp_add_remove_errors(void **state)
{
	struct fx *f = FX(state);

	assert_int_equal(synic_vp_add(f->target, 0), -EEXIST);
	assert_int_equal(synic_vp_add(f->target, NVPS), -EINVAL);
	assert_int_equal(synic_vp_remove(f->target, 0), 0);
	assert_int_equal(synic_vp_remove(f->target, 0), -ENOENT);
	assert_false(synic_vp_present(f->target, 0));
}

/* -- the same through hypercalls -- */
static void put_create_port(struct fx *f, uint64_t gpa, uint64_t part,
			    uint32_t id, uint32_t sint, uint32_t vp)
{
	uint8_t *in = f->vmm.ram + gpa;

	memset(in, 0, 56);
	memcpy(in + 0, &part, 8);
	memcpy(in + 8, &id, 4);
	in[24] = HV_PORT_TYPE_EVENT;
	memcpy(in + 32, &sint, 4);
	memcpy(in + 36, &vp, 4);
	in[42] = 16;    /* FlagCount */
}

static void hc_create_port_self(void **state)
{
	struct fx *f = FX(state);

	put_create_port(f, INPUT_GPA, HV_PARTITION_ID_SELF, 5, 2, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA, 0),
			 HV_STATUS_SUCCESS);
	/* It landed in the caller partition. */
	assert_int_equal(synic_port_delete(f->s, CALLER_ID, 5), HV_STATUS_SUCCESS);
}

static void hc_create_port_errors(void **state)
{
	struct fx *f = FX(state);

	put_create_port(f, INPUT_GPA, TARGET_ID, 5, 0, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA, 0),
			 HV_STATUS_INVALID_PARAMETER);          /* guest SINT 0 */
	put_create_port(f, INPUT_GPA, TARGET_ID, 5, 0x102, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA, 0),
			 HV_STATUS_INVALID_PARAMETER);          /* SINT 258 */
	put_create_port(f, INPUT_GPA, TARGET_ID, 5, 2, 0);
	f->vmm.ram[INPUT_GPA + 14] = 1;
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);    /* RsvdZ */
	put_create_port(f, INPUT_GPA + 0xFD0, TARGET_ID, 5, 2, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA + 0xFD0, 0),
			 HV_STATUS_INVALID_ALIGNMENT);          /* crosses a page */
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT | HV_HC_FAST, 0, 0),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);    /* not fast-capable */
	synic_partition_set_privileges(f->caller, ALL_PRIVS & ~HV_PRIV_CREATE_PORT);
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA + 1, 0),
			 HV_STATUS_ACCESS_DENIED);
}

static void hc_connect_signal_disconnect_delete(void **state)
{
	struct fx *f = FX(state);
	uint8_t *in = f->vmm.ram + INPUT_GPA + 0x100;
	uint64_t self = HV_PARTITION_ID_SELF, tgt = TARGET_ID;
	uint32_t conn = 0x77, port = 5;

	fx_synic_on(f->target, 0, 2);
	put_create_port(f, INPUT_GPA, TARGET_ID, port, 2, 0);
	assert_int_equal(fx_hypercall(f, HVCALL_CREATE_PORT, INPUT_GPA, 0), 0);
	memset(in, 0, 56);
	memcpy(in, &self, 8);
	memcpy(in + 8, &conn, 4);
	memcpy(in + 16, &tgt, 8);
	memcpy(in + 24, &port, 4);
	assert_int_equal(fx_hypercall(f, HVCALL_CONNECT_PORT, INPUT_GPA + 0x100, 0), 0);
	assert_int_equal(fx_signal_fast(f, conn, 3), HV_STATUS_SUCCESS);
	assert_true(fx_flag(f, 0, 2, 3));
	/* Disconnect (fast: partition in RDX, id in R8). */
	assert_int_equal(fx_hypercall(f, HVCALL_DISCONNECT_PORT | HV_HC_FAST,
				      HV_PARTITION_ID_SELF, conn), 0);
	assert_int_equal(fx_signal_fast(f, conn, 3), HV_STATUS_INVALID_CONNECTION_ID);
	assert_int_equal(fx_hypercall(f, HVCALL_DELETE_PORT | HV_HC_FAST, TARGET_ID,
				      port | 1ull << 32),
			 HV_STATUS_INVALID_HYPERCALL_INPUT);
	assert_int_equal(fx_hypercall(f, HVCALL_DELETE_PORT | HV_HC_FAST, TARGET_ID,
				      port), 0);
	assert_int_equal(fx_hypercall(f, HVCALL_DELETE_PORT | HV_HC_FAST, TARGET_ID,
				      port), HV_STATUS_INVALID_PORT_ID);
}

static void hc_connect_needs_privilege(void **state)
{
	struct fx *f = FX(state);

	synic_partition_set_privileges(f->caller, ALL_PRIVS & ~HV_PRIV_CONNECT_PORT);
	assert_int_equal(fx_hypercall(f, HVCALL_CONNECT_PORT, INPUT_GPA, 0),
			 HV_STATUS_ACCESS_DENIED);
	assert_int_equal(fx_hypercall(f, HVCALL_DISCONNECT_PORT | HV_HC_FAST, 0, 0),
			 HV_STATUS_ACCESS_DENIED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(port_create_ok),
		T(port_create_unknown_partition),
		T(port_create_finalized_partition),
		T(port_create_id_in_use),
		T(port_create_id_high_bits),
		T(port_create_bad_type),
		T(port_create_sint_out_of_range),
		T(port_create_sint0_host_only),
		T(port_create_flag_count_zero),
		T(port_create_flag_range_2048),
		T(port_create_vp_out_of_range),
		T(port_same_id_in_two_partitions),
		T(port_table_full_insufficient_memory),
		T(port_delete_statuses),
		T(port_delete_leaves_connection),
		T(connect_statuses_partitions),
		T(connect_port_partition_finalized),
		T(connect_ids),
		T(disconnect_statuses),
		T(partition_create_errors),
		T(partition_state_transitions),
		T(vp_add_remove_errors),
		T(hc_create_port_self),
		T(hc_create_port_errors),
		T(hc_connect_signal_disconnect_delete),
		T(hc_connect_needs_privilege),
	};

	return cmocka_run_group_tests_name("synic_ports", tests, NULL, NULL);
}
