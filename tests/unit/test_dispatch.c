// SPDX-License-Identifier: MIT
/* The exit dispatcher against fake struct kvm_run exits. */
#include <errno.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dispatch.h"
#include "iobus.h"
#include "trace.h"

#define RUN_SIZE 8192u
#define DATA_OFF 4096u

struct dev {
	int calls;
	unsigned int vp;
	uint64_t offset;
	unsigned int len;
	bool is_write;
	uint8_t written[16];
	size_t nwritten;
	uint8_t read_value;
	int ret;
};

static int dev_io(void *opaque, unsigned int vp, uint64_t offset, void *data,
		  unsigned int len, bool is_write)
{
	struct dev *d = opaque;

	d->calls++;
	d->vp = vp;
	d->offset = offset;
	d->len = len;
	d->is_write = is_write;
	if (is_write) {
		for (unsigned int i = 0; i < len && d->nwritten < sizeof(d->written); i++)
			d->written[d->nwritten++] = ((uint8_t *)data)[i];
	} else {
		memset(data, d->read_value, len);
	}
	return d->ret;
}

struct fixture {
	struct kvm_run *run;
	struct iobus pio, mmio;
	struct dispatch_ctx ctx;
	struct dev port_dev, mmio_dev;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_true(sizeof(struct kvm_run) <= DATA_OFF);
	f->run = calloc(1, RUN_SIZE);
	assert_non_null(f->run);
	iobus_init(&f->pio, "pio");
	iobus_init(&f->mmio, "mmio");
	assert_int_equal(iobus_register(&f->pio, 0x500, 4, dev_io, &f->port_dev, "port"), 0);
	assert_int_equal(iobus_register(&f->mmio, 0xd0000000, 0x1000, dev_io, &f->mmio_dev,
					"mm"), 0);
	f->ctx = (struct dispatch_ctx){
		.vp = 1, .pio = &f->pio, .mmio = &f->mmio, .strict_io = false,
		.run_size = RUN_SIZE,
	};
	trace_flags = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->run);
	free(f);
	return 0;
}

static uint8_t *io_data(struct fixture *f)
{
	return (uint8_t *)f->run + f->run->io.data_offset;
}

static void set_io(struct fixture *f, uint8_t dir, uint16_t port, uint8_t size, uint32_t count)
{
	f->run->exit_reason = KVM_EXIT_IO;
	f->run->io.direction = dir;
	f->run->io.port = port;
	f->run->io.size = size;
	f->run->io.count = count;
	f->run->io.data_offset = DATA_OFF;
}

static void set_mmio(struct fixture *f, uint64_t addr, uint32_t len, bool is_write)
{
	f->run->exit_reason = KVM_EXIT_MMIO;
	f->run->mmio.phys_addr = addr;
	f->run->mmio.len = len;
	f->run->mmio.is_write = is_write;
}

static void assert_err_contains(const struct fixture *f, const char *s)
{
	if (!strstr(f->ctx.err, s))
		print_error("err '%s' lacks '%s'\n", f->ctx.err, s);
	assert_non_null(strstr(f->ctx.err, s));
}

static void test_io_out_to_device(void **state)
{
	struct fixture *f = *state;

	set_io(f, KVM_EXIT_IO_OUT, 0x502, 2, 1);
	io_data(f)[0] = 0x34;
	io_data(f)[1] = 0x12;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->port_dev.calls, 1);
	assert_int_equal(f->port_dev.vp, 1);
	assert_int_equal(f->port_dev.offset, 2);
	assert_int_equal(f->port_dev.len, 2);
	assert_true(f->port_dev.is_write);
	assert_int_equal(f->port_dev.nwritten, 2);
	assert_int_equal(f->port_dev.written[0], 0x34);
	assert_int_equal(f->port_dev.written[1], 0x12);
	assert_string_equal(f->ctx.err, "");
}

