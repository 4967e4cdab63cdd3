/* SPDX-License-Identifier: MIT */
/*
 * Scheduling bindings (docs/CONFIG.md "Scheduling"): the /scheduling node, one cpu@N child
 * per physical CPU that is not static; the VM properties priority, budget-us and period-us;
 * and every rule on which vCPUs may share a CPU. It runs after /vms: windows name VMs, and
 * whether a CPU may be shared depends on its policy. Times stay in microseconds here (the
 * host does not know the counter frequency); core/sched_setup.c converts them at boot.
 */
#include "config_int.h"
#include "tessera_features.h"
#include "lib.h"

#define SCHED_PPT 1000000000000ULL /* utilisation in parts per 10^12: 100 % */

static const char *const sched_kind_names[] = {"static", "priority", "partition"};

static int sched_u32(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len, u32 lo,
		     u32 hi, u32 *out)
{
	if (len != 4) {
		return config_fail(c, node, name, "expected one 32-bit cell, got %u bytes", len);
	}
	*out = be32_load(val);
	if (*out < lo || *out > hi) {
		return config_fail(c, node, name, "%u out of range %u..%u", *out, lo, hi);
	}
	return 0;
}

/* One NUL-terminated string with no embedded NUL, shorter than max. */
static int sched_string(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			char *out, u32 max)
{
	if (len == 0 || val[len - 1] != '\0' || str_nlen((const char *)val, len) != len - 1) {
		return config_fail(c, node, name, "expected one string");
	}
	if (len > max) {
		return config_fail(c, node, name, "string longer than %u characters", max - 1);
	}
	memcpy(out, val, len);
	return 0;
}

int config_sched_vm_priority(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct vm_cfg *vm = out;

	vm->has_priority = true;
	return sched_u32(c, node, name, val, len, CONFIG_PRIO_MIN, CONFIG_PRIO_MAX, &vm->priority);
}

int config_sched_vm_budget(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	return sched_u32(c, node, name, val, len, CONFIG_BUDGET_US_MIN, CONFIG_PERIOD_US_MAX,
			 &vm->budget_us);
}

int config_sched_vm_period(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out)
{
	struct vm_cfg *vm = out;

	return sched_u32(c, node, name, val, len, CONFIG_PERIOD_US_MIN, CONFIG_PERIOD_US_MAX,
			 &vm->period_us);
}

/* A cpu@N node while its properties are parsed. */
struct sched_cpu_parse {
	struct sched_pcpu_cfg *s;
	bool has_quantum, has_frame, has_lead;
};

static int sched_parse_policy(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			      void *out)
{
	struct sched_cpu_parse *p = out;
	char s[16];

	if (sched_string(c, node, name, val, len, s, sizeof(s)) != 0) {
		return -1;
	}
	for (u32 i = 0; i < ARRAY_SIZE(sched_kind_names); i++) {
		if (strcmp(s, sched_kind_names[i]) == 0) {
			p->s->kind = (enum sched_kind)i;
			return 0;
		}
	}
	return config_fail(c, node, name,
			   "unknown policy \"%s\" (expected \"static\", \"priority\" or "
			   "\"partition\")",
			   s);
}

static int sched_parse_quantum(struct cfg_ctx *c, int node, const char *name, const u8 *val,
			       u32 len, void *out)
{
	struct sched_cpu_parse *p = out;

	p->has_quantum = true;
	return sched_u32(c, node, name, val, len, CONFIG_QUANTUM_US_MIN, CONFIG_QUANTUM_US_MAX,
			 &p->s->quantum_us);
}

static int sched_parse_lead(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			    void *out)
{
	struct sched_cpu_parse *p = out;

	p->has_lead = true;
	return sched_u32(c, node, name, val, len, CONFIG_WAKE_LEAD_US_MIN, CONFIG_WAKE_LEAD_US_MAX,
			 &p->s->wake_lead_us);
}

static int sched_parse_frame(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out)
{
	struct sched_cpu_parse *p = out;

	p->has_frame = true;
	return sched_u32(c, node, name, val, len, CONFIG_FRAME_US_MIN, CONFIG_FRAME_US_MAX,
			 &p->s->major_frame_us);
}

