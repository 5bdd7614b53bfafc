// SPDX-License-Identifier: MIT
/*
 * printf on COM1. The VMM's LSR always says "transmitter empty", so no
 * polling. A bounded lock keeps VPs' lines from interleaving; if its holder
 * died mid-line we print anyway rather than hang.
 */
#include "guest.h"

#define COM1 0x3f8

static uint32_t serial_lock;

static uint64_t lock(bool *held)
{
	uint64_t flags = irq_save();

	*held = spin_until(__atomic_exchange_n(&serial_lock, 1, __ATOMIC_ACQUIRE) == 0,
			   GUEST_SPIN_DEFAULT);
	return flags;
}

static void unlock(bool held, uint64_t flags)
{
	if (held)
		__atomic_store_n(&serial_lock, 0, __ATOMIC_RELEASE);
	irq_restore(flags);
}

static void serial_putc(void *ctx, char c)
{
	(void)ctx;
	outb(COM1, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	bool held;
	uint64_t flags = lock(&held);

	for (size_t i = 0; i < n; i++)
		serial_putc(NULL, s[i]);
	unlock(held, flags);
}

int vprintf(const char *fmt, va_list ap)
{
	bool held;
	uint64_t flags = lock(&held);
	int n = guest_vformat(serial_putc, NULL, fmt, ap);

	unlock(held, flags);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}
