/* SPDX-License-Identifier: MIT */
/*
 * The VM lifecycle and health policies, run by the real core (vm.c, lifecycle.c,
 * health.c, sched.c, chan.c, console.c) on the fake machine (fake_arch.h): every CPU
 * runs the real per-CPU loop when it is kicked, the EL2 timers fire when the fake
 * counter passes their deadline. Systems are booted by the fixture (fixture.h) through
 * vm_create_all. Lifecycle operations are issued from CPU 3, which has no vCPU (as the
 * management channel's CPU would), unless a test says otherwise.
 *
 * Tests whose failure mode is a power-off (the machine stops: arch_system_off) run in a
 * child process, so a wrong power-off fails that test alone.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abi.h"
#include "check.h"
#include "fake_arch.h"
#include "fdt.h"
#include "fixture.h"
#include "health.h"
#include "chan.h"
#include "sched_loop.h"
#include "vm_dtb.h"
#include "vgic/vgic.h" /* the test looks into the arch's vGIC */

#define OPS_CPU 3

/* alpha: 2 vCPUs on CPUs 0 and 1; beta: 1 vCPU on CPU 2. */
static struct fx_vm two[2] = {
    {.name = "alpha", .cpu_count = 2, .first_cpu = 0},
    {.name = "beta", .cpu_count = 1, .first_cpu = 2},
};

static struct vm *A = &vms[0], *B = &vms[1];

static void boot(const struct fx_vm *v, u32 n)
{
	CHECK_EQ(fx_boot(v, n, NULL, 0), 0);
	fake_cpu = OPS_CPU;
}

static u32 vstate(const struct vm *vm, u32 v)
{
	return __atomic_load_n(&vm->vcpus[v].state, __ATOMIC_ACQUIRE);
}

/* In a child: which step may power off; a power-off at any other step exits 1. */
static u32 child_step, child_off_step;
static jmp_buf child_env;

/* Runs fn in a child process; its exit status: 0 when no check failed and nothing powered
 * off, FAKE_EXIT_SYSTEM_OFF when the machine powered off at step child_off_step, else 1. */
static int in_child(void (*fn)(void))
{
	pid_t pid;
	int st = -1;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		child_step = 0;
		if (setjmp(child_env) != 0) {
			_exit(child_step == child_off_step && !check_failures ? FAKE_EXIT_SYSTEM_OFF
									      : 1);
		}
		fn();
		fflush(stdout);
		_exit(check_failures ? 1 : 0);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &st, 0) == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_create(void)
{
	boot(two, 2);
	CHECK_EQ(vm_count, 2);
	CHECK_EQ(A->state, VM_RUNNING);
	CHECK_EQ(B->state, VM_RUNNING);
	/* vCPU 0 of each VM entered its guest at the image (raw: RAM base), x0 = its DTB. */
	CHECK_EQ(vstate(A, 0), VCPU_RUNNING);
	CHECK_EQ(vstate(A, 1), VCPU_OFF);
	CHECK_EQ(fake_m.starts[0], 1);
	CHECK_EQ(fake_m.enters[0], 1);
	CHECK_EQ(fake_m.entry_pc[0], FX_VM_BASE);
	CHECK_EQ(fake_m.entry_x0[0], A->layout.dtb_ipa);
	CHECK_EQ(fake_m.starts[1], 0); /* vCPU 1 waits for CPU_ON */
	CHECK_EQ(fake_m.idles[1], 1);
	CHECK_EQ(fake_m.entry_pc[2], FX_VM_BASE + FX_VM_SIZE);
	CHECK(!A->vcpus[0].parked);
	CHECK(A->vcpus[1].parked);
	/* The image and the generated DTB are in the VM's RAM. */
	CHECK_EQ(*fx_ram(0, 0), 0x10);
	CHECK_EQ(*fx_ram(0, FX_IMAGE_LEN - 1), 0x10);
	CHECK_EQ(*fx_ram(1, 0), 0x11);
	{
		struct fdt f;

		CHECK_EQ(fdt_init(&f, fx_ram(0, A->layout.dtb_ipa - FX_VM_BASE), VM_DTB_MAX), 0);
		CHECK_EQ(fdt_check_struct(&f), 0);
	}
	CHECK(fake_uart_has("[tessera] VM 0 'alpha': 2 vCPU(s), entry 0x42000000"));
	CHECK_EQ(fake_m.zeroed, 0); /* the first boot does not scrub */
}

