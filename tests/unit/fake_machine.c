/* SPDX-License-Identifier: MIT */
/*
 * The fake machine the whole core runs on in the unit tests (fake_arch.h): the arch hooks
 * of vm.h, cpu_this and the globals the boot code owns (src/arch/aarch64/setup.c), the
 * hypervisor's PL011 and virtio console, and a CPU model. Every call is observable in
 * fake_m; nothing here decides anything the core decides.
 */
#include "sched_loop.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/drivers/virtio_console_driver.h"
#include "fake_arch.h"
#include "gdb.h"
#include "pl011.h"
#include "vm.h"
#include "vgic/vgic.h" /* the fake arch, like the real one, owns the vGIC */

struct fake_machine fake_m;
struct fake_vcon fake_vcon;
void *fake_noreturn_env;

/* What setup.c defines in the hypervisor. */
struct cpu cpus[CONFIG_MAX_PCPUS];
struct platform system_platform;
struct config system_config;

/* Per CPU: the loop running on this thread's stack (fake_cpu_run), or NULL. */
static jmp_buf *cpu_env[FAKE_MAX_CPUS];
/* Counter reads by a CPU's loop since it last entered a guest or idled: a loop that does
 * neither spins in the hypervisor for ever (a bug the tests must see fail, not hang). */
static u32 loop_reads[FAKE_MAX_CPUS];
#define LOOP_SPIN_LIMIT 100000

static void kick(u32 pcpu)
{
	if (pcpu < FAKE_MAX_CPUS && fake_m.up[pcpu] && pcpu != fake_cpu) {
		fake_cpu_run(pcpu);
	}
}

void fake_machine_reset(void)
{
	fake_arch_reset();
	memset(&fake_m, 0, sizeof(fake_m));
	memset(&fake_vcon, 0, sizeof(fake_vcon));
	memset(cpu_env, 0, sizeof(cpu_env));
	fake_vcon.started = -1;
	fake_m.now = 10 * FAKE_COUNTER_HZ;
	fake_noreturn_env = NULL;
	fake_kick_hook = kick;
}

void fake_cpu_run(u32 pcpu)
{
	u32 saved = fake_cpu;
	jmp_buf env;

	if (pcpu >= FAKE_MAX_CPUS || cpu_env[pcpu]) {
		return;
	}
	cpu_env[pcpu] = &env;
	loop_reads[pcpu] = 0;
	fake_cpu = pcpu;
	if (setjmp(env) == 0) {
		sched_run();
	}
	cpu_env[pcpu] = NULL;
	fake_cpu = saved;
}

/* Back to the fake_cpu_run that started this CPU's loop. */
static void __attribute__((noreturn)) leave_loop(void)
{
	if (fake_cpu >= FAKE_MAX_CPUS || !cpu_env[fake_cpu]) {
		abort(); /* the loop was entered outside fake_cpu_run: a test bug */
	}
	longjmp(*cpu_env[fake_cpu], 1);
}

void fake_advance(u64 ticks)
{
	fake_m.now += ticks;
	for (u32 p = 0; p < FAKE_MAX_CPUS && p < CONFIG_MAX_PCPUS; p++) {
		u32 saved = fake_cpu;

		if (!fake_m.timer[p] || fake_m.now < fake_m.timer[p]) {
			continue;
		}
		fake_cpu = p;
		sched_hyp_timer(&cpus[p]);
		fake_cpu = saved;
	}
}

bool fake_uart_has(const char *s)
{
	return strstr(fake_m.uart, s) != NULL;
}

void fake_uart_clear(void)
{
	fake_m.uart_len = 0;
	fake_m.uart[0] = '\0';
}

/* ---- vm.h: the arch hooks core calls ---- */

struct cpu *cpu_this(void)
{
	return &cpus[fake_cpu];
}

void arch_vcpu_start(struct vcpu *vc)
{
	/* As vcpu.c: the vCPU's interrupt state from the last run is dropped. */
	vgic_vcpu_quiesce(&vc->vm->irqchip.vgic, vc->id);
	vc->regs.elr = vc->on_entry;
	vc->regs.x[0] = vc->on_ctx;
	fake_m.starts[fake_cpu]++;
	fake_m.entry_pc[fake_cpu] = vc->on_entry;
	fake_m.entry_x0[fake_cpu] = vc->on_ctx;
}

