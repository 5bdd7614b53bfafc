// SPDX-License-Identifier: MIT
#include "pic.h"
#include "iobus.h"

int pic_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	   unsigned int len, bool is_write)
{
	uint8_t *bytes = data;

	(void)dev;
	(void)vp;
	if (is_write)
		return IO_CONTINUE;
	/* A wider access reads consecutive ports, one byte each. */
	for (unsigned int i = 0; i < len; i++)
		bytes[i] = (offset + i) % PIC_NR_PORTS == 0 ? 0x00 : 0xff;
	return IO_CONTINUE;
}
