// SPDX-License-Identifier: MIT
#include "hv_options.h"
#include "errfmt.h"
#include "hv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	uint64_t bit;
	bool in_default; /* implemented, so a normal guest gets it */
} privilege_names[] = {
	{ "ref-counter", HV_PRIV_ACCESS_REF_COUNTER, true },
	{ "synic-regs", HV_PRIV_ACCESS_SYNIC_REGS, true },
	{ "syntimer-regs", HV_PRIV_ACCESS_SYNTIMER_REGS, true },
	{ "hypercall-msrs", HV_PRIV_ACCESS_HYPERCALL_MSRS, true },
	{ "vp-index", HV_PRIV_ACCESS_VP_INDEX, true },
	{ "post-messages", HV_PRIV_POST_MESSAGES, true },
	{ "signal-events", HV_PRIV_SIGNAL_EVENTS, true },
	{ "create-port", HV_PRIV_CREATE_PORT, false },
	{ "connect-port", HV_PRIV_CONNECT_PORT, false },
};
#define NR_PRIVILEGES (sizeof(privilege_names) / sizeof(privilege_names[0]))

/* A refused input: one line in err, and -EINVAL. */
#define fail(...) errfmt(-EINVAL, __VA_ARGS__)

uint64_t hv_default_privileges(void)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < NR_PRIVILEGES; i++)
		if (privilege_names[i].in_default)
			mask |= privilege_names[i].bit;
	return mask;
}

static int privilege_bit(const char *w, size_t n, uint64_t *bit)
{
	if (n == 7 && !strncmp(w, "default", 7)) {
		*bit = hv_default_privileges();
		return 0;
	}
	for (size_t i = 0; i < NR_PRIVILEGES; i++) {
		if (strlen(privilege_names[i].name) == n && !strncmp(privilege_names[i].name, w, n)) {
			*bit = privilege_names[i].bit;
			return 0;
		}
	}
	return -EINVAL;
}

int hv_parse_privileges(const char *arg, uint64_t *mask, char *err, size_t errlen)
{
	uint64_t m = 0;

	if (!strcmp(arg, "none")) {
		*mask = 0;
		return 0;
	}
	for (const char *p = arg;;) {
		size_t n = strcspn(p, ",");
		bool remove = *p == '-';
		uint64_t bit;

		if (privilege_bit(p + remove, n - remove, &bit) < 0)
			return fail(err, errlen,
				    "--privileges: unknown privilege '%.*s' (known: default, none, "
				    "ref-counter, synic-regs, syntimer-regs, hypercall-msrs, vp-index, "
				    "post-messages, signal-events, create-port, connect-port; -NAME removes)",
				    (int)n, p);
		m = remove ? m & ~bit : m | bit;
		if (!p[n])
			break;
		p += n + 1;
	}
	*mask = m;
	return 0;
}

void hv_format_privileges(uint64_t mask, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_PRIVILEGES && len < size; i++)
		if (mask & privilege_names[i].bit)
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "," : "",
						privilege_names[i].name);
	if (!mask)
		snprintf(buf, size, "none");
}

