/* SPDX-License-Identifier: MIT */
/* Ticket spinlock on compiler atomics: builds for EL2 and for host unit tests. */
#ifndef TESSERA_SPINLOCK_H
#define TESSERA_SPINLOCK_H

#include "layout.h"
#include "share_stats.h"
#include "types.h"

typedef struct {
	u32 next;
	u32 owner;
} spinlock_t;

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

static inline void spin_init(spinlock_t *l)
{
	__atomic_store_n(&l->next, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&l->owner, 0, __ATOMIC_RELEASE);
}

static inline void spin_lock(spinlock_t *l)
{
	u32 ticket;

	SHARE_NOTE(l);
	ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
		PLATFORM_CPU_RELAX(); /* layout.h */
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif
