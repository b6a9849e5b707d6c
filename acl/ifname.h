/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ifname.h - the one validator for network interface names.
 *
 * It mirrors the kernel's dev_valid_name(): non-empty, shorter than
 * IFNAMSIZ, not "." or "..", no '/', ':' or whitespace.
 * CVE-2019-13164: names are rejected, never truncated.
 */
#ifndef TAPGATE_IFNAME_H
#define TAPGATE_IFNAME_H

#include <stddef.h>

#define IFNAME_SIZE 16 /* IFNAMSIZ, including the terminating NUL */

enum ifname_status {
	IFNAME_OK = 0,
	IFNAME_EMPTY,
	IFNAME_TOO_LONG,
	IFNAME_DOT,        /* "." or ".." */
	IFNAME_BAD_CHAR,   /* '/', ':' or whitespace */
};

/* Validate the first @len bytes of @name (which need not be
 * NUL-terminated; an embedded NUL is a bad character). */
enum ifname_status ifname_check(const char *name, size_t len);

/* Why a name was refused, as a short phrase. */
const char *ifname_strerror(enum ifname_status st);

/* The refusal of @name (@len bytes, status @st != IFNAME_OK) as a full
 * message into @out: for a long name the original's words, "name `X'
 * too long: N", then why; the name shown escaped. Returns @out. */
char *ifname_describe(char *out, size_t outsz, const char *name, size_t len,
		      enum ifname_status st);

#endif
