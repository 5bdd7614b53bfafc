// SPDX-License-Identifier: MIT
/*
 * A deliberately failing GUEST_ASSERT_EQ: the VMM must print
 * "assertion failed at guest/guests/assert.c:<line>: answer == 42 (a=0x29, b=0x2a)"
 * and exit 1.
 */
#include "guest.h"

void guest_main(void)
{
	volatile int answer = 41;

	if (this_vp() != 0)
		return;
	printf("assert guest: about to fail GUEST_ASSERT_EQ(answer, 42)\n");
	GUEST_ASSERT_EQ(answer, 42); /* ASSERT_LINE: tests/kvm greps this line number */
	GUEST_FAIL("GUEST_ASSERT_EQ did not stop the guest");
}
