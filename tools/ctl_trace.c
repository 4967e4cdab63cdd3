/* SPDX-License-Identifier: MIT */
/*
 * `tessera ctl --socket PATH trace dump -o FILE`: reads every CPU's trace ring over the
 * management channel (`trace read CPU FROM`, docs/MANAGEMENT.md "trace") and writes the
 * Chrome JSON trace format (the "Trace Event Format" that Perfetto's UI and
 * chrome://tracing open): process 1 "Tessera CPUs" with one track per physical CPU (exits
 * as slices from exit to entry, injections, vCPU switches), then one process per VM ("VM
 * NAME", pid 100 + its index) with one track per vCPU (its exits as slices, hypercalls by
 * function; VM state changes and health events on vCPU 0's track).
 * Times are the hypervisor's counter converted to microseconds with its frequency (CNTFRQ),
 * from the first record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mgmt_client.h"
#include "tessera.h"

/* The record as the hypervisor sends it (src/include/trace.h: struct trace_rec). */
enum { T_EXIT = 1, T_ENTRY, T_INJECT, T_SWITCH, T_VM_STATE, T_HEALTH };
enum { X_HVC, X_SMC, X_SYSREG, X_WFX, X_DABT, X_IABT, X_IRQ, X_SERROR, X_OTHER };

struct trec {
	unsigned long long time;
	unsigned type, sub, vm, vcpu, arg, cpu;
};

struct trace_set {
	struct trec *r;
	size_t n, cap;
	unsigned long long freq;
	char vm_name[256][64];
};

static int add_rec(struct trace_set *t, const struct trec *r)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		struct trec *nr = realloc(t->r, cap * sizeof(*nr));

		if (!nr) {
			return -1;
		}
		t->r = nr;
		t->cap = cap;
	}
	t->r[t->n++] = *r;
	return 0;
}

/* "rec CPU hex=<32 hex digits per record>" */
static int parse_rec_line(struct trace_set *t, const char *line)
{
	const char *h = strstr(line, " hex=");
	unsigned cpu = (unsigned)strtoul(line + 4, NULL, 10);

	if (!h) {
		return -1;
	}
	for (h += 5; strlen(h) >= 32; h += 32) {
		char f[17];
		struct trec r = {.cpu = cpu};

		memcpy(f, h, 16);
		f[16] = '\0';
		r.time = strtoull(f, NULL, 16);
		memcpy(f, h + 16, 8);
		f[8] = '\0';
		unsigned long w = strtoul(f, NULL, 16);
		r.type = (unsigned)(w >> 24) & 0xff;
		r.sub = (unsigned)(w >> 16) & 0xff;
		r.vm = (unsigned)(w >> 8) & 0xff;
		r.vcpu = (unsigned)w & 0xff;
		memcpy(f, h + 24, 8);
		r.arg = (unsigned)strtoul(f, NULL, 16);
		if (add_rec(t, &r) != 0) {
			return -1;
		}
	}
	return 0;
}

static unsigned long long key_u(const char *line, const char *key)
{
	const char *k = strstr(line, key);

	return k ? strtoull(k + strlen(key), NULL, 10) : 0;
}

/* VM names from `list` ("vm NAME id=N ..."). */
static int fetch_names(struct ctl *c, struct trace_set *t)
{
	char line[1024];

	if (ctl_send(c, "list\n", 5) != 0) {
		return -1;
	}
	for (;;) {
		if (ctl_line(c, line, sizeof(line)) != 0) {
			return -1;
		}
		if (strncmp(line, "vm ", 3) == 0) {
			char name[64];
			unsigned long long id = key_u(line, " id=");

			if (sscanf(line + 3, "%63s", name) == 1 && id < 256) {
				snprintf(t->vm_name[id], sizeof(t->vm_name[id]), "%s", name);
			}
		} else if (strncmp(line, "ok", 2) == 0 || strncmp(line, "err", 3) == 0) {
			return 0;
		}
	}
}

/* One "trace read" round trip: the records into t, the "ok" line's positions into *next and
 * *end. 1: CPU cpu does not exist (and is not CPU 0); -1: the channel failed. */
static int read_once(struct ctl *c, struct trace_set *t, unsigned cpu, unsigned long long from,
		     unsigned long long *next, unsigned long long *end)
{
	char req[64], line[1024];
	int n = snprintf(req, sizeof(req), "trace read %u %llu\n", cpu, from);

	if (ctl_send(c, req, (size_t)n) != 0) {
		return -1;
	}
	for (;;) {
		if (ctl_line(c, line, sizeof(line)) != 0) {
			return -1;
		}
		if (strncmp(line, "rec ", 4) != 0) {
			break;
		}
		if (parse_rec_line(t, line) != 0) {
			return -1;
		}
	}
	if (strncmp(line, "err bad-args no CPU", 19) == 0) {
		return cpu == 0 ? -1 : 1;
	}
	if (strncmp(line, "ok ", 3) != 0) {
		fprintf(stderr, "tessera ctl: %s\n", line);
		return -1;
	}
	t->freq = key_u(line, " freq=");
	*next = key_u(line, " next=");
	*end = key_u(line, " end=");
	return 0;
}

