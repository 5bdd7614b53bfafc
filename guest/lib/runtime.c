// SPDX-License-Identifier: MIT
/*
 * Runtime start-up on every VP (GDT, TSS, IDT, GS), exception dispatch and
 * catching, the test-device channel and the boot-info accessors.
 */
#include "runtime.h"
#include "apic.h"
#include "smp.h"

_Static_assert(offsetof(struct guest_vp, self) == VP_SELF, "asm offset");
_Static_assert(offsetof(struct guest_vp, index) == VP_INDEX, "asm offset");
_Static_assert(offsetof(struct guest_vp, catch_armed) == VP_CATCH_ARMED, "asm offset");
_Static_assert(offsetof(struct guest_vp, catch_jmpbuf) == VP_CATCH_JMPBUF, "asm offset");
_Static_assert(sizeof(struct tss64) == 104, "TSS layout");
_Static_assert(sizeof(struct ex_regs) == 22 * 8, "ex_regs matches isr.S");
_Static_assert(sizeof(struct testdev_msg) == 40 + TESTDEV_FILE_LEN + TESTDEV_MSG_LEN,
	       "testdev_msg as the VMM sees it");
_Static_assert(GUEST_STACK_SIZE == 1 << 14 && GUEST_MAX_VPS == 64 && GUEST_IST_SIZE == 4096,
	       "entry.S hard-codes these");

/* Selectors of the runtime's GDT; the first three match the VMM's. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_TSS 0x30

static struct guest_vp vps[GUEST_MAX_VPS];
static uint64_t idt[256 * 2] __attribute__((aligned(16)));
static guest_handler_t handlers[256];
static const struct bootinfo *bootinfo;

/* In .data, not .bss: VP 0 clears .bss while the others wait on this. */
static volatile uint32_t runtime_ready __attribute__((section(".data")));
extern char __bss_start[], __bss_end[];

struct guest_vp *this_vp_data(void)
{
	struct guest_vp *vp;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(vp));
	return vp;
}

uint64_t guest_entry_rsi(void)
{
	return this_vp_data()->entry_rsi;
}

/* ---- Descriptor tables ---- */

static uint64_t seg_desc(uint64_t type_bits)
{
	/* limit 0xfffff, G=1; base 0 */
	return 0x000f00000000ffffull | (1ull << 55) | type_bits;
}

static void setup_gdt_tss(struct guest_vp *vp)
{
	uint64_t tss = (uint64_t)(uintptr_t)&vp->tss;
	uint64_t ist_top = (uint64_t)(uintptr_t)guest_ist_stacks +
			   (uint64_t)(vp->index + 1) * GUEST_IST_SIZE;
	struct desc_ptr gdtr = { sizeof(vp->gdt) - 1, (uint64_t)(uintptr_t)vp->gdt };

	vp->gdt[0] = 0;
	vp->gdt[1] = seg_desc(0x9aull << 40 | 1ull << 53); /* 0x08 code, L=1 */
	vp->gdt[2] = seg_desc(0x92ull << 40 | 1ull << 54); /* 0x10 data */
	vp->gdt[3] = seg_desc(0xfaull << 40 | 1ull << 54); /* 0x18 user code32 */
	vp->gdt[4] = seg_desc(0xf2ull << 40 | 1ull << 54); /* 0x20 user data */
	vp->gdt[5] = seg_desc(0xfaull << 40 | 1ull << 53); /* 0x28 user code64 */
	/* 0x30: 64-bit available TSS, 16 bytes */
	vp->gdt[6] = (sizeof(vp->tss) - 1) | (tss & 0xffffff) << 16 |
		     0x89ull << 40 | (tss >> 24 & 0xff) << 56;
	vp->gdt[7] = tss >> 32;

	memset(&vp->tss, 0, sizeof(vp->tss));
	vp->tss.ist[0] = ist_top; /* IST1 */
	vp->tss.iomap_base = sizeof(vp->tss);

	lgdt(&gdtr);
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %[ds], %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t" /* clears GS base: set it after */
			 "movw %[tr], %%ax\n\t"
			 "ltr %%ax"
			 :
			 : [cs] "i"(SEL_KCODE), [ds] "i"(SEL_KDATA), [tr] "i"(SEL_TSS)
			 : "rax", "memory");
}