static const struct config_prop sched_cpu_props[] = {
    {"policy", sched_parse_policy, true},
    {"quantum-us", sched_parse_quantum, false},
    {"major-frame-us", sched_parse_frame, false},
    {"wake-lead-us", sched_parse_lead, false},
};

/* One window node while its properties are parsed. */
struct sched_win_parse {
	const struct config *cfg;
	u32 pcpu;
	struct sched_window_cfg *w;
};

static bool sched_vm_on_cpu(const struct vm_cfg *vm, u32 pcpu)
{
	for (u32 i = 0; i < vm->vcpu_count; i++) {
		if (vm->cpus[i] == pcpu) {
			return true;
		}
	}
	return false;
}

static int sched_parse_win_vm(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			      void *out)
{
	struct sched_win_parse *p = out;
	char s[CONFIG_NAME_MAX];
	int vm;

	if (sched_string(c, node, name, val, len, s, sizeof(s)) != 0) {
		return -1;
	}
	vm = config_find_vm(p->cfg, s);
	if (vm < 0) {
		return config_fail(c, node, name, "no VM named \"%s\"", s);
	}
	if (!sched_vm_on_cpu(&p->cfg->vms[vm], p->pcpu)) {
		return config_fail(c, node, name, "VM %s has no vCPU on CPU %u", s, p->pcpu);
	}
	p->w->vm = vm;
	return 0;
}

static int sched_parse_win_offset(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				  u32 len, void *out)
{
	struct sched_win_parse *p = out;

	return sched_u32(c, node, name, val, len, 0, CONFIG_FRAME_US_MAX, &p->w->offset_us);
}

static int sched_parse_win_duration(struct cfg_ctx *c, int node, const char *name, const u8 *val,
				    u32 len, void *out)
{
	struct sched_win_parse *p = out;

	return sched_u32(c, node, name, val, len, 1, CONFIG_FRAME_US_MAX, &p->w->duration_us);
}

static const struct config_prop sched_win_props[] = {
    {"vm", sched_parse_win_vm, false},
    {"offset-us", sched_parse_win_offset, true},
    {"duration-us", sched_parse_win_duration, true},
};

