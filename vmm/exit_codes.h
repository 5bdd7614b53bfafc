/* SPDX-License-Identifier: MIT */
/* synvmm's process exit codes; docs/exit-codes.md is their user-facing list. */
#ifndef SYNVMM_EXIT_CODES_H
#define SYNVMM_EXIT_CODES_H

enum synvmm_exit {
	EXIT_GUEST_PASSED = 0,
	EXIT_GUEST_FAILED = 1,
	EXIT_USAGE = 2,     /* bad option, unreadable or invalid ELF */
	EXIT_VMM_ERROR = 3, /* VMM or KVM error, guest crash */
	EXIT_SKIP = 77,     /* no /dev/kvm, or the guest asked to skip */
	EXIT_TIMEOUT = 124,
};

#endif
