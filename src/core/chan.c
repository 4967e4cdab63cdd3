/* SPDX-License-Identifier: MIT */
/*
 * Channel doorbells (docs/HYPERCALLS.md, TESSERA_HC_CHANNEL_NOTIFY). The right
 * to notify is the config's: a VM may notify exactly the channels it is an end
 * of. Each VM carries a table, by channel id, of the other ends and the SPI to
 * raise in each, so the hypercall is an index, a bounds check and one vGIC
 * injection per peer (an SPI goes to the vCPU its GICD_IROUTER names; the vGIC
 * kicks that vCPU's CPU). The SPI is posted without the peer's vGIC lock
 * (vgic_raise_spi): the peer's CPU moves it into its model and list registers
 * on its way back into the guest. The memory itself is mapped by vm_map() (core/vm.c).
 */
#include "chan.h"
#include "abi.h"
#include "lib.h"
#include "vm.h"

BOOT_ONLY void chan_vm_init(struct vm *vm)
{
	const struct config *cfg = &system_config;

	memset(vm->chans, 0, sizeof(vm->chans));
	for (u32 c = 0; c < cfg->chan_count && c < CONFIG_MAX_CHANS; c++) {
		const struct chan_cfg *ch = &cfg->chans[c];
		bool mine = false;

		for (u32 e = 0; e < ch->end_count; e++) {
			mine |= ch->ends[e].vm == vm->id;
		}
		if (!mine) {
			continue;
		}
		for (u32 e = 0; e < ch->end_count; e++) {
			struct vm_chan *t = &vm->chans[c];

			if (ch->ends[e].vm != vm->id && ch->ends[e].vm < CONFIG_MAX_VMS &&
			    t->peer_count < CONFIG_MAX_ENDS - 1) {
				t->peers[t->peer_count].vm = &vms[ch->ends[e].vm];
				t->peers[t->peer_count].intid = ch->ends[e].intid;
				t->peer_count++;
			}
		}
	}
}

/*
 * A notify comes from another VM's CPU: it touches the peer's vGIC inside the lifecycle
 * protocol's access section (vm.h), so a peer being reset is either seen as not live here
 * or waited for there. A notify into a VM that is stopped or being reset is dropped: the
 * VM starts with no interrupt pending and must look at the channel memory anyway.
 */
s64 chan_notify(struct vm *vm, u64 id)
{
	const struct vm_chan *t;

	if (id >= CONFIG_MAX_CHANS || id >= system_config.chan_count) {
		return TESSERA_INVALID;
	}
	t = &vm->chans[id];
	if (t->peer_count == 0) {
		return TESSERA_DENIED;
	}
	for (u32 i = 0; i < t->peer_count; i++) {
		struct vm *p = t->peers[i].vm;

		if (vm_access_begin(p)) {
			irqchip_post(p, t->peers[i].intid);
			vm_access_end(p);
		}
	}
	return TESSERA_OK;
}
