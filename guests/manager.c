/* SPDX-License-Identifier: MIT */
/*
 * manager: TESSERA_HC_MANAGE from inside a VM (docs/HYPERCALLS.md). With the
 * `manage` capability (bootargs "target=<VM index>") it walks the target VM
 * through pause, resume, stop, start and restart, checking each result and the
 * target's state after it, the wrong-state refusals, and that itself, a bad VM
 * index and a bad operation are INVALID. Without the capability (bootargs
 * "probe") every call must be DENIED, whatever it asks.
 */
#include "kit.h"

static s64 manage(u64 op, u64 target)
{
	return (s64)kit_hvc(TESSERA_HC_MANAGE, op, target, 0).x0;
}

static void expect(u64 op, u64 target, s64 want, const char *what)
{
	s64 r = manage(op, target);

	test_check(r == want, what, "returned %ld, want %ld", r, want);
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u64 target = kit_arg_u64(args, "target=", 1);
	u64 me = (u64)hyp_vm_id(NULL, NULL);
	u64 second = timer_freq();

	test_begin("manager");
	if (kit_strstr(args, "probe")) {
		u32 bad = 0;

		for (u64 op = TESSERA_MANAGE_STATE; op <= TESSERA_MANAGE_RESUME + 1; op++) {
			for (u64 vm = 0; vm < 4; vm++) {
				bad += manage(op, vm) != TESSERA_DENIED;
			}
		}
		test_check(bad == 0, "no capability: DENIED", "%u of 28 calls not denied", bad);
		test_done();
	}
	timer_delay(second / 2); /* let the target print a few ticks */
	expect(TESSERA_MANAGE_STATE, target, TESSERA_VM_RUNNING, "target running");
	expect(TESSERA_MANAGE_PAUSE, target, TESSERA_OK, "pause");
	expect(TESSERA_MANAGE_STATE, target, TESSERA_VM_PAUSED, "target paused");
	expect(TESSERA_MANAGE_PAUSE, target, TESSERA_WRONG_STATE, "pause while paused refused");
	timer_delay(second / 2);
	expect(TESSERA_MANAGE_RESUME, target, TESSERA_OK, "resume");
	expect(TESSERA_MANAGE_STATE, target, TESSERA_VM_RUNNING, "target running again");
	expect(TESSERA_MANAGE_RESUME, target, TESSERA_WRONG_STATE, "resume while running refused");
	timer_delay(second / 2);
	expect(TESSERA_MANAGE_STOP, target, TESSERA_OK, "stop");
	expect(TESSERA_MANAGE_STATE, target, TESSERA_VM_STOPPED, "target stopped");
	expect(TESSERA_MANAGE_STOP, target, TESSERA_WRONG_STATE, "stop while stopped refused");
	expect(TESSERA_MANAGE_START, target, TESSERA_OK, "start");
	expect(TESSERA_MANAGE_STATE, target, TESSERA_VM_RUNNING, "target running after start");
	timer_delay(second / 2);
	expect(TESSERA_MANAGE_RESTART, target, TESSERA_OK, "restart");
	expect(TESSERA_MANAGE_STATE, target, TESSERA_VM_RUNNING, "target running after restart");
	expect(TESSERA_MANAGE_STOP, me, TESSERA_INVALID, "itself: INVALID");
	expect(TESSERA_MANAGE_STATE, 99, TESSERA_INVALID, "no such VM: INVALID");
	expect(TESSERA_MANAGE_RESUME + 1, target, TESSERA_INVALID, "no such operation: INVALID");
	expect(~0ULL, ~0ULL, TESSERA_INVALID, "all-ones arguments: INVALID");
	test_done();
}
