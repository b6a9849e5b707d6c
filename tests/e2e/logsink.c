// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * logsink - a stand-in syslog daemon for tests: bind a unix datagram
 * socket at PATH and append every message received to OUT, one a line,
 * until SIGTERM or 900 seconds pass. A message holding "tg-sync PATH"
 * is not logged: PATH is created instead (lib_wait.sh's tg_log_sync).
 *
 *   logsink PATH OUT
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[8192], *mark;
	FILE *out;
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: logsink PATH OUT\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("logsink");
		return 1;
	}
	chmod(argv[1], 0666);
	out = fopen(argv[2], "a");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	alarm(900); /* a bound for a leaked sink; ctest stops a test at 600 s */
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

		if (n < 0)
			continue;
		buf[n] = '\0';
		/* A sync marker from lib_wait.sh's tg_log_sync (logger
		 * prefixes its own header): not logged; its file says that
		 * everything received before it has been written. */
		mark = strstr(buf, "tg-sync /");
		if (mark) {
			int m = open(mark + 8, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

			if (m >= 0)
				close(m);
			continue;
		}
		fprintf(out, "%s\n", buf);
		fflush(out);
	}
}
