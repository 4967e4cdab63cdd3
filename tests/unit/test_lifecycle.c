/* SPDX-License-Identifier: MIT */
/*
 * The lifecycle protocol under concurrency (vm.h, src/core/lifecycle.c), built with
 * ThreadSanitizer (Makefile: -fsanitize=thread). Two threads play two physical CPUs:
 *   "peer"      another VM's CPU touching VM X from outside, as the virtio-link pump,
 *               a channel doorbell and console input do (core/console_vm.c, core/chan.c): inside
 *               vm_access_begin/end, it drives X's UART interrupt line, raises an SPI,
 *               posts one lock-free and queues console input;
 *   "resetter"  X's own CPU resetting X again and again, as vm_reset does: claim, wait for
 *               the accesses in flight, reset the devices (vm_devices_reset), run again.
 * The bug this guards against (issue 18): a reset that re-initialised the vGIC lock while
 * the peer held it corrupted the lock, and both CPUs then spun for ever. Any access that
 * overlaps a reset is a data race ThreadSanitizer reports (the binary then fails); a
 * corrupted lock hangs (the test's timeout fails it). The end checks that both sides ran
 * interleaved (accesses were admitted and refused), and that every lock is free.
 */
#include <pthread.h>
#include <string.h>

#include "check.h"
#include "fake_arch.h"
#include "vm.h"
#include "vgic/vgic.h" /* the test looks into the arch's vGIC */

#define RESETS	 3000
#define SPI_LINE 40
#define SPI_EDGE 41

static struct vm x;
static struct vm_cfg x_cfg;
static volatile bool resets_done;
static u64 admitted, refused, resets;

static void *peer(void *arg)
{
	bool level = false;

	(void)arg;
	fake_cpu = 1;
	while (!__atomic_load_n(&resets_done, __ATOMIC_ACQUIRE)) {
		if (!vm_access_begin(&x)) {
			refused++;
			continue;
		}
		level = !level;
		vgic_set_level(&x.irqchip.vgic, 0, SPI_LINE, level);
		vgic_raise_spi(&x.irqchip.vgic, SPI_EDGE);
		vgic_raise(&x.irqchip.vgic, 0, SPI_EDGE);
		(void)vpl011_rx(&x.uart, 'k');
		vgic_set_level(&x.irqchip.vgic, 0, 33, vpl011_irq_level(&x.uart));
		vm_access_end(&x);
		admitted++;
	}
	return NULL;
}

/* What the guest does after each boot: the interrupts the peer drives really move state. */
static void guest_enables(void)
{
	u64 ctlr = 0x12, en = 0x302; /* GICD_CTLR: ARE, EnableGrp1; ISENABLER1: 33, 40, 41 */

	CHECK(vgic_dist_access(&x.irqchip.vgic, 0, 0x0, 4, true, &ctlr));
	CHECK(vgic_dist_access(&x.irqchip.vgic, 0, 0x104, 4, true, &en));
}

static void *resetter(void *arg)
{
	(void)arg;
	fake_cpu = 0;
	for (u32 i = 0; i < RESETS; i++) {
		if (!vm_claim(&x, VM_RUNNING, VM_RESETTING)) {
			continue;
		}
		vm_wait_users(&x);
		vm_devices_reset(&x);
		guest_enables();
		__atomic_store_n(&x.state, VM_RUNNING, __ATOMIC_RELEASE);
		resets++;
	}
	__atomic_store_n(&resets_done, true, __ATOMIC_RELEASE);
	return NULL;
}

static void test_reset_against_peer(void)
{
	pthread_t a, b;

	fake_arch_reset();
	memset(&x, 0, sizeof(x));
	memset(&x_cfg, 0, sizeof(x_cfg));
	x_cfg.vcpu_count = 1;
	x_cfg.cpus[0] = 0;
	x.cfg = &x_cfg;
	x.vcpu_count = 1;
	vm_devices_create(&x);
	vm_devices_reset(&x);
	guest_enables();
	x.state = VM_RUNNING;

	CHECK(pthread_create(&a, NULL, peer, NULL) == 0);
	CHECK(pthread_create(&b, NULL, resetter, NULL) == 0);
	CHECK(pthread_join(b, NULL) == 0);
	CHECK(pthread_join(a, NULL) == 0);

	printf("  resets=%llu admitted=%llu refused=%llu\n", (unsigned long long)resets,
	       (unsigned long long)admitted, (unsigned long long)refused);
	CHECK_EQ(resets, RESETS);
	CHECK(admitted > 0);
	CHECK_EQ(x.users, 0);
	CHECK_EQ(x.irqchip.vgic.lock.next, x.irqchip.vgic.lock.owner);
	CHECK_EQ(x.uart.lock.next, x.uart.lock.owner);
}

/* A reset claims only a live VM, and accesses are admitted exactly in RUNNING and PAUSED. */
static void test_states(void)
{
	static const u32 live[] = {VM_RUNNING, VM_PAUSED};
	static const u32 dead[] = {VM_STOPPED, VM_RESETTING};

	memset(&x, 0, sizeof(x));
	for (u32 i = 0; i < ARRAY_SIZE(live); i++) {
		x.state = live[i];
		CHECK(vm_access_begin(&x));
		CHECK_EQ(x.users, 1);
		vm_access_end(&x);
		CHECK_EQ(x.users, 0);
	}
	for (u32 i = 0; i < ARRAY_SIZE(dead); i++) {
		x.state = dead[i];
		CHECK(!vm_access_begin(&x));
		CHECK_EQ(x.users, 0);
	}
	x.state = VM_STOPPED;
	CHECK(!vm_claim(&x, VM_RUNNING, VM_RESETTING));
	CHECK_EQ(x.state, VM_STOPPED);
	CHECK(vm_claim(&x, VM_STOPPED, VM_RESETTING));
	CHECK_EQ(x.state, VM_RESETTING);
}

int main(void)
{
	RUN(test_states);
	RUN(test_reset_against_peer);
	CHECK_MAIN_END();
}
