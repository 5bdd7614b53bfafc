// SPDX-License-Identifier: MIT
#include "uart.h"
#include "iobus.h"

#include <string.h>

enum uart_reg { THR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

void uart_init(struct uart *u, uart_sink_fn sink, void *sink_ctx)
{
	memset(u, 0, sizeof(*u));
	u->sink = sink;
	u->sink_ctx = sink_ctx;
	u->lcr = 0x03; /* 8N1, as firmware leaves it */
	u->dll = 1;    /* 115200 baud */
}

static bool dlab(const struct uart *u)
{
	return u->lcr & UART_LCR_DLAB;
}

static void uart_write(struct uart *u, unsigned int reg, uint8_t v)
{
	switch (reg) {
	case THR:
		if (dlab(u))
			u->dll = v;
		else if (u->sink)
			u->sink(u->sink_ctx, (const char *)&v, 1);
		break;
	case IER:
		if (dlab(u))
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case LCR: u->lcr = v; break;
	case MCR: u->mcr = v & 0x1f; break;
	case SCR: u->scr = v; break;
	default: break; /* FCR, LSR, MSR writes: nothing to model */
	}
}

static uint8_t uart_read(const struct uart *u, unsigned int reg)
{
	switch (reg) {
	case THR: return dlab(u) ? u->dll : 0;
	case IER: return dlab(u) ? u->dlm : u->ier;
	case IIR: return 0x01; /* no interrupt pending */
	case LCR: return u->lcr;
	case MCR: return u->mcr;
	case LSR: return UART_LSR_THRE | UART_LSR_TEMT;
	case MSR: return 0xb0; /* DCD, DSR, CTS: a cable is attached */
	case SCR: return u->scr;
	default: return 0xff;
	}
}

int uart_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	    unsigned int len, bool is_write)
{
	struct uart *u = dev;
	uint8_t *bytes = data;

	(void)vp;
	/* A wider access touches consecutive registers, one byte each. */
	for (unsigned int i = 0; i < len; i++) {
		unsigned int reg = (unsigned int)((offset + i) % UART_NR_REGS);

		if (is_write)
			uart_write(u, reg, bytes[i]);
		else
			bytes[i] = uart_read(u, reg);
	}
	return IO_CONTINUE;
}
