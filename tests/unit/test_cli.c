// SPDX-License-Identifier: MIT
/* Command-line parsing, sizes, errors, and the --verbose round trip. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wordexp.h>

#include <cmocka.h>

#include "cli.h"
#include "config.h"
#include "device_options.h"
#include "trace.h"

#define MAX_ARGS 32
#define ARG_LEN 256

/* argv in writable storage that outlives the parse (cfg points into it). */
struct args {
	char store[MAX_ARGS][ARG_LEN];
	char *argv[MAX_ARGS + 1];
	int argc;
};

static void args_vset(struct args *a, va_list ap)
{
	const char *s;

	memset(a, 0, sizeof(*a));
	while ((s = va_arg(ap, const char *)) != NULL) {
		assert_true(a->argc < MAX_ARGS);
		assert_true(strlen(s) < ARG_LEN);
		strcpy(a->store[a->argc], s);
		a->argv[a->argc] = a->store[a->argc];
		a->argc++;
	}
	a->argv[a->argc] = NULL;
}

struct fixture {
	struct args a;
	struct vmm_config cfg;
	char err[512];
};

/* cli_parse on "synvmm" followed by the NULL-terminated words. */
static int parse(struct fixture *f, ...)
	__attribute__((sentinel));

static int parse(struct fixture *f, ...)
{
	va_list ap;
	struct args tmp;

	va_start(ap, f);
	args_vset(&tmp, ap);
	va_end(ap);
	/* Prepend the program name. */
	memset(&f->a, 0, sizeof(f->a));
	strcpy(f->a.store[0], "synvmm");
	f->a.argv[0] = f->a.store[0];
	for (int i = 0; i < tmp.argc; i++) {
		strcpy(f->a.store[i + 1], tmp.store[i]);
		f->a.argv[i + 1] = f->a.store[i + 1];
	}
	f->a.argc = tmp.argc + 1;
	f->err[0] = '\0';
	return cli_parse(f->a.argc, f->a.argv, &f->cfg, f->err, sizeof(f->err));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	unsetenv("SYNVMM_KVM_DEVICE");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

#define assert_err_contains(f, s)                                                \
	do {                                                                     \
		if (!strstr((f)->err, (s)))                                      \
			print_error("err '%s' lacks '%s'\n", (f)->err, (s));     \
		assert_non_null(strstr((f)->err, (s)));                          \
	} while (0)

/* An error: -EINVAL and a message with the substring. */
#define assert_fails(f, substr, ...)                                             \
	do {                                                                     \
		assert_int_equal(parse((f), __VA_ARGS__, NULL), -EINVAL);        \
		assert_err_contains((f), (substr));                              \
	} while (0)

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "run", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_RUN);
	assert_string_equal(f->cfg.kernel, "g.elf");
	assert_int_equal(f->cfg.cpus, 1);
	assert_int_equal(f->cfg.mem_size, 128ull << 20);
	assert_string_equal(f->cfg.append, "");
	assert_int_equal(f->cfg.serial, SERIAL_STDIO);
	assert_true(f->cfg.timeout == 0.0);
	assert_int_equal(f->cfg.trace, 0);
	assert_false(f->cfg.strict_io);
	assert_false(f->cfg.verbose);
	assert_string_equal(f->cfg.kvm_path, "/dev/kvm");
}

static void test_full_run_line(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "run", "-c", "4", "-m", "256M", "--append", "a b",
			       "--serial", "none", "--timeout", "2.5", "--trace", "io,exits",
			       "--strict-io", "-v", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_RUN);
	assert_int_equal(f->cfg.cpus, 4);
	assert_int_equal(f->cfg.mem_size, 256ull << 20);
	assert_string_equal(f->cfg.append, "a b");
	assert_int_equal(f->cfg.serial, SERIAL_NONE);
	assert_true(f->cfg.timeout == 2.5);
	assert_int_equal(f->cfg.trace, TRACE_IO | TRACE_EXITS);
	assert_int_equal(trace_flags, TRACE_IO | TRACE_EXITS);
	assert_true(f->cfg.strict_io);
	assert_true(f->cfg.verbose);
	assert_string_equal(f->cfg.kernel, "g.elf");
}