/* "prefix" or "prefix@...". */
static bool sched_node_named(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(name, prefix, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

static int sched_window(struct cfg_ctx *c, int node, u32 pcpu, int *nodes)
{
	struct sched_pcpu_cfg *s = &c->cfg->sched[pcpu];
	struct sched_window_cfg *w = &s->windows[s->window_count];
	struct sched_win_parse p = {c->cfg, pcpu, w};

	if (!sched_node_named(fdt_name(&c->fdt, node), "window")) {
		return config_fail(c, node, NULL, "unknown node (expected window@N)");
	}
	if (s->window_count == SCHED_MAX_WINDOWS) {
		return config_fail(c, node, NULL, "too many windows (max %u)", SCHED_MAX_WINDOWS);
	}
	w->vm = SCHED_IDLE;
	if (config_parse_props(c, node, sched_win_props, ARRAY_SIZE(sched_win_props), &p) != 0) {
		return -1;
	}
	if ((u64)w->offset_us + w->duration_us > s->major_frame_us) {
		return config_fail(c, node, "duration-us",
				   "window %u..%u us ends beyond the major frame (%u us)",
				   w->offset_us, w->offset_us + w->duration_us, s->major_frame_us);
	}
	nodes[s->window_count++] = node;
	return 0;
}

/* Windows sorted by offset must follow each other exactly from 0 to the frame's end. */
static int sched_check_tiling(struct cfg_ctx *c, int cpu_node, struct sched_pcpu_cfg *s, int *nodes)
{
	u32 t = 0;

	for (u32 i = 1; i < s->window_count; i++) {
		for (u32 j = i; j > 0 && s->windows[j].offset_us < s->windows[j - 1].offset_us;
		     j--) {
			struct sched_window_cfg w = s->windows[j];
			int n = nodes[j];

			s->windows[j] = s->windows[j - 1];
			nodes[j] = nodes[j - 1];
			s->windows[j - 1] = w;
			nodes[j - 1] = n;
		}
	}
	for (u32 i = 0; i < s->window_count; i++) {
		const struct sched_window_cfg *w = &s->windows[i];

		if (w->offset_us < t) {
			return config_fail(c, nodes[i], "offset-us",
					   "window %u..%u us overlaps window %u..%u us",
					   w->offset_us, w->offset_us + w->duration_us,
					   s->windows[i - 1].offset_us, t);
		}
		if (w->offset_us > t) {
			break;
		}
		t += w->duration_us;
	}
	if (t != s->major_frame_us) {
		u32 end = s->major_frame_us;

		for (u32 i = 0; i < s->window_count; i++) {
			end = s->windows[i].offset_us > t ? MIN(end, s->windows[i].offset_us) : end;
		}
		return config_fail(c, cpu_node, NULL,
				   "gap %u..%u us in the major frame (%u us): windows must tile "
				   "it exactly (a window without vm is idle)",
				   t, end, s->major_frame_us);
	}
	return 0;
}

static int sched_cpu_kind_props(struct cfg_ctx *c, int node, const struct sched_cpu_parse *p)
{
	enum sched_kind k = p->s->kind;

	if (k == SCHED_PRIORITY && !p->has_quantum) {
		return config_fail(c, node, "quantum-us",
				   "missing required property (policy \"priority\")");
	}
	if (k == SCHED_PARTITION && !p->has_frame) {
		return config_fail(c, node, "major-frame-us",
				   "missing required property (policy \"partition\")");
	}
	if (k != SCHED_PRIORITY && p->has_quantum) {
		return config_fail(c, node, "quantum-us", "only with policy \"priority\"");
	}
	if (k != SCHED_PRIORITY && p->has_lead) {
		return config_fail(c, node, "wake-lead-us", "only with policy \"priority\"");
	}
	if (k != SCHED_PARTITION && p->has_frame) {
		return config_fail(c, node, "major-frame-us", "only with policy \"partition\"");
	}
	return 0;
}

/* "cpu@N", N in hex as DTSpec unit addresses are: the physical CPU index. */
static int sched_cpu_index(struct cfg_ctx *c, int node, u32 *pcpu)
{
	const char *name = fdt_name(&c->fdt, node);
	u64 v = 0;

	if (strncmp(name, "cpu@", 4) != 0 || name[4] == '\0') {
		return config_fail(c, node, NULL,
				   "unknown node (expected cpu@N, N the physical CPU index)");
	}
	for (const char *p = name + 4; *p; p++) {
		bool dec = *p >= '0' && *p <= '9', hex = *p >= 'a' && *p <= 'f';

		if ((!dec && !hex) || v > 0xffff) {
			return config_fail(c, node, NULL, "unit address is not a CPU index");
		}
		v = v * 16 + (u64)(dec ? *p - '0' : *p - 'a' + 10);
	}
	if (v >= c->plat->cpu_count) {
		return config_fail(c, node, NULL, "CPU %llu does not exist (platform has %u)",
				   (unsigned long long)v, c->plat->cpu_count);
	}
	if (c->cfg->sched[v].node >= 0) {
		return config_fail(c, node, NULL, "CPU %llu already has a policy",
				   (unsigned long long)v);
	}
	*pcpu = (u32)v;
	return 0;
}

static int sched_cpu_node(struct cfg_ctx *c, int node)
{
	struct sched_cpu_parse p = {0};
	int nodes[SCHED_MAX_WINDOWS] = {0};
	u32 pcpu = 0;
	int child;

	if (!TESSERA_FEAT_SCHED) {
		return config_feature_missing(c, node, NULL, "sched");
	}
	if (sched_cpu_index(c, node, &pcpu) != 0) {
		return -1;
	}
	p.s = &c->cfg->sched[pcpu];
	p.s->node = node;
	if (config_parse_props(c, node, sched_cpu_props, ARRAY_SIZE(sched_cpu_props), &p) != 0 ||
	    sched_cpu_kind_props(c, node, &p) != 0) {
		return -1;
	}
	for (child = fdt_first_child(&c->fdt, node); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		if (p.s->kind != SCHED_PARTITION) {
			return config_fail(c, child, NULL,
					   "windows only with policy \"partition\"");
		}
		if (sched_window(c, child, pcpu, nodes) != 0) {
			return -1;
		}
	}
	if (child != FDT_ERR_NOTFOUND) {
		return config_fail(c, node, NULL, "malformed DTB: %s", fdt_strerror(child));
	}
	if (p.s->kind == SCHED_PARTITION) {
		return sched_check_tiling(c, node, p.s, nodes);
	}
	return 0;
}

static int sched_parse_node(struct cfg_ctx *c, int sched)
{
	int prop = fdt_first_prop(&c->fdt, sched);
	int child;

	if (prop >= 0) {
		const char *name = "";
		const void *val;
		u32 len;

		fdt_prop_at(&c->fdt, prop, &name, &val, &len);
		return config_fail(c, sched, name, "unknown property");
	}
	for (child = fdt_first_child(&c->fdt, sched); child >= 0;
	     child = fdt_next_sibling(&c->fdt, child)) {
		if (sched_cpu_node(c, child) != 0) {
			return -1;
		}
	}
	if (child != FDT_ERR_NOTFOUND) {
		return config_fail(c, sched, NULL, "malformed DTB: %s", fdt_strerror(child));
	}
	return 0;
}

/* priority, budget-us and period-us: complete, and meaningful on one of the VM's CPUs. */
static int sched_check_vm(struct cfg_ctx *c, const struct vm_cfg *vm)
{
	bool on_prio = false;

	if (vm->budget_us && !vm->period_us) {
		return config_fail(c, vm->node, "budget-us", "given without period-us");
	}
	if (vm->period_us && !vm->budget_us) {
		return config_fail(c, vm->node, "period-us", "given without budget-us");
	}
	if (vm->budget_us > vm->period_us) {
		return config_fail(c, vm->node, "budget-us",
				   "%u us is more than the period (%u us)", vm->budget_us,
				   vm->period_us);
	}
	for (u32 i = 0; i < vm->vcpu_count; i++) {
		on_prio |= c->cfg->sched[vm->cpus[i]].kind == SCHED_PRIORITY;
	}
	if ((vm->has_priority || vm->budget_us) && !on_prio) {
		return config_fail(c, vm->node, vm->has_priority ? "priority" : "budget-us",
				   "has no effect: none of the VM's CPUs has policy \"priority\" "
				   "in /scheduling");
	}
	return 0;
}

/* The second vCPU on CPU p (vm's vCPU, the first one was first's). */
static int sched_check_share(struct cfg_ctx *c, u32 p, const struct vm_cfg *vm,
			     const struct vm_cfg *first)
{
	const struct sched_pcpu_cfg *s = &c->cfg->sched[p];

	if (first->direct_interrupts || vm->direct_interrupts) {
		const struct vm_cfg *d = first->direct_interrupts ? first : vm;

		return config_fail(c, d->node, "direct-interrupts",
				   "CPU %u is shared with VM %s: a direct-interrupts VM needs its "
				   "CPU to itself",
				   p, d == vm ? first->name : vm->name);
	}
	if (s->kind == SCHED_STATIC && vm == first) {
		return config_fail(c, vm->node, "cpus",
				   "CPU %u given twice (a static CPU runs one vCPU: give it a "
				   "policy in /scheduling to share it)",
				   p);
	}
	if (s->kind == SCHED_STATIC) {
		return config_fail(c, vm->node, "cpus",
				   "CPU %u already used by VM %s (a static CPU runs one vCPU: give "
				   "it a policy in /scheduling to share it)",
				   p, first->name);
	}
	return 0;
}

static int sched_check_entity(struct cfg_ctx *c, u32 p, const struct vm_cfg *vm, u32 n, u64 *ppt)
{
	const struct sched_pcpu_cfg *s = &c->cfg->sched[p];

	if (vm->direct_interrupts && s->kind != SCHED_STATIC) {
		return config_fail(
		    c, vm->node, "direct-interrupts",
		    "CPU %u has policy \"%s\" in /scheduling: a direct-interrupts VM "
		    "needs a static CPU to itself",
		    p, sched_kind_names[s->kind]);
	}
	if (n > SCHED_MAX_ENTS) {
		return config_fail(c, vm->node, "cpus", "CPU %u would run %u vCPUs (max %u)", p, n,
				   SCHED_MAX_ENTS);
	}
	if (s->kind == SCHED_PRIORITY && vm->budget_us) {
		*ppt += (u64)vm->budget_us * SCHED_PPT / vm->period_us;
		if (*ppt > SCHED_PPT) {
			return config_fail(
			    c, vm->node, "budget-us",
			    "budgets on CPU %u sum to %llu.%03llu %% with this vCPU's "
			    "(over 100 %%)",
			    p, (unsigned long long)(*ppt / (SCHED_PPT / 100)),
			    (unsigned long long)(*ppt % (SCHED_PPT / 100) / (SCHED_PPT / 100000)));
		}
	}
	return 0;
}

static int sched_check_windows(struct cfg_ctx *c, u32 p)
{
	const struct sched_pcpu_cfg *s = &c->cfg->sched[p];

	for (u32 i = 0; i < c->cfg->vm_count; i++) {
		bool has = false;

		if (!sched_vm_on_cpu(&c->cfg->vms[i], p)) {
			continue;
		}
		for (u32 w = 0; w < s->window_count; w++) {
			has |= s->windows[w].vm == (s32)i;
		}
		if (!has) {
			return config_fail(c, s->node, NULL,
					   "VM %s has a vCPU on CPU %u but no window",
					   c->cfg->vms[i].name, p);
		}
	}
	return 0;
}

/* Every vCPU placed on CPU p, in the canonical order (VM, then vCPU index). */
static int sched_check_cpu(struct cfg_ctx *c, u32 p)
{
	const struct sched_pcpu_cfg *s = &c->cfg->sched[p];
	const struct vm_cfg *first = NULL;
	u64 ppt = 0;
	u32 n = 0;

	for (u32 i = 0; i < c->cfg->vm_count; i++) {
		const struct vm_cfg *vm = &c->cfg->vms[i];
		u32 mine = 0;

		for (u32 j = 0; j < vm->vcpu_count; j++) {
			if (vm->cpus[j] != p) {
				continue;
			}
			if (++mine > 1 && s->kind == SCHED_PARTITION) {
				return config_fail(
				    c, vm->node, "cpus",
				    "CPU %u given twice: a partition CPU runs at most "
				    "one vCPU of each VM (windows name VMs)",
				    p);
			}
			if (++n > 1 && sched_check_share(c, p, vm, first) != 0) {
				return -1;
			}
			first = first ? first : vm;
			if (sched_check_entity(c, p, vm, n, &ppt) != 0) {
				return -1;
			}
		}
	}
	if (s->node >= 0 && n == 0) {
		return config_fail(c, s->node, "policy", "no vCPU runs on CPU %u", p);
	}
	return s->kind == SCHED_PARTITION ? sched_check_windows(c, p) : 0;
}

int config_sched_parse(struct cfg_ctx *c, int sched)
{
	struct config *cfg = c->cfg;

	for (u32 p = 0; p < CONFIG_MAX_PCPUS; p++) {
		cfg->sched[p].kind = SCHED_STATIC;
		cfg->sched[p].node = -1;
	}
	if (sched >= 0 && sched_parse_node(c, sched) != 0) {
		return -1;
	}
	for (u32 i = 0; i < cfg->vm_count; i++) {
		if (sched_check_vm(c, &cfg->vms[i]) != 0) {
			return -1;
		}
	}
	for (u32 p = 0; p < c->plat->cpu_count && p < CONFIG_MAX_PCPUS; p++) {
		if (sched_check_cpu(c, p) != 0) {
			return -1;
		}
	}
	return 0;
}
