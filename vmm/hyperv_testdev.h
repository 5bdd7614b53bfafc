/* SPDX-License-Identifier: MIT */
/*
 * --device hyperv-testdev: QEMU's Hyper-V test device (devices/hv_testdev.c)
 * mapped onto the guest partition's SynIC:
 *   SET_SINT (vp, sint)          -> synic_sint_raise
 *   MSG_CONN_CREATE (vp, sint, c) -> message port 0xFF0100 | c on (vp, sint)
 *                                   and connection c to it: what the guest
 *                                   posts on c lands in its own SIM slot, as
 *                                   QEMU's device echoes it back
 *   EVT_CONN_CREATE (vp, sint, c) -> event port 0xFF0000 | c, base flag c,
 *                                   one flag, and connection c to it:
 *                                   SignalEvent(c, 0) sets flag c
 *   *_DESTROY                     -> the connection and the port go
 * Port ids 0xFF0000-0xFF01FF are the device's. A command whose port or
 * connection id is already taken (by a --port or --connection) is refused
 * like any other misuse: nothing changes, and --trace hyperv says why.
 */
#ifndef SYNVMM_HYPERV_TESTDEV_H
#define SYNVMM_HYPERV_TESTDEV_H

#include <stdint.h>

#define HV_TESTDEV_EVT_PORT_BASE 0xFF0000u
#define HV_TESTDEV_MSG_PORT_BASE 0xFF0100u

struct machine;
struct iobus;

/* Initialises m->hv_testdev and claims its port on m->pio: 0 or -errno
 * (-EEXIST: the port is taken). */
int hyperv_testdev_attach(struct machine *m, uint16_t iobase);
void hyperv_testdev_detach(struct machine *m);

#endif
