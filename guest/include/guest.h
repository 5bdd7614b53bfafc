/* SPDX-License-Identifier: MIT */
/*
 * synvmm guest runtime: the API every freestanding test guest uses.
 *
 * A guest defines `void guest_main(void)`. The runtime's entry (lib/entry.S)
 * runs on every VP, gives it its own stack, GDT, TSS, IDT and per-VP data
 * (reachable through GS), then calls guest_main() on every VP at once.
 * Returning from guest_main() on VP 0 is guest_done(); on any other VP it
 * parks the VP (cli; hlt).
 *
 * Results travel through the test device (devices/testdev_abi.h): each VP
 * fills its own struct testdev_msg and OUTs its address to TESTDEV_PORT.
 * DONE, FAIL, ASSERT, SKIP and EXCEPTION are terminal: the VP never returns
 * from them (cli; hlt forever) and the VMM ends the run.
 */
#ifndef SYNVMM_GUEST_H
#define SYNVMM_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testdev_abi.h"
#include "guest_printf.h"
#include "x86.h"

#define GUEST_MAX_VPS 64
#define GUEST_STACK_SIZE 16384 /* per VP */
#define GUEST_IST_SIZE 4096    /* per VP, for #DF, NMI and #MC */

/* Write this in every guest. */
void guest_main(void);

/* ---- Boot information and per-VP data ---- */
const struct bootinfo *guest_bootinfo(void);
uint32_t guest_nr_cpus(void);   /* bootinfo->nr_cpus */
const char *guest_cmdline(void); /* "" when the VMM gave none */
/* true when the command line holds `word` as a whole space-separated token */
bool guest_cmdline_has(const char *word);
/* value of a `key=value` token, or NULL; *len receives its length */
const char *guest_cmdline_get(const char *key, size_t *len);

struct guest_vp;
/* This VP's index (the RSI the VMM started it with), read through GS. */
static inline uint32_t this_vp(void)
{
	uint32_t v;
	__asm__ volatile("movl %%gs:8, %0" : "=r"(v));
	return v;
}
/* This VP's runtime block: what its GS base points at. */
static inline void *this_vp_base(void)
{
	void *p;
	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}
/* The raw RSI value the entry code saw on this VP (tests compare it). */
uint64_t guest_entry_rsi(void);

/* ---- Reporting (test device) ---- */
__attribute__((format(printf, 7, 8)))
void guest_report(uint32_t kind, const char *file, uint32_t line,
		  uint64_t a, uint64_t b, uint64_t c, const char *fmt, ...);
__attribute__((noreturn, format(printf, 7, 8)))
void guest_report_terminal(uint32_t kind, const char *file, uint32_t line,
			   uint64_t a, uint64_t b, uint64_t c, const char *fmt, ...);
__attribute__((noreturn)) void guest_done(void);
/* cli; hlt forever: what a VP does after a terminal message, or when idle. */
__attribute__((noreturn)) void guest_park(void);

#define GUEST_PASS(...) \
	guest_report(TESTDEV_PASS, __FILE__, __LINE__, 0, 0, 0, __VA_ARGS__)
#define GUEST_FAIL(...) \
	guest_report_terminal(TESTDEV_FAIL, __FILE__, __LINE__, 0, 0, 0, __VA_ARGS__)
#define GUEST_SKIP(...) \
	guest_report_terminal(TESTDEV_SKIP, __FILE__, __LINE__, 0, 0, 0, __VA_ARGS__)
#define GUEST_SYNC(stage) \
	guest_report(TESTDEV_SYNC, __FILE__, __LINE__, (uint64_t)(stage), 0, 0, \
		     "sync %llu", (unsigned long long)(stage))
#define GUEST_VALUE(name, v) \
	guest_report(TESTDEV_VALUE, __FILE__, __LINE__, (uint64_t)(v), 0, 0, "%s", (name))
#define GUEST_DONE() guest_done()

