// SPDX-License-Identifier: MIT
#include "hyperv_testdev.h"
#include "hv_testdev.h"
#include "machine.h"
#include "synic.h"
#include "trace.h"

#include <errno.h>

static int td_set_sint(void *ctx, uint8_t vp, uint8_t sint)
{
	struct machine *m = ctx;

	return synic_sint_raise(m->hv.partition, vp, sint);
}

static uint32_t td_port_id(bool message, uint8_t conn)
{
	return (message ? HV_TESTDEV_MSG_PORT_BASE : HV_TESTDEV_EVT_PORT_BASE) | conn;
}

static int td_conn_create(void *ctx, bool message, uint8_t vp, uint8_t sint, uint8_t conn)
{
	struct machine *m = ctx;
	struct synic_port_params pp = {
		.partition_id = HV_GUEST_PARTITION_ID,
		.port_id = td_port_id(message, conn),
		.type = message ? HV_PORT_TYPE_MESSAGE : HV_PORT_TYPE_EVENT,
		.target_sint = sint,
		.target_vp = vp,
		.base_flag = message ? 0 : conn,
		.flag_count = message ? 0 : 1,
	};
	if (synic_port_create(m->hv.synic, &pp) != HV_STATUS_SUCCESS)
		return -EINVAL;
	if (synic_connect(m->hv.synic, HV_GUEST_PARTITION_ID, conn, HV_GUEST_PARTITION_ID,
			  pp.port_id) != HV_STATUS_SUCCESS) {
		synic_port_delete(m->hv.synic, HV_GUEST_PARTITION_ID, pp.port_id);
		return -EEXIST; /* the connection id is a --connection's */
	}
	return 0;
}

static int td_conn_destroy(void *ctx, bool message, uint8_t conn)
{
	struct machine *m = ctx;

	synic_disconnect(m->hv.synic, HV_GUEST_PARTITION_ID, conn);
	synic_port_delete(m->hv.synic, HV_GUEST_PARTITION_ID, td_port_id(message, conn));
	return 0;
}

static void td_refused(void *ctx, uint32_t value, const char *why)
{
	(void)ctx;
	if (trace_on(TRACE_HYPERV))
		trace_printf("hyperv-testdev: command 0x%08x refused: %s", value, why);
}

static const struct hv_testdev_ops td_ops = {
	.set_sint = td_set_sint,
	.conn_create = td_conn_create,
	.conn_destroy = td_conn_destroy,
	.refused = td_refused,
};

int hyperv_testdev_attach(struct machine *m, uint16_t iobase)
{
	hv_testdev_init(&m->hv_testdev, &td_ops, m);
	m->has_hv_testdev = true;
	return iobus_register(&m->pio, iobase, 4, hv_testdev_io, &m->hv_testdev,
			      "hyperv-testdev");
}

void hyperv_testdev_detach(struct machine *m)
{
	if (m->has_hv_testdev)
		hv_testdev_destroy(&m->hv_testdev);
	m->has_hv_testdev = false;
}
