// SPDX-License-Identifier: MIT
/*
 * Triple fault: with a zero-limit IDT, ud2 cannot be delivered (#UD -> #GP
 * -> #DF -> shutdown). KVM reports KVM_EXIT_SHUTDOWN; the VMM exits 3 with
 * a register dump.
 */
#include "guest.h"

void guest_main(void)
{
	struct desc_ptr empty = { 0, 0 };

	if (this_vp() != 0)
		return;
	printf("crash guest: loading an empty IDT and faulting\n");
	lidt(&empty);
	ud2();
	GUEST_FAIL("still running after a triple fault");
}
