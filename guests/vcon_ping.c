/* SPDX-License-Identifier: MIT */
/*
 * vcon_ping: the bare-metal end of a virtio-console link to an unmodified
 * Linux (tessera.then=vcon in its /init, docs/VIRTIO.md). Waits for Linux's
 * "READY", then sends "PING <n>" and expects "PONG <n>" back, count=<n> times,
 * then "BYE". Bootargs: count=<n>, wait=<ms> for READY.
 */
#include "virtio.h"

static struct kvio dev;

/* Next complete line into buf (without '\n'); false on timeout or a broken device. */
static bool read_line(char *buf, u32 size, u64 deadline)
{
	u32 len = 0;

	while (timer_now() < deadline && !kvio_broken(&dev)) {
		int c = kvio_getc(&dev);
		if (c < 0) {
			kvio_wait(&dev);
			continue;
		}
		if (c == '\r')
			continue;
		if (c == '\n') {
			buf[len] = '\0';
			return true;
		}
		if (len < size - 1)
			buf[len++] = (char)c;
	}
	return false;
}

static void send_str(const char *s)
{
	u32 n = (u32)strlen(s);
	while (!kvio_try_send(&dev, s, n))
		kvio_wait(&dev);
}

int main(u64 dtb)
{
	const char *args = dt_bootargs((const void *)(uintptr_t)dtb);
	u32 count = (u32)kit_arg_u64(args, "count=", 100);
	u64 wait_ms = kit_arg_u64(args, "wait=", 120000);
	u64 ms = timer_freq() / 1000;
	char line[64], want[32], out[32];
	const char *why = "";
	u32 ok = 0;

	test_begin("vcon_ping");
	if (!test_check(kvio_init(&dev, 0x0a000000, (u32)kit_arg_u64(args, "irq=", 48), &why) == 0,
			"virtio console up", "%s", why))
		test_done();
	bool ready = false;
	u64 deadline = timer_now() + wait_ms * ms;
	while (!ready && read_line(line, sizeof(line), deadline))
		ready = strcmp(line, "READY") == 0;
	if (!test_check(ready, "peer ready", "no READY line"))
		test_done();
	for (u32 i = 0; i < count; i++) {
		fmt_snprintf(out, sizeof(out), "PING %u\n", i);
		fmt_snprintf(want, sizeof(want), "PONG %u", i);
		send_str(out);
		if (!read_line(line, sizeof(line), timer_now() + 10000 * ms)) {
			kit_printf("vcon_ping: no answer to PING %u\n", i);
			break;
		}
		if (strcmp(line, want) != 0) {
			kit_printf("vcon_ping: got \"%s\", want \"%s\"\n", line, want);
			break;
		}
		ok++;
	}
	send_str("BYE\n");
	test_check(ok == count, "every PING answered", "ok=%u count=%u", ok, count);
	test_fact("pongs=%u", ok);
	test_done();
}
