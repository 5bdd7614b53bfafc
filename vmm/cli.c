// SPDX-License-Identifier: MIT
#include "cli.h"
#include "errfmt.h"
#include "device_options.h"
#include "hv_options.h"
#include "trace.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_usage(void)
{
	return
"Usage: synvmm run [OPTIONS] GUEST.elf     boot a test guest; exit with its verdict\n"
"       synvmm [OPTIONS] -kernel GUEST.elf  the same, in QEMU's spelling\n"
"       synvmm info                         what this host's KVM offers synvmm\n"
"       GUEST.elf: an ELF64 x86-64 test guest, or a multiboot ELF32 image\n"
"       synvmm --help | --version\n"
"\n"
"Options:\n"
"  -c, --cpus N         vCPUs (1-64, default 1); QEMU spelling: -smp N\n"
"  -m, --mem SIZE       guest RAM with K/M/G suffix; a bare number is MiB\n"
"                       (2M-32G, default 128M)\n"
"      --append STR     the guest's command line; also -append\n"
"      --serial SINK    COM1 output: stdio (default), file:PATH or none;\n"
"                       also -serial\n"
"      --timeout SECS   stop the guest after SECS seconds (exit 124)\n"
"      --trace LIST     one line per event on stderr; LIST of io,mmio,exits,\n"
"                       guest,msr,hyperv,apic, or all\n"
"      --strict-io      an I/O access no device claims ends the run (exit 3)\n"
"  -v, --verbose        print the effective configuration as a command line\n"
"      --port ID,KEY=VALUE,...\n"
"                       a SynIC port owned by the guest: type=event|message|\n"
"                       monitor (event), vp=N|any (0), sint=S (2), base=B (0),\n"
"                       count=C (1); repeatable\n"
"      --connection ID,port=P\n"
"                       a connection of the guest to port P; repeatable\n"
"      --privileges LIST\n"
"                       the guest partition's Hyper-V privileges: default,\n"
"                       none, or names (signal-events, vp-index, ...); -NAME\n"
"                       removes one (default: everything implemented)\n"
"      --device NAME[,KEY=VALUE...]\n"
"                       an optional device; also -device. isa-debug-exit\n"
"                       [,iobase=P (0x501)][,iosize=N (2)]: a guest write of\n"
"                       CODE to its ports ends synvmm with (CODE<<1)|1, as QEMU;\n"
"                       hyperv-testdev: QEMU's Hyper-V test device at 0x3000\n"
"      --kernel FILE    the guest ELF (instead of the positional GUEST.elf);\n"
"                       also -kernel\n"
"  -h, --help           this text\n"
"  -V, --version        synvmm's version\n"
"\n"
"Exit status: 0 guest passed, 1 guest failed, 2 usage or configuration error,\n"
"3 VMM/KVM error or guest crash, 77 skipped (no /dev/kvm, or the guest skipped),\n"
"124 timeout; with --device isa-debug-exit, a guest write of CODE to it ends\n"
"the run with (CODE<<1)|1, as QEMU does. The environment variable\n"
"SYNVMM_KVM_DEVICE names another KVM device node than /dev/kvm.\n";
}

enum long_only_opts {
	OPT_APPEND = 256,
	OPT_SERIAL,
	OPT_TIMEOUT,
	OPT_TRACE,
	OPT_STRICT_IO,
	OPT_KERNEL,
	OPT_SMP,
	OPT_PORT,
	OPT_CONNECTION,
	OPT_PRIVILEGES,
	OPT_DEVICE,
};

static const struct option long_opts[] = {
	{ "cpus", required_argument, NULL, 'c' },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "mem", required_argument, NULL, 'm' },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "trace", required_argument, NULL, OPT_TRACE },
	{ "strict-io", no_argument, NULL, OPT_STRICT_IO },
	{ "verbose", no_argument, NULL, 'v' },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "connection", required_argument, NULL, OPT_CONNECTION },
	{ "privileges", required_argument, NULL, OPT_PRIVILEGES },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* QEMU's single-dash long options and the getopt spelling they stand for. */
