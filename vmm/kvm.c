// SPDX-License-Identifier: MIT
#include "kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_EXPECTED_API 12
#define KVM_SYNC_WANTED (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

static const struct kvm_cap_info cap_table[] = {
	{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY", true, "guest RAM" },
	{ KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID", true, "the guest's CPUID" },
	{ KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS", true, "registers without vCPU ioctls" },
	{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT", true, "race-free vCPU kicks" },
	{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR", false, "real mode on Intel" },
	{ KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR", false, "synthetic MSRs in user space" },
	{ KVM_CAP_X86_MSR_FILTER, "KVM_CAP_X86_MSR_FILTER", false, "MSR filter for synthetic MSRs" },
	{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP", false, "in-kernel irqchip (kernel Hyper-V mode)" },
	{ KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP", false, "split irqchip" },
	{ KVM_CAP_IRQFD, "KVM_CAP_IRQFD", false, "irqfd" },
	{ KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI", false, "KVM_SIGNAL_MSI" },
	{ KVM_CAP_SET_GUEST_DEBUG, "KVM_CAP_SET_GUEST_DEBUG", false, "guest debugging" },
	{ KVM_CAP_MAX_VCPUS, "KVM_CAP_MAX_VCPUS", false, "vCPUs per VM" },
	{ KVM_CAP_HYPERV, "KVM_CAP_HYPERV", false, "kernel Hyper-V emulation" },
	{ KVM_CAP_HYPERV_SYNIC2, "KVM_CAP_HYPERV_SYNIC2", false, "kernel SynIC (KVM_EXIT_HYPERV)" },
	{ KVM_CAP_HYPERV_EVENTFD, "KVM_CAP_HYPERV_EVENTFD", false, "kernel SignalEvent fast path" },
	{ KVM_CAP_HYPERV_ENFORCE_CPUID, "KVM_CAP_HYPERV_ENFORCE_CPUID", false, "kernel privilege checks" },
	{ KVM_CAP_SYS_HYPERV_CPUID, "KVM_CAP_SYS_HYPERV_CPUID", false, "KVM_GET_SUPPORTED_HV_CPUID" },
};

const struct kvm_cap_info *kvm_caps(size_t *count)
{
	*count = sizeof(cap_table) / sizeof(cap_table[0]);
	return cap_table;
}

static _Thread_local const char *last_failed;

const char *kvm_last_failed_ioctl(void)
{
	return last_failed ? last_failed : "(none)";
}

int kvm_ioctl_named(int fd, unsigned long req, void *arg, const char *name)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0) {
		last_failed = name;
		return -errno;
	}
	return ret;
}

int kvm_check_cap(const struct kvm_sys *kvm, int cap)
{
	int ret = ioctl(kvm->fd, KVM_CHECK_EXTENSION, (unsigned long)cap);

	return ret < 0 ? 0 : ret;
}

int kvm_check_required(const struct kvm_sys *kvm, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(cap_table) / sizeof(cap_table[0]); i++) {
		if (cap_table[i].required && !kvm_check_cap(kvm, cap_table[i].cap)) {
			snprintf(err, errlen, "this KVM lacks %s (needed for %s)",
				 cap_table[i].name, cap_table[i].why);
			return -ENOTSUP;
		}
	}
	if ((kvm_check_cap(kvm, KVM_CAP_SYNC_REGS) & KVM_SYNC_WANTED) != KVM_SYNC_WANTED) {
		snprintf(err, errlen, "this KVM's KVM_CAP_SYNC_REGS lacks regs, sregs or events");
		return -ENOTSUP;
	}
	return 0;
}

static int kvm_open_error(const char *path, int e, char *err, size_t errlen)
{
	if (e == ENOENT)
		snprintf(err, errlen,
			 "%s does not exist: KVM is not available on this host (load kvm-intel or kvm-amd, or run on a host with virtualization)",
			 path);
	else if (e == EACCES || e == EPERM)
		snprintf(err, errlen,
			 "cannot open %s: %s (add yourself to the 'kvm' group, or run as root)",
			 path, strerror(e));
	else
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(e));
	return -e;
}

int kvm_open(const char *path, struct kvm_sys *kvm, char *err, size_t errlen)
{
	int ret;

	kvm->fd = open(path, O_RDWR | O_CLOEXEC);
	if (kvm->fd < 0)
		return kvm_open_error(path, errno, err, errlen);
	kvm->api_version = ioctl(kvm->fd, KVM_GET_API_VERSION, 0);
	if (kvm->api_version != KVM_EXPECTED_API) {
		snprintf(err, errlen, "%s speaks KVM API %d; synvmm needs %d", path,
			 kvm->api_version, KVM_EXPECTED_API);
		ret = -EPROTO;
		goto fail;
	}
	ret = ioctl(kvm->fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret <= 0) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		ret = -errno;
		goto fail;
	}
	kvm->vcpu_mmap_size = (size_t)ret;
	return 0;
fail:
	close(kvm->fd);
	kvm->fd = -1;
	return ret;
}

void kvm_close(struct kvm_sys *kvm)
{
	if (kvm->fd >= 0)
		close(kvm->fd);
	kvm->fd = -1;
}

int kvm_supported_cpuid(const struct kvm_sys *kvm, struct kvm_cpuid2 **out)
{
	/* Grow until KVM stops answering E2BIG. */
	for (unsigned int n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		int ret;

		if (!c)
			return -ENOMEM;
		c->nent = n;
		ret = kvm_ioctl(kvm->fd, KVM_GET_SUPPORTED_CPUID, c);
		if (ret == 0) {
			*out = c;
			return 0;
		}
		free(c);
		if (ret != -E2BIG)
			return ret;
	}
	return -E2BIG;
}

int kvm_create_vm(const struct kvm_sys *kvm, char *err, size_t errlen)
{
	int fd;

	/* EINTR is documented for KVM_CREATE_VM on busy hosts: retry. */
	do {
		fd = ioctl(kvm->fd, KVM_CREATE_VM, 0);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM failed: %s", strerror(errno));
		return -errno;
	}
	return fd;
}

int kvm_set_user_memory(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
			void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)host,
	};

	return kvm_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region);
}
