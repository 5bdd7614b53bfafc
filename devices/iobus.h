/* SPDX-License-Identifier: MIT */
/*
 * A bus of address ranges (port I/O or MMIO) with one handler signature for
 * both, as kvmtool does. Ranges are kept sorted and looked up by binary
 * search; an overlapping registration is refused. A device is handed the
 * offset into its range, never the absolute address.
 */
#ifndef SYNVMM_IOBUS_H
#define SYNVMM_IOBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a handler returns: go on, or stop this vCPU's run loop (a device
 * reached a verdict); a negative errno is an internal error. */
enum io_result {
	IO_CONTINUE = 0,
	IO_STOP = 1,
};

typedef int (*io_handler_fn)(void *dev, unsigned int vp, uint64_t offset,
			     void *data, unsigned int len, bool is_write);

struct io_range {
	uint64_t base;
	uint64_t len;
	io_handler_fn fn;
	void *dev;
	const char *name;
};

#define IOBUS_MAX_RANGES 32

struct iobus {
	const char *name; /* "pio" or "mmio", for messages */
	struct io_range ranges[IOBUS_MAX_RANGES];
	size_t count;
};

void iobus_init(struct iobus *bus, const char *name);
/* 0, -EINVAL (empty or wrapping range), -EEXIST (overlap), -ENOSPC. */
__attribute__((warn_unused_result))
int iobus_register(struct iobus *bus, uint64_t base, uint64_t len,
		   io_handler_fn fn, void *dev, const char *name);
const struct io_range *iobus_find(const struct iobus *bus, uint64_t addr,
				  unsigned int len);
/* The handler's result, or -ENOENT when no device claims the access. */
int iobus_access(const struct iobus *bus, unsigned int vp, uint64_t addr,
		 void *data, unsigned int len, bool is_write);

#endif
