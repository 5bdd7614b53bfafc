// SPDX-License-Identifier: MIT
/* The test device against a fake guest RAM buffer, well-formed and hostile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"
#include "testdev.h"

#define RAM_SIZE (64u * 1024)
#define MSG_GPA 0x1000u

struct recorder {
	int reports;
	unsigned int vp;
	char line[1024];
	bool trace_only;
	int verdicts;
	enum testdev_verdict verdict;
};

struct fixture {
	uint8_t *ram;
	struct testdev td;
	struct recorder rec;
};

static void report_fn(void *ctx, unsigned int vp, const char *line, bool trace_only)
{
	struct recorder *r = ctx;

	r->reports++;
	r->vp = vp;
	assert_true(strlen(line) < sizeof(r->line));
	strcpy(r->line, line);
	r->trace_only = trace_only;
}

static void verdict_fn(void *ctx, enum testdev_verdict v)
{
	struct recorder *r = ctx;

	r->verdicts++;
	r->verdict = v;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	/* Exactly RAM_SIZE bytes on the heap, so ASan sees any overread. */
	f->ram = calloc(1, RAM_SIZE);
	assert_non_null(f->ram);
	testdev_init(&f->td, (struct guest_ram){ f->ram, RAM_SIZE }, report_fn,
		     verdict_fn, &f->rec);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->ram);
	free(f);
	return 0;
}

static struct testdev_msg *msg_at(struct fixture *f, uint32_t gpa, uint32_t kind)
{
	struct testdev_msg *m = (struct testdev_msg *)(f->ram + gpa);

	memset(m, 0, sizeof(*m));
	m->magic = TESTDEV_MAGIC;
	m->kind = kind;
	return m;
}

/* One 32-bit OUT of gpa to the device's base. */
static int out_gpa(struct fixture *f, unsigned int vp, uint32_t gpa)
{
	return testdev_io(&f->td, vp, 0, &gpa, 4, true);
}

static void test_pass_continues(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_PASS);

	strcpy(m->msg, "apic id matches");
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_CONTINUE);
	assert_int_equal(f->rec.reports, 1);
	assert_string_equal(f->rec.line, "guest vp0: PASS: apic id matches");
	assert_false(f->rec.trace_only);
	assert_int_equal(f->rec.verdicts, 0);
}

static void test_done_passes_and_stops(void **state)
{
	struct fixture *f = *state;

	msg_at(f, MSG_GPA, TESTDEV_DONE);
	assert_int_equal(out_gpa(f, 2, MSG_GPA), IO_STOP);
	assert_int_equal(f->rec.verdicts, 1);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_PASSED);
	assert_int_equal(f->rec.vp, 2);
	assert_string_equal(f->rec.line, "guest vp2: DONE");
}

static void test_fail_fails_and_stops(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_FAIL);

	strcpy(m->msg, "timer never fired");
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_int_equal(f->rec.verdicts, 1);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_FAILED);
	assert_string_equal(f->rec.line, "guest vp0: FAIL: timer never fired");
}

static void test_assert_line_contents(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_ASSERT);

	strcpy(m->file, "guests/smp.c");
	m->line = 42;
	strcpy(m->msg, "count == nr_cpus");
	m->a = 0x3;
	m->b = 0xdeadbeef;
	assert_int_equal(out_gpa(f, 1, MSG_GPA), IO_STOP);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_FAILED);
	assert_non_null(strstr(f->rec.line, "guests/smp.c:42"));
	assert_non_null(strstr(f->rec.line, "count == nr_cpus"));
	assert_non_null(strstr(f->rec.line, "a=0x3"));
	assert_non_null(strstr(f->rec.line, "b=0xdeadbeef"));
	assert_non_null(strstr(f->rec.line, "vp1"));
}

static void test_exception_line_contents(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_EXCEPTION);

	m->a = 6;
	m->b = 0;
	m->c = 0x100abcull;
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_int_equal(f->rec.verdicts, 1);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_FAILED);
	assert_non_null(strstr(f->rec.line, "#UD"));
	assert_non_null(strstr(f->rec.line, "vector 6"));
	assert_non_null(strstr(f->rec.line, "RIP 0x100abc"));
	/* No message: the line does not end in ": ". */
	assert_int_not_equal(f->rec.line[strlen(f->rec.line) - 1], ' ');

	memset(&f->rec, 0, sizeof(f->rec));
	m->a = 14;
	m->b = 2;
	strcpy(m->msg, "in handler");
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_non_null(strstr(f->rec.line, "#PF"));
	assert_non_null(strstr(f->rec.line, "error code 0x2"));
	assert_non_null(strstr(f->rec.line, ": in handler"));
}