/*
 * Every record of every CPU; the CPUs are asked in turn until one does not exist. Each CPU
 * is read up to where its writer was at the first read (its "end" then), not to where it is
 * now: while tracing is on the writer goes on (the reads themselves are exits of CPU 0's
 * vCPU), and a reader that chased the live end could never finish. A read that does not
 * advance ends the CPU too, so the loop is bounded whatever the hypervisor answers.
 */
static int fetch_all(struct ctl *c, struct trace_set *t, long timeout_ms)
{
	for (unsigned cpu = 0; cpu < 256; cpu++) {
		unsigned long long from = 0, next = 0, end = 0, stop = 0;
		bool first = true;

		do {
			int rc;

			c->deadline_ms = now_ms() + timeout_ms; /* per request: there are many */
			rc = read_once(c, t, cpu, from, &next, &end);
			if (rc != 0) {
				return rc < 0 ? -1 : 0;
			}
			if (first) {
				stop = end;
				first = false;
			} else if (next <= from) {
				break;
			}
			from = next;
		} while (next < stop);
	}
	return 0;
}

static int by_time(const void *a, const void *b)
{
	const struct trec *x = a, *y = b;

	if (x->time != y->time) {
		return x->time < y->time ? -1 : 1;
	}
	return x->cpu < y->cpu ? -1 : x->cpu > y->cpu;
}

/* Names of the calls a guest makes (SMCCC, PSCI 1.1, Tessera's abi.h). */
static const char *fn_name(unsigned fid)
{
	static const char *const psci[] = {"PSCI_VERSION",
					   "PSCI_CPU_SUSPEND",
					   "PSCI_CPU_OFF",
					   "PSCI_CPU_ON",
					   "PSCI_AFFINITY_INFO",
					   "PSCI_MIGRATE",
					   "PSCI_MIGRATE_INFO_TYPE",
					   "PSCI_MIGRATE_INFO_UP_CPU",
					   "PSCI_SYSTEM_OFF",
					   "PSCI_SYSTEM_RESET",
					   "PSCI_FEATURES",
					   "PSCI_CPU_FREEZE",
					   "PSCI_CPU_DEFAULT_SUSPEND",
					   "PSCI_NODE_HW_STATE",
					   "PSCI_SYSTEM_SUSPEND",
					   "PSCI_SET_SUSPEND_MODE",
					   "PSCI_STAT_RESIDENCY",
					   "PSCI_STAT_COUNT",
					   "PSCI_SYSTEM_RESET2",
					   "PSCI_MEM_PROTECT",
					   "PSCI_MEM_PROTECT_CHECK_RANGE"};
	static const char *const tess[] = {
	    "TESSERA_VERSION",	      "TESSERA_FEATURES",  "TESSERA_VM_ID",
	    "TESSERA_CHANNEL_NOTIFY", "TESSERA_HEARTBEAT", "TESSERA_EXIT_STATUS",
	    "TESSERA_TRACE",	      "TESSERA_MANAGE",	   "TESSERA_MEASUREMENT"};

	if ((fid & 0xbfffff00U) == 0x84000000U && (fid & 0xff) < sizeof(psci) / sizeof(psci[0])) {
		return psci[fid & 0xff];
	}
	if ((fid & 0xffffff00U) == 0xc6000000U && (fid & 0xff) < sizeof(tess) / sizeof(tess[0])) {
		return tess[fid & 0xff];
	}
	if (fid == 0x80000000U) {
		return "SMCCC_VERSION";
	}
	if (fid == 0x80000001U) {
		return "SMCCC_ARCH_FEATURES";
	}
	return NULL;
}

static const char *vm_state_name(unsigned st)
{
	static const char *const names[] = {"running", "stopped", "resetting", "paused"};

	return st < 4 ? names[st] : "unknown";
}

static const char *cause_name(unsigned c)
{
	static const char *const names[] = {"system-off",   "crash",  "management",
					    "watchdog",	    "aborts", "guest-failure",
					    "restart-limit"};

	return c < 7 ? names[c] : "unknown";
}

