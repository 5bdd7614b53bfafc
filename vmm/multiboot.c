// SPDX-License-Identifier: MIT
#include "multiboot.h"
#include "errfmt.h"
#include "kvm.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define LOWER_MEM_END 0xa0000ull   /* 640 KiB: conventional memory */
#define UPPER_MEM_START 0x100000ull
#define APIC_PAGE 0xfee00000ull    /* upper memory stops at the local APIC */
#define FOUR_GIB (1ull << 32)
#define MB_HEADER_LEN 12
#define LOADER_NAME "synvmm"

/* A refused input: one line in err, and -ENOEXEC. */
#define bad(...) errfmt(-ENOEXEC, __VA_ARGS__)

static uint32_t le32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* What the loader cannot give: the required bits (0-15) it does not know,
 * or ones it knows and refuses, and the a.out kludge. */
static int check_flags(uint32_t flags, size_t off, char *err, size_t errlen)
{
	uint32_t unknown = flags & 0xffffu & ~(MB_FLAG_PAGE_ALIGN | MB_FLAG_MEMORY_INFO |
					       MB_FLAG_VIDEO_MODE);

	if (flags & MB_FLAG_VIDEO_MODE)
		return bad(err, errlen,
			   "its multiboot header (at 0x%zx) asks for a video mode (flag 2); synvmm has no display",
			   off);
	if (unknown)
		return bad(err, errlen,
			   "its multiboot header (at 0x%zx) requires feature bit %d, which synvmm does not know",
			   off, __builtin_ctz(unknown));
	if (flags & MB_FLAG_ADDRESSES)
		return bad(err, errlen,
			   "its multiboot header (at 0x%zx) gives load addresses (flag 16, the a.out kludge); synvmm loads multiboot images by their ELF program headers only",
			   off);
	return 0;
}

int multiboot_find(const void *file, size_t size, uint32_t *flags, char *err, size_t errlen)
{
	const uint8_t *p = file;
	size_t end = size < MB_SEARCH_BYTES ? size : MB_SEARCH_BYTES;
	bool bad_sum = false;
	size_t bad_off = 0;

	for (size_t off = 0; off + MB_HEADER_LEN <= end; off += 4) {
		uint32_t magic = le32_at(p + off), f = le32_at(p + off + 4);

		if (magic != MB_HEADER_MAGIC)
			continue;
		if ((uint32_t)(magic + f + le32_at(p + off + 8)) != 0) {
			if (!bad_sum)
				bad_off = off;
			bad_sum = true;
			continue; /* as GRUB: a later header may be the real one */
		}
		*flags = f;
		return check_flags(f, off, err, errlen);
	}
	if (bad_sum)
		return bad(err, errlen, "its multiboot header (at 0x%zx) has a bad checksum", bad_off);
	return -ENOENT;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Available RAM: conventional memory, 1 MiB up to the APIC page, and what
 * lies above 4 GiB. Returns the number of entries written. */
static uint32_t write_mmap(const struct guest_ram *ram, struct mb_mmap_entry *e)
{
	uint32_t n = 0;

	e[n++] = (struct mb_mmap_entry){ 20, 0, LOWER_MEM_END, 1 };
	e[n++] = (struct mb_mmap_entry){ 20, UPPER_MEM_START,
					 min_u64(ram->size, APIC_PAGE) - UPPER_MEM_START, 1 };
	if (ram->size > FOUR_GIB)
		e[n++] = (struct mb_mmap_entry){ 20, FOUR_GIB, ram->size - FOUR_GIB, 1 };
	return n;
}

static void write_gdt(const struct guest_ram *ram)
{
	uint64_t *gdt = guest_ram_ptr(ram, MB_GDT_GPA, 3 * 8);

	gdt[0] = 0;
	gdt[1] = 0x00cf9b000000ffffull; /* 0x08: flat 32-bit code */
	gdt[2] = 0x00cf93000000ffffull; /* 0x10: flat data */
}

int multiboot_write_info(const struct guest_ram *ram, const char *kernel, const char *append)
{
	size_t klen = strlen(kernel), alen = strlen(append);
	struct mb_mmap_entry *mmap = guest_ram_ptr(ram, MB_MMAP_GPA, 3 * sizeof(*mmap));
	struct mb_info *mbi = guest_ram_ptr(ram, MB_INFO_GPA, sizeof(*mbi));
	char *cmdline = guest_ram_ptr(ram, MB_CMDLINE_GPA, MB_CMDLINE_MAX);
	uint32_t nmmap;

	if (!mmap || !mbi || !cmdline || ram->size < 2 * UPPER_MEM_START)
		return -EINVAL;
	if (klen + 1 + alen + 1 > MB_CMDLINE_MAX)
		return -E2BIG;
	snprintf(cmdline, MB_CMDLINE_MAX, "%s %s", kernel, append);
	memcpy(guest_ram_ptr(ram, MB_LOADER_NAME_GPA, sizeof(LOADER_NAME)), LOADER_NAME,
	       sizeof(LOADER_NAME));
	write_gdt(ram);
	nmmap = write_mmap(ram, mmap);
	*mbi = (struct mb_info){
		.flags = MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME,
		.mem_lower = (uint32_t)(LOWER_MEM_END >> 10),
		.mem_upper = (uint32_t)((min_u64(ram->size, APIC_PAGE) - UPPER_MEM_START) >> 10),
		.cmdline = (uint32_t)MB_CMDLINE_GPA,
		.mods_count = 0,
		.mods_addr = 0,
		.mmap_length = nmmap * (uint32_t)sizeof(*mmap),
		.mmap_addr = (uint32_t)MB_MMAP_GPA,
		.boot_loader_name = (uint32_t)MB_LOADER_NAME_GPA,
	};
	return 0;
}

static struct kvm_segment flat32(uint16_t selector, uint8_t type)
{
	return (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

void multiboot_vcpu_state(struct kvm_sregs *sregs, struct kvm_regs *regs, uint32_t entry)
{
	struct kvm_segment data = flat32(MB_SEL_DATA, 3);

	sregs->cs = flat32(MB_SEL_CODE32, 11);
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	sregs->tr = (struct kvm_segment){ .limit = 0xffff, .type = 11, .present = 1 };
	sregs->ldt = (struct kvm_segment){ .limit = 0xffff, .type = 2, .present = 1,
					   .unusable = 1 };
	sregs->gdt.base = MB_GDT_GPA;
	sregs->gdt.limit = 3 * 8 - 1;
	sregs->idt.base = 0;
	sregs->idt.limit = 0;
	sregs->cr0 = 0x11; /* PE, ET: protected mode, paging off */
	sregs->cr2 = sregs->cr3 = sregs->cr4 = 0;
	sregs->efer = 0;

	memset(regs, 0, sizeof(*regs));
	regs->rip = entry;
	regs->rax = MB_BOOT_MAGIC;
	regs->rbx = MB_INFO_GPA;
	regs->rflags = 0x2; /* IF = 0, VM = 0 */
}

int multiboot_enter(int vcpu_fd, uint32_t entry)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int ret = kvm_ioctl(vcpu_fd, KVM_GET_SREGS, &sregs);

	if (ret < 0)
		return ret;
	multiboot_vcpu_state(&sregs, &regs, entry);
	ret = kvm_ioctl(vcpu_fd, KVM_SET_SREGS, &sregs);
	return ret < 0 ? ret : kvm_ioctl(vcpu_fd, KVM_SET_REGS, &regs);
}
