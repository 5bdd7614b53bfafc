// SPDX-License-Identifier: MIT
/* Never finishes: the VMM's --timeout must end it (exit 124). */
#include "guest.h"

void guest_main(void)
{
	if (this_vp() != 0)
		return;
	printf("spin guest: spinning forever\n");
	GUEST_SYNC(1);
	for (;;)
		cpu_relax();
}
