/* SPDX-License-Identifier: MIT */
/*
 * Entry on every VP: 64-bit mode, paging on, RDI = bootinfo, RSI = VP index,
 * RSP = 0, interrupts off. VP 0 comes here from the VMM; the others from the
 * AP trampoline (smpboot.S) after VP 0's INIT/SIPI, with RSI = their APIC ID.
 * Pick this VP's stack from guest_stacks by RSI and go to C. A VP index we
 * have no stack for cannot report: it halts.
 */
#include "runtime.h"

#define GUEST_MAX_VPS 64
#define GUEST_STACK_SIZE 16384
#define GUEST_IST_SIZE 4096

	.section .text.entry, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	cli
	cld
	cmpq $GUEST_MAX_VPS, %rsi
	jae 1f
	movq %rsi, %rax
	incq %rax
	shlq $14, %rax                  /* (index + 1) * GUEST_STACK_SIZE */
	leaq guest_stacks(%rip), %rsp
	addq %rax, %rsp                 /* top of this VP's stack, 16-aligned */
	xorl %ebp, %ebp
	call guest_runtime_start        /* (bootinfo, rsi); does not return */
1:	cli
	hlt
	jmp 1b
	.size _start, . - _start

	/* guest_catch: setjmp-like; see guest.h. */
	.text
	.globl guest_catch
	.type guest_catch, @function
guest_catch:
	movq %rbx, %gs:(VP_CATCH_JMPBUF + 0)
	movq %rbp, %gs:(VP_CATCH_JMPBUF + 8)
	movq %r12, %gs:(VP_CATCH_JMPBUF + 16)
	movq %r13, %gs:(VP_CATCH_JMPBUF + 24)
	movq %r14, %gs:(VP_CATCH_JMPBUF + 32)
	movq %r15, %gs:(VP_CATCH_JMPBUF + 40)
	leaq 8(%rsp), %rax              /* RSP after our return */
	movq %rax, %gs:(VP_CATCH_JMPBUF + 48)
	movq (%rsp), %rax               /* our return address */
	movq %rax, %gs:(VP_CATCH_JMPBUF + 56)
	movl $1, %gs:VP_CATCH_ARMED
	xorl %eax, %eax
	ret
	.size guest_catch, . - guest_catch

	/* Stacks: not in .bss, so the runtime's own .bss clearing skips them. */
	.section .guest_stacks, "aw", @nobits
	.balign 4096
	.globl guest_stacks
guest_stacks:
	.skip GUEST_MAX_VPS * GUEST_STACK_SIZE
	.globl guest_ist_stacks
guest_ist_stacks:
	.skip GUEST_MAX_VPS * GUEST_IST_SIZE

	.section .note.GNU-stack, "", @progbits