static void test_exception_names(void **state)
{
	(void)state;
	assert_string_equal(exception_name(0), "#DE");
	assert_string_equal(exception_name(6), "#UD");
	assert_string_equal(exception_name(13), "#GP");
	assert_string_equal(exception_name(14), "#PF");
	assert_string_equal(exception_name(31), "#31");
	assert_string_equal(exception_name(32), "interrupt");
	assert_string_equal(exception_name(UINT64_MAX), "interrupt");
}

static void test_skip_skips_and_stops(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_SKIP);

	strcpy(m->msg, "no x2apic");
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_SKIPPED);
	assert_string_equal(f->rec.line, "guest vp0: SKIP: no x2apic");
}

static void test_sync_is_trace_only(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_SYNC);

	m->a = 7;
	assert_int_equal(out_gpa(f, 3, MSG_GPA), IO_CONTINUE);
	assert_int_equal(f->rec.reports, 1);
	assert_true(f->rec.trace_only);
	assert_string_equal(f->rec.line, "guest vp3: SYNC 7");
	assert_int_equal(f->rec.verdicts, 0);
}

static void test_value_line(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_VALUE);

	strcpy(m->msg, "tsc_khz");
	m->a = 2400000;
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_CONTINUE);
	assert_false(f->rec.trace_only);
	assert_string_equal(f->rec.line, "guest vp0: VALUE tsc_khz = 2400000");
	assert_int_equal(f->rec.verdicts, 0);
}

static void test_msg_ending_at_ram_end(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, RAM_SIZE - sizeof(struct testdev_msg), TESTDEV_PASS);

	/* The struct may end exactly at the end of RAM. */
	strcpy(m->msg, "last bytes");
	assert_int_equal(out_gpa(f, 0, RAM_SIZE - sizeof(struct testdev_msg)), IO_CONTINUE);
	assert_string_equal(f->rec.line, "guest vp0: PASS: last bytes");
	assert_int_equal(f->rec.verdicts, 0);
}

static void assert_rejected(struct fixture *f, const char *why)
{
	assert_int_equal(f->rec.reports, 1);
	assert_int_equal(f->rec.verdicts, 1);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_FAILED);
	assert_false(f->rec.trace_only);
	assert_non_null(strstr(f->rec.line, "malformed"));
	assert_non_null(strstr(f->rec.line, why));
}

static void test_gpa_outside_ram(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(out_gpa(f, 0, RAM_SIZE), IO_STOP);
	assert_rejected(f, "outside guest RAM");
	assert_non_null(strstr(f->rec.line, "0x10000"));

	memset(&f->rec, 0, sizeof(f->rec));
	assert_int_equal(out_gpa(f, 0, 0xfffffff0u), IO_STOP);
	assert_rejected(f, "outside guest RAM");
}

static void test_gpa_straddles_ram_end(void **state)
{
	struct fixture *f = *state;

	/* One byte of the struct would lie past the end of RAM. */
	assert_int_equal(out_gpa(f, 0, RAM_SIZE - sizeof(struct testdev_msg) + 1), IO_STOP);
	assert_rejected(f, "outside guest RAM");
	assert_int_equal(out_gpa(f, 0, RAM_SIZE - 1), IO_STOP);
}

static void test_bad_magic(void **state)
{
	struct fixture *f = *state;
	struct testdev_msg *m = msg_at(f, MSG_GPA, TESTDEV_DONE);

	m->magic = TESTDEV_MAGIC ^ 1;
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_rejected(f, "bad magic");
}

static void test_unknown_kind(void **state)
{
	struct fixture *f = *state;

	msg_at(f, MSG_GPA, 0);
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_rejected(f, "unknown kind");

	memset(&f->rec, 0, sizeof(f->rec));
	msg_at(f, MSG_GPA, TESTDEV_VALUE + 1);
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_rejected(f, "unknown kind");

	memset(&f->rec, 0, sizeof(f->rec));
	msg_at(f, MSG_GPA, 0xffffffffu);
	assert_int_equal(out_gpa(f, 0, MSG_GPA), IO_STOP);
	assert_rejected(f, "unknown kind");
}

