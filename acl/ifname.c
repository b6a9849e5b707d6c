// SPDX-License-Identifier: GPL-2.0-or-later
#include "ifname.h"

#include <stdio.h>
#include <string.h>

#include "strutil.h"

static int is_kernel_space(unsigned char c)
{
	/* The kernel's isspace(): space, \t \n \v \f \r, and 0xa0. */
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

enum ifname_status ifname_check(const char *name, size_t len)
{
	if (len == 0)
		return IFNAME_EMPTY;
	/* CVE-2019-13164: a long name is an error, never cut to fit. */
	if (len >= IFNAME_SIZE)
		return IFNAME_TOO_LONG;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return IFNAME_DOT;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '\0' || c == '/' || c == ':' || is_kernel_space(c))
			return IFNAME_BAD_CHAR;
	}
	return IFNAME_OK;
}

char *ifname_describe(char *out, size_t outsz, const char *name, size_t len,
		      enum ifname_status st)
{
	/* A name longer than the kernel allows is cut with "...": the
	 * message gives its length. */
	char shown[ESCAPED_SIZE(IFNAME_SIZE - 1)];

	str_escape(shown, sizeof(shown), name, len);
	if (st == IFNAME_TOO_LONG)
		/* CVE-2019-13164: the original's wording, then why. */
		snprintf(out, outsz, "name `%s' too long: %zu (interface names have at most %d bytes)",
			 shown, len, IFNAME_SIZE - 1);
	else
		snprintf(out, outsz, "invalid bridge name '%s': %s", shown,
			 ifname_strerror(st));
	return out;
}

const char *ifname_strerror(enum ifname_status st)
{
	switch (st) {
	case IFNAME_OK:
		return "valid";
	case IFNAME_EMPTY:
		return "empty name";
	case IFNAME_TOO_LONG:
		return "too long (interface names have at most 15 bytes)";
	case IFNAME_DOT:
		return "'.' and '..' are not interface names";
	case IFNAME_BAD_CHAR:
		return "interface names may not contain '/', ':' or whitespace";
	}
	return "invalid name";
}
