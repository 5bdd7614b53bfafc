// SPDX-License-Identifier: MIT
/*
 * An unexpected exception, reported by the runtime's default handler as
 * TESTDEV_EXCEPTION (exit 1). Command line selects which:
 *   (none) or "ud": ud2            -> vector 6 (#UD), RIP of the ud2
 *   "pf":           read 256 GiB   -> vector 14 (#PF), error code 0, cr2 in msg
 */
#include "guest.h"

#define UNMAPPED_GPA 0x4000000000ull /* 256 GiB: above any identity map we get */

__attribute__((noinline)) static void do_ud(void)
{
	__asm__ volatile(".globl exception_ud_rip\n"
			 "exception_ud_rip:\n\t"
			 "ud2" ::: "memory");
}

void guest_main(void)
{
	if (this_vp() != 0)
		return;
	if (guest_cmdline_has("pf")) {
		printf("exception guest: reading 0x%llx, expect #PF\n", UNMAPPED_GPA);
		(void)*(volatile uint64_t *)(uintptr_t)UNMAPPED_GPA;
	} else {
		extern char exception_ud_rip[];

		printf("exception guest: ud2 at %p, expect #UD\n", (void *)exception_ud_rip);
		do_ud();
	}
	GUEST_FAIL("the exception did not happen");
}