static void test_unterminated_strings_truncated(void **state)
{
	struct fixture *f = *state;
	/* At the very end of RAM, so reading past the struct is a heap overflow. */
	uint32_t gpa = RAM_SIZE - sizeof(struct testdev_msg);
	struct testdev_msg *m = msg_at(f, gpa, TESTDEV_ASSERT);

	memset(m->file, 'F', sizeof(m->file));
	memset(m->msg, 'M', sizeof(m->msg));
	m->line = 9;
	assert_int_equal(out_gpa(f, 0, gpa), IO_STOP);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_FAILED);

	char file[TESTDEV_FILE_LEN], msg[TESTDEV_MSG_LEN], expect[512];
	memset(file, 'F', sizeof(file) - 1);
	file[sizeof(file) - 1] = '\0';
	memset(msg, 'M', sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	snprintf(expect, sizeof(expect),
		 "guest vp0: assertion failed at %s:9: %s (a=0x0, b=0x0)", file, msg);
	assert_string_equal(f->rec.line, expect);
	/* The guest's copy is untouched: the device works on its own. */
	assert_int_equal(m->msg[TESTDEV_MSG_LEN - 1], 'M');

	memset(&f->rec, 0, sizeof(f->rec));
	m->kind = TESTDEV_PASS;
	assert_int_equal(out_gpa(f, 0, gpa), IO_CONTINUE);
	assert_int_equal(strlen(f->rec.line), strlen("guest vp0: PASS: ") + TESTDEV_MSG_LEN - 1);
}

static void test_wrong_access_size_ignored(void **state)
{
	struct fixture *f = *state;
	uint8_t b = 0;
	uint16_t w = 0;
	uint8_t in[2] = { 0, 0 };
	uint32_t gpa = MSG_GPA;

	msg_at(f, MSG_GPA, TESTDEV_DONE);
	/* 8- and 16-bit OUTs, and a 32-bit OUT at an offset, mean nothing. */
	assert_int_equal(testdev_io(&f->td, 0, 0, &b, 1, true), IO_CONTINUE);
	assert_int_equal(testdev_io(&f->td, 0, 0, &w, 2, true), IO_CONTINUE);
	assert_int_equal(testdev_io(&f->td, 0, 1, &gpa, 4, true), IO_CONTINUE);
	assert_int_equal(f->rec.reports, 0);
	assert_int_equal(f->rec.verdicts, 0);
	/* A narrow IN floats high. */
	assert_int_equal(testdev_io(&f->td, 0, 0, in, 2, false), IO_CONTINUE);
	assert_int_equal(in[0], 0xff);
	assert_int_equal(in[1], 0xff);
}

static void test_in_returns_magic(void **state)
{
	struct fixture *f = *state;
	uint32_t v = 0;

	assert_int_equal(testdev_io(&f->td, 0, 0, &v, 4, false), IO_CONTINUE);
	assert_int_equal(v, TESTDEV_MAGIC);
	assert_int_equal(f->rec.reports, 0);
}

static void test_through_iobus(void **state)
{
	struct fixture *f = *state;
	struct iobus bus;
	uint32_t v = MSG_GPA;

	iobus_init(&bus, "pio");
	assert_int_equal(iobus_register(&bus, TESTDEV_PORT, 4, testdev_io, &f->td, "testdev"), 0);
	msg_at(f, MSG_GPA, TESTDEV_DONE);
	assert_int_equal(iobus_access(&bus, 4, TESTDEV_PORT, &v, 4, true), IO_STOP);
	assert_int_equal(f->rec.verdict, TESTDEV_VERDICT_PASSED);
	assert_int_equal(f->rec.vp, 4);
}

static void test_format_unknown_kind(void **state)
{
	struct testdev_msg m = { .magic = TESTDEV_MAGIC, .kind = 99 };
	char buf[128];

	(void)state;
	testdev_format(&m, 5, buf, sizeof(buf));
	assert_string_equal(buf, "guest vp5: unknown test-device message kind 99");
	/* A short buffer is truncated, never overrun. */
	memset(buf, 'x', sizeof(buf));
	testdev_format(&m, 5, buf, 8);
	assert_string_equal(buf, "guest v");
	assert_int_equal(buf[8], 'x');
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pass_continues),
		T(test_done_passes_and_stops),
		T(test_fail_fails_and_stops),
		T(test_assert_line_contents),
		T(test_exception_line_contents),
		cmocka_unit_test(test_exception_names),
		T(test_skip_skips_and_stops),
		T(test_sync_is_trace_only),
		T(test_value_line),
		T(test_msg_ending_at_ram_end),
		T(test_gpa_outside_ram),
		T(test_gpa_straddles_ram_end),
		T(test_bad_magic),
		T(test_unknown_kind),
		T(test_unterminated_strings_truncated),
		T(test_wrong_access_size_ignored),
		T(test_in_returns_magic),
		T(test_through_iobus),
		cmocka_unit_test(test_format_unknown_kind),
	};

	return cmocka_run_group_tests_name("testdev", tests, NULL, NULL);
}