/* The slice name of an exit. */
static void exit_name(char *buf, size_t size, const struct trec *r)
{
	static const char *const cls[] = {"HVC",  "SMC", "SYSREG", "WFx", "DABT",
					  "IABT", "IRQ", "SERROR", "EXIT"};
	const char *c = r->sub < 9 ? cls[r->sub] : "EXIT";
	const char *fn = fn_name(r->arg);

	if ((r->sub == X_HVC || r->sub == X_SMC) && fn) {
		snprintf(buf, size, "%s %s", c, fn);
	} else if (r->sub == X_HVC || r->sub == X_SMC || r->sub == X_DABT || r->sub == X_IABT ||
		   r->sub == X_SYSREG) {
		snprintf(buf, size, "%s 0x%x", c, r->arg);
	} else if (r->sub == X_IRQ) {
		snprintf(buf, size, "IRQ %u", r->arg);
	} else if (r->sub == X_WFX) {
		snprintf(buf, size, "%s", r->arg ? "WFE" : "WFI");
	} else {
		snprintf(buf, size, "%s %u", c, r->arg);
	}
}

struct jout {
	FILE *f;
	bool first;
	unsigned long long t0, freq;
};

static double us(const struct jout *j, unsigned long long t)
{
	return (double)(t - j->t0) * 1e6 / (double)j->freq;
}

static void jstr(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
		}
		fputc((unsigned char)*s < 0x20 ? '?' : *s, f);
	}
	fputc('"', f);
}

static void jbegin(struct jout *j)
{
	fputs(j->first ? "\n" : ",\n", j->f);
	j->first = false;
}

static void meta(struct jout *j, unsigned pid, long tid, const char *what, const char *name)
{
	jbegin(j);
	fprintf(j->f, "{\"ph\":\"M\",\"pid\":%u,", pid);
	if (tid >= 0) {
		fprintf(j->f, "\"tid\":%ld,", tid);
	}
	fprintf(j->f, "\"name\":\"%s\",\"args\":{\"name\":", what);
	jstr(j->f, name);
	fputs("}}", j->f);
}

static void slice(struct jout *j, unsigned pid, unsigned tid, const char *name, const char *cat,
		  unsigned long long t, unsigned long long end, const struct trec *r)
{
	jbegin(j);
	fprintf(j->f, "{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"name\":", pid, tid);
	jstr(j->f, name);
	fprintf(
	    j->f,
	    ",\"cat\":\"%s\",\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"cpu\":%u,\"vm\":%u,\"vcpu\":%u,"
	    "\"arg\":\"0x%x\"}}",
	    cat, us(j, t), us(j, end) - us(j, t), r->cpu, r->vm, r->vcpu, r->arg);
}

static void instant(struct jout *j, unsigned pid, unsigned tid, const char *name, const char *cat,
		    const struct trec *r)
{
	jbegin(j);
	fprintf(j->f, "{\"ph\":\"i\",\"s\":\"t\",\"pid\":%u,\"tid\":%u,\"name\":", pid, tid);
	jstr(j->f, name);
	fprintf(j->f,
		",\"cat\":\"%s\",\"ts\":%.3f,\"args\":{\"cpu\":%u,\"vm\":%u,\"vcpu\":%u,"
		"\"arg\":\"0x%x\"}}",
		cat, us(j, r->time), r->cpu, r->vm, r->vcpu, r->arg);
}

#define PID_CPUS   1
#define PID_VM(vm) (100U + (vm))

/* The end of the exit at index i on its CPU: the next record of that CPU that is an entry,
 * an exit or a switch (a stopped vCPU's exit ends where its CPU does something else). */
static unsigned long long exit_end(const struct trace_set *t, size_t i)
{
	for (size_t k = i + 1; k < t->n; k++) {
		const struct trec *r = &t->r[k];

		if (r->cpu == t->r[i].cpu &&
		    (r->type == T_ENTRY || r->type == T_EXIT || r->type == T_SWITCH)) {
			return r->time;
		}
	}
	return t->r[i].time;
}

