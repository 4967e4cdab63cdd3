/* SPDX-License-Identifier: MIT */
/*
 * The trace commands (docs/MANAGEMENT.md "trace"; the rings are core/trace.c):
 *   trace start           every vCPU's exits, entries and the other events are recorded
 *   trace stop            recording ends; the rings keep what they hold
 *   trace read CPU FROM   CPU's records from position FROM, hex-encoded, at most
 *                         MGMT_TRACE_READ_MAX a request; "ok next=N end=E freq=F"
 * A client reads each CPU from 0 until next == end. Starting again drops the records of the
 * previous trace from what a read returns.
 */
#include "arch.h"
#include "lib.h"
#include "trace.h"
#include "mgmt_int.h"

#define MGMT_TRACE_READ_MAX 120 /* records per read: 20 lines */
#define MGMT_TRACE_LINE	    6	/* records per "rec" line: 6 x 32 hex digits */

static u32 cpu_count(void)
{
	return MIN(system_platform.cpu_count, (u32)CONFIG_MAX_PCPUS);
}

/* Every vCPU's flag (tested once per exit, trap paths); written here only. */
static void trace_vcpus(bool on)
{
	for (u32 i = 0; i < vm_count && i < CONFIG_MAX_VMS; i++) {
		for (u32 v = 0; v < vms[i].vcpu_count && v < CONFIG_MAX_VCPUS; v++) {
			__atomic_store_n(&vms[i].vcpus[v].trace, (u32)on, __ATOMIC_RELAXED);
		}
	}
}

static void trace_read_cmd(struct mgmt_out *o, const char *cpu_arg, const char *from_arg)
{
	u64 cpu, pos, end = 0;
	u32 total = 0, n;

	if (!cpu_arg || !from_arg || !mgmt_parse_u64(cpu_arg, &cpu) ||
	    !mgmt_parse_u64(from_arg, &pos)) {
		mgmt_err(o, "bad-args", "usage: trace read CPU FROM (decimal numbers)");
		return;
	}
	if (cpu >= cpu_count()) {
		mgmt_err(o, "bad-args", "no CPU %llu (this machine has %u)",
			 (unsigned long long)cpu, cpu_count());
		return;
	}
	/* A line at a time: a few records on the stack, whatever the request's total. */
	do {
		struct trace_rec rec[MGMT_TRACE_LINE];
		char hex[MGMT_TRACE_LINE * 32 + 1];
		u32 len = 0;

		n = trace_read((u32)cpu, &pos, rec, MGMT_TRACE_LINE, &end);
		for (u32 k = 0; k < n; k++) {
			len += (u32)fmt_snprintf(hex + len, sizeof(hex) - len,
						 "%016llx%02x%02x%02x%02x%08x",
						 (unsigned long long)rec[k].time, rec[k].type,
						 rec[k].sub, rec[k].vm, rec[k].vcpu, rec[k].arg);
		}
		if (n) {
			mgmt_line(o, "rec %llu hex=%s", (unsigned long long)cpu, hex);
		}
		total += n;
	} while (n > 0 && total < MGMT_TRACE_READ_MAX);
	mgmt_line(o, "ok next=%llu end=%llu freq=%llu tracing=%u", (unsigned long long)pos,
		  (unsigned long long)end, (unsigned long long)arch_counter_freq(),
		  (unsigned)trace_active);
}

void mgmt_trace(struct mgmt_out *o, char **argv)
{
	const char *what = argv[1];

	if (what && strcmp(what, "read") == 0) {
		trace_read_cmd(o, argv[2], argv[3]);
	} else if (what && argv[2]) {
		mgmt_err(o, "bad-args", "trace %s takes no arguments", what);
	} else if (what && strcmp(what, "start") == 0) {
		if (trace_begin(cpu_count()) != 0) {
			mgmt_err(o, "no-memory", "no free pages for the trace rings");
			return;
		}
		trace_vcpus(true);
		mgmt_line(o, "ok tracing cpus=%u freq=%llu records_per_cpu=%u", cpu_count(),
			  (unsigned long long)arch_counter_freq(), (unsigned)TRACE_RING_RECS);
	} else if (what && strcmp(what, "stop") == 0) {
		trace_vcpus(false);
		trace_end();
		mgmt_line(o, "ok stopped cpus=%u", cpu_count());
	} else {
		mgmt_err(o, "bad-args", "usage: trace start|stop|read CPU FROM");
	}
}
