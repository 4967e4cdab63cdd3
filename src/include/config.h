/* SPDX-License-Identifier: MIT */
/*
 * System configuration: parses the config DTB (bindings in docs/CONFIG.md)
 * into VM descriptors and validates them against the platform. The same code
 * runs in `tessera check` on the host and at boot in the hypervisor, so a
 * config that checks clean on the host is the one the hypervisor accepts.
 */
#ifndef TESSERA_CONFIG_H
#define TESSERA_CONFIG_H

#include "image.h"
#include "sched_policy.h"
#include "types.h"

#define CONFIG_MAX_VMS	    8
#define CONFIG_MAX_PCPUS    8
#define CONFIG_MAX_VCPUS    8
#define CONFIG_MAX_MEM	    4
#define CONFIG_MAX_DEVS	    8
#define CONFIG_MAX_DEV_IRQS 8
#define CONFIG_MAX_RAM	    4
#define CONFIG_NAME_MAX	    32
#define CONFIG_PATH_MAX	    120
#define CONFIG_BOOTARGS_MAX 256
#define CONFIG_BOOTCMD_MAX  256
#define CONFIG_COMPAT_MAX   64
#define CONFIG_MAX_CHANS    16
#define CONFIG_MAX_ENDS	    4
/* Highest pass-through INTID: the vGIC models SPIs 32..287 (VGIC_MAX_SPIS). */
#define CONFIG_MAX_INTID 287U

/* GIC frames besides the distributor and the first redistributor region (struct platform). */
/* The interrupt controller's frames the platform DTB may list (AArch64: the GICv3
 * distributor, its redistributor region and 8 others). */
#define PLATFORM_MAX_IRQCHIP_FRAMES 10
#define PLATFORM_MAX_VIRTIO	    32 /* virtio-mmio windows recorded (QEMU virt has 32) */

/* What the board has: from the platform DTB at boot, from the config's /platform node (or
 * QEMU virt defaults) in `tessera check`. */
struct platform {
	u32 cpu_count;
	u64 cpu_hwid[CONFIG_MAX_PCPUS];
	u32 ram_count;
	struct {
		paddr_t base;
		u64 size;
	} ram[CONFIG_MAX_RAM];
	/* Physical memory the hypervisor keeps: platform DTB, itself, the system image. */
	paddr_t hyp_base;
	paddr_t hyp_end;
	/* Devices the hypervisor owns; no VM may be given them. */
	paddr_t uart_base;
	u64 uart_size;
	u32 uart_intid;
	/* The interrupt controller's frames, in the order its arch reads them from the platform
	 * DTB (arch_platform_irqchip, platform.h; AArch64: the GICv3 distributor, the first
	 * redistributor region, then every other frame: more redistributor regions, legacy CPU
	 * interfaces, ITSs). The hypervisor drives some; none is ever passed through (an ITS
	 * writes its tables to any physical address it is given). what: the frame's name in
	 * config errors ("distributor"). */
	u32 irqchip_count;
	struct {
		paddr_t base;
		u64 size;
		const char *what;
	} irqchip[PLATFORM_MAX_IRQCHIP_FRAMES];
	/* The last "cfi-flash" bank, which the hypervisor keeps for itself: its last erase
	 * block holds the anti-rollback counter (core/rollback.c). Size 0: none. */
	paddr_t flash_base;
	u64 flash_size;
	u32 intid_limit; /* one past the highest shared interrupt ID the interrupt controller
			    implements */
	bool verbose;	 /* boot option "tessera.verbose": print the boot profile (bootprof.h) */
	u8 log_level;	 /* boot option "tessera.log=error|warn|info": the UART's (hyplog.h) */
	/* "virtio,mmio" nodes in document order, read in the same pass as the rest (the
	 * management channel looks among them for its console, drivers/virtio_console.c). */
	u32 virtio_count;
	struct {
		paddr_t base;
		u64 size;
		u32 intid; /* GIC INTID (0 if the DTB gives no SPI) */
		bool edge; /* rising edge per the DTB */
	} virtio[PLATFORM_MAX_VIRTIO];
};