static void test_stop(void)
{
	boot(two, 2);
	fake_uart_clear();
	vm_stop(B, STOP_MANAGEMENT);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stop_cause, STOP_MANAGEMENT);
	CHECK_EQ(vstate(B, 0), VCPU_STOPPED);
	/* Its CPU was kicked, left the guest and parked the vCPU (timer, list registers). */
	CHECK(fake_kicks_to(2) >= 1);
	CHECK_EQ(fake_m.parks[2], 1);
	CHECK(B->vcpus[0].parked);
	CHECK_EQ(B->users, 0);
	CHECK(fake_uart_has("VM 1 'beta' stopped (management, guest exit status 0/0)"));
	/* Nobody else was touched, and one VM still runs: no power-off. */
	CHECK_EQ(A->state, VM_RUNNING);
	CHECK_EQ(fake_kicks_to(0), 0);
	CHECK_EQ(fake_m.system_offs, 0);
	/* Stopping a stopped VM does nothing; the access protocol now refuses it. */
	vm_stop(B, STOP_CRASH);
	CHECK_EQ(B->stop_cause, STOP_MANAGEMENT);
	CHECK(!vm_access_begin(B));
}

static void last_stop_child(void)
{
	boot(two, 2);
	fake_noreturn_env = &child_env;
	child_off_step = 1;
	vm_stop(B, STOP_MANAGEMENT);
	child_step = 1;
	vm_stop(A, STOP_SYSTEM_OFF); /* the last one: powers off */
	CHECK(false);
}

static void test_stop_last_powers_off(void)
{
	CHECK_EQ(in_child(last_stop_child), FAKE_EXIT_SYSTEM_OFF);
}

static void test_stop_last_stay_on(void)
{
	boot(two, 2);
	vm_stay_on = true; /* a management channel exists */
	vm_stop(B, STOP_MANAGEMENT);
	vm_stop(A, STOP_MANAGEMENT);
	CHECK_EQ(A->state, VM_STOPPED);
	CHECK_EQ(fake_m.system_offs, 0);
	CHECK(fake_uart_has("all VMs stopped (management channel present: staying on)"));
	/* And they can be started again. */
	CHECK_EQ(vm_restart(A), 0);
	CHECK_EQ(A->state, VM_RUNNING);
}

static void test_pause_resume(void)
{
	boot(two, 2);
	CHECK_EQ(vm_pause(A), 0);
	CHECK_EQ(A->state, VM_PAUSED);
	/* Parked with its state kept: not stopped, no park of its timer or LRs. */
	CHECK(A->vcpus[0].parked);
	CHECK_EQ(vstate(A, 0), VCPU_RUNNING);
	CHECK_EQ(fake_m.parks[0], 0);
	CHECK_EQ(fake_m.enters[0], 1);
	CHECK(vm_access_begin(A)); /* a paused VM's devices still take input */
	vm_access_end(A);
	CHECK_EQ(vm_pause(A), -1);
	CHECK_EQ(vm_resume(B), -1);
	CHECK_EQ(vm_resume(A), 0);
	CHECK_EQ(A->state, VM_RUNNING);
	/* Its CPU was woken and entered the guest again, where it left off (no restart). */
	CHECK_EQ(fake_m.enters[0], 2);
	CHECK_EQ(fake_m.starts[0], 1);
	CHECK_EQ(A->stats.resets, 0);
	CHECK_EQ(vm_resume(A), -1);
	/* A paused VM can be stopped. */
	CHECK_EQ(vm_pause(B), 0);
	vm_stop(B, STOP_MANAGEMENT);
	CHECK_EQ(B->state, VM_PAUSED); /* stop takes a running VM only (mgmt resumes first) */
}