static void test_long_spellings(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "run", "--cpus=3", "--mem", "1G", "--verbose",
			       "--kernel", "k.elf", "--trace=all", NULL), 0);
	assert_int_equal(f->cfg.cpus, 3);
	assert_int_equal(f->cfg.mem_size, 1ull << 30);
	assert_true(f->cfg.verbose);
	assert_string_equal(f->cfg.kernel, "k.elf");
	assert_int_equal(f->cfg.trace, TRACE_ALL);
}

static void test_qemu_spellings(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "-smp", "2", "-kernel", "g.elf", "-m", "64", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_RUN);
	assert_int_equal(f->cfg.cpus, 2);
	assert_string_equal(f->cfg.kernel, "g.elf");
	assert_int_equal(f->cfg.mem_size, 64ull << 20); /* bare -m is MiB */

	assert_int_equal(parse(f, "-kernel", "h.elf", "-append", "x=1 y", "-serial",
			       "file:/tmp/x", NULL), 0);
	assert_string_equal(f->cfg.kernel, "h.elf");
	assert_string_equal(f->cfg.append, "x=1 y");
	assert_int_equal(f->cfg.serial, SERIAL_FILE);
	assert_string_equal(f->cfg.serial_path, "/tmp/x");
}

static void test_device_hyperv_testdev(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "-kernel", "g.elf", "-device", "hyperv-testdev", "-device",
			       "isa-debug-exit,iobase=0xf4,iosize=0x4", NULL), 0);
	assert_int_equal(f->cfg.nr_devices, 2);
	assert_int_equal(f->cfg.devices[0].kind, DEVICE_HYPERV_TESTDEV);
	assert_int_equal(f->cfg.devices[0].iobase, 0x3000); /* QEMU's port */
	assert_int_equal(f->cfg.devices[0].iosize, 4);
	assert_int_equal(f->cfg.devices[1].kind, DEVICE_ISA_DEBUG_EXIT);
	assert_fails(f, "--device hyperv-testdev: unknown property 'iobase' (it has none)", "run",
		     "--device", "hyperv-testdev,iobase=0x3000", "g.elf");
}

static void test_device_isa_debug_exit(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "run", "--device", "isa-debug-exit", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.nr_devices, 1);
	assert_int_equal(f->cfg.devices[0].kind, DEVICE_ISA_DEBUG_EXIT);
	assert_int_equal(f->cfg.devices[0].iobase, 0x501); /* QEMU's defaults */
	assert_int_equal(f->cfg.devices[0].iosize, 2);

	/* QEMU's spelling, as kvm-unit-tests' runner writes it. */
	assert_int_equal(parse(f, "-kernel", "g.elf", "-smp", "2", "-m", "128", "-append", "a b",
			       "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", NULL), 0);
	assert_int_equal(f->cfg.nr_devices, 1);
	assert_int_equal(f->cfg.devices[0].iobase, 0xf4);
	assert_int_equal(f->cfg.devices[0].iosize, 4);
	assert_int_equal(f->cfg.cpus, 2);
	assert_int_equal(f->cfg.mem_size, 128ull << 20);

	/* Decimal, either order, repeatable, the last port of the space. */
	assert_int_equal(parse(f, "run", "--device", "isa-debug-exit,iosize=1,iobase=244",
			       "--device", "isa-debug-exit,iobase=0xffff,iosize=1", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.nr_devices, 2);
	assert_int_equal(f->cfg.devices[0].iobase, 244);
	assert_int_equal(f->cfg.devices[0].iosize, 1);
	assert_int_equal(f->cfg.devices[1].iobase, 0xffff);
	/* Without --device there is none. */
	assert_int_equal(parse(f, "run", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.nr_devices, 0);
}

static void test_device_errors(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "--device: unknown device 'pc-testdev' (known: isa-debug-exit, hyperv-testdev)",
		     "run", "--device", "pc-testdev", "g.elf");
	assert_fails(f, "unknown device 'isa-debug-exitx'", "run", "--device", "isa-debug-exitx",
		     "g.elf");
	assert_fails(f, "--device: no device name (known: isa-debug-exit, hyperv-testdev)", "run", "--device",
		     ",iobase=1", "g.elf");
	assert_fails(f, "unknown property 'base' (known: iobase, iosize)", "run", "--device",
		     "isa-debug-exit,base=1", "g.elf");
	assert_fails(f, "'iobase' is not KEY=VALUE", "run", "--device", "isa-debug-exit,iobase",
		     "g.elf");
	assert_fails(f, "'=4' is not KEY=VALUE", "run", "--device", "isa-debug-exit,=4", "g.elf");
	assert_fails(f, "iobase '0x10000' is not a port", "run", "--device",
		     "isa-debug-exit,iobase=0x10000", "g.elf");
	assert_fails(f, "iobase '-1' is not a port", "run", "--device", "isa-debug-exit,iobase=-1",
		     "g.elf");
	assert_fails(f, "iobase '' is not a port", "run", "--device", "isa-debug-exit,iobase=",
		     "g.elf");
	assert_fails(f, "iobase '0xf4x' is not a port", "run", "--device",
		     "isa-debug-exit,iobase=0xf4x", "g.elf");
	assert_fails(f, "iosize '0' is not a number of ports", "run", "--device",
		     "isa-debug-exit,iosize=0", "g.elf");
	assert_fails(f, "ports 0xfffe+0x4 run past 0xffff", "run", "--device",
		     "isa-debug-exit,iobase=0xfffe,iosize=4", "g.elf");
	assert_fails(f, "option '--device' needs a value", "run", "--device");
	for (int i = 0; i < CONFIG_MAX_DEVICES; i++)
		assert_int_equal(dev_parse_option("isa-debug-exit", &f->cfg, f->err, sizeof(f->err)), 0);
	assert_int_equal(dev_parse_option("isa-debug-exit", &f->cfg, f->err, sizeof(f->err)), -EINVAL);
	assert_err_contains(f, "more than 8 devices");
}

