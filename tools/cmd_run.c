/* SPDX-License-Identifier: MIT */
/*
 * `tessera run FILE.dts [--cpu MODEL] [--icount] [-v] [--timeout S] [--pack IMG]
 * [--hyp ELF] [--mgmt SOCKET] [--sign KEY] [--version N] [--image IMG] [--flash FILE] [--log-level
 * L]
 * [-- QEMU ARGS]`:
 * packs the config (signed with --sign) and boots it on QEMU virt, sized from the
 * config's /platform node; --image boots IMG as it is instead (a system image made
 * or altered elsewhere, e.g. the verified-boot tests' tampered ones); --flash backs the
 * hypervisor's flash bank (anti-rollback counter) with FILE, created if missing. --mgmt connects
 * the hypervisor's management channel to a Unix socket for `tessera ctl`, and says so on stderr if
 * the channel never answers (run_watch_mgmt). Exit status is QEMU's, or 124 when --timeout expires
 * (as timeout(1) does).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "layout.h"
#include "tessera.h"

#define RUN_MAX_ARGS 64

struct run_opts {
	const char *dts, *cpu, *pack, *hyp, *mgmt, *log_level, *image, *flash;
	struct tool_sign sign;
	bool icount, verbose;
	long timeout;
	int extra_argc;
	char **extra_argv;
};

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cpu = "cortex-a57";
	o->hyp = "build/tessera.elf";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;
		int s = tool_sign_option(argc, argv, &i, &o->sign);

		if (s != 0) {
			if (s < 0) {
				return -1;
			}
		} else if (strcmp(a, "--") == 0) {
			o->extra_argc = argc - i - 1;
			o->extra_argv = argv + i + 1;
			break;
		} else if (strcmp(a, "--icount") == 0) {
			o->icount = true;
		} else if (strcmp(a, "-v") == 0) {
			o->verbose = true;
		} else if (strcmp(a, "--cpu") == 0 && has_val) {
			o->cpu = argv[++i];
		} else if (strcmp(a, "--pack") == 0 && has_val) {
			o->pack = argv[++i];
		} else if (strcmp(a, "--flash") == 0 && has_val) {
			o->flash = argv[++i];
		} else if (strcmp(a, "--image") == 0 && has_val) {
			o->image = argv[++i];
		} else if (strcmp(a, "--hyp") == 0 && has_val) {
			o->hyp = argv[++i];
		} else if (strcmp(a, "--mgmt") == 0 && has_val) {
			o->mgmt = argv[++i];
		} else if (strcmp(a, "--log-level") == 0 && has_val) {
			o->log_level = argv[++i];
		} else if (strcmp(a, "--timeout") == 0 && has_val) {
			char *end;
			o->timeout = strtol(argv[++i], &end, 10);
			if (*end || o->timeout <= 0) {
				return -1;
			}
		} else if (!o->dts && a[0] != '-') {
			o->dts = a;
		} else {
			return -1;
		}
	}
	/* No --log-level: $TESSERA_LOG_LEVEL, else the hypervisor's default (warn). The test
	 * and bench harnesses set info: their checks read the boot and lifecycle lines. */
	if (!o->log_level && getenv("TESSERA_LOG_LEVEL") && *getenv("TESSERA_LOG_LEVEL")) {
		o->log_level = getenv("TESSERA_LOG_LEVEL");
	}
	if (o->log_level && strcmp(o->log_level, "error") != 0 &&
	    strcmp(o->log_level, "warn") != 0 && strcmp(o->log_level, "info") != 0) {
		fprintf(stderr,
			"tessera run: --log-level (or TESSERA_LOG_LEVEL) takes error, warn or "
			"info\n");
		return -1;
	}
	return o->dts ? 0 : -1;
}

/* build/<config name>.img unless --pack says otherwise. */
static const char *run_pack_path(const struct run_opts *o, char *buf, size_t size)
{
	char tmp[4096];
	char *base, *dot;

	if (o->pack) {
		return o->pack;
	}
	snprintf(tmp, sizeof(tmp), "%s", o->dts);
	base = basename(tmp);
	dot = strrchr(base, '.');
	if (dot && strcmp(dot, ".dts") == 0) {
		*dot = '\0';
	}
	if (mkdir("build", 0777) != 0 && errno != EEXIST) {
		return NULL;
	}
	snprintf(buf, size, "build/%s.img", base);
	return buf;
}