static void test_reset(void)
{
	boot(two, 2);
	memset(fx_ram(0, 0), 0xee, FX_VM_SIZE); /* what the guest left behind */
	vm_reset(A);
	CHECK_EQ(A->state, VM_RUNNING);
	CHECK_EQ(A->stats.resets, 1);
	/* Scrubbed and reloaded: the image again, nothing of the old run. */
	CHECK_EQ(fake_m.zeroed, FX_VM_SIZE);
	CHECK_EQ(*fx_ram(0, 0), 0x10);
	CHECK_EQ(*fx_ram(0, FX_IMAGE_LEN), 0);
	CHECK_EQ(*fx_ram(0, FX_VM_SIZE - 1), 0);
	/* Both of its CPUs were made to leave the guest; vCPU 0 started again, vCPU 1 off. */
	CHECK_EQ(fake_m.parks[0], 1);
	CHECK_EQ(fake_m.starts[0], 2);
	CHECK_EQ(fake_m.enters[0], 2);
	CHECK_EQ(vstate(A, 0), VCPU_RUNNING);
	CHECK_EQ(vstate(A, 1), VCPU_OFF);
	/* The other VM kept running, untouched. */
	CHECK_EQ(B->stats.resets, 0);
	CHECK_EQ(fake_m.starts[2], 1);
	CHECK_EQ(*fx_ram(1, 0), 0x11);
	/* A stopped VM is not reset (it is restarted). */
	vm_stop(B, STOP_MANAGEMENT);
	vm_reset(B);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stats.resets, 0);
}

/* A VM resetting itself (SYSTEM_RESET from its own vCPU): its vCPU is parked right here. */
static void test_self_reset(void)
{
	boot(two, 2);
	fake_cpu = 2;
	vm_reset(B);
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(fake_m.parks[2], 1);
	CHECK_EQ(fake_kicks_to(2), 0);		 /* never kicks itself */
	CHECK_EQ(vstate(B, 0), VCPU_ON_PENDING); /* its own loop starts it on the way out */
	fake_cpu_run(2);
	CHECK_EQ(vstate(B, 0), VCPU_RUNNING);
	CHECK_EQ(fake_m.starts[2], 2);
}

static void test_restart(void)
{
	boot(two, 2);
	CHECK_EQ(vm_restart(B), -1); /* running */
	vm_stop(B, STOP_CRASH);
	memset(fx_ram(1, 0), 0xee, 64);
	CHECK_EQ(vm_restart(B), 0);
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(B->stats.resets, 1);
	CHECK_EQ(*fx_ram(1, 0), 0x11);
	CHECK_EQ(fake_m.starts[2], 2);
	CHECK_EQ(vstate(B, 0), VCPU_RUNNING);
	CHECK(fake_uart_has("VM 1 'beta' restarting"));
	CHECK(vm_access_begin(B));
	vm_access_end(B);
}

static struct fx_vm policy_vms[2] = {
    {.name = "alpha", .cpu_count = 2, .first_cpu = 0},
    {.name = "beta", .cpu_count = 1, .first_cpu = 2},
};

static void policy(const char *p, u32 max, u32 backoff)
{
	policy_vms[1].policy = p;
	policy_vms[1].restart_max = max;
	policy_vms[1].backoff_ms = backoff;
	policy_vms[1].watchdog_ms = 0;
	policy_vms[1].abort_limit = 0;
	boot(policy_vms, 2);
}

static void test_policy_stop(void)
{
	policy(NULL, 0, 0);
	health_failure(B, STOP_CRASH);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stop_cause, STOP_CRASH);
	CHECK_EQ(B->restarts, 0);
	CHECK(fake_uart_has("VM 1 'beta' failed (crash)"));
	fake_advance(10 * FAKE_COUNTER_HZ);
	CHECK_EQ(B->state, VM_STOPPED); /* stays stopped */
}