static void test_info_command(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "info", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_INFO);
	assert_null(f->cfg.kernel);
	assert_fails(f, "'info' takes no guest", "info", "g.elf");
}

static void test_help(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "--help", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_HELP);
	assert_int_equal(parse(f, "-h", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_HELP);
	assert_int_equal(parse(f, "help", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_HELP);
	/* --help needs no guest, wherever it is. */
	assert_int_equal(parse(f, "run", "-c", "2", "--help", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_HELP);
	assert_non_null(strstr(cli_usage(), "Usage: synvmm run"));
	assert_non_null(strstr(cli_usage(), "--strict-io"));
	assert_non_null(strstr(cli_usage(), "--device NAME[,KEY=VALUE...]"));
	assert_non_null(strstr(cli_usage(), "isa-debug-exit"));
	assert_non_null(strstr(cli_usage(), "(CODE<<1)|1"));
}

static void test_version(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "--version", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_VERSION);
	assert_int_equal(parse(f, "-V", NULL), 0);
	assert_int_equal(f->cfg.command, CMD_VERSION);
}

static void test_kvm_device_env(void **state)
{
	struct fixture *f = *state;

	setenv("SYNVMM_KVM_DEVICE", "/tmp/fake-kvm", 1);
	assert_int_equal(parse(f, "info", NULL), 0);
	assert_string_equal(f->cfg.kvm_path, "/tmp/fake-kvm");
	setenv("SYNVMM_KVM_DEVICE", "", 1);
	assert_int_equal(parse(f, "info", NULL), 0);
	assert_string_equal(f->cfg.kvm_path, "/dev/kvm");
	unsetenv("SYNVMM_KVM_DEVICE");
}

static void test_sizes(void **state)
{
	unsigned long long b = 0;

	(void)state;
	assert_int_equal(cli_parse_size("4K", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(cli_parse_size("4k", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(cli_parse_size("2M", &b), 0);
	assert_int_equal(b, 2ull << 20);
	assert_int_equal(cli_parse_size("3G", &b), 0);
	assert_int_equal(b, 3ull << 30);
	assert_int_equal(cli_parse_size("1T", &b), 0);
	assert_int_equal(b, 1ull << 40);
	assert_int_equal(cli_parse_size("64", &b), 0);
	assert_int_equal(b, 64ull << 20);
	assert_int_equal(cli_parse_size("128MiB", &b), 0);
	assert_int_equal(b, 128ull << 20);
	assert_int_equal(cli_parse_size("128MB", &b), 0);
	assert_int_equal(b, 128ull << 20);
	assert_int_equal(cli_parse_size("1gib", &b), 0);
	assert_int_equal(b, 1ull << 30);
	assert_int_equal(cli_parse_size("0", &b), 0);
	assert_int_equal(b, 0);
}

static void test_sizes_invalid(void **state)
{
	unsigned long long b = 42;

	(void)state;
	assert_int_equal(cli_parse_size("12Q", &b), -EINVAL);
	assert_int_equal(cli_parse_size("", &b), -EINVAL);
	assert_int_equal(cli_parse_size("M", &b), -EINVAL);
	assert_int_equal(cli_parse_size("-1", &b), -EINVAL);
	assert_int_equal(cli_parse_size(" 1", &b), -EINVAL);
	assert_int_equal(cli_parse_size("1.5G", &b), -EINVAL);
	assert_int_equal(cli_parse_size("128MiBx", &b), -EINVAL);
	assert_int_equal(cli_parse_size("128MBB", &b), -EINVAL);
	assert_int_equal(b, 42); /* untouched on error */
}

static void test_sizes_overflow(void **state)
{
	unsigned long long b = 42;

	(void)state;
	/* 2^34 GiB = 2^64 bytes */
	assert_int_equal(cli_parse_size("17179869184G", &b), -EINVAL);
	assert_int_equal(cli_parse_size("17179869183G", &b), 0);
	assert_int_equal(b, 17179869183ull << 30);
	assert_int_equal(cli_parse_size("18446744073709551615", &b), -EINVAL);
	assert_int_equal(cli_parse_size("99999999999999999999K", &b), -EINVAL);
	assert_int_equal(cli_parse_size("18446744073709551615K", &b), -EINVAL);
}

static void test_bad_cpus(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "--cpus: '0' is not a number from 1 to 64", "run", "-c", "0", "g.elf");
	assert_fails(f, "'65'", "run", "--cpus", "65", "g.elf");
	assert_fails(f, "'abc'", "run", "-c", "abc", "g.elf");
	assert_fails(f, "'-1'", "run", "-c", "-1", "g.elf");
	assert_fails(f, "'2x'", "run", "-c", "2x", "g.elf");
	assert_fails(f, "--cpus", "-smp", "0", "-kernel", "g.elf");
	assert_int_equal(parse(f, "run", "-c", "64", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.cpus, 64);
}

static void test_bad_mem(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "out of range", "run", "-m", "1M", "g.elf");
	assert_fails(f, "out of range", "run", "-m", "64G", "g.elf");
	assert_fails(f, "out of range", "run", "-m", "4097K", "g.elf");
	assert_fails(f, "'12Q' is not a size", "run", "-m", "12Q", "g.elf");
	assert_int_equal(parse(f, "run", "-m", "2M", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.mem_size, 2ull << 20);
	assert_int_equal(parse(f, "run", "-m", "32G", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.mem_size, 32ull << 30);
}

static void test_bad_serial(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "--serial: 'bogus'", "run", "--serial", "bogus", "g.elf");
	assert_fails(f, "--serial: 'file:'", "run", "--serial", "file:", "g.elf");
	assert_fails(f, "--serial", "-serial", "pty", "-kernel", "g.elf");
}

static void test_bad_timeout(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "--timeout: '0'", "run", "--timeout", "0", "g.elf");
	assert_fails(f, "--timeout: '-1'", "run", "--timeout", "-1", "g.elf");
	assert_fails(f, "--timeout: 'abc'", "run", "--timeout", "abc", "g.elf");
	assert_fails(f, "--timeout: 'nan'", "run", "--timeout", "nan", "g.elf");
	assert_fails(f, "--timeout: 'inf'", "run", "--timeout", "inf", "g.elf");
	assert_fails(f, "--timeout: '2s'", "run", "--timeout", "2s", "g.elf");
	assert_fails(f, "--timeout: ''", "run", "--timeout", "", "g.elf");
	assert_int_equal(parse(f, "run", "--timeout", "0.001", "g.elf", NULL), 0);
	assert_true(f->cfg.timeout == 0.001);
}

static void test_bad_trace(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "unknown category at 'bogus'", "run", "--trace", "io,bogus", "g.elf");
	assert_err_contains(f, "io,mmio,exits,guest,msr,hyperv,apic,all");
	assert_fails(f, "unknown category", "run", "--trace", "io,", "g.elf");
	assert_fails(f, "unknown category", "run", "--trace", "", "g.elf");
	assert_fails(f, "unknown category at 'IO'", "run", "--trace", "IO", "g.elf");
}

static void test_trace_words(void **state)
{
	unsigned int flags = 0;
	const char *bad = NULL;

	(void)state;
	assert_int_equal(trace_parse("mmio,guest", &flags, &bad), 0);
	assert_int_equal(flags, TRACE_MMIO | TRACE_GUEST);
	assert_int_equal(trace_parse("exits,exits", &flags, &bad), 0);
	assert_int_equal(flags, TRACE_EXITS);
	assert_int_equal(trace_parse("io,iox", &flags, &bad), -EINVAL);
	assert_string_equal(bad, "iox");
	assert_int_equal(flags, TRACE_EXITS); /* untouched on error */
}

static void test_unknown_option(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "unknown option '--bogus'", "run", "--bogus", "g.elf");
	assert_fails(f, "unknown option '-x'", "run", "-x", "g.elf");
}

static void test_unknown_option_in_cluster(void **state)
{
	struct fixture *f = *state;

	/* The message names the bad option, not some other word. */
	assert_fails(f, "-x", "run", "-xv", "g.elf");
	assert_true(strstr(f->err, "'run'") == NULL);
}

static void test_parse_after_aborted_cluster(void **state)
{
	struct fixture *f = *state;

	/* getopt stops in the middle of "-vxv"; the next parse must start afresh
	 * and not continue in the previous (now dead) argv. */
	assert_int_equal(parse(f, "run", "-vxv", "g.elf", NULL), -EINVAL);
	assert_int_equal(parse(f, "run", "-c", "2", "g.elf", NULL), 0);
	assert_int_equal(f->cfg.cpus, 2);
	assert_false(f->cfg.verbose);
}

static void test_missing_value(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "option '--timeout' needs a value", "run", "--timeout");
	assert_fails(f, "option '-c' needs a value", "run", "-c");
	assert_fails(f, "needs a value", "-kernel");
}

static void test_no_guest(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "no guest ELF given", "run");
	assert_fails(f, "no guest ELF given", "run", "-c", "2");
	assert_fails(f, "no command or guest given", NULL);
}

