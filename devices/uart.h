/* SPDX-License-Identifier: MIT */
/*
 * The subset of a 16550 UART a test guest needs on COM1: bytes written to
 * THR go to an output sink; LSR always reads "transmitter empty" (0x60) so
 * a polling guest never waits; DLAB is tracked so divisor writes are stored,
 * not printed. Input is not modelled (RBR reads 0, no data ready).
 */
#ifndef SYNVMM_UART_H
#define SYNVMM_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM1_BASE 0x3f8
#define UART_NR_REGS 8

#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80

typedef void (*uart_sink_fn)(void *ctx, const char *buf, size_t len);

struct uart {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uart_sink_fn sink; /* NULL discards output (--serial none) */
	void *sink_ctx;
};

void uart_init(struct uart *u, uart_sink_fn sink, void *sink_ctx);
/* An iobus handler: offset 0..7 from the UART's base. */
int uart_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	    unsigned int len, bool is_write);

#endif