static void test_io_in_from_device(void **state)
{
	struct fixture *f = *state;

	f->port_dev.read_value = 0x5c;
	set_io(f, KVM_EXIT_IO_IN, 0x500, 4, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->port_dev.calls, 1);
	assert_false(f->port_dev.is_write);
	assert_int_equal(f->port_dev.offset, 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(io_data(f)[i], 0x5c);
}

static void test_io_in_unclaimed_floats_high(void **state)
{
	struct fixture *f = *state;

	set_io(f, KVM_EXIT_IO_IN, 0x71, 2, 1);
	io_data(f)[2] = 0x11; /* past the access: untouched */
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(io_data(f)[0], 0xff);
	assert_int_equal(io_data(f)[1], 0xff);
	assert_int_equal(io_data(f)[2], 0x11);
	assert_int_equal(f->port_dev.calls, 0);
}

/* Absent ports read 0xFF, 0xFFFF, 0xFFFFFFFF, as on a PC; also in a
 * string read (INSD), element by element. */
static void test_io_in_unclaimed_all_widths(void **state)
{
	struct fixture *f = *state;
	static const uint8_t sizes[] = { 1, 2, 4 };

	for (size_t s = 0; s < 3; s++) {
		memset(io_data(f), 0, 16);
		set_io(f, KVM_EXIT_IO_IN, 0x510, sizes[s], 1);
		assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
		for (unsigned int i = 0; i < 16; i++)
			assert_int_equal(io_data(f)[i], i < sizes[s] ? 0xff : 0);
	}
	memset(io_data(f), 0, 16);
	set_io(f, KVM_EXIT_IO_IN, 0xf4, 4, 3);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(io_data(f)[i], i < 12 ? 0xff : 0);
	assert_int_equal(f->port_dev.calls, 0);
}

static void test_io_out_unclaimed_continues(void **state)
{
	struct fixture *f = *state;

	set_io(f, KVM_EXIT_IO_OUT, 0x80, 1, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->port_dev.calls, 0);
}

static void test_io_strict_unclaimed_is_error(void **state)
{
	struct fixture *f = *state;

	f->ctx.strict_io = true;
	set_io(f, KVM_EXIT_IO_IN, 0x71, 1, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "0x71");
	assert_err_contains(f, "strict-io");
	assert_err_contains(f, "read");
	/* A claimed port is still fine under --strict-io. */
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 1, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_string_equal(f->ctx.err, "");
	/* An OUT straddling the device's end is unclaimed. */
	set_io(f, KVM_EXIT_IO_OUT, 0x502, 4, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "0x502");
	assert_err_contains(f, "write");
}

static void test_io_rep_outsb(void **state)
{
	struct fixture *f = *state;

	set_io(f, KVM_EXIT_IO_OUT, 0x501, 1, 3);
	memcpy(io_data(f), "abc", 3);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->port_dev.calls, 3);
	assert_int_equal(f->port_dev.nwritten, 3);
	assert_memory_equal(f->port_dev.written, "abc", 3);
	assert_int_equal(f->port_dev.offset, 1);
}

static void test_io_rep_insw(void **state)
{
	struct fixture *f = *state;

	f->port_dev.read_value = 0x77;
	set_io(f, KVM_EXIT_IO_IN, 0x500, 2, 4);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->port_dev.calls, 4);
	for (int i = 0; i < 8; i++)
		assert_int_equal(io_data(f)[i], 0x77);
	assert_int_equal(io_data(f)[8], 0);
}

static void test_io_malformed(void **state)
{
	struct fixture *f = *state;

	set_io(f, KVM_EXIT_IO_OUT, 0x500, 1, 1);
	f->run->io.data_offset = RUN_SIZE + 1;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "malformed");
	/* In range, but count * size runs past the mapping. */
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 4, (RUN_SIZE - DATA_OFF) / 4 + 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "malformed");
	/* Huge count: size * count must not wrap. */
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 4, UINT32_MAX);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "malformed");
	/* Size 3 is not an x86 port access. */
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 3, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "malformed");
	assert_int_equal(f->port_dev.calls, 0);
	/* Exactly filling the mapping is fine. */
	set_io(f, KVM_EXIT_IO_OUT, 0x80, 4, (RUN_SIZE - DATA_OFF) / 4);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
}