static void write_json(FILE *f, struct trace_set *t)
{
	struct jout j = {.f = f, .first = true, .freq = t->freq ? t->freq : 1};
	bool cpu_seen[256] = {false}, vm_seen[256] = {false}, vcpu_seen[256][8] = {{false}};
	unsigned cur_vm[256];
	char name[128];

	memset(cur_vm, 0xff, sizeof(cur_vm));
	j.t0 = t->n ? t->r[0].time : 0;
	fprintf(f,
		"{\"displayTimeUnit\":\"ns\",\"otherData\":{\"counter_freq_hz\":%llu,"
		"\"records\":%zu},\"traceEvents\":[",
		t->freq, t->n);
	meta(&j, PID_CPUS, -1, "process_name", "Tessera CPUs");
	for (size_t i = 0; i < t->n; i++) {
		const struct trec *r = &t->r[i];
		unsigned cpu = r->cpu & 0xff, vm = r->vm & 0xff;

		if (!cpu_seen[cpu]) {
			cpu_seen[cpu] = true;
			snprintf(name, sizeof(name), "CPU %u", cpu);
			meta(&j, PID_CPUS, cpu, "thread_name", name);
		}
		if (r->type == T_INJECT) {
			vm = cur_vm[cpu]; /* the vGIC does not know its VM: the one on this CPU */
		}
		if (vm < 255 && !vm_seen[vm]) {
			vm_seen[vm] = true;
			if (!t->vm_name[vm][0]) {
				snprintf(t->vm_name[vm], sizeof(t->vm_name[vm]), "%u", vm);
			}
			snprintf(name, sizeof(name), "VM %s", t->vm_name[vm]);
			meta(&j, PID_VM(vm), -1, "process_name", name);
		}
		if (vm < 255 && r->type != T_INJECT && !vcpu_seen[vm][r->vcpu & 7]) {
			vcpu_seen[vm][r->vcpu & 7] = true;
			snprintf(name, sizeof(name), "%s vCPU %u", t->vm_name[vm], r->vcpu & 7);
			meta(&j, PID_VM(vm), r->vcpu & 7, "thread_name", name);
		}
		switch (r->type) {
		case T_EXIT:
			cur_vm[cpu] = vm;
			exit_name(name, sizeof(name), r);
			slice(&j, PID_CPUS, cpu, name, "exit", r->time, exit_end(t, i), r);
			slice(&j, PID_VM(vm), r->vcpu & 7, name, "exit", r->time, exit_end(t, i),
			      r);
			if ((r->sub == X_HVC || r->sub == X_SMC)) {
				const char *fn = fn_name(r->arg);

				if (fn) {
					instant(&j, PID_VM(vm), r->vcpu & 7, fn, "hypercall", r);
				} else {
					snprintf(name, sizeof(name), "call 0x%x", r->arg);
					instant(&j, PID_VM(vm), r->vcpu & 7, name, "hypercall", r);
				}
			}
			break;
		case T_ENTRY:
			cur_vm[cpu] = vm;
			break;
		case T_INJECT:
			snprintf(name, sizeof(name), "inject %u", r->arg);
			instant(&j, PID_CPUS, cpu, name, "inject", r);
			break;
		case T_SWITCH:
			cur_vm[cpu] = vm;
			snprintf(name, sizeof(name), "switch to %s.%u",
				 t->vm_name[vm][0] ? t->vm_name[vm] : "vm", r->vcpu);
			instant(&j, PID_CPUS, cpu, name, "switch", r);
			break;
		case T_VM_STATE:
			snprintf(name, sizeof(name), "state %s -> %s", vm_state_name(r->arg),
				 vm_state_name(r->sub));
			instant(&j, PID_VM(vm), 0, name, "vm_state", r);
			break;
		case T_HEALTH:
			snprintf(name, sizeof(name), "health: failed (%s)", cause_name(r->sub));
			instant(&j, PID_VM(vm), 0, name, "health", r);
			break;
		default:
			break;
		}
	}
	fputs("\n]}\n", f);
}

/* `trace dump -o FILE` (argv: the words after "dump"). */
int ctl_trace_dump(const char *sock, int argc, char **argv, long timeout_s)
{
	struct trace_set *t;
	struct ctl *c;
	const char *out = NULL;
	FILE *f;
	int rc = CTL_EXIT_CONN;

	if (argc == 2 && strcmp(argv[0], "-o") == 0) {
		out = argv[1];
	}
	if (!out) {
		fprintf(stderr, "usage: tessera ctl --socket PATH trace dump -o FILE\n");
		return CTL_EXIT_CONN;
	}
	t = calloc(1, sizeof(*t));
	c = calloc(1, sizeof(*c));
	if (!t || !c) {
		goto done;
	}
	c->fd = -1;
	c->deadline_ms = now_ms() + timeout_s * 1000L;
	if (ctl_connect(c, sock) != 0 || ctl_sync(c, false) != 0 || fetch_names(c, t) != 0 ||
	    fetch_all(c, t, timeout_s * 1000L) != 0) {
		fprintf(stderr, "tessera ctl: trace dump: the management channel failed\n");
		goto done;
	}
	qsort(t->r, t->n, sizeof(t->r[0]), by_time);
	f = strcmp(out, "-") == 0 ? stdout : fopen(out, "w");
	if (!f) {
		perror(out);
		rc = CTL_EXIT_ERR;
		goto done;
	}
	write_json(f, t);
	if (f != stdout && fclose(f) != 0) {
		perror(out);
		rc = CTL_EXIT_ERR;
		goto done;
	}
	fprintf(stderr, "tessera ctl: %zu trace records written to %s\n", t->n, out);
	rc = 0;
done:
	if (c) {
		ctl_close(c);
	}
	free(c);
	if (t) {
		free(t->r);
	}
	free(t);
	return rc;
}