/* QEMU virt's flash bank size: a --flash file is created (sparse) at it if missing. */
#define RUN_FLASH_SIZE (64LL << 20)

static int run_flash_file(const char *path)
{
	struct stat st;
	int fd;

	if (stat(path, &st) == 0) {
		if (st.st_size != RUN_FLASH_SIZE) {
			fprintf(stderr,
				"tessera run: --flash %s: %lld bytes, QEMU virt's flash bank "
				"is %lld\n",
				path, (long long)st.st_size, RUN_FLASH_SIZE);
			return -1;
		}
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || ftruncate(fd, RUN_FLASH_SIZE) != 0) {
		fprintf(stderr, "tessera run: --flash %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	return close(fd);
}

static volatile sig_atomic_t run_child;

/* SIGTERM/SIGINT/SIGHUP to `tessera run` (e.g. from timeout(1) or a test harness) go to QEMU
 * too, so no QEMU outlives the command that started it; run_wait then reaps it. */
static void run_forward(int sig)
{
	if (run_child > 0) {
		kill((pid_t)run_child, sig);
	}
}

/* Waits for QEMU, killing it when the deadline passes. */
static int run_wait(pid_t pid, long timeout)
{
	struct timespec start, now, nap = {0, 20 * 1000 * 1000};
	int status;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, timeout ? WNOHANG : 0);
		if (r == pid) {
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		if (r < 0 && errno != EINTR) {
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (timeout && (now.tv_sec - start.tv_sec) * 1000L +
				       (now.tv_nsec - start.tv_nsec) / 1000000L >=
				   timeout * 1000L) {
			fprintf(stderr, "tessera run: timeout after %ld s, stopping QEMU\n",
				timeout);
			kill(pid, SIGTERM);
			for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; i++) {
				nanosleep(&nap, NULL);
			}
			if (waitpid(pid, &status, WNOHANG) == 0) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
			}
			return 124;
		}
		nanosleep(&nap, NULL);
	}
}

/* Seconds --mgmt waits for the channel's first answer (TESSERA_MGMT_WAIT overrides). */
#define RUN_MGMT_WAIT_S 20

static long run_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

/* Connects to the channel's socket and says hello: true once the hypervisor answers,
 * false at the deadline or when QEMU is gone (*gone set). */
static bool run_mgmt_answers(const char *path, pid_t qemu, long deadline, bool *gone)
{
	struct sockaddr_un a;
	char hello[64], buf[512];
	size_t len = 0;
	int fd = -1;

	memset(&a, 0, sizeof(a));
	a.sun_family = AF_UNIX;
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	snprintf(hello, sizeof(hello), "\x15hello run-%ld\n", (long)getpid());
	while (run_ms() < deadline) {
		struct timespec nap = {0, 50 * 1000 * 1000};

		if (kill(qemu, 0) != 0 && errno == ESRCH) {
			*gone = true;
			break;
		}
		if (fd < 0) {
			fd = socket(AF_UNIX, SOCK_STREAM, 0);
			if (fd >= 0 && (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
					send(fd, hello, strlen(hello), MSG_NOSIGNAL) < 0)) {
				close(fd);
				fd = -1;
			}
			if (fd < 0) {
				nanosleep(&nap, NULL);
				continue;
			}
		}
		struct pollfd pfd = {fd, POLLIN, 0};
		if (poll(&pfd, 1, 50) <= 0) {
			continue;
		}
		ssize_t got = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
		if (got <= 0) {
			close(fd); /* QEMU closed it: try again */
			fd = -1;
			len = 0;
			continue;
		}
		len += (size_t)got;
		buf[len] = '\0';
		if (strstr(buf, "ok tessera-mgmt ")) {
			close(fd);
			return true;
		}
		if (len == sizeof(buf) - 1) {
			len = 0;
		}
	}
	if (fd >= 0) {
		close(fd);
	}
	return false;
}