static void test_io_device_stop(void **state)
{
	struct fixture *f = *state;

	f->port_dev.ret = IO_STOP;
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 1, 3);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_STOP);
	/* The rest of a rep is not delivered after a verdict. */
	assert_int_equal(f->port_dev.calls, 1);
}

static void test_io_device_error(void **state)
{
	struct fixture *f = *state;

	f->port_dev.ret = -EIO;
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 1, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "0x500");
	assert_err_contains(f, "failed");
}

static void test_mmio_write_and_read(void **state)
{
	struct fixture *f = *state;

	set_mmio(f, 0xd0000010, 4, true);
	memcpy(f->run->mmio.data, "\x01\x02\x03\x04", 4);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->mmio_dev.calls, 1);
	assert_int_equal(f->mmio_dev.offset, 0x10);
	assert_int_equal(f->mmio_dev.len, 4);
	assert_true(f->mmio_dev.is_write);
	assert_memory_equal(f->mmio_dev.written, "\x01\x02\x03\x04", 4);

	f->mmio_dev.read_value = 0x42;
	set_mmio(f, 0xd0000ff8, 8, false);
	memset(f->run->mmio.data, 0, 8);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->mmio_dev.calls, 2);
	assert_int_equal(f->mmio_dev.offset, 0xff8);
	assert_false(f->mmio_dev.is_write);
	for (int i = 0; i < 8; i++)
		assert_int_equal(f->run->mmio.data[i], 0x42);
	assert_int_equal(f->port_dev.calls, 0);
}

static void test_mmio_unclaimed_read(void **state)
{
	struct fixture *f = *state;

	set_mmio(f, 0xfed00000, 4, false);
	memset(f->run->mmio.data, 0, 8);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	for (int i = 0; i < 4; i++)
		assert_int_equal(f->run->mmio.data[i], 0xff);
	assert_int_equal(f->run->mmio.data[4], 0);

	f->ctx.strict_io = true;
	set_mmio(f, 0xfed00000, 4, true);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "mmio");
	assert_err_contains(f, "0xfed00000");
}

static void test_mmio_malformed(void **state)
{
	struct fixture *f = *state;

	set_mmio(f, 0xd0000000, 0, false);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "malformed");
	set_mmio(f, 0xd0000000, 9, false);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "malformed");
	assert_int_equal(f->mmio_dev.calls, 0);
}

static void test_mmio_device_stop(void **state)
{
	struct fixture *f = *state;

	f->mmio_dev.ret = IO_STOP;
	set_mmio(f, 0xd0000000, 1, true);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_STOP);
}

static void test_hlt_and_intr(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = KVM_EXIT_HLT;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_HALT);
	f->run->exit_reason = KVM_EXIT_INTR;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_string_equal(f->ctx.err, "");
}

static void test_shutdown_is_triple_fault(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = KVM_EXIT_SHUTDOWN;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "triple fault");
}

static void test_fail_entry(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	f->run->fail_entry.hardware_entry_failure_reason = 0x21;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "FAIL_ENTRY");
	assert_err_contains(f, "0x21");
}

static void test_internal_error(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	f->run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "INTERNAL_ERROR");
	assert_err_contains(f, "suberror 1");
}

static void test_system_event(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = KVM_EXIT_SYSTEM_EVENT;
	f->run->system_event.type = KVM_SYSTEM_EVENT_RESET;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "system event");
}

static void test_unknown_reason(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = 999;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "999");
	assert_err_contains(f, "unhandled");
	f->run->exit_reason = KVM_EXIT_DEBUG;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_err_contains(f, "DEBUG");
}

static void test_err_cleared_on_success(void **state)
{
	struct fixture *f = *state;

	f->run->exit_reason = KVM_EXIT_SHUTDOWN;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_ERROR);
	assert_true(f->ctx.err[0] != '\0');
	f->run->exit_reason = KVM_EXIT_HLT;
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_HALT);
	assert_string_equal(f->ctx.err, "");
}

