/* SPDX-License-Identifier: MIT */
/*
 * 256 interrupt stubs, 16 bytes apart starting at guest_isr_stubs. Each
 * pushes a zero error code when the CPU does not, then its vector, and
 * joins the common path, which saves the GPRs as a struct ex_regs and calls
 * guest_exception_dispatch(regs). Everything runs at CPL 0, so no swapgs.
 */
	.text
	/* The common path first, so the stubs' jumps have a known size. */
	.balign 16
isr_common:
	/* 7 frame words + 15 GPRs = 176 bytes: RSP stays 16-byte aligned. */
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rbp
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
	movq %rsp, %rdi
	cld
	call guest_exception_dispatch
	popq %rax
	popq %rbx
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	popq %rbp
	popq %r8
	popq %r9
	popq %r10
	popq %r11
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	addq $16, %rsp                  /* vector and error code */
	iretq


	.balign 16
	.globl guest_isr_stubs
guest_isr_stubs:
	vector = 0
	.rept 256
	.balign 16
1:
	.if vector == 8 || vector == 10 || vector == 11 || vector == 12 || vector == 13 || vector == 14 || vector == 17 || vector == 21 || vector == 29 || vector == 30
	.else
	pushq $0
	.endif
	pushq $vector
	.byte 0xe9                      /* jmp rel32: fixed size, for the check */
	.long isr_common - (. + 4)
	.if . - 1b > 16
	.error "interrupt stub longer than 16 bytes"
	.endif
	vector = vector + 1
	.endr

	.section .note.GNU-stack, "", @progbits
