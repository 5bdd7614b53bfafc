/*
 * kvm-probe: the lab's proof that /dev/kvm inside the nested lab is usable
 * and is the kernel with Hyper-V support.  Built static by lab-run and put in
 * the initramfs, so it runs before (and independently of) the host userspace
 * chroot.  Uses raw ioctl numbers so it needs no kernel headers.
 *
 * Prints one line:  api=12 synic2=1 hv_cpuid=1 create_vm=ok
 * Exit status: 0 when API version is 12, SYNIC2 is offered and a VM can be
 * created; 1 otherwise.
 *
 * kvm-probe --hold [DEV]: create a VM with one vCPU and no irqchip, then
 * sleep until killed. The lab runs it for the whole job: KVM raises the
 * kvm_has_noapic_vcpu static key when the first vCPU without an in-kernel
 * APIC is created and lowers it when the last goes, and every such flip
 * live-patches the L1 kernel's code (int3 + IPIs). Under QEMU's TCG that
 * patching has been caught hanging the lab (a CPU stuck in exc_int3), and
 * every synvmm run flipped the key twice; held, it never flips.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_GET_API_VERSION 0xAE00      /* _IO(KVMIO, 0x00) */
#define KVM_CREATE_VM 0xAE01            /* _IO(KVMIO, 0x01) */
#define KVM_CHECK_EXTENSION 0xAE03      /* _IO(KVMIO, 0x03) */
#define KVM_CREATE_VCPU 0xAE41          /* _IO(KVMIO, 0x41) */
#define KVM_CAP_HYPERV_SYNIC2 148
#define KVM_CAP_SYS_HYPERV_CPUID 191

static int hold(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int vm = fd < 0 ? -1 : ioctl(fd, KVM_CREATE_VM, 0);
	int vcpu = vm < 0 ? -1 : ioctl(vm, KVM_CREATE_VCPU, 0);

	if (vcpu < 0) {
		printf("kvm-probe --hold: %s\n", strerror(errno));
		return 1;
	}
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--hold"))
		return hold(argc > 2 ? argv[2] : "/dev/kvm");
	const char *path = argc > 1 ? argv[1] : "/dev/kvm";
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("open %s: %s\n", path, strerror(errno));
		return 1;
	}
	int api = ioctl(fd, KVM_GET_API_VERSION, 0);
	int synic2 = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_HYPERV_SYNIC2);
	int hvcpuid = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SYS_HYPERV_CPUID);
	int vm = ioctl(fd, KVM_CREATE_VM, 0);
	int vm_errno = errno;
	printf("api=%d synic2=%d hv_cpuid=%d create_vm=%s\n", api, synic2,
	       hvcpuid, vm >= 0 ? "ok" : strerror(vm_errno));
	if (vm >= 0)
		close(vm);
	close(fd);
	return (api == 12 && synic2 > 0 && vm >= 0) ? 0 : 1;
}
