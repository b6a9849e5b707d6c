// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_args.c - args_parse() on any command line.
 *
 * The input is argv[1..] separated by NUL bytes (argv[0] is
 * "tapgate"); a trailing NUL is an empty last argument, like the
 * kernel's. Whatever the input, the result must be coherent:
 *   - ARGS_OK for a grant: a bridge that passes ifname_check() and
 *     points into one of the arguments, just after its "--br="; an
 *     fd >= 3; and the last --br=/--fd= given (repeats: the last wins);
 *     for --explain the same bridge and no fd; for --check no bridge,
 *     and a FILE that is one of the arguments, not an option; for
 *     --list, --reap and --revoke no grant option, and for --revoke a
 *     valid TAP name or a --user=; never a grant when an argument is
 *     "--list" (root's --list keeps more privilege: privs.c);
 *   - ARGS_HELP/ARGS_VERSION: only as the single argument;
 *   - ARGS_USAGE: a message, NUL-terminated within the buffer, with
 *     every control byte of the user's text escaped (it is printed and
 *     logged as it is).
 * The message buffer is 512 bytes, as in main.c, and also a short one
 * chosen by the input's length, to exercise truncation.
 *
 * Built with clang -fsanitize=fuzzer for fuzzing (scripts/fuzz), and
 * with replay.c under any compiler to replay tests/fuzz/corpus/fuzz_args.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ifname.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 4096

static void check_msg(const char *msg, size_t msgsz, enum args_result rc)
{
	const char *end = memchr(msg, '\0', msgsz);

	if (!end)
		abort();
	if (rc == ARGS_USAGE && msgsz > 1 && msg[0] == '\0')
		abort(); /* a usage error always says why */
	for (const char *p = msg; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			abort(); /* user text reached the message unescaped */
	}
}

static void check(int argc, char **argv, size_t msgsz)
{
	char *msg = malloc(msgsz);
	const char *last_br = NULL;
	struct args a;
	enum args_result rc;

	if (!msg)
		return;
	memset(msg, 'x', msgsz);
	rc = args_parse(argc, argv, &a, msg, msgsz);
	check_msg(msg, msgsz, rc);
	switch (rc) {
	case ARGS_OK:
		if (a.mode == ARGS_CHECK) {
			bool found = !a.file;

			if (a.bridge || a.user || a.json || a.use_vnet || a.fd != -1)
				abort();
			for (int i = 1; i < argc; i++)
				found |= a.file == argv[i];
			if (!found || (a.file && (a.file[0] == '-' || !a.file[0])))
				abort();
			break;
		}
		if (a.mode == ARGS_LIST || a.mode == ARGS_REAP ||
		    a.mode == ARGS_REVOKE) {
			bool found = !a.tap;

			/* The admin's tools: no grant options, --json only
			 * for --list, exactly one of TAP and --user= for
			 * --revoke, a TAP that is a valid name and one of
			 * the arguments; args_wants_list() agrees. */
			if (a.bridge || a.use_vnet || a.fd != -1 || a.file ||
			    (a.json && a.mode != ARGS_LIST) ||
			    (a.user && a.mode != ARGS_REVOKE) ||
			    (a.tap && a.mode != ARGS_REVOKE) ||
			    (a.mode == ARGS_REVOKE && !a.tap == !a.user) ||
			    args_wants_list(argc, argv) != (a.mode == ARGS_LIST))
				abort();
			for (int i = 1; i < argc; i++)
				found |= a.tap == argv[i];
			if (!found || (a.tap && ifname_check(a.tap, strlen(a.tap)) != IFNAME_OK))
				abort();
			if (a.user && !a.user[0])
				abort();
			break;
		}
		if (a.mode != ARGS_GRANT && a.mode != ARGS_EXPLAIN)
			abort();
		if (args_wants_list(argc, argv))
			abort(); /* "--list" never ends in a grant */
		if (!a.bridge || (a.mode == ARGS_GRANT ? a.fd < 3 : a.fd != -1))
			abort();
		if (a.mode == ARGS_GRANT && (a.user || a.json))
			abort();
		if (a.user && !a.user[0])
			abort();
		if (ifname_check(a.bridge, strlen(a.bridge)) != IFNAME_OK)
			abort();
		for (int i = 1; i < argc; i++)
			if (strncmp(argv[i], "--br=", 5) == 0)
				last_br = argv[i] + 5;
		if (a.bridge != last_br)
			abort(); /* the last --br= wins, used in place */
		break;
	case ARGS_HELP:
	case ARGS_VERSION:
		if (argc != 2)
			abort();
		if (strcmp(argv[1], rc == ARGS_HELP ? "--help" : "--version") != 0)
			abort();
		break;
	case ARGS_USAGE:
		break;
	default:
		abort();
	}
	free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, **argv;
	int argc = 1;

	/* A private copy: each argument NUL-terminated, then one more. */
	buf = malloc(size + 1);
	argv = calloc(MAX_ARGS + 2, sizeof(*argv));
	if (!buf || !argv) {
		free(buf);
		free(argv);
		return 0;
	}
	if (size)
		memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "tapgate";
	if (size) {
		char *p = buf, *end = buf + size;

		while (argc <= MAX_ARGS) {
			argv[argc++] = p;
			p += strlen(p) + 1;
			if (p >= end)
				break;
		}
	}
	argv[argc] = NULL;
	check(argc, argv, 512);
	check(argc, argv, 1 + size % 97);
	free(argv);
	free(buf);
	return 0;
}
