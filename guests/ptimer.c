/* SPDX-License-Identifier: MIT */
/* ptimer: guests/timer.c's checks on the EL1 physical timer (PPI 30) instead of the virtual one. */
#define TIMER_PHYS
#include "timer.c"