static void test_policy_restart_at_once(void)
{
	policy("restart", 3, 0);
	health_failure(B, STOP_CRASH);
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(B->restarts, 1);
	CHECK_EQ(B->stats.resets, 1);
	CHECK_EQ(fake_m.starts[2], 2);
	CHECK(fake_uart_has("policy restart: restart 1 of 3 in 0 ms"));
}

static void test_policy_restart_backoff(void)
{
	u64 t0;

	policy("restart", 2, 100);
	t0 = fake_m.now;
	health_failure(B, STOP_WATCHDOG);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stop_cause, STOP_WATCHDOG);
	CHECK_EQ(B->restart_at, t0 + 100 * FAKE_MS);
	/* The deadline is on the EL2 timer of its vCPU 0's CPU, armed there by request. */
	CHECK(fake_kicks_to(2) >= 1);
	CHECK_EQ(fake_m.timer[2], t0 + 100 * FAKE_MS);
	CHECK_EQ(fake_m.timer[0], 0);
	fake_advance(99 * FAKE_MS);
	CHECK_EQ(B->state, VM_STOPPED);
	fake_advance(1 * FAKE_MS);
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(B->restart_at, 0);
	CHECK_EQ(B->stats.resets, 1);
	CHECK_EQ(fake_m.timer[2], 0); /* nothing left to time */
	/* The second failure waits twice as long. */
	t0 = fake_m.now;
	health_failure(B, STOP_CRASH);
	CHECK_EQ(B->restart_at, t0 + 200 * FAKE_MS);
	fake_advance(199 * FAKE_MS);
	CHECK_EQ(B->state, VM_STOPPED);
	fake_advance(1 * FAKE_MS);
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(B->restarts, 2);
	/* The third is past restart-max: stopped for good. */
	health_failure(B, STOP_CRASH);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stop_cause, STOP_RESTART_LIMIT);
	CHECK_EQ(B->restart_at, 0);
	CHECK(fake_uart_has("VM 'beta': no restarts left (2 of 2 used)"));
	fake_advance(10 * FAKE_COUNTER_HZ);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->restarts, 2);
	CHECK_EQ(A->state, VM_RUNNING);
}

/* The failing VM's own CPU applies its policy (a crash trap): the timer is armed in place. */
static void test_policy_restart_on_home_cpu(void)
{
	policy("restart", 1, 10);
	fake_cpu = 2;
	health_failure(B, STOP_CRASH);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(fake_m.timer[2], B->restart_at);
	CHECK_EQ(fake_kicks_to(2), 0);
	fake_advance(10 * FAKE_MS);
	CHECK_EQ(B->state, VM_RUNNING);
}

/* Issue 11: the only VM running, policy restart with back-off: it must restart, not power
 * the machine off. */
static struct fx_vm sole[1] = {
    {.name = "solo",
     .cpu_count = 1,
     .first_cpu = 1,
     .policy = "restart",
     .restart_max = 2,
     .backoff_ms = 50},
};

static void sole_child(void)
{
	boot(sole, 1);
	fake_noreturn_env = &child_env;
	child_off_step = 1;
	health_failure(&vms[0], STOP_CRASH);
	CHECK_EQ(vms[0].state, VM_STOPPED);
	CHECK_EQ(fake_m.system_offs, 0);
	fake_advance(50 * FAKE_MS);
	CHECK_EQ(vms[0].state, VM_RUNNING);
	CHECK_EQ(vms[0].stats.resets, 1);
	/* After its last restart, the next failure stops it: now the machine powers off. */
	health_failure(&vms[0], STOP_CRASH);
	fake_advance(100 * FAKE_MS);
	CHECK_EQ(vms[0].state, VM_RUNNING);
	child_step = 1;
	health_failure(&vms[0], STOP_CRASH); /* restart limit: the machine powers off */
	CHECK(false);
}