static void test_two_guests(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "guest given twice ('a.elf' and 'b.elf')", "run", "--kernel", "a.elf",
		     "b.elf");
	assert_fails(f, "unexpected argument 'b.elf'", "run", "a.elf", "b.elf");
	/* Options after the guest are not options. */
	assert_fails(f, "unexpected argument '-c'", "run", "a.elf", "-c", "2");
}

static void test_unknown_command(void **state)
{
	struct fixture *f = *state;

	assert_fails(f, "unknown command 'frobnicate'", "frobnicate");
	assert_fails(f, "unknown command 'g.elf'", "g.elf");
}

/* Splits a formatted command as a POSIX shell would and parses it. */
static void reparse(const char *cmd, struct fixture *out)
{
	wordexp_t we;

	assert_int_equal(wordexp(cmd, &we, WRDE_NOCMD | WRDE_UNDEF), 0);
	assert_true(we.we_wordc >= 2);
	assert_string_equal(we.we_wordv[0], "synvmm");
	assert_true(we.we_wordc <= MAX_ARGS);
	memset(&out->a, 0, sizeof(out->a));
	for (size_t i = 0; i < we.we_wordc; i++) {
		assert_true(strlen(we.we_wordv[i]) < ARG_LEN);
		strcpy(out->a.store[i], we.we_wordv[i]);
		out->a.argv[i] = out->a.store[i];
	}
	out->a.argc = (int)we.we_wordc;
	wordfree(&we);
	out->err[0] = '\0';
	if (cli_parse(out->a.argc, out->a.argv, &out->cfg, out->err, sizeof(out->err)))
		fail_msg("'%s' does not re-parse: %s", cmd, out->err);
}