static const char *const qemu_words[][2] = {
	{ "-smp", "--smp" },
	{ "-kernel", "--kernel" },
	{ "-append", "--append" },
	{ "-serial", "--serial" },
	{ "-device", "--device" },
};

/* A refused input: one line in err, and -EINVAL. */
#define fail(...) errfmt(-EINVAL, __VA_ARGS__)

int cli_parse_size(const char *s, unsigned long long *bytes)
{
	char *end;
	unsigned long long v, shift = 20;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	switch (toupper((unsigned char)*end)) {
	case '\0': shift = 20; break;
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	default: return -EINVAL;
	}
	if (toupper((unsigned char)*end) == 'B' || toupper((unsigned char)*end) == 'I') {
		/* Accept "128MB" and "128MiB" as people type them. */
		end += (toupper((unsigned char)*end) == 'I' && toupper((unsigned char)end[1]) == 'B') ? 2 : 1;
	}
	if (*end || v > (ULLONG_MAX >> shift))
		return -EINVAL;
	*bytes = v << shift;
	return 0;
}

static int parse_cpus(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || *end || errno || v < 1 || v > CONFIG_MAX_CPUS)
		return fail(err, errlen, "--cpus: '%s' is not a number from 1 to %d",
			    arg, CONFIG_MAX_CPUS);
	cfg->cpus = (unsigned int)v;
	return 0;
}

static int parse_mem(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	unsigned long long bytes;

	if (cli_parse_size(arg, &bytes) < 0)
		return fail(err, errlen,
			    "--mem: '%s' is not a size (use a number with K, M or G, e.g. 128M)", arg);
	if (bytes < CONFIG_MIN_MEM || bytes > CONFIG_MAX_MEM || bytes % 4096)
		return fail(err, errlen,
			    "--mem: %s is out of range (2M to 32G, a multiple of 4K)", arg);
	cfg->mem_size = bytes;
	return 0;
}

static int parse_serial(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	if (!strcmp(arg, "stdio")) {
		cfg->serial = SERIAL_STDIO;
	} else if (!strcmp(arg, "none")) {
		cfg->serial = SERIAL_NONE;
	} else if (!strncmp(arg, "file:", 5) && arg[5]) {
		cfg->serial = SERIAL_FILE;
		cfg->serial_path = arg + 5;
	} else {
		return fail(err, errlen, "--serial: '%s' is not stdio, file:PATH or none", arg);
	}
	return 0;
}

static int parse_timeout(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (end == arg || *end || errno || !(v > 0) || v > 1e7)
		return fail(err, errlen, "--timeout: '%s' is not a number of seconds above 0", arg);
	cfg->timeout = v;
	return 0;
}

static int parse_trace(const char *arg, struct vmm_config *cfg, char *err, size_t errlen)
{
	const char *bad;

	if (trace_parse(arg, &cfg->trace, &bad) < 0)
		return fail(err, errlen, "--trace: unknown category at '%s' (known: %s)",
			    bad, trace_words());
	return 0;
}

static int parse_one(int opt, const char *arg, struct vmm_config *cfg, char *err,
		     size_t errlen)
{
	switch (opt) {
	case 'c':
	case OPT_SMP: return parse_cpus(arg, cfg, err, errlen);
	case 'm': return parse_mem(arg, cfg, err, errlen);
	case OPT_APPEND: cfg->append = arg; return 0;
	case OPT_SERIAL: return parse_serial(arg, cfg, err, errlen);
	case OPT_TIMEOUT: return parse_timeout(arg, cfg, err, errlen);
	case OPT_TRACE: return parse_trace(arg, cfg, err, errlen);
	case OPT_STRICT_IO: cfg->strict_io = true; return 0;
	case OPT_KERNEL: cfg->kernel = arg; return 0;
	case OPT_PORT: return hv_parse_port(arg, cfg, err, errlen);
	case OPT_CONNECTION: return hv_parse_connection(arg, cfg, err, errlen);
	case OPT_PRIVILEGES: return hv_parse_privileges(arg, &cfg->privileges, err, errlen);
	case OPT_DEVICE: return dev_parse_option(arg, cfg, err, errlen);
	case 'v': cfg->verbose = true; return 0;
	case 'h': cfg->command = CMD_HELP; return 0;
	case 'V': cfg->command = CMD_VERSION; return 0;
	default: return -EINVAL;
	}
}