/*
 * --mgmt: the hypervisor announces a management channel only when it took one (a board
 * without a virtio console is a plain run, not an error, so it says nothing then). This
 * detached process asks the channel for a hello and, if QEMU is still running without an
 * answer after RUN_MGMT_WAIT_S, says so on stderr. It never stops QEMU.
 */
static void run_watch_mgmt(const char *sock, pid_t qemu)
{
	const char *env = getenv("TESSERA_MGMT_WAIT");
	long wait_s = env && atol(env) > 0 ? atol(env) : RUN_MGMT_WAIT_S;
	pid_t w = fork();

	if (w != 0) {
		if (w > 0) {
			waitpid(w, NULL, 0); /* the middle process exits at once */
		}
		return;
	}
	if (fork() != 0) {
		_exit(0); /* the watcher is reparented: nobody has to reap it */
	}
	bool gone = false;
	int devnull = open("/dev/null", O_RDWR);

	if (devnull >= 0) { /* keep only stderr: a pipe on stdout must not wait for us */
		dup2(devnull, 0);
		dup2(devnull, 1);
		close(devnull);
	}
	if (!run_mgmt_answers(sock, qemu, run_ms() + wait_s * 1000L, &gone) && !gone &&
	    kill(qemu, 0) == 0) {
		const char *eol = isatty(2) ? "\r\n" : "\n"; /* QEMU puts a terminal in raw mode */

		fprintf(stderr,
			"%stessera run: no answer on the management channel (%s) after %ld s: the "
			"hypervisor did not take the virtio console (see its boot log above)%s",
			eol, sock, wait_s, eol);
	}
	_exit(0);
}

