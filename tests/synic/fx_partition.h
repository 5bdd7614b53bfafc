/* The fixture's partition helper alone, for tests (the storms) that bring
 * their own seams and memory layout and so do not include fixture.h. */
#ifndef TESTS_SYNIC_FX_PARTITION_H
#define TESTS_SYNIC_FX_PARTITION_H

#include "synic.h"

/* Create a partition from cfg, add VPs 0 .. max_vps-1, make it active;
 * every step asserted (cmocka). */
struct synic_partition *fx_active_partition(struct synic *s,
					    const struct synic_partition_config *cfg);

#endif
