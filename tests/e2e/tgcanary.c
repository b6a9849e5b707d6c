// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tgcanary - a library that must never be loaded into tapgate. Its
 * constructor announces itself on stderr and leaves a mark file in the
 * sandbox's private /dev/shm. test_adversarial_env.sh offers it through
 * LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT and GCONV_PATH, and loads it
 * into an ordinary program as the control.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define MARK "/dev/shm/tgcanary-loaded"

__attribute__((constructor))
static void tgcanary_announce(void)
{
	static const char line[] = "TGCANARY-LOADED\n";
	int fd = open(MARK, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);

	if (fd >= 0) {
		if (write(fd, line, sizeof(line) - 1) < 0) {
			/* the stderr line below still tells */
		}
		close(fd);
	}
	if (write(STDERR_FILENO, line, sizeof(line) - 1) < 0) {
		/* nothing else to do */
	}
}

/* LD_AUDIT wants this entry point; returning the version loads it. */
unsigned int la_version(unsigned int version);
unsigned int la_version(unsigned int version)
{
	return version;
}

/* A gconv module's entry points, so GCONV_PATH could name it. */
int gconv_init(void *step);
int gconv_init(void *step)
{
	(void)step;
	return 1;
}