void arch_vcpu_park(struct vcpu *vc)
{
	vgic_vcpu_quiesce(&vc->vm->irqchip.vgic, vc->id);
	fake_m.parks[fake_cpu]++;
}

/* Shared CPUs: the fake CPU has no registers of its own; a vCPU's state is its struct. */
void arch_vcpu_save(struct vcpu *vc)
{
	(void)vc;
	fake_m.saves[fake_cpu]++;
}

void arch_vcpu_restore(struct vcpu *vc)
{
	(void)vc;
	fake_m.restores[fake_cpu]++;
}

/* A snapshot's state becomes the vCPU's (the struct is its state here). */
void arch_vcpu_adopt(struct vcpu *vc, const struct arch_vcpu *a)
{
	memcpy(&vc->arch, a, sizeof(vc->arch));
	fake_m.restores[fake_cpu]++;
}

void arch_vcpu_share(struct vcpu *vc)
{
	(void)vc;
}

/* The timers as the hardware compares them (CNTx_CTL bit 0 ENABLE, bit 1 IMASK; the virtual
 * one against CNTPCT - CNTVOFF): the fake CPU's registers are the resident vCPU's struct. */
static u64 fake_timer_at(u64 ctl, u64 cval, u64 off)
{
	return (ctl & 3U) == 1U ? cval + off : 0;
}

static u64 fake_timers_deadline(const struct arch_timers *t, u32 timer_irqs)
{
	u64 v =
	    (timer_irqs & (1U << 27)) ? fake_timer_at(t->cntv_ctl, t->cntv_cval, t->cntvoff) : 0;
	u64 p = (timer_irqs & (1U << 30)) ? fake_timer_at(t->cntp_ctl, t->cntp_cval, 0) : 0;

	return !v || (p && p < v) ? p : v;
}

u64 arch_vcpu_timer_deadline(const struct vcpu *vc, u32 timer_irqs)
{
	return fake_timers_deadline(&vc->arch.timers, timer_irqs);
}

u64 arch_vcpu_live_timer_deadline(u32 timer_irqs)
{
	const struct vcpu *vc = cpus[fake_cpu].vcpu;

	return vc ? fake_timers_deadline(&vc->arch.timers, timer_irqs) : 0;
}

/* The wait ends at t (the guest's timer interrupt): time moves on to it, the EL2 timer does
 * not fire (the real wait masks interrupts; the backstop is restored before it returns). */
void arch_vcpu_wait_until(u64 t)
{
	fake_m.waits[fake_cpu]++;
	fake_m.wait_until[fake_cpu] = t;
	if (fake_m.now < t) {
		fake_m.now = t;
	}
}

bool arch_irq_pending(void)
{
	return false;
}

void arch_tlb_flush_guest_s1(void)
{
}

/* The guest runs until the next kick to this CPU (fake_cpu_run enters the loop again). */
void arch_vcpu_enter(struct vcpu *vc, u64 stack_top)
{
	(void)vc;
	(void)stack_top;
	fake_m.enters[fake_cpu]++;
	leave_loop();
}

void arch_idle_wait(void)
{
	fake_m.idles[fake_cpu]++;
	leave_loop();
}

void arch_irq_poll(void)
{
}

static void __attribute__((noreturn)) noreturn_exit(int code)
{
	if (fake_noreturn_env) {
		longjmp(*(jmp_buf *)fake_noreturn_env, code);
	}
	exit(code);
}

void arch_system_off(void)
{
	fake_m.system_offs++;
	noreturn_exit(FAKE_EXIT_SYSTEM_OFF);
}

void arch_machine_reset(void)
{
	fake_m.machine_resets++;
	noreturn_exit(FAKE_EXIT_MACHINE_RESET);
}

void arch_dcache_clean(paddr_t pa, u64 size)
{
	(void)pa;
	(void)size;
	fake_m.cleans++;
}

void arch_memzero(paddr_t pa, u64 size)
{
	memset((void *)(uintptr_t)pa, 0, size);
	fake_m.zeroed += size;
}

u64 arch_counter(void)
{
	u64 t = fake_m.now;

	if (fake_cpu < FAKE_MAX_CPUS && cpu_env[fake_cpu] &&
	    ++loop_reads[fake_cpu] > LOOP_SPIN_LIMIT) {
		fprintf(stderr,
			"fake CPU %u: its loop spins (%u counter reads, no guest entered, "
			"no idle wait)\n",
			fake_cpu, LOOP_SPIN_LIMIT);
		abort();
	}
	fake_m.now += fake_m.tick;
	return t;
}

