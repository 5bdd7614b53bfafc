/* SPDX-License-Identifier: MIT */
/*
 * /dev/kvm through raw ioctls: open and check the API, the capabilities
 * synvmm uses (one table serves both the start-up check and `synvmm info`),
 * and the VM-level ioctls. Failures return -errno and leave a message that
 * names the ioctl or the capability.
 */
#ifndef SYNVMM_KVM_H
#define SYNVMM_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_cpuid2;

struct kvm_cap_info {
	int cap;
	const char *name;
	bool required; /* synvmm run refuses to start without it */
	const char *why;
};

const struct kvm_cap_info *kvm_caps(size_t *count);

struct kvm_sys {
	int fd;
	int api_version;
	size_t vcpu_mmap_size;
};

/* -ENOENT/-EACCES/... when the device cannot be opened, -EPROTO for a wrong
 * API version, -ENOTSUP naming the missing capability in err. */
int kvm_open(const char *path, struct kvm_sys *kvm, char *err, size_t errlen);
void kvm_close(struct kvm_sys *kvm);
/* KVM_CHECK_EXTENSION's answer, 0 when absent. */
int kvm_check_cap(const struct kvm_sys *kvm, int cap);
int kvm_check_required(const struct kvm_sys *kvm, char *err, size_t errlen);
/* KVM_GET_SUPPORTED_CPUID into a malloc'ed struct the caller frees. */
int kvm_supported_cpuid(const struct kvm_sys *kvm, struct kvm_cpuid2 **out);

int kvm_create_vm(const struct kvm_sys *kvm, char *err, size_t errlen);
int kvm_set_user_memory(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t size,
			void *host);

/* The ioctl's name in messages, as the KVM selftests do. */
#define kvm_ioctl(fd, req, arg) kvm_ioctl_named((fd), (req), (arg), #req)
int kvm_ioctl_named(int fd, unsigned long req, void *arg, const char *name);
/* The name of the last ioctl that failed in this thread, for messages. */
const char *kvm_last_failed_ioctl(void);

#endif
