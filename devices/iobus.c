// SPDX-License-Identifier: MIT
#include "iobus.h"

#include <errno.h>
#include <string.h>

void iobus_init(struct iobus *bus, const char *name)
{
	memset(bus, 0, sizeof(*bus));
	bus->name = name;
}

static uint64_t range_last(uint64_t base, uint64_t len)
{
	return base + len - 1;
}

static bool ranges_overlap(const struct io_range *r, uint64_t base, uint64_t len)
{
	return base <= range_last(r->base, r->len) && r->base <= range_last(base, len);
}

int iobus_register(struct iobus *bus, uint64_t base, uint64_t len,
		   io_handler_fn fn, void *dev, const char *name)
{
	if (!fn || len == 0 || base + len - 1 < base)
		return -EINVAL;
	if (bus->count == IOBUS_MAX_RANGES)
		return -ENOSPC;

	size_t pos = 0;
	for (size_t i = 0; i < bus->count; i++) {
		if (ranges_overlap(&bus->ranges[i], base, len))
			return -EEXIST;
		if (bus->ranges[i].base < base)
			pos = i + 1;
	}
	memmove(&bus->ranges[pos + 1], &bus->ranges[pos],
		(bus->count - pos) * sizeof(bus->ranges[0]));
	bus->ranges[pos] = (struct io_range){ base, len, fn, dev, name };
	bus->count++;
	return 0;
}

const struct io_range *iobus_find(const struct iobus *bus, uint64_t addr,
				  unsigned int len)
{
	size_t lo = 0, hi = bus->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct io_range *r = &bus->ranges[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr > range_last(r->base, r->len)) {
			lo = mid + 1;
		} else {
			/* An access straddling the range's end is nobody's. */
			if (len == 0 || len - 1 > range_last(r->base, r->len) - addr)
				return NULL;
			return r;
		}
	}
	return NULL;
}

int iobus_access(const struct iobus *bus, unsigned int vp, uint64_t addr,
		 void *data, unsigned int len, bool is_write)
{
	const struct io_range *r = iobus_find(bus, addr, len);

	if (!r)
		return -ENOENT;
	return r->fn(r->dev, vp, addr - r->base, data, len, is_write);
}