u64 arch_counter_freq(void)
{
	return FAKE_COUNTER_HZ;
}

void arch_hyp_timer_set(u64 deadline)
{
	fake_m.timer[fake_cpu] = deadline;
	fake_m.timer_sets[fake_cpu]++;
}

void arch_hyp_timer_cancel(void)
{
	fake_m.timer[fake_cpu] = 0;
}

/* ---- the hypervisor's PL011 (src/drivers/pl011.c) ---- */

void pl011_init(paddr_t base)
{
	(void)base;
}

void pl011_putc(char c)
{
	if (fake_m.uart_len + 1 < sizeof(fake_m.uart)) {
		fake_m.uart[fake_m.uart_len++] = c;
		fake_m.uart[fake_m.uart_len] = '\0';
	}
}

void pl011_write(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		pl011_putc(buf[i]);
	}
}

void pl011_flush(void)
{
}

int pl011_getc(void)
{
	return -1;
}

void pl011_rx_irq_enable(bool enable)
{
	(void)enable;
}

void pl011_irq_ack(void)
{
}

/* ---- the management transport (src/drivers/virtio_console_driver.c) ---- */

int vcon_find(const struct platform *plat, u32 index, struct vcon_dev *out)
{
	(void)plat;
	if (index >= fake_vcon.dev_count) {
		return -1;
	}
	out->base = fake_vcon.devs[index].base;
	out->size = fake_vcon.devs[index].size;
	out->intid = fake_vcon.devs[index].intid;
	out->edge = fake_vcon.devs[index].edge;
	return 0;
}

int vcon_start(const struct vcon_dev *dev, const char **why)
{
	for (u32 i = 0; i < fake_vcon.dev_count; i++) {
		if (fake_vcon.devs[i].base == dev->base) {
			fake_vcon.started = (int)i;
			fake_vcon.started_edge = dev->edge;
		}
	}
	*why = "";
	return 0;
}

void vcon_poll(void (*rx)(void *ctx, const u8 *data, size_t n), void *ctx)
{
	if (fake_vcon.rx_len) {
		rx(ctx, fake_vcon.rx, fake_vcon.rx_len);
	}
	fake_vcon.rx_len = 0;
}

void vcon_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n && fake_vcon.tx_len < sizeof(fake_vcon.tx) - 1; i++) {
		fake_vcon.tx[fake_vcon.tx_len++] = s[i];
	}
	fake_vcon.tx[fake_vcon.tx_len] = '\0';
}

void vcon_flush(void)
{
	fake_vcon.flushes++;
}

u64 vcon_dropped(void)
{
	return 0;
}

/* A debugger (gdb.h): the fake CPU has no debug hardware and no guest RAM to translate;
 * registers are the vCPU struct's general registers, pc and cpsr. */
void arch_gdb_route(const struct vcpu *vc)
{
	(void)vc;
}

void arch_gdb_debug_regs(struct vcpu *vc, bool step)
{
	vc->gdb_owned = true;
	(void)step;
}

void arch_gdb_debug_release(struct vcpu *vc)
{
	vc->gdb_owned = false;
}

void arch_gdb_step_done(struct vcpu *vc)
{
	(void)vc;
}

bool arch_gdb_ipa_to_pa(const struct vm *vm, u64 ipa, u64 *pa, bool *writable)
{
	(void)vm, (void)ipa, (void)pa, (void)writable;
	return false;
}

bool arch_gdb_va_to_ipa(const struct vcpu *vc, u64 va, u64 *ipa)
{
	(void)vc;
	*ipa = va;
	return true;
}

void arch_gdb_sync_icache(u64 pa, u64 n)
{
	(void)pa, (void)n;
}

bool arch_gdb_reg_get(const struct vcpu *vc, u32 n, u64 *lo, u64 *hi)
{
	*hi = 0;
	if (n > 32) {
		return false;
	}
	*lo = n < 31 ? vc->regs.x[n] : (n == 31 ? vc->regs.elr : vc->regs.spsr);
	return true;
}

bool arch_gdb_reg_set(struct vcpu *vc, u32 n, u64 lo, u64 hi)
{
	if (n > 30 || hi) {
		return false;
	}
	vc->regs.x[n] = lo;
	return true;
}

u32 arch_gdb_hw_count(bool watch)
{
	return watch ? 2 : 4;
}
