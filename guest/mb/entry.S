/* SPDX-License-Identifier: MIT */
/*
 * The multiboot test guest's entry. The loader starts it as the Multiboot
 * specification says: 32-bit flat protected mode, paging off, IF = 0,
 * EAX = 0x2BADB002, EBX = the information block. It builds its own page
 * tables (4 GiB identity map, 2 MiB pages, so the xAPIC page is mapped),
 * its own GDT, enters long mode and calls mb_main(eax, ebx) in C.
 *
 * Secondary CPUs: mb_install_trampoline() copies a real-mode stub to
 * physical page 0 (SIPI vector 0, as kvm-unit-tests does). A started CPU
 * goes to 32-bit protected mode, sets its APIC ID's bit in mb_ap_mask and
 * halts with interrupts off.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x2 /* memory information, please */
#define MSR_EFER 0xc0000080
#define APIC_ID_REG 0xfee00020

	.section .mb_header, "a"
	.balign 4
	.globl mb_header
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	.section .text.entry, "ax", @progbits
	.code32
	.globl mb_start
mb_start:
	movl $stack_top, %esp
	movl %eax, %edi                 /* mb_main's arguments, kept in */
	movl %ebx, %esi                 /* registers long mode preserves */
	call hv32_probe
	call build_page_tables
	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $0x20, %eax                 /* PAE */
	movl %eax, %cr4
	movl $MSR_EFER, %ecx
	rdmsr
	orl $0x100, %eax                /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax           /* PG, PE */
	movl %eax, %cr0
	lgdt gdt64_desc
	ljmp $0x08, $start64

/*
 * The 32-bit hypercall convention, while still in 32-bit protected mode:
 * on a Hyper-V CPU, enable a hypercall page and make three fast
 * HvCallSignalEvent calls through it (control EDX:EAX, input EBX:ECX =
 * FlagNumber:ConnectionId); keep each result (EDX:EAX) and whether ECX,
 * EBX, ESI, EDI and EBP came back unchanged, for mb_main to judge (hv32=1).
 * Run with a connection 0x13 to a one-flag event port on VP 0, SynIC off:
 *   conn 0x13 flag 0 -> INVALID_SYNIC_STATE (the connection came from ECX)
 *   conn 0x13 flag 5 -> INVALID_PARAMETER   (the flag came from EBX)
 *   conn 0x99 flag 0 -> INVALID_CONNECTION_ID
 */
hv32_probe:
	pushl %edi
	pushl %esi
	pushl %ebx
	pushl %ebp
	movl $0x40000000, %eax
	cpuid
	cmpl $0x7263694d, %ebx          /* "Micr" */
	jne 9f
	movl $0x40000000, %ecx          /* GUEST_OS_ID */
	xorl %eax, %eax
	movl $0x10000, %edx
	wrmsr
	movl $0x40000001, %ecx          /* HYPERCALL: on, at hv32_page */
	movl $hv32_page + 1, %eax
	xorl %edx, %edx
	wrmsr
	movl $0x13, %ecx
	xorl %ebx, %ebx
	call hv32_call
	movl %eax, hv32_result
	movl %edx, hv32_result + 4
	movl $0x13, %ecx
	movl $5, %ebx
	call hv32_call
	movl %eax, hv32_result + 8
	movl %edx, hv32_result + 12
	movl $0x99, %ecx
	xorl %ebx, %ebx
	call hv32_call
	movl %eax, hv32_result + 16
	movl %edx, hv32_result + 20
	movl $1, hv32_ran
9:	popl %ebp
	popl %ebx
	popl %esi
	popl %edi
	ret

/* One call: ECX = connection, EBX = flag; EDX:EAX = the result. A register
 * the call changed (other than EDX:EAX) clears hv32_regs_ok. */
