# gdb -x tools/synvmm.gdb --args build/vmm/synvmm run build/guest/hello.elf
#
# synvmm kicks vCPU threads out of KVM_RUN with SIGUSR1 (plus
# kvm_run->immediate_exit); the kick is routine, so let it through quietly.
handle SIGUSR1 nostop noprint pass
# vCPU threads are named vcpu<partition>.<n>: `info threads` shows them.
set print thread-events off
