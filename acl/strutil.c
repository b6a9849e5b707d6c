// SPDX-License-Identifier: GPL-2.0-or-later
#include "strutil.h"

#include <errno.h>
#include <string.h>

enum escape_mode {
	ESC_TEXT,      /* str_escape() */
	ESC_FIELD,     /* also ' ': one token of a key=value log line */
	ESC_CONTROLS,  /* only bytes outside printable ASCII */
	ESC_JSON,      /* the inside of a JSON string */
};

/* How many bytes the escaped form of @c takes; fills @tmp. */
static size_t escape_one(unsigned char c, char tmp[6], enum escape_mode mode)
{
	static const char hex[] = "0123456789abcdef";

	if (mode == ESC_JSON) {
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			return 2;
		}
		if (c >= 0x20 && c < 0x7f) {
			tmp[0] = (char)c;
			return 1;
		}
		tmp[0] = '\\';
		tmp[1] = 'u';
		tmp[2] = '0';
		tmp[3] = '0';
		tmp[4] = hex[c >> 4];
		tmp[5] = hex[c & 0xf];
		return 6;
	}

	if (c == '\\' && mode != ESC_CONTROLS) {
		tmp[0] = tmp[1] = '\\';
		return 2;
	}
	if (c >= 0x20 && c < 0x7f && !(c == ' ' && mode == ESC_FIELD)) {
		tmp[0] = (char)c;
		return 1;
	}
	tmp[0] = '\\';
	tmp[1] = 'x';
	tmp[2] = hex[c >> 4];
	tmp[3] = hex[c & 0xf];
	return 4;
}

static char *escape(char *out, size_t outsz, const char *in, size_t len,
		    enum escape_mode mode)
{
	size_t total = 0, limit, o = 0;
	char tmp[6];

	if (outsz == 0)
		return out;
	for (size_t i = 0; i < len; i++)
		total += escape_one((unsigned char)in[i], tmp, mode);
	/* All of it if it fits; else as much as leaves room for "...". */
	limit = total < outsz ? total : (outsz > 4 ? outsz - 4 : 0);
	for (size_t i = 0; i < len; i++) {
		size_t n = escape_one((unsigned char)in[i], tmp, mode);

		if (o + n > limit)
			break;
		memcpy(out + o, tmp, n);
		o += n;
	}
	if (total >= outsz)
		for (size_t k = 0; k < 3 && o + 1 < outsz; k++)
			out[o++] = '.';
	out[o] = '\0';
	return out;
}

char *str_json(char *out, size_t outsz, const char *in, size_t len)
{
	return escape(out, outsz, in, len, ESC_JSON);
}

char *str_escape(char *out, size_t outsz, const char *in, size_t len)
{
	return escape(out, outsz, in, len, ESC_TEXT);
}

char *str_escape_field(char *out, size_t outsz, const char *in, size_t len)
{
	return escape(out, outsz, in, len, ESC_FIELD);
}

char *str_escape_controls(char *out, size_t outsz, const char *in, size_t len)
{
	return escape(out, outsz, in, len, ESC_CONTROLS);
}

int str_to_int(const char *s, long long min, long long max, long long *out)
{
	long long v = 0;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (v > (max - (*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}
