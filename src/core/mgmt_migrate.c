/* SPDX-License-Identifier: MIT */
/*
 * The management channel's live-migration commands (docs/MANAGEMENT.md, docs/SNAPSHOT.md
 * "Live migration"). On the source board:
 *   dirty-start NAME            write-protect NAME's RAM, log the pages written; its shape
 *   dirty-collect NAME FROM     dirty pages from page FROM on, cleared and protected again
 *   dirty-stop NAME             every page writable again, logging off
 *   mem-read NAME P[+N]         page P (or the first non-zero page of P..P+N-1): zero runs
 *                               as "z P COUNT", a page's data as "m P OFF BASE64" lines
 *   mem-fetch NAME P[+N]        pages from P on as one binary frame 'm' (mgmt.h "Frames"):
 *                               u64 P, u32 COUNT, u32 DATA, COUNT tags (0 zero, 1 data)
 *                               zero-padded to a multiple of 8 (the pages stay 8-byte
 *                               aligned), DATA pages of 4096 bytes; "ok next=P+COUNT"
 *   migrate-done NAME           after the target runs: the paused source slot is stopped
 * On the target board:
 *   migrate-in NAME             claim the stopped incoming slot NAME, scrubbed; its shape
 *   mem-write NAME P:OFF:B64    bytes into page P at OFF (P:z zeroes the page)
 *   frame 'w' (NAME, then what mem-fetch's frame holds): those pages, zero or data
 *   migrate-cancel NAME         give the slot up (scrubbed, stopped)
 * then restore-data / restore-end with the source's state-only stream (snapshot-begin-state
 * on the source). Pages are numbered as vm_dirty.h says. Arguments come from the channel:
 * every number is range-checked here.
 */
#include "base64.h"
#include "lib.h"
#include "mgmt_int.h"
#include "snapshot_int.h"
#include "vm_dirty.h"

#define MIG_PAGE	  4096U
#define MIG_LINE_BYTES	  128U /* data bytes per "m" line: 172 base64 characters */
#define MIG_COLLECT_MAX	  256U /* dirty pages one dirty-collect returns */
#define MIG_RANGES_LINE	  16U  /* ranges per "dirty" line */
#define MIG_READ_SPAN_MAX 4096U
#define MIG_WRITE_MAX	  96U

/* "vcpus=N mem=IPA+SIZE[,IPA+SIZE...]": what must match on both boards. */
static void shape_line(struct mgmt_out *o, const char *what, const struct vm *vm)
{
	char mem[160] = "";
	u32 n = 0;

	for (u32 i = 0; i < vm->cfg->mem_count && i < CONFIG_MAX_MEM && n < sizeof(mem) - 40; i++) {
		n += (u32)fmt_snprintf(mem + n, sizeof(mem) - n, "%s0x%llx+%llu", i ? "," : "",
				       (unsigned long long)vm->cfg->mem[i].ipa,
				       (unsigned long long)vm->cfg->mem[i].size);
	}
	mgmt_line(o, "ok %s %s vcpus=%u mem=%s pages=%llu", what, vm->cfg->name, vm->vcpu_count,
		  mem, (unsigned long long)vm_ram_pages(vm));
}

