// SPDX-License-Identifier: MIT
#include "hv_testdev.h"
#include "iobus.h"

#include <errno.h>
#include <string.h>

void hv_testdev_init(struct hv_testdev *d, const struct hv_testdev_ops *ops, void *ctx)
{
	memset(d, 0, sizeof(*d));
	pthread_mutex_init(&d->lock, NULL);
	d->ops = ops;
	d->ctx = ctx;
}

void hv_testdev_destroy(struct hv_testdev *d)
{
	pthread_mutex_destroy(&d->lock);
}

static int refuse(struct hv_testdev *d, uint32_t value, const char *why, int err)
{
	if (d->ops->refused)
		d->ops->refused(d->ctx, value, why);
	return err;
}

static struct hv_testdev_route *route_find(struct hv_testdev *d, uint8_t vp, uint8_t sint)
{
	for (unsigned int i = 0; i < HV_TESTDEV_MAX_ROUTES; i++)
		if (d->routes[i].used && d->routes[i].vp == vp && d->routes[i].sint == sint)
			return &d->routes[i];
	return NULL;
}

static struct hv_testdev_route *route_free_slot(struct hv_testdev *d)
{
	for (unsigned int i = 0; i < HV_TESTDEV_MAX_ROUTES; i++)
		if (!d->routes[i].used)
			return &d->routes[i];
	return NULL;
}

/* QEMU keeps a list and allows the same (vp, sint) twice; so do we, and a
 * destroy removes one of them. */
static int route_create(struct hv_testdev *d, uint32_t value, uint8_t vp, uint8_t sint)
{
	struct hv_testdev_route *r = route_free_slot(d);

	if (!r)
		return refuse(d, value, "too many SINT routes", -ENOSPC);
	*r = (struct hv_testdev_route){ .used = true, .vp = vp, .sint = sint };
	return 0;
}

static int route_destroy(struct hv_testdev *d, uint32_t value, uint8_t vp, uint8_t sint)
{
	struct hv_testdev_route *r = route_find(d, vp, sint);

	if (!r)
		return refuse(d, value, "no such SINT route", -ENOENT);
	r->used = false;
	return 0;
}

static int route_set_sint(struct hv_testdev *d, uint32_t value, uint8_t vp, uint8_t sint)
{
	int ret;

	if (!route_find(d, vp, sint))
		return refuse(d, value, "no such SINT route", -ENOENT);
	ret = d->ops->set_sint(d->ctx, vp, sint);
	return ret < 0 ? refuse(d, value, "the SINT cannot be raised", ret) : 0;
}

static struct hv_testdev_conn *conn_find(struct hv_testdev *d, bool message, uint8_t conn)
{
	for (unsigned int i = 0; i < HV_TESTDEV_MAX_CONNS; i++)
		if (d->conns[i].used && d->conns[i].message == message && d->conns[i].conn == conn)
			return &d->conns[i];
	return NULL;
}

static int conn_create(struct hv_testdev *d, uint32_t value, bool message, uint8_t vp,
		       uint8_t sint, uint8_t conn)
{
	struct hv_testdev_conn *c = NULL;
	int ret;

	if (conn_find(d, message, conn))
		return refuse(d, value, "the connection exists", -EEXIST);
	for (unsigned int i = 0; i < HV_TESTDEV_MAX_CONNS && !c; i++)
		if (!d->conns[i].used)
			c = &d->conns[i];
	if (!c)
		return refuse(d, value, "too many connections", -ENOSPC);
	ret = d->ops->conn_create(d->ctx, message, vp, sint, conn);
	if (ret < 0)
		return refuse(d, value, "the SynIC refuses the connection", ret);
	*c = (struct hv_testdev_conn){ .used = true, .message = message, .conn = conn };
	return 0;
}

static int conn_destroy(struct hv_testdev *d, uint32_t value, bool message, uint8_t conn)
{
	struct hv_testdev_conn *c = conn_find(d, message, conn);

	if (!c)
		return refuse(d, value, "no such connection", -ENOENT);
	d->ops->conn_destroy(d->ctx, message, conn);
	c->used = false;
	return 0;
}

static int run_command(struct hv_testdev *d, uint32_t value)
{
	uint8_t sint = value & 0xff, vp = value >> 8 & 0xff;
	uint8_t cmd = value >> 16 & 0xff, conn = value >> 24 & 0xff;

	switch (cmd) {
	case HV_TESTDEV_SINT_ROUTE_CREATE:
		return route_create(d, value, vp, sint);
	case HV_TESTDEV_SINT_ROUTE_DESTROY:
		return route_destroy(d, value, vp, sint);
	case HV_TESTDEV_SINT_ROUTE_SET_SINT:
		return route_set_sint(d, value, vp, sint);
	case HV_TESTDEV_MSG_CONN_CREATE:
		return conn_create(d, value, true, vp, sint, conn);
	case HV_TESTDEV_MSG_CONN_DESTROY:
		return conn_destroy(d, value, true, conn);
	case HV_TESTDEV_EVT_CONN_CREATE:
		return conn_create(d, value, false, vp, sint, conn);
	case HV_TESTDEV_EVT_CONN_DESTROY:
		return conn_destroy(d, value, false, conn);
	default:
		return refuse(d, value, "unknown command", -EINVAL);
	}
}

int hv_testdev_command(struct hv_testdev *d, uint32_t value)
{
	int ret;

	pthread_mutex_lock(&d->lock);
	ret = run_command(d, value);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

int hv_testdev_io(void *dev, unsigned int vp, uint64_t offset, void *data, unsigned int len,
		  bool is_write)
{
	uint32_t value;

	(void)vp;
	if (!is_write) {
		memset(data, 0, len);
		return IO_CONTINUE;
	}
	if (offset != 0 || len != 4)
		return IO_CONTINUE; /* QEMU's region takes 32-bit accesses only */
	memcpy(&value, data, 4);
	(void)hv_testdev_command(dev, value);
	return IO_CONTINUE;
}
