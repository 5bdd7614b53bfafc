/* Per-call input decoding: turns a fetched input block into a call on the
 * library's own API. Layouts from the TLFS hypercall reference pages. */
#include "hypercall.h"

static uint64_t resolve_partition(const struct synic_partition *caller,
				  uint64_t id)
{
	return id == HV_PARTITION_ID_SELF ? caller->id : id;
}

/* ConnectionId u32 @0, FlagNumber u16 @4, RsvdZ u16 @6 (fast: all in RDX). */
static uint16_t hc_signal_event(struct synic_partition *p, uint32_t vp,
				const uint8_t *in)
{
	uint32_t conn_id = in_u32(in, 0);

	(void)vp;
	/* Rule 8.2: RsvdZ or ConnectionId bits 31:24 set. */
	if (in_u16(in, 6) || (conn_id & ~HV_ID_MASK))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return synic_signal_event(p, conn_id, in_u16(in, 4));
}

/* ConnectionId u32 @0, RsvdZ u32 @4, MessageType u32 @8, PayloadSize u32
 * @12, Payload 240 bytes @16. Memory input only (the row says not fast). */
static uint16_t hc_post_message(struct synic_partition *p, uint32_t vp,
				const uint8_t *in)
{
	uint32_t conn_id = in_u32(in, 0);

	(void)vp;
	/* Rule 8.2, as for SignalEvent. */
	if (in_u32(in, 4) || (conn_id & ~HV_ID_MASK))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return synic_post_message(p, conn_id, in_u32(in, 8), in + 16,
				  in_u32(in, 12));
}

/* PortPartition u64 @0, PortId u32 @8, PortVtl u8 @12, MinConnectionVtl u8
 * @13, RsvdZ u16 @14, ConnectionPartition u64 @16, PortInfo @24 (type u32,
 * RsvdZ u32, then per type: TargetSint u32 @32, TargetVp u32 @36, event:
 * BaseFlagNumber u16 @40, FlagCount u16 @42, RsvdZ u32 @44; message: RsvdZ
 * u64 @40; monitor: RsvdZ @32..47), ProximityDomainInfo u64 @48 (ignored). */
static uint16_t create_port_rsvd(const uint8_t *in, uint32_t type)
{
	if (in_u16(in, 14) || in_u32(in, 28))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (type == HV_PORT_TYPE_EVENT && in_u32(in, 44))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (type == HV_PORT_TYPE_MESSAGE && in_u64(in, 40))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (type == HV_PORT_TYPE_MONITOR && (in_u64(in, 32) || in_u64(in, 40)))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return HV_STATUS_SUCCESS;
}

static uint16_t hc_create_port(struct synic_partition *p, uint32_t vp,
			       const uint8_t *in)
{
	uint32_t type = in_u32(in, 24), sint = in_u32(in, 32);
	uint16_t st = create_port_rsvd(in, type);
	struct synic_port_params pp;

	(void)vp;
	if (st != HV_STATUS_SUCCESS)
		return st;
	/* Only VTL 0 exists here. */
	if (in[12] || in[13] || type > 0xFF || sint > 0xFF)
		return HV_STATUS_INVALID_PARAMETER;
	pp = (struct synic_port_params){
		.partition_id = resolve_partition(p, in_u64(in, 0)),
		.port_id = in_u32(in, 8),
		.type = (uint8_t)type,
		.target_sint = (uint8_t)sint,
		.target_vp = in_u32(in, 36),
		.base_flag = in_u16(in, 40),
		.flag_count = in_u16(in, 42),
		.from_guest = true,
	};
	return synic_port_create(p->synic, &pp);
}

/* PortPartition u64 @0, PortId u32 @8, RsvdZ u32 @12. */
static uint16_t hc_delete_port(struct synic_partition *p, uint32_t vp,
			       const uint8_t *in)
{
	(void)vp;
	if (in_u32(in, 12))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return synic_port_delete(p->synic, resolve_partition(p, in_u64(in, 0)),
				 in_u32(in, 8));
}

/* ConnectionPartition u64 @0, ConnectionId u32 @8, ConnectionVtl u8 @12,
 * RsvdZ u8 @13 u16 @14, PortPartition u64 @16, PortId u32 @24, RsvdZ u32
 * @28, ConnectionInfo @32 (16 bytes, not needed for event/message ports),
 * ProximityDomainInfo @48 (ignored). */
static uint16_t hc_connect_port(struct synic_partition *p, uint32_t vp,
				const uint8_t *in)
{
	(void)vp;
	if (in[13] || in_u16(in, 14) || in_u32(in, 28))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (in[12])
		return HV_STATUS_INVALID_PARAMETER;
	return synic_connect(p->synic, resolve_partition(p, in_u64(in, 0)),
			     in_u32(in, 8), resolve_partition(p, in_u64(in, 16)),
			     in_u32(in, 24));
}

/* ConnectionPartition u64 @0, ConnectionId u32 @8, RsvdZ u32 @12. */
static uint16_t hc_disconnect_port(struct synic_partition *p, uint32_t vp,
				   const uint8_t *in)
{
	(void)vp;
	if (in_u32(in, 12))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return synic_disconnect(p->synic, resolve_partition(p, in_u64(in, 0)),
				in_u32(in, 8));
}

const struct hc_desc hc_table[] = {
	{ HVCALL_SIGNAL_EVENT, 8, HV_PRIV_SIGNAL_EVENTS, true, false,
	  hc_signal_event, "HvCallSignalEvent" },
	{ HVCALL_POST_MESSAGE, HV_MESSAGE_SIZE, HV_PRIV_POST_MESSAGES, false, false,
	  hc_post_message, "HvCallPostMessage" },
	{ HVCALL_CREATE_PORT, 56, HV_PRIV_CREATE_PORT, false, false,
	  hc_create_port, "HvCallCreatePort" },
	{ HVCALL_DELETE_PORT, 16, HV_PRIV_CREATE_PORT, true, false,
	  hc_delete_port, "HvCallDeletePort" },
	{ HVCALL_CONNECT_PORT, 56, HV_PRIV_CONNECT_PORT, false, false,
	  hc_connect_port, "HvCallConnectPort" },
	{ HVCALL_DISCONNECT_PORT, 16, HV_PRIV_CONNECT_PORT, true, false,
	  hc_disconnect_port, "HvCallDisconnectPort" },
};
const size_t hc_table_len = sizeof(hc_table) / sizeof(hc_table[0]);
