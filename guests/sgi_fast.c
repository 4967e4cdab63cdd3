/* SPDX-License-Identifier: MIT */
/*
 * sgi_fast: the self-SGI paths of ICC_SGI1R_EL1 (vectors.S sgi_entry, which reads the
 * value register before any save, and the C paths it falls back to), checked by what
 * arrives:
 *  - a self-SGI written from every register x0..x30 (each INTID 0..15 in turn) arrives
 *    exactly once, with the right INTID; one written from XZR (TargetList 0) never does;
 *  - a target list naming this vCPU and vCPUs that do not exist (0xffff: the C path)
 *    arrives once;
 *  - an SGI sent again from its own handler (active: the LR is still live) arrives again
 *    after the handler, once;
 *  - all 16 SGIs sent with interrupts masked (more than the list registers) each arrive
 *    once, and an SGI sent twice while pending arrives once;
 *  - a disabled SGI does not arrive, and arrives once when enabled;
 *  - 2000 self-SGIs, each waited for, registers and INTIDs rotating: every one arrives.
 */
#include "kit.h"

#define ROUNDS 2000U

static volatile u32 hits[16];
static volatile u32 resend_left;

/* sgi_via(n, v): writes v to ICC_SGI1R_EL1 from register xn (n = 31: XZR) and puts xn
 * back; 32-byte entries. */
void sgi_via(u64 n, u64 v);
__asm__(".pushsection .text.sgi_via, \"ax\"\n"
	".global sgi_via\n"
	"sgi_via:\n"
	"	adr	x2, 1f\n"
	"	add	x2, x2, x0, lsl #5\n"
	"	dsb	sy\n"
	"	br	x2\n"
	"	.balign	32\n"
	"1:\n"
	"	.irp	n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, "
	"19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30\n"
	"	.balign	32\n"
	"	str	x\\n, [sp, #-16]!\n"
	"	mov	x\\n, x1\n"
	"	msr	S3_0_C12_C11_5, x\\n\n"
	"	isb\n"
	"	ldr	x\\n, [sp], #16\n"
	"	ret\n"
	"	.endr\n"
	"	.balign	32\n"
	"	msr	S3_0_C12_C11_5, xzr\n"
	"	isb\n"
	"	ret\n"
	".popsection\n");

static u64 self_sgi(u32 intid)
{
	return ((u64)(intid & 0xf) << 24) | (1ULL << kit_cpu_id());
}

static void count_irq(u32 intid)
{
	if (intid < 16)
		hits[intid]++;
}

/* SGI 7: sends itself once more from its own handler (x9). */
static void resend_irq(u32 intid)
{
	count_irq(intid);
	if (resend_left) {
		resend_left--;
		sgi_via(9, self_sgi(intid));
	}
}

static void clear_hits(void)
{
	for (u32 i = 0; i < 16; i++)
		hits[i] = 0;
}

static u32 sum_hits(void)
{
	u32 n = 0;
	for (u32 i = 0; i < 16; i++)
		n += hits[i];
	return n;
}

/* Lets pending interrupts in for ms milliseconds of virtual time. */
static void irq_window(u32 ms)
{
	kit_irq_on();
	timer_delay(timer_freq() * ms / 1000);
	kit_irq_off();
}

static void every_register(void)
{
	u32 bad = 0;
	for (u32 n = 0; n <= 30; n++) {
		u32 intid = n % 16;
		clear_hits();
		sgi_via(n, self_sgi(intid));
		irq_window(1);
		if (hits[intid] != 1 || sum_hits() != 1) {
			bad++;
			test_fact("x%u: SGI %u arrived %u times, %u in all", n, intid, hits[intid],
				  sum_hits());
		}
	}
	test_check(bad == 0, "a self-SGI from each of x0..x30 arrives once, right INTID", "bad=%u",
		   bad);
	clear_hits();
	sgi_via(31, 0);
	irq_window(1);
	test_check(sum_hits() == 0, "an ICC_SGI1R_EL1 write of XZR (no target) sends nothing",
		   "arrived=%u", sum_hits());
	clear_hits();
	sgi_via(3, (4ULL << 24) | 0xffff);
	irq_window(1);
	test_check(hits[4] == 1 && sum_hits() == 1,
		   "TargetList 0xffff (itself and vCPUs that do not exist) arrives once",
		   "SGI 4: %u, all: %u", hits[4], sum_hits());
}

static void resend_from_handler(void)
{
	gic_set_handler(7, resend_irq);
	clear_hits();
	resend_left = 1;
	sgi_via(5, self_sgi(7));
	irq_window(2);
	test_check(hits[7] == 2 && sum_hits() == 2,
		   "an SGI sent again from its own handler arrives again, once",
		   "SGI 7: %u, all: %u", hits[7], sum_hits());
	gic_set_handler(7, count_irq);
}

static void burst(void)
{
	clear_hits();
	for (u32 i = 0; i < 16; i++)
		sgi_via(i + 1, self_sgi(i));
	sgi_via(20, self_sgi(12)); /* pending already: merges */
	irq_window(2);
	u32 bad = 0;
	for (u32 i = 0; i < 16; i++)
		bad += hits[i] != 1;
	test_check(bad == 0, "16 SGIs sent masked (more than the list registers) arrive once each",
		   "SGIs not arriving exactly once: %u, all: %u", bad, sum_hits());
}

static void disabled(void)
{
	gic_disable(9);
	clear_hits();
	sgi_via(0, self_sgi(9));
	irq_window(1);
	u32 off = sum_hits();
	gic_enable(9);
	irq_window(1);
	test_check(off == 0 && hits[9] == 1 && sum_hits() == 1,
		   "a disabled SGI waits, and arrives once when enabled",
		   "while disabled: %u, after enable: %u", off, hits[9]);
}

static void many(void)
{
	u32 missed = 0, extra = 0;
	kit_irq_on();
	for (u32 i = 0; i < ROUNDS; i++) {
		u32 intid = (i * 7) % 16;
		u32 before = hits[intid];
		sgi_via((i * 11) % 31, self_sgi(intid));
		u64 end = timer_now() + timer_freq() / 100;
		while (hits[intid] == before && timer_now() < end)
			;
		missed += hits[intid] == before;
		extra += hits[intid] > before + 1;
	}
	kit_irq_off();
	test_check(missed == 0 && extra == 0, "2000 self-SGIs, each waited for, arrive once each",
		   "missed=%u extra=%u", missed, extra);
}

int main(u64 dtb)
{
	(void)dtb;
	test_begin("sgi_fast");
	for (u32 i = 0; i < 16; i++) {
		gic_set_handler(i, count_irq);
		gic_enable(i);
	}
	every_register();
	resend_from_handler();
	burst();
	disabled();
	many();
	test_done();
}
