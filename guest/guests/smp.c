// SPDX-License-Identifier: MIT
/* Every VP checks in on a shared counter; VP 0 waits for all, then done. */
#include "guest.h"

static uint32_t arrived;

void guest_main(void)
{
	uint32_t n = guest_nr_cpus();

	__atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
	if (this_vp() != 0)
		return;
	GUEST_WAIT_UNTIL(__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) == n);
	printf("smp guest: %u VPs arrived\n", n);
	GUEST_VALUE("vps", n);
	guest_done();
}