/* Assertions: terminal TESTDEV_ASSERT with file, line, expression, a, b. */
#define GUEST_ASSERT(cond)                                                   \
	do {                                                                 \
		if (!(cond))                                                 \
			guest_report_terminal(TESTDEV_ASSERT, __FILE__,      \
					      __LINE__, 0, 0, 0, "%s", #cond); \
	} while (0)
#define GUEST_ASSERT_MSG(cond, fmt, ...)                                     \
	do {                                                                 \
		if (!(cond))                                                 \
			guest_report_terminal(TESTDEV_ASSERT, __FILE__,      \
					      __LINE__, 0, 0, 0,             \
					      "%s: " fmt, #cond, ##__VA_ARGS__); \
	} while (0)
/* Both sides are evaluated once and compared as uint64_t. */
#define __GUEST_ASSERT_CMP(a, b, op, text)                                   \
	do {                                                                 \
		uint64_t __ga = (uint64_t)(a), __gb = (uint64_t)(b);         \
		if (!(__ga op __gb))                                         \
			guest_report_terminal(TESTDEV_ASSERT, __FILE__,      \
					      __LINE__, __ga, __gb, 0,       \
					      "%s", text);                   \
	} while (0)
/* Stringized here, before expansion: the message shows what was written. */
#define GUEST_ASSERT_EQ(a, b) __GUEST_ASSERT_CMP(a, b, ==, #a " == " #b)
#define GUEST_ASSERT_NE(a, b) __GUEST_ASSERT_CMP(a, b, !=, #a " != " #b)
/* String equality; on failure the message shows both strings. */
#define GUEST_ASSERT_STREQ(a, b)                                             \
	do {                                                                 \
		const char *__gsa = (a), *__gsb = (b);                       \
		if (strcmp(__gsa, __gsb) != 0)                               \
			guest_report_terminal(TESTDEV_ASSERT, __FILE__,      \
					      __LINE__, 0, 0, 0,             \
					      "%s == %s: \"%s\" != \"%s\"", \
					      #a, #b, __gsa, __gsb);         \
	} while (0)

/* ---- Bounded waiting ---- */
/* k-th smallest (0-based) of a[0..n), n > 0, k < n; reorders a (Hoare
 * quickselect). For medians and percentiles of measurements. */
uint32_t select_kth(uint32_t *a, uint32_t n, uint32_t k);

#define GUEST_SPIN_DEFAULT 100000ul
/*
 * Spin (with PAUSE) until `cond` holds, at most `iters` times; evaluates to
 * true if it held. Guest code may run ~1 us per instruction on slow hosts,
 * so 10^5 iterations is already a long time; every wait must be bounded.
 */
#define spin_until(cond, iters)                                              \
	({                                                                   \
		bool __ok = false;                                           \
		for (unsigned long __i = 0;; __i++) {                        \
			if (cond) { __ok = true; break; }                    \
			if (__i >= (unsigned long)(iters))                   \
				break;                                       \
			cpu_relax();                                         \
		}                                                            \
		__ok;                                                        \
	})
/* spin_until with the default bound; GUEST_FAIL names `cond` on timeout. */
#define GUEST_WAIT_UNTIL(cond)                                               \
	do {                                                                 \
		if (!spin_until(cond, GUEST_SPIN_DEFAULT))                   \
			GUEST_FAIL("timed out waiting for %s", #cond);       \
	} while (0)

/* ---- Exceptions and interrupts ---- */
/* What the common interrupt stub saves; handlers may change any field. */
struct ex_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* the hardware frame */
};
typedef void (*guest_handler_t)(struct ex_regs *regs);

/*
 * Install `h` for `vector` (any of 0-255; shared by all VPs). The handler
 * runs with interrupts off on the interrupted stack (#DF, NMI and #MC on
 * the IST stack); returning resumes at regs->rip. NULL uninstalls. Without
 * a handler, any vector is reported as TESTDEV_EXCEPTION (terminal).
 */
void guest_install_handler(uint8_t vector, guest_handler_t h);

/*
 * Catching an expected exception (setjmp-style, per VP):
 *
 *	int v = guest_catch();    // arms the catch; returns 0 now
 *	if (v == 0) {
 *		__asm__ volatile("ud2");
 *		guest_catch_end(); // disarm; not reached if ud2 faulted
 *		GUEST_FAIL("no #UD");
 *	}
 *	GUEST_ASSERT_EQ(v, UD_VECTOR);  // guest_catch() "returned" again
 *
 * While armed, the next exception 0-31 (except NMI) on this VP disarms the
 * catch and resumes execution as if guest_catch() returned the vector
 * (error code and RIP via guest_last_exception()). Rules, as for setjmp:
 * call guest_catch_end() before the function that called guest_catch()
 * returns; locals changed between the two calls and read afterwards must
 * be volatile. A catch outranks an installed handler for vectors 0-31.
 * GUEST_EXPECT_EXCEPTION below wraps the pattern for one statement.
 */
__attribute__((returns_twice)) int guest_catch(void);
static inline void guest_catch_end(void)
{
	__asm__ volatile("movl $0, %%gs:12" ::: "memory");
}
struct guest_exception { uint64_t vector, error_code, rip, cr2; };
/* The last exception a catch took on this VP. */
struct guest_exception guest_last_exception(void);

#define GUEST_EXPECT_EXCEPTION(vec, stmt)                                    \
	do {                                                                 \
		int __gv = guest_catch();                                    \
		if (__gv == 0) {                                             \
			stmt;                                                \
			guest_catch_end();                                   \
			GUEST_FAIL("%s: expected vector %d, none taken", #stmt, \
				   (int)(vec));                              \
		}                                                            \
		GUEST_ASSERT_EQ(__gv, (vec));                                \
	} while (0)

/* Return 0 or the vector taken (e.g. GP_VECTOR). */
int wrmsr_safe(uint32_t msr, uint64_t val);
int rdmsr_safe(uint32_t msr, uint64_t *val);

/* ---- Serial console (COM1) ---- */
__attribute__((format(printf, 1, 2))) int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
int puts(const char *s); /* appends a newline */
void serial_write(const char *s, size_t n);

/* ---- Freestanding string functions ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
