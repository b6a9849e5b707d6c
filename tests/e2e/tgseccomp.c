// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tgseccomp - install tapgate's own system call filter (the very object
 * the helper links, helper/seccomp.c) and then make one call, named on
 * the command line, to show what the filter allows and what kills.
 *
 *   tgseccomp PROBE     exit 0: the call was allowed (whatever it
 *                       returned); killed by SIGSYS: the filter refused
 *
 * Probes that must be allowed are the calls a grant and every refusal
 * make after the install point; the others are what an attacker who
 * took over the process would want (test_seccomp.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "../../helper/seccomp.h"
#include "../../helper/tapgate.h"

/* The helper's die() logs and exits; here only the message matters. */
void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

void die_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	exit(code);
}

static int probe(const char *p)
{
	struct ifreq ifr;
	int fd;

	memset(&ifr, 0, sizeof(ifr));
	/* allowed */
	if (strcmp(p, "stderr") == 0)
		return write(STDERR_FILENO, "tgseccomp: stderr works\n", 24) < 0;
	if (strcmp(p, "stderr-pipe") == 0) {
		/* die.c's wait for a stderr pipe to be read out */
		const struct timespec tick = { 0, 1000 };
		int unread;

		(void)fcntl(STDERR_FILENO, F_GETPIPE_SZ);
		(void)ioctl(STDERR_FILENO, FIONREAD, &unread);
		return clock_nanosleep(CLOCK_MONOTONIC, 0, &tick, NULL) != 0;
	}
	if (strcmp(p, "netlink") == 0) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		return fd < 0;
	}
	if (strcmp(p, "syslog") == 0) {
		syslog(LOG_WARNING, "tgseccomp: syslog works");
		return 0;
	}
	if (strcmp(p, "tun-ioctls") == 0) {
		/* On a bad fd: only the filter's verdict matters. */
		ioctl(-1, TUNGETFEATURES, &fd);
		ioctl(-1, TUNSETIFF, &ifr);
		ioctl(-1, TUNSETOWNER, 0UL);
		return 0;
	}
	if (strcmp(p, "malloc") == 0) {
		void *big = malloc(64 << 20), *small = malloc(100);

		free(big);
		free(small);
		return 0;
	}
	if (strcmp(p, "exit") == 0)
		exit(0);
	/* refused */
	if (strcmp(p, "execve") == 0) {
		char *const argv[] = { "/bin/true", NULL };

		execve("/bin/true", argv, argv + 1);
		return 0;
	}
	if (strcmp(p, "open") == 0)
		return open("/etc/hostname", O_RDONLY) < -1;
	if (strcmp(p, "openat-create") == 0)
		return openat(AT_FDCWD, "/dev/shm/tgseccomp", O_WRONLY | O_CREAT, 0600) < -1;
	if (strcmp(p, "socket-inet") == 0)
		return socket(AF_INET, SOCK_DGRAM, 0) < -1;
	if (strcmp(p, "socket-packet") == 0)
		return socket(AF_PACKET, SOCK_RAW, 0) < -1;
	if (strcmp(p, "netlink-other") == 0)
		return socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT) < -1;
	if (strcmp(p, "fionread-other") == 0) {
		int unread;

		return ioctl(STDIN_FILENO, FIONREAD, &unread) < -1;
	}
	if (strcmp(p, "fcntl-other") == 0)
		return fcntl(STDIN_FILENO, F_GETPIPE_SZ) < -1;
	if (strcmp(p, "fcntl-setfl") == 0)
		return fcntl(STDERR_FILENO, F_SETFL, O_NONBLOCK) < -1;
	if (strcmp(p, "sleep-realtime") == 0) {
		const struct timespec tick = { 0, 1000 };

		return clock_nanosleep(CLOCK_REALTIME, 0, &tick, NULL) < -1;
	}
	if (strcmp(p, "ioctl-other") == 0)
		return ioctl(-1, TUNSETPERSIST, 1) < -1;
	if (strcmp(p, "ioctl-ifindex") == 0)
		return ioctl(-1, SIOCGIFINDEX, &ifr) < -1; /* netlink answers that now */
	if (strcmp(p, "ioctl-tiocsti") == 0)
		return ioctl(0, TIOCSTI, "x") < -1;
	if (strcmp(p, "write-stdout") == 0)
		return write(STDOUT_FILENO, "x", 1) < -1;
	if (strcmp(p, "mmap-exec") == 0)
		return mmap(NULL, 4096, PROT_READ | PROT_EXEC,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == NULL;
	if (strcmp(p, "mprotect-exec") == 0) {
		static char page[8192] __attribute__((aligned(4096)));

		return mprotect(page, 4096, PROT_READ | PROT_EXEC) < -1;
	}
	if (strcmp(p, "fork") == 0)
		return fork() < -1;
	if (strcmp(p, "ptrace") == 0)
		return ptrace(PTRACE_TRACEME, 0, NULL, NULL) < -1;
	if (strcmp(p, "kill") == 0)
		return kill(1, 0) < -1;
	if (strcmp(p, "setuid") == 0)
		return setuid(0) < -1;
	if (strcmp(p, "prctl") == 0)
		return prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < -1;
	if (strcmp(p, "chmod") == 0)
		return chmod("/dev/net/tun", 0666) < -1;
	if (strcmp(p, "unlink") == 0)
		return unlink("/dev/shm/tgseccomp") < -1;
	if (strcmp(p, "x32-write") == 0)
		/* The same write through the x32 ABI bit: a bad arch. */
		return syscall(__X32_SYSCALL_BIT + SYS_write, 2, "x", 1) < -1;
	fprintf(stderr, "tgseccomp: unknown probe '%s'\n", p);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: tgseccomp PROBE\n");
		return 2;
	}
	openlog("tgseccomp", LOG_PID, LOG_AUTHPRIV);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die_errno(5, "no_new_privs");
	seccomp_install();
	return probe(argv[1]);
}
