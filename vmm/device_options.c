// SPDX-License-Identifier: MIT
#include "device_options.h"
#include "errfmt.h"
#include "debug_exit.h"
#include "hv_testdev.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refused input: one line in err, and -EINVAL. */
#define fail(...) errfmt(-EINVAL, __VA_ARGS__)

/* A device type: its defaults, and a parser for one KEY=VALUE. */
struct device_type {
	const char *name;
	enum device_kind kind;
	const char *props; /* for messages */
	void (*defaults)(struct device_option *d);
	int (*prop)(struct device_option *d, const char *key, size_t keylen, const char *value,
		    char *err, size_t errlen);
};

/* A decimal or 0x number from 0 to max, the whole of s. */
static int parse_number(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoul(s, &end, 0);
	return *end || errno || *v > max ? -EINVAL : 0;
}

static void debug_exit_defaults(struct device_option *d)
{
	d->iobase = DEBUG_EXIT_DEFAULT_IOBASE;
	d->iosize = DEBUG_EXIT_DEFAULT_IOSIZE;
}

static int debug_exit_prop(struct device_option *d, const char *key, size_t keylen,
			   const char *value, char *err, size_t errlen)
{
	unsigned long v;

	if (keylen == 6 && !strncmp(key, "iobase", 6)) {
		if (parse_number(value, 0xffff, &v) < 0)
			return fail(err, errlen,
				    "--device isa-debug-exit: iobase '%s' is not a port from 0 to 0xffff",
				    value);
		d->iobase = (uint16_t)v;
		return 0;
	}
	if (keylen == 6 && !strncmp(key, "iosize", 6)) {
		if (parse_number(value, 0x10000, &v) < 0 || v == 0)
			return fail(err, errlen,
				    "--device isa-debug-exit: iosize '%s' is not a number of ports from 1 to 0x10000",
				    value);
		d->iosize = (uint32_t)v;
		return 0;
	}
	return fail(err, errlen, "--device isa-debug-exit: unknown property '%.*s' (known: %s)",
		    (int)keylen, key, "iobase, iosize");
}

/* QEMU's hyperv-testdev sits at 0x3000 and has no properties. */
static void hyperv_testdev_defaults(struct device_option *d)
{
	d->iobase = HV_TESTDEV_PORT;
	d->iosize = 4;
}

static int hyperv_testdev_prop(struct device_option *d, const char *key, size_t keylen,
			       const char *value, char *err, size_t errlen)
{
	(void)d;
	(void)value;
	return fail(err, errlen, "--device hyperv-testdev: unknown property '%.*s' (it has none)",
		    (int)keylen, key);
}

static const struct device_type types[] = {
	{ "isa-debug-exit", DEVICE_ISA_DEBUG_EXIT, "iobase, iosize", debug_exit_defaults,
	  debug_exit_prop },
	{ "hyperv-testdev", DEVICE_HYPERV_TESTDEV, "none", hyperv_testdev_defaults,
	  hyperv_testdev_prop },
};
#define NR_TYPES (sizeof(types) / sizeof(types[0]))

const char *dev_known_names(void)
{
	static char names[256];

	if (!names[0])
		for (size_t i = 0; i < NR_TYPES; i++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", types[i].name);
	return names;
}

static const struct device_type *find_type(const char *name, size_t n)
{
	for (size_t i = 0; i < NR_TYPES; i++)
		if (strlen(types[i].name) == n && !strncmp(types[i].name, name, n))
			return &types[i];
	return NULL;
}

/* The comma-separated KEY=VALUE list after the name. */
static int parse_props(const struct device_type *t, const char *p, struct device_option *d,
		       char *err, size_t errlen)
{
	char value[64];

	while (*p) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		size_t vlen = eq ? n - (size_t)(eq - p) - 1 : 0;

		if (!eq || eq == p)
			return fail(err, errlen, "--device %s: '%.*s' is not KEY=VALUE (keys: %s)",
				    t->name, (int)n, p, t->props);
		if (vlen >= sizeof(value))
			return fail(err, errlen, "--device %s: the value of '%.*s' is too long",
				    t->name, (int)(eq - p), p);
		memcpy(value, eq + 1, vlen);
		value[vlen] = '\0';
		if (t->prop(d, p, (size_t)(eq - p), value, err, errlen) < 0)
			return -EINVAL;
		p += n + (p[n] == ',');
	}
	return 0;
}

int dev_parse_option(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	size_t n = strcspn(arg, ",");
	const struct device_type *t = find_type(arg, n);
	struct device_option d = { 0 };

	if (n == 0)
		return fail(err, errlen, "--device: no device name (known: %s)", dev_known_names());
	if (!t)
		return fail(err, errlen, "--device: unknown device '%.*s' (known: %s)", (int)n, arg,
			    dev_known_names());
	if (cfg->nr_devices == CONFIG_MAX_DEVICES)
		return fail(err, errlen, "--device: more than %d devices", CONFIG_MAX_DEVICES);
	d.kind = t->kind;
	t->defaults(&d);
	if (parse_props(t, arg + n + (arg[n] == ','), &d, err, errlen) < 0)
		return -EINVAL;
	if (d.kind == DEVICE_ISA_DEBUG_EXIT && (uint32_t)d.iobase + d.iosize > 0x10000)
		return fail(err, errlen,
			    "--device isa-debug-exit: ports 0x%x+0x%x run past 0xffff", d.iobase,
			    d.iosize);
	cfg->devices[cfg->nr_devices++] = d;
	return 0;
}

void dev_format_options(const struct vmm_config *cfg, char *buf, size_t size)
{
	for (unsigned int i = 0; i < cfg->nr_devices; i++) {
		const struct device_option *d = &cfg->devices[i];
		size_t len = strlen(buf);

		if (d->kind == DEVICE_ISA_DEBUG_EXIT)
			snprintf(buf + len, size - len, " --device isa-debug-exit,iobase=0x%x,iosize=0x%x",
				 d->iobase, d->iosize);
		else if (d->kind == DEVICE_HYPERV_TESTDEV)
			snprintf(buf + len, size - len, " --device hyperv-testdev");
	}
}
