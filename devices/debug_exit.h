/* SPDX-License-Identifier: MIT */
/*
 * QEMU's isa-debug-exit: any guest write of `code` to its ports ends the
 * run with exit status (code << 1) | 1. The device only reports the value
 * through a callback and stops the writing vCPU; the machine turns it into
 * the exit status. Reads return all ones (QEMU's device has no read side).
 */
#ifndef SYNVMM_DEBUG_EXIT_H
#define SYNVMM_DEBUG_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#define DEBUG_EXIT_DEFAULT_IOBASE 0x501 /* QEMU's defaults */
#define DEBUG_EXIT_DEFAULT_IOSIZE 2

/* `code` is the value written, zero-extended from the access width. */
typedef void (*debug_exit_fn)(void *ctx, unsigned int vp, uint32_t code);

struct debug_exit {
	debug_exit_fn report;
	void *ctx;
};

void debug_exit_init(struct debug_exit *d, debug_exit_fn report, void *ctx);
/* An iobus handler for the device's iosize ports. */
int debug_exit_io(void *dev, unsigned int vp, uint64_t offset, void *data,
		  unsigned int len, bool is_write);
/* The exit status QEMU gives for `code`, as the process exit status shows it
 * (8 bits): ((code << 1) | 1) & 0xff. Never 0. */
int debug_exit_status(uint32_t code);

#endif
