/* SPDX-License-Identifier: MIT */
/*
 * The glue between the console multiplexer (core/console.c) and the VMs: their names and
 * states, input into a VM's virtual UART, and the physical UART's receive interrupt.
 */
#include "console.h"
#include "pl011.h"
#include "vm.h"
#include "vm_devices.h"

const char *console_vm_name(u32 vm_id)
{
	return vm_id < vm_count ? vms[vm_id].cfg->name : "?";
}

u32 console_vm_count(void)
{
	return vm_count;
}

const char *console_vm_state(u32 vm_id)
{
	return vm_state_name(vm_id < vm_count ? __atomic_load_n(&vms[vm_id].state, __ATOMIC_RELAXED)
					      : VM_RUNNING);
}

/* Console input runs on the CPU that takes the UART interrupt, whatever VM has the focus:
 * the lifecycle protocol. A VM that is stopped (or being reset) takes nothing. */
enum console_rx console_vm_rx(u32 vm_id, u8 c)
{
	struct vm *vm = vm_by_id(vm_id);
	bool ok;

	if (!vm || !vm_access_begin(vm)) {
		return CONSOLE_RX_STOPPED;
	}
	ok = vpl011_rx(&vm->uart, c);
	vdev_uart_update_irq(vm);
	vm_access_end(vm);
	return ok ? CONSOLE_RX_OK : CONSOLE_RX_DROPPED;
}

/* Bytes per interrupt: a paste cannot keep this CPU from its own vCPU for long; what is
 * left keeps the UART's receive interrupt asserted and is taken right after. */
#define CONSOLE_RX_BATCH 256

void console_poll_input(void)
{
	/* Never throttled: every byte is read at once and goes to the focused VM (which keeps
	 * up to VPL011_BACKLOG bytes it has not read yet) or is dropped and counted there,
	 * so input can never stop, whatever a VM does, and the hotkeys always work. The
	 * receive-timeout and error interrupts are cleared first: one that comes with a byte
	 * arriving while we drain is raised again. The receive interrupt itself follows
	 * the FIFO level (PL011 TRM 3.4.3): clearing it while bytes remain would lose it. */
	pl011_irq_ack();
	for (u32 n = 0; n < CONSOLE_RX_BATCH; n++) {
		int c = pl011_getc();

		if (c < 0) {
			break;
		}
		console_input((u8)c);
	}
}