/* A decimal or 0x number no larger than max. */
static int parse_number(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	char tmp[32], *end;

	if (n == 0 || n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (tmp[0] == '-' || tmp[0] == '+')
		return -EINVAL;
	errno = 0;
	*v = strtoull(tmp, &end, 0);
	return (*end || errno || *v > max) ? -EINVAL : 0;
}

static int port_type(const char *v, size_t n, uint8_t *type)
{
	static const char *const names[] = { "message", "event", "monitor" };

	for (uint8_t t = 0; t < 3; t++) {
		if (strlen(names[t]) == n && !strncmp(names[t], v, n)) {
			*type = (uint8_t)(HV_PORT_TYPE_MESSAGE + t);
			return 0;
		}
	}
	return -EINVAL;
}

static int port_key(struct port_option *po, const char *key, size_t klen, const char *v,
		    size_t vlen, char *err, size_t errlen)
{
	uint64_t x;

#define KEY(k) (klen == strlen(k) && !strncmp(key, k, klen))
	if (KEY("type")) {
		if (port_type(v, vlen, &po->type) < 0)
			return fail(err, errlen, "--port: type '%.*s' is not event, message or monitor",
				    (int)vlen, v);
	} else if (KEY("vp")) {
		if (vlen == 3 && !strncmp(v, "any", 3))
			po->vp = HV_ANY_VP;
		else if (parse_number(v, vlen, HV_ANY_VP - 1, &x) < 0)
			return fail(err, errlen, "--port: vp '%.*s' is not a VP index or 'any'",
				    (int)vlen, v);
		else
			po->vp = (uint32_t)x;
	} else if (KEY("sint")) {
		if (parse_number(v, vlen, HV_SINT_COUNT - 1, &x) < 0)
			return fail(err, errlen, "--port: sint '%.*s' is not 0 to 15", (int)vlen, v);
		po->sint = (uint8_t)x;
	} else if (KEY("base")) {
		if (parse_number(v, vlen, HV_SIEF_FLAGS_PER_SINT - 1, &x) < 0)
			return fail(err, errlen, "--port: base '%.*s' is not 0 to 2047", (int)vlen, v);
		po->base = (uint16_t)x;
	} else if (KEY("count")) {
		if (parse_number(v, vlen, HV_SIEF_FLAGS_PER_SINT, &x) < 0 || x == 0)
			return fail(err, errlen, "--port: count '%.*s' is not 1 to 2048", (int)vlen, v);
		po->count = (uint16_t)x;
	} else {
		return fail(err, errlen,
			    "--port: unknown key '%.*s' (keys: type, vp, sint, base, count)",
			    (int)klen, key);
	}
#undef KEY
	return 0;
}

/* "ID,key=value,...": the id, then each pair handed to fn. */
static int parse_id_list(const char *arg, const char *opt, uint32_t *id,
			 int (*fn)(void *obj, const char *k, size_t kl, const char *v, size_t vl,
				   char *err, size_t errlen),
			 void *obj, char *err, size_t errlen)
{
	size_t n = strcspn(arg, ",");
	uint64_t x;

	if (parse_number(arg, n, HV_ID_MASK, &x) < 0)
		return fail(err, errlen, "%s: id '%.*s' is not a number from 0 to 0xffffff", opt,
			    (int)n, arg);
	*id = (uint32_t)x;
	for (const char *p = arg[n] ? arg + n + 1 : arg + n; *p;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);

		if (!eq)
			return fail(err, errlen, "%s: '%.*s' is not key=value", opt, (int)len, p);
		if (fn(obj, p, (size_t)(eq - p), eq + 1, len - (size_t)(eq - p) - 1, err, errlen) < 0)
			return -EINVAL;
		p += len + (p[len] ? 1 : 0);
	}
	return 0;
}

static int port_pair(void *obj, const char *k, size_t kl, const char *v, size_t vl, char *err,
		     size_t errlen)
{
	return port_key(obj, k, kl, v, vl, err, errlen);
}

int hv_parse_port(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	struct port_option po = { .type = HV_PORT_TYPE_EVENT, .vp = 0, .sint = 2, .base = 0,
				  .count = 1 };

	if (cfg->nr_ports == CONFIG_MAX_PORTS)
		return fail(err, errlen, "--port: more than %d ports", CONFIG_MAX_PORTS);
	if (parse_id_list(arg, "--port", &po.id, port_pair, &po, err, errlen) < 0)
		return -EINVAL;
	if ((uint32_t)po.base + po.count > HV_SIEF_FLAGS_PER_SINT)
		return fail(err, errlen, "--port %u: base %u + count %u is more than 2048 flags",
			    po.id, po.base, po.count);
	for (unsigned int i = 0; i < cfg->nr_ports; i++)
		if (cfg->ports[i].id == po.id)
			return fail(err, errlen, "--port: id %u given twice", po.id);
	cfg->ports[cfg->nr_ports++] = po;
	return 0;
}

static int connection_pair(void *obj, const char *k, size_t kl, const char *v, size_t vl,
			   char *err, size_t errlen)
{
	struct connection_option *co = obj;
	uint64_t x;

	if (kl != 4 || strncmp(k, "port", 4))
		return fail(err, errlen, "--connection: unknown key '%.*s' (keys: port)", (int)kl, k);
	if (parse_number(v, vl, HV_ID_MASK, &x) < 0)
		return fail(err, errlen, "--connection: port '%.*s' is not a port id", (int)vl, v);
	co->port = (uint32_t)x;
	return 0;
}

int hv_parse_connection(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	struct connection_option co = { .port = UINT32_MAX };

	if (cfg->nr_connections == CONFIG_MAX_CONNECTIONS)
		return fail(err, errlen, "--connection: more than %d connections",
			    CONFIG_MAX_CONNECTIONS);
	if (parse_id_list(arg, "--connection", &co.id, connection_pair, &co, err, errlen) < 0)
		return -EINVAL;
	if (co.port == UINT32_MAX)
		return fail(err, errlen, "--connection %u: no port=P given", co.id);
	for (unsigned int i = 0; i < cfg->nr_connections; i++)
		if (cfg->connections[i].id == co.id)
			return fail(err, errlen, "--connection: id %u given twice", co.id);
	cfg->connections[cfg->nr_connections++] = co;
	return 0;
}
