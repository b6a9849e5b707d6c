// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - run a fuzz target over its corpus without libFuzzer, so
 * every fuzz target doubles as a regression test under any compiler.
 *
 *   <target>_replay DIR|FILE...
 *
 * Calls LLVMFuzzerTestOneInput() once per regular file (a directory's
 * files in name order, not recursing). Fails if an argument cannot be
 * read or no input at all was found: an empty corpus is a broken test,
 * not a passing one. A crash in the target is the test failing.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read all of @path into a malloc()ed buffer. */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
	FILE *f = fopen(path, "rbe");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return -ENOMEM;
			}
			buf = p;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	*data = buf;
	*size = len;
	return 0;
}

static int replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int rc;

	rc = read_file(path, &data, &size);
	if (rc < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	return 0;
}

/* Replay every regular file in @dir; returns how many, or -errno. */
static int replay_dir(const char *dir)
{
	struct dirent **names;
	int n, count = 0, rc = 0;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		rc = -errno;
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return rc;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		if (rc == 0 && names[i]->d_name[0] != '.') {
			if (snprintf(path, sizeof(path), "%s/%s", dir,
				     names[i]->d_name) >= (int)sizeof(path)) {
				fprintf(stderr, "replay: %s/%s: path too long\n",
					dir, names[i]->d_name);
				rc = -ENAMETOOLONG;
			} else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				rc = replay_file(path);
				count += rc == 0;
			}
		}
		free(names[i]);
	}
	free(names);
	return rc < 0 ? rc : count;
}

int main(int argc, char **argv)
{
	int total = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			return 1;
		if (n == 0) {
			fprintf(stderr, "replay: %s: no inputs\n", argv[i]);
			return 1;
		}
		total += n;
	}
	printf("replay: %d inputs, no crash\n", total);
	return 0;
}
