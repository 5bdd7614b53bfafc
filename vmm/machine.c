// SPDX-License-Identifier: MIT
#include "machine.h"
#include "boot.h"
#include "debug_exit.h"
#include "hyperv_testdev.h"
#include "fw_cfg.h"
#include "pic.h"
#include "exit_codes.h"
#include "hv_cpuid.h"
#include "irq.h"
#include "multiboot.h"
#include "trace.h"
#include "vcpu.h"

#include <errno.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define KVM_TSS_GPA 0xfffbd000ull /* Intel's real-mode TSS: above RAM, below the BIOS */

/* A start-up stage: do() returns 0 or an exit code with err filled; undo()
 * reverses a completed do(). */
struct stage {
	const char *name;
	int (*run)(struct machine *m, char *err, size_t errlen);
	void (*undo)(struct machine *m);
};

static int stage_map_ram(struct machine *m, char *err, size_t errlen)
{
	void *p = mmap(NULL, m->cfg->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		snprintf(err, errlen, "cannot map %llu MiB of guest RAM: %s",
			 (unsigned long long)(m->cfg->mem_size >> 20), strerror(errno));
		return EXIT_VMM_ERROR;
	}
	m->ram = (struct guest_ram){ .host = p, .size = m->cfg->mem_size };
	return 0;
}

static void undo_map_ram(struct machine *m)
{
	munmap(m->ram.host, m->ram.size);
}

static int stage_load_guest(struct machine *m, char *err, size_t errlen)
{
	char why[256];
	int ret = elf_read_file(m->cfg->kernel, &m->elf_file, &m->elf_size, err, errlen);

	if (ret < 0)
		return EXIT_USAGE;
	ret = elf_load(m->elf_file, m->elf_size, &m->ram, &m->image, why, sizeof(why));
	free(m->elf_file);
	m->elf_file = NULL;
	if (ret < 0) {
		snprintf(err, errlen, "guest '%s' is not a usable ELF: %s", m->cfg->kernel, why);
		return EXIT_USAGE;
	}
	return 0;
}

static int stage_boot_tables(struct machine *m, char *err, size_t errlen)
{
	int ret = boot_write_tables(&m->ram, m->cfg->cpus, m->cfg->append);

	if (ret == -E2BIG) {
		snprintf(err, errlen, "--append: the command line is longer than %d bytes",
			 BOOTINFO_CMDLINE_MAX - 1);
		return EXIT_USAGE;
	}
	if (ret == 0 && m->image.multiboot)
		ret = multiboot_write_info(&m->ram, m->cfg->kernel, m->cfg->append);
	if (ret == -E2BIG) {
		snprintf(err, errlen,
			 "the multiboot command line (guest path, a space, --append) is longer than %u bytes",
			 MB_CMDLINE_MAX - 1);
		return EXIT_USAGE;
	}
	if (ret < 0) {
		snprintf(err, errlen, "cannot write boot tables: %s", strerror(-ret));
		return EXIT_VMM_ERROR;
	}
	return 0;
}

/* A multiboot image's boot vCPU starts as the specification says, not in
 * the long mode vcpu_create() set up. */
static int stage_multiboot_entry(struct machine *m, char *err, size_t errlen)
{
	int ret;

	if (!m->image.multiboot)
		return 0;
	ret = multiboot_enter(m->vcpus[0].fd, (uint32_t)m->image.entry);
	if (ret < 0) {
		snprintf(err, errlen, "%s for the multiboot entry failed: %s",
			 kvm_last_failed_ioctl(), strerror(-ret));
		return EXIT_VMM_ERROR;
	}
	return 0;
}

static int stage_open_kvm(struct machine *m, char *err, size_t errlen)
{
	int ret = kvm_open(m->cfg->kvm_path, &m->kvm, err, errlen);

	if (ret == -ENOENT || ret == -ENXIO || ret == -ENODEV)
		return EXIT_SKIP;
	if (ret < 0)
		return EXIT_VMM_ERROR;
	if (kvm_check_required(&m->kvm, err, errlen) < 0) {
		kvm_close(&m->kvm);
		return EXIT_VMM_ERROR;
	}
	return 0;
}

static void undo_open_kvm(struct machine *m)
{
	kvm_close(&m->kvm);
}

static int guest_cpuid(struct machine *m);

