/* SPDX-License-Identifier: MIT */
/*
 * The AP trampoline: real mode -> protected mode -> long mode -> _start.
 *
 * This is an image, not code that runs where it is linked: VP 0 copies
 * [guest_ap_trampoline, guest_ap_trampoline_end) to AP_TRAMPOLINE_BASE and
 * fills the data block (lib/smp.c). A STARTUP IPI with vector
 * AP_TRAMPOLINE_VECTOR starts an AP at CS:IP = 0x7000:0000 (CS base
 * 0x70000), interrupts off, paging off. Every address below is therefore
 * AP_TRAMPOLINE_BASE + (label - guest_ap_trampoline). Few instructions on
 * purpose: CPL 0 code may be emulated at ~1 us per instruction.
 */
#include "smp.h"

#define TADDR(sym) (AP_TRAMPOLINE_BASE + ((sym) - guest_ap_trampoline))

#define EFER_MSR 0xc0000080

/* Selectors of the trampoline's own GDT. */
#define T_CODE32 0x08
#define T_DATA 0x10
#define T_CODE64 0x18

	.section .rodata.ap_trampoline, "a", @progbits
	.balign 16
	.globl guest_ap_trampoline
guest_ap_trampoline:
	.code16
	cli
	lgdtl %cs:(tramp_gdtr - guest_ap_trampoline)
	movl %cr0, %eax
	orl $1, %eax                    /* CR0.PE */
	movl %eax, %cr0
	ljmpl $T_CODE32, $TADDR(tramp_pm32)

	.code32
tramp_pm32:
	movl $T_DATA, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl TADDR(guest_ap_trampoline_data) + APTD_CR4, %eax
	movl %eax, %cr4                 /* PAE (and what VP 0 has) */
	movl TADDR(guest_ap_trampoline_data) + APTD_CR3, %eax
	movl %eax, %cr3
	movl $EFER_MSR, %ecx
	movl TADDR(guest_ap_trampoline_data) + APTD_EFER, %eax
	xorl %edx, %edx
	wrmsr                           /* EFER.LME */
	movl TADDR(guest_ap_trampoline_data) + APTD_CR0, %eax
	movl %eax, %cr0                 /* CR0.PG: long mode is active */
	ljmpl $T_CODE64, $TADDR(tramp_lm64)

	.code64
tramp_lm64:
	movl $0xfee00020, %eax          /* xAPIC ID register */
	movl (%rax), %esi
	shrl $24, %esi                  /* RSI = APIC ID = VP index */
	movq TADDR(guest_ap_trampoline_data) + APTD_BOOTINFO, %rdi
	jmpq *TADDR(guest_ap_trampoline_data) + APTD_ENTRY

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: code, 32-bit, flat */
	.quad 0x00cf92000000ffff        /* 0x10: data, flat */
	.quad 0x00af9a000000ffff        /* 0x18: code, 64-bit */
tramp_gdt_end:
	.balign 4
tramp_gdtr:
	.word tramp_gdt_end - tramp_gdt - 1
	.long TADDR(tramp_gdt)

	.balign 8
	.globl guest_ap_trampoline_data
guest_ap_trampoline_data:
	.skip APTD_SIZE                 /* struct ap_trampoline_data, VP 0 fills it */
	.globl guest_ap_trampoline_end
guest_ap_trampoline_end:

	.section .note.GNU-stack, "", @progbits
