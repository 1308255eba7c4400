/*
 * i18n.c - locale and catalogue set-up (see i18n.h).
 */
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "i18n.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/local/share/locale"
#endif

#define DOMAIN "kith"

/* The first of LC_ALL, LC_MESSAGES, LANG that is set, as POSIX orders
 * them. */
static const char *env_locale(void)
{
	static const char *const names[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		v = getenv(names[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* The catalogue directory: BUILD/locale next to a kith in a build tree,
 * else LOCALEDIR. */
static void bind_catalogue(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 16];
	struct stat st;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	char *slash;

	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(dir, sizeof dir, "%s/locale", exe);
			if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
				bindtextdomain(DOMAIN, dir);
				return;
			}
		}
	}
	bindtextdomain(DOMAIN, LOCALEDIR);
}

void action_i18n_init(void)
{
	const char *want = env_locale();

	if (!setlocale(LC_ALL, "") && want && strcmp(want, "C") &&
	    strcmp(want, "POSIX")) {
		/* LANG names a locale this machine has not generated: keep
		 * UTF-8 and the language anyway.  gettext ignores LANGUAGE
		 * only in the "C" locale, and C.UTF-8 is not that. */
		char lang[64];
		size_t len = strcspn(want, ".@");
		const char *given = getenv("LANGUAGE");

		if (setlocale(LC_ALL, "C.UTF-8") && len && len < sizeof lang &&
		    (!given || !*given)) {
			memcpy(lang, want, len);
			lang[len] = 0;
			setenv("LANGUAGE", lang, 1);
		}
	}
	bind_catalogue();
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	textdomain(DOMAIN);
}

/*
 * The words crdt/ derives or stores and interfaces show with
 * action_pgettext(CONTEXT, word): listed here so that `make pot` puts them
 * in the catalogue (a call with a variable word is invisible to xgettext).
 * Keep in step with crdt/query.h (statuses) and crdt/schema.h (kinds,
 * urgencies).
 */
static const char *const words[] __attribute__((unused)) = {
	/* TRANSLATORS: statuses of wishes, items and offers, in tables (short) */
	NC_("status", "open"), NC_("status", "claimed"),
	NC_("status", "contested"), NC_("status", "delivered"),
	NC_("status", "confirmed"), NC_("status", "withdrawn"),
	NC_("status", "expired"), NC_("status", "available"),
	NC_("status", "on_loan"), NC_("status", "requested"),
	NC_("status", "active"), NC_("status", "accepted"),
	NC_("status", "cancelled"),
	/* TRANSLATORS: how urgent a wish is */
	NC_("urgency", "critical"), NC_("urgency", "urgent"),
	NC_("urgency", "normal"), NC_("urgency", "low"),
	/* TRANSLATORS: kinds of items, and of wishes (material, service) */
	NC_("kind", "give"), NC_("kind", "lend"), NC_("kind", "share"),
	NC_("kind", "skill"), NC_("kind", "service"), NC_("kind", "space"),
	NC_("kind", "resource"), NC_("kind", "material"),
};

const char *action_pgettext(const char *ctx, const char *s)
{
	char key[256];
	const char *t;

	/* msgctxt is stored as "CTX\004MSGID" in the catalogue */
	if (snprintf(key, sizeof key, "%s\004%s", ctx, s) >= (int)sizeof key)
		return s;
	t = gettext(key);
	return t == key ? s : t;
}
