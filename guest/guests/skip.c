// SPDX-License-Identifier: MIT
/* Reports SKIP: the VMM exits 77. */
#include "guest.h"

void guest_main(void)
{
	if (this_vp() != 0)
		return;
	GUEST_SKIP("skip guest: nothing to test here");
}