static void assert_same_config(const struct vmm_config *a, const struct vmm_config *b)
{
	assert_int_equal(a->command, b->command);
	assert_string_equal(a->kernel, b->kernel);
	assert_int_equal(a->cpus, b->cpus);
	assert_int_equal(a->mem_size, b->mem_size);
	assert_string_equal(a->append, b->append);
	assert_int_equal(a->serial, b->serial);
	if (a->serial == SERIAL_FILE)
		assert_string_equal(a->serial_path, b->serial_path);
	if (a->timeout != b->timeout)
		fail_msg("timeout %.17g became %.17g", a->timeout, b->timeout);
	assert_int_equal(a->trace, b->trace);
	assert_int_equal(a->strict_io, b->strict_io);
	assert_int_equal(a->nr_devices, b->nr_devices);
	for (unsigned int i = 0; i < a->nr_devices; i++) {
		assert_int_equal(a->devices[i].kind, b->devices[i].kind);
		assert_int_equal(a->devices[i].iobase, b->devices[i].iobase);
		assert_int_equal(a->devices[i].iosize, b->devices[i].iosize);
	}
}

static void test_format_round_trip(void **state)
{
	struct fixture *f = *state;
	static struct fixture gs;
	struct fixture *g = &gs;
	char cmd[4096];

	assert_int_equal(parse(f, "run", "-c", "4", "-m", "256M", "--append",
			       "it's a \"quoted\" line $HOME `x` \\n", "--serial", "none",
			       "--timeout", "2.5", "--trace", "io,exits", "--strict-io", "-v",
			       "-device", "isa-debug-exit,iobase=0xf4,iosize=0x4", "--device",
			       "isa-debug-exit", "--device", "hyperv-testdev", "g.elf", NULL), 0);
	cli_format_command(&f->cfg, cmd, sizeof(cmd));
	assert_non_null(strstr(cmd, "synvmm run "));
	assert_non_null(strstr(cmd, "--cpus 4"));
	assert_non_null(strstr(cmd, "--mem 262144K"));
	assert_non_null(strstr(cmd, "--strict-io"));
	assert_non_null(strstr(cmd, " --device isa-debug-exit,iobase=0xf4,iosize=0x4 --device isa-debug-exit,iobase=0x501,iosize=0x2 --device hyperv-testdev "));
	reparse(cmd, g);
	assert_same_config(&f->cfg, &g->cfg);
}

