// SPDX-License-Identifier: GPL-2.0-or-later
#include "strutil.h"

#include <errno.h>

char *str_escape(char *out, size_t outsz, const char *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (outsz == 0)
		return out;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char tmp[4];
		size_t n;

		if (c == '\\') {
			tmp[0] = '\\';
			tmp[1] = '\\';
			n = 2;
		} else if (c >= 0x20 && c < 0x7f) {
			tmp[0] = (char)c;
			n = 1;
		} else {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[c >> 4];
			tmp[3] = hex[c & 0xf];
			n = 4;
		}
		if (o + n + 4 > outsz) {
			/* Keep room for "..." and the NUL. */
			size_t k = 0;

			while (k < 3 && o + 1 < outsz)
				out[o++] = '.', k++;
			break;
		}
		for (size_t k = 0; k < n; k++)
			out[o++] = tmp[k];
	}
	out[o] = '\0';
	return out;
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
