/*
 * i18n.h - the language kith speaks to people: English, or Simplified
 * Chinese from the GNU gettext catalogue po/zh_CN.po (text domain "kith").
 *
 * Every string a person reads goes through _() (or N_() where it sits in
 * a table and is translated when shown), with a translator comment
 * ("TRANSLATORS: ...") where the English is ambiguous.  Never build a
 * sentence from pieces: a whole sentence with printf arguments translates;
 * "you cannot " + verb + " this" does not.  Machine output (--json keys and
 * values, CSV headers, digests) is never translated.
 *
 * The language comes from the environment as gettext reads it (LANGUAGE,
 * LC_ALL, LC_MESSAGES, LANG).  When the locale named there is not installed
 * (a fresh machine without locale-gen zh_CN.UTF-8), kith still speaks it:
 * action_i18n_init falls back to the built-in C.UTF-8 locale and tells
 * gettext the language through LANGUAGE.
 *
 * Catalogues: a build tree keeps them next to the binary (BUILD/locale),
 * an installed kith under LOCALEDIR (PREFIX/share/locale).
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_I18N_H
#define KITH_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* A word in context, marked for `make pot` and shown with
 * action_pgettext(ctx, s). */
#define NC_(ctx, s) (s)

/* Set the locale from the environment and bind the catalogue (the build
 * tree's, next to /proc/self/exe, when there is one).  Call first in main. */
void action_i18n_init(void);

/*
 * s translated in context ctx (msgctxt), for short words that mean
 * different things in different places ("open" as a wish's status).
 * xgettext: --keyword=action_pgettext:1c,2.
 */
const char *action_pgettext(const char *ctx, const char *s);

#endif