static void test_sole_vm_restart(void)
{
	CHECK_EQ(in_child(sole_child), FAKE_EXIT_SYSTEM_OFF);
}

static void test_policy_system_reset(void)
{
	jmp_buf env;

	policy("system-reset", 0, 0);
	fake_noreturn_env = &env;
	if (setjmp(env) == 0) {
		health_failure(B, STOP_ABORTS);
		CHECK(false);
	}
	fake_noreturn_env = NULL;
	CHECK_EQ(fake_m.machine_resets, 1);
	CHECK_EQ(fake_m.system_offs, 0);
	CHECK(fake_uart_has("policy system-reset: resetting the machine"));
}

static void test_watchdog(void)
{
	u64 t0;

	policy_vms[1].policy = NULL;
	policy_vms[1].watchdog_ms = 100;
	policy_vms[1].abort_limit = 0;
	boot(policy_vms, 2);
	t0 = B->started_at;
	/* Armed on its home CPU when vCPU 0 started: first heartbeat due one period in. */
	CHECK_EQ(fake_m.timer[2], t0 + 100 * FAKE_MS);
	fake_advance(50 * FAKE_MS);
	health_heartbeat(B);
	fake_advance(50 * FAKE_MS); /* fires: the heartbeat came, so it is re-armed */
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(fake_m.timer[2], t0 + 150 * FAKE_MS);
	fake_advance(50 * FAKE_MS); /* no heartbeat since: a failure */
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stop_cause, STOP_WATCHDOG);
	CHECK_EQ(fake_m.timer[2], 0);
	CHECK(fake_uart_has("VM 1 'beta' failed (watchdog)"));
}

static void test_abort_limit(void)
{
	policy_vms[1].policy = NULL;
	policy_vms[1].watchdog_ms = 0;
	policy_vms[1].abort_limit = 2;
	boot(policy_vms, 2);
	health_abort(B);
	health_abort(B);
	CHECK_EQ(B->state, VM_RUNNING);
	health_abort(B);
	CHECK_EQ(B->state, VM_STOPPED);
	CHECK_EQ(B->stop_cause, STOP_ABORTS);
	CHECK_EQ(B->run_aborts, 3);
	/* A new run starts with a clean count. */
	CHECK_EQ(vm_restart(B), 0);
	CHECK_EQ(B->run_aborts, 0);
}

/* A vCPU whose CPU never answers (direct-interrupts guest masking everything): the stop
 * gives up after 10 s, the VM stays claimed and "stuck", and nothing restarts it. */
static void test_stuck(void)
{
	policy("restart", 3, 10);
	fake_m.up[2] = false;
	fake_m.tick = FAKE_MS; /* every counter read: 1 ms later */
	health_failure(B, STOP_CRASH);
	fake_m.tick = 0;
	CHECK_EQ(B->state, VM_RESETTING);
	CHECK(B->stuck);
	CHECK(fake_kick_count >= 9000); /* re-kicked every millisecond (the log keeps 1024) */
	CHECK_EQ(fake_kicks_to(2), FAKE_LOG_MAX);
	CHECK(fake_uart_has("vCPU 0 on CPU 2 slow to leave the guest"));
	CHECK(fake_uart_has("vCPU 0 on CPU 2 does not respond: giving up"));
	CHECK(fake_uart_has("VM 1 'beta' stuck: not stopped"));
	CHECK(B->restart_at != 0);
	/* Its home CPU's timer sees the pending restart of a stuck VM and drops it. */
	fake_cpu = 2;
	sched_hyp_timer(&cpus[2]);
	fake_cpu = OPS_CPU;
	CHECK_EQ(B->restart_at, 0);
	CHECK_EQ(fake_m.timer[2], 0);
	fake_advance(10 * FAKE_COUNTER_HZ);
	CHECK_EQ(B->state, VM_RESETTING);
	CHECK_EQ(vm_restart(B), -1);
	vm_reset(B);
	CHECK_EQ(B->stats.resets, 0);
	CHECK(!vm_access_begin(B));
	CHECK_EQ(A->state, VM_RUNNING);
}