/* Defaults matching `tessera run` (QEMU virt, -m 1G, -smp 4, GICv3). */
void platform_default(struct platform *plat);

struct config_error;
/*
 * Host tools: platform_default() overridden by the config's optional /platform
 * node (RAM ranges, CPU count). The hypervisor reads the real platform DTB instead.
 */
int config_platform(const void *dtb, size_t size, struct platform *plat, struct config_error *err);

struct mem_cfg {
	paddr_t phys;
	ipa_t ipa;
	u64 size;
};

struct dev_cfg {
	char name[CONFIG_NAME_MAX];
	char compatible[CONFIG_COMPAT_MAX]; /* string list as in the DTB (NUL-separated) */
	u32 compatible_len;		    /* bytes incl. the final NUL; 0 if absent */
	paddr_t base;			    /* mapped at the same guest-physical address */
	u64 size;
	u32 irq_count;
	u32 irqs[CONFIG_MAX_DEV_IRQS]; /* GIC INTIDs, SPIs only (>= 32) */
	int node;		       /* offset in the config DTB */
};

/* What the hypervisor does when a VM fails (crash, watchdog, abort storm, fatal exit status). */
enum vm_policy {
	POLICY_STOP = 0,     /* leave it stopped (default) */
	POLICY_RESTART,	     /* reset and reboot it, up to restart_max times, with back-off */
	POLICY_SYSTEM_RESET, /* reset the whole machine */
	POLICY_ROLLBACK	     /* back to its last checkpoint (core/checkpoint.c), else restart */
};

struct vm_cfg {
	char name[CONFIG_NAME_MAX];
	int node; /* offset in the config DTB, for later bindings and messages */
	u32 vcpu_count;
	u32 cpus[CONFIG_MAX_VCPUS]; /* physical CPU index for each vCPU */
	u32 mem_count;
	struct mem_cfg mem[CONFIG_MAX_MEM];
	bool virt_layout; /* RAM laid out from guest-physical 0x4000_0000 */
	/* Optional boot flash (docs/CONFIG.md "Flash"): physical RAM the guest sees at
	 * guest-physical 0 (flash.ipa is always 0), read-write, for firmware such as U-Boot. */
	bool has_flash;
	struct mem_cfg flash;
	/* docs/CONFIG.md "Checkpoints": physical RAM only the hypervisor uses, holding the VM's
	 * last checkpoint (core/checkpoint.c); ckpt.ipa is unused. */
	bool has_ckpt;
	struct mem_cfg ckpt;
	bool ckpt_hypercall; /* may take checkpoints itself (TESSERA_HC_CHECKPOINT) */

	char image[CONFIG_PATH_MAX];
	enum image_format image_format;
	bool has_load_addr, has_entry, has_dtb_addr, has_initrd_addr;
	ipa_t load_addr, entry, dtb_addr, initrd_addr;
	char initrd[CONFIG_PATH_MAX];
	char bootargs[CONFIG_BOOTARGS_MAX];
	/* docs/CONFIG.md "U-Boot boot command": `/config/bootcmd` in the generated DTB, the
	 * command U-Boot runs after its autoboot countdown; empty if not given. */
	char uboot_bootcmd[CONFIG_BOOTCMD_MAX];

	u32 dev_count;
	struct dev_cfg devs[CONFIG_MAX_DEVS];

	/* Health (docs/CONFIG.md "Health"). */
	enum vm_policy policy;
	u32 restart_max;	/* POLICY_RESTART: restarts allowed before it stays stopped */
	u32 restart_backoff_ms; /* delay before the first restart, doubled each time */
	u32 watchdog_ms;	/* 0: no watchdog; else heartbeats must come this often */
	u32 abort_limit;	/* 0: no limit; else more aborts than this in one run = failure */

	/* docs/CONFIG.md "Direct interrupts": the physical Group-1 CPU interface of its one
	 * CPU is the guest's own (no hypervisor on its timer/SGI path). */
	bool direct_interrupts;

	/* docs/CONFIG.md "Management capability": may start/stop/restart/pause/resume other
	 * VMs by hypercall (docs/HYPERCALLS.md TESSERA_HC_MANAGE). */
	bool manage;