hv32_call:
	movl %ecx, hv32_saved
	movl %ebx, hv32_saved + 4
	movl $0x1005d, %eax             /* HvCallSignalEvent, fast */
	xorl %edx, %edx
	movl $0x51515151, %esi
	movl $0xd1d1d1d1, %edi
	movl $0xb0b0b0b0, %ebp
	call hv32_page
	cmpl hv32_saved, %ecx
	jne 1f
	cmpl hv32_saved + 4, %ebx
	jne 1f
	cmpl $0x51515151, %esi
	jne 1f
	cmpl $0xd1d1d1d1, %edi
	jne 1f
	cmpl $0xb0b0b0b0, %ebp
	je 2f
1:	movl $0, hv32_regs_ok
2:	ret

/* pml4[0] -> pdpt, pdpt[0..3] -> pd[0..3], pd: 2048 2 MiB pages. */
build_page_tables:
	movl $pdpt + 3, pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $pd + 3, %eax
	movl %eax, pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jb 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax                 /* present, writable, 2 MiB */
	movl %eax, pd(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jb 2b
	ret

	.code64
start64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq $stack_top, %rsp
	call mb_main                    /* (magic, info); does not return */
3:	cli
	hlt
	jmp 3b

/* Copies the SIPI stub to physical 0 (identity-mapped). */
	.globl mb_install_trampoline
mb_install_trampoline:
	cld
	leaq sipi_entry(%rip), %rsi
	xorl %edi, %edi
	movl $(sipi_end - sipi_entry), %ecx
	rep movsb
	ret

	.code16
sipi_entry:
	cli
	lgdtl gdt32_desc - sipi_entry   /* DS = 0 and the stub at 0: offset = address */
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl $0x08, $ap_start32
gdt32_desc:
	.word gdt32_end - gdt32 - 1
	.long gdt32
sipi_end:

/*
 * hvreal=1: a CPU in real mode calls the hypercall page. mb_main puts the
 * page at physical 0x2000 and this stub at 0x1000 (SIPI vector 1: CS =
 * 0x100), so one 64 KiB segment holds both and the page's near `ret` would
 * come back here. A hypercall from real mode must raise #UD: the handler
 * installed in IVT[6] writes 0x55 at physical 0x1ffc; a return from the
 * call writes 0xaa instead.
 */
	.globl mb_install_realmode_stub
	.code64
mb_install_realmode_stub:
	cld
	leaq rm_entry(%rip), %rsi
	movl $0x1000, %edi
	movl $(rm_end - rm_entry), %ecx
	rep movsb
	ret

	.code16
rm_entry:
	cli
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %ss
	movw $0x0ff0, %sp
	movw $(rm_ud - rm_entry), 0x18  /* IVT[6] = 0x0100:rm_ud */
	movw $0x0100, 0x1a
	movw $0x1000, %ax               /* the hypercall page: 0x100:0x1000 */
	call *%ax
	movb $0xaa, 0x1ffc               /* it returned: no #UD */
	jmp 5f
rm_ud:
	movb $0x55, 0x1ffc
5:	cli
	hlt
	jmp 5b
rm_end:

	.code32
ap_start32:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl APIC_ID_REG, %eax
	shrl $24, %eax
	lock btsl %eax, mb_ap_mask
4:	cli
	hlt
	jmp 4b

	.data
	.balign 8
gdt64:
	.quad 0
	.quad 0x00af9b000000ffff        /* 0x08: 64-bit code */
	.quad 0x00cf93000000ffff        /* 0x10: data */
gdt64_end:
gdt64_desc:
	.word gdt64_end - gdt64 - 1
	.quad gdt64
	.balign 8
gdt32:
	.quad 0
	.quad 0x00cf9b000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf93000000ffff        /* 0x10: data */
gdt32_end:
	.balign 4
	.globl mb_ap_mask
mb_ap_mask:
	.long 0
	.globl hv32_ran, hv32_result, hv32_regs_ok
hv32_ran:
	.long 0
hv32_regs_ok:
	.long 1
hv32_saved:
	.long 0, 0
hv32_result:
	.long 0, 0, 0, 0, 0, 0

	.section .bss.pagetables, "aw", @nobits
	.balign 4096
hv32_page:
	.skip 4096
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4 * 4096
	.balign 16
	.skip 16384
stack_top:

	.section .note.GNU-stack, "", @progbits