/* A restart whose stop still waits for the CPU when the deadline passes is tried again a
 * millisecond later rather than lost. */
static void test_restart_waits_for_stop(void)
{
	policy("restart", 3, 10);
	B->restart_at = fake_m.now; /* as vm_stop_for_restart leaves it while it waits */
	B->state = VM_RESETTING;
	fake_cpu = 2;
	sched_hyp_timer(&cpus[2]);
	CHECK_EQ(fake_m.timer[2], fake_m.now + FAKE_MS);
	CHECK(B->restart_at != 0);
	B->state = VM_STOPPED; /* the stop completed */
	fake_cpu = OPS_CPU;
	fake_advance(FAKE_MS);
	CHECK_EQ(B->state, VM_RUNNING);
	CHECK_EQ(B->restart_at, 0);
}

static struct fx_vm trio[3] = {
    {.name = "alpha", .cpu_count = 1, .first_cpu = 0},
    {.name = "beta", .cpu_count = 1, .first_cpu = 1},
    {.name = "gamma", .cpu_count = 1, .first_cpu = 2},
};

/* Reads VM vm's GICD_ISPENDR<n> as its vCPU 0. */
static u32 spi_pending(struct vm *vm, u32 intid)
{
	u64 v = 0;

	CHECK(vgic_dist_access(&vm->irqchip.vgic, 0, 0x200 + (intid / 32) * 4, 4, false, &v));
	return (u32)(v >> (intid % 32)) & 1;
}

static void test_channel_notify(void)
{
	static const struct fx_chan ch[1] = {{.a = 0, .b = 1, .intid = 40}};

	CHECK_EQ(fx_boot(trio, 3, ch, 1), 0);
	fake_cpu = 0; /* alpha's vCPU makes the call */
	CHECK_EQ(vms[0].chans[0].peer_count, 1);
	CHECK(vms[0].chans[0].peers[0].vm == &vms[1]);
	CHECK_EQ(spi_pending(&vms[1], 40), 0);
	CHECK_EQ(chan_notify(&vms[0], 0), TESSERA_OK);
	CHECK_EQ(spi_pending(&vms[1], 40), 1);
	CHECK_EQ(spi_pending(&vms[0], 40), 0);
	CHECK_EQ(chan_notify(&vms[0], 1), TESSERA_INVALID);
	CHECK_EQ(chan_notify(&vms[0], ~0ULL), TESSERA_INVALID);
	CHECK_EQ(chan_notify(&vms[2], 0), TESSERA_DENIED); /* gamma is no end of it */
	/* Into a stopped peer: dropped, and its restart starts with nothing pending. */
	fake_cpu = OPS_CPU;
	vm_stop(&vms[1], STOP_MANAGEMENT);
	fake_cpu = 0;
	CHECK_EQ(chan_notify(&vms[0], 0), TESSERA_OK);
	CHECK_EQ(vms[1].users, 0);
	fake_cpu = OPS_CPU;
	CHECK_EQ(vm_restart(&vms[1]), 0);
	CHECK_EQ(spi_pending(&vms[1], 40), 0);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN(test_create);
	RUN(test_stop);
	RUN(test_stop_last_powers_off);
	RUN(test_stop_last_stay_on);
	RUN(test_pause_resume);
	RUN(test_reset);
	RUN(test_self_reset);
	RUN(test_restart);
	RUN(test_policy_stop);
	RUN(test_policy_restart_at_once);
	RUN(test_policy_restart_backoff);
	RUN(test_policy_restart_on_home_cpu);
	RUN(test_sole_vm_restart);
	RUN(test_policy_system_reset);
	RUN(test_watchdog);
	RUN(test_abort_limit);
	RUN(test_stuck);
	RUN(test_restart_waits_for_stop);
	RUN(test_channel_notify);
	CHECK_MAIN_END();
}
