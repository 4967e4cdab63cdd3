/* SPDX-License-Identifier: MIT */
/*
 * The names `stats` gives AArch64's exit classes (arch_exit_lines, arch.h; docs/MANAGEMENT.md):
 * an "exits" line by kind of trap, HVCs by the owner of their function ID and each with the
 * queries vectors.S answered in it, and an "aborts" line by the device window a data abort
 * hit (gicd: the distributor, core's shared interrupt-controller window; gicr: the
 * redistributors, its per-vCPU windows). Tools and tests read these names: they are part of
 * the management protocol.
 */
#include "arch.h"

#define C(cls) (1U << (cls))

static const struct arch_exit_field exits[] = {
    {"hvc_tessera", C(VEXIT_TESSERA_CALL) | C(VEXIT_Q_TESSERA)},
    {"hvc_psci", C(VEXIT_HVC_PSCI) | C(VEXIT_Q_PSCI)},
    {"hvc_arch", C(VEXIT_HVC_ARCH) | C(VEXIT_Q_ARCH)},
    {"hvc_other", C(VEXIT_HVC_OTHER)},
    {"smc", C(VEXIT_SMC) | C(VEXIT_Q_SMC)},
    {"sysreg", C(VEXIT_SYSREG)},
    {"wfx", C(VEXIT_WFX)},
    {"irq", EXIT_FIELD_IRQS},
    {"serror", C(VEXIT_SERROR)},
    {"other", C(VEXIT_OTHER)},
    {"injected", EXIT_FIELD_INJECTED},
};

static const struct arch_exit_field aborts[] = {
    {"gicd", C(VEXIT_MMIO_IRQCHIP)}, {"gicr", C(VEXIT_MMIO_IRQCHIP_CPU)},
    {"uart", C(VEXIT_MMIO_UART)},    {"virtio", C(VEXIT_MMIO_VIRTIO)},
    {"other", C(VEXIT_DABT_OTHER)},  {"iabt", C(VEXIT_IABT)},
};

const struct arch_exit_line arch_exit_lines[] = {
    {"exits", exits, ARRAY_SIZE(exits)},
    {"aborts", aborts, ARRAY_SIZE(aborts)},
    {NULL, NULL, 0},
};

_Static_assert(VEXIT_COUNT <= 30, "a class is a bit below EXIT_FIELD_IRQS");