static void test_format_round_trip_defaults_and_file(void **state)
{
	struct fixture *f = *state;
	static struct fixture gs;
	struct fixture *g = &gs;
	char cmd[4096];

	assert_int_equal(parse(f, "run", "g.elf", NULL), 0);
	cli_format_command(&f->cfg, cmd, sizeof(cmd));
	assert_string_equal(cmd, "synvmm run --cpus 1 --mem 131072K g.elf");
	reparse(cmd, g);
	assert_same_config(&f->cfg, &g->cfg);

	assert_int_equal(parse(f, "-kernel", "dir with space/o'k.elf", "-serial",
			       "file:/tmp/out put.log", "--trace", "all", "-m", "3G", NULL), 0);
	cli_format_command(&f->cfg, cmd, sizeof(cmd));
	reparse(cmd, g);
	assert_same_config(&f->cfg, &g->cfg);
	assert_string_equal(g->cfg.serial_path, "/tmp/out put.log");
	assert_string_equal(g->cfg.kernel, "dir with space/o'k.elf");
}

static void test_format_round_trip_timeout_precision(void **state)
{
	struct fixture *f = *state;
	static struct fixture gs;
	struct fixture *g = &gs;
	char cmd[4096];

	/* Any accepted timeout must survive the round trip exactly. */
	assert_int_equal(parse(f, "run", "--timeout", "1234567.5", "g.elf", NULL), 0);
	cli_format_command(&f->cfg, cmd, sizeof(cmd));
	reparse(cmd, g);
	assert_same_config(&f->cfg, &g->cfg);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_full_run_line),
		T(test_long_spellings),
		T(test_qemu_spellings),
		T(test_device_isa_debug_exit),
		T(test_device_hyperv_testdev),
		T(test_device_errors),
		T(test_info_command),
		T(test_help),
		T(test_version),
		T(test_kvm_device_env),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_sizes_invalid),
		cmocka_unit_test(test_sizes_overflow),
		T(test_bad_cpus),
		T(test_bad_mem),
		T(test_bad_serial),
		T(test_bad_timeout),
		T(test_bad_trace),
		cmocka_unit_test(test_trace_words),
		T(test_unknown_option),
		T(test_unknown_option_in_cluster),
		T(test_parse_after_aborted_cluster),
		T(test_missing_value),
		T(test_no_guest),
		T(test_two_guests),
		T(test_unknown_command),
		T(test_format_round_trip),
		T(test_format_round_trip_defaults_and_file),
		T(test_format_round_trip_timeout_precision),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
