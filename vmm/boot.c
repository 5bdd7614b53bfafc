// SPDX-License-Identifier: MIT
#include "boot.h"
#include "testdev_abi.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/kvm.h>
#include <string.h>

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull /* user-accessible, so guests can test CPL3 */
#define PTE_PS 0x80ull
#define GIB (1ull << 30)
#define MIB2 (2ull << 20)

#define CR0_PE 0x1ull
#define CR0_MP 0x2ull
#define CR0_ET 0x10ull
#define CR0_NE 0x20ull
#define CR0_WP 0x10000ull
#define CR0_PG 0x80000000ull
#define CR4_PAE 0x20ull
#define CR4_OSFXSR 0x200ull
#define CR4_OSXMMEXCPT 0x400ull
#define EFER_LME 0x100ull
#define EFER_LMA 0x400ull

_Static_assert(BOOT_PD_GPA + 32 * 0x1000 <= GUEST_RESERVED_END,
	       "page tables for 32 GiB fit in the reserved low memory");

uint64_t boot_mapped_gib(uint64_t ram_size)
{
	uint64_t gib = (ram_size + GIB - 1) / GIB;

	return gib < 4 ? 4 : gib;
}

static void write_page_tables(const struct guest_ram *ram)
{
	uint64_t gib = boot_mapped_gib(ram->size);
	uint64_t *pml4 = guest_ram_ptr(ram, BOOT_PML4_GPA, 4096);
	uint64_t *pdpt = guest_ram_ptr(ram, BOOT_PDPT_GPA, 4096);

	memset(pml4, 0, 4096);
	memset(pdpt, 0, 4096);
	pml4[0] = BOOT_PDPT_GPA | PTE_P | PTE_RW | PTE_US;
	for (uint64_t g = 0; g < gib; g++) {
		uint64_t *pd = guest_ram_ptr(ram, BOOT_PD_GPA + g * 4096, 4096);

		pdpt[g] = (BOOT_PD_GPA + g * 4096) | PTE_P | PTE_RW | PTE_US;
		for (uint64_t i = 0; i < 512; i++)
			pd[i] = (g * GIB + i * MIB2) | PTE_P | PTE_RW | PTE_US | PTE_PS;
	}
}

static uint64_t tss_descriptor_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffffull) | ((base & 0xffffffull) << 16) |
	       (0x89ull << 40) /* present, 64-bit TSS available */ |
	       ((uint64_t)(limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
}

static void write_gdt(const struct guest_ram *ram)
{
	uint64_t *gdt = guest_ram_ptr(ram, BOOT_GDT_GPA, 5 * 8);

	gdt[0] = 0;
	gdt[1] = 0x00af9b000000ffffull; /* 0x08: 64-bit code, DPL0 */
	gdt[2] = 0x00cf93000000ffffull; /* 0x10: data, DPL0 */
	gdt[3] = tss_descriptor_low(BOOT_TSS_GPA, 0x67);
	gdt[4] = BOOT_TSS_GPA >> 32;
	memset(guest_ram_ptr(ram, BOOT_TSS_GPA, 0x68), 0, 0x68);
}

int boot_write_tables(const struct guest_ram *ram, unsigned int nr_cpus,
		      const char *cmdline)
{
	size_t len = strlen(cmdline);
	struct bootinfo *bi;

	if (ram->size < GUEST_LOAD_MIN + MIB2 / 2)
		return -EINVAL;
	if (len >= BOOTINFO_CMDLINE_MAX)
		return -E2BIG;
	write_gdt(ram);
	write_page_tables(ram);
	memcpy(guest_ram_ptr(ram, BOOT_CMDLINE_GPA, len + 1), cmdline, len + 1);
	bi = guest_ram_ptr(ram, BOOT_INFO_GPA, sizeof(*bi));
	*bi = (struct bootinfo){
		.magic = BOOTINFO_MAGIC,
		.version = 1,
		.nr_cpus = nr_cpus,
		.ram_size = ram->size,
		.cmdline_gpa = BOOT_CMDLINE_GPA,
		.cmdline_len = (uint32_t)len,
	};
	return 0;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type, bool code)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code ? 0 : 1,
		.s = 1,
		.l = code ? 1 : 0,
		.g = 1,
	};
}

void boot_vcpu_state(struct kvm_sregs *sregs, struct kvm_regs *regs,
		     uint64_t entry, unsigned int vp)
{
	struct kvm_segment data = flat_segment(BOOT_SEL_DATA, 3, false);

	sregs->cs = flat_segment(BOOT_SEL_CODE64, 11, true);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr = (struct kvm_segment){
		.base = BOOT_TSS_GPA, .limit = 0x67, .selector = BOOT_SEL_TSS,
		.type = 11, .present = 1,
	};
	sregs->ldt = (struct kvm_segment){ .type = 2, .present = 1, .limit = 0xffff,
					   .unusable = 1 };
	sregs->gdt.base = BOOT_GDT_GPA;
	sregs->gdt.limit = 5 * 8 - 1;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
	sregs->cr3 = BOOT_PML4_GPA;
	sregs->cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs->efer = EFER_LME | EFER_LMA;

	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rdi = BOOT_INFO_GPA;
	regs->rsi = vp;
	regs->rflags = 0x2;
}

static struct kvm_segment real_segment(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = (uint64_t)selector << 4,
		.limit = 0xffff,
		.selector = selector,
		.type = type,
		.present = 1,
		.s = 1,
	};
}

void boot_sipi_state(struct kvm_sregs *sregs, struct kvm_regs *regs, uint8_t vector,
		     uint32_t signature)
{
	struct kvm_segment data = real_segment(0, 3);

	sregs->cs = real_segment((uint16_t)(vector << 8), 11);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr = (struct kvm_segment){ .limit = 0xffff, .type = 11, .present = 1 };
	sregs->ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .present = 1 };
	sregs->gdt.base = sregs->idt.base = 0;
	sregs->gdt.limit = sregs->idt.limit = 0xffff;
	sregs->cr0 = 0x60000010; /* CD, NW, ET */
	sregs->cr2 = sregs->cr3 = sregs->cr4 = 0;
	sregs->efer = 0;
	memset(sregs->interrupt_bitmap, 0, sizeof(sregs->interrupt_bitmap));

	memset(regs, 0, sizeof(*regs));
	regs->rip = 0;
	regs->rdx = signature;
	regs->rflags = 0x2;
}
