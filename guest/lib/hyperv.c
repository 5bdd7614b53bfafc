// SPDX-License-Identifier: MIT
/* Hyper-V enlightened-guest library: see include/hyperv.h. */
#include "guest.h"
#include "hyperv.h"

/* Filled by the VMM when HYPERCALL is enabled; executable (no NX here). */
uint8_t hv_hypercall_pg[HV_PAGE_SIZE] __attribute__((aligned(4096)));

/* Memory-form input and output pages, one each per VP (GPA = VA). */
static uint8_t hv_in_pages[GUEST_MAX_VPS][HV_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t hv_out_pages[GUEST_MAX_VPS][HV_PAGE_SIZE] __attribute__((aligned(4096)));

struct hv_features hv_detect(void)
{
	struct hv_features f = { 0 };
	struct cpuid_regs r;
	char vendor[13];

	if (!(cpuid(1, 0).ecx & (1u << 31)))
		GUEST_SKIP("CPUID.1:ECX[31] clear: no hypervisor present");
	r = cpuid(HV_CPUID_VENDOR, 0);
	memcpy(vendor + 0, &r.ebx, 4);
	memcpy(vendor + 4, &r.ecx, 4);
	memcpy(vendor + 8, &r.edx, 4);
	vendor[12] = 0;
	if (strcmp(vendor, "Microsoft Hv") != 0)
		GUEST_SKIP("CPUID 0x40000000 vendor '%s', not 'Microsoft Hv'", vendor);
	if (r.eax < HV_CPUID_LIMITS)
		GUEST_SKIP("CPUID 0x40000000 max leaf 0x%x < 0x40000005", r.eax);
	f.max_leaf = r.eax;
	r = cpuid(HV_CPUID_INTERFACE, 0);
	if (r.eax != HV_CPUID_SIGNATURE_EAX)
		GUEST_SKIP("CPUID 0x40000001 EAX 0x%x, not 'Hv#1'", r.eax);
	r = cpuid(HV_CPUID_FEATURES, 0);
	f.privileges = (uint64_t)r.ebx << 32 | r.eax;
	f.features_edx = r.edx;
	f.max_vps = cpuid(HV_CPUID_LIMITS, 0).eax;
	return f;
}

void hv_enable_hypercall_page(void)
{
	uint64_t gpa = (uint64_t)(uintptr_t)hv_hypercall_pg, v;

	if (rdmsr(HV_MSR_GUEST_OS_ID) == 0)
		wrmsr(HV_MSR_GUEST_OS_ID, HV_GUEST_OS_ID_SYNVMM);
	wrmsr(HV_MSR_HYPERCALL, gpa | HV_HYPERCALL_ENABLE);
	v = rdmsr(HV_MSR_HYPERCALL);
	GUEST_ASSERT_EQ(v & ~HV_HYPERCALL_LOCKED, gpa | HV_HYPERCALL_ENABLE);
}

void *hv_input_page(void)
{
	return hv_in_pages[this_vp()];
}

void *hv_output_page(void)
{
	return hv_out_pages[this_vp()];
}

uint64_t hv_signal_event_fast(uint32_t conn, uint16_t flag)
{
	return hv_hypercall(HVCALL_SIGNAL_EVENT | HV_HC_FAST,
			    hv_signal_fast_input(conn, flag), 0);
}

uint64_t hv_signal_event_mem(uint32_t conn, uint16_t flag)
{
	volatile uint64_t *in = hv_input_page();

	/* ConnectionId @0, FlagNumber @4, RsvdZ @6: one aligned store. */
	*in = hv_signal_fast_input(conn, flag);
	return hv_hypercall(HVCALL_SIGNAL_EVENT, (uint64_t)(uintptr_t)in, 0);
}

uint64_t hv_delete_port_fast(uint32_t port)
{
	return hv_hypercall_fast(HVCALL_DELETE_PORT, HV_PARTITION_ID_SELF, port);
}

uint64_t hv_delete_port_mem(uint32_t port)
{
	volatile uint64_t *in = hv_input_page();

	in[0] = HV_PARTITION_ID_SELF; /* PortPartitionId */
	in[1] = port;                 /* PortId @8, RsvdZ @12 */
	return hv_hypercall(HVCALL_DELETE_PORT, (uint64_t)(uintptr_t)in, 0);
}

void hv_post_message_input(void *in, uint32_t conn, uint32_t type,
			   const void *payload, uint32_t size)
{
	volatile uint32_t *w = in;
	uint32_t n = size < HV_MESSAGE_PAYLOAD_MAX ? size : HV_MESSAGE_PAYLOAD_MAX;

	w[0] = conn;
	w[1] = 0;       /* RsvdZ */
	w[2] = type;
	w[3] = size;
	memset((uint8_t *)in + 16, 0, HV_MESSAGE_PAYLOAD_MAX);
	if (n)
		memcpy((uint8_t *)in + 16, payload, n);
}

uint64_t hv_post_message(uint32_t conn, uint32_t type, const void *payload,
			 uint32_t size)
{
	void *in = hv_input_page();

	hv_post_message_input(in, conn, type, payload, size);
	return hv_post_message_raw(0, (uint64_t)(uintptr_t)in);
}

const char *hv_status_name(uint64_t status)
{
	if (status >> 16)
		return "(bits above 15 set)";
	switch (status) {
	case HV_STATUS_SUCCESS: return "SUCCESS";
	case HV_STATUS_INVALID_HYPERCALL_CODE: return "INVALID_HYPERCALL_CODE";
	case HV_STATUS_INVALID_HYPERCALL_INPUT: return "INVALID_HYPERCALL_INPUT";
	case HV_STATUS_INVALID_ALIGNMENT: return "INVALID_ALIGNMENT";
	case HV_STATUS_INVALID_PARAMETER: return "INVALID_PARAMETER";
	case HV_STATUS_ACCESS_DENIED: return "ACCESS_DENIED";
	case HV_STATUS_INVALID_PARTITION_STATE: return "INVALID_PARTITION_STATE";
	case HV_STATUS_OPERATION_DENIED: return "OPERATION_DENIED";
	case HV_STATUS_INSUFFICIENT_MEMORY: return "INSUFFICIENT_MEMORY";
	case HV_STATUS_INVALID_PARTITION_ID: return "INVALID_PARTITION_ID";
	case HV_STATUS_INVALID_VP_INDEX: return "INVALID_VP_INDEX";
	case HV_STATUS_NOT_FOUND: return "NOT_FOUND";
	case HV_STATUS_INVALID_PORT_ID: return "INVALID_PORT_ID";
	case HV_STATUS_INVALID_CONNECTION_ID: return "INVALID_CONNECTION_ID";
	case HV_STATUS_INSUFFICIENT_BUFFERS: return "INSUFFICIENT_BUFFERS";
	case HV_STATUS_INVALID_VP_STATE: return "INVALID_VP_STATE";
	case HV_STATUS_INVALID_SYNIC_STATE: return "INVALID_SYNIC_STATE";
	case HV_STATUS_OBJECT_IN_USE: return "OBJECT_IN_USE";
	case HV_STATUS_NO_RESOURCES: return "NO_RESOURCES";
	default: return "?";
	}
}

void hv_synic_enable(void *sief_page)
{
	uint64_t gpa = (uint64_t)(uintptr_t)sief_page;

	GUEST_ASSERT_EQ(gpa & 0xFFF, 0);
	wrmsr(HV_MSR_SIEFP, gpa | HV_PAGE_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIEFP), gpa | HV_PAGE_ENABLE);
	wrmsr(HV_MSR_SCONTROL, HV_SCONTROL_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SCONTROL), HV_SCONTROL_ENABLE);
}

