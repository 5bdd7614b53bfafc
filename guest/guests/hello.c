// SPDX-License-Identifier: MIT
/* The smallest guest: one line on the serial port, one PASS, done. */
#include "guest.h"

void guest_main(void)
{
	if (this_vp() != 0)
		return; /* other VPs park */
	printf("hello from synvmm guest\n");
	GUEST_PASS("hello");
	guest_done();
}
