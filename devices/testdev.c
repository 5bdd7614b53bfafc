// SPDX-License-Identifier: MIT
#include "testdev.h"
#include "iobus.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void testdev_init(struct testdev *td, struct guest_ram ram,
		  testdev_report_fn report, testdev_verdict_fn verdict, void *ctx)
{
	td->ram = ram;
	td->report = report;
	td->verdict = verdict;
	td->ctx = ctx;
}

const char *exception_name(uint64_t vector)
{
	static const char *const names[32] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
		"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
		"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
		"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
	};
	return vector < 32 ? names[vector] : "interrupt";
}

void testdev_format(const struct testdev_msg *m, unsigned int vp, char *buf,
		    unsigned long size)
{
	switch (m->kind) {
	case TESTDEV_PASS:
		snprintf(buf, size, "guest vp%u: PASS: %s", vp, m->msg);
		break;
	case TESTDEV_FAIL:
		snprintf(buf, size, "guest vp%u: FAIL: %s", vp, m->msg);
		break;
	case TESTDEV_ASSERT:
		snprintf(buf, size,
			 "guest vp%u: assertion failed at %s:%u: %s (a=0x%" PRIx64
			 ", b=0x%" PRIx64 ")",
			 vp, m->file, m->line, m->msg, m->a, m->b);
		break;
	case TESTDEV_SKIP:
		snprintf(buf, size, "guest vp%u: SKIP: %s", vp, m->msg);
		break;
	case TESTDEV_DONE:
		snprintf(buf, size, "guest vp%u: DONE", vp);
		break;
	case TESTDEV_EXCEPTION:
		snprintf(buf, size,
			 "guest vp%u: unexpected exception: vector %" PRIu64
			 " (%s), error code 0x%" PRIx64 ", RIP 0x%" PRIx64 "%s%s",
			 vp, m->a, exception_name(m->a), m->b, m->c,
			 m->msg[0] ? ": " : "", m->msg);
		break;
	case TESTDEV_SYNC:
		snprintf(buf, size, "guest vp%u: SYNC %" PRIu64, vp, m->a);
		break;
	case TESTDEV_VALUE:
		snprintf(buf, size, "guest vp%u: VALUE %s = %" PRIu64, vp, m->msg, m->a);
		break;
	default:
		snprintf(buf, size, "guest vp%u: unknown test-device message kind %u",
			 vp, m->kind);
		break;
	}
}

static void testdev_reject(struct testdev *td, unsigned int vp, const char *why,
			   uint64_t gpa)
{
	char line[160];

	snprintf(line, sizeof(line),
		 "guest vp%u: malformed test-device message at GPA 0x%" PRIx64 ": %s",
		 vp, gpa, why);
	td->report(td->ctx, vp, line, false);
	td->verdict(td->ctx, TESTDEV_VERDICT_FAILED);
}

static int testdev_terminal(struct testdev *td, enum testdev_verdict v)
{
	td->verdict(td->ctx, v);
	return IO_STOP;
}

static int testdev_handle(struct testdev *td, unsigned int vp, uint64_t gpa)
{
	const void *src = guest_ram_ptr(&td->ram, gpa, sizeof(struct testdev_msg));
	struct testdev_msg m;
	char line[512];

	if (!src) {
		testdev_reject(td, vp, "outside guest RAM", gpa);
		return IO_STOP;
	}
	memcpy(&m, src, sizeof(m));
	if (m.magic != TESTDEV_MAGIC) {
		testdev_reject(td, vp, "bad magic", gpa);
		return IO_STOP;
	}
	if (m.kind < TESTDEV_PASS || m.kind > TESTDEV_VALUE) {
		testdev_reject(td, vp, "unknown kind", gpa);
		return IO_STOP;
	}
	m.file[sizeof(m.file) - 1] = '\0';
	m.msg[sizeof(m.msg) - 1] = '\0';
	testdev_format(&m, vp, line, sizeof(line));
	td->report(td->ctx, vp, line, m.kind == TESTDEV_SYNC);

	switch (m.kind) {
	case TESTDEV_DONE: return testdev_terminal(td, TESTDEV_VERDICT_PASSED);
	case TESTDEV_SKIP: return testdev_terminal(td, TESTDEV_VERDICT_SKIPPED);
	case TESTDEV_FAIL:
	case TESTDEV_ASSERT:
	case TESTDEV_EXCEPTION: return testdev_terminal(td, TESTDEV_VERDICT_FAILED);
	default: return IO_CONTINUE;
	}
}

int testdev_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	       unsigned int len, bool is_write)
{
	struct testdev *td = dev;
	uint32_t v = 0;

	if (offset != 0 || len != 4) {
		if (!is_write)
			memset(data, 0xff, len);
		return IO_CONTINUE; /* only the 32-bit access at the base means anything */
	}
	if (!is_write) {
		v = TESTDEV_MAGIC;
		memcpy(data, &v, 4);
		return IO_CONTINUE;
	}
	memcpy(&v, data, 4);
	return testdev_handle(td, vp, v);
}
