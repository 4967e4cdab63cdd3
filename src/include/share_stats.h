/* SPDX-License-Identifier: MIT */
/*
 * Cross-CPU sharing counters, compiled in only for the benchmark build
 * (`-DTESSERA_SHARE_STATS`, bench/run.sh): every lock acquisition and every
 * cross-VM access bracket (vm_access_begin) notes the object it touches, per
 * physical CPU. A guest opens and closes a counting window with TESSERA_HC_TRACE
 * markers; at the close the hypervisor prints, for the closing CPU, every object
 * it touched in the window and how often other CPUs touched the same object
 * meanwhile (markers SHARE_MARK_OPEN/CLOSE, abi.h). The real-time claim "nothing on the RT CPU's
 * path is shared with a storming neighbour" is then a count that must be 0. The product build has
 * none of this (the macro is empty).
 */
#ifndef TESSERA_SHARE_STATS_H
#define TESSERA_SHARE_STATS_H

#include "types.h"

#if defined(TESSERA_SHARE_STATS) && !defined(TESSERA_HOST)
void share_note(const void *obj);
/* Opens (zeroes every CPU's counts) or closes (reports for this CPU) the window. */
void share_window(bool open);
#define SHARE_NOTE(obj) share_note(obj)
#else
#define SHARE_NOTE(obj) ((void)(obj))
#endif

#endif
