// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nss_tgdown.c - a stand-in name-service module for test_nss.sh,
 * built as libnss_tgdown.so.2 and listed after "files" in the
 * sandbox's private /etc/nsswitch.conf. It never runs on the host: the
 * test makes it visible to the loader only inside its own mount
 * namespace.
 *
 * What it answers for every name and id is the first word of
 * /etc/tgdown.mode (re-read on each call, so that one test can switch
 * it between runs):
 *   serve     a user "dave" (uid 4500, gid 4500) and a group
 *             "contractors" (gid 4400); NOTFOUND for anything else
 *   notfound  NOTFOUND, errno ENOENT: a proper "no such name"
 *   unavail   UNAVAIL, errno ENOENT: nss-pam-ldapd's "server down"
 *   tryagain  TRYAGAIN, errno EAGAIN: a busy server
 *   erange    TRYAGAIN, errno ERANGE, whatever the buffer: a module
 *             that always wants more room
 * A missing or unknown mode answers UNAVAIL with errno ENOENT.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <nss.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum nss_status _nss_tgdown_getpwnam_r(const char *name, struct passwd *pw,
				       char *buf, size_t len, int *errnop);
enum nss_status _nss_tgdown_getpwuid_r(uid_t uid, struct passwd *pw,
				       char *buf, size_t len, int *errnop);
enum nss_status _nss_tgdown_getgrnam_r(const char *name, struct group *gr,
				       char *buf, size_t len, int *errnop);
enum nss_status _nss_tgdown_getgrgid_r(gid_t gid, struct group *gr,
				       char *buf, size_t len, int *errnop);

enum mode { SERVE, NOTFOUND, UNAVAIL, TRYAGAIN, ERANGE_ALWAYS };

static enum mode mode(void)
{
	static const struct {
		const char *word;
		enum mode mode;
	} modes[] = {
		{ "serve", SERVE }, { "notfound", NOTFOUND },
		{ "unavail", UNAVAIL }, { "tryagain", TRYAGAIN },
		{ "erange", ERANGE_ALWAYS },
	};
	char word[32] = "";
	ssize_t n;
	int fd = open("/etc/tgdown.mode", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return UNAVAIL;
	n = read(fd, word, sizeof(word) - 1);
	close(fd);
	if (n <= 0)
		return UNAVAIL;
	word[strcspn(word, " \t\r\n")] = '\0';
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(word, modes[i].word) == 0)
			return modes[i].mode;
	return UNAVAIL;
}

/* The answer of every mode but serve; SUCCESS means "serve it". */
static enum nss_status failure(int *errnop)
{
	switch (mode()) {
	case SERVE:
		return NSS_STATUS_SUCCESS;
	case NOTFOUND:
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	case TRYAGAIN:
		*errnop = EAGAIN;
		return NSS_STATUS_TRYAGAIN;
	case ERANGE_ALWAYS:
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	case UNAVAIL:
		break;
	}
	*errnop = ENOENT;
	return NSS_STATUS_UNAVAIL;
}

/* Copy @s into @buf at *@used; NULL if it does not fit. */
static char *put(char *buf, size_t len, size_t *used, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = buf + *used;

	if (n > len - *used)
		return NULL;
	memcpy(p, s, n);
	*used += n;
	return p;
}

static enum nss_status serve_user(struct passwd *pw, char *buf, size_t len,
				  int *errnop)
{
	size_t used = 0;

	pw->pw_name = put(buf, len, &used, "dave");
	pw->pw_passwd = put(buf, len, &used, "x");
	pw->pw_gecos = put(buf, len, &used, "");
	pw->pw_dir = put(buf, len, &used, "/nonexistent");
	pw->pw_shell = put(buf, len, &used, "/usr/sbin/nologin");
	if (!pw->pw_name || !pw->pw_passwd || !pw->pw_gecos || !pw->pw_dir ||
	    !pw->pw_shell) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	pw->pw_uid = 4500;
	pw->pw_gid = 4500;
	return NSS_STATUS_SUCCESS;
}

static enum nss_status serve_group(struct group *gr, char *buf, size_t len,
				   int *errnop)
{
	size_t used = 0;
	char **mem;

	gr->gr_name = put(buf, len, &used, "contractors");
	gr->gr_passwd = put(buf, len, &used, "x");
	used = (used + sizeof(char *) - 1) & ~(sizeof(char *) - 1);
	if (!gr->gr_name || !gr->gr_passwd || len - used < sizeof(char *)) {
		*errnop = ERANGE;
		return NSS_STATUS_TRYAGAIN;
	}
	mem = (char **)(void *)(buf + used);
	mem[0] = NULL;
	gr->gr_mem = mem;
	gr->gr_gid = 4400;
	return NSS_STATUS_SUCCESS;
}

enum nss_status _nss_tgdown_getpwnam_r(const char *name, struct passwd *pw,
				       char *buf, size_t len, int *errnop)
{
	enum nss_status st = failure(errnop);

	if (st != NSS_STATUS_SUCCESS)
		return st;
	if (strcmp(name, "dave") != 0) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	return serve_user(pw, buf, len, errnop);
}

enum nss_status _nss_tgdown_getpwuid_r(uid_t uid, struct passwd *pw,
				       char *buf, size_t len, int *errnop)
{
	enum nss_status st = failure(errnop);

	if (st != NSS_STATUS_SUCCESS)
		return st;
	if (uid != 4500) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	return serve_user(pw, buf, len, errnop);
}

enum nss_status _nss_tgdown_getgrnam_r(const char *name, struct group *gr,
				       char *buf, size_t len, int *errnop)
{
	enum nss_status st = failure(errnop);

	if (st != NSS_STATUS_SUCCESS)
		return st;
	if (strcmp(name, "contractors") != 0) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	return serve_group(gr, buf, len, errnop);
}

enum nss_status _nss_tgdown_getgrgid_r(gid_t gid, struct group *gr,
				       char *buf, size_t len, int *errnop)
{
	enum nss_status st = failure(errnop);

	if (st != NSS_STATUS_SUCCESS)
		return st;
	if (gid != 4400) {
		*errnop = ENOENT;
		return NSS_STATUS_NOTFOUND;
	}
	return serve_group(gr, buf, len, errnop);
}
