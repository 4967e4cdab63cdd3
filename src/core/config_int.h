/* SPDX-License-Identifier: MIT */
/*
 * Internal to src/core/config*.c: the parse context shared by the root walk and
 * the property-table walker (config.c), the per-VM parser (config_vm.c), the
 * channel and virtio-link parsers (config_chan.c, config_virtio.c), the
 * cross-VM checks (config_check.c) and the image layout (config_layout.c).
 */
#ifndef TESSERA_CONFIG_INT_H
#define TESSERA_CONFIG_INT_H

#include "config.h"
#include "fdt.h"

#define CONFIG_COMPATIBLE "tessera,config-v1"

struct cfg_ctx {
	struct fdt fdt;
	const struct platform *plat;
	struct config *cfg;
	struct config_error *err;
};

/* Records the error at node (DTB offset, or < 0 for "/") and returns -1. */
int config_fail(struct cfg_ctx *c, int node, const char *prop, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A property at node that needs a feature this hypervisor was built without (tessera_features.h):
 * the error names the feature. Returns -1. */
int config_feature_missing(struct cfg_ctx *c, int node, const char *prop, const char *feature);
/* Same, with the node given as a path string (no DTB at hand). */
int config_fail_path(struct config_error *err, const char *node, const char *prop, const char *fmt,
		     ...) __attribute__((format(printf, 4, 5)));

/* config_vm.c: one /vms child into *vm (RAM rules that need no other VM included). */
int config_vm_parse(struct cfg_ctx *c, int node, struct vm_cfg *vm);

/* config_vm.c: direct-interrupts rules that need channels and virtio links (after both). */
int config_direct_check(struct cfg_ctx *c);

/* config_update.c: the update-slot-size and update-trial-ms properties, and their rules
 * that need the VMs before this one (docs/CONFIG.md "Signed updates"). */
int config_update_slot(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		       void *out);
int config_update_trial(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			void *out);
int config_update_check(struct cfg_ctx *c, int node, struct vm_cfg *vm);
/* A physical region's own rules (config_vm.c): 4 KiB aligned, in platform RAM, clear of the
 * hypervisor; prop names it in errors. */
int config_check_region(struct cfg_ctx *c, int node, const char *prop, const struct mem_cfg *m);
/* Checkpoints (config_checkpoint.c, docs/CONFIG.md "Checkpoints"). */
int config_ckpt_memory(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		       void *out);
int config_ckpt_hypercall(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			  void *out);
/* After the VM's memory is known: the checkpoint memory holds it, and what needs it has it. */
int config_ckpt_check(struct cfg_ctx *c, int node, const struct vm_cfg *vm);

/* config_check.c: VM number idx against VMs 0..idx-1 and against itself. */
int config_check_vm(struct cfg_ctx *c, u32 idx);

/* config_check.c: VM names are compared case-insensitively: they prefix console lines and
 * are typed on the command line, where "Web" and "web" would be confusing. */
bool config_same_name(const char *a, const char *b);
/* The index of the VM named name among those parsed so far, or -1. */
int config_find_vm(const struct config *cfg, const char *name);

/*
 * A node's property table: every property the node accepts, each with the parser that
 * validates it completely and stores it into the node's struct (out). config_parse_props
 * walks the node's properties against it: "unknown property" (except "phandle", which dtc
 * adds when a label is referenced), "property given twice", then each parser in the
 * order the properties come, then "missing required property" in table order. At most
 * 32 entries.
 */
struct config_prop {
	const char *name;
	int (*parse)(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
		     void *out);
	bool required;
};

int config_parse_props(struct cfg_ctx *c, int node, const struct config_prop *props, u32 count,
		       void *out);

/* config_chan.c: the /channels node, after every VM is parsed. */
/* A container node (/vms, /channels, /virtio): no properties of its own; each child is one
 * entry, parsed by one(), which counts it in *count; at most max ("too many <what>"). */
int config_parse_children(struct cfg_ctx *c, int node, const u32 *count, u32 max, const char *what,
			  int (*one)(struct cfg_ctx *c, int child));
int config_chan_parse(struct cfg_ctx *c, int node);

/* config_sched.c: the VM properties priority, budget-us and period-us (vm_props[]). */
int config_sched_vm_priority(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			     void *out);
int config_sched_vm_budget(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out);
int config_sched_vm_period(struct cfg_ctx *c, int node, const char *name, const u8 *val, u32 len,
			   void *out);

/* config_sched.c: the /scheduling node (sched < 0: absent, every CPU static) after every VM
 * is parsed, then the rules on who shares which CPU (docs/CONFIG.md "Scheduling"). */
int config_sched_parse(struct cfg_ctx *c, int sched);

/* config.c: the /management node (node < 0: absent, every command class allowed). */
int config_mgmt_parse(struct cfg_ctx *c, int node);

/* config_virtio.c: the /virtio node, after /vms and /channels. */
int config_virtio_parse(struct cfg_ctx *c, int node);

/* What Tessera emulates in a VM, guest-physical [base, end): exactly its vGIC distributor,
 * one redistributor frame pair per vCPU and its virtual UART (what mmio_dispatch.c dispatches). */
struct config_emul_window {
	const char *what;	      /* "GIC distributor", "GIC redistributors", "UART" */
	unsigned long long base, end; /* printed with %llx */
};

/* config_vm.c: true (and *hit) if [ipa, ipa+size) overlaps one of vm's emulated windows. */
bool config_emulated_overlap(const struct vm_cfg *vm, u64 ipa, u64 size,
			     struct config_emul_window *hit);

/* Shared range helper: true if [base, base+size) is inside one platform RAM range. */
bool config_in_ram(const struct platform *plat, u64 base, u64 size);

#endif