static void config_defaults(struct vmm_config *cfg)
{
	const char *dev = getenv("SYNVMM_KVM_DEVICE");

	memset(cfg, 0, sizeof(*cfg));
	cfg->command = CMD_RUN;
	cfg->cpus = 1;
	cfg->mem_size = CONFIG_DEFAULT_MEM;
	cfg->append = "";
	cfg->serial = SERIAL_STDIO;
	cfg->kvm_path = dev && *dev ? dev : "/dev/kvm";
	cfg->privileges = hv_default_privileges();
}

/* argv copy with QEMU's single-dash words turned into getopt long options. */
static char **normalize_args(int argc, char **argv)
{
	char **out = calloc((size_t)argc + 1, sizeof(*out));

	if (!out)
		return NULL;
	for (int i = 0; i < argc; i++) {
		out[i] = argv[i];
		for (size_t w = 0; w < sizeof(qemu_words) / sizeof(qemu_words[0]); w++)
			if (!strcmp(argv[i], qemu_words[w][0]))
				out[i] = (char *)qemu_words[w][1];
	}
	return out;
}

static int parse_subcommand(int argc, char **argv, struct vmm_config *cfg,
			    int *first, char *err, size_t errlen)
{
	*first = 1;
	if (argc < 2)
		return fail(err, errlen, "no command or guest given");
	if (!strcmp(argv[1], "run")) {
		*first = 2;
	} else if (!strcmp(argv[1], "info")) {
		cfg->command = CMD_INFO;
		*first = 2;
	} else if (!strcmp(argv[1], "help")) {
		cfg->command = CMD_HELP;
		*first = 2;
	} else if (argv[1][0] != '-') {
		return fail(err, errlen,
			    "unknown command '%s' (commands: run, info, help)", argv[1]);
	}
	return 0;
}

static int parse_options(int argc, char **args, struct vmm_config *cfg, char *err,
			 size_t errlen)
{
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, args, "+:c:m:vhV", long_opts, NULL)) != -1) {
		/* glibc leaves optopt 0 for an unknown long option; a short one
		 * may sit inside a cluster ("-xv"), so name the letter. */
		if (opt == '?' && optopt)
			return fail(err, errlen, "unknown option '-%c'", optopt);
		if (opt == '?')
			return fail(err, errlen, "unknown option '%s'", args[optind - 1]);
		if (opt == ':')
			return fail(err, errlen, "option '%s' needs a value", args[optind - 1]);
		if (parse_one(opt, optarg, cfg, err, errlen) < 0)
			return -EINVAL;
	}
	return 0;
}

static int parse_positionals(int argc, char **args, struct vmm_config *cfg, char *err,
			     size_t errlen)
{
	if (optind < argc) {
		if (cfg->kernel)
			return fail(err, errlen, "guest given twice ('%s' and '%s')",
				    cfg->kernel, args[optind]);
		cfg->kernel = args[optind++];
	}
	if (optind < argc)
		return fail(err, errlen, "unexpected argument '%s' (options go before the guest)",
			    args[optind]);
	if (cfg->command == CMD_RUN && !cfg->kernel)
		return fail(err, errlen, "no guest ELF given (synvmm run GUEST.elf)");
	if (cfg->command == CMD_INFO && cfg->kernel)
		return fail(err, errlen, "'info' takes no guest");
	return 0;
}

int cli_parse(int argc, char **argv, struct vmm_config *cfg, char *err, size_t errlen)
{
	char **args;
	int first, ret;

	config_defaults(cfg);
	ret = parse_subcommand(argc, argv, cfg, &first, err, errlen);
	if (ret < 0)
		return ret;
	args = normalize_args(argc, argv);
	if (!args)
		return fail(err, errlen, "out of memory");
	/* getopt sees the subcommand as its argv[0]. */
	optind = 0; /* not 1: 0 makes glibc/musl getopt forget the previous argv too */
	ret = parse_options(argc - first + 1, args + first - 1, cfg, err, errlen);
	if (!ret && cfg->command != CMD_HELP && cfg->command != CMD_VERSION)
		ret = parse_positionals(argc - first + 1, args + first - 1, cfg, err, errlen);
	free(args);
	if (ret == 0)
		trace_flags = cfg->trace;
	return ret;
}

