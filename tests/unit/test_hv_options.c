// SPDX-License-Identifier: MIT
/* --port, --connection, --privileges, and the Hyper-V CPUID leaves. */
#include <errno.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "hv.h"
#include "hv_cpuid.h"
#include "hv_options.h"

static struct vmm_config cfg;
static char err[512];

static int setup(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
	return 0;
}

#define assert_err_has(s) assert_non_null(strstr(err, (s)))

static void test_port_all_keys(void **state)
{
	(void)state;
	assert_int_equal(hv_parse_port("0x10,type=event,vp=any,sint=3,base=100,count=8", &cfg, err,
				       sizeof(err)), 0);
	assert_int_equal(cfg.nr_ports, 1);
	assert_int_equal(cfg.ports[0].id, 0x10);
	assert_int_equal(cfg.ports[0].type, HV_PORT_TYPE_EVENT);
	assert_int_equal(cfg.ports[0].vp, HV_ANY_VP);
	assert_int_equal(cfg.ports[0].sint, 3);
	assert_int_equal(cfg.ports[0].base, 100);
	assert_int_equal(cfg.ports[0].count, 8);
}

static void test_port_defaults(void **state)
{
	(void)state;
	assert_int_equal(hv_parse_port("7", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.ports[0].type, HV_PORT_TYPE_EVENT);
	assert_int_equal(cfg.ports[0].vp, 0);
	assert_int_equal(cfg.ports[0].sint, 2);
	assert_int_equal(cfg.ports[0].base, 0);
	assert_int_equal(cfg.ports[0].count, 1);
}

static void test_port_types(void **state)
{
	(void)state;
	assert_int_equal(hv_parse_port("1,type=message", &cfg, err, sizeof(err)), 0);
	assert_int_equal(hv_parse_port("2,type=monitor", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.ports[0].type, HV_PORT_TYPE_MESSAGE);
	assert_int_equal(cfg.ports[1].type, HV_PORT_TYPE_MONITOR);
}

static void test_port_errors(void **state)
{
	static const struct { const char *arg, *msg; } bad[] = {
		{ "0x1000000", "id '0x1000000' is not a number" },
		{ "abc", "id 'abc' is not a number" },
		{ "", "id '' is not a number" },
		{ "1,type=bogus", "type 'bogus' is not event, message or monitor" },
		{ "1,vp=-1", "vp '-1' is not a VP index" },
		{ "1,sint=16", "sint '16' is not 0 to 15" },
		{ "1,base=2048", "base '2048' is not 0 to 2047" },
		{ "1,count=0", "count '0' is not 1 to 2048" },
		{ "1,count=2049", "count '2049' is not 1 to 2048" },
		{ "1,base=2000,count=100", "base 2000 + count 100 is more than 2048 flags" },
		{ "1,colour=red", "unknown key 'colour'" },
		{ "1,sint", "'sint' is not key=value" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		assert_int_equal(hv_parse_port(bad[i].arg, &cfg, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].msg))
			print_error("'%s': '%s' lacks '%s'\n", bad[i].arg, err, bad[i].msg);
		assert_err_has(bad[i].msg);
		assert_int_equal(cfg.nr_ports, 0);
	}
}

static void test_port_duplicate_and_full(void **state)
{
	char arg[16];

	(void)state;
	assert_int_equal(hv_parse_port("5", &cfg, err, sizeof(err)), 0);
	assert_int_equal(hv_parse_port("5,sint=3", &cfg, err, sizeof(err)), -EINVAL);
	assert_err_has("id 5 given twice");
	for (unsigned int i = 1; i < CONFIG_MAX_PORTS; i++) {
		snprintf(arg, sizeof(arg), "%u", 100 + i);
		assert_int_equal(hv_parse_port(arg, &cfg, err, sizeof(err)), 0);
	}
	assert_int_equal(hv_parse_port("9999", &cfg, err, sizeof(err)), -EINVAL);
	assert_err_has("more than 64 ports");
}

static void test_connection(void **state)
{
	(void)state;
	assert_int_equal(hv_parse_connection("0x20,port=0x10", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.connections[0].id, 0x20);
	assert_int_equal(cfg.connections[0].port, 0x10);
	assert_int_equal(hv_parse_connection("3", &cfg, err, sizeof(err)), -EINVAL);
	assert_err_has("--connection 3: no port=P given");
	assert_int_equal(hv_parse_connection("4,port=x", &cfg, err, sizeof(err)), -EINVAL);
	assert_err_has("port 'x' is not a port id");
	assert_int_equal(hv_parse_connection("4,vp=1", &cfg, err, sizeof(err)), -EINVAL);
	assert_err_has("unknown key 'vp'");
	assert_int_equal(hv_parse_connection("0x20,port=1", &cfg, err, sizeof(err)), -EINVAL);
	assert_err_has("id 32 given twice");
	assert_int_equal(cfg.nr_connections, 1);
}

static void test_privileges(void **state)
{
	uint64_t m = 0;
	uint64_t def = hv_default_privileges();

	(void)state;
	assert_true(def & HV_PRIV_SIGNAL_EVENTS);
	assert_true(def & HV_PRIV_ACCESS_SYNIC_REGS);
	assert_true(def & HV_PRIV_POST_MESSAGES);
	assert_true(def & HV_PRIV_ACCESS_SYNTIMER_REGS);
	assert_false(def & HV_PRIV_CREATE_PORT);  /* not implemented: not advertised */
	assert_false(def & HV_PRIV_CONNECT_PORT);
	assert_int_equal(hv_parse_privileges("default", &m, err, sizeof(err)), 0);
	assert_int_equal(m, def);
	assert_int_equal(hv_parse_privileges("default,-signal-events", &m, err, sizeof(err)), 0);
	assert_int_equal(m, def & ~HV_PRIV_SIGNAL_EVENTS);
	assert_int_equal(hv_parse_privileges("none", &m, err, sizeof(err)), 0);
	assert_int_equal(m, 0);
	assert_int_equal(hv_parse_privileges("signal-events,create-port", &m, err, sizeof(err)), 0);
	assert_int_equal(m, HV_PRIV_SIGNAL_EVENTS | HV_PRIV_CREATE_PORT);
	assert_int_equal(hv_parse_privileges("signal-events,bogus", &m, err, sizeof(err)), -EINVAL);
	assert_err_has("unknown privilege 'bogus'");
}

static void test_privileges_format_round_trip(void **state)
{
	char buf[512];
	uint64_t m;

	(void)state;
	hv_format_privileges(HV_PRIV_SIGNAL_EVENTS | HV_PRIV_ACCESS_VP_INDEX, buf, sizeof(buf));
	assert_string_equal(buf, "vp-index,signal-events");
	assert_int_equal(hv_parse_privileges(buf, &m, err, sizeof(err)), 0);
	assert_int_equal(m, HV_PRIV_SIGNAL_EVENTS | HV_PRIV_ACCESS_VP_INDEX);
	hv_format_privileges(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

static void test_cli_hyperv_options_and_verbose(void **state)
{
	char *argv[] = { "synvmm", "run", "--port", "5,vp=any,sint=4", "--connection", "6,port=5",
			 "--privileges", "default,-vp-index", "g.elf", NULL };
	char cmd[1024];

	(void)state;
	assert_int_equal(cli_parse(9, argv, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nr_ports, 1);
	assert_int_equal(cfg.nr_connections, 1);
	assert_int_equal(cfg.privileges, hv_default_privileges() & ~HV_PRIV_ACCESS_VP_INDEX);
	cli_format_command(&cfg, cmd, sizeof(cmd));
	assert_non_null(strstr(cmd, " --port 5,type=event,vp=any,sint=4,base=0,count=1"));
	assert_non_null(strstr(cmd, " --connection 6,port=5"));
	assert_non_null(strstr(cmd, " --privileges ref-counter,synic-regs,syntimer-regs,hypercall-msrs,post-messages,signal-events"));
}

static const struct kvm_cpuid_entry2 *leaf(const struct kvm_cpuid2 *c, uint32_t fn)
{
	for (uint32_t i = 0; i < c->nent; i++)
		if (c->entries[i].function == fn)
			return &c->entries[i];
	return NULL;
}

static void test_cpuid_leaves(void **state)
{
	struct {
		struct kvm_cpuid2 c;
		struct kvm_cpuid_entry2 e[3];
	} in = { .c.nent = 3 };
	struct hv_cpuid_params p = { .privileges = HV_PRIV_SIGNAL_EVENTS | HV_PRIV_ACCESS_SYNIC_REGS,
				     .max_vps = 4 };
	struct kvm_cpuid2 *c;

	(void)state;
	in.e[0] = (struct kvm_cpuid_entry2){ .function = 1, .ecx = (1u << 21) | 1 };
	in.e[1] = (struct kvm_cpuid_entry2){ .function = 0x40000000, .ebx = 0x4b4d564b }; /* KVM's */
	in.e[2] = (struct kvm_cpuid_entry2){ .function = 0x40000001, .eax = 0x12345678 };
	c = hv_cpuid_build(&in.c, &p);
	assert_non_null(c);
	assert_int_equal(c->nent, 1 + 7);
	/* hypervisor on, x2APIC off, TSC-deadline on (KVM never lists it) */
	assert_int_equal(leaf(c, 1)->ecx, (1u << 31) | (1u << 24) | 1);
	assert_int_equal(leaf(c, 0x40000000)->eax, 0x40000006);
	assert_memory_equal(&leaf(c, 0x40000000)->ebx, "Micr", 4);
	assert_memory_equal(&leaf(c, 0x40000000)->ecx, "osof", 4);
	assert_memory_equal(&leaf(c, 0x40000000)->edx, "t Hv", 4);
	assert_int_equal(leaf(c, 0x40000001)->eax, 0x31237648); /* "Hv#1", not KVM's value */
	assert_int_equal(leaf(c, 0x40000003)->eax, (uint32_t)HV_PRIV_ACCESS_SYNIC_REGS);
	assert_int_equal(leaf(c, 0x40000003)->ebx, 1u << 5); /* SignalEvents = EBX bit 5 */
	assert_int_equal(leaf(c, 0x40000003)->edx, HV_CPUID_FEAT_SINT_POLLING);
	assert_int_equal(leaf(c, 0x40000004)->ebx, 0xffffffff);
	assert_int_equal(leaf(c, 0x40000005)->eax, 4);
	assert_non_null(leaf(c, 0x40000006));
	assert_null(leaf(c, 0x40000007));
	free(c);
	/* With the timers' privilege comes direct mode (EDX bit 19). */
	p.privileges |= HV_PRIV_ACCESS_SYNTIMER_REGS;
	c = hv_cpuid_build(&in.c, &p);
	assert_non_null(c);
	assert_int_equal(leaf(c, 0x40000003)->eax,
			 (uint32_t)(HV_PRIV_ACCESS_SYNIC_REGS | HV_PRIV_ACCESS_SYNTIMER_REGS));
	assert_int_equal(leaf(c, 0x40000003)->edx,
			 HV_CPUID_FEAT_SINT_POLLING | HV_CPUID_FEAT_DIRECT_STIMER);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_port_all_keys, setup),
		cmocka_unit_test_setup(test_port_defaults, setup),
		cmocka_unit_test_setup(test_port_types, setup),
		cmocka_unit_test_setup(test_port_errors, setup),
		cmocka_unit_test_setup(test_port_duplicate_and_full, setup),
		cmocka_unit_test_setup(test_connection, setup),
		cmocka_unit_test_setup(test_privileges, setup),
		cmocka_unit_test_setup(test_privileges_format_round_trip, setup),
		cmocka_unit_test_setup(test_cli_hyperv_options_and_verbose, setup),
		cmocka_unit_test_setup(test_cpuid_leaves, setup),
	};

	return cmocka_run_group_tests_name("hv_options", tests, NULL, NULL);
}
