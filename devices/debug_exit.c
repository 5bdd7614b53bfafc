// SPDX-License-Identifier: MIT
#include "debug_exit.h"
#include "iobus.h"

#include <string.h>

void debug_exit_init(struct debug_exit *d, debug_exit_fn report, void *ctx)
{
	d->report = report;
	d->ctx = ctx;
}

int debug_exit_status(uint32_t code)
{
	return (int)(((code << 1) | 1) & 0xff);
}

int debug_exit_io(void *dev, unsigned int vp, uint64_t offset, void *data,
		  unsigned int len, bool is_write)
{
	struct debug_exit *d = dev;
	uint32_t code = 0;

	(void)offset; /* as in QEMU, every port of the range exits */
	if (!is_write) {
		memset(data, 0xff, len);
		return IO_CONTINUE;
	}
	memcpy(&code, data, len < sizeof(code) ? len : sizeof(code));
	d->report(d->ctx, vp, code);
	return IO_STOP;
}