/* Quotes a word for a POSIX shell when it needs it. */
static void shell_word(char *buf, size_t size, const char *w)
{
	size_t len = strlen(buf);
	bool plain = *w != '\0';

	for (const char *p = w; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./:=,+@%", *p))
			plain = false;
	if (plain) {
		snprintf(buf + len, size - len, " %s", w);
		return;
	}
	snprintf(buf + len, size - len, " '");
	for (const char *p = w; *p; p++) {
		len = strlen(buf);
		if (*p == '\'')
			snprintf(buf + len, size - len, "'\\''");
		else
			snprintf(buf + len, size - len, "%c", *p);
	}
	len = strlen(buf);
	snprintf(buf + len, size - len, "'");
}

static void append_fmt(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append_fmt(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void format_trace(const struct vmm_config *cfg, char *buf, size_t size)
{
	static const char *const words[] = { "io", "mmio", "exits", "guest", "msr", "hyperv", "apic" };
	bool first = true;

	if (!cfg->trace)
		return;
	append_fmt(buf, size, " --trace ");
	for (unsigned int i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (cfg->trace & (1u << i)) {
			append_fmt(buf, size, "%s%s", first ? "" : ",", words[i]);
			first = false;
		}
	}
}

static void format_hyperv(const struct vmm_config *cfg, char *buf, size_t size)
{
	static const char *const types[] = { "?", "message", "event", "monitor" };
	char privs[512];

	if (cfg->privileges != hv_default_privileges()) {
		hv_format_privileges(cfg->privileges, privs, sizeof(privs));
		append_fmt(buf, size, " --privileges %s", privs);
	}
	for (unsigned int i = 0; i < cfg->nr_ports; i++) {
		const struct port_option *p = &cfg->ports[i];

		append_fmt(buf, size, " --port %u,type=%s,vp=", p->id, types[p->type & 3]);
		if (p->vp == 0xffffffffu)
			append_fmt(buf, size, "any");
		else
			append_fmt(buf, size, "%u", p->vp);
		append_fmt(buf, size, ",sint=%u,base=%u,count=%u", p->sint, p->base, p->count);
	}
	for (unsigned int i = 0; i < cfg->nr_connections; i++)
		append_fmt(buf, size, " --connection %u,port=%u", cfg->connections[i].id,
			   cfg->connections[i].port);
}

/* The shortest %g spelling that reads back as the same double. */
static const char *shortest_double(double v, char *buf, size_t size)
{
	for (int prec = 6; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

void cli_format_command(const struct vmm_config *cfg, char *buf, size_t size)
{
	char num[32];

	buf[0] = '\0';
	append_fmt(buf, size, "synvmm run --cpus %u --mem %" PRIu64 "K", cfg->cpus,
		   cfg->mem_size >> 10);
	if (cfg->append[0]) {
		append_fmt(buf, size, " --append");
		shell_word(buf, size, cfg->append);
	}
	if (cfg->serial == SERIAL_NONE)
		append_fmt(buf, size, " --serial none");
	else if (cfg->serial == SERIAL_FILE) {
		append_fmt(buf, size, " --serial");
		char tmp[4096] = "file:";
		strncat(tmp, cfg->serial_path, sizeof(tmp) - 6);
		shell_word(buf, size, tmp);
	}
	if (cfg->timeout > 0)
		append_fmt(buf, size, " --timeout %s", shortest_double(cfg->timeout, num, sizeof(num)));
	format_trace(cfg, buf, size);
	if (cfg->strict_io)
		append_fmt(buf, size, " --strict-io");
	format_hyperv(cfg, buf, size);
	dev_format_options(cfg, buf, size);
	shell_word(buf, size, cfg->kernel ? cfg->kernel : "");
}