static int stage_create_vm(struct machine *m, char *err, size_t errlen)
{
	int ret;

	m->vm_fd = kvm_create_vm(&m->kvm, err, errlen);
	if (m->vm_fd < 0)
		return EXIT_VMM_ERROR;
	/* Only Intel needs it (real mode); harmless elsewhere. */
	if (kvm_check_cap(&m->kvm, KVM_CAP_SET_TSS_ADDR))
		ioctl(m->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_GPA);
	ret = kvm_set_user_memory(m->vm_fd, 0, 0, m->ram.size, m->ram.host);
	if (ret == 0)
		ret = guest_cpuid(m);
	if (ret == 0 && hyperv_setup_vm(m, err, errlen)) {
		close(m->vm_fd);
		free(m->cpuid);
		return EXIT_VMM_ERROR;
	}
	if (ret < 0) {
		snprintf(err, errlen, "%s failed: %s", kvm_last_failed_ioctl(), strerror(-ret));
		close(m->vm_fd);
		return EXIT_VMM_ERROR;
	}
	return 0;
}

/* What KVM supports, with Hyper-V's leaves in place of KVM's own. */
static int guest_cpuid(struct machine *m)
{
	struct hv_cpuid_params p = { .privileges = m->cfg->privileges, .max_vps = m->cfg->cpus };
	struct kvm_cpuid2 *supported;
	int ret = kvm_supported_cpuid(&m->kvm, &supported);

	if (ret < 0)
		return ret;
	m->cpuid = hv_cpuid_build(supported, &p);
	free(supported);
	return m->cpuid ? 0 : -ENOMEM;
}

static void undo_create_vm(struct machine *m)
{
	free(m->cpuid);
	close(m->vm_fd);
}

static void serial_sink(void *ctx, const char *buf, size_t len)
{
	FILE *f = ctx;

	fwrite(buf, 1, len, f);
	if (memchr(buf, '\n', len))
		fflush(f);
}

static int serial_io(void *dev, unsigned int vp, uint64_t offset, void *data,
		     unsigned int len, bool is_write)
{
	struct machine *m = dev;
	int ret;

	pthread_mutex_lock(&m->uart_lock);
	ret = uart_io(&m->uart, vp, offset, data, len, is_write);
	pthread_mutex_unlock(&m->uart_lock);
	return ret;
}

static void testdev_report(void *ctx, unsigned int vp, const char *line, bool trace_only)
{
	struct machine *m = ctx;

	(void)vp;
	if (trace_only && !trace_on(TRACE_GUEST))
		return;
	if (m->serial)
		fflush(m->serial); /* keep the guest's serial output before its verdict */
	fprintf(stderr, "%s\n", line);
}

static void testdev_verdict(void *ctx, enum testdev_verdict v)
{
	static const int codes[] = {
		[TESTDEV_VERDICT_PASSED] = EXIT_GUEST_PASSED,
		[TESTDEV_VERDICT_FAILED] = EXIT_GUEST_FAILED,
		[TESTDEV_VERDICT_SKIPPED] = EXIT_SKIP,
	};
	machine_finish(ctx, codes[v], NULL);
}

/* isa-debug-exit: QEMU's status, not synvmm's own codes. */
static void debug_exit_verdict(void *ctx, unsigned int vp, uint32_t code)
{
	struct machine *m = ctx;

	if (trace_on(TRACE_GUEST))
		trace_printf("vp%u isa-debug-exit code 0x%x: exit status %d", vp, code,
			     debug_exit_status(code));
	machine_finish(m, debug_exit_status(code), NULL);
}

/* What every PC has (fw_cfg, the PICs' ports), then the --device ones:
 * 0, -errno, or EXIT_USAGE with err filled when a --device's ports are
 * taken (the user's error, not the VMM's). */
