/* SPDX-License-Identifier: MIT */
/*
 * Tessera guest kit: the small bare-metal runtime our test guests are built
 * on. It runs at EL1 with the MMU off (so every access is Device-nGnRnE and
 * must be aligned: guests are built with -mstrict-align) on QEMU virt's
 * addresses, either under Tessera or directly on QEMU.
 */
#ifndef TESSERA_GUEST_KIT_H
#define TESSERA_GUEST_KIT_H

#include "abi.h"
#include "arch_gic.h"
#include "fw_abi.h"
#include "layout.h"
#include "lib.h"
#include "spinlock.h"
#include "types.h"

#define KIT_MAX_CPUS  8
#define KIT_MAX_INTID 288 /* SGIs, PPIs and the SPIs a vGIC may model */

/* Register frame saved by vectors.S (x0..x30, ELR_EL1, SPSR_EL1). */
struct kit_frame {
	u64 x[31];
	u64 elr;
	u64 spsr;
	u64 pad;
};

/* Provided by each guest. */
int main(u64 dtb);

/* start.S; kit.c */
void kit_secondary_entry(u64 ctx);
void kit_boot(u64 x0);
extern char _start[], __image_end[];
/* CNTVCT_EL0 read by the boot CPU's first instruction (start.S): with QEMU -icount
 * shift=4 and CNTVOFF 0, the instructions executed on the machine before this guest began. */
extern u64 kit_entry_counter;
extern u64 kit_entry_pcounter; /* CNTPCT_EL0 read by the second instruction */

/* Sysreg helpers: the names are assembled as S3_* where binutils may lack them. */
#define sysreg_read(reg)                                                \
	({                                                              \
		u64 v_;                                                 \
		__asm__ volatile("mrs %0, " #reg : "=r"(v_)::"memory"); \
		v_;                                                     \
	})
#define sysreg_write(reg, v) __asm__ volatile("msr " #reg ", %0" ::"r"((u64)(v)) : "memory")
#define isb()		     __asm__ volatile("isb" ::: "memory")
#define dsb_sy()	     __asm__ volatile("dsb sy" ::: "memory")

/* MMIO through inline asm with a plain [Xn] address: a compiler-chosen writeback or
 * pair form leaves ESR_EL2.ISV clear, and a hypervisor cannot emulate such an access
 * (ARM ARM D17.2.40); it would inject an abort instead. */
static inline u32 mmio_read32(u64 addr)
{
	u32 v;
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void mmio_write32(u64 addr, u32 v)
{
	__asm__ volatile("str %w0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

static inline void mmio_write64(u64 addr, u64 v)
{
	__asm__ volatile("str %x0, [%1]" ::"rZ"(v), "r"(addr) : "memory");
}

static inline void kit_irq_on(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void kit_irq_off(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

/* Aff0 of MPIDR_EL1: the kit's CPU number (Tessera puts the vCPU index there). */
static inline u32 kit_cpu_id(void)
{
	return (u32)(sysreg_read(mpidr_el1) & 0xff);
}

/* This CPU's position in mpidr[0..n-1] (its affinity fields, from the DTB's /cpus), 0 if
 * absent. */
static inline u32 kit_cpu_index(const u64 *mpidr, u32 n)
{
	u64 me = sysreg_read(mpidr_el1) & 0xff00ffffffULL;

	for (u32 i = 0; i < n; i++) {
		if (mpidr[i] == me)
			return i;
	}
	return 0;
}

/* uart.c: PL011 at GUEST_UART_BASE, polled TX; RX polled or by interrupt. */
void uart_init(void);
void uart_putc(char c);
void uart_write(const char *s, size_t n);
/* Returns the next received byte, or -1 if the RX FIFO is empty. */
int uart_getc(void);
/* Calls fn(byte) from the RX interrupt (INTID 33 routed to the calling CPU). */
void uart_rx_irq_enable(void (*fn)(char c));

/* print.c: formatted output; whole lines are kept together across CPUs. */
void kit_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kit_vprintf(const char *fmt, va_list ap);

/* gic.c: GICv3 (IHI0069) distributor, this CPU's redistributor, ICC_* interface. */
typedef void (*kit_irq_fn)(u32 intid);
void gic_init_dist(void);
void gic_init_cpu(void);
/* A guest that defines this as true programs the GIC itself: the kit then leaves the
 * distributor and every redistributor as reset (no init before main or on secondaries). */
extern const bool kit_gic_by_guest;
void gic_set_handler(u32 intid, kit_irq_fn fn);
/* Enable/disable one INTID: SGI/PPI in this CPU's redistributor, SPI in the distributor. */
void gic_enable(u32 intid);
void gic_disable(u32 intid);
void gic_set_pending(u32 intid);
void gic_clear_pending(u32 intid);
/* Routes an SPI to the CPU with the given Aff0. */
void gic_route_spi(u32 intid, u32 cpu);
/* Sends SGI intid (0..15) to the CPU with Aff0 = cpu (< 16). */
void gic_send_sgi(u32 intid, u32 cpu);
/* Number of INTIDs the distributor implements (GICD_TYPER.ITLinesNumber). */
u32 gic_nr_lines(void);
void kit_irq_dispatch(void);

/* timer.c: EL1 virtual timer (CNTV_*_EL0), INTID_VTIMER. */
u64 timer_freq(void);
u64 timer_now(void);
void timer_set_cval(u64 cval);
void timer_set_tval(s32 tval);
s64 timer_get_tval(void);
void timer_enable(bool irq);
void timer_disable(void);
u32 timer_ctl(void);
/* Busy-waits for the given number of counter ticks. */
void timer_delay(u64 ticks);
/* Polls *p (acquire) until it is >= want, yielding, interrupts left deliverable; false once
 * ms milliseconds have passed without it. */
bool timer_wait_ge(volatile u32 *p, u32 want, u32 ms);

/* psci.c / hyp.c: SMCCC HVC calls; results in x0..x3. */
struct hvc_res {
	u64 x0, x1, x2, x3;
};
struct hvc_res kit_hvc(u32 fid, u64 a1, u64 a2, u64 a3);
s64 psci_version(void);
s64 psci_cpu_on(u64 mpidr, u64 entry, u64 ctx);
s64 psci_cpu_off(void);
s64 psci_affinity_info(u64 mpidr);
void psci_system_off(void) __attribute__((noreturn));
void psci_system_reset(void) __attribute__((noreturn));
/* Starts CPU mpidr at kit_secondary_entry, which calls fn(ctx) on it. */
s64 kit_cpu_start(u64 mpidr, void (*fn)(u64 ctx), u64 ctx);
void kit_secondary_main(u64 ctx);
/* Tessera hypercalls: negative SMCCC codes, TESSERA_NOT_SUPPORTED on bare QEMU. */
s64 hyp_vm_id(u64 *vcpu, u64 *vcpus);
s64 hyp_exit_status(u32 reason, u32 code);
s64 hyp_heartbeat(void);
s64 hyp_trace(u64 marker);
s64 hyp_notify(u64 channel);
/* TESSERA_HC_MEASUREMENT, both halves: the index-th measurement this VM may read (or the
 * running digest, index TESSERA_MEASURE_DIGEST) into sha256; returns x0 (kind, the log's
 * entry count for the digest, or a negative error). */
s64 hyp_measurement(u64 index, u8 sha256[32]);
/* TESSERA_HC_UPDATE_CONFIRM: this VM's updated image works (ends its trial). */
s64 hyp_update_confirm(void);
/* TESSERA_HC_GENERATION_ID: 0 and *gen, or an error. */
s64 hyp_generation_id(u64 *gen);
/* TESSERA_HC_CHECKPOINT: 0 (requested: taken moments later), -3 without the right. */
s64 hyp_checkpoint(void);

/* dt.c: minimal bounds-checked FDT reader (DTSpec v0.4 ch. 5) for what guests need. */
bool dt_valid(const void *dtb);
/* Property of the node at path ("/", "/chosen", "/memory"; unit addresses may be omitted). */
const void *dt_prop(const void *dtb, const char *path, const char *prop, u32 *len);
/* First (address, size) pair of /memory's reg. */
bool dt_memory(const void *dtb, u64 *base, u64 *size);
/* Fills mpidr[] with the reg of each /cpus/cpu@N node; returns the count. */
u32 dt_cpus(const void *dtb, u64 *mpidr, u32 max);
/* /chosen/bootargs, or "" when absent. */
const char *dt_bootargs(const void *dtb);
/* True if some node's reg (any depth, identity-mapped buses assumed) covers addr. */
bool dt_reg_covers(const void *dtb, u64 addr);

/* report.c: machine-checkable test output and exits. */
void test_begin(const char *guest);
const char *test_name(void);
void test_fact(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints PASS <guest>: what, or FAIL <guest>: what (detail); returns ok. */
bool test_check(bool ok, const char *what, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints DONE, reports the exit status and powers the VM off. */
void test_done(void) __attribute__((noreturn));
void kit_exit(u32 reason, u32 code) __attribute__((noreturn));
/* Substring search used for bootargs options. */
const char *kit_strstr(const char *hay, const char *needle);
/* Value of "key=<n>" in args, or def. */
u64 kit_arg_u64(const char *args, const char *key, u64 def);

/* exc.c: exception handling. */
/* A hook returns true if it handled the synchronous exception (it may change f->elr). */
typedef bool (*kit_sync_hook)(struct kit_frame *f, u64 esr, u64 far);
void kit_set_sync_hook(kit_sync_hook hook);
void kit_exception(struct kit_frame *f, u64 kind);
/* Loads/stores 32 bits at addr; false (and the ESR_EL1 seen) if it took a data abort. */
bool kit_probe_read(u64 addr, u32 *val, u64 *esr);
bool kit_probe_write(u64 addr, u32 val, u64 *esr);

/* bench.c: path lengths from CNTVCT (exact under QEMU -icount shift=4). */
static inline u64 bench_now(void)
{
	u64 v;
	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v)::"memory");
	return v;
}
/* Sorts samples ascending. */
void bench_sort(u64 *s, u32 n);
/* Sorts s and prints "BENCH <name>: min=<n> med=<n> p99=<n> max=<n> samples=<n>". */
void bench_report(const char *name, u64 *s, u32 n);
/* Ticks between two back-to-back bench_now() calls (the measurement's own cost). */
u64 bench_overhead(void);

/* hostile.c: helpers for the hostile guests (guests/hostile_*.c). */
void kit_rand_seed(u64 seed);
u64 kit_rand(void); /* xorshift64*: deterministic */
/* Between begin and end every synchronous exception on this CPU is caught and stepped
 * over (illegal state: IL cleared and retried; instruction abort: back to x30; else the
 * next instruction). end returns how many were caught and the first ESR/FAR. */
void kit_catch_begin(void);
u32 kit_catch_end(u64 *esr, u64 *far);
enum kit_acc {
	KIT_R8,
	KIT_R16,
	KIT_R32,
	KIT_R64,
	KIT_RPAIR, /* ldp x, x */
	KIT_RPOST, /* ldr w, [x], #4 */
	KIT_W8,
	KIT_W16,
	KIT_W32,
	KIT_W64,
	KIT_WPAIR, /* stp x, x */
	KIT_WPOST, /* str w, [x], #4 */
	KIT_ACC_COUNT
};
/* One access of that form at addr (val in: stored value or load sentinel; out: loaded
 * value). False and the ESR if it faulted; a faulting load leaves val unchanged. */
bool kit_access(u64 addr, enum kit_acc op, u64 *val, u64 *esr);
const char *kit_acc_name(enum kit_acc op);
/* SMCCC call through HVC or SMC with x0..x7 in r[] and x0..x7 back in r[]. */
void kit_smccc(bool smc, u64 r[8]);
/* Stage-1 MMU on with a flat 4 GiB identity map (0-2 GiB Normal non-cacheable, so
 * unaligned accesses reach the hypervisor; 2-4 GiB Device), or off again. */
void kit_mmu_flat(bool on);

#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_DFSC(esr) ((esr)&0x3f)
#define EC_DABT_CUR   0x25
#define DFSC_SEA      0x10

#endif