static void test_tracing_does_not_change_results(void **state)
{
	struct fixture *f = *state;

	/* Every trace path runs (on stderr); the results stay the same. */
	trace_flags = TRACE_ALL;
	set_io(f, KVM_EXIT_IO_IN, 0x71, 1, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(io_data(f)[0], 0xff);
	set_mmio(f, 0xfed00000, 4, false);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	set_io(f, KVM_EXIT_IO_OUT, 0x500, 1, 1);
	assert_int_equal(dispatch_exit(&f->ctx, f->run), DISPATCH_CONTINUE);
	assert_int_equal(f->port_dev.calls, 1);
	trace_flags = 0;
}

static void test_format_regs(void **state)
{
	struct fixture *f = *state;
	char buf[2048];

	f->run->kvm_valid_regs = 0;
	dispatch_format_regs(f->run, buf, sizeof(buf));
	assert_non_null(strstr(buf, "not available"));

	f->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	f->run->s.regs.regs.rip = 0x100abc;
	f->run->s.regs.regs.rsp = 0x7ff0;
	f->run->s.regs.sregs.cr3 = 0x4000;
	f->run->s.regs.sregs.cs.selector = 0x08;
	f->run->s.regs.sregs.cs.l = 1;
	dispatch_format_regs(f->run, buf, sizeof(buf));
	assert_null(strstr(buf, "not available"));
	assert_non_null(strstr(buf, "rip 0x0000000000100abc"));
	assert_non_null(strstr(buf, "rsp 0x0000000000007ff0"));
	assert_non_null(strstr(buf, "cr3 0x4000"));
	assert_non_null(strstr(buf, "cs  sel 0x0008"));

	/* A short buffer is truncated, not overrun. */
	memset(buf, 'x', sizeof(buf));
	dispatch_format_regs(f->run, buf, 16);
	assert_int_equal(strlen(buf), 15);
	assert_int_equal(buf[16], 'x');
}

static void test_exit_reason_names(void **state)
{
	(void)state;
	assert_string_equal(exit_reason_name(KVM_EXIT_IO), "IO");
	assert_string_equal(exit_reason_name(KVM_EXIT_MMIO), "MMIO");
	assert_string_equal(exit_reason_name(KVM_EXIT_HLT), "HLT");
	assert_string_equal(exit_reason_name(KVM_EXIT_SHUTDOWN), "SHUTDOWN");
	assert_string_equal(exit_reason_name(KVM_EXIT_FAIL_ENTRY), "FAIL_ENTRY");
	assert_string_equal(exit_reason_name(KVM_EXIT_INTERNAL_ERROR), "INTERNAL_ERROR");
	assert_string_equal(exit_reason_name(KVM_EXIT_UNKNOWN), "UNKNOWN");
	assert_string_equal(exit_reason_name(999), "?");
	assert_string_equal(exit_reason_name(UINT32_MAX), "?");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_io_out_to_device),
		T(test_io_in_from_device),
		T(test_io_in_unclaimed_floats_high),
		T(test_io_in_unclaimed_all_widths),
		T(test_io_out_unclaimed_continues),
		T(test_io_strict_unclaimed_is_error),
		T(test_io_rep_outsb),
		T(test_io_rep_insw),
		T(test_io_malformed),
		T(test_io_device_stop),
		T(test_io_device_error),
		T(test_mmio_write_and_read),
		T(test_mmio_unclaimed_read),
		T(test_mmio_malformed),
		T(test_mmio_device_stop),
		T(test_hlt_and_intr),
		T(test_shutdown_is_triple_fault),
		T(test_fail_entry),
		T(test_internal_error),
		T(test_system_event),
		T(test_unknown_reason),
		T(test_err_cleared_on_success),
		T(test_tracing_does_not_change_results),
		T(test_format_regs),
		cmocka_unit_test(test_exit_reason_names),
	};

	return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
