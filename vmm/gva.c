// SPDX-License-Identifier: MIT
#include "gva.h"

#include <errno.h>
#include <string.h>

#define CR0_PG    (1ull << 31)
#define CR4_PAE   (1ull << 5)
#define CR4_LA57  (1ull << 12)
#define EFER_LMA  (1ull << 10)
#define PTE_P     (1ull << 0)
#define PTE_PS    (1ull << 7)
#define PTE_ADDR  0x000ffffffffff000ull

static int read_entry(const struct guest_ram *ram, uint64_t table, unsigned int index,
		      uint64_t *entry)
{
	const void *p = guest_ram_ptr(ram, table + index * 8ull, 8);

	if (!p)
		return -EFAULT;
	memcpy(entry, p, 8);
	return (*entry & PTE_P) ? 0 : -EFAULT;
}

/* 4-level long-mode walk; 1 GiB and 2 MiB pages end it early. */
static int walk_4level(const struct guest_ram *ram, uint64_t cr3, uint64_t gva, uint64_t *gpa)
{
	uint64_t table = cr3 & PTE_ADDR, entry = 0;

	for (int level = 3; level >= 0; level--) {
		unsigned int shift = 12 + 9 * (unsigned int)level;
		int ret = read_entry(ram, table, (unsigned int)(gva >> shift) & 511, &entry);

		if (ret < 0)
			return ret;
		if (level == 0 || ((level == 1 || level == 2) && (entry & PTE_PS))) {
			uint64_t mask = (1ull << shift) - 1;

			*gpa = (entry & PTE_ADDR & ~mask) | (gva & mask);
			return 0;
		}
		table = entry & PTE_ADDR;
	}
	return -EFAULT; /* not reached */
}

int gva_to_gpa(const struct guest_ram *ram, const struct gva_regs *r, uint64_t gva,
	       uint64_t *gpa)
{
	if (!(r->cr0 & CR0_PG)) {
		*gpa = gva;
		return 0;
	}
	if (!(r->efer & EFER_LMA) || !(r->cr4 & CR4_PAE) || (r->cr4 & CR4_LA57))
		return -ENOTSUP;
	return walk_4level(ram, r->cr3, gva, gpa);
}
