// SPDX-License-Identifier: MIT
/* The COM1 16550 subset: THR output, LSR, DLAB, IIR, scratch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "iobus.h"
#include "uart.h"

struct sink {
	char buf[256];
	size_t len;
	int calls;
};

static void sink_fn(void *ctx, const char *buf, size_t len)
{
	struct sink *s = ctx;

	s->calls++;
	assert_true(s->len + len <= sizeof(s->buf));
	memcpy(s->buf + s->len, buf, len);
	s->len += len;
}

struct fixture {
	struct uart u;
	struct sink s;
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0, sizeof(f));
	uart_init(&f.u, sink_fn, &f.s);
	*state = &f;
	return 0;
}

static void wr(struct uart *u, unsigned int reg, uint8_t v)
{
	assert_int_equal(uart_io(u, 0, reg, &v, 1, true), IO_CONTINUE);
}

static uint8_t rd(struct uart *u, unsigned int reg)
{
	uint8_t v = 0x5a;

	assert_int_equal(uart_io(u, 0, reg, &v, 1, false), IO_CONTINUE);
	return v;
}

static void test_thr_write_goes_to_sink(void **state)
{
	struct fixture *f = *state;

	wr(&f->u, 0, 'h');
	wr(&f->u, 0, 'i');
	wr(&f->u, 0, '\n');
	assert_int_equal(f->s.len, 3);
	assert_memory_equal(f->s.buf, "hi\n", 3);
	assert_int_equal(f->s.calls, 3);
}

static void test_lsr_reads_transmitter_empty(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(&f->u, 5), 0x60);
	wr(&f->u, 0, 'x');
	assert_int_equal(rd(&f->u, 5), 0x60);
	/* LSR writes are ignored. */
	wr(&f->u, 5, 0x00);
	assert_int_equal(rd(&f->u, 5), 0x60);
}

static void test_dlab_divisor_not_printed(void **state)
{
	struct fixture *f = *state;

	wr(&f->u, 3, 0x80 | 0x03); /* DLAB on */
	wr(&f->u, 0, 0x0c);         /* DLL: 9600 baud */
	wr(&f->u, 1, 0x00);         /* DLM */
	assert_int_equal(f->s.len, 0);
	assert_int_equal(f->s.calls, 0);
	assert_int_equal(rd(&f->u, 0), 0x0c);
	assert_int_equal(rd(&f->u, 1), 0x00);
	wr(&f->u, 1, 0x12);
	assert_int_equal(rd(&f->u, 1), 0x12);
	assert_int_equal(f->u.dll, 0x0c);
	assert_int_equal(f->u.dlm, 0x12);
	assert_int_equal(rd(&f->u, 3), 0x83);
}

static void test_dlab_cleared_printing_resumes(void **state)
{
	struct fixture *f = *state;

	wr(&f->u, 1, 0x05); /* IER before DLAB */
	wr(&f->u, 3, 0x83);
	wr(&f->u, 0, 0x01);
	wr(&f->u, 1, 0x00);
	wr(&f->u, 3, 0x03); /* DLAB off */
	wr(&f->u, 0, 'o');
	wr(&f->u, 0, 'k');
	assert_int_equal(f->s.len, 2);
	assert_memory_equal(f->s.buf, "ok", 2);
	/* With DLAB off, offset 1 is IER again and kept its value; RBR reads 0. */
	assert_int_equal(rd(&f->u, 1), 0x05);
	assert_int_equal(rd(&f->u, 0), 0x00);
	assert_int_equal(f->u.dll, 0x01);
}

static void test_null_sink_discards(void **state)
{
	struct uart u;
	uint8_t v = 'z';

	(void)state;
	uart_init(&u, NULL, NULL);
	assert_int_equal(uart_io(&u, 0, 0, &v, 1, true), IO_CONTINUE);
	assert_int_equal(rd(&u, 5), 0x60);
}

static void test_iir_reads_no_interrupt(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(&f->u, 2), 0x01);
	wr(&f->u, 2, 0xc7); /* FCR write: not modelled, and not printed */
	assert_int_equal(rd(&f->u, 2), 0x01);
	assert_int_equal(f->s.len, 0);
}

static void test_scratch_round_trip(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(&f->u, 7), 0x00);
	wr(&f->u, 7, 0xa5);
	assert_int_equal(rd(&f->u, 7), 0xa5);
	wr(&f->u, 7, 0x5a);
	assert_int_equal(rd(&f->u, 7), 0x5a);
	assert_int_equal(f->s.len, 0);
}

static void test_init_defaults_and_masks(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(&f->u, 3), 0x03); /* 8N1 */
	assert_int_equal(rd(&f->u, 6), 0xb0); /* MSR: DCD, DSR, CTS */
	wr(&f->u, 1, 0xff);
	assert_int_equal(rd(&f->u, 1), 0x0f); /* IER keeps 4 bits */
	wr(&f->u, 4, 0xff);
	assert_int_equal(rd(&f->u, 4), 0x1f); /* MCR keeps 5 bits */
	wr(&f->u, 3, 0x83);
	assert_int_equal(rd(&f->u, 0), 0x01); /* DLL 1: 115200 baud */
}

static void test_wide_access_spans_registers(void **state)
{
	struct fixture *f = *state;
	uint8_t out[2] = { 'A', 0x42 };
	uint8_t in[2] = { 0 };

	/* A 16-bit OUT at THR writes THR then IER. */
	assert_int_equal(uart_io(&f->u, 0, 0, out, 2, true), IO_CONTINUE);
	assert_int_equal(f->s.len, 1);
	assert_int_equal(f->s.buf[0], 'A');
	assert_int_equal(f->u.ier, 0x02);
	/* A 16-bit IN at LSR reads LSR then MSR. */
	assert_int_equal(uart_io(&f->u, 0, 5, in, 2, false), IO_CONTINUE);
	assert_int_equal(in[0], 0x60);
	assert_int_equal(in[1], 0xb0);
}

static void test_through_iobus_at_com1(void **state)
{
	struct fixture *f = *state;
	struct iobus bus;
	uint8_t v = '!';

	iobus_init(&bus, "pio");
	assert_int_equal(iobus_register(&bus, UART_COM1_BASE, UART_NR_REGS, uart_io,
					&f->u, "com1"), 0);
	assert_int_equal(iobus_access(&bus, 0, UART_COM1_BASE, &v, 1, true), IO_CONTINUE);
	assert_int_equal(f->s.len, 1);
	assert_int_equal(f->s.buf[0], '!');
	v = 0;
	assert_int_equal(iobus_access(&bus, 0, UART_COM1_BASE + 5, &v, 1, false),
			 IO_CONTINUE);
	assert_int_equal(v, UART_LSR_THRE | UART_LSR_TEMT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_thr_write_goes_to_sink, setup),
		cmocka_unit_test_setup(test_lsr_reads_transmitter_empty, setup),
		cmocka_unit_test_setup(test_dlab_divisor_not_printed, setup),
		cmocka_unit_test_setup(test_dlab_cleared_printing_resumes, setup),
		cmocka_unit_test(test_null_sink_discards),
		cmocka_unit_test_setup(test_iir_reads_no_interrupt, setup),
		cmocka_unit_test_setup(test_scratch_round_trip, setup),
		cmocka_unit_test_setup(test_init_defaults_and_masks, setup),
		cmocka_unit_test_setup(test_wide_access_spans_registers, setup),
		cmocka_unit_test_setup(test_through_iobus_at_com1, setup),
	};

	return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
