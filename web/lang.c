/*
 * lang.c - Accept-Language and per-request gettext language (see lang.h).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crdt/err.h"
#include "web/lang.h"

/* glibc's counter of loaded catalogues: incremented, it tells gettext to
 * forget what it has cached (the gettext manual, "gettext grok"). */
extern int _nl_msg_cat_cntr;

#define NLANG 2
#define NONE (-1)
#define TAG_MAX 64 /* longer language ranges are skipped */

const char *web_lang_code(enum web_lang lang)
{
	return lang == WEB_LANG_ZH_CN ? "zh_CN" : "en";
}

const char *web_lang_tag(enum web_lang lang)
{
	return lang == WEB_LANG_ZH_CN ? "zh-Hans" : "en";
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

static int alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int alnum(int c)
{
	return alpha(c) || (c >= '0' && c <= '9');
}

/* Case-insensitive equality of the subtag s[0..n) and the lowercase w. */
static int subtag_is(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

/*
 * The language a range names: a WEB_LANG_*, NONE for one kith does not
 * speak, NLANG for "*"; -2 when the range is malformed (RFC 4647
 * language-range: 1*8ALPHA *("-" 1*8alphanum), or "*").
 */
static int range_lang(const char *s, size_t n)
{
	size_t start = 0, i, len, k = 0;
	const char *sub[3] = { NULL, NULL, NULL };
	size_t sublen[3] = { 0, 0, 0 };

	if (n == 1 && s[0] == '*')
		return NLANG;
	if (!n || n > TAG_MAX)
		return -2;
	while (start <= n) {
		for (i = start; i < n && s[i] != '-'; i++)
			if (!(start == 0 ? alpha((unsigned char)s[i]) :
					   alnum((unsigned char)s[i])))
				return -2;
		len = i - start;
		if (len < 1 || len > 8)
			return -2;
		if (k < 3) {
			sub[k] = s + start;
			sublen[k] = len;
		}
		k++;
		start = i + 1;
	}
	if (subtag_is(sub[0], sublen[0], "en"))
		return WEB_LANG_EN;
	if (!subtag_is(sub[0], sublen[0], "zh"))
		return NONE;
	if (k == 1)
		return WEB_LANG_ZH_CN;
	/* the second subtag: a script (4 letters) or a region */
	if (subtag_is(sub[1], sublen[1], "hant") ||
	    subtag_is(sub[1], sublen[1], "tw") ||
	    subtag_is(sub[1], sublen[1], "hk") ||
	    subtag_is(sub[1], sublen[1], "mo"))
		return NONE;
	if (subtag_is(sub[1], sublen[1], "hans"))
		return WEB_LANG_ZH_CN;
	/* zh-<script other than Hans/Hant>: Latin (pinyin) and others */
	if (sublen[1] == 4 && alpha((unsigned char)sub[1][0]))
		return NONE;
	return WEB_LANG_ZH_CN;
}

/*
 * The weight of a parameter list "; q=0.5" (RFC 9110 s12.4.2: "0" ["."
 * 0*3DIGIT] or "1" ["." 0*3"0"]) in thousandths; 1000 without q; -1 when
 * malformed.  Other parameters are not defined for Accept-Language: such
 * an element is malformed.
 */
static int weight(const char *s, size_t n)
{
	size_t i = 0, d;
	int q;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n)
		return 1000;
	if (s[i++] != ';')
		return -1;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (n - i < 3 || lower((unsigned char)s[i]) != 'q' || s[i + 1] != '=')
		return -1;
	i += 2;
	if (s[i] != '0' && s[i] != '1')
		return -1;
	q = (s[i++] - '0') * 1000;
	if (i < n && s[i] == '.') {
		i++;
		for (d = 0; d < 3 && i < n && s[i] >= '0' && s[i] <= '9'; d++)
			q += (s[i++] - '0') * (d == 0 ? 100 : d == 1 ? 10 : 1);
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i != n || q > 1000)
		return -1;
	return q;
}

enum web_lang web_lang_from_header(const char *h)
{
	int q[NLANG + 1], pos[NLANG + 1];
	const char *e, *end, *tag_end;
	size_t n;
	int i, lang, w, best = WEB_LANG_EN, elem = 0;

	if (!h || strlen(h) > WEB_LANG_HEADER_MAX)
		return WEB_LANG_EN;
	for (i = 0; i <= NLANG; i++) {
		q[i] = -1; /* not named */
		pos[i] = 0;
	}
	while (*h) {
		end = strchr(h, ',');
		if (!end)
			end = h + strlen(h);
		while (h < end && (*h == ' ' || *h == '\t'))
			h++;
		for (tag_end = h; tag_end < end && *tag_end != ';' &&
				  *tag_end != ' ' && *tag_end != '\t';
		     tag_end++)
			;
		n = (size_t)(tag_end - h);
		e = end;
		lang = n ? range_lang(h, n) : -2;
		w = lang >= 0 ? weight(tag_end, (size_t)(e - tag_end)) : -1;
		if (w >= 0 && lang >= 0 && q[lang] < 0) {
			q[lang] = w; /* the first range naming it counts */
			pos[lang] = elem;
		}
		elem++;
		h = *end ? end + 1 : end;
	}
	/* "*": every language no range named */
	for (i = 0; i < NLANG; i++) {
		if (q[i] < 0 && q[NLANG] >= 0) {
			q[i] = q[NLANG];
			pos[i] = pos[NLANG];
		}
	}
	w = 0;
	for (i = 0; i < NLANG; i++) {
		if (q[i] > w || (q[i] == w && w > 0 && pos[i] < pos[best])) {
			w = q[i];
			best = i;
		}
	}
	return w > 0 ? (enum web_lang)best : WEB_LANG_EN;
}

enum web_lang web_lang_choose(const char *accept_language,
			      const char *setting)
{
	if (setting && !strcmp(setting, "en"))
		return WEB_LANG_EN;
	if (setting && !strcmp(setting, "zh_CN"))
		return WEB_LANG_ZH_CN;
	return web_lang_from_header(accept_language);
}

/* ---- the preference cookie -------------------------------------------- */

static int prefs_byte_ok(int c)
{
	return alnum(c) || c == '_' || c == '.';
}

void web_prefs_parse(const char *cookie, struct web_prefs *p)
{
	const char *w, *end;
	size_t n, i;

	p->lang = NULL;
	p->easy = 0;
	if (!cookie)
		return;
	n = strlen(cookie);
	if (n > WEB_PREFS_MAX)
		return;
	for (i = 0; i < n; i++)
		if (!prefs_byte_ok((unsigned char)cookie[i]))
			return;
	for (w = cookie; *w; w = *end ? end + 1 : end) {
		end = strchr(w, '.');
		if (!end)
			end = w + strlen(w);
		n = (size_t)(end - w);
		if (n == 2 && !strncmp(w, "en", 2) && !p->lang)
			p->lang = "en";
		else if (n == 5 && !strncmp(w, "zh_CN", 5) && !p->lang)
			p->lang = "zh_CN";
		else if (n == 4 && !strncmp(w, "easy", 4))
			p->easy = 1;
	}
}

int web_prefs_format(const struct web_prefs *p, char *out, size_t n)
{
	const char *lang = NULL;
	int len;

	if (p->lang && !strcmp(p->lang, "en"))
		lang = "en";
	else if (p->lang && !strcmp(p->lang, "zh_CN"))
		lang = "zh_CN";
	len = snprintf(out, n, "%s%s%s", lang ? lang : "",
		       lang && p->easy ? "." : "", p->easy ? "easy" : "");
	if (len < 0 || (size_t)len >= n) {
		if (n)
			out[0] = 0;
		return KITH_EINVAL;
	}
	return 0;
}

/* ---- speaking a language ------------------------------------------------ */

/* What the process had before the first web_lang_use. */
static struct {
	int saved;
	char *language;	   /* LANGUAGE, or NULL when unset */
	char *lc_messages; /* setlocale(LC_MESSAGES, NULL) */
} before;

static int save(void)
{
	const char *v = getenv("LANGUAGE");
	const char *loc = setlocale(LC_MESSAGES, NULL);

	if (before.saved)
		return 0;
	before.language = v ? strdup(v) : NULL;
	before.lc_messages = strdup(loc ? loc : "C");
	if ((v && !before.language) || !before.lc_messages) {
		free(before.language);
		free(before.lc_messages);
		before.language = before.lc_messages = NULL;
		return KITH_ENOMEM;
	}
	before.saved = 1;
	return 0;
}

int web_lang_use(enum web_lang lang)
{
	const char *loc;
	int rc;

	rc = save();
	if (rc)
		return rc;
	loc = setlocale(LC_MESSAGES, NULL);
	if (!loc || !strcmp(loc, "C") || !strcmp(loc, "POSIX"))
		setlocale(LC_MESSAGES, "C.UTF-8");
	if (setenv("LANGUAGE", web_lang_code(lang), 1))
		return KITH_ENOMEM;
	++_nl_msg_cat_cntr;
	return 0;
}

void web_lang_reset(void)
{
	if (!before.saved)
		return;
	if (before.language)
		setenv("LANGUAGE", before.language, 1);
	else
		unsetenv("LANGUAGE");
	setlocale(LC_MESSAGES, before.lc_messages);
	++_nl_msg_cat_cntr;
}
