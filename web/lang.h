/*
 * lang.h - which language a web page speaks, and speaking it.
 *
 * The web app speaks the CLI's languages from the same gettext catalogues
 * (action/i18n.h, text domain "kith"): English and Simplified Chinese.
 *
 * Choosing (web_lang_choose): a person's setting wins ("en" or "zh_CN");
 * without one, the browser's Accept-Language header decides (RFC 9110
 * s12.5.4, q-values of s12.4.2).  Each language range of the header is
 * mapped to what kith speaks:
 *
 *   en, en-*                                   English
 *   zh, zh-CN, zh-SG, zh-Hans, zh-Hans-*,      Simplified Chinese
 *   zh-<any other region>
 *   zh-TW, zh-HK, zh-MO, zh-Hant, zh-Hant-*    nothing: kith has no
 *                                              Traditional Chinese, and a
 *                                              reader of it is not served
 *                                              Simplified unasked (list
 *                                              "zh" too to accept it);
 *                                              such a range is skipped
 *   *                                          every language not named
 *                                              by another range
 *   anything else                              nothing (skipped)
 *
 * A language takes the q of the first range that names it, "*" only when
 * none does; the highest q above 0 wins, a tie goes to the range listed
 * first.  Nothing acceptable, an empty, missing, oversized (over
 * WEB_LANG_HEADER_MAX bytes) or malformed header: English.  A malformed
 * element (a bad tag, a bad q) is skipped, the others still count.
 *
 * The person's setting lives in the browser, in the preference cookie
 * kith_prefs (WEB_PREFS_COOKIE; GET/POST /settings, web/page_settings.c,
 * writes it): not a secret and not tied to a session, so it survives a
 * logout and a restarted daemon, and the error pages (answered before any
 * session is looked at) speak it too.  Its value is a list of words joined
 * by '.', each from a whitelist:
 *
 *   en | zh_CN     the language (none: the browser's Accept-Language)
 *   easy           easy mode for elders (web/html.h, kith.css)
 *
 * e.g. "zh_CN.easy".  web_prefs_parse reads it: an unknown word is
 * skipped (a later kith may add some), a second language word is
 * ignored (the first counts), a value longer than WEB_PREFS_MAX or
 * holding a byte outside [A-Za-z0-9_.] counts as no cookie at all - so
 * nothing a browser sends ever reaches a page but these three words.
 * web_prefs_format writes the canonical value back ("" for the defaults:
 * the cookie is then cleared).
 *
 * Speaking (web_lang_use): glibc's gettext reads LANGUAGE on every call
 * but caches translations it has found; the gettext manual ("gettext
 * grok") says a program that changes LANGUAGE at run time makes the change
 * known by incrementing _nl_msg_cat_cntr, which is what web_lang_use does
 * after setenv.  LANGUAGE is ignored in the "C" locale, so when the
 * daemon's LC_MESSAGES is C (a service started without LANG), web_lang_use
 * moves LC_MESSAGES to C.UTF-8 once, as action_i18n_init does for a locale
 * that is not installed.  The daemon renders pages on its loop thread
 * only: setenv is not safe while another thread calls getenv or gettext,
 * so worker threads (uv_queue_work) fetch data and never translate.
 *
 * Design: docs/DESIGN.md s6.
 */
#ifndef KITH_WEB_LANG_H
#define KITH_WEB_LANG_H

#include <stddef.h>

enum web_lang { WEB_LANG_EN = 0, WEB_LANG_ZH_CN = 1 };

/* Longer Accept-Language headers are ignored (English). */
#define WEB_LANG_HEADER_MAX 1024

/* The language for a request: setting ("en", "zh_CN"; NULL, "" or any
 * other value means none), else the header (may be NULL). */
enum web_lang web_lang_choose(const char *accept_language,
			      const char *setting);

/* The preference cookie: its name and the longest value read. */
#define WEB_PREFS_COOKIE "kith_prefs"
#define WEB_PREFS_MAX 64

struct web_prefs {
	const char *lang; /* NULL (automatic), "en" or "zh_CN": static */
	int easy;	  /* easy mode */
};

/* The cookie's value (NULL: none) into *p; never fails (see above). */
void web_prefs_parse(const char *cookie, struct web_prefs *p);
/* p's canonical value ("" for the defaults) into out[n]; KITH_EINVAL
 * when it does not fit. */
__attribute__((warn_unused_result)) int
web_prefs_format(const struct web_prefs *p, char *out, size_t n);

/* The language from an Accept-Language header alone (NULL: English). */
enum web_lang web_lang_from_header(const char *accept_language);

/* "en" / "zh_CN": gettext's name and the setting's value. */
const char *web_lang_code(enum web_lang lang);
/* "en" / "zh-Hans": the BCP 47 tag for <html lang> and Content-Language. */
const char *web_lang_tag(enum web_lang lang);

/* Make gettext speak lang from now on in this process (see above);
 * 0, or KITH_ENOMEM when the environment cannot be changed. */
__attribute__((warn_unused_result)) int web_lang_use(enum web_lang lang);
/* Give the process back the LANGUAGE it had before the first
 * web_lang_use (after a request, so the daemon's own messages keep its
 * language). */
void web_lang_reset(void);

#endif
