// SPDX-License-Identifier: MIT
#include "dispatch.h"
#include "trace.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>

const char *exit_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO", [KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO", [KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN", [KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR", [KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS", [KVM_EXIT_NMI] = "NMI",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR", [KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
		[KVM_EXIT_HYPERV] = "HYPERV", [KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
		[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	};

	if (reason < sizeof(names) / sizeof(names[0]) && names[reason])
		return names[reason];
	return "?";
}

static enum dispatch_action fail(struct dispatch_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static enum dispatch_action fail(struct dispatch_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return DISPATCH_ERROR;
}

/* Shared by PIO and MMIO: one access on a bus, the unclaimed case handled. */
static enum dispatch_action bus_access(struct dispatch_ctx *ctx, const struct iobus *bus,
				       uint64_t addr, void *data, unsigned int len,
				       bool is_write)
{
	int ret = iobus_access(bus, ctx->vp, addr, data, len, is_write);

	if (ret == -ENOENT) {
		if (!is_write)
			memset(data, 0xff, len); /* absent devices float high, as on a PC */
		if (trace_on(bus == ctx->pio ? TRACE_IO : TRACE_MMIO))
			trace_printf("vp%u %s %s of %u bytes at 0x%" PRIx64 ": no device",
				     ctx->vp, bus->name, is_write ? "write" : "read", len, addr);
		if (ctx->strict_io)
			return fail(ctx, "--strict-io: %s %s of %u bytes at 0x%" PRIx64
				    " that no device claims",
				    bus->name, is_write ? "write" : "read", len, addr);
		return DISPATCH_CONTINUE;
	}
	if (ret < 0)
		return fail(ctx, "%s device at 0x%" PRIx64 " failed: %s", bus->name, addr,
			    strerror(-ret));
	return ret == IO_STOP ? DISPATCH_STOP : DISPATCH_CONTINUE;
}

static enum dispatch_action dispatch_io(struct dispatch_ctx *ctx, struct kvm_run *run)
{
	unsigned int size = run->io.size;
	uint64_t bytes = (uint64_t)size * run->io.count;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	bool is_write = run->io.direction == KVM_EXIT_IO_OUT;

	if ((size != 1 && size != 2 && size != 4) || run->io.data_offset > ctx->run_size ||
	    bytes > ctx->run_size - run->io.data_offset)
		return fail(ctx, "malformed KVM_EXIT_IO (size %u, count %u)", size, run->io.count);
	if (ctx->hooks && ctx->hooks->hypercall && is_write && size == 1 && run->io.count == 1 &&
	    run->io.port == ctx->hooks->hypercall_port)
		return ctx->hooks->hypercall(ctx->hooks->opaque, ctx->vp, run);
	if (trace_on(TRACE_IO))
		trace_printf("vp%u pio %s port 0x%x size %u count %u", ctx->vp,
			     is_write ? "out" : "in", run->io.port, size, run->io.count);
	for (uint32_t i = 0; i < run->io.count; i++) {
		enum dispatch_action a = bus_access(ctx, ctx->pio, run->io.port,
						    data + (size_t)i * size, size, is_write);
		if (a != DISPATCH_CONTINUE)
			return a;
	}
	return DISPATCH_CONTINUE;
}

static enum dispatch_action dispatch_mmio(struct dispatch_ctx *ctx, struct kvm_run *run)
{
	if (run->mmio.len == 0 || run->mmio.len > sizeof(run->mmio.data))
		return fail(ctx, "malformed KVM_EXIT_MMIO (len %u)", run->mmio.len);
	if (trace_on(TRACE_MMIO))
		trace_printf("vp%u mmio %s 0x%llx len %u", ctx->vp,
			     run->mmio.is_write ? "write" : "read",
			     (unsigned long long)run->mmio.phys_addr, run->mmio.len);
	return bus_access(ctx, ctx->mmio, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			  run->mmio.is_write);
}

enum dispatch_action dispatch_exit(struct dispatch_ctx *ctx, struct kvm_run *run)
{
	ctx->err[0] = '\0';
	if (trace_on(TRACE_EXITS))
		trace_printf("vp%u exit %s (%u) rip 0x%llx", ctx->vp,
			     exit_reason_name(run->exit_reason), run->exit_reason,
			     (unsigned long long)run->s.regs.regs.rip);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return dispatch_io(ctx, run);
	case KVM_EXIT_MMIO:
		return dispatch_mmio(ctx, run);
	case KVM_EXIT_HLT:
		return DISPATCH_HALT;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		if (ctx->hooks && ctx->hooks->msr)
			return ctx->hooks->msr(ctx->hooks->opaque, ctx->vp, run);
		run->msr.error = 1; /* nobody models it: #GP, as KVM would */
		return DISPATCH_CONTINUE;
	case KVM_EXIT_INTR:
		return DISPATCH_CONTINUE; /* a kick: the run loop checks why */
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		return DISPATCH_CONTINUE; /* the run loop injects what waits */
	case KVM_EXIT_SHUTDOWN:
		return fail(ctx, "guest crashed: triple fault (KVM_EXIT_SHUTDOWN)");
	case KVM_EXIT_FAIL_ENTRY:
		return fail(ctx, "KVM could not enter the guest (KVM_EXIT_FAIL_ENTRY, reason 0x%llx)",
			    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return fail(ctx, "KVM internal error (KVM_EXIT_INTERNAL_ERROR, suberror %u)",
			    run->internal.suberror);
	case KVM_EXIT_SYSTEM_EVENT:
		return fail(ctx, "guest requested a system event (type %u): reset or power-off",
			    run->system_event.type);
	default:
		return fail(ctx, "unhandled KVM exit %s (%u)", exit_reason_name(run->exit_reason),
			    run->exit_reason);
	}
}

static void format_segment(char *buf, size_t size, const char *name,
			   const struct kvm_segment *s)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "  %-3s sel 0x%04x base 0x%llx limit 0x%x type %u dpl %u l %u\n",
		 name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->dpl, s->l);
}

void dispatch_format_regs(const struct kvm_run *run, char *buf, size_t size)
{
	const struct kvm_regs *r = &run->s.regs.regs;
	const struct kvm_sregs *s = &run->s.regs.sregs;

	if (!(run->kvm_valid_regs & KVM_SYNC_X86_REGS)) {
		snprintf(buf, size, "  (registers not available)\n");
		return;
	}
	snprintf(buf, size,
		 "  rip 0x%016llx rsp 0x%016llx rflags 0x%llx\n"
		 "  rax 0x%016llx rbx 0x%016llx rcx 0x%016llx rdx 0x%016llx\n"
		 "  rsi 0x%016llx rdi 0x%016llx rbp 0x%016llx r8  0x%016llx\n"
		 "  r9  0x%016llx r10 0x%016llx r11 0x%016llx r12 0x%016llx\n"
		 "  r13 0x%016llx r14 0x%016llx r15 0x%016llx\n"
		 "  cr0 0x%llx cr2 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx\n"
		 "  gdt 0x%llx/0x%x idt 0x%llx/0x%x\n",
		 r->rip, r->rsp, r->rflags, r->rax, r->rbx, r->rcx, r->rdx, r->rsi, r->rdi,
		 r->rbp, r->r8, r->r9, r->r10, r->r11, r->r12, r->r13, r->r14, r->r15,
		 s->cr0, s->cr2, s->cr3, s->cr4, s->efer, s->gdt.base, s->gdt.limit,
		 s->idt.base, s->idt.limit);
	format_segment(buf, size, "cs", &s->cs);
	format_segment(buf, size, "ss", &s->ss);
	format_segment(buf, size, "tr", &s->tr);
}