static int register_pc_devices(struct machine *m, char *err, size_t errlen)
{
	int ret = iobus_register(&m->pio, FW_CFG_PORT_SEL, FW_CFG_NR_PORTS, fw_cfg_io,
				 &m->fw_cfg, "fw_cfg");

	if (!ret)
		ret = iobus_register(&m->pio, PIC_MASTER_BASE, PIC_NR_PORTS, pic_io, NULL, "pic1");
	if (!ret)
		ret = iobus_register(&m->pio, PIC_SLAVE_BASE, PIC_NR_PORTS, pic_io, NULL, "pic2");
	if (ret)
		return ret;
	for (unsigned int i = 0; i < m->cfg->nr_devices; i++) {
		const struct device_option *d = &m->cfg->devices[i];
		bool testdev = d->kind == DEVICE_HYPERV_TESTDEV;

		if (testdev)
			ret = hyperv_testdev_attach(m, d->iobase);
		else
			ret = iobus_register(&m->pio, d->iobase, d->iosize, debug_exit_io,
					     &m->debug_exit, "isa-debug-exit");
		if (ret == -EEXIST) {
			snprintf(err, errlen,
				 "--device %s,iobase=0x%x,iosize=0x%x: the ports are taken by another device",
				 testdev ? "hyperv-testdev" : "isa-debug-exit", d->iobase, d->iosize);
			return EXIT_USAGE;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static int open_serial(struct machine *m, char *err, size_t errlen)
{
	m->serial = NULL;
	if (m->cfg->serial == SERIAL_STDIO)
		m->serial = stdout;
	if (m->cfg->serial == SERIAL_FILE) {
		m->serial = fopen(m->cfg->serial_path, "we");
		if (!m->serial) {
			snprintf(err, errlen, "--serial: cannot open '%s': %s", m->cfg->serial_path,
				 strerror(errno));
			return EXIT_USAGE;
		}
	}
	return 0;
}

static void undo_devices(struct machine *m);

static int stage_devices(struct machine *m, char *err, size_t errlen)
{
	int ret = open_serial(m, err, errlen);

	if (ret)
		return ret;
	pthread_mutex_init(&m->uart_lock, NULL);
	iobus_init(&m->pio, "pio");
	iobus_init(&m->mmio, "mmio");
	uart_init(&m->uart, m->serial ? serial_sink : NULL, m->serial);
	testdev_init(&m->testdev, m->ram, testdev_report, testdev_verdict, m);
	fw_cfg_init(&m->fw_cfg, m->ram.size, (uint16_t)m->cfg->cpus, (uint16_t)m->cfg->cpus);
	debug_exit_init(&m->debug_exit, debug_exit_verdict, m);
	ret = iobus_register(&m->pio, UART_COM1_BASE, UART_NR_REGS, serial_io, m, "com1");
	if (!ret)
		ret = iobus_register(&m->pio, TESTDEV_PORT, 4, testdev_io, &m->testdev, "testdev");
	if (!ret)
		ret = register_pc_devices(m, err, errlen);
	if (ret) {
		undo_devices(m);
		if (ret == EXIT_USAGE)
			return ret;
		snprintf(err, errlen, "cannot register devices: %s", strerror(-ret));
		return EXIT_VMM_ERROR;
	}
	return 0;
}

static void undo_devices(struct machine *m)
{
	if (m->serial && m->serial != stdout)
		fclose(m->serial);
	else if (m->serial)
		fflush(m->serial);
	pthread_mutex_destroy(&m->uart_lock);
	fw_cfg_destroy(&m->fw_cfg);
	hyperv_testdev_detach(m);
}

static int stage_hyperv(struct machine *m, char *err, size_t errlen)
{
	m->hooks = (struct dispatch_hooks){
		.hypercall = hyperv_hypercall_exit,
		.msr = hyperv_msr_exit,
		.opaque = m,
		.hypercall_port = HV_HYPERCALL_PORT,
	};
	int code = hyperv_setup(m, err, errlen);

	if (code)
		hyperv_teardown(m);
	return code;
}

static int stage_vcpus(struct machine *m, char *err, size_t errlen)
{
	m->vcpus = calloc(m->cfg->cpus, sizeof(*m->vcpus));
	if (!m->vcpus)
		return EXIT_VMM_ERROR;
	for (m->nr_vcpus = 0; m->nr_vcpus < m->cfg->cpus; m->nr_vcpus++) {
		if (vcpu_create(&m->vcpus[m->nr_vcpus], m, m->nr_vcpus, err, errlen) < 0) {
			vcpu_destroy(&m->vcpus[m->nr_vcpus]);
			return EXIT_VMM_ERROR;
		}
	}
	return 0;
}

static void undo_vcpus(struct machine *m)
{
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		vcpu_destroy(&m->vcpus[i]);
	free(m->vcpus);
	m->vcpus = NULL;
	m->nr_vcpus = 0;
}

static int stage_start(struct machine *m, char *err, size_t errlen)
{
	int ret = vcpu_kick_signal_init();

	for (unsigned int i = 0; !ret && i < m->nr_vcpus; i++)
		ret = vcpu_start(&m->vcpus[i]);
	if (ret < 0) {
		snprintf(err, errlen, "cannot start vCPU threads: %s", strerror(-ret));
		return EXIT_VMM_ERROR;
	}
	return 0;
}

static void undo_start(struct machine *m)
{
	atomic_store(&m->stopping, true);
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		vcpu_kick(&m->vcpus[i]);
	pthread_mutex_lock(&m->lock);
	pthread_cond_broadcast(&m->changed);
	pthread_mutex_unlock(&m->lock);
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		vcpu_join(&m->vcpus[i]);
}

/* Guest-side checks (ELF, RAM, ports) come before KVM, so a bad guest or
 * configuration is exit 2 even on a host without /dev/kvm. */
static const struct stage stages[] = {
	{ "map guest RAM", stage_map_ram, undo_map_ram },
	{ "load the guest ELF", stage_load_guest, NULL },
	{ "write boot tables", stage_boot_tables, NULL },
	{ "create the Hyper-V partition", stage_hyperv, hyperv_teardown },
	{ "open KVM", stage_open_kvm, undo_open_kvm },
	{ "create the VM", stage_create_vm, undo_create_vm },
	{ "create devices", stage_devices, undo_devices },
	{ "create vCPUs", stage_vcpus, undo_vcpus },
	{ "enter multiboot", stage_multiboot_entry, NULL },
	{ "create local APICs", irq_setup, irq_teardown },
	{ "start the synthetic timers", hv_timers_start, hv_timers_stop },
	{ "start vCPU threads", stage_start, undo_start },
};

static void machine_init_sync(struct machine *m)
{
	pthread_condattr_t attr;

	atomic_init(&m->exit_code, -1);
	atomic_init(&m->stopping, false);
	pthread_mutex_init(&m->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&m->changed, &attr);
	pthread_condattr_destroy(&attr);
}

int machine_start(struct machine *m, const struct vmm_config *cfg, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->cfg = cfg;
	m->vm_fd = -1;
	m->kvm.fd = -1;
	machine_init_sync(m);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		int code = stages[i].run(m, err, errlen);

		if (code) {
			machine_destroy(m);
			return code;
		}
		m->stages_done++;
	}
	return 0;
}

void machine_destroy(struct machine *m)
{
	while (m->stages_done > 0) {
		const struct stage *s = &stages[--m->stages_done];

		if (s->undo)
			s->undo(m);
	}
	pthread_cond_destroy(&m->changed);
	pthread_mutex_destroy(&m->lock);
}

bool machine_stopping(const struct machine *m)
{
	return atomic_load(&m->stopping);
}

void machine_finish(struct machine *m, int code, const char *fmt, ...)
{
	int none = -1;
	va_list ap;

	if (!atomic_compare_exchange_strong(&m->exit_code, &none, code))
		return;
	if (fmt) {
		if (m->serial)
			fflush(m->serial);
		fputs("synvmm: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	atomic_store(&m->stopping, true);
	pthread_mutex_lock(&m->lock);
	pthread_cond_broadcast(&m->changed);
	pthread_mutex_unlock(&m->lock);
	for (unsigned int i = 0; i < m->nr_vcpus; i++)
		irq_notify(&m->vcpus[i]);
}

void machine_halted(struct machine *m, unsigned int vp, int delta)
{
	bool all;

	pthread_mutex_lock(&m->lock);
	m->halted = (unsigned int)((int)m->halted + delta);
	all = m->halted == m->nr_vcpus;
	pthread_mutex_unlock(&m->lock);
	if (all)
		machine_finish(m, EXIT_VMM_ERROR,
			       "every vCPU halted with interrupts disabled (last vp%u): the guest stopped without a verdict",
			       vp);
}

static void deadline_after(struct timespec *ts, double seconds)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)seconds;
	ts->tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int machine_wait(struct machine *m)
{
	struct timespec deadline;
	bool timed_out = false;

	if (m->cfg->timeout > 0)
		deadline_after(&deadline, m->cfg->timeout);
	pthread_mutex_lock(&m->lock);
	while (atomic_load(&m->exit_code) < 0 && !timed_out) {
		if (m->cfg->timeout > 0)
			timed_out = pthread_cond_timedwait(&m->changed, &m->lock, &deadline) == ETIMEDOUT;
		else
			pthread_cond_wait(&m->changed, &m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	if (timed_out)
		machine_finish(m, EXIT_TIMEOUT, "timeout: the guest ran for %g s without a verdict (--timeout)",
			       m->cfg->timeout);
	return atomic_load(&m->exit_code);
}
