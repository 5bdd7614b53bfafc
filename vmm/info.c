// SPDX-License-Identifier: MIT
#include "info.h"
#include "exit_codes.h"
#include "kvm.h"

#include <errno.h>
#include <linux/kvm.h>

int info_print(FILE *out, const char *kvm_path)
{
	struct kvm_sys kvm;
	const struct kvm_cap_info *caps;
	char err[256];
	size_t n;
	int ret = kvm_open(kvm_path, &kvm, err, sizeof(err));

	if (ret < 0) {
		fprintf(stderr, "synvmm: %s\n", err);
		return ret == -ENOENT || ret == -ENXIO || ret == -ENODEV ? EXIT_SKIP : EXIT_VMM_ERROR;
	}
	fprintf(out, "%s: KVM API version %d, vCPU mmap size %zu\n", kvm_path, kvm.api_version,
		kvm.vcpu_mmap_size);
	caps = kvm_caps(&n);
	for (size_t i = 0; i < n; i++) {
		int v = kvm_check_cap(&kvm, caps[i].cap);

		fprintf(out, "  %-30s %-4s %s%s\n", caps[i].name, v ? "yes" : "no",
			caps[i].required ? "required: " : "", caps[i].why);
	}
	fprintf(out, "Hyper-V in the kernel: %s\n",
		kvm_check_cap(&kvm, KVM_CAP_HYPERV_SYNIC2)
			? "yes (KVM_EXIT_HYPERV available)"
			: "no (synvmm emulates the SynIC in user space)");
	ret = kvm_check_required(&kvm, err, sizeof(err));
	fprintf(out, "synvmm run: %s%s\n", ret ? "cannot run here: " : "can run here",
		ret ? err : "");
	kvm_close(&kvm);
	return ret ? EXIT_VMM_ERROR : 0;
}