static int run_qemu(const struct run_opts *o, const struct platform *p, const char *img)
{
	static char mem[32], smp[16], cpu[128], loader[4400];
	char *args[RUN_MAX_ARGS + 1];
	int n = 0;
	pid_t pid;

	snprintf(mem, sizeof(mem), "%lluM", (unsigned long long)(p->ram[0].size >> 20));
	snprintf(smp, sizeof(smp), "%u", p->cpu_count);
	snprintf(cpu, sizeof(cpu), "%s",
		 strcmp(o->cpu, "max") == 0 ? "max,pauth-impdef=on" : o->cpu);
	snprintf(loader, sizeof(loader), "loader,file=%s,addr=0x%llx,force-raw=on", img,
		 LAYOUT_PACK_BASE);
	char *fixed[] = {"qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3",
			 "-cpu", cpu, "-smp", smp, "-m", mem,
			 /* Exactly the devices we mean: no default NIC (its option ROM is in a
			  * package we do not install), monitor, display or drives. The console
			  * is stdio, multiplexed with the monitor (Ctrl-A x quits, Ctrl-A c
			  * monitor); signal=off: Ctrl-C goes to the guest. */
			 "-nodefaults", "-nic", "none", "-display", "none", "-chardev",
			 "stdio,id=con0,mux=on,signal=off", "-serial", "chardev:con0", "-mon",
			 "chardev=con0,mode=readline", "-kernel", (char *)o->hyp, "-device",
			 loader};
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
		args[n++] = fixed[i];
	}
	if (o->mgmt) {
		static char chardev[4200];
		/* The management channel (docs/MANAGEMENT.md): a modern virtio console whose
		 * chardev is a listening socket; the hypervisor drives the device. */
		snprintf(chardev, sizeof(chardev), "socket,id=mgmt,path=%s,server=on,wait=off",
			 o->mgmt);
		char *m[] = {"-global",	 "virtio-mmio.force-legacy=false",
			     "-device",	 "virtio-serial-device",
			     "-chardev", chardev,
			     "-device",	 "virtconsole,chardev=mgmt"};
		for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
			args[n++] = m[i];
		}
	}
	if (o->flash) {
		static char drive[4200];
		/* QEMU virt's second flash bank (64 MiB at 0x0400_0000), the hypervisor's own:
		 * the anti-rollback counter lives in it (docs/SECURITY.md). */
		snprintf(drive, sizeof(drive), "if=pflash,unit=1,format=raw,file=%s", o->flash);
		args[n++] = "-drive";
		args[n++] = drive;
	}
	if (o->icount) {
		args[n++] = "-icount";
		args[n++] = "shift=4,sleep=off";
	}
	/* The board's /chosen/bootargs: the boot profile (bootprof.h), the UART's log level. */
	static char bootargs[64];
	if (o->verbose || o->log_level) {
		snprintf(bootargs, sizeof(bootargs), "%s%s%s%s",
			 o->verbose ? "tessera.verbose" : "", o->verbose && o->log_level ? " " : "",
			 o->log_level ? "tessera.log=" : "", o->log_level ? o->log_level : "");
		args[n++] = "-append";
		args[n++] = bootargs;
	}
	for (int i = 0; i < o->extra_argc && n < RUN_MAX_ARGS; i++) {
		args[n++] = o->extra_argv[i];
	}
	args[n] = NULL;
	for (int i = 0; i < n; i++) {
		fprintf(stderr, "%s%s", i ? " " : "+ ", args[i]);
	}
	fprintf(stderr, "\n");
	fflush(NULL);
	if (o->mgmt) {
		/* QEMU creates the management socket: owner only, since whoever can connect may
		 * stop, start and restart every VM (docs/SECURITY.md, "Management access"). */
		umask(077);
	}
	if (!o->timeout) {
		if (o->mgmt) {
			run_watch_mgmt(o->mgmt, getpid()); /* getpid() is QEMU's once we exec */
		}
		execvp(args[0], args);
		fprintf(stderr, "tessera run: cannot run %s: %s\n", args[0], strerror(errno));
		return 127;
	}
	pid = fork();
	if (pid == 0) {
		execvp(args[0], args);
		fprintf(stderr, "tessera run: cannot run %s: %s\n", args[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		return 1;
	}
	if (o->mgmt) {
		run_watch_mgmt(o->mgmt, pid);
	}
	run_child = pid;
	signal(SIGTERM, run_forward);
	signal(SIGINT, run_forward);
	signal(SIGHUP, run_forward);
	return run_wait(pid, o->timeout);
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	struct tool_config *tc;
	char buf[4200];
	const char *img;
	struct platform plat;
	int rc;

	if (run_parse(argc, argv, &o) != 0) {
		fprintf(stderr,
			"usage: tessera run FILE.dts [--cpu MODEL] [--icount] [-v] [--timeout S] "
			"[--pack IMG] [--hyp ELF] [--mgmt SOCKET] [--log-level error|warn|info] "
			"[--sign KEY] [--version N] [--image IMG] [--flash FILE] [-- QEMU ARGS]\n");
		return 2;
	}
	img = run_pack_path(&o, buf, sizeof(buf));
	if (!img) {
		fprintf(stderr, "tessera run: cannot create build/: %s\n", strerror(errno));
		return 1;
	}
	tc = calloc(1, sizeof(*tc));
	if (!tc) {
		return 1;
	}
	if (o.image) {
		img = o.image; /* booted as it is: the config only sizes the machine */
		rc = tool_load(o.dts, tc);
	} else {
		rc = tool_pack_to(o.dts, img, tc, &o.sign);
	}
	plat = tc->plat;
	tool_free(tc);
	free(tc);
	if (rc != 0) {
		return 1;
	}
	/* QEMU virt has one RAM bank at 0x4000_0000; -m gives its size. */
	if (plat.ram_count != 1 || plat.ram[0].base != LAYOUT_RAM_BASE ||
	    !IS_ALIGNED(plat.ram[0].size, 1ULL << 20)) {
		fprintf(stderr,
			"%s: /platform memory must be one MiB-sized range at 0x%llx for "
			"QEMU virt\n",
			o.dts, LAYOUT_RAM_BASE);
		return 1;
	}
	if (o.flash && run_flash_file(o.flash) != 0) {
		return 1;
	}
	if (access(o.hyp, R_OK) != 0) {
		fprintf(stderr, "tessera run: %s: %s (build it with make)\n", o.hyp,
			strerror(errno));
		return 1;
	}
	return run_qemu(&o, &plat, img);
}
