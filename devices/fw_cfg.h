/* SPDX-License-Identifier: MIT */
/*
 * QEMU's firmware configuration device, traditional port-I/O interface
 * (QEMU docs/specs/fw_cfg.rst): a 16-bit little-endian write of a key to
 * the selector port (FW_CFG_PORT_SEL, 0x510) selects an item and rewinds
 * it; each 8-bit read of the data port (0x511) returns the item's next byte,
 * 0 past its end or for a key with no item. Integers are little-endian.
 * Items: SIGNATURE "QEMU", ID (bit 0: traditional interface; no DMA),
 * RAM_SIZE (u64), NB_CPUS and MAX_CPUS (u16), an empty FILE_DIR. Writes
 * to the data port are ignored, as in QEMU since 2.4.
 *
 * The selector and offset are shared by every vCPU (a guest serialises its
 * own use, as kvm-unit-tests does with a lock); a mutex keeps the device
 * itself consistent whatever the guest does.
 */
#ifndef SYNVMM_FW_CFG_H
#define SYNVMM_FW_CFG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_NR_PORTS 2

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05
#define FW_CFG_MAX_CPUS 0x0f
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_WRITE_CHANNEL 0x4000 /* key bit: ignored, writes are dropped */
#define FW_CFG_ARCH_LOCAL 0x8000    /* key bit: x86 items; none here */

#define FW_CFG_ID_TRADITIONAL 0x1

struct fw_cfg_item {
	uint16_t key;
	uint8_t len;
	uint8_t data[8];
};

#define FW_CFG_NR_ITEMS 6

struct fw_cfg {
	struct fw_cfg_item items[FW_CFG_NR_ITEMS];
	pthread_mutex_t lock;
	const struct fw_cfg_item *cur; /* NULL: no item selected */
	uint32_t offset;               /* next byte of *cur */
};

void fw_cfg_init(struct fw_cfg *fc, uint64_t ram_size, uint16_t nb_cpus,
		 uint16_t max_cpus);
void fw_cfg_destroy(struct fw_cfg *fc);
/* An iobus handler for the two ports at FW_CFG_PORT_SEL. */
int fw_cfg_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	      unsigned int len, bool is_write);

#endif