static void set_gate(unsigned int vector)
{
	uint64_t addr = (uint64_t)(uintptr_t)guest_isr_stubs + 16ull * vector;
	uint64_t ist = (vector == DF_VECTOR || vector == NMI_VECTOR ||
			vector == MC_VECTOR) ? 1 : 0;

	/* present, DPL 0, 64-bit interrupt gate (IF cleared on entry) */
	idt[2 * vector] = (addr & 0xffff) | (uint64_t)SEL_KCODE << 16 |
			  ist << 32 | 0x8eull << 40 | (addr >> 16 & 0xffff) << 48;
	idt[2 * vector + 1] = addr >> 32;
}

static void load_idt(void)
{
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	lidt(&idtr);
}

void guest_install_handler(uint8_t vector, guest_handler_t h)
{
	__atomic_store_n(&handlers[vector], h, __ATOMIC_SEQ_CST);
}

/* ---- Start-up ---- */

__attribute__((noreturn)) void guest_runtime_start(const struct bootinfo *bi, uint64_t rsi)
{
	struct guest_vp *vp = &vps[rsi];

	if (rsi == 0) {
		/* The loader zeroes .bss already; this makes it independent of that. */
		memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));
		bootinfo = bi;
		for (unsigned int v = 0; v < 256; v++)
			set_gate(v);
		__atomic_store_n(&runtime_ready, 1, __ATOMIC_RELEASE);
	} else {
		/* APs start from VP 0's SIPIs, after this flag is set; the wait
		 * only matters for a VMM that starts every VP at e_entry.
		 * Generous bound: VP 0 may start late on a loaded host. */
		for (unsigned long i = 0; !__atomic_load_n(&runtime_ready, __ATOMIC_ACQUIRE); i++) {
			if (i > 10000000ul)
				guest_park(); /* cannot report without the runtime */
			cpu_relax();
		}
	}
	vp->self = vp;
	vp->index = (uint32_t)rsi;
	vp->entry_rsi = rsi;
	setup_gdt_tss(vp);
	wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)vp);
	load_idt();

	if (!bi || bi->magic != BOOTINFO_MAGIC)
		GUEST_FAIL("bad boot-info block at %p", (const void *)bi);
	/* Software-enable the xAPIC (INIT left it disabled): VP 0 sends the
	 * start-up IPIs with it, and every VP can take IPIs from guest_main on. */
	apic_enable();
	if (rsi == 0)
		guest_smp_boot(bi);  /* INIT + SIPI to each AP, wait for all */
	else
		guest_smp_checkin((uint32_t)rsi);
	guest_main();
	if (rsi == 0)
		guest_done();
	guest_park();
}

/* ---- Exceptions ---- */

static const char *const vector_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};

/* Resume after guest_catch() as if it returned the vector. */
static void take_catch(struct guest_vp *vp, struct ex_regs *regs)
{
	uint64_t *jb = vp->catch_jmpbuf;

	vp->catch_armed = 0;
	vp->last_exception = (struct guest_exception){
		regs->vector, regs->error_code, regs->rip,
		regs->vector == PF_VECTOR ? read_cr2() : 0,
	};
	/* The catching frame must still be live: it is above the faulting one. */
	if (regs->rsp > jb[6])
		guest_report_terminal(TESTDEV_FAIL, __FILE__, __LINE__, regs->vector,
				      regs->error_code, regs->rip,
				      "%s at rip 0x%llx caught after the function that armed the catch returned",
				      vector_names[regs->vector],
				      (unsigned long long)regs->rip);
	regs->rbx = jb[0];
	regs->rbp = jb[1];
	regs->r12 = jb[2];
	regs->r13 = jb[3];
	regs->r14 = jb[4];
	regs->r15 = jb[5];
	regs->rsp = jb[6];
	regs->rip = jb[7];
	regs->rax = regs->vector;
}

void guest_exception_dispatch(struct ex_regs *regs)
{
	struct guest_vp *vp = this_vp_data();
	guest_handler_t h;

	if (regs->vector < 32 && regs->vector != NMI_VECTOR && vp->catch_armed) {
		take_catch(vp, regs);
		return;
	}
	h = __atomic_load_n(&handlers[regs->vector], __ATOMIC_ACQUIRE);
	if (h) {
		h(regs);
		return;
	}
	if (regs->vector == PF_VECTOR)
		guest_report_terminal(TESTDEV_EXCEPTION, "", 0, regs->vector,
				      regs->error_code, regs->rip, "#PF cr2=0x%llx",
				      (unsigned long long)read_cr2());
	guest_report_terminal(TESTDEV_EXCEPTION, "", 0, regs->vector,
			      regs->error_code, regs->rip, "%s rsp=0x%llx",
			      regs->vector < 32 ? vector_names[regs->vector] : "no handler for interrupt",
			      (unsigned long long)regs->rsp);
}

