/* SPDX-License-Identifier: MIT */
/*
 * The test device: a guest's channel to the VMM (see testdev_abi.h). A
 * 32-bit OUT to TESTDEV_PORT carries the GPA of a struct testdev_msg; the
 * device copies it out of guest RAM (so a guest rewriting it concurrently
 * cannot change what was checked), validates it, reports it as one text line
 * and, for terminal kinds, hands the verdict to the machine and stops the vCPU.
 * A 32-bit IN reads TESTDEV_MAGIC, so a guest can probe for the device.
 */
#ifndef SYNVMM_TESTDEV_H
#define SYNVMM_TESTDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "guest_ram.h"
#include "testdev_abi.h"

enum testdev_verdict {
	TESTDEV_VERDICT_PASSED,  /* DONE */
	TESTDEV_VERDICT_FAILED,  /* FAIL, ASSERT, EXCEPTION, a malformed message */
	TESTDEV_VERDICT_SKIPPED, /* SKIP */
};

/* One finished line of text about what a guest reported; `trace_only` lines
 * (SYNC) are printed only with tracing on. */
typedef void (*testdev_report_fn)(void *ctx, unsigned int vp, const char *line,
				  bool trace_only);
typedef void (*testdev_verdict_fn)(void *ctx, enum testdev_verdict verdict);

struct testdev {
	struct guest_ram ram;
	testdev_report_fn report;
	testdev_verdict_fn verdict;
	void *ctx;
};

void testdev_init(struct testdev *td, struct guest_ram ram,
		  testdev_report_fn report, testdev_verdict_fn verdict, void *ctx);
/* An iobus handler for the 4-byte range at TESTDEV_PORT. */
int testdev_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	       unsigned int len, bool is_write);
/* Formats one message as the line testdev_io reports (for tests too). */
void testdev_format(const struct testdev_msg *m, unsigned int vp, char *buf,
		    unsigned long size);
const char *exception_name(uint64_t vector);

#endif