void mgmt_dirty_start(struct mgmt_out *o, struct vm *vm)
{
	char err[VM_DIRTY_ERR_MAX];

	if (vm_dirty_start(vm, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	shape_line(o, "dirty-logging", vm);
}

void mgmt_dirty_stop(struct mgmt_out *o, struct vm *vm)
{
	bool was = vm_dirty_active(vm);

	vm_dirty_stop(vm);
	mgmt_line(o, "ok dirty-logging of %s %s", vm->cfg->name, was ? "stopped" : "was off");
}

/* Consecutive pages of list as "P" or "P+N" words, MIG_RANGES_LINE per line. */
static void dirty_lines(struct mgmt_out *o, const u64 *list, u32 n)
{
	char line[MGMT_OUT_MAX];
	u32 len = 0, words = 0;

	for (u32 i = 0; i < n;) {
		u32 k = 1;

		while (i + k < n && list[i + k] == list[i] + k) {
			k++;
		}
		if (words == 0) {
			len = (u32)fmt_snprintf(line, sizeof(line), "dirty");
		}
		if (k > 1) {
			len += (u32)fmt_snprintf(line + len, sizeof(line) - len, " %llu+%u",
						 (unsigned long long)list[i], k);
		} else {
			len += (u32)fmt_snprintf(line + len, sizeof(line) - len, " %llu",
						 (unsigned long long)list[i]);
		}
		i += k;
		if (++words == MIG_RANGES_LINE || i == n) {
			mgmt_line(o, "%s", line);
			words = 0;
		}
	}
}

void mgmt_dirty_collect(struct mgmt_out *o, struct vm *vm, const char *from_arg)
{
	static u64 list[MIG_COLLECT_MAX];
	u64 from, next;
	u32 n;

	if (!mgmt_parse_u64(from_arg, &from)) {
		mgmt_err(o, "bad-args", "FROM: a decimal page number");
		return;
	}
	if (!vm_dirty_active(vm)) {
		mgmt_err(o, "wrong-state", "dirty logging of %s is off (dirty-start)",
			 vm->cfg->name);
		return;
	}
	if (!vm_dirty_intact(vm)) {
		mgmt_err(o, "refused",
			 "VM %s was reset since dirty-start: its memory was reloaded unlogged",
			 vm->cfg->name);
		return;
	}
	n = vm_dirty_collect(vm, from, list, MIG_COLLECT_MAX, &next);
	dirty_lines(o, list, n);
	mgmt_line(o, "ok next=%llu count=%u pages=%llu", (unsigned long long)next, n,
		  (unsigned long long)vm_ram_pages(vm));
}

/* "P" or "P+N" (1 <= N <= MIG_READ_SPAN_MAX), within the VM's RAM. */
static bool parse_span(const char *s, const struct vm *vm, u64 *p, u64 *n)
{
	char num[24];
	const char *plus = strchr(s, '+');
	size_t len = plus ? (size_t)(plus - s) : strlen(s);

	if (len == 0 || len >= sizeof(num)) {
		return false;
	}
	memcpy(num, s, len);
	num[len] = '\0';
	*n = 1;
	if (!mgmt_parse_u64(num, p) || (plus && !mgmt_parse_u64(plus + 1, n))) {
		return false;
	}
	return *n >= 1 && *n <= MIG_READ_SPAN_MAX && *p < vm_ram_pages(vm) &&
	       *n <= vm_ram_pages(vm) - *p;
}

static void page_data_lines(struct mgmt_out *o, u64 page, paddr_t pa)
{
	const u8 *src = (const u8 *)(uintptr_t)pa;

	for (u32 off = 0; off < MIG_PAGE; off += MIG_LINE_BYTES) {
		char b64[4 * MIG_LINE_BYTES / 3 + 4];

		b64_encode(src + off, MIG_LINE_BYTES, b64);
		mgmt_line(o, "m %llu %u %s", (unsigned long long)page, off, b64);
	}
}

void mgmt_mem_read(struct mgmt_out *o, struct vm *vm, const char *arg)
{
	u64 p, n, end, zero_from = 0, zeros = 0;

	if (!parse_span(arg, vm, &p, &n)) {
		mgmt_err(o, "bad-args", "P[+N]: pages of the VM's RAM (N 1..%u; %llu pages)",
			 MIG_READ_SPAN_MAX, (unsigned long long)vm_ram_pages(vm));
		return;
	}
	for (end = p + n; p < end; p++) {
		u64 ipa;
		paddr_t pa;

		vm_ram_page(vm, p, &ipa, &pa);
		if (snap_page_zero(pa)) {
			zero_from = zeros ? zero_from : p;
			zeros++;
			continue;
		}
		if (zeros) {
			mgmt_line(o, "z %llu %llu", (unsigned long long)zero_from,
				  (unsigned long long)zeros);
			zeros = 0;
		}
		page_data_lines(o, p, pa);
		p++;
		break;
	}
	if (zeros) {
		mgmt_line(o, "z %llu %llu", (unsigned long long)zero_from,
			  (unsigned long long)zeros);
	}
	mgmt_line(o, "ok next=%llu", (unsigned long long)p);
}

#define MIG_FRAME_HDR 16U		   /* u64 first page, u32 count, u32 data pages */
#define MIG_TAGS(n)   (((n) + 7U) & ~7ULL) /* tag bytes with their padding */

void mgmt_mem_fetch(struct mgmt_out *o, struct vm *vm, const char *arg)
{
	u8 *pl = mgmt_frame_payload();
	u64 p, n, count = 0, data = 0;

	if (!parse_span(arg, vm, &p, &n)) {
		mgmt_err(o, "bad-args", "P[+N]: pages of the VM's RAM (N 1..%u; %llu pages)",
			 MIG_READ_SPAN_MAX, (unsigned long long)vm_ram_pages(vm));
		return;
	}
	/* The tags first (they fit: N <= MIG_READ_SPAN_MAX < MGMT_FRAME_MAX), then the pages
	 * behind them, as many as the frame holds. */
	for (; count < n; count++) {
		u64 ipa;
		paddr_t pa;
		bool z;

		vm_ram_page(vm, p + count, &ipa, &pa);
		z = snap_page_zero(pa);
		if (MIG_FRAME_HDR + MIG_TAGS(count + 1) + (data + !z) * MIG_PAGE > MGMT_FRAME_MAX) {
			break;
		}
		pl[MIG_FRAME_HDR + count] = z ? 0 : 1;
		data += z ? 0 : 1;
	}
	le64_store(pl, p);
	le32_store(pl + 8, count);
	le32_store(pl + 12, data);
	for (u64 i = count; i < MIG_TAGS(count); i++) {
		pl[MIG_FRAME_HDR + i] = 0;
	}
	for (u64 i = 0, at = MIG_FRAME_HDR + MIG_TAGS(count); i < count; i++) {
		u64 ipa;
		paddr_t pa;

		if (pl[MIG_FRAME_HDR + i]) {
			vm_ram_page(vm, p + i, &ipa, &pa);
			memcpy(pl + at, (const u8 *)(uintptr_t)pa, MIG_PAGE);
			at += MIG_PAGE;
		}
	}
	mgmt_frame_send(o, 'm', (u32)(MIG_FRAME_HDR + MIG_TAGS(count) + data * MIG_PAGE));
	p += count;
	mgmt_line(o, "ok next=%llu", (unsigned long long)p);
}

/* Frame 'w': u64 P, u32 COUNT, u32 DATA, COUNT tags (padded with zeros to a multiple of 8),
 * DATA pages; all checked before any page is written. */
void mgmt_mem_frame(struct mgmt_out *o, struct vm *vm, const u8 *d, u32 n)
{
	u64 p, count, data, ones = 0, ipa;
	paddr_t pa;
	const u8 *src;

	if (n < MIG_FRAME_HDR) {
		mgmt_err(o, "bad-args", "frame 'w': %u bytes, the header alone is %u", n,
			 MIG_FRAME_HDR);
		return;
	}
	p = le64_load(d);
	count = le32_load(d + 8);
	data = le32_load(d + 12);
	/* Tags 0 or 1, padding 0: anything else counts more ones than can match. */
	for (u64 i = 0; i < MIG_TAGS(count) && MIG_FRAME_HDR + i < n; i++) {
		u8 t = d[MIG_FRAME_HDR + i];

		ones += t == 0 ? 0 : (t == 1 && i < count ? 1 : count + 1);
	}
	if (count == 0 || p >= vm_ram_pages(vm) || count > vm_ram_pages(vm) - p ||
	    data > MGMT_FRAME_PAGES || ones != data ||
	    (u64)n != MIG_FRAME_HDR + MIG_TAGS(count) + data * MIG_PAGE) {
		mgmt_err(o, "bad-args",
			 "frame 'w': P COUNT DATA, COUNT tags of 0 or 1 (DATA ones) padded to 8, "
			 "DATA pages, within the VM's %llu pages",
			 (unsigned long long)vm_ram_pages(vm));
		return;
	}
	if (!restore_migrating(vm)) {
		mgmt_err(o, "wrong-state", "no migration into %s waits for memory (migrate-in)",
			 vm->cfg->name);
		return;
	}
	src = d + MIG_FRAME_HDR + MIG_TAGS(count);
	for (u64 i = 0; i < count; i++) {
		vm_ram_page(vm, p + i, &ipa, &pa);
		if (d[MIG_FRAME_HDR + i]) {
			memcpy((u8 *)(uintptr_t)pa, src, MIG_PAGE);
			src += MIG_PAGE;
		} else {
			memset((u8 *)(uintptr_t)pa, 0, MIG_PAGE);
		}
	}
	mgmt_line(o, "ok");
}

void mgmt_migrate_in(struct mgmt_out *o, struct vm *vm)
{
	char err[SNAP_ERR_MAX];

	if (!vm->cfg->incoming) {
		mgmt_err(o, "refused",
			 "VM %s is not an incoming slot (its config node has no \"incoming;\")",
			 vm->cfg->name);
		return;
	}
	if (restore_begin_migrate(vm, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	shape_line(o, "incoming", vm);
}

void mgmt_migrate_cancel(struct mgmt_out *o, struct vm *vm)
{
	if (restore_cancel(vm) != 0) {
		mgmt_err(o, "wrong-state", "no migration into %s in progress", vm->cfg->name);
		return;
	}
	mgmt_line(o, "ok cancelled: %s scrubbed and stopped", vm->cfg->name);
}

/* "P:OFF:BASE64" or "P:z". */
static bool parse_write(char *arg, u64 *p, u64 *off, char **data)
{
	char *c1 = strchr(arg, ':'), *c2;

	if (!c1) {
		return false;
	}
	*c1 = '\0';
	if (!mgmt_parse_u64(arg, p)) {
		return false;
	}
	if (strcmp(c1 + 1, "z") == 0) {
		*data = NULL;
		*off = 0;
		return true;
	}
	c2 = strchr(c1 + 1, ':');
	if (!c2) {
		return false;
	}
	*c2 = '\0';
	*data = c2 + 1;
	return mgmt_parse_u64(c1 + 1, off) && *off < MIG_PAGE;
}

void mgmt_mem_write(struct mgmt_out *o, struct vm *vm, const char *arg)
{
	char buf[MGMT_LINE_MAX + 1];
	u8 bytes[MIG_WRITE_MAX];
	u64 p, off, ipa;
	paddr_t pa;
	char *data;
	long n = 0;

	str_copy(buf, arg, sizeof(buf));
	if (!parse_write(buf, &p, &off, &data) || !vm_ram_page(vm, p, &ipa, &pa) ||
	    (data &&
	     ((n = b64_decode(data, bytes, sizeof(bytes))) <= 0 || (u64)n > MIG_PAGE - off))) {
		mgmt_err(o, "bad-args", "P:OFF:BASE64 (1..%u bytes within page P of %llu) or P:z",
			 MIG_WRITE_MAX, (unsigned long long)vm_ram_pages(vm));
		return;
	}
	if (!restore_migrating(vm)) {
		mgmt_err(o, "wrong-state", "no migration into %s waits for memory (migrate-in)",
			 vm->cfg->name);
		return;
	}
	if (data) {
		memcpy((u8 *)(uintptr_t)(pa + off), bytes, (size_t)n);
	} else {
		memset((u8 *)(uintptr_t)pa, 0, MIG_PAGE);
	}
	mgmt_line(o, "ok");
}

void mgmt_migrate_done(struct mgmt_out *o, struct vm *vm)
{
	if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_PAUSED) {
		mgmt_err(o, "wrong-state", "VM %s is %s (migrate-done stops a paused source)",
			 vm->cfg->name, vm_state_name(vm->state));
		return;
	}
	snapshot_drop(vm);
	vm_dirty_stop(vm);
	if (vm_stop_paused(vm, STOP_MANAGEMENT) != 0 || vm->stuck) {
		mgmt_err(o, "stuck", "VM %s did not stop", vm->cfg->name);
		return;
	}
	mgmt_line(o, "ok stopped %s (migrated)", vm->cfg->name);
}

void mgmt_snapshot_begin_state(struct mgmt_out *o, struct vm *vm)
{
	char err[SNAP_ERR_MAX];
	u64 total;

	if (snapshot_begin_state(vm, &total, err) != 0) {
		mgmt_err(o, "refused", "%s", err);
		return;
	}
	mgmt_line(o, "ok size=%llu vm=%s", (unsigned long long)total, vm->cfg->name);
}
