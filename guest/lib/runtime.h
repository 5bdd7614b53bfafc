/* SPDX-License-Identifier: MIT */
/* Runtime internals shared by the C files of lib/ and the offsets its assembly relies on. */
#ifndef SYNVMM_GUEST_RUNTIME_H
#define SYNVMM_GUEST_RUNTIME_H

/* struct guest_vp offsets used from assembly (checked in runtime.c). */
#define VP_SELF 0
#define VP_INDEX 8
#define VP_CATCH_ARMED 12
#define VP_CATCH_JMPBUF 16 /* rbx rbp r12 r13 r14 r15 rsp rip */

#ifndef __ASSEMBLER__
#include "guest.h"

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

#define GDT_ENTRIES 8

struct guest_vp {
	struct guest_vp *self;           /* VP_SELF: what GS base points at */
	uint32_t index;                  /* VP_INDEX */
	uint32_t catch_armed;            /* VP_CATCH_ARMED */
	uint64_t catch_jmpbuf[8];        /* VP_CATCH_JMPBUF */
	uint64_t entry_rsi;
	struct guest_exception last_exception;
	uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
	struct tss64 tss __attribute__((aligned(16)));
	/* The VMM reads this one: it must stay below 4 GiB (it is, at ~1 MiB). */
	struct testdev_msg msg __attribute__((aligned(64)));
} __attribute__((aligned(64)));

struct guest_vp *this_vp_data(void);
void guest_exception_dispatch(struct ex_regs *regs);
__attribute__((noreturn)) void guest_runtime_start(const struct bootinfo *bi, uint64_t rsi);

extern char guest_isr_stubs[]; /* 256 stubs, 16 bytes apart (isr.S) */
extern char guest_stacks[];    /* GUEST_MAX_VPS * GUEST_STACK_SIZE (entry.S) */
extern char guest_ist_stacks[];
#endif

#endif
