/* SPDX-License-Identifier: MIT */
/*
 * QEMU's hyperv-testdev (hw/misc/hyperv_testdev.c), the device the Hyper-V
 * kvm-unit-tests (hyperv_synic, hyperv_connections) drive: one 32-bit port
 * at 0x3000. A write of
 *
 *     conn_id << 24 | command << 16 | vp_index << 8 | sint
 *
 * runs a command (QEMU's numbering):
 *   1 SINT_ROUTE_CREATE (vp, sint)    2 SINT_ROUTE_DESTROY (vp, sint)
 *   3 SINT_ROUTE_SET_SINT (vp, sint): raise that SINT now
 *   4 MSG_CONN_CREATE (vp, sint, conn): messages the guest posts on
 *     connection `conn` come back into vp's SIM slot `sint`
 *   5 MSG_CONN_DESTROY (conn)
 *   6 EVT_CONN_CREATE (vp, sint, conn): SignalEvent on connection `conn`
 *     sets flag `conn` in vp's SIEF slot `sint`
 *   7 EVT_CONN_DESTROY (conn)
 * Reads return 0, as QEMU's. Other widths and unknown commands are ignored.
 *
 * The device keeps QEMU's bookkeeping (which routes and connections exist)
 * and hands each action to the machine through callbacks; it never touches
 * the SynIC itself. Where QEMU would assert (a route that does not exist, a
 * duplicate connection) the command is refused and reported, and the VMM
 * carries on: guest input never stops the VMM.
 */
#ifndef SYNVMM_HV_TESTDEV_H
#define SYNVMM_HV_TESTDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define HV_TESTDEV_PORT        0x3000
#define HV_TESTDEV_MAX_ROUTES  64
#define HV_TESTDEV_MAX_CONNS   64

enum hv_testdev_cmd {
	HV_TESTDEV_SINT_ROUTE_CREATE = 1,
	HV_TESTDEV_SINT_ROUTE_DESTROY,
	HV_TESTDEV_SINT_ROUTE_SET_SINT,
	HV_TESTDEV_MSG_CONN_CREATE,
	HV_TESTDEV_MSG_CONN_DESTROY,
	HV_TESTDEV_EVT_CONN_CREATE,
	HV_TESTDEV_EVT_CONN_DESTROY,
};

/* The machine's side; each returns 0 or -errno (then the command is
 * reported as failed and the device's bookkeeping is left unchanged). */
struct hv_testdev_ops {
	int (*set_sint)(void *ctx, uint8_t vp, uint8_t sint);
	int (*conn_create)(void *ctx, bool message, uint8_t vp, uint8_t sint, uint8_t conn);
	int (*conn_destroy)(void *ctx, bool message, uint8_t conn);
	/* A command refused (why: one phrase); optional. */
	void (*refused)(void *ctx, uint32_t value, const char *why);
};

struct hv_testdev_route {
	bool used;
	uint8_t vp, sint;
};

struct hv_testdev_conn {
	bool used, message;
	uint8_t conn;
};

struct hv_testdev {
	pthread_mutex_t lock;   /* vCPUs may write the port at the same time */
	const struct hv_testdev_ops *ops;
	void *ctx;
	struct hv_testdev_route routes[HV_TESTDEV_MAX_ROUTES];
	struct hv_testdev_conn conns[HV_TESTDEV_MAX_CONNS];
};

void hv_testdev_init(struct hv_testdev *d, const struct hv_testdev_ops *ops, void *ctx);
void hv_testdev_destroy(struct hv_testdev *d);
/* Runs one command word; 0, or -errno when it was refused. Any thread. */
int hv_testdev_command(struct hv_testdev *d, uint32_t value);
/* The iobus handler for its 4 ports. */
int hv_testdev_io(void *dev, unsigned int vp, uint64_t offset, void *data, unsigned int len,
		  bool is_write);

#endif