	/* docs/CONFIG.md "incoming": created stopped, a slot a live migration fills
	 * (migrate-in, docs/SNAPSHOT.md); not started at boot. */
	bool incoming;

	/* docs/CONFIG.md "Debugging": a debugger may attach (`tessera ctl gdb`, core/gdb.c). */
	bool debug;

	/* docs/CONFIG.md "Scheduling": used on CPUs with policy "priority" only; the same
	 * for each of its vCPUs there (a budget is per vCPU). budget_us 0: no budget server. */
	bool has_priority;
	u32 priority; /* CONFIG_PRIO_MIN..CONFIG_PRIO_MAX, higher runs first; default 0 */
	u32 budget_us, period_us;

	/* docs/CONFIG.md "Signed updates": two flash slots (A/B) of this many bytes in the
	 * hypervisor's flash bank for `tessera ctl update` (0: no updates), and how long a new
	 * image may run before it must have confirmed (else it is rolled back). */
	u32 update_slot_size;
	u32 update_trial_ms;
};

/* One end of a channel (docs/CONFIG.md "Channels"): a VM, where it sees the memory, its
 * stage-2 rights and the SPI raised in it when another end notifies. */
struct chan_end_cfg {
	u32 vm;	   /* index in config.vms */
	ipa_t ipa; /* guest-physical window, same size as the channel */
	bool ro;   /* "ro": stage-2 read-only for this VM */
	u32 intid; /* SPI (32..287) */
	int node;  /* offset in the config DTB */
};

/* A shared-memory channel; its id is its index in config.chans (document order). */
struct chan_cfg {
	char name[CONFIG_NAME_MAX];
	int node;
	paddr_t phys;
	u64 size;
	u32 end_count; /* 2..CONFIG_MAX_ENDS */
	struct chan_end_cfg ends[CONFIG_MAX_ENDS];
};

/* A virtio link (docs/VIRTIO.md): one emulated virtio-mmio device in each of two VMs,
 * connected by the hypervisor. Ends in document order. */
#define CONFIG_MAX_VIRTIO     8
#define CONFIG_VIRTIO_WINDOW  0x1000ULL /* guest-physical window reserved per device */
#define CONFIG_VIRTIO_CONSOLE 3U	/* type = "console": virtio DeviceID 3 */
#define CONFIG_VIRTIO_NET     1U	/* type = "net": virtio DeviceID 1 */
struct virtio_end_cfg {
	u32 vm;	   /* index in config.vms */
	ipa_t ipa; /* 4 KiB-aligned window; registers in its first 0x200 bytes */
	u32 intid; /* SPI (32..287) */
	int node;
};

struct virtio_cfg {
	char name[CONFIG_NAME_MAX];
	int node;
	u32 type; /* CONFIG_VIRTIO_* (the virtio DeviceID) */
	struct virtio_end_cfg ends[2];
};

/* docs/CONFIG.md "Scheduling": one physical CPU's policy as configured, in microseconds
 * (sched_cpu_setup converts to counter ticks at boot: the host does not know the counter
 * frequency). A CPU without a /scheduling/cpu@N node is SCHED_STATIC. */
#define CONFIG_PRIO_MIN		0U
#define CONFIG_PRIO_MAX		255U
#define CONFIG_QUANTUM_US_MIN	100U
#define CONFIG_QUANTUM_US_MAX	1000000U
#define CONFIG_WAKE_LEAD_US_MIN 1U
#define CONFIG_WAKE_LEAD_US_MAX 1000U
#define CONFIG_PERIOD_US_MIN	100U
#define CONFIG_PERIOD_US_MAX	10000000U
#define CONFIG_BUDGET_US_MIN	10U
#define CONFIG_FRAME_US_MIN	100U
#define CONFIG_FRAME_US_MAX	10000000U
struct sched_window_cfg {
	s32 vm; /* index in config.vms (its one vCPU on this CPU), or SCHED_IDLE */
	u32 offset_us, duration_us;
};