void hv_synic_disable(void)
{
	wrmsr(HV_MSR_SCONTROL, 0);
	wrmsr(HV_MSR_SIEFP, 0);
}

void hv_sint_set(unsigned int sint, uint8_t vector, bool masked, bool auto_eoi,
		 bool polling)
{
	uint64_t v = vector | (masked ? HV_SINT_MASKED : 0) |
		     (auto_eoi ? HV_SINT_AUTO_EOI : 0) | (polling ? HV_SINT_POLLING : 0);

	wrmsr(HV_MSR_SINT(sint), v);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SINT(sint)), v);
}

void hv_simp_enable(void *sim_page)
{
	uint64_t gpa = (uint64_t)(uintptr_t)sim_page;

	GUEST_ASSERT_EQ(gpa & 0xFFF, 0);
	wrmsr(HV_MSR_SIMP, gpa | HV_PAGE_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_MSR_SIMP), gpa | HV_PAGE_ENABLE);
}

void hv_simp_disable(void)
{
	wrmsr(HV_MSR_SIMP, 0);
}

struct hv_timer_message hv_msg_timer(volatile struct hv_message *m)
{
	struct hv_timer_message t;
	const volatile uint8_t *p = m->payload;
	uint8_t b[sizeof(t)];

	for (unsigned int i = 0; i < sizeof(t); i++)
		b[i] = p[i];
	memcpy(&t, b, sizeof(t));
	return t;
}

bool hv_msg_consume(volatile struct hv_message *m)
{
	__atomic_store_n(&m->type, HV_MSG_TYPE_NONE, __ATOMIC_SEQ_CST);
	/* The store must be visible before the flag is read (mfence). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!hv_msg_pending(m))
		return false;
	hv_eom();
	return true;
}

void hv_stimer_stop(unsigned int n)
{
	hv_stimer_config_write(n, 0);
	hv_stimer_count_write(n, 0);
}

unsigned int hv_sief_count_bits(void *sief, unsigned int start, unsigned int len)
{
	const volatile uint8_t *p = (const volatile uint8_t *)sief + start;
	unsigned int n = 0;

	for (unsigned int i = 0; i < len; i++)
		for (uint8_t b = p[i]; b; b &= (uint8_t)(b - 1))
			n++;
	return n;
}

uint64_t hv_cmdline_u64(const char *key, uint64_t def)
{
	size_t len, i = 0;
	const char *v = guest_cmdline_get(key, &len);
	uint64_t x = 0;
	unsigned int base = 10;

	if (!v || !len)
		return def;
	if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		i = 2;
	}
	for (; i < len; i++) {
		char c = v[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			GUEST_FAIL("command line %s=%.*s is not a number", key, (int)len, v);
		x = x * base + d;
	}
	return x;
}
