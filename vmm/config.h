/* SPDX-License-Identifier: MIT */
/* What the command line asks for, after parsing and before anything runs. */
#ifndef SYNVMM_CONFIG_H
#define SYNVMM_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#define CONFIG_MAX_CPUS 64 /* the guest runtime's per-VP tables */
#define CONFIG_MIN_MEM (2ull << 20)
#define CONFIG_MAX_MEM (32ull << 30) /* what the boot page tables cover */
#define CONFIG_DEFAULT_MEM (128ull << 20)

#define CONFIG_MAX_PORTS 64
#define CONFIG_MAX_CONNECTIONS 64
#define CONFIG_MAX_DEVICES 8

/* --device NAME,...: the optional devices (device_options.c). */
enum device_kind {
	DEVICE_ISA_DEBUG_EXIT,
	DEVICE_HYPERV_TESTDEV,
};

struct device_option {
	enum device_kind kind;
	uint16_t iobase; /* port-I/O devices */
	uint32_t iosize; /* ports, 1 to 0x10000 - iobase */
};

/* --port ID,type=...,vp=...,sint=...,base=...,count=... */
struct port_option {
	uint32_t id;
	uint8_t type;   /* HV_PORT_TYPE_* */
	uint32_t vp;    /* index or HV_ANY_VP */
	uint8_t sint;
	uint16_t base;
	uint16_t count;
};

/* --connection ID,port=P */
struct connection_option {
	uint32_t id;
	uint32_t port;
};

enum vmm_command {
	CMD_RUN,
	CMD_INFO,
	CMD_HELP,
	CMD_VERSION,
};

enum serial_sink {
	SERIAL_STDIO,
	SERIAL_FILE,
	SERIAL_NONE,
};

struct vmm_config {
	enum vmm_command command;
	const char *kernel;    /* the guest ELF */
	unsigned int cpus;
	uint64_t mem_size;     /* bytes */
	const char *append;    /* guest command line, "" when none */
	enum serial_sink serial;
	const char *serial_path;
	double timeout;        /* seconds, 0 = none */
	unsigned int trace;    /* enum trace_flag bits */
	bool strict_io;
	bool verbose;
	const char *kvm_path;  /* /dev/kvm unless SYNVMM_KVM_DEVICE says otherwise */

	uint64_t privileges;   /* the guest partition's HV_PRIV_* mask */
	struct port_option ports[CONFIG_MAX_PORTS];
	unsigned int nr_ports;
	struct connection_option connections[CONFIG_MAX_CONNECTIONS];
	unsigned int nr_connections;
	struct device_option devices[CONFIG_MAX_DEVICES];
	unsigned int nr_devices;
};

#endif
