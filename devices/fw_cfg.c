// SPDX-License-Identifier: MIT
#include "fw_cfg.h"
#include "iobus.h"

#include <string.h>

static struct fw_cfg_item le_item(uint16_t key, uint64_t value, uint8_t len)
{
	struct fw_cfg_item it = { .key = key, .len = len };

	for (uint8_t i = 0; i < len; i++)
		it.data[i] = (uint8_t)(value >> (8 * i));
	return it;
}

void fw_cfg_init(struct fw_cfg *fc, uint64_t ram_size, uint16_t nb_cpus,
		 uint16_t max_cpus)
{
	memset(fc, 0, sizeof(*fc));
	fc->items[0] = (struct fw_cfg_item){ .key = FW_CFG_SIGNATURE, .len = 4,
					     .data = { 'Q', 'E', 'M', 'U' } };
	fc->items[1] = le_item(FW_CFG_ID, FW_CFG_ID_TRADITIONAL, 4);
	fc->items[2] = le_item(FW_CFG_RAM_SIZE, ram_size, 8);
	fc->items[3] = le_item(FW_CFG_NB_CPUS, nb_cpus, 2);
	fc->items[4] = le_item(FW_CFG_MAX_CPUS, max_cpus, 2);
	/* A big-endian count of 0 files. */
	fc->items[5] = (struct fw_cfg_item){ .key = FW_CFG_FILE_DIR, .len = 4 };
	fc->cur = &fc->items[0]; /* QEMU's reset selects the signature */
	pthread_mutex_init(&fc->lock, NULL);
}

void fw_cfg_destroy(struct fw_cfg *fc)
{
	pthread_mutex_destroy(&fc->lock);
}

static const struct fw_cfg_item *find_item(const struct fw_cfg *fc, uint16_t key)
{
	key &= (uint16_t)~FW_CFG_WRITE_CHANNEL;
	for (unsigned int i = 0; i < FW_CFG_NR_ITEMS; i++)
		if (fc->items[i].key == key)
			return &fc->items[i];
	return NULL; /* includes every FW_CFG_ARCH_LOCAL key */
}

static uint8_t next_byte(struct fw_cfg *fc)
{
	if (!fc->cur || fc->offset >= fc->cur->len)
		return 0;
	return fc->cur->data[fc->offset++];
}

int fw_cfg_io(void *dev, unsigned int vp, uint64_t offset, void *data,
	      unsigned int len, bool is_write)
{
	struct fw_cfg *fc = dev;
	uint16_t key;

	(void)vp;
	pthread_mutex_lock(&fc->lock);
	if (offset == 0 && len == 2 && is_write) {
		memcpy(&key, data, 2);
		fc->cur = find_item(fc, key);
		fc->offset = 0;
	} else if (offset == 1 && len == 1 && !is_write) {
		*(uint8_t *)data = next_byte(fc);
	} else if (!is_write) {
		memset(data, 0xff, len); /* the selector is write-only */
	}
	/* Other writes (data port, an 8-bit selector write) are dropped. */
	pthread_mutex_unlock(&fc->lock);
	return IO_CONTINUE;
}
