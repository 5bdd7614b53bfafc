/* SPDX-License-Identifier: MIT */
/*
 * The legacy 8259 PICs' ports (master 0x20-0x21, slave 0xA0-0xA1), present
 * only so that PC guests which mask them (kvm-unit-tests writes 0xFF to
 * 0x21 and 0xA1 at start-up) run under --strict-io too. synvmm delivers
 * interrupts through the local APIC only: writes (ICWs, OCWs, masks) are
 * accepted and ignored; a read of the command port says nothing is pending
 * or in service (0), a read of the data port says every line is masked (0xFF),
 * which is what this PIC does.
 */
#ifndef SYNVMM_PIC_H
#define SYNVMM_PIC_H

#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE 0xa0
#define PIC_NR_PORTS 2

/* An iobus handler for either PIC's two ports; dev is unused (NULL). */
int pic_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	   unsigned int len, bool is_write);

#endif