struct sched_pcpu_cfg {
	enum sched_kind kind;
	int node;	  /* /scheduling/cpu@N in the config DTB, or -1 (none: static) */
	u32 quantum_us;	  /* SCHED_PRIORITY */
	u32 wake_lead_us; /* SCHED_PRIORITY: wake a blocked vCPU this early (0: at its deadline) */
	u32 major_frame_us; /* SCHED_PARTITION */
	u32 window_count;
	struct sched_window_cfg windows[SCHED_MAX_WINDOWS]; /* by offset, tiling the frame */
};

/*
 * Classes of management-channel commands (docs/SECURITY.md "Management access"): the
 * /management node's "allow" list names the classes its channel may use; hello and help are
 * always allowed. Without the node, every class is.
 */
#define MGMT_CLASS_READ	     0x01 /* list stats log measurements console-read update-status */
#define MGMT_CLASS_CONSOLE   0x02 /* console console-write */
#define MGMT_CLASS_LIFECYCLE 0x04 /* start stop restart pause resume */
#define MGMT_CLASS_STATE     0x08 /* snapshot-* restore-* */
#define MGMT_CLASS_DEBUG     0x10 /* gdb trace */
#define MGMT_CLASS_UPDATE    0x20 /* update-begin/data/commit/confirm, confirm */
#define MGMT_CLASS_ALL	     0x3f

struct config {
	u32 mgmt_deny; /* MGMT_CLASS_* the /management node does not allow (0: none denied) */
	u32 vm_count;
	struct vm_cfg vms[CONFIG_MAX_VMS];
	u32 chan_count;
	struct chan_cfg chans[CONFIG_MAX_CHANS];
	u32 virtio_count;
	struct virtio_cfg virtio[CONFIG_MAX_VIRTIO];
	struct sched_pcpu_cfg sched[CONFIG_MAX_PCPUS]; /* by physical CPU index */
};

/* One problem, located: node path, property (may be empty) and message. */
struct config_error {
	char node[96];
	char prop[32];
	char msg[160];
};

/* Parses and validates everything that does not need the images. 0 or -1 with *err set. */
int config_parse(const void *dtb, size_t size, const struct platform *plat, struct config *cfg,
		 struct config_error *err);

/* Where a VM's pieces go, all guest-physical. */
struct vm_layout {
	struct image_info kernel;
	ipa_t entry;
	ipa_t initrd_ipa;
	u64 initrd_size;
	ipa_t dtb_ipa;
	u64 dtb_max; /* bytes reserved for the generated DTB */
};

#define VM_DTB_MAX 0x10000ULL /* 64 KiB is ample for a generated guest DTB */

/*
 * Probes the VM's image (and initrd size, 0 if none) and decides the layout:
 * every piece must fit in the VM's RAM without overlapping another. Shared by
 * `tessera check` (reading files) and boot (reading the system image).
 */
int config_vm_layout(const struct vm_cfg *vm, const u8 *image, u64 image_size, u64 initrd_size,
		     struct vm_layout *out, struct config_error *err);

/* True if [ipa, ipa+size) lies entirely in one region of the VM's RAM or its flash;
 * *phys gets the host address. */
bool config_vm_ipa_to_phys(const struct vm_cfg *vm, ipa_t ipa, u64 size, paddr_t *phys);

/*
 * core/sched_setup.c (resident): sets up *s for physical CPU pcpu from the validated config:
 * sched_cpu_init with the policy in counter ticks (freq Hz; window boundaries are converted
 * from their offsets, so the windows still tile the frame exactly), then one entity per vCPU
 * on that CPU in the canonical order (VM index, then vCPU index: the entity index). Returns
 * the number of entities; sched_cpu_entity finds a vCPU's entity index (-1 if not there).
 */
int sched_cpu_setup(struct sched_cpu *s, const struct config *cfg, u32 pcpu, u64 freq, u64 now);
int sched_cpu_entity(const struct sched_cpu *s, u32 vm, u32 vcpu);
u64 sched_us_to_ticks(u64 us, u64 freq);

/* "FILE: NODE: PROP: MSG" (PROP omitted when empty). */
void config_format_error(char *buf, size_t size, const char *file, const struct config_error *err);

#endif