struct guest_exception guest_last_exception(void)
{
	return this_vp_data()->last_exception;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	int v = guest_catch();

	if (v)
		return v;
	wrmsr(msr, val);
	guest_catch_end();
	return 0;
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	int v = guest_catch();

	if (v)
		return v;
	*val = rdmsr(msr);
	guest_catch_end();
	return 0;
}

/* ---- Test device ---- */

/* Drop leading "../" so messages name guest/guests/x.c, and keep the tail. */
static void copy_file(char *dst, const char *file)
{
	size_t n;

	while (file[0] == '.' && file[1] == '.' && file[2] == '/')
		file += 3;
	n = strlen(file);
	if (n >= TESTDEV_FILE_LEN)
		file += n - (TESTDEV_FILE_LEN - 1);
	guest_snprintf(dst, TESTDEV_FILE_LEN, "%s", file);
}

static void report(uint32_t kind, const char *file, uint32_t line, uint64_t a,
		   uint64_t b, uint64_t c, const char *fmt, va_list ap)
{
	/* Interrupt handlers may report too: keep them off this VP's buffer. */
	uint64_t flags = irq_save();
	struct guest_vp *vp = this_vp_data();
	struct testdev_msg *m = &vp->msg;

	memset(m, 0, sizeof(*m));
	m->magic = TESTDEV_MAGIC;
	m->kind = kind;
	m->vp = vp->index;
	m->line = line;
	m->a = a;
	m->b = b;
	m->c = c;
	copy_file(m->file, file ? file : "");
	guest_vsnprintf(m->msg, sizeof(m->msg), fmt, ap);
	outl(TESTDEV_PORT, (uint32_t)(uintptr_t)m);
	irq_restore(flags);
}

void guest_report(uint32_t kind, const char *file, uint32_t line, uint64_t a,
		  uint64_t b, uint64_t c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(kind, file, line, a, b, c, fmt, ap);
	va_end(ap);
}

void guest_report_terminal(uint32_t kind, const char *file, uint32_t line,
			   uint64_t a, uint64_t b, uint64_t c, const char *fmt, ...)
{
	va_list ap;

	cli();
	va_start(ap, fmt);
	report(kind, file, line, a, b, c, fmt, ap);
	va_end(ap);
	guest_park();
}

void guest_done(void)
{
	guest_report_terminal(TESTDEV_DONE, __FILE__, __LINE__, 0, 0, 0, "done");
}

void guest_park(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

/* ---- Boot info and command line ---- */

const struct bootinfo *guest_bootinfo(void)
{
	return bootinfo;
}

uint32_t guest_nr_cpus(void)
{
	return bootinfo->nr_cpus;
}

const char *guest_cmdline(void)
{
	if (!bootinfo->cmdline_gpa || !bootinfo->cmdline_len)
		return "";
	return (const char *)(uintptr_t)bootinfo->cmdline_gpa;
}

/* Walks space-separated tokens; returns the one starting with `key` + term. */
static const char *find_token(const char *key, size_t klen, char term, size_t *tlen)
{
	const char *p = guest_cmdline();

	while (*p) {
		size_t n = 0;

		while (*p == ' ')
			p++;
		while (p[n] && p[n] != ' ')
			n++;
		if (n >= klen && strncmp(p, key, klen) == 0 &&
		    (term ? (n > klen && p[klen] == term) : n == klen)) {
			*tlen = n;
			return p;
		}
		p += n;
	}
	return NULL;
}

bool guest_cmdline_has(const char *word)
{
	size_t n;

	return find_token(word, strlen(word), 0, &n) != NULL;
}

const char *guest_cmdline_get(const char *key, size_t *len)
{
	size_t klen = strlen(key), n;
	const char *t = find_token(key, klen, '=', &n);

	if (!t)
		return NULL;
	if (len)
		*len = n - klen - 1;
	return t + klen + 1;
}
